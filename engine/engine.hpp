// The engine facade: the one place that turns a user's step into a committed, hash-chained event
// with its derived deadlines and reminder timers, and fires reminders into the outbox. It knows
// no SQLite (Store), no MSM (Workflow) and no Asio (runtime/). Every mutating call is exactly one
// write transaction; a refused call writes nothing (invariants I1, I2). One thread at a time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/anchor.hpp"
#include "engine/calendar.hpp"
#include "engine/clock.hpp"
#include "engine/error.hpp"
#include "engine/retry.hpp"
#include "engine/model.hpp"
#include "engine/rule_env.hpp"
#include "engine/store.hpp"
#include "engine/timezone.hpp"
#include "engine/workflow.hpp"

namespace djflow::engine {

// Who or what a new case is about.
struct CaseSubject {
  std::optional<PersonId> person;
  std::string branch;  // required when there is no person (taken from the person otherwise)
  std::string title;   // defaults to the person's name
};

struct StepOutcome {
  Case c;                          // after the step
  EventRecord event;
  std::vector<Deadline> opened;
  std::vector<Deadline> closed;
  std::vector<StepOutcome> follow_ups;  // steps on other cases this step entailed, in order
};

struct CaseView {
  Case c;
  const Workflow* workflow = nullptr;
  std::optional<Person> subject;
  std::vector<EventRecord> history;
  std::vector<Deadline> deadlines;      // open, by due date
  std::vector<std::string> allowed;     // event ids allowed in the current state
};

struct DueItem {
  Deadline deadline;
  Case c;
  int days_left = 0;                    // negative: overdue by that many days
};

// What one step derives before anything is written: the workflow's verdict and the event as it
// is recorded (late flags included; case_id, recorded_at and hash are the caller's). Recording
// (Engine::record, start, tick) and replay (Engine::replay, verify) both come from here.
struct DerivedStep {
  StepResult verdict;
  EventRecord event;
  std::vector<DeadlineSpec> before;  // the deadlines open before the step
};

// A case as its history derives it (Engine::replay): what the case row, its deadlines, their
// reminder timers and its subject's membership must be if nothing was changed behind djflow's
// back. Timer fire times and firings depend on when ticks ran; they are not derived here.
struct ReplayedCase {
  Case c;                                 // state, version, head, created/updated from the events
  std::vector<Deadline> deadlines;        // every deadline the steps opened, in order (id 0)
  std::vector<std::vector<Timer>> timers; // per deadline: the reminders scheduled when it opened
  std::vector<DeadlineSpec> specs;        // per deadline: the spec that opened it
  // The subject's membership after the last step that changed it, if one did.
  std::optional<MemberStatus> subject_status;
  std::optional<Date> subject_joined;
  std::vector<std::string> problems;      // steps the workflow judges differently on replay
};

// Issue 9 §2: a correction (`djflow correct`) or a void (`djflow void`) of one recorded event.
// Appended as an event of its own ("correct" / "void") naming the event (inputs "corrects" /
// "voids"), the new date ("date") and the replaced inputs ("with:KEY"; an empty value removes the
// input); the reason is its note. The case is what replaying the corrected history derives
// (docs/decisions/0080-corrections-by-replay.md).
inline constexpr const char* kEventCorrect = "correct";
inline constexpr const char* kEventVoid = "void";
struct Correction {
  std::int64_t seq = 0;         // the event corrected or voided
  bool void_event = false;
  std::optional<Date> date;     // the corrected date
  Inputs with;                  // inputs replaced
  std::string reason;
  std::string actor;
};
bool is_correction(const EventRecord& e);
// The seq a correction or void names; 0 for any other event (or a malformed one).
std::int64_t corrected_seq(const EventRecord& e);
bool has_corrections(const std::vector<EventRecord>& history);

// The history a workflow sees once corrections apply: voided events and the corrections left
// out, corrected dates and inputs in place, every step re-derived (state, flags, rule version)
// with the rules of its own time; seq, actor, recorded_at and hash stay the original's.
struct EffectiveHistory {
  std::vector<EventRecord> events;
  std::optional<Person> subject;              // the subject after the last step
  std::optional<MemberStatus> subject_status; // the last membership change the steps decide
  std::optional<Date> subject_joined;
};

struct VerifyReport {
  std::size_t cases = 0;
  std::size_t events = 0;
  std::int64_t entity_events = 0;
  bool anchor_checked = false;          // --anchor given and the history extends it
  std::vector<std::string> problems;    // empty when the history and the database are sound
  std::string integrity;                // the backend's integrity check result
  bool ok() const { return problems.empty() && integrity == "ok"; }
};

// Settings keys the engine reads from the store.
inline constexpr const char* kSettingTimeZone = "timezone";          // default Asia/Shanghai
inline constexpr const char* kSettingReminderTime = "reminder.time"; // "HH:MM", default 09:00
inline constexpr const char* kSettingAnchorChannel = "anchor.channel"; // channel for daily anchors

class Engine {
 public:
  Engine(Store& store, const Clock& clock, const WorkflowRegistry& workflows);

