// An engine on a fresh store of the backend under test (support/test_db.hpp: a temporary SQLite
// file, or a PostgreSQL schema under the `pg:` prefix), a manual clock and the toy workflow, with
// one branch.
#pragma once

#include <memory>

#include "engine/engine.hpp"
#include "support/test_db.hpp"
#include "support/toy_workflow.hpp"

namespace djflow::testing {

inline TimePoint local_noon(const char* date) {
  // Asia/Shanghai is UTC+8 all year: 12:00 local is 04:00 UTC.
  return TimePoint{Date::parse(date)->sys_days().time_since_epoch() + std::chrono::hours{4}};
}

struct EngineFixture {
  storage::test::TestDb db;
  std::unique_ptr<Store> store;
  ManualClock clock{local_noon("2024-01-01")};
  WorkflowRegistry registry;
  std::unique_ptr<Engine> engine;

  explicit EngineFixture(Store* wrap = nullptr) {
    store = db.open();
    registry.add(std::make_unique<ToyWorkflow>());
    engine = std::make_unique<Engine>(wrap ? *wrap : *store, clock, registry);
    if (!engine->load()) throw std::runtime_error("load");
    Branch b;
    b.code = "B1";
    b.name = "第一党支部";
    if (!engine->add_branch(b)) throw std::runtime_error("branch");
  }

  void at(const char* local_date, int hour = 12) {
    clock.set(TimePoint{Date::parse(local_date)->sys_days().time_since_epoch() + std::chrono::hours{hour - 8}});
  }

  StepOutcome open_case(const char* date, Inputs with = {}) {
    CaseSubject subj;
    subj.branch = "B1";
    subj.title = "事项甲";
    auto r = engine->start("toy", subj, StepInput{"open", *Date::parse(date), std::move(with), "", "", "tester"});
    if (!r) throw std::runtime_error(r.error().message.en);
    return r.value();
  }

  StepInput step(const char* event, const char* date) {
    return StepInput{event, *Date::parse(date), {}, "", "", "tester"};
  }
};

}  // namespace djflow::testing
