// The member-development workflow (发展党员) behind the engine's Workflow port. The adapter maps the
// stable state names stored in cases to the Boost.MSM machine of member_fsm.hpp and back, restores
// a case's state without running entry actions, judges one step per call on a fresh machine, and
// derives the open deadlines from the case's history. Stateless and immutable: safe to share
// between threads (each call builds its own machine). Rules: docs/workflows/member.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/workflow.hpp"

namespace djflow::workflows::member {

class MemberWorkflow final : public engine::Workflow {
 public:
  std::string_view name() const override { return "member"; }
  engine::Text title() const override { return {"发展党员", "member development"}; }
  std::string_view initial_event() const override { return "apply"; }
  std::optional<std::string> resolve_event(std::string_view name) const override;
  std::vector<std::string> events() const override;
  std::vector<std::string> states() const override;

  engine::Result<engine::StepResult> apply(const engine::CaseContext& ctx,
                                           const engine::StepInput& in) const override;
  std::vector<engine::DeadlineSpec> deadlines(const engine::CaseContext& ctx) const override;
  std::vector<std::string> allowed(const engine::CaseContext& ctx) const override;

  std::string stage(std::string_view state) const override;
  bool closed(std::string_view state) const override;
  bool develops_subject() const override { return true; }
  engine::Text state_label(std::string_view state) const override;
  engine::Text stage_label(std::string_view stage) const override;
  engine::Text event_label(std::string_view event) const override;
  engine::Text deadline_label(std::string_view kind) const override;
  engine::Text flag_label(std::string_view flag) const override;
};

std::unique_ptr<engine::Workflow> make_member_workflow();

// Test hook: restores a machine to `state` by its stable name and reports what happened, so the
// round-trip tests can check the restore without the MSM types. Not used by the engine.
struct RestoreProbe {
  bool restored = false;
  std::string state;     // stable name of the machine's current state after the restore
  int entry_actions = 0; // entry actions run during the restore (must be 0)
  std::vector<std::string> allowed;  // events with a row out of the restored state
};
RestoreProbe test_restore(std::string_view state);

}  // namespace djflow::workflows::member
