#include "engine/engine.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "engine/deadline_plan.hpp"
#include "engine/history_hash.hpp"
#include "engine/retry.hpp"
#include "engine/settings.hpp"
#include "engine/store_directory.hpp"

namespace djflow::engine {

namespace {

bool valid_kind(const std::string& k) { return k == "branch" || k == "general" || k == "committee"; }

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// "未知步骤“X”；可用步骤：派人谈话（talk）、…": the steps by their Chinese names, each with its id.
Error unknown_event(const Workflow& wf, const std::string& name) {
  std::string zh;
  for (const auto& e : wf.events()) zh += (zh.empty() ? "" : "、") + wf.event_label(e).zh + "（" + e + "）";
  return Error::invalid({"未知步骤“" + name + "”；可用步骤：" + zh,
                         "unknown event '" + name + "'; known events: " + join(wf.events(), ", ")});
}

// show()'s order of a case's open deadlines (the store's is by due date, then id).
void sort_by_due(std::vector<Deadline>& v) {
  std::sort(v.begin(), v.end(), [](const Deadline& a, const Deadline& b) { return a.due < b.due; });
}

}  // namespace

Engine::Engine(Store& store, const Clock& clock, const WorkflowRegistry& workflows)
    : store_(store),
      clock_(clock),
      workflows_(workflows),
      env_(RuleEnv::from({}, {}).value()) {}

Status Engine::load() {
  auto settings = store_.all_settings();
  DJFLOW_TRY(settings);
  // A stored value that does not fit its setting is ignored with a warning (the default applies),
  // so that a bad value never locks the user out of `config set` (engine/settings.hpp).
  auto checked = check_stored_settings(settings.value());
  setting_warnings_ = std::move(checked.warnings);
  auto rows = store_.holidays();
  DJFLOW_TRY(rows);
  auto env = RuleEnv::from(checked.usable, rows.value());
  DJFLOW_TRY(env);
  env_ = std::move(env.value());
  return {};
}

Date Engine::today() const { return env_.zone.local_date(clock_.now()); }

// --- organisations and people -----------------------------------------------------------------

Status Engine::add_branch(Branch b) {
  return retrying<void>([&] { return add_branch_once(b); });
}

Status Engine::add_branch_once(Branch b) {
  if (b.code.empty() || b.name.empty())
    return Error::invalid({"组织代码和名称不能为空", "a branch needs a code and a name"});
  if (!valid_kind(b.kind))
    return Error::invalid({"组织类型应为 branch、general 或 committee：" + b.kind,
                           "kind must be branch, general or committee, got " + b.kind});
  WriteTransaction tx(store_);
  DJFLOW_TRY(tx.begin());
  if (!b.parent.empty()) {
    auto parent = store_.find_branch(b.parent);
    DJFLOW_TRY(parent);
    if (!parent.value())
      return Error::not_found({"上级组织不存在：" + b.parent, "no parent organisation " + b.parent});
  }
  auto existing = store_.find_branch(b.code);
  DJFLOW_TRY(existing);
  if (existing.value())
    return Error::conflict({"组织代码已存在：" + b.code, "organisation " + b.code + " already exists"});
  b.created_at = clock_.now();
  DJFLOW_TRY(store_.insert_branch(b));
  return tx.commit();
}

namespace {

std::string describe(const Person& p) {
  std::string out = "#" + std::to_string(p.id) + " " + p.name + " (" + p.born.iso();
  if (!p.key.empty()) out += ", " + p.key;
  return out + ")";
}

}  // namespace

Status Engine::check_phone(const std::string& s) {
  int digits = 0;
  bool ok = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') ++digits;
    else if (!(c == ' ' || c == '-' || (c == '+' && i == 0))) ok = false;
  }
  if (s.empty() || (ok && digits >= 3 && digits <= 20)) return {};
  return Error::invalid({"手机号码应由数字组成（可带 +、空格或 -）：" + s,
                         "a phone number is digits (with an optional +, spaces or -), got " + s});
}

