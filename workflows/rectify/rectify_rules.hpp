// The rules of a rectification item (rules.md §4, §6.5) as pure functions: the facts an item's
// history establishes (type, current deadline, milestones, a pending extension), input
// normalisation, the selectors the machine uses to pick a target state (on time / late /
// long-term) and one guard per step. Guards return nullopt when the step may proceed, else a
// Refused error naming the rule (§6.5 guards, §4.2 practice [L], Z-rules) or InvalidInput.
// Nothing here knows Boost.MSM; the machine (rectify_fsm.hpp) calls these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"
#include "engine/model.hpp"
#include "engine/workflow.hpp"

namespace djflow::workflows::rectify {

// Settings ([L], `djflow config set`).
inline constexpr const char* kProgressDays = "rectify.progress_days";    // default 30; 0: off
inline constexpr const char* kImmediateDays = "rectify.immediate_days";  // default 30; 0: none
inline constexpr const char* kReportMonths = "rectify.report_months";    // default 2 (Z1)
inline constexpr std::string_view kRuleVersion = "2024";  // the rule set (巡视工作条例 as of 2024)

struct Milestone {
  engine::Date date;
  std::string text;
};

// "YYYY-MM-DD:text" lines (also ';'-separated), sorted by date. nullopt when one is malformed.
std::optional<std::vector<Milestone>> parse_milestones(std::string_view text);
std::string format_milestones(const std::vector<Milestone>& ms);

// Names of people compare after trimming blanks (ASCII and U+3000) and ASCII case folding.
bool same_person(std::string_view a, std::string_view b);

struct PendingExtension {
  engine::Date requested;
  engine::Date to;
};

// What an item's history establishes.
struct Facts {
  std::string type;                       // immediate | deadline | long-term
  std::string owner, leader;
  std::optional<engine::Date> registered;
  std::optional<engine::Date> deadline;   // current (after approved extensions / reopen)
  std::optional<engine::Date> deadline_set_on;  // when the current deadline was set
  std::optional<engine::Date> original_deadline;
  std::vector<Milestone> milestones;
  std::size_t milestones_done = 0;        // check-ins so far (each meets the earliest open one)
  std::optional<engine::Date> activity;   // last start/progress/milestone/return/reopen
  std::optional<PendingExtension> pending;
  std::optional<engine::Date> overdue_since;  // last time it became overdue
  std::optional<engine::Date> submitted, closed;
  std::string evidence;                   // last evidence reference
  int extensions = 0;
};

Facts derive_facts(const std::vector<engine::EventRecord>& history);

// §6.5 OVERDUE, the one rule every view asks: an item is overdue as of `day` when `day` is after
// its deadline `due` (on the day itself the warning is red, but the item is not overdue). The
// `overdue` step and the selectors, `djflow show`, `rectify list` (and its --overdue filter, in
// SQL: due_date < day) and the engine's tick (which records `overdue` on the first business date
// after the due date) all follow it.
inline bool overdue_as_of(engine::Date due, engine::Date day) { return day > due; }
// Days past the deadline `due` on `day` (0 when not overdue): what a closed item keeps (§4.2).
inline int days_overdue(engine::Date due, engine::Date day) { return overdue_as_of(due, day) ? due.days_until(day) : 0; }
// The state of an item as of `day`: "overdue" when its recorded state is registered or in-progress
// and its open deadline `due` has passed (the tick will record the step), else the recorded state.
std::string state_as_of(std::string_view state, std::optional<engine::Date> open_due, engine::Date day);
// Whether the item was ever started (`start`, or reopened after a close): the ledger's 完成情况.
bool ever_started(const std::vector<engine::EventRecord>& history);

// One step under judgement.
struct Step {
  const engine::CaseContext& ctx;
  const engine::StepInput& in;
  std::string event;      // canonical id
  Facts facts;
  engine::Inputs inputs;  // normalised (set by normalize_inputs)
};

Step make_step(const engine::CaseContext& ctx, const engine::StepInput& in, std::string event);

using Verdict = std::optional<engine::Error>;

// Checks the `--with` keys of step.event and stores the normalised inputs in step.inputs.
Verdict normalize_inputs(Step& step);

// Selectors (no refusal): which row of the machine applies.
bool long_term(const Step& s);
// The deadline the item will have after this step (approve-extension: the requested date;
// reopen: a new deadline if given) is before the step's date.
bool late(const Step& s);
inline bool on_time(const Step& s) { return !late(s); }
inline bool timed_on_time(const Step& s) { return !long_term(s) && !late(s); }
inline bool timed_late(const Step& s) { return !long_term(s) && late(s); }

// Guards. REQUIRES: normalize_inputs(step) succeeded.
Verdict check_register(const Step& s);           // §6.5 type rules, mandatory fields
Verdict check_submit(const Step& s);             // §6.5 evidence
Verdict check_submit_direct(const Step& s);      // §6.5 立行立改 only, plus evidence
Verdict check_accept(const Step& s);             // §6.5 verifier ≠ responsible person
Verdict check_request_extension(const Step& s);  // §4.2 / §6.5
Verdict check_decide_extension(const Step& s);   // §6.5 approver ≠ responsible person
Verdict check_overdue(const Step& s);            // §6.5 OVERDUE: only after the deadline
Verdict check_reopen(const Step& s);             // §4.2 回头看
// Flags an accepted step carries: `accept` of an item with a deadline records `days-overdue=N`
// and is flagged "closed-late:N" (N > 0) or "closed-on-time" (§4.2 ledger: 销号时间 against 整改时限).
std::vector<std::string> step_flags(const Step& s);

// "<event>: <body> (<article>, <rule>)".
engine::Error refusal(const Step& s, std::string_view rule, const std::string& zh, const std::string& en);
engine::Error invalid(const Step& s, const std::string& zh, const std::string& en);

}  // namespace djflow::workflows::rectify
