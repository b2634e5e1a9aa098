#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/random_text.hpp"

#include "engine/history_hash.hpp"

using namespace djflow::engine;

TEST_CASE("SHA-256 matches the standard test vector", "[engine][hash]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // The other NIST FIPS 180-2 vectors: empty, two blocks, and a million bytes (decision 0122:
  // the low-level interface must give the digests EVP gave, or every stored chain would break).
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("an event's hash covers every field and the previous hash", "[engine][hash]") {
  EventRecord e;
  e.case_id = 7;
  e.seq = 2;
  e.event = "talk";
  e.date = *Date::parse("2024-02-01");
  e.actor = "王书记";
  e.inputs = {{"b", "2"}, {"a", "1"}};
  e.to_state = "applicant";
  e.prev_hash = "abc";
  const std::string h = event_hash(e);
  CHECK(h.size() == 64);
  CHECK(event_hash(e) == h);  // deterministic

  auto changed = [&](auto mutate) {
    EventRecord copy = e;
    mutate(copy);
    return event_hash(copy) != h;
  };
  CHECK(changed([](EventRecord& x) { x.date = x.date.add_days(1); }));
  CHECK(changed([](EventRecord& x) { x.actor = "someone"; }));
  CHECK(changed([](EventRecord& x) { x.inputs["a"] = "9"; }));
  CHECK(changed([](EventRecord& x) { x.prev_hash = "abd"; }));
  CHECK(changed([](EventRecord& x) { x.seq = 3; }));
  CHECK(changed([](EventRecord& x) { x.flags.push_back("late:talk"); }));
  CHECK(changed([](EventRecord& x) { x.note = "n"; }));
  CHECK_FALSE(changed([](EventRecord& x) { x.hash = "whatever"; }));
}

namespace {

// An event with every kind of character the canonical form escapes or keeps as is.
EventRecord fixed_event() {
  EventRecord e;
  e.case_id = 7;
  e.seq = 2;
  e.event = "talk";
  e.date = *Date::parse("2024-02-01");
  e.recorded_at = TimePoint{std::chrono::seconds{1706745600}};
  e.actor = "王书记";
  e.inputs = {{"a", "1"}, {"b", "引号\"与\\反斜杠\n\t\x01"}};
  e.note = "谈话 é ÿ 😀 \x7f";
  e.ref = "会议记录";
  e.rule_version = "2014";
  e.from_state = "applied";
  e.to_state = "applicant";
  e.flags = {"late:talk"};
  e.prev_hash = "abc";
  return e;
}

}  // namespace

TEST_CASE("the canonical form of valid text is unchanged (existing hashes stay valid)", "[engine][hash]") {
  // Computed independently (Python json.dumps, sorted keys, compact, ensure_ascii=False) and
  // equal to what djflow wrote before invalid bytes got their own encoding.
  const EventRecord e = fixed_event();
  CHECK(canonical_event(e) ==
        "{\"actor\":\"王书记\",\"case\":7,\"date\":\"2024-02-01\",\"event\":\"talk\",\"flags\":[\"late:talk\"],"
        "\"from\":\"applied\",\"inputs\":{\"a\":\"1\",\"b\":\"引号\\\"与\\\\反斜杠\\n\\t\\u0001\"},"
        "\"note\":\"谈话 é ÿ 😀 \x7f\",\"recorded_at\":1706745600,\"ref\":\"会议记录\",\"rule_version\":\"2014\","
        "\"seq\":2,\"to\":\"applicant\"}");
  CHECK(event_hash(e) == "d056d9b86b10fe8ddf3f79f5c037945bc86a36aca9623da5f58d999ae82acf57");
}

TEST_CASE("the hash distinguishes byte strings that are not valid UTF-8", "[engine][hash]") {
  auto hash_with = [](auto mutate) {
    EventRecord e = fixed_event();
    mutate(e);
    return event_hash(e);
  };
  const auto ff = hash_with([](EventRecord& e) { e.note = "\xff"; });
  const auto fe = hash_with([](EventRecord& e) { e.note = "\xfe"; });
  const auto replacement = hash_with([](EventRecord& e) { e.note = "\xef\xbf\xbd"; });  // U+FFFD itself
  const auto escaped_lookalike = hash_with([](EventRecord& e) { e.note = "ÿ"; });       // U+00FF
  CHECK(ff != fe);
  CHECK(ff != replacement);
  CHECK(ff != escaped_lookalike);
  CHECK(hash_with([](EventRecord& e) { e.actor = "\xc3\x28"; }) != hash_with([](EventRecord& e) { e.actor = "\xc3\x29"; }));
  CHECK(hash_with([](EventRecord& e) { e.inputs["\xff"] = "1"; }) != hash_with([](EventRecord& e) { e.inputs["\xfe"] = "1"; }));
  CHECK(hash_with([](EventRecord& e) { e.flags = {"\xff"}; }) != hash_with([](EventRecord& e) { e.flags = {"\xfe"}; }));
  // An invalid string never dumps as the object a valid one could be mistaken for.
  CHECK(hash_with([](EventRecord& e) { e.note = "\xff"; }) !=
        hash_with([](EventRecord& e) { e.note = "{\"invalid_utf8_hex\":\"ff\"}"; }));
}

TEST_CASE("the canonical form written directly is, byte for byte, the JSON dump of the event object",
          "[engine][hash]") {
  // The definition (sorted keys, compact, nlohmann's string escapes), against canonical_event's
  // direct writer, over events drawn from a small alphabet of every kind of character.
  auto reference = [](const EventRecord& e) {
    nlohmann::json inputs = nlohmann::json::object();
    for (const auto& [k, v] : e.inputs) inputs[k] = v;
    return nlohmann::json{{"case", e.case_id},      {"seq", e.seq},
                          {"event", e.event},       {"date", e.date.iso()},
                          {"recorded_at", e.recorded_at.time_since_epoch().count()},
                          {"actor", e.actor},       {"inputs", inputs},
                          {"note", e.note},         {"ref", e.ref},
                          {"rule_version", e.rule_version},
                          {"from", e.from_state},   {"to", e.to_state},
                          {"flags", e.flags}}
        .dump();
  };
  const std::vector<std::string> pieces = {"", "a", "Z", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x01",
                                           "\x1f", " ", "\x7f", "é", "王", "😀", "{}", "[,]", ":", "0"};
  djflow::test::RandomText random(pieces);
  auto next = [&](std::uint64_t n) { return random.next(n); };
  auto text = [&] { return random.text(); };
  for (int i = 0; i < 2000; ++i) {
    EventRecord e;
    e.case_id = static_cast<std::int64_t>(next(1000000)) - (i % 7 == 0 ? 500000 : 0);
    e.seq = static_cast<std::int64_t>(next(100));
    e.event = text();
    e.date = Date::from_days(static_cast<std::int32_t>(next(40000)) - 3000);
    e.recorded_at = TimePoint{std::chrono::seconds{static_cast<std::int64_t>(next(4000000000)) - 1000}};
    e.actor = text();
    for (auto n = next(4); n > 0; --n) e.inputs[text()] = text();
    e.note = text();
    e.ref = text();
    e.rule_version = text();
    e.from_state = text();
    e.to_state = text();
    for (auto n = next(3); n > 0; --n) e.flags.push_back(text());
    INFO("event " << i);
    REQUIRE(canonical_event(e) == reference(e));
  }
}