// Issue 9: two people of one name in one organisation must be told apart by a unique key
// (工号); a key is unique in the whole database.
Status Engine::check_distinct(const Person& p) {
  if (!p.key.empty()) {
    auto holder = store_.find_person_by_key(p.key);
    DJFLOW_TRY(holder);
    if (holder.value() && holder.value()->id != p.id)
      return Error::invalid({"唯一标识（工号）" + p.key + " 已属于 " + describe(*holder.value()),
                             "the unique key " + p.key + " already belongs to " + describe(*holder.value())});
    return {};
  }
  auto same = store_.find_persons_by_name(p.name);
  DJFLOW_TRY(same);
  std::string list;
  for (const auto& o : same.value())
    if (o.id != p.id && o.branch == p.branch) list += (list.empty() ? "" : "; ") + describe(o);
  if (list.empty()) return {};
  return Error::invalid({"组织 " + p.branch + " 已有同名人员：" + list + "；同名时请用 --key 给出工号等唯一标识以示区别",
                         "organisation " + p.branch + " already has a person of this name: " + list +
                             "; give a unique key (--key, e.g. the staff number) to tell them apart"});
}

Result<PersonId> Engine::add_person(Person p) {
  return retrying<PersonId>([&] { return add_person_once(p); });
}

Result<PersonId> Engine::add_person_once(Person p) {
  if (p.name.empty()) return Error::invalid({"姓名不能为空", "a person needs a name"});
  if (p.born > today())
    return Error::invalid({"出生日期晚于今天：" + p.born.iso(),
                           "date of birth " + p.born.iso() + " is after today"});
  if (p.status == MemberStatus::None && p.joined)
    return Error::invalid({"--joined 只用于党员（--status full|probationary）",
                           "--joined applies only to members (--status full|probationary)"});
  if (p.status != MemberStatus::None && !p.joined)
    return Error::invalid({"登记党员需要 --joined 日期（入党或转正日期）",
                           "registering a member needs --joined DATE"});
  if (p.joined && (*p.joined > today() || *p.joined < p.born))
    return Error::invalid({"入党日期无效：" + p.joined->iso(),
                           "joining date " + p.joined->iso() + " is after today or before birth"});
  WriteTransaction tx(store_);
  DJFLOW_TRY(tx.begin());
  auto b = store_.find_branch(p.branch);
  DJFLOW_TRY(b);
  if (!b.value())
    return Error::not_found({"组织不存在：" + p.branch + "（先用 djflow branch add 登记）",
                             "no organisation " + p.branch + " (register it with djflow branch add)"});
  DJFLOW_TRY(check_phone(p.phone));
  DJFLOW_TRY(check_distinct(p));
  p.created_at = clock_.now();
  auto id = store_.insert_person(p);
  DJFLOW_TRY(id);
  // Again after the insert (decision 0125): on PostgreSQL two transactions can both pass the check
  // above; the insert took the entity-history lock (a person is tracked) to the commit, so of two
  // concurrent adds of one name the second reads the first's row here and is refused.
  p.id = id.value();
  DJFLOW_TRY(check_distinct(p));
  DJFLOW_TRY(tx.commit());
  return id.value();
}

// --- cases ------------------------------------------------------------------------------------

Result<StepOutcome> Engine::start(const std::string& workflow, const CaseSubject& subject,
                                  StepInput first) {
  return start(workflow, subject, std::move(first), AlsoWrite{});
}

Result<StepOutcome> Engine::start(const std::string& workflow, const CaseSubject& subject,
                                  StepInput first, const AlsoWrite& also) {
  return retrying<StepOutcome>([&] { return start_once(workflow, subject, first, also); });
}

