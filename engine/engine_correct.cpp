// Engine, part 3: corrections and voids (issue 9 §2; docs/decisions/0080-corrections-by-replay.md).
// The history stays append-only: a correction is an event of its own naming the event it
// corrects, and the case is what replaying the corrected history derives, through the same
// derive_step as recording and verify's replay (engine_verify.cpp applies corrections the same way).
#include <charconv>
#include <map>
#include <set>

#include "engine/deadline_plan.hpp"
#include "engine/engine.hpp"
#include "engine/history_hash.hpp"
#include "engine/store_directory.hpp"

namespace djflow::engine {

namespace {

constexpr const char* kInputCorrects = "corrects";
constexpr const char* kInputVoids = "voids";
constexpr const char* kInputDate = "date";
constexpr std::string_view kInputWith = "with:";

std::int64_t parse_seq(const Inputs& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end()) return 0;
  std::int64_t v = 0;
  const auto* end = it->second.data() + it->second.size();
  auto [p, ec] = std::from_chars(it->second.data(), end, v);
  return ec == std::errc() && p == end && v > 0 ? v : 0;
}

std::string seq_text(std::int64_t seq) { return std::to_string(seq); }

}  // namespace

bool is_correction(const EventRecord& e) { return e.event == kEventCorrect || e.event == kEventVoid; }

std::int64_t corrected_seq(const EventRecord& e) {
  if (e.event == kEventCorrect) return parse_seq(e.inputs, kInputCorrects);
  if (e.event == kEventVoid) return parse_seq(e.inputs, kInputVoids);
  return 0;
}

bool has_corrections(const std::vector<EventRecord>& history) {
  for (const auto& e : history)
    if (is_correction(e)) return true;
  return false;
}

std::optional<Person> Engine::initial_subject(const Workflow& wf, std::optional<Person> p) {
  if (p && wf.develops_subject()) {
    p->status = MemberStatus::None;
    p->joined.reset();
  }
  return p;
}

