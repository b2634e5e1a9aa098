// An engine with the real workflows on a fresh store of the backend under test
// (support/test_db.hpp) and a manual clock, with one
// branch B1 of `full` full members: the fixture of the election and term tests.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "engine/engine.hpp"
#include "support/test_db.hpp"
#include "workflows/registry.hpp"

namespace djflow::testing {

using namespace djflow::engine;

inline Date Dt(const char* iso) { return *Date::parse(iso); }

inline TimePoint at_local(const char* date, int hour = 12) {
  return TimePoint{Dt(date).sys_days().time_since_epoch() + std::chrono::hours{hour - 8}};  // UTC+8
}

struct ElectionFixture {
  storage::test::TestDb db;
  std::unique_ptr<Store> store;
  ManualClock clock{at_local("2026-01-10")};
  WorkflowRegistry registry;
  std::unique_ptr<Engine> engine;

  explicit ElectionFixture(int full = 8, std::map<std::string, std::string> settings = {},
                           const char* kind = "branch") {
    store = db.open();
    for (const auto& [k, v] : settings) REQUIRE(store->set_setting(k, v).ok());
    workflows::register_all(registry);
    engine = std::make_unique<Engine>(*store, clock, registry);
    REQUIRE(engine->load().ok());
    Branch b;
    b.code = "B1";
    b.name = "第一党支部";
    b.kind = kind;
    REQUIRE(engine->add_branch(b).ok());
    for (int i = 0; i < full; ++i) add_member(MemberStatus::Full);
  }

  PersonId add_member(MemberStatus status) {
    Person p;
    p.name = "党员" + std::to_string(++people_);
    p.branch = "B1";
    p.born = Date(1980, 1, 1);
    p.status = status;
    p.joined = Date(2010, 1, 1);
    auto id = engine->add_person(p);
    REQUIRE(id.ok());
    return id.value();
  }

  void at(const char* date, int hour = 12) { clock.set(at_local(date, hour)); }

  CaseId term(const char* start, int years = 3, const char* committee = "yes", const char* on = "2026-01-10") {
    CaseSubject subj;
    subj.branch = "B1";
    subj.title = "term";
    auto r = engine->start("term", subj,
                           StepInput{"begin", Dt(on),
                                     {{"start", start}, {"years", std::to_string(years)}, {"committee", committee}},
                                     "", "", "tester"});
    REQUIRE(r.ok());
    return r->c.id;
  }

  Result<StepOutcome> start_election(CaseId term_case, Inputs extra = {}, const char* on = "2026-01-10") {
    auto t = store->events(term_case).value();
    const auto start = t.front().inputs.at("start");
    const int years = std::stoi(t.front().inputs.at("years"));
    Inputs in{{"term-case", std::to_string(term_case)},
              {"term-start", start},
              {"term-end", Dt(start.c_str()).add_years(years).iso()},
              {"years", "3"}};
    for (auto& [k, v] : extra) in[k] = v;
    CaseSubject subj;
    subj.branch = "B1";
    subj.title = "election";
    return engine->start("election", subj, StepInput{"start", Dt(on), in, "", "", "tester"});
  }

  Result<StepOutcome> rec(CaseId id, const char* event, const char* date, Inputs with = {}, std::string ref = {},
                          std::string note = {}) {
    return engine->record(id, StepInput{event, Dt(date), std::move(with), std::move(note), std::move(ref), "tester"});
  }

  // Records a step that must be accepted; returns its outcome.
  StepOutcome ok(CaseId id, const char* event, const char* date, Inputs with = {}, std::string ref = {}) {
    auto r = rec(id, event, date, std::move(with), std::move(ref));
    if (!r.ok()) FAIL(event << " refused: " << r.error().message.en);
    return r.value();
  }

  // Records a step that must be refused by `rule` (or fail with `code`); checks nothing changed.
  Error refused(CaseId id, const char* event, const char* date, Inputs with = {}, const char* rule = "",
                ErrorCode code = ErrorCode::Refused, std::string ref = {}) {
    const auto before = store->find_case(id).value()->version;
    auto r = rec(id, event, date, std::move(with), std::move(ref));
    if (r.ok()) FAIL(event << " was accepted into " << r->c.state);
    CHECK(r.error().code == code);
    if (*rule) CHECK(r.error().rule == rule);
    CHECK(store->find_case(id).value()->version == before);
    return r.error();
  }

  std::string state(CaseId id) { return store->find_case(id).value()->state; }

  // start -> candidates-approved with `seats` seats and nominees 甲乙丙丁戊己... (n of them).
  CaseId to_candidates_approved(CaseId term_case, int seats = 5, int nominees = 6) {
    auto e = start_election(term_case);
    REQUIRE(e.ok());
    const CaseId id = e->c.id;
    at("2026-06-30");
    ok(id, "request", "2026-04-01", {}, "请示〔2026〕1号");
    ok(id, "reply", "2026-04-10");
    ok(id, "nominate", "2026-04-20");
    ok(id, "candidates", "2026-05-01", {{"seats", std::to_string(seats)}, {"nominees", names(nominees)}});
    ok(id, "candidates-approved", "2026-05-10");
    return id;
  }

  static std::string names(int n) {
    static const char* kNames[] = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"};
    std::string out;
    for (int i = 0; i < n; ++i) out += (out.empty() ? "" : ",") + std::string(kNames[i]);
    return out;
  }

 private:
  int people_ = 0;
};

}  // namespace djflow::testing