  // Reads settings (time zone, reminder time, workflow config) and the calendar from the store.
  // Call once after the database exists, and again after changing them.
  Status load();
  // Stored settings load() ignored (unknown keys, bad values: the defaults apply), for the CLI to
  // show as warnings.
  const std::vector<Text>& setting_warnings() const { return setting_warnings_; }

  const Clock& clock() const { return clock_; }
  const TimeZone& zone() const { return env_.zone; }
  const WorkCalendar& calendar() const { return env_.calendar; }
  // The workflows' settings ([L]/[M] defaults, rules.md) as loaded.
  const Config& config() const { return env_.config; }
  const WorkflowRegistry& workflows() const { return workflows_; }
  Store& store() { return store_; }
  // How a write that met a transient conflict (Transactions::transient_failure) waits before it
  // runs again, given the attempt that failed (1, 2, ...): by default a short jittered sleep
  // (decision 0125). Tests may count or skip it.
  void set_retry_pause(std::function<void(int attempt)> pause) { retry_pause_ = std::move(pause); }
  // How many times in all a write is run while it meets transient conflicts (engine/retry.hpp).
  static constexpr int kWriteAttempts = engine::kWriteAttempts;
  // Runs `body`, one whole write transaction, again while it fails with a transient conflict
  // (up to kWriteAttempts in all), and only when no outer transaction is open (an import's:
  // only the outermost transaction can be run again); then a Conflict naming the cause (exit 4).
  // engine/retry.hpp, with this engine's retry pause. For the CLI's and the web's own
  // transactions as well as the engine's.
  template <class T>
  Result<T> retrying(const std::function<Result<T>()>& body) {
    return retry_transient<T>(store_, body, retry_pause_);
  }
  // Today's business date per the engine clock in the organisation's zone.
  Date today() const;

  // --- organisations and people (one transaction each) --------------------------------------
  Status add_branch(Branch b);
  Result<PersonId> add_person(Person p);
  // InvalidInput when p.key belongs to another person, or (p.key empty) when another person of
  // p's organisation has p's name (issue 9). Inside the caller's transaction.
  Status check_distinct(const Person& p);
  // InvalidInput unless `phone` is empty or digits with an optional leading +, spaces or -.
  static Status check_phone(const std::string& phone);
  // Issue 9 §2 (engine_people.cpp): a person's details changed, with the reason kept in the
  // person's history (not the organisation: transfer_person); the moves of transfer_person, to
  // organisation `to` with the person's open cases (组织关系转接); returns the cases moved.
  Status edit_person(Person p, const std::string& reason);
  Result<std::vector<CaseId>> transfer_person(PersonId id, const std::string& to, Date date,
                                              const std::string& reason);

  // --- cases ----------------------------------------------------------------------------------
  // Creates a case of `workflow` with its initial event (e.g. "apply").
  Result<StepOutcome> start(const std::string& workflow, const CaseSubject& subject, StepInput first);
  // Writes a feature's own rows for a new case in the case's transaction (e.g. the rectification
  // ledger); an error rolls back the whole command.
  using AlsoWrite = std::function<Status(Store&, const StepOutcome&)>;
  // As start(), then `also` inside the same transaction before it commits.
  Result<StepOutcome> start(const std::string& workflow, const CaseSubject& subject, StepInput first,
                            const AlsoWrite& also);
  // Records one step on an existing case.
  Result<StepOutcome> record(CaseId id, StepInput in);
  // Sees the case as the step's own transaction read it (nullptr: there is no such case), before
  // the step is judged; an error refuses the step and nothing is written.
  using Admit = std::function<Status(const Case*)>;
  // As record(), and `after` is what show() answers right after the step, taken in the step's
  // own transaction, mostly from what the step already read and derived (show() itself when the
  // step entailed steps on other cases or the case has corrections). `admit`, when given, is
  // called as described above (the web's organisation and version checks: issue 11 §5, decision
  // 0131). On an error `after` says nothing.
  Result<StepOutcome> record(CaseId id, StepInput in, CaseView& after, const Admit& admit = {});
  // Appends a correction or a void (issue 9 §2) and re-derives the case: state, subject,
  // deadlines and reminders (reminders whose time passed are not planned again). Refused when
  // the corrected history fails a guard, naming the step and the rule; nothing written.
  Result<StepOutcome> correct(CaseId id, const Correction& fix);
  // The corrected history of `stored` (see EffectiveHistory); `initial` is the subject as the
  // case's first step found it. Refused naming the first step that no longer holds.
  Result<EffectiveHistory> effective_history(const Case& c, const std::vector<EventRecord>& stored,
                                             const Workflow& wf, const std::optional<Person>& initial,
                                             const RuleTimeline& rules);
  Result<CaseView> show(CaseId id);

