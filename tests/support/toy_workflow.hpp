// A two-step workflow for engine tests, independent of the real workflows: "open" creates the
// case in state "open" with a deadline "finish" due 10 days later (reminders 7 days before, on
// the day, weekly while overdue), and "finish" closes it. "note" is a self-step; "milestone"
// opens a milestone deadline. "boom" is refused by rule T1.
#pragma once

#include <algorithm>

#include "engine/workflow.hpp"

namespace djflow::testing {

using namespace djflow::engine;

class ToyWorkflow final : public Workflow {
 public:
  std::string_view name() const override { return "toy"; }
  Text title() const override { return {"测试流程", "toy"}; }
  std::string_view initial_event() const override { return "open"; }
  std::optional<std::string> resolve_event(std::string_view n) const override {
    if (n == "开始") return "open";
    for (const auto& e : events())
      if (e == n) return e;
    return std::nullopt;
  }
  std::vector<std::string> events() const override { return {"open", "note", "finish", "boom"}; }
  std::vector<std::string> states() const override { return {"open", "done"}; }

  Result<StepResult> apply(const CaseContext& ctx, const StepInput& in) const override {
    if (in.event == "boom")
      return Error::rule_refusal({"不行", "boom is never allowed"}, "T1", "toy art. 1", in.date.add_days(3));
    if (ctx.c.state.empty()) {
      if (in.event != "open") return Error::refused({"x", "new case must open"});
      return StepResult{"open", "v1", in.with, {}, std::nullopt, std::nullopt, {}};
    }
    if (ctx.c.state == "done") return Error::refused({"已结束", "closed"});
    if (in.event == "finish") return StepResult{"done", "v1", in.with, {}, std::nullopt, std::nullopt, {}};
    if (in.event == "note") return StepResult{"open", "v1", in.with, {}, std::nullopt, std::nullopt, {}};
    return Error::refused({"不允许", "not allowed"});
  }

  std::vector<DeadlineSpec> deadlines(const CaseContext& ctx) const override {
    if (ctx.c.state != "open") return {};
    const auto& first = ctx.history.front();
    DeadlineSpec s;
    s.kind = "finish";
    s.opened_on = first.date;
    s.due = first.date.add_days(10);
    s.fulfilled_by = {"finish"};
    s.offsets = {-7, 0};
    s.overdue_every_days = 7;
    std::vector<DeadlineSpec> out{s};
    if (first.inputs.count("milestone")) {
      DeadlineSpec m;
      m.kind = "ready";
      m.opened_on = first.date;
      m.due = first.date.add_days(5);
      m.milestone = true;
      m.offsets = {0};
      m.overdue_every_days = 0;
      out.push_back(m);
    }
    return out;
  }
  std::vector<std::string> allowed(const CaseContext& ctx) const override {
    if (ctx.c.state == "open") return {"note", "finish"};
    return {};
  }
  std::string stage(std::string_view s) const override { return std::string(s); }
  bool closed(std::string_view s) const override { return s == "done"; }
  Text state_label(std::string_view s) const override { return {std::string(s), std::string(s)}; }
  Text stage_label(std::string_view s) const override { return {std::string(s), std::string(s)}; }
  Text event_label(std::string_view s) const override { return {std::string(s), std::string(s)}; }
  Text deadline_label(std::string_view s) const override { return {"完成", std::string(s)}; }
};

}  // namespace djflow::testing
