// Engine, part 2: replay and verification (issue 7). Replay runs a case's stored history through
// its workflow with the same derivation as recording (Engine::derive_step, plan_deadlines,
// planned_timers) and the settings of the time; verify compares what replay derives with what
// is stored, checks the entity history, the schema and, given one, an anchor.
#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "engine/deadline_plan.hpp"
#include "engine/engine.hpp"
#include "engine/case_verify.hpp"
#include "engine/history_hash.hpp"
#include "engine/store_directory.hpp"

namespace djflow::engine {

namespace {

std::string case_name(CaseId id) { return "case #" + std::to_string(id); }

std::string deadline_name(const Deadline& d) { return "deadline " + d.kind + " due " + d.due.iso(); }

std::string opt_date(const std::optional<Date>& d) { return d ? d->iso() : "none"; }

// Field-by-field differences between a stored deadline and the derived one ("" when equal).
std::string deadline_diff(const Deadline& stored, const Deadline& derived) {
  std::string out;
  auto field = [&](const char* name, const std::string& s, const std::string& d) {
    if (s != d) out += std::string(out.empty() ? "" : "; ") + name + " stored " + s + ", derived " + d;
  };
  field("kind", stored.kind, derived.kind);
  field("due_date", stored.due.iso(), derived.due.iso());
  field("opened_on", stored.opened_on.iso(), derived.opened_on.iso());
  field("milestone", std::to_string(stored.milestone), std::to_string(derived.milestone));
  field("overdue_every_days", std::to_string(stored.overdue_every_days),
        std::to_string(derived.overdue_every_days));
  field("open", std::to_string(stored.open), std::to_string(derived.open));
  field("closed_on", opt_date(stored.closed_on), opt_date(derived.closed_on));
  field("on_due_event", stored.on_due_event, derived.on_due_event);
  return out;
}

std::string join_flags(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const auto& s : v) out += (out.size() > 1 ? "," : "") + s;
  return out + "]";
}

}  // namespace

// --- replay ---------------------------------------------------------------------------------

Result<RuleTimeline> Engine::rule_timeline() {
  RuleTimeline t(env_);
  DJFLOW_TRY(store_.for_each_entity_event([&](const EntityEvent& e) {
    t.add(e);
    return true;
  }));
  t.finish();
  return t;
}

Result<ReplayedCase> Engine::replay(CaseId id) {
  auto c = store_.find_case(id);
  DJFLOW_TRY(c);
  if (!c.value()) return Error::not_found({"事项不存在：#" + std::to_string(id), "no case #" + std::to_string(id)});
  auto history = store_.events(id);
  DJFLOW_TRY(history);
  auto rules = rule_timeline();
  DJFLOW_TRY(rules);
  return replay(*c.value(), history.value(), rules.value());
}