  // Open deadlines due within `within_days` of today (all when nullopt), or overdue only;
  // overdue first, then by due date.
  Result<std::vector<DueItem>> due(std::optional<int> within_days, bool overdue_only,
                                   const DeadlineFilter& filter = {});

  // Fires every reminder due by now, at most once each; the reminders of one deadline that fell
  // due together collapse into one notification that says where things stand now. Returns the
  // notifications written. `max_deadlines` bounds one batch (0: no bound).
  Result<std::vector<Notification>> tick(std::size_t max_deadlines = 0);

  // Checks every case's hash chain, sequence and head; replays every case through its workflow
  // and compares the case row, deadlines, timers, notifications and subjects with the store;
  // replays the entity history against its rows; checks the schema's triggers and the
  // backend's integrity. With `anchor`: also that today's history extends the anchored one.
  Result<VerifyReport> verify(const std::optional<Anchor>& anchor = std::nullopt);
  // The case as its stored history derives it (settings and holidays as they were when each
  // step was recorded).
  Result<ReplayedCase> replay(CaseId id);
  Result<ReplayedCase> replay(const Case& stored, const std::vector<EventRecord>& history,
                              const RuleTimeline& rules);
  // The settings and calendar of the past, from the entity history.
  Result<RuleTimeline> rule_timeline();
  // The anchor of today's history (every chain head and the entity chain) at the clock's now.
  Result<Anchor> anchor();

  // Judges `in` on `c` (history `history`, subject `subject`) as recording does, writing nothing.
  Result<DerivedStep> derive_step(const Case& c, const std::vector<EventRecord>& history,
                                  const Person* subject, const Workflow& wf, const StepInput& in,
                                  const RuleEnv& env, bool is_new);

  // Reminder text for a deadline as of `today` (used by tick; exposed for tests and the daemon).
  // Its details come from the corrected history (issue 9: what the case is, not what was first
  // entered).
  Text reminder_text(const Case& c, const Deadline& d, Date today);
  // The history the workflow sees: the stored events with corrections and voids applied
  // (decision 0080); the stored events themselves when there are none.
  Result<std::vector<EventRecord>> effective_events(const Case& c);

 private:
  Status add_branch_once(Branch b);
  Result<PersonId> add_person_once(Person p);
  Status edit_person_once(Person p, const std::string& reason);
  Result<std::vector<CaseId>> transfer_person_once(PersonId id, const std::string& to, Date date,
                                                   const std::string& reason);
  Result<StepOutcome> correct_once(CaseId id, const Correction& fix);
  Result<StepOutcome> start_once(const std::string& workflow, const CaseSubject& subject, StepInput first,
                                 const AlsoWrite& also);
  Result<StepOutcome> record_once(CaseId id, StepInput in, CaseView* after = nullptr,
                                  const Admit* admit = nullptr);
  Result<std::vector<Notification>> tick_once(std::size_t max_deadlines);

  Result<StepOutcome> apply_step(Case c, std::vector<EventRecord> history,
                                 std::optional<Person> subject, const Workflow& wf, StepInput in,
                                 bool is_new, int depth = 0, CaseView* view = nullptr);
  Result<StepOutcome> apply_follow_up(const FollowUp& f, const std::string& actor, int depth);
  // `open_after`, when given, receives the case's open deadlines after the sync, as
  // open_deadlines() would read them (by due date, then id), without reading them again.
  Status sync_deadlines(const Case& c, const std::vector<DeadlineSpec>& specs, Date step_date,
                        std::vector<Deadline>& opened, std::vector<Deadline>& closed,
                        std::optional<TimePoint> corrected_at = std::nullopt,
                        std::vector<Deadline>* open_after = nullptr);
  // The history the workflow judges the next step against: `stored` itself, or its effective
  // history once the case has corrections.
  Result<std::vector<EventRecord>> workflow_history(const Case& c, std::vector<EventRecord> stored,
                                                    const Workflow& wf);
  // The subject as a case's first step found it (a development case: the non-member, D1).
  static std::optional<Person> initial_subject(const Workflow& wf, std::optional<Person> p);
  TimePoint reminder_instant(Date d) const { return env_.reminder_instant(d); }
  // Records d.on_due_event on `c` (tick); returns the case after it, or `c` when not allowed.
  Result<Case> record_on_due(const Case& c, const Deadline& d);

  Store& store_;
  const Clock& clock_;
  const WorkflowRegistry& workflows_;
  RuleEnv env_;
  std::vector<Text> setting_warnings_;
  std::function<void(int)> retry_pause_;
};

}  // namespace djflow::engine
