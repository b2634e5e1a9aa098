#include <catch2/catch.hpp>
#include <algorithm>

#include "engine/history_hash.hpp"
#include "support/engine_fixture.hpp"

using namespace djflow::engine;
using djflow::testing::EngineFixture;

static Date D(const char* s) { return *Date::parse(s); }

TEST_CASE("a step appends a hash-chained event and moves the case", "[engine][cases]") {
  EngineFixture f;
  f.at("2024-01-05");
  auto o = f.open_case("2024-01-02");
  CHECK(o.c.state == "open");
  CHECK(o.c.version == 1);
  CHECK(o.event.seq == 1);
  CHECK(o.event.prev_hash.empty());
  CHECK(o.event.hash == event_hash(o.event));
  CHECK(o.event.actor == "tester");
  CHECK(o.event.rule_version == "v1");

  auto r = f.engine->record(o.c.id, f.step("note", "2024-01-03"));
  REQUIRE(r);
  CHECK(r->event.seq == 2);
  CHECK(r->event.prev_hash == o.event.hash);
  CHECK(r->c.version == 2);

  auto v = f.engine->show(o.c.id);
  REQUIRE(v);
  CHECK(v->history.size() == 2);
  CHECK(v->c.head_hash == r->event.hash);
  REQUIRE(v->deadlines.size() == 1);
  CHECK(v->deadlines[0].kind == "finish");
  CHECK(v->deadlines[0].due == D("2024-01-12"));
  CHECK(v->allowed == std::vector<std::string>{"note", "finish"});
}

TEST_CASE("aliases resolve to the canonical event id", "[engine][cases]") {
  EngineFixture f;
  f.at("2024-01-05");
  CaseSubject subj;
  subj.branch = "B1";
  subj.title = "x";
  auto r = f.engine->start("toy", subj, StepInput{"开始", D("2024-01-05"), {}, "", "", "me"});
  REQUIRE(r);
  CHECK(r->event.event == "open");
}

TEST_CASE("a refused step writes nothing and names rule, article and date", "[engine][cases]") {
  EngineFixture f;
  f.at("2024-01-05");
  auto o = f.open_case("2024-01-02");
  auto r = f.engine->record(o.c.id, f.step("boom", "2024-01-04"));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::Refused);
  CHECK(exit_code(r.error().code) == 1);
  CHECK(r.error().rule == "T1");
  CHECK(r.error().article == "toy art. 1");
  CHECK(r.error().possible_from == D("2024-01-07"));
  auto v = f.engine->show(o.c.id);
  CHECK(v->history.size() == 1);
  CHECK(v->c.version == 1);
}

TEST_CASE("dates after today or before the previous step are invalid", "[engine][cases]") {
  EngineFixture f;
  f.at("2024-01-05");
  auto o = f.open_case("2024-01-03");
  auto future = f.engine->record(o.c.id, f.step("note", "2024-01-06"));
  REQUIRE_FALSE(future);
  CHECK(future.error().code == ErrorCode::InvalidInput);
  CHECK(future.error().message.en.find("after today") != std::string::npos);
  auto before = f.engine->record(o.c.id, f.step("note", "2024-01-02"));
  REQUIRE_FALSE(before);
  CHECK(before.error().code == ErrorCode::InvalidInput);
  CHECK(before.error().message.en.find("previous step") != std::string::npos);
  // Same day as the previous step is fine.
  CHECK(f.engine->record(o.c.id, f.step("note", "2024-01-03")));
}

