// The stored forms of an event's inputs and flags (storage/codec.hpp): written byte for byte as
// nlohmann::json dumps them, and read back the same with or without the parser, since both
// backends store them and the bench compares the stored rows.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/random_text.hpp"

#include "storage/codec.hpp"

using namespace djflow::engine;
using djflow::storage::detail::decode_flags;
using djflow::storage::detail::decode_inputs;
using djflow::storage::detail::encode_flags;
using djflow::storage::detail::encode_inputs;

TEST_CASE("inputs and flags are stored as nlohmann::json dumps them, and read back from any JSON form",
          "[storage][codec]") {
  const std::vector<std::string> pieces = {"", "a", "Z", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x01",
                                           "\x1f", " ", "\x7f", "é", "王", "😀", "{}", "[,]", ":", "0", "\\u00e9"};
  djflow::test::RandomText random(pieces);
  auto next = [&](std::uint64_t n) { return random.next(n); };
  auto text = [&] { return random.text(); };
  for (int i = 0; i < 2000; ++i) {
    INFO("case " << i);
    Inputs in;
    for (auto n = next(4); n > 0; --n) in[text()] = text();
    std::vector<std::string> flags;
    for (auto n = next(4); n > 0; --n) flags.push_back(text());
    nlohmann::json ji = nlohmann::json::object();
    for (const auto& [k, v] : in) ji[k] = v;
    const nlohmann::json jf = flags;

    auto stored_in = encode_inputs(in);
    auto stored_flags = encode_flags(flags);
    REQUIRE(stored_in.ok());
    REQUIRE(stored_flags.ok());
    REQUIRE(stored_in.value() == ji.dump());
    REQUIRE(stored_flags.value() == jf.dump());
    // Read back: the compact form, and the same JSON indented (written behind djflow's back).
    for (const auto& [inputs_text, flags_text] : {std::pair{ji.dump(), jf.dump()}, std::pair{ji.dump(1), jf.dump(1)}}) {
      Inputs read_in{{"stale", "x"}};
      std::vector<std::string> read_flags{"stale"};
      REQUIRE(decode_inputs(inputs_text, read_in).ok());
      REQUIRE(decode_flags(flags_text, read_flags).ok());
      CHECK(read_in == in);
      CHECK(read_flags == flags);
    }
  }
}

TEST_CASE("stored inputs and flags that are not the JSON djflow writes are read as the parser reads them",
          "[storage][codec]") {
  // A key twice: the parser's value (the last), not the first.
  Inputs in;
  REQUIRE(decode_inputs(R"({"a":"1","a":"2"})", in).ok());
  CHECK(in == Inputs{{"a", "2"}});
  std::vector<std::string> flags;
  REQUIRE(decode_flags(R"(["a","a"])", flags).ok());
  CHECK(flags == std::vector<std::string>{"a", "a"});
  // Not JSON, not the right shape, not UTF-8: corruption, with the previous contents cleared.
  for (const char* bad : {R"({"a":"1")", R"({"a":"1"}x)", R"({"a":1})", R"(["a"])", "{\"a\":\"\xff\"}", R"({"a":"1",})"}) {
    INFO(bad);
    Inputs out{{"stale", "x"}};
    const auto s = decode_inputs(bad, out);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::Corruption);
  }
  for (const char* bad : {R"(["a")", R"(["a"]x)", R"([1])", R"({"a":"1"})", "[\"\xff\"]", R"(["a",])"}) {
    INFO(bad);
    std::vector<std::string> out{"stale"};
    const auto s = decode_flags(bad, out);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::Corruption);
  }
  // Text that is not UTF-8 is refused when written, as nlohmann's dump refuses it.
  CHECK_FALSE(encode_inputs(Inputs{{"a", "\xff"}}).ok());
  CHECK_FALSE(encode_inputs(Inputs{{"\xfe", "a"}}).ok());
  CHECK_FALSE(encode_flags({"ok", "\xc3\x28"}).ok());
}
