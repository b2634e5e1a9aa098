// The rectification workflows behind the engine's Workflow port (docs/workflows/rectify.md):
//   RectifyWorkflow ("rectify"): one case per item (整改事项), judged by the Boost.MSM machine of
//     rectify_fsm.hpp; deadlines: the item's deadline (with the automatic `overdue` event once it
//     passed), the monthly progress update, the next milestone of a long-term item.
//   RectifyBatchWorkflow ("rectify-batch"): one case per batch (整改批次); three states and four
//     events in plain C++ (no machine needed); its deadline is the report deadline (Z1).
// Stateless and immutable: safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/workflow.hpp"

namespace djflow::workflows::rectify {

class RectifyWorkflow final : public engine::Workflow {
 public:
  std::string_view name() const override { return "rectify"; }
  engine::Text title() const override { return {"整改事项", "rectification item"}; }
  std::string_view initial_event() const override { return "register"; }
  std::optional<std::string> resolve_event(std::string_view name) const override;
  std::vector<std::string> events() const override;
  std::vector<std::string> states() const override;

  engine::Result<engine::StepResult> apply(const engine::CaseContext& ctx,
                                           const engine::StepInput& in) const override;
  std::vector<engine::DeadlineSpec> deadlines(const engine::CaseContext& ctx) const override;
  std::vector<std::string> allowed(const engine::CaseContext& ctx) const override;

  std::string stage(std::string_view state) const override;
  bool closed(std::string_view state) const override;
  engine::Text state_label(std::string_view state) const override;
  engine::Text stage_label(std::string_view stage) const override;
  engine::Text event_label(std::string_view event) const override;
  engine::Text deadline_label(std::string_view kind) const override;
  engine::Text flag_label(std::string_view flag) const override;

  bool has_reminder_detail() const override { return true; }
  engine::Text reminder_detail(const engine::CaseContext& ctx, const engine::Deadline& d,
                               engine::Date today) const override;
  bool escalates(std::string_view kind, int days_left) const override;
};

class RectifyBatchWorkflow final : public engine::Workflow {
 public:
  std::string_view name() const override { return "rectify-batch"; }
  engine::Text title() const override { return {"整改批次", "rectification batch"}; }
  std::string_view initial_event() const override { return "open"; }
  std::optional<std::string> resolve_event(std::string_view name) const override;
  std::vector<std::string> events() const override;
  std::vector<std::string> states() const override;

  engine::Result<engine::StepResult> apply(const engine::CaseContext& ctx,
                                           const engine::StepInput& in) const override;
  std::vector<engine::DeadlineSpec> deadlines(const engine::CaseContext& ctx) const override;
  std::vector<std::string> allowed(const engine::CaseContext& ctx) const override;

  std::string stage(std::string_view state) const override;
  bool closed(std::string_view state) const override;
  engine::Text state_label(std::string_view state) const override;
  engine::Text stage_label(std::string_view stage) const override;
  engine::Text event_label(std::string_view event) const override;
  engine::Text deadline_label(std::string_view kind) const override;

  bool has_reminder_detail() const override { return true; }
  engine::Text reminder_detail(const engine::CaseContext& ctx, const engine::Deadline& d,
                               engine::Date today) const override;
};

std::unique_ptr<engine::Workflow> make_rectify_workflow();
std::unique_ptr<engine::Workflow> make_rectify_batch_workflow();

// Test hook: restores an item machine to `state` and reports the result (no MSM types exposed).
struct RestoreProbe {
  bool restored = false;
  std::string state;
  int entry_actions = 0;
  std::vector<std::string> allowed;
};
RestoreProbe test_restore(std::string_view state);

}  // namespace djflow::workflows::rectify