Result<ReplayedCase> Engine::replay(const Case& stored, const std::vector<EventRecord>& history,
                                    const RuleTimeline& rules) {
  const Workflow* wf = workflows_.find(stored.workflow);
  if (!wf) return Error::corruption({"未知流程：" + stored.workflow, "case uses unknown workflow " + stored.workflow});
  std::optional<Person> subject;
  if (stored.person) {
    auto p = store_.find_person(*stored.person);
    DJFLOW_TRY(p);
    subject = initial_subject(*wf, p.value());
  }
  const std::optional<Person> initial = subject;
  ReplayedCase out;
  Case& c = out.c;
  c.id = stored.id;
  c.workflow = stored.workflow;
  c.person = stored.person;
  c.branch = stored.branch;
  c.title = stored.title;
  const std::string where = case_name(c.id);
  std::vector<EventRecord> prefix;     // the stored events so far
  std::vector<EventRecord> effective;  // what the workflow sees: corrections applied (issue 9)
  bool corrected = false;
  prefix.reserve(history.size());
  std::vector<std::size_t> open;  // indexes into out.deadlines of the open ones
  StoreDirectory directory(store_);
  for (const auto& e : history) {
    const RuleEnv& env = rules.at(e.recorded_at);
    const std::string step = where + " event " + std::to_string(e.seq) + " (" + e.event + ")";
    if (is_correction(e)) {
      // A correction or void: the case is what the corrected history derives, as `correct` did.
      prefix.push_back(e);
      auto eff = effective_history(c, prefix, *wf, initial, rules);
      prefix.pop_back();
      if (!eff) {
        out.problems.push_back(step + ": the corrected history is refused on replay: " + eff.error().message.en);
      } else {
        const std::string to = eff->events.empty() ? c.state : eff->events.back().to_state;
        if (to != e.to_state)
          out.problems.push_back(step + ": leads to state '" + to + "' on replay, recorded '" + e.to_state + "'");
        if (eff->subject_status) {
          out.subject_status = eff->subject_status;
          out.subject_joined = eff->subject_joined;
        } else if (out.subject_status && initial) {
          out.subject_status = initial->status;
          out.subject_joined = initial->joined;
        }
        subject = eff->subject;
        effective = std::move(eff->events);
        corrected = true;
      }
    }
    std::optional<Inputs> derived_inputs;  // of an ordinary step the workflow accepts
    if (!is_correction(e)) {
      StepInput in{e.event, e.date, e.inputs, e.note, e.ref, e.actor};
      // Judged in the organisation the case belonged to when the step was recorded (a transfer
      // moves the case, not its past steps).
      Case at = c;
      at.branch = rules.case_branch_at(c.id, e.recorded_at).value_or(c.branch);
      auto derived = derive_step(at, effective, subject ? &*subject : nullptr, *wf, in, env, effective.empty());
      if (!derived) {
        out.problems.push_back(step + ": the workflow refuses it on replay: " + derived.error().message.en);
      } else {
        derived_inputs = derived->event.inputs;
        const auto& d = derived->event;
        if (d.to_state != e.to_state)
          out.problems.push_back(step + ": leads to state '" + d.to_state + "' on replay, recorded '" + e.to_state + "'");
        if (d.flags != e.flags)
          out.problems.push_back(step + ": flags " + join_flags(e.flags) + " recorded, " + join_flags(d.flags) + " derived");
        if (d.rule_version != e.rule_version)
          out.problems.push_back(step + ": judged by the " + e.rule_version + " rules, replay says " + d.rule_version);
        if (derived->verdict.subject_status) {
          out.subject_status = derived->verdict.subject_status;
          out.subject_joined = derived->verdict.subject_joined;
          if (subject) {
            subject->status = *out.subject_status;
            subject->joined = out.subject_joined;
          }
        }
      }
    }
    if (e.from_state != c.state)
      out.problems.push_back(step + ": recorded from state '" + e.from_state + "', the case was in '" + c.state + "'");
    // The stored event, not the derived one, is the history the next steps see; once the case
    // has corrections, the effective history is re-derived, so its inputs are the derived ones
    // (Engine::effective_history).
    prefix.push_back(e);
    if (!is_correction(e)) {
      EventRecord seen = e;
      if (corrected && derived_inputs) {
        seen.inputs = *derived_inputs;
        seen.from_state = effective.empty() ? "" : effective.back().to_state;
      }
      effective.push_back(std::move(seen));
    }
    if (c.version == 0) c.created_at = e.recorded_at;
    c.version += 1;
    c.state = e.to_state;
    c.head_hash = e.hash;
    c.updated_at = e.recorded_at;

    CaseContext after{c, effective, subject ? &*subject : nullptr, directory, env.calendar, env.config};
    const auto specs = wf->deadlines(after);
    std::vector<Deadline> open_now;
    for (auto i : open) open_now.push_back(out.deadlines[i]);
    const DeadlinePlan plan = plan_deadlines(open_now, specs);
    std::vector<std::size_t> still;
    for (std::size_t k = 0; k < open.size(); ++k) {
      if (std::find(plan.close.begin(), plan.close.end(), k) != plan.close.end()) {
        out.deadlines[open[k]].open = false;
        out.deadlines[open[k]].closed_on = e.date;
      } else {
        still.push_back(open[k]);
      }
    }
    for (auto i : plan.open) {
      Deadline dl = deadline_from(specs[i], c.id);
      still.push_back(out.deadlines.size());
      auto timers = planned_timers(dl, specs[i], env);
      if (is_correction(e)) drop_passed_reminders(timers, e.recorded_at);
      out.timers.push_back(std::move(timers));
      out.specs.push_back(specs[i]);
      out.deadlines.push_back(std::move(dl));
    }
    open = std::move(still);
  }
  return out;
}