Result<EffectiveHistory> Engine::effective_history(const Case& c, const std::vector<EventRecord>& stored,
                                                   const Workflow& wf, const std::optional<Person>& initial,
                                                   const RuleTimeline& rules) {
  // What the corrections say, in the order they were recorded (a later one wins).
  std::map<std::int64_t, std::vector<const EventRecord*>> fixes;
  std::set<std::int64_t> voided;
  for (const auto& e : stored) {
    if (!is_correction(e)) continue;
    const auto target = corrected_seq(e);
    if (target < 1 || target > static_cast<std::int64_t>(stored.size()) ||
        is_correction(stored[static_cast<std::size_t>(target - 1)]))
      return Error::corruption({"第 " + seq_text(e.seq) + " 步更正的步骤不存在或本身是更正",
                                "event " + seq_text(e.seq) + " corrects no ordinary event"});
    if (e.event == kEventVoid) voided.insert(target);
    else fixes[target].push_back(&e);
  }
  EffectiveHistory out;
  out.subject = initial;
  Case w = c;
  w.state.clear();
  w.version = 0;
  w.head_hash.clear();
  for (const auto& e : stored) {
    if (is_correction(e) || voided.count(e.seq)) continue;
    StepInput in{e.event, e.date, e.inputs, e.note, e.ref, e.actor};
    for (const EventRecord* f : fixes[e.seq]) {
      for (const auto& [k, v] : f->inputs) {
        if (k == kInputDate) {
          if (auto d = Date::parse(v)) in.date = *d;
        } else if (k.rfind(kInputWith, 0) == 0) {
          const std::string key = k.substr(kInputWith.size());
          if (v.empty()) in.with.erase(key);
          else in.with[key] = v;
        }
      }
    }
    const Text label = wf.event_label(e.event);
    const Text step{"第 " + seq_text(e.seq) + " 步（" + label.zh + "，" + in.date.iso() + "）",
                    "step " + seq_text(e.seq) + " (" + e.event + " on " + in.date.iso() + ")"};
    if (!out.events.empty() && in.date < out.events.back().date) {
      const auto& prev = out.events.back();
      return Error::refused({"更正后" + step.zh + "早于第 " + seq_text(prev.seq) + " 步（" + prev.date.iso() +
                                 "）：步骤日期不能早于上一步",
                             "after the correction " + step.en + " would be before step " + seq_text(prev.seq) +
                                 " (" + prev.date.iso() + "): a step cannot precede the previous one"});
    }
    w.version = e.seq - 1;
    w.branch = rules.case_branch_at(c.id, e.recorded_at).value_or(c.branch);  // before a transfer: the old one
    auto derived = derive_step(w, out.events, out.subject ? &*out.subject : nullptr, wf, in,
                               rules.at(e.recorded_at), out.events.empty());
    if (!derived) {
      Error err = derived.error();
      if (err.code == ErrorCode::Refused || err.code == ErrorCode::InvalidInput) {
        err.code = ErrorCode::Refused;
        err.message = {"更正后" + step.zh + "不再成立：" + err.message.zh,
                       "after the correction " + step.en + " would no longer hold: " + err.message.en};
      }
      return err;
    }
    EventRecord r = e;
    r.date = in.date;
    r.inputs = derived->event.inputs;
    r.from_state = w.state;
    r.to_state = derived->event.to_state;
    r.flags = derived->event.flags;
    r.rule_version = derived->event.rule_version;
    if (derived->verdict.subject_status) {
      out.subject_status = derived->verdict.subject_status;
      out.subject_joined = derived->verdict.subject_joined;
      if (out.subject) {
        out.subject->status = *out.subject_status;
        out.subject->joined = out.subject_joined;
      }
    }
    w.state = r.to_state;
    out.events.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<EventRecord>> Engine::workflow_history(const Case& c, std::vector<EventRecord> stored,
                                                          const Workflow& wf) {
  if (!has_corrections(stored)) return stored;
  std::optional<Person> subject;
  if (c.person) {
    auto p = store_.find_person(*c.person);
    DJFLOW_TRY(p);
    subject = p.value();
  }
  auto rules = rule_timeline();
  DJFLOW_TRY(rules);
  auto eff = effective_history(c, stored, wf, initial_subject(wf, std::move(subject)), rules.value());
  DJFLOW_TRY(eff);
  return std::move(eff.value().events);
}

Result<StepOutcome> Engine::correct(CaseId id, const Correction& fix) {
  return retrying<StepOutcome>([&] { return correct_once(id, fix); });
}

Result<StepOutcome> Engine::correct_once(CaseId id, const Correction& fix) {
  if (fix.reason.empty())
    return Error::invalid({"更正或撤销须说明理由（--reason）", "a correction or void needs a reason (--reason)"});
  if (!fix.void_event && !fix.date && fix.with.empty())
    return Error::invalid({"没有要更正的内容：请给出 --date 或 --with", "nothing to correct: give --date or --with"});
  const Date today_date = today();
  if (fix.date && *fix.date > today_date)
    return Error::invalid({"日期 " + fix.date->iso() + " 晚于今天（" + today_date.iso() + "）",
                           "date " + fix.date->iso() + " is after today (" + today_date.iso() + ")"});
  WriteTransaction tx(store_);
  DJFLOW_TRY(tx.begin());
  auto found = store_.find_case(id);
  DJFLOW_TRY(found);
  if (!found.value())
    return Error::not_found({"事项不存在：#" + std::to_string(id), "no case #" + std::to_string(id)});
  Case c = *found.value();
  const Workflow* wf = workflows_.find(c.workflow);
  if (!wf) return Error::corruption({"未知流程：" + c.workflow, "case uses unknown workflow " + c.workflow});
  auto stored = store_.events(id);
  DJFLOW_TRY(stored);
  auto& history = stored.value();
  const std::string where = "#" + std::to_string(id);
  if (fix.seq < 1 || fix.seq > static_cast<std::int64_t>(history.size()))
    return Error::not_found({where + " 没有第 " + seq_text(fix.seq) + " 步", "case " + where + " has no event " + seq_text(fix.seq)});
  const EventRecord& target = history[static_cast<std::size_t>(fix.seq - 1)];
  if (is_correction(target))
    return Error::invalid({"第 " + seq_text(fix.seq) + " 步本身是更正或撤销；请直接更正原步骤 " + seq_text(corrected_seq(target)),
                           "event " + seq_text(fix.seq) + " is itself a correction; correct event " +
                               seq_text(corrected_seq(target)) + " instead"});
  for (const auto& e : history)
    if (e.event == kEventVoid && corrected_seq(e) == fix.seq)
      return Error::invalid({"第 " + seq_text(fix.seq) + " 步已于第 " + seq_text(e.seq) + " 步撤销",
                             "event " + seq_text(fix.seq) + " was voided by event " + seq_text(e.seq)});
  if (fix.void_event && fix.seq == 1)
    return Error::invalid({"第 1 步开启了本事项，不能撤销；可更正其日期或内容",
                           "the first event opens the case and cannot be voided; correct its date or inputs instead"});
  std::optional<Person> person;
  if (c.person) {
    auto p = store_.find_person(*c.person);
    DJFLOW_TRY(p);
    person = p.value();
  }
  const auto initial = initial_subject(*wf, person);
  auto rules = rule_timeline();
  DJFLOW_TRY(rules);
  auto before = effective_history(c, history, *wf, initial, rules.value());
  DJFLOW_TRY(before);

  EventRecord e;
  e.case_id = c.id;
  e.seq = c.version + 1;
  e.event = fix.void_event ? kEventVoid : kEventCorrect;
  e.date = today_date;
  e.recorded_at = clock_.now();
  e.actor = fix.actor;
  e.inputs[fix.void_event ? kInputVoids : kInputCorrects] = seq_text(fix.seq);
  if (fix.date) e.inputs[kInputDate] = fix.date->iso();
  for (const auto& [k, v] : fix.with) e.inputs[std::string(kInputWith) + k] = v;
  e.note = fix.reason;
  e.from_state = c.state;
  history.push_back(e);
  auto after = effective_history(c, history, *wf, initial, rules.value());
  DJFLOW_TRY(after);
  const auto& eff = after.value();
  e.to_state = eff.events.empty() ? c.state : eff.events.back().to_state;
  e.prev_hash = c.head_hash;
  e.hash = event_hash(e);
  DJFLOW_TRY(store_.append_step(e, c.version));
  c.version += 1;
  c.state = e.to_state;
  c.head_hash = e.hash;
  c.updated_at = e.recorded_at;
  // The subject's membership: what the corrected steps decide; back to what the case found when
  // the steps that decided it are gone.
  if (person) {
    std::optional<std::pair<MemberStatus, std::optional<Date>>> status;
    if (eff.subject_status) status.emplace(*eff.subject_status, eff.subject_joined);
    else if (before->subject_status && initial) status.emplace(initial->status, initial->joined);
    if (status && (person->status != status->first || person->joined != status->second))
      DJFLOW_TRY(store_.update_person_status(person->id, status->first, status->second));
  }
  StepOutcome out;
  StoreDirectory directory(store_);
  CaseContext ctx{c, eff.events, eff.subject ? &*eff.subject : nullptr, directory, env_.calendar, env_.config};
  DJFLOW_TRY(sync_deadlines(c, wf->deadlines(ctx), e.date, out.opened, out.closed, e.recorded_at));
  DJFLOW_TRY(tx.commit());
  out.c = c;
  out.event = e;
  return out;
}

}  // namespace djflow::engine
