#include <catch2/catch.hpp>

#include "engine/history_hash.hpp"

using namespace djflow::engine;

TEST_CASE("SHA-256 matches the standard test vector", "[engine][hash]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
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