// --- verify ---------------------------------------------------------------------------------

void check_chain(const Case& c, const std::vector<EventRecord>& events, std::vector<std::string>& problems) {
  const std::string where = "case #" + std::to_string(c.id);
  std::string prev;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.seq != static_cast<std::int64_t>(i + 1)) {
      problems.push_back(where + ": event " + std::to_string(i + 1) + " is missing or out of order (found seq " +
                         std::to_string(e.seq) + ")");
      break;
    }
    if (e.prev_hash != prev)
      problems.push_back(where + " event " + std::to_string(e.seq) +
                         ": chain broken (prev_hash does not match the previous event)");
    if (event_hash(e) != e.hash)
      problems.push_back(where + " event " + std::to_string(e.seq) + " (" + e.event +
                         "): content does not match its hash (edited)");
    prev = e.hash;
  }
  if (events.empty()) problems.push_back(where + ": has no events (its history was deleted)");
  if (c.version != static_cast<std::int64_t>(events.size()))
    problems.push_back(where + ": version " + std::to_string(c.version) + " but " + std::to_string(events.size()) +
                       " events (events deleted or added)");
  if (c.head_hash != prev) problems.push_back(where + ": chain head does not match the last event");
  if (!events.empty() && c.state != events.back().to_state)
    problems.push_back(where + ": state '" + c.state + "' differs from the last event's '" + events.back().to_state + "'");
}

