// The only translation unit that instantiates the rectification-item machine (rectify_fsm.hpp).
#include "workflows/rectify/rectify_workflow.hpp"


#include <algorithm>
#include <cstddef>
#include <map>

#include "workflows/rectify/rectify_catalog.hpp"
#include "workflows/rectify/rectify_fsm.hpp"
#include "workflows/msm_machine.hpp"
#include "workflows/rectify/rectify_rules.hpp"

namespace djflow::workflows::rectify {

using engine::CaseContext;
using engine::Date;
using engine::DeadlineSpec;
using engine::Error;
using engine::Text;

namespace {

using fsm::ItemFsm;

using Machine = msm_support::Machine<ItemFsm, fsm::AllStates, fsm::AllEvents>;

Text item_state_text(std::string_view state) {
  if (state.empty()) return {"尚未登记（新事项）", "not registered (new item)"};
  return label(item_states(), state);
}

// Events with a row out of the state, less those the item's facts rule out (no pending extension
// to decide, no deadline to extend or pass, a direct submit of a non-immediate item).
std::vector<std::string> allowed_events(std::string_view state, const Facts& f) {
  auto out = Machine::events_from(state);
  auto drop = [&](const char* e) { out.erase(std::remove(out.begin(), out.end(), e), out.end()); };
  if (!f.pending) {
    drop("approve-extension");
    drop("deny-extension");
  }
  if (f.pending || f.type == "long-term" || !f.deadline) drop("request-extension");
  if (state == "registered" && f.type != "immediate") drop("submit");
  if (!f.deadline) drop("overdue");
  return out;
}

Error not_allowed(const Step& s, std::string_view state) {
  const Text st = item_state_text(state);
  const auto allowed = allowed_events(state, s.facts);
  std::string zh, en;
  for (const auto& e : allowed) {
    zh += (zh.empty() ? "" : "、") + event_label(item_events(), e).zh + "（" + e + "）";
    en += (en.empty() ? "" : ", ") + e;
  }
  if (allowed.empty()) {
    zh = "无";
    en = "none";
  }
  return Error::refused({event_label(item_events(), s.event).zh + "：当前状态为“" + st.zh + "”，不能办理此步骤；当前可办理：" + zh,
                         s.event + ": not allowed in state '" + std::string(state.empty() ? "new" : state) + "' (" +
                             st.en + "); allowed now: " + en});
}

DeadlineSpec spec(std::string kind, Date due, Date opened_on, std::vector<int> offsets,
                  std::vector<std::string> fulfilled_by) {
  DeadlineSpec d;
  d.kind = std::move(kind);
  d.due = due;
  d.opened_on = opened_on;
  d.offsets = std::move(offsets);
  d.fulfilled_by = std::move(fulfilled_by);
  d.overdue_every_days = 7;
  return d;
}

bool open_state(std::string_view st) { return st == "registered" || st == "in-progress" || st == "overdue"; }

}  // namespace

std::optional<std::string> RectifyWorkflow::resolve_event(std::string_view name) const {
  return resolve(item_events(), name);
}

std::vector<std::string> RectifyWorkflow::events() const {
  std::vector<std::string> out;
  for (const auto& e : item_events()) out.emplace_back(e.id);
  return out;
}

std::vector<std::string> RectifyWorkflow::states() const {
  std::vector<std::string> out;
  for (const auto& s : item_states()) out.emplace_back(s.id);
  return out;
}

engine::Result<engine::StepResult> RectifyWorkflow::apply(const CaseContext& ctx, const engine::StepInput& in) const {
  auto event = resolve(item_events(), in.event);
  if (!event) return Error::invalid({"未知步骤“" + in.event + "”", "unknown event '" + in.event + "' for a rectification item"});
  fsm::Judgement j{make_step(ctx, in, *event), {}, false, false, {}};
  ItemFsm m;
  m.judgement = &j;
  if (!Machine::restore(m, ctx.c.state)) {
    return Error::corruption({"事项" + std::to_string(ctx.c.id) + "的状态“" + ctx.c.state + "”不属于整改流程",
                              "case " + std::to_string(ctx.c.id) + " has state '" + ctx.c.state +
                                  "', which the rectify workflow does not know"});
  }
  const auto handled = Machine::fire(m, *event);
  if (j.no_transition) return not_allowed(j.step, ctx.c.state);
  if (j.error) return *j.error;
  if (handled != boost::msm::back::HANDLED_TRUE || j.result.to_state.empty()) return not_allowed(j.step, ctx.c.state);
  j.result.rule_version = std::string(kRuleVersion);
  return std::move(j.result);
}

std::vector<DeadlineSpec> RectifyWorkflow::deadlines(const CaseContext& ctx) const {
  const std::string& st = ctx.c.state;
  const Facts f = derive_facts(ctx.history);
  std::vector<DeadlineSpec> out;
  if (open_state(st) && f.type != "long-term" && f.deadline) {
    auto d = spec("deadline", *f.deadline, f.deadline_set_on.value_or(*f.registered), {-20, -10, 0}, {"submit"});
    d.on_due_event = "overdue";
    out.push_back(std::move(d));
  }
  const int every = ctx.config.get_int(kProgressDays, 30);
  if ((st == "in-progress" || st == "overdue" || st == "long-term") && every > 0 && f.activity) {
    out.push_back(spec("progress-update", f.activity->add_days(every), *f.activity, {0}, {"progress", "milestone"}));
  }
  // Milestones are reminded from registration: a long-term item left in `registered` is not silent.
  const bool long_term_open = st == "long-term" || (st == "registered" && f.type == "long-term");
  if (long_term_open && f.milestones_done < f.milestones.size()) {
    const Date due = f.milestones[f.milestones_done].date;
    const Date since = f.activity.value_or(f.registered.value_or(due));
    out.push_back(spec("milestone", due, std::min(due, since), {-10, 0}, {"milestone"}));
  }
  return out;
}

std::vector<std::string> RectifyWorkflow::allowed(const CaseContext& ctx) const {
  return allowed_events(ctx.c.state, derive_facts(ctx.history));
}

std::string RectifyWorkflow::stage(std::string_view state) const { return state == "closed" ? "closed" : "open"; }
bool RectifyWorkflow::closed(std::string_view state) const { return state == "closed"; }
Text RectifyWorkflow::state_label(std::string_view state) const { return item_state_text(state); }
Text RectifyWorkflow::stage_label(std::string_view stage) const {
  return stage == "closed" ? Text{"已销号", "closed"} : Text{"未销号", "open"};
}
Text RectifyWorkflow::event_label(std::string_view event) const { return rectify::event_label(item_events(), event); }
Text RectifyWorkflow::deadline_label(std::string_view kind) const { return label(item_deadlines(), kind); }
Text RectifyWorkflow::flag_label(std::string_view flag) const {
  if (flag == "closed-on-time") return {"按期销号", "closed on time"};
  if (flag.rfind("closed-late:", 0) == 0) {  // closed-late:N
    const std::string n(flag.substr(12));
    return {"逾期" + n + "天销号", "closed " + n + (n == "1" ? " day" : " days") + " after the deadline"};
  }
  return Workflow::flag_label(flag);
}

Text RectifyWorkflow::reminder_detail(const CaseContext& ctx, const engine::Deadline& d, Date today) const {
  const Facts f = derive_facts(ctx.history);
  const int left = today.days_until(d.due);
  Text t;
  if (d.kind == "deadline") {
    const Text colour = warning_label(warning_colour(left));
    t.zh = "【" + colour.zh + "】责任人：" + f.owner;
    t.en = " [" + colour.en + "] responsible: " + f.owner;
    if (left < 0) {
      t.zh += "；已逾期，请责任领导" + f.leader + "督办";
      t.en += "; overdue: escalated to the responsible leader " + f.leader;
    }
  } else if (d.kind == "progress-update") {
    t.zh = "；请责任人" + f.owner + "报送整改进展";
    t.en = "; " + f.owner + " to report progress";
  } else if (d.kind == "milestone" && f.milestones_done < f.milestones.size()) {
    const auto& m = f.milestones[f.milestones_done];
    t.zh = "；阶段目标：" + m.text + "（责任人：" + f.owner + "）";
    t.en = "; milestone: " + m.text + " (responsible: " + f.owner + ")";
  }
  return t;
}

bool RectifyWorkflow::escalates(std::string_view kind, int days_left) const { return kind == "deadline" && days_left < 0; }

std::unique_ptr<engine::Workflow> make_rectify_workflow() { return std::make_unique<RectifyWorkflow>(); }

RestoreProbe test_restore(std::string_view state) {
  RestoreProbe probe;
  ItemFsm m;
  probe.restored = Machine::restore(m, state);
  probe.state = Machine::stable_name(m.current_state()[0]);
  probe.entry_actions = m.entries;
  probe.allowed = Machine::events_from(probe.state);
  return probe;
}

}  // namespace djflow::workflows::rectify