Result<StepOutcome> Engine::start_once(const std::string& workflow, const CaseSubject& subject,
                                       StepInput first, const AlsoWrite& also) {
  const Workflow* wf = workflows_.find(workflow);
  if (!wf) return Error::invalid({"未知流程：" + workflow, "unknown workflow " + workflow});
  WriteTransaction tx(store_);
  DJFLOW_TRY(tx.begin());
  Case c;
  c.workflow = workflow;
  c.branch = subject.branch;
  c.title = subject.title;
  std::optional<Person> person;
  if (subject.person) {
    auto p = store_.find_person(*subject.person);
    DJFLOW_TRY(p);
    if (!p.value())
      return Error::not_found({"人员不存在：" + std::to_string(*subject.person),
                               "no person with id " + std::to_string(*subject.person)});
    person = p.value();
    c.person = person->id;
    if (c.branch.empty()) c.branch = person->branch;
    if (c.title.empty()) c.title = person->name;
  } else {
    auto b = store_.find_branch(c.branch);
    DJFLOW_TRY(b);
    if (!b.value())
      return Error::not_found({"组织不存在：" + c.branch, "no organisation " + c.branch});
  }
  if (first.event.empty()) first.event = std::string(wf->initial_event());
  const std::optional<Person> subject_person = person;
  auto outcome = apply_step(std::move(c), {}, std::move(person), *wf, std::move(first), true);
  DJFLOW_TRY(outcome);
  // One open case of a workflow per person. Checked after the workflow judged the first step, so
  // that a workflow's own refusal (which names its rule) comes first; the transaction rolls back.
  if (subject_person) {
    CaseFilter f;
    f.workflow = workflow;
    f.person = subject_person->id;
    auto open = store_.list_cases(f);
    DJFLOW_TRY(open);
    for (const auto& other : open.value()) {
      if (other.id != outcome->c.id && !wf->closed(other.state)) {
        return Error::refused({subject_person->name + "已有进行中的" + wf->title().zh + "事项 #" +
                                   std::to_string(other.id),
                               subject_person->name + " already has an open " + wf->title().en +
                                   " case #" + std::to_string(other.id)});
      }
    }
  }
  if (also) DJFLOW_TRY(also(store_, outcome.value()));
  DJFLOW_TRY(tx.commit());
  return outcome;
}

Result<StepOutcome> Engine::record(CaseId id, StepInput in) {
  return retrying<StepOutcome>([&] { return record_once(id, in); });
}

Result<StepOutcome> Engine::record(CaseId id, StepInput in, CaseView& after, const Admit& admit) {
  return retrying<StepOutcome>([&] { return record_once(id, in, &after, admit ? &admit : nullptr); });
}

Result<StepOutcome> Engine::record_once(CaseId id, StepInput in, CaseView* after, const Admit* admit) {
  WriteTransaction tx(store_);
  DJFLOW_TRY(tx.begin());
  // The case, its events and its subject in one call (decision 0130).
  auto file = store_.case_file(id);
  DJFLOW_TRY(file);
  if (admit) DJFLOW_TRY((*admit)(file.value() ? &file.value()->c : nullptr));
  if (!file.value())
    return Error::not_found({"事项不存在：#" + std::to_string(id), "no case #" + std::to_string(id)});
  CaseFile& f = *file.value();
  const Workflow* wf = workflows_.find(f.c.workflow);
  if (!wf) return Error::corruption({"未知流程：" + f.c.workflow, "case uses unknown workflow " + f.c.workflow});
  // The view after the step comes from apply_step unless corrections make the history it judges
  // by differ from the stored one (then, and after follow-ups, show() reads it; decision 0131).
  CaseView* view = after != nullptr && !has_corrections(f.events) ? after : nullptr;
  if (after != nullptr) after->workflow = nullptr;
  auto seen = workflow_history(f.c, std::move(f.events), *wf);
  DJFLOW_TRY(seen);
  auto outcome = apply_step(std::move(f.c), std::move(seen.value()), std::move(f.subject), *wf,
                            std::move(in), false, 0, view);
  DJFLOW_TRY(outcome);
  if (after != nullptr && after->workflow == nullptr) {
    auto v = show(id);
    DJFLOW_TRY(v);
    *after = std::move(v.value());
  }
  DJFLOW_TRY(tx.commit());
  return outcome;
}

