// engine::put_json_string, the one JSON string writer of the canonical event form, the stored
// inputs and flags, and the CLI's JSON output: byte for byte nlohmann::json's dump() with
// ensure_ascii off and error_handler_t::replace, on valid and on invalid UTF-8.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "engine/json_string.hpp"
#include "support/random_text.hpp"

namespace {

std::string dumped(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string written(const std::string& s) {
  std::string out = "prefix:";
  djflow::engine::put_json_string(out, s);
  return out.substr(7);
}

}  // namespace

TEST_CASE("put_json_string writes what dump() writes, escapes and invalid UTF-8 included", "[engine][json]") {
  for (const std::string& s : {std::string(), std::string("plain"), std::string("\"quoted\" \\ back"),
                              std::string("\b\f\n\r\t\x01\x1f\x7f"), std::string("党支部 é 𝄞"),
                              std::string("bad \xff\xfe byte \xe4\xb8"), std::string("\xed\xa0\x80 surrogate"),
                              std::string("\xc0\xaf overlong"), std::string("\xf4\x90\x80\x80 too high"),
                              std::string("nul \0 inside", 12)}) {
    INFO(s);
    CHECK(written(s) == dumped(s));
  }
  // Random strings drawn from bytes that matter: ASCII, controls, quote, backslash, UTF-8 lead and
  // continuation bytes in and out of order.
  djflow::test::RandomText random({"a", "Z", " ", "\"", "\\", "\n", "\x01", "\x1f", "\x7f", "党", "é", "𝄞", "\x80",
                                   "\xbf", "\xc2", "\xe4", "\xe4\xb8", "\xf0\x9f", "\xff", "\xed\xa0"});
  for (int n = 0; n < 5000; ++n) {
    const std::string s = random.text(12);
    INFO("case " << n);
    REQUIRE(written(s) == dumped(s));
  }
}
