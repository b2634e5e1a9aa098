// The workflow port. A Workflow judges steps and derives deadlines; it is pure: it reads the
// case, its history and the directory, and returns values. The engine persists what it returns
// (history, state, deadlines, timers) in one transaction. workflows/ implements this interface
// with Boost.MSM machines; nothing here knows MSM.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/error.hpp"
#include "engine/model.hpp"

namespace djflow::engine {

// Read-only lookups a workflow may need (mentors and sponsors must be full members, ...).
class Directory {
 public:
  virtual ~Directory() = default;
  virtual Result<std::optional<Person>> person(PersonId id) const = 0;
  virtual Result<std::optional<Branch>> branch(const std::string& code) const = 0;
  // Full members (正式党员) of an organisation and of the organisations under it (E1-E4). The
  // default refuses (a fake directory need not count); the engine's directory counts in the store.
  virtual Result<int> full_members(const std::string& branch) const;
  // The people registered in the organisation itself (not in those under it). The default has
  // none (a fake directory need not list); the engine's directory reads the store.
  virtual Result<std::vector<Person>> people(const std::string& branch) const;
  // Every case about a person, of any workflow, by id. The default has none.
  virtual Result<std::vector<Case>> cases_of(PersonId person) const;
  // The stored history of a case, in order (a person's membership on a past date is what their
  // member-development case had reached by then). The default has none.
  virtual Result<std::vector<EventRecord>> events_of(CaseId id) const;
};

// Configurable defaults for rules marked [L] or [M] in rules.md (key -> value, from the store's
// settings table). Workflows read them with a fallback.
class Config {
 public:
  Config() = default;
  explicit Config(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  std::optional<std::string> get(const std::string& key) const;
  int get_int(const std::string& key, int fallback) const;
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

// One step as the user states it.
struct StepInput {
  std::string event;   // canonical id or an alias (resolved by the engine)
  Date date;           // effective business date
  Inputs with;         // --with key=value
  std::string note;
  std::string ref;     // record reference: minutes, approval document, ...
  std::string actor;
};

// Everything a workflow may look at when judging a step or deriving deadlines.
struct CaseContext {
  const Case& c;                            // state "" when the case is being created
  const std::vector<EventRecord>& history;  // ordered by seq
  const Person* subject;                    // nullptr when the subject is not a person
  const Directory& directory;
  const WorkCalendar& calendar;
  const Config& config;
};

// A step on another case that an accepted step entails (an approved election closes the old
// term's case and opens the next term's). The engine applies it after the step, in the same
// transaction and with the same actor; its refusal refuses the whole step (nothing is written).
struct FollowUp {
  std::optional<CaseId> case_id;  // an existing case; nullopt: start a new case
  std::string workflow;           // new case: its workflow
  std::string branch;             // new case: its organisation (no person subject)
  std::string title;              // new case: its title
  StepInput step;                 // the step (for a new case, the workflow's initial event)
};

// What a workflow decides about an accepted step.
struct StepResult {
  std::string to_state;
  std::string rule_version;            // the rule set that judged the step ("2014", "2026")
  Inputs inputs;                       // normalised inputs to store on the event
  std::vector<std::string> flags;      // extra flags (the engine adds "late:<kind>" itself)
  // A change of the subject's membership (approve -> probationary, approve-full -> full).
  std::optional<MemberStatus> subject_status;
  std::optional<Date> subject_joined;
  // Steps on other cases this step entails, applied in order after it (same transaction).
  std::vector<FollowUp> follow_ups;
};

// An open deadline as derived from a case's state and history.
struct DeadlineSpec {
  std::string kind;
  Date due;
  Date opened_on;
  bool milestone = false;
  // Events that fulfil this deadline: recording one after `due` marks the step late.
  std::vector<std::string> fulfilled_by;
  // Reminder offsets in days relative to `due` (negative: before). An offset is skipped when
  // due + offset is not after opened_on (the span does not allow it), except offset 0.
  std::vector<int> offsets = {-30, -7, 0};
  // While overdue, remind every this many days (0: never).
  int overdue_every_days = 7;
  // An event id the engine records on the case by itself once the deadline has passed, i.e. on
  // the first tick whose business date is after `due` (a reminder timer at due + 1 day, at the
  // reminder time, guarantees such a tick). Recorded like a user step (actor "djflow", date
  // due + 1 day, note "automatic"), hash-chained, in the tick's transaction, and only when the
  // event is allowed in the case's state then. Empty: none. (docs/decisions/0021-*.md)
  std::string on_due_event;
};

class Workflow {
 public:
  virtual ~Workflow() = default;

  virtual std::string_view name() const = 0;  // "member"
  virtual Text title() const = 0;             // 发展党员 / member development
  // The event that creates a case ("apply").
  virtual std::string_view initial_event() const = 0;
  // Canonical id for an id or an alias (Chinese step names); nullopt when unknown.
  virtual std::optional<std::string> resolve_event(std::string_view name) const = 0;
  virtual std::vector<std::string> events() const = 0;
  virtual std::vector<std::string> states() const = 0;

  // Judges `in` against the case as it stands. Refused/InvalidInput errors name the rule.
  virtual Result<StepResult> apply(const CaseContext& ctx, const StepInput& in) const = 0;
  // The open deadlines of a case as it stands (after the last event in ctx.history).
  virtual std::vector<DeadlineSpec> deadlines(const CaseContext& ctx) const = 0;
  // Event ids with a transition out of the current state (guards not evaluated).
  virtual std::vector<std::string> allowed(const CaseContext& ctx) const = 0;

  virtual std::string stage(std::string_view state) const = 0;
  virtual bool closed(std::string_view state) const = 0;
  virtual Text state_label(std::string_view state) const = 0;
  virtual Text stage_label(std::string_view stage) const = 0;
  virtual Text event_label(std::string_view event) const = 0;
  virtual Text deadline_label(std::string_view kind) const = 0;
  // Label of a flag a step carries other than "late:<kind>" (e.g. "calendar-unknown"), shown by
  // `show`, `history` and as a warning when the step is recorded. Default: the flag itself.
  virtual Text flag_label(std::string_view flag) const;

  // --- optional reminder details (defaults: none) -------------------------------------------
  // Whether reminder_detail() has something to add; the engine loads the case's history for it
  // only then.
  virtual bool has_reminder_detail() const { return false; }
  // True when the workflow takes its subject from non-member to member (member development):
  // replaying its history (verify) starts the subject as the non-member it was at `apply` (D1),
  // since the person's stored status is this very case's outcome.
  virtual bool develops_subject() const { return false; }
  // True when the case is a ledger of dated facts (organisational life: meetings, talks, dues)
  // rather than a sequence of steps: a fact may then be recorded with a date before the case's
  // previous one (a meeting entered a week late), and the engine does not refuse it.
  virtual bool records_in_any_order() const { return false; }
  // Text appended to the engine's generic reminder for deadline `d` as of `today` (a warning
  // colour, the leader a reminder escalates to). ctx.history is the case's full history.
  virtual Text reminder_detail(const CaseContext& ctx, const Deadline& d, Date today) const;
  // Whether a reminder of deadline `kind` with `days_left` escalates (to a leader named in the
  // text); shown as "escalate" in `djflow tick --json`.
  virtual bool escalates(std::string_view kind, int days_left) const;
};

class WorkflowRegistry {
 public:
  void add(std::unique_ptr<Workflow> wf);
  const Workflow* find(std::string_view name) const;
  std::vector<const Workflow*> all() const;

 private:
  std::vector<std::unique_ptr<Workflow>> workflows_;
};

}  // namespace djflow::engine