Result<StepOutcome> Engine::apply_step(Case c, std::vector<EventRecord> history,
                                       std::optional<Person> subject, const Workflow& wf,
                                       StepInput in, bool is_new, int depth, CaseView* view) {
  // 1. The event must exist, and on a new case must be the initial one.
  auto event = wf.resolve_event(in.event);
  if (!event) {
    return unknown_event(wf, in.event);
  }
  in.event = *event;
  // A workflow may allow more than one first step (member: apply, or register-probationary for
  // a probationary member taken in from a roster): those its new case allows.
  auto starts_case = [&] {
    StoreDirectory directory(store_);
    const CaseContext fresh{c, history, subject ? &*subject : nullptr, directory, env_.calendar, env_.config};
    const auto first = wf.allowed(fresh);
    return std::find(first.begin(), first.end(), in.event) != first.end();
  };
  if (is_new && in.event != wf.initial_event() && !starts_case()) {
    const std::string first(wf.initial_event());
    return Error::invalid({"新事项的第一步必须是" + wf.event_label(first).zh + "（" + first + "）",
                           "a new case starts with " + first});
  }
  // 2. Dates: not after today, not before the case's previous step.
  const Date today_date = today();
  if (in.date > today_date) {
    return Error::invalid({"日期 " + in.date.iso() + " 晚于今天（" + today_date.iso() + "）",
                           "date " + in.date.iso() + " is after today (" + today_date.iso() + ")"});
  }
  if (!history.empty() && in.date < history.back().date && !wf.records_in_any_order()) {
    return Error::invalid(
        {"日期 " + in.date.iso() + " 早于本案上一步（" + history.back().event + "，" +
             history.back().date.iso() + "）",
         "date " + in.date.iso() + " is before the case's previous step (" + history.back().event +
             " on " + history.back().date.iso() + ")"});
  }
  // 3. The workflow judges the step.
  auto derived = derive_step(c, history, subject ? &*subject : nullptr, wf, in, env_, is_new);
  DJFLOW_TRY(derived);
  const StepResult& verdict = derived->verdict;
  EventRecord e = std::move(derived->event);
  e.recorded_at = clock_.now();

  // 4. Persist: case, event, subject, deadlines and timers in the caller's transaction.
  if (is_new) {
    c.state = e.to_state;
    c.created_at = c.updated_at = e.recorded_at;
    auto id = store_.insert_case(c);
    DJFLOW_TRY(id);
    c.id = id.value();
  }
  e.case_id = c.id;
  e.hash = event_hash(e);
  DJFLOW_TRY(store_.append_step(e, c.version));
  c.version += 1;
  c.state = e.to_state;
  c.head_hash = e.hash;
  c.updated_at = e.recorded_at;
  if (subject && verdict.subject_status) {
    DJFLOW_TRY(store_.update_person_status(subject->id, *verdict.subject_status,
                                           verdict.subject_joined));
    subject->status = *verdict.subject_status;
    subject->joined = verdict.subject_joined;
  }
  history.push_back(e);

  StepOutcome out;
  StoreDirectory directory(store_);
  CaseContext after{c, history, subject ? &*subject : nullptr, directory, env_.calendar, env_.config};
  std::vector<Deadline> open_after;
  DJFLOW_TRY(sync_deadlines(c, wf.deadlines(after), e.date, out.opened, out.closed, std::nullopt,
                            view != nullptr ? &open_after : nullptr));
  out.c = c;
  out.event = std::move(e);  // not read below (history holds its copy)
  // 5. Steps on other cases this step entails, in the same transaction.
  for (const auto& f : verdict.follow_ups) {
    auto linked = apply_follow_up(f, in.actor, depth + 1);
    DJFLOW_TRY(linked);
    out.follow_ups.push_back(std::move(linked.value()));
  }
  // 6. The case as show() reads it now (record(id, in, after)), from what the step has: the case
  // row, the stored history (the caller passes `view` only when it is the one judged by), the
  // subject as updated; its open deadlines as the sync left them (the same rows, in the same
  // order, as open_deadlines() would read). Not after follow-ups (they may change this case or
  // its subject): the caller reads it then.
  if (view != nullptr && verdict.follow_ups.empty()) {
    view->deadlines = std::move(open_after);
    sort_by_due(view->deadlines);
    view->allowed = wf.allowed(after);
    view->c = c;
    view->subject = std::move(subject);
    view->history = std::move(history);
    view->workflow = &wf;
  }
  return out;
}