TEST_CASE("unknown events and cases are reported as such", "[engine][cases]") {
  EngineFixture f;
  f.at("2024-01-05");
  auto o = f.open_case("2024-01-03");
  auto bad = f.engine->record(o.c.id, f.step("dance", "2024-01-04"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::InvalidInput);
  auto missing = f.engine->record(999, f.step("note", "2024-01-04"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::NotFound);
  CHECK(exit_code(missing.error().code) == 3);
}

TEST_CASE("fulfilling a deadline after its due date marks the step late", "[engine][cases]") {
  EngineFixture f;
  f.at("2024-02-01");
  auto o = f.open_case("2024-01-02");  // finish due 2024-01-12
  auto on_time = f.engine->record(o.c.id, f.step("note", "2024-01-20"));
  REQUIRE(on_time);
  CHECK(on_time->event.flags.empty());  // a note fulfils nothing
  auto late = f.engine->record(o.c.id, f.step("finish", "2024-01-20"));
  REQUIRE(late);
  CHECK(late->event.flags == std::vector<std::string>{"late:finish"});
  REQUIRE(late->closed.size() == 1);
  CHECK(late->closed[0].kind == "finish");

  EngineFixture g;
  g.at("2024-02-01");
  auto o2 = g.open_case("2024-01-02");
  auto ok = g.engine->record(o2.c.id, g.step("finish", "2024-01-12"));  // on the due day
  REQUIRE(ok);
  CHECK(ok->event.flags.empty());
}

TEST_CASE("a closed deadline leaves no pending reminders", "[engine][timers]") {
  EngineFixture f;
  f.at("2024-01-05");
  auto o = f.open_case("2024-01-02");
  auto open = f.store->open_deadlines(o.c.id);
  REQUIRE(open.value().size() == 1);
  const auto deadline_id = open.value()[0].id;
  CHECK(f.store->pending_timers(deadline_id).value().size() == 3);  // -7, 0, +7
  REQUIRE(f.engine->record(o.c.id, f.step("finish", "2024-01-05")));
  CHECK(f.store->pending_timers(deadline_id).value().empty());
  CHECK(f.store->open_deadlines(o.c.id).value().empty());
  f.at("2024-03-01");
  CHECK(f.engine->tick().value().empty());
}

TEST_CASE("verify passes on an untouched database", "[engine][verify]") {
  EngineFixture f;
  f.at("2024-01-05");
  auto o = f.open_case("2024-01-02");
  REQUIRE(f.engine->record(o.c.id, f.step("note", "2024-01-03")));
  f.open_case("2024-01-04");
  auto r = f.engine->verify();
  REQUIRE(r);
  CHECK(r->ok());
  CHECK(r->cases == 2);
  CHECK(r->events == 3);
  CHECK(r->integrity == "ok");
}

TEST_CASE("a stale version is a conflict", "[engine][cases]") {
  EngineFixture f;
  f.at("2024-01-05");
  auto o = f.open_case("2024-01-02");
  REQUIRE(f.store->begin_write());
  auto st = f.store->update_case(o.c.id, 0, "open", "x", f.clock.now());
  f.store->rollback();
  REQUIRE_FALSE(st);
  CHECK(st.error().code == ErrorCode::Conflict);
}

TEST_CASE("replay derives what recording stored: case row, deadlines, reminders", "[engine][verify][replay]") {
  EngineFixture f;
  f.at("2024-01-05");
  auto o = f.open_case("2024-01-02");
  REQUIRE(f.engine->record(o.c.id, f.step("note", "2024-01-03")));
  auto r = f.engine->replay(o.c.id);
  REQUIRE(r);
  CHECK(r->problems.empty());
  const Case stored = f.store->find_case(o.c.id).value().value();
  CHECK(r->c.state == stored.state);
  CHECK(r->c.version == stored.version);
  CHECK(r->c.head_hash == stored.head_hash);
  CHECK(r->c.created_at == stored.created_at);
  CHECK(r->c.updated_at == stored.updated_at);
  // The open deadlines and their pending reminders are exactly the derived ones.
  const auto open = f.store->open_deadlines(o.c.id).value();
  std::vector<std::string> derived_open, stored_open, derived_keys, stored_keys;
  for (std::size_t i = 0; i < r->deadlines.size(); ++i) {
    if (!r->deadlines[i].open) continue;
    derived_open.push_back(r->deadlines[i].kind + "@" + r->deadlines[i].due.iso());
    for (const auto& t : r->timers[i]) derived_keys.push_back(t.key);
  }
  for (const auto& d : open) {
    stored_open.push_back(d.kind + "@" + d.due.iso());
    for (const auto& t : f.store->pending_timers(d.id).value()) stored_keys.push_back(t.key);
  }
  std::sort(derived_keys.begin(), derived_keys.end());
  std::sort(stored_keys.begin(), stored_keys.end());
  CHECK_FALSE(derived_open.empty());
  CHECK(derived_open == stored_open);
  CHECK(derived_keys == stored_keys);
  CHECK(f.engine->replay(999).error().code == ErrorCode::NotFound);
}
