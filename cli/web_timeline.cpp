// A member-development case's timeline (issue 11 §4): GET /api/v1/cases/{id}/timeline answers
// the 25 steps of the flow chart (workflows/member/member_steps.hpp) in order, each done (with
// its dates, and how late when the step carried the engine's late flag), open (its deadlines),
// next (an event allowed now, with the first date the workflow's own guards allow it: the step
// is judged at today by Engine::derive_step, as recording judges it, writing nothing) or later.
// No rule is derived here: done-ness comes from the history, lateness from the engine's flags
// and the replay's deadlines, possible dates from the workflow's refusals.
#include <algorithm>
#include <set>

#include "cli/web_internal.hpp"
#include "workflows/member/member_steps.hpp"

namespace djflow::cli {

using engine::Date;
using engine::EventRecord;
using engine::Text;
using engine::runtime::HttpResponse;
using namespace web;
namespace member = workflows::member;

namespace {

bool has_flag(const EventRecord& e, std::string_view flag) {
  return std::find(e.flags.begin(), e.flags.end(), flag) != e.flags.end();
}

// The events that record `event` and count as done (a meeting whose vote failed decided nothing).
std::vector<const EventRecord*> done_events(const std::vector<EventRecord>& history, const std::string& event) {
  std::vector<const EventRecord*> out;
  for (const auto& e : history)
    if (e.event == event && !has_flag(e, "vote-failed")) out.push_back(&e);
  return out;
}

// Days by which `e` was late (its late:<kind> flags), from the deadlines its history opened.
std::optional<int> late_days(const EventRecord& e, const std::vector<engine::Deadline>& opened) {
  std::optional<int> worst;
  for (const auto& f : e.flags) {
    if (f.rfind("late:", 0) != 0) continue;
    const std::string kind = f.substr(5);
    const engine::Deadline* d = nullptr;
    for (const auto& x : opened)
      if (x.kind == kind && x.opened_on <= e.date && x.due < e.date) d = &x;
    const int days = d != nullptr ? d->due.days_until(e.date) : 0;
    if (!worst || days > *worst) worst = days;
  }
  return worst;
}

}  // namespace

HttpResponse WebApp::timeline(Call& c, engine::CaseId id) {
  auto found = ctx_.store.find_case(id);
  if (!found) return error_answer(found.error(), c.lang);
  if (!found.value() || !c.in_scope(found.value()->branch)) return not_found(c.lang);
  if (found.value()->workflow != "member")
    return plain_error(404, "not_found",
                       Text{"只有发展党员事项有25个步骤的流程图", "only member development cases have the 25-step timeline"}, c.lang);
  auto v = ctx_.engine.show(id);
  if (!v) return error_answer(v.error(), c.lang);
  const auto& view = v.value();
  const auto& wf = *view.workflow;
  auto history = ctx_.engine.effective_events(view.c);  // corrections and voids applied
  if (!history) return error_answer(history.error(), c.lang);
  const Date today = ctx_.engine.today();
  const std::string version = member::flow_version(history.value(), today);

  // How late the late steps were: the deadlines as the history opened them (only when needed).
  std::vector<engine::Deadline> opened;
  const bool any_late = std::any_of(history.value().begin(), history.value().end(), [](const EventRecord& e) {
    return std::any_of(e.flags.begin(), e.flags.end(), [](const std::string& f) { return f.rfind("late:", 0) == 0; });
  });
  if (any_late)
    if (auto r = ctx_.engine.replay(id); r) opened = r.value().deadlines;

  // A probationary member taken in from a roster: the steps up to the approval were before djflow.
  const EventRecord* registered = nullptr;
  for (const auto& e : history.value())
    if (e.event == "register-probationary") registered = &e;

  const engine::RuleEnv env{ctx_.engine.config(), ctx_.engine.calendar(), ctx_.engine.zone()};
  const auto allowed = std::set<std::string>(view.allowed.begin(), view.allowed.end());
  const bool closed = wf.closed(view.c.state);
  Json steps = Json::array();
  for (const auto& s : member::flow_steps(version)) {
    Json j = {{"n", s.n},
              {"stage", s.stage},
              {"stage_label", tr(c.lang, member::flow_stage_label(s.stage))},
              {"label", tr(c.lang, s.label)},
              {"events", s.events}};
    if (!s.with.empty()) {
      j["with"] = s.with;
      j["with_label"] = tr(c.lang, wf.event_label(s.with));
    }
    // Done: every event of the step recorded (or the one it comes with).
    const auto own = s.events.empty() ? std::vector<std::string>{s.with} : s.events;
    bool done = true;
    Json dates = Json::array();
    std::optional<int> late;
    std::optional<Date> last;
    for (const auto& ev : own) {
      const auto rec = done_events(history.value(), ev);
      if (rec.empty()) done = false;
      for (const auto* e : rec) {
        dates.push_back(e->date.iso());
        if (!last || *last < e->date) last = e->date;
        if (!s.events.empty())
          if (auto d = late_days(*e, opened); d && (!late || *d > *late)) late = d;
      }
    }
    if (!done && registered != nullptr && s.n <= 19) {
      done = true;
      last = registered->date;
      j["before_registration"] = true;
    }
    j["dates"] = dates;
    j["date"] = done && last ? Json(last->iso()) : Json(nullptr);
    j["late"] = late.has_value();
    if (late) j["late_days"] = *late;
    // Its open deadlines (a milestone: the date something becomes possible).
    Json dls = Json::array();
    for (const auto& d : view.deadlines) {
      if (std::find(s.deadlines.begin(), s.deadlines.end(), d.kind) == s.deadlines.end()) continue;
      const int left = today.days_until(d.due);
      dls.push_back({{"kind", d.kind},
                     {"label", tr(c.lang, wf.deadline_label(d.kind))},
                     {"due", d.due.iso()},
                     {"days_left", left},
                     {"milestone", d.milestone},
                     {"overdue", left < 0 && !d.milestone}});
    }
    j["deadlines"] = dls;
    std::string status = done ? "done" : closed ? "ended" : "later";
    if (!done && !closed) {
      // Next: an event of the step allowed now, judged at today as recording would judge it.
      for (const auto& ev : s.events) {
        if (allowed.count(ev) == 0 || !done_events(history.value(), ev).empty()) continue;
        status = "next";
        j["next_event"] = ev;
        j["next_label"] = tr(c.lang, wf.event_label(ev));
        const engine::StepInput in{ev, today, {}, "", "", c.who->user.name};
        const engine::Person* subject = view.subject ? &*view.subject : nullptr;
        auto judged = ctx_.engine.derive_step(view.c, history.value(), subject, wf, in, env, false);
        if (judged) {
          j["possible_from"] = today.iso();
          j["possible_now"] = true;
        } else if (judged.error().code == engine::ErrorCode::InvalidInput) {
          // The step needs its inputs (a meeting's counts, the sponsors) before the guards judge it.
          j["possible_now"] = nullptr;
          j["needs_inputs"] = true;
        } else {
          const auto& e = judged.error();
          j["possible_now"] = false;
          j["possible_from"] = e.possible_from ? Json(e.possible_from->iso()) : Json(nullptr);
          j["blocked"] = error_json(e, c.lang)["error"];
        }
        break;
      }
      if (status == "later" && !dls.empty()) status = "open";
    }
    j["status"] = status;
    steps.push_back(std::move(j));
  }
  return json_answer(200, Json{{"case", id},
                               {"version", view.c.version},
                               {"rules", version},
                               {"as_of", today.iso()},
                               {"state", view.c.state},
                               {"state_label", tr(c.lang, wf.state_label(view.c.state))},
                               {"steps", steps}});
}

}  // namespace djflow::cli