Result<DerivedStep> Engine::derive_step(const Case& c, const std::vector<EventRecord>& history,
                                        const Person* subject, const Workflow& wf,
                                        const StepInput& in, const RuleEnv& env, bool is_new) {
  StoreDirectory directory(store_);
  CaseContext ctx{c, history, subject, directory, env.calendar, env.config};
  auto verdict = wf.apply(ctx, in);
  DJFLOW_TRY(verdict);
  DerivedStep out;
  if (!is_new) out.before = wf.deadlines(ctx);
  EventRecord& e = out.event;
  e.case_id = c.id;
  e.seq = c.version + 1;
  e.event = in.event;
  e.date = in.date;
  e.actor = in.actor;
  e.inputs = verdict->inputs;
  e.note = in.note;
  e.ref = in.ref;
  e.rule_version = verdict->rule_version;
  e.from_state = c.state;
  e.to_state = verdict->to_state;
  e.flags = verdict->flags;
  // Soft deadlines: fulfilling one after its due date marks the step late.
  for (const auto& spec : out.before) {
    const bool fulfils = std::find(spec.fulfilled_by.begin(), spec.fulfilled_by.end(), in.event) !=
                         spec.fulfilled_by.end();
    if (fulfils && in.date > spec.due) e.flags.push_back("late:" + spec.kind);
  }
  e.prev_hash = c.head_hash;
  out.verdict = std::move(verdict.value());
  return out;
}

Result<StepOutcome> Engine::apply_follow_up(const FollowUp& f, const std::string& actor, int depth) {
  // A follow-up may entail further ones; a cycle would be a workflow bug, so bound the depth.
  if (depth > 4)
    return Error::corruption({"后续步骤嵌套过深", "follow-up steps nested too deeply (a workflow bug)"});
  StepInput in = f.step;
  if (in.actor.empty()) in.actor = actor;
  if (f.case_id) {
    auto file = store_.case_file(*f.case_id);
    DJFLOW_TRY(file);
    if (!file.value())
      return Error::not_found({"关联事项不存在：#" + std::to_string(*f.case_id),
                               "no linked case #" + std::to_string(*f.case_id)});
    CaseFile& linked = *file.value();
    const Workflow* wf = workflows_.find(linked.c.workflow);
    if (!wf) return Error::corruption({"未知流程：" + linked.c.workflow,
                                       "case uses unknown workflow " + linked.c.workflow});
    auto seen = workflow_history(linked.c, std::move(linked.events), *wf);
    DJFLOW_TRY(seen);
    return apply_step(std::move(linked.c), std::move(seen.value()), std::move(linked.subject), *wf,
                      std::move(in), false, depth);
  }
  const Workflow* wf = workflows_.find(f.workflow);
  if (!wf) return Error::corruption({"未知流程：" + f.workflow, "unknown workflow " + f.workflow});
  auto b = store_.find_branch(f.branch);
  DJFLOW_TRY(b);
  if (!b.value()) return Error::not_found({"组织不存在：" + f.branch, "no organisation " + f.branch});
  Case c;
  c.workflow = f.workflow;
  c.branch = f.branch;
  c.title = f.title;
  if (in.event.empty()) in.event = std::string(wf->initial_event());
  return apply_step(std::move(c), {}, std::nullopt, *wf, std::move(in), true, depth);
}

