// The branch-election workflow (换届选举) and the organisation-term workflow (任期) behind the
// engine's Workflow port. An election case per organisation term runs the Boost.MSM machine of
// election_fsm.hpp (restored from its stable state name without entry actions, one fresh machine
// per call); a term case holds the term and its term-end deadline with reminders, and is a plain
// C++ state machine (three states). An approved election closes the old term's case and starts
// the next one through engine follow-ups. Stateless and immutable: safe to share between threads.
// Rules: docs/workflows/election.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/workflow.hpp"

namespace djflow::workflows::election {

class ElectionWorkflow final : public engine::Workflow {
 public:
  std::string_view name() const override { return "election"; }
  engine::Text title() const override { return {"换届选举", "branch election"}; }
  std::string_view initial_event() const override { return "start"; }
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
};

class TermWorkflow final : public engine::Workflow {
 public:
  std::string_view name() const override { return "term"; }
  engine::Text title() const override { return {"任期", "term of office"}; }
  std::string_view initial_event() const override { return "begin"; }
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
};

std::unique_ptr<engine::Workflow> make_election_workflow();
std::unique_ptr<engine::Workflow> make_term_workflow();

// Test hook: restores an election machine to `state` and reports the state it is in, the entry
// actions run (must be 0) and the events with a row out of it.
struct RestoreProbe {
  bool restored = false;
  std::string state;
  int entry_actions = 0;
  std::vector<std::string> allowed;
};
RestoreProbe test_restore(std::string_view state);

}  // namespace djflow::workflows::election