namespace {

// Checks one case's chain: sequence, links, hashes, and the row's version/head/state.
// Aligns stored deadlines (by id) with derived ones (in order); returns stored index -> derived
// index (or -1), reporting insertions, deletions and edits.
std::vector<long> align_deadlines(const CaseRecord& rec, const ReplayedCase& r, std::vector<std::string>& problems) {
  const std::string where = case_name(rec.case_id);
  const auto& s = rec.deadlines;
  const auto& d = r.deadlines;
  std::vector<long> map(s.size(), -1);
  std::size_t i = 0, j = 0;
  auto same = [&](std::size_t a, std::size_t b) { return deadline_diff(s[a], d[b]).empty(); };
  while (i < s.size() || j < d.size()) {
    if (i < s.size() && j < d.size() && same(i, j)) {
      map[i++] = static_cast<long>(j++);
    } else if (j < d.size() && (i >= s.size() || (j + 1 < d.size() && same(i, j + 1)))) {
      problems.push_back(where + ": " + deadline_name(d[j]) + " derived from the history is not stored (deleted)");
      ++j;
    } else if (i < s.size() && (j >= d.size() || (i + 1 < s.size() && same(i + 1, j)))) {
      problems.push_back(where + ": " + deadline_name(s[i]) + " (id " + std::to_string(s[i].id) +
                         ") is not derived from the history (inserted)");
      ++i;
    } else {
      problems.push_back(where + ": " + deadline_name(d[j]) + " (id " + std::to_string(s[i].id) +
                         ") differs from the history: " + deadline_diff(s[i], d[j]));
      map[i++] = static_cast<long>(j++);
    }
  }
  return map;
}

// Timers and notifications of one case against its deadlines (fire times depend on when ticks
// ran, so firings are checked for consistency with the notifications, not derived).
void check_reminders(const CaseRecord& rec, const ReplayedCase& r, const std::vector<long>& map,
                     const std::vector<const RuleEnv*>& envs, const std::set<std::string>& branches,
                     std::vector<std::string>& problems) {
  const std::string where = case_name(rec.case_id);
  std::unordered_map<std::int64_t, std::size_t> by_id;  // deadline id -> stored index
  for (std::size_t i = 0; i < rec.deadlines.size(); ++i) by_id[rec.deadlines[i].id] = i;
  std::unordered_map<std::string, const Timer*> timers;  // by key
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<const Timer*>> firings;  // (deadline, fired_at)
  std::unordered_map<std::int64_t, int> pending;       // deadline id -> pending timers
  for (const auto& t : rec.timers) {
    const std::string tn = where + ": timer " + t.key;
    timers[t.key] = &t;
    auto it = by_id.find(t.deadline_id);
    if (it == by_id.end()) {
      problems.push_back(tn + " belongs to no deadline of the case (deadline id " + std::to_string(t.deadline_id) + ")");
      continue;
    }
    const Deadline& d = rec.deadlines[it->second];
    if (t.kind != d.kind || t.due != d.due || t.key != timer_key(rec.case_id, d.kind, d.due, t.offset_days))
      problems.push_back(tn + ": key, kind or due date do not match its " + deadline_name(d));
    const bool on_time = std::any_of(envs.begin(), envs.end(), [&](const RuleEnv* e) {
      return e->reminder_instant(t.due.add_days(t.offset_days)) == t.fire_at;
    });
    if (!on_time) problems.push_back(tn + ": fire_at is not the reminder time of its day (moved)");
    const long derived = map[it->second];
    bool planned = false;
    if (derived >= 0)
      for (const auto& p : r.timers[static_cast<std::size_t>(derived)]) planned = planned || p.key == t.key;
    const bool repeat = d.overdue_every_days > 0 && t.offset_days > 0 && t.offset_days % d.overdue_every_days == 0;
    if (!planned && !repeat) problems.push_back(tn + ": not a reminder its deadline schedules (inserted)");
    if (t.fired_at) {
      if (*t.fired_at < t.fire_at) problems.push_back(tn + ": marked fired before it fell due");
      firings[{t.deadline_id, t.fired_at->time_since_epoch().count()}].push_back(&t);
    } else {
      ++pending[t.deadline_id];
      if (!d.open) problems.push_back(tn + ": pending although its " + deadline_name(d) + " is closed");
    }
  }
  for (std::size_t i = 0; i < rec.deadlines.size(); ++i) {
    const Deadline& d = rec.deadlines[i];
    if (!d.open || map[i] < 0) continue;
    for (const auto& p : r.timers[static_cast<std::size_t>(map[i])])
      if (!timers.count(p.key)) problems.push_back(where + ": reminder " + p.key + " of the open " + deadline_name(d) + " is missing (deleted)");
    if (!d.milestone && d.overdue_every_days > 0 && pending[d.id] == 0)
      problems.push_back(where + ": the open " + deadline_name(d) + " has no pending reminder (deleted or marked fired)");
  }
  std::unordered_map<std::string, const Notification*> notes;
  for (const auto& n : rec.notifications) {
    notes[n.key] = &n;
    const std::string nn = where + ": notification #" + std::to_string(n.id) + " (" + n.key + ")";
    auto it = timers.find(n.key);
    if (it == timers.end() || !it->second->fired_at) {
      problems.push_back(nn + " has no fired timer with its key");
      continue;
    }
    const Timer& t = *it->second;
    if (*t.fired_at != n.created_at) problems.push_back(nn + ": created_at differs from its timer's firing");
    if (n.kind != t.kind || n.due != t.due) problems.push_back(nn + ": kind or due date differ from its timer");
    // A notification names the organisation the case belonged to when it fired (a transfer,
    // issue 9, moves the case but not what was already sent).
    if (rec.c && (n.workflow != rec.c->workflow || (n.branch != rec.c->branch && !branches.count(n.branch))))
      problems.push_back(nn + ": workflow or branch differ from the case");
  }
  for (const auto& [k, group] : firings) {
    const bool told = std::any_of(group.begin(), group.end(), [&](const Timer* t) {
      auto n = notes.find(t->key);
      return n != notes.end() && n->second->created_at == *t->fired_at;
    });
    auto it = by_id.find(k.first);
    // A tick that finds the deadline closed by the on-due event it just recorded says nothing.
    const bool closed = it != by_id.end() && !rec.deadlines[it->second].open;
    if (!told && !closed)
      problems.push_back(where + ": timer " + group.back()->key + " is marked fired but no notification says so");
  }
}

}  // namespace