Status Engine::sync_deadlines(const Case& c, const std::vector<DeadlineSpec>& specs, Date step_date,
                              std::vector<Deadline>& opened, std::vector<Deadline>& closed,
                              std::optional<TimePoint> corrected_at,
                              std::vector<Deadline>* open_after) {
  auto stored = store_.open_deadlines(c.id);
  DJFLOW_TRY(stored);
  const DeadlinePlan plan = plan_deadlines(stored.value(), specs);
  for (const auto i : plan.close) {
    Deadline d = stored.value()[i];
    DJFLOW_TRY(store_.close_deadline_with_timers(d.id, step_date));
    d.open = false;
    d.closed_on = step_date;
    closed.push_back(d);
  }
  for (const auto i : plan.open) {
    Deadline d = deadline_from(specs[i], c.id);
    auto timers = planned_timers(d, specs[i], env_);  // their deadline_id: set by the store
    if (corrected_at) drop_passed_reminders(timers, *corrected_at);
    auto id = store_.insert_deadline_with_timers(d, std::move(timers));
    DJFLOW_TRY(id);
    d.id = id.value();
    opened.push_back(d);
  }
  if (open_after != nullptr) {
    open_after->clear();
    for (std::size_t i = 0; i < stored.value().size(); ++i)
      if (std::find(plan.close.begin(), plan.close.end(), i) == plan.close.end())
        open_after->push_back(stored.value()[i]);
    open_after->insert(open_after->end(), opened.end() - static_cast<std::ptrdiff_t>(plan.open.size()),
                       opened.end());
    std::sort(open_after->begin(), open_after->end(), [](const Deadline& a, const Deadline& b) {
      return a.due != b.due ? a.due < b.due : a.id < b.id;
    });
  }
  return {};
}

Result<CaseView> Engine::show(CaseId id) {
  auto file = store_.case_file(id);
  DJFLOW_TRY(file);
  if (!file.value())
    return Error::not_found({"事项不存在：#" + std::to_string(id), "no case #" + std::to_string(id)});
  CaseView v;
  v.c = std::move(file.value()->c);
  v.workflow = workflows_.find(v.c.workflow);
  if (!v.workflow)
    return Error::corruption({"未知流程：" + v.c.workflow, "case uses unknown workflow " + v.c.workflow});
  v.subject = std::move(file.value()->subject);
  v.history = std::move(file.value()->events);
  auto seen = workflow_history(v.c, v.history, *v.workflow);
  DJFLOW_TRY(seen);
  auto d = store_.open_deadlines(id);
  DJFLOW_TRY(d);
  v.deadlines = std::move(d.value());
  sort_by_due(v.deadlines);
  StoreDirectory directory(store_);
  CaseContext ctx{v.c, seen.value(), v.subject ? &*v.subject : nullptr, directory, env_.calendar, env_.config};
  v.allowed = v.workflow->allowed(ctx);
  return v;
}

Result<std::vector<DueItem>> Engine::due(std::optional<int> within_days, bool overdue_only,
                                         const DeadlineFilter& filter) {
  const Date t = today();
  DeadlineFilter f = filter;
  if (overdue_only) f.due_on_or_before = t.add_days(-1);
  else if (within_days) f.due_on_or_before = t.add_days(*within_days);
  auto rows = store_.list_open_deadlines(f);
  DJFLOW_TRY(rows);
  auto& v = rows.value();
  // Sorts small keys rather than the rows (each a Deadline and a Case with their strings), then
  // moves every row once into place: overdue first, then by due date and case id, stable.
  struct Key {
    bool overdue;
    Date due;
    CaseId case_id;
    int days_left;
    std::size_t index;
  };
  std::vector<Key> keys;
  keys.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& d = v[i].deadline;
    if (overdue_only && d.milestone) continue;  // a milestone is never overdue
    const int left = t.days_until(d.due);
    keys.push_back({left < 0 && !d.milestone, d.due, v[i].c.id, left, i});
  }
  std::stable_sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.overdue != b.overdue) return a.overdue;
    if (a.due != b.due) return a.due < b.due;
    return a.case_id < b.case_id;
  });
  std::vector<DueItem> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.push_back({std::move(v[k.index].deadline), std::move(v[k.index].c), k.days_left});
  return out;
}

Result<std::vector<EventRecord>> Engine::effective_events(const Case& c) {
  const Workflow* wf = workflows_.find(c.workflow);
  auto stored = store_.events(c.id);
  DJFLOW_TRY(stored);
  if (!wf) return stored;
  return workflow_history(c, std::move(stored.value()), *wf);
}

