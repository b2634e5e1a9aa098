// Drives the rectification workflows through the Workflow interface without the engine: an item
// (or batch) case and its history in memory; step() appends accepted steps as the engine would.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "engine/workflow.hpp"
#include "workflows/rectify/rectify_workflow.hpp"

namespace djflow::testing {

using engine::Date;
using engine::Error;
using engine::ErrorCode;
using engine::Inputs;

inline Date RD(const char* iso) {
  auto d = Date::parse(iso);
  REQUIRE(d.has_value());
  return *d;
}

class NoDirectory final : public engine::Directory {
 public:
  engine::Result<std::optional<engine::Person>> person(engine::PersonId) const override {
    return std::optional<engine::Person>{};
  }
  engine::Result<std::optional<engine::Branch>> branch(const std::string&) const override {
    return std::optional<engine::Branch>{};
  }
};

class RectifyHarness {
 public:
  explicit RectifyHarness(bool batch = false, std::map<std::string, std::string> config = {})
      : config(std::move(config)) {
    if (batch) wf = &batch_wf;
    c.id = 7;
    c.workflow = std::string(wf->name());
    c.branch = "B1";
    c.title = "问题";
  }

  engine::CaseContext ctx() const { return {c, history, nullptr, directory, calendar, config}; }

  engine::Result<engine::StepResult> step(const std::string& event, Date date, Inputs with = {},
                                          std::string note = {}, std::string ref = {}) {
    engine::StepInput in{event, date, std::move(with), std::move(note), std::move(ref), "tester"};
    auto r = wf->apply(ctx(), in);
    if (r.ok()) {
      engine::EventRecord e;
      e.case_id = c.id;
      e.seq = static_cast<std::int64_t>(history.size()) + 1;
      e.event = *wf->resolve_event(event);
      e.date = date;
      e.inputs = r->inputs;
      e.note = in.note;
      e.ref = in.ref;
      e.rule_version = r->rule_version;
      e.from_state = c.state;
      e.to_state = r->to_state;
      history.push_back(e);
      c.state = r->to_state;
      ++c.version;
    }
    return r;
  }

  engine::StepResult ok(const std::string& event, const char* date, Inputs with = {}, std::string note = {},
                        std::string ref = {}) {
    auto r = step(event, RD(date), std::move(with), std::move(note), std::move(ref));
    if (!r.ok()) FAIL(event << " on " << date << " refused: " << r.error().message.en);
    return r.value();
  }

  Error fails(const std::string& event, const char* date, Inputs with = {}, ErrorCode code = ErrorCode::Refused,
              std::string note = {}, std::string ref = {}) {
    const auto before = history.size();
    auto r = step(event, RD(date), std::move(with), std::move(note), std::move(ref));
    if (r.ok()) FAIL(event << " on " << date << " was accepted into " << r->to_state);
    CHECK(r.error().code == code);
    CHECK(history.size() == before);
    return r.error();
  }

  // Registers an item: owner 张三, leader 王书记.
  void reg(const char* type, const char* date = "2024-03-01", const char* deadline = nullptr,
           const char* milestones = nullptr) {
    Inputs in{{"problem", "党员教育方式方法单一"}, {"measures", "制定年度教育计划"}, {"leader", "王书记"},
              {"department", "党办"}, {"owner", "张三"}, {"type", type}};
    if (deadline) in["deadline"] = deadline;
    if (milestones) in["milestones"] = milestones;
    ok("register", date, in);
  }

  std::vector<engine::DeadlineSpec> deadlines() const { return wf->deadlines(ctx()); }
  std::vector<std::string> allowed() const { return wf->allowed(ctx()); }
  const engine::DeadlineSpec* deadline(const std::string& kind) const {
    static std::vector<engine::DeadlineSpec> keep;
    keep = deadlines();
    for (const auto& d : keep)
      if (d.kind == kind) return &d;
    return nullptr;
  }

  NoDirectory directory;
  engine::WorkCalendar calendar;
  engine::Config config;
  engine::Case c;
  std::vector<engine::EventRecord> history;
  workflows::rectify::RectifyWorkflow item_wf;
  workflows::rectify::RectifyBatchWorkflow batch_wf;
  const engine::Workflow* wf = &item_wf;
};

}  // namespace djflow::testing