Result<VerifyReport> Engine::verify(const std::optional<Anchor>& anchor) {
  VerifyReport report;
  auto& problems = report.problems;
  // The schema: the append-only triggers.
  auto schema = store_.schema_problems();
  DJFLOW_TRY(schema);
  for (auto& p : schema.value()) problems.push_back(std::move(p));
  // The entity history against its rows.
  auto entities = store_.check_entities();
  DJFLOW_TRY(entities);
  report.entity_events = entities->events;
  for (auto& p : entities->problems) problems.push_back(std::move(p));
  auto rules = rule_timeline();
  DJFLOW_TRY(rules);
  const auto envs = rules->all();

  // Every organisation each case has belonged to, from its images in the entity history.
  std::map<CaseId, std::set<std::string>> case_branches;
  DJFLOW_TRY(store_.for_each_entity_event([&](const EntityEvent& e) {
    if (e.entity != "case") return true;
    const auto j = nlohmann::json::parse(e.data, nullptr, false);
    CaseId id = 0;
    const auto [p, ec] = std::from_chars(e.key.data(), e.key.data() + e.key.size(), id);
    if (ec == std::errc() && j.is_object() && j.contains("branch") && j["branch"].is_string())
      case_branches[id].insert(j["branch"].get<std::string>());
    return true;
  }));
  std::map<CaseId, std::int64_t> anchored;  // case -> anchored chain length
  if (anchor)
    for (const auto& [id, len] : anchor->lengths) anchored[id] = len;
  std::vector<std::string> leaves;
  // Persons whose membership some case changed: the last change wins (cases in id order).
  std::map<PersonId, std::pair<MemberStatus, std::optional<Date>>> derived_status;

  // The year-end projection as stored (migration 11), compared case by case with what each
  // history derives (derive_case_years): a missing, extra or different row is named.
  std::vector<CaseYear> stored_years;
  DJFLOW_TRY(store_.for_each_case_year([&](const CaseYear& y) {
    stored_years.push_back(y);
    return true;
  }));
  std::size_t next_year = 0;
  const auto extra_years_before = [&](CaseId id) {
    for (; next_year < stored_years.size() && stored_years[next_year].case_id < id; ++next_year)
      problems.push_back("case_years: row " + describe(stored_years[next_year]) + " is not derived from any history");
  };
  const auto check_years = [&](CaseId id, const std::vector<EventRecord>& events) {
    extra_years_before(id);
    const auto derived = derive_case_years(id, events);
    std::size_t i = 0;
    for (; next_year < stored_years.size() && stored_years[next_year].case_id == id; ++next_year) {
      const CaseYear& s = stored_years[next_year];
      while (i < derived.size() && derived[i].year < s.year)
        problems.push_back("case_years: row missing: " + describe(derived[i++]));
      if (i < derived.size() && derived[i].year == s.year) {
        if (!(derived[i] == s))
          problems.push_back("case_years: row " + describe(s) + " differs from its history's: " + describe(derived[i]));
        ++i;
      } else {
        problems.push_back("case_years: row " + describe(s) + " is not derived from the history");
      }
    }
    for (; i < derived.size(); ++i) problems.push_back("case_years: row missing: " + describe(derived[i]));
  };

  auto st = store_.for_each_case_record([&](const CaseRecord& rec) {
    const std::string where = case_name(rec.case_id);
    check_years(rec.case_id, rec.events);
    if (!rec.c) {
      problems.push_back(where + " does not exist, yet " + std::to_string(rec.events.size()) + " events, " +
                         std::to_string(rec.deadlines.size()) + " deadlines, " + std::to_string(rec.timers.size()) +
                         " timers and " + std::to_string(rec.notifications.size()) +
                         " notifications name it (orphans)");
      return true;
    }
    const Case& c = *rec.c;
    ++report.cases;
    report.events += rec.events.size();
    check_chain(c, rec.events, problems);
    if (auto it = anchored.find(c.id); it != anchored.end()) {
      const auto len = it->second;
      if (static_cast<std::int64_t>(rec.events.size()) < len) {
        problems.push_back(where + ": " + std::to_string(rec.events.size()) + " events, fewer than the " +
                           std::to_string(len) + " anchored (events deleted)");
      } else {
        leaves.push_back(case_leaf({c.id, len, len ? rec.events[static_cast<std::size_t>(len - 1)].hash : ""}));
      }
      anchored.erase(it);
    }
    auto r = replay(c, rec.events, rules.value());
    if (!r) {
      problems.push_back(where + ": cannot be replayed: " + r.error().message.en);
      return true;
    }
    for (auto& p : r->problems) problems.push_back(std::move(p));
    const Case& d = r->c;
    if (c.created_at != d.created_at) problems.push_back(where + ": created_at differs from its first event's");
    if (c.updated_at != d.updated_at) problems.push_back(where + ": updated_at differs from its last event's");
    const auto map = align_deadlines(rec, r.value(), problems);
    check_reminders(rec, r.value(), map, envs, case_branches[c.id], problems);
    if (c.person && r->subject_status) derived_status[*c.person] = {*r->subject_status, r->subject_joined};
    return true;
  });
  DJFLOW_TRY(st);
  extra_years_before(std::numeric_limits<CaseId>::max());
  for (const auto& [id, sj] : derived_status) {
    auto p = store_.find_person(id);
    DJFLOW_TRY(p);
    if (!p.value()) continue;  // the entity check reports the deleted person
    const std::string who = "person " + std::to_string(id) + " (" + p.value()->name + ")";
    if (p.value()->status != sj.first)
      problems.push_back(who + ": status " + to_string(p.value()->status) + ", its cases derive " + to_string(sj.first));
    if (p.value()->joined != sj.second)
      problems.push_back(who + ": joined " + opt_date(p.value()->joined) + ", its cases derive " + opt_date(sj.second));
  }
  if (anchor) {
    report.anchor_checked = true;
    for (const auto& [id, len] : anchored)
      problems.push_back(case_name(id) + " was anchored with " + std::to_string(len) + " events and no longer exists");
    if (report.entity_events < anchor->entity_events) {
      problems.push_back("the entity history has " + std::to_string(report.entity_events) + " events, fewer than the " +
                         std::to_string(anchor->entity_events) + " anchored");
    } else {
      std::string head;
      DJFLOW_TRY(store_.for_each_entity_event([&](const EntityEvent& e) {
        if (e.seq == anchor->entity_events) head = e.hash;
        return e.seq < anchor->entity_events;
      }));
      leaves.push_back(entity_leaf(anchor->entity_events, head));
      const std::string root = merkle_root(std::move(leaves));
      if (root != anchor->root)
        problems.push_back("the history at the anchored lengths has root " + root + ", not the anchored " + anchor->root +
                           ": a step recorded before the anchor was changed and its chain recomputed (or the anchor is "
                           "not this database's)");
    }
  }
  auto integrity = store_.integrity_problems();
  DJFLOW_TRY(integrity);
  report.integrity = integrity->empty() ? "ok" : "";
  for (const auto& p : *integrity) report.integrity += (report.integrity.empty() ? "" : "\n") + p;
  return report;
}

Result<Anchor> Engine::anchor() {
  std::vector<ChainHead> heads;
  DJFLOW_TRY(store_.for_each_history([&](const Case& c, const std::vector<EventRecord>& events) {
    heads.push_back({c.id, static_cast<std::int64_t>(events.size()), events.empty() ? "" : events.back().hash});
    return true;
  }));
  std::int64_t n = 0;
  std::string head;
  DJFLOW_TRY(store_.for_each_entity_event([&](const EntityEvent& e) {
    n = e.seq;
    head = e.hash;
    return true;
  }));
  return make_anchor(clock_.now(), heads, n, head);
}

}  // namespace djflow::engine