Text Engine::reminder_text(const Case& c, const Deadline& d, Date on) {
  const Workflow* wf = workflows_.find(c.workflow);
  const Text title = wf ? wf->title() : Text{c.workflow, c.workflow};
  const Text label = wf ? wf->deadline_label(d.kind) : Text{d.kind, d.kind};
  std::string branch_name = c.branch;
  if (auto b = store_.find_branch(c.branch); b.ok() && b.value()) branch_name = b.value()->name;
  const int left = on.days_until(d.due);
  Text detail;
  if (wf && wf->has_reminder_detail()) {
    auto history = effective_events(c);  // corrections applied (a corrected owner or milestone)
    std::optional<Person> subject;
    if (c.person) {
      if (auto p = store_.find_person(*c.person); p.ok()) subject = p.value();
    }
    if (history.ok()) {
      StoreDirectory directory(store_);
      CaseContext ctx{c, history.value(), subject ? &*subject : nullptr, directory, env_.calendar, env_.config};
      detail = wf->reminder_detail(ctx, d, on);
    }
  }
  Text t;
  t.zh = "【" + title.zh + "】" + c.title + "（" + branch_name + "，#" + std::to_string(c.id) + "）：" +
         label.zh;
  t.en = "[" + title.en + "] " + c.title + " (" + branch_name + ", #" + std::to_string(c.id) +
         "): " + label.en;
  if (d.milestone) {
    t.zh += "，" + d.due.iso() + " 起可办理";
    t.en += ", possible from " + d.due.iso();
  } else if (left > 0) {
    t.zh += "，截止 " + d.due.iso() + "，还有 " + std::to_string(left) + " 天";
    t.en += ", due " + d.due.iso() + ", " + std::to_string(left) + (left == 1 ? " day" : " days") + " left";
  } else if (left == 0) {
    t.zh += "，今天（" + d.due.iso() + "）到期";
    t.en += ", due today (" + d.due.iso() + ")";
  } else {
    t.zh += "，已于 " + d.due.iso() + " 到期，逾期 " + std::to_string(-left) + " 天";
    t.en += ", was due " + d.due.iso() + ", overdue by " + std::to_string(-left) +
            (left == -1 ? " day" : " days");
  }
  t.zh += detail.zh;
  t.en += detail.en;
  return t;
}

Result<Case> Engine::record_on_due(const Case& c, const Deadline& d) {
  const Workflow* wf = workflows_.find(c.workflow);
  if (!wf) return c;
  auto stored = store_.events(c.id);
  DJFLOW_TRY(stored);
  auto history = workflow_history(c, std::move(stored.value()), *wf);
  DJFLOW_TRY(history);
  std::optional<Person> subject;
  if (c.person) {
    auto p = store_.find_person(*c.person);
    DJFLOW_TRY(p);
    subject = p.value();
  }
  {
    StoreDirectory directory(store_);
    CaseContext ctx{c, history.value(), subject ? &*subject : nullptr, directory, env_.calendar, env_.config};
    const auto allowed = wf->allowed(ctx);
    if (std::find(allowed.begin(), allowed.end(), d.on_due_event) == allowed.end()) return c;
  }
  // Dated the day it became due-passed (not the day the tick ran), never before the last step.
  Date date = d.due.add_days(1);
  if (!history.value().empty() && history.value().back().date > date) date = history.value().back().date;
  StepInput in{d.on_due_event, date, {}, "automatic", "", "djflow"};
  auto outcome = apply_step(c, std::move(history.value()), std::move(subject), *wf, std::move(in), false);
  if (!outcome.ok()) {
    // A workflow that refuses the event now (its guard sees more than allowed() does) keeps the
    // case as it is; anything else (storage) fails the tick and rolls it back.
    const auto code = outcome.error().code;
    if (code == ErrorCode::Refused || code == ErrorCode::InvalidInput) return c;
    return outcome.error();
  }
  return outcome.value().c;
}

Result<std::vector<Notification>> Engine::tick(std::size_t max_deadlines) {
  return retrying<std::vector<Notification>>([&] { return tick_once(max_deadlines); });
}

Result<std::vector<Notification>> Engine::tick_once(std::size_t max_deadlines) {
  const TimePoint now = clock_.now();
  const Date on = env_.zone.local_date(now);
  WriteTransaction tx(store_);
  DJFLOW_TRY(tx.begin());
  // Which deadlines have reminders due, in order of their earliest due reminder.
  const std::size_t scan = max_deadlines == 0 ? 0 : max_deadlines * 8;
  auto due = store_.due_timers(now, scan);
  DJFLOW_TRY(due);
  std::vector<std::int64_t> order;
  std::set<std::int64_t> seen;
  for (const auto& t : due.value()) {
    if (seen.insert(t.deadline_id).second) order.push_back(t.deadline_id);
    if (max_deadlines && order.size() >= max_deadlines) break;
  }
  std::map<CaseId, Case> cases;
  // The batch's notifications are written together at the end (one statement on PostgreSQL,
  // where each write of a notification holds the entity-history lock to the commit: decision 0125).
  std::vector<Notification> notes;
  for (const auto deadline_id : order) {
    // All of this deadline's due reminders collapse into one notification (not only those the
    // scan saw), so that a deadline never gets two notifications for one gap.
    auto pending = store_.pending_timers(deadline_id);
    DJFLOW_TRY(pending);
    std::vector<Timer> fired;
    for (const auto& t : pending.value())
      if (t.fire_at <= now) fired.push_back(t);
    if (fired.empty()) continue;
    std::sort(fired.begin(), fired.end(), [](const Timer& a, const Timer& b) {
      return a.fire_at < b.fire_at || (a.fire_at == b.fire_at && a.offset_days < b.offset_days);
    });
    for (const auto& t : fired) DJFLOW_TRY(store_.mark_timer_fired(t.id, now));
    const Timer& last = fired.back();

    auto cit = cases.find(last.case_id);
    if (cit == cases.end()) {
      auto c = store_.find_case(last.case_id);
      DJFLOW_TRY(c);
      if (!c.value()) continue;
      cit = cases.emplace(last.case_id, *c.value()).first;
    }
    auto open = store_.open_deadlines(cit->second.id);
    DJFLOW_TRY(open);
    auto dit = std::find_if(open.value().begin(), open.value().end(),
                            [&](const Deadline& d) { return d.id == deadline_id; });
    if (dit == open.value().end()) continue;  // closed meanwhile: nothing to say
    // The deadline has passed: record its on-due event first (e.g. "overdue"), in this
    // transaction, so that the notification below already describes the new state.
    if (!dit->on_due_event.empty() && on > dit->due) {
      auto after = record_on_due(cit->second, *dit);
      DJFLOW_TRY(after);
      if (after.value().version != cit->second.version) {
        cit->second = after.value();
        open = store_.open_deadlines(cit->second.id);
        DJFLOW_TRY(open);
        dit = std::find_if(open.value().begin(), open.value().end(),
                           [&](const Deadline& d) { return d.id == deadline_id; });
        if (dit == open.value().end()) continue;  // the event closed it
      }
    }
    const Case& c = cit->second;
    const Deadline& d = *dit;

    Notification n;
    n.key = last.key;
    n.case_id = c.id;
    n.workflow = c.workflow;
    n.branch = c.branch;
    n.kind = d.kind;
    n.due = d.due;
    n.days_left = on.days_until(d.due);
    n.created_at = now;
    n.text = reminder_text(c, d, on);
    notes.push_back(std::move(n));
    // While overdue, the next reminder is the first repeat after now.
    if (d.overdue_every_days > 0) {
      int k = d.overdue_every_days;
      while (reminder_instant(d.due.add_days(k)) <= now) k += d.overdue_every_days;
      Timer t;
      t.key = timer_key(c.id, d.kind, d.due, k);
      t.case_id = c.id;
      t.deadline_id = d.id;
      t.kind = d.kind;
      t.due = d.due;
      t.offset_days = k;
      t.fire_at = reminder_instant(d.due.add_days(k));
      auto r = store_.insert_timer(t);
      DJFLOW_TRY(r);
    }
  }
  auto ids = store_.insert_notifications(notes);
  DJFLOW_TRY(ids);
  if (ids.value().size() != notes.size()) return Error::storage("insert_notifications: one id per notification expected");
  std::vector<Notification> out;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    if (!ids.value()[i]) continue;  // its key existed
    notes[i].id = *ids.value()[i];
    out.push_back(std::move(notes[i]));
  }
  DJFLOW_TRY(tx.commit());
  return out;
}

}  // namespace djflow::engine
