// The only translation unit that instantiates the election machine (election_fsm.hpp).
#include "workflows/election/election_workflow.hpp"


#include <algorithm>
#include <map>

#include "workflows/election/election_catalog.hpp"
#include "workflows/election/election_fsm.hpp"
#include "workflows/msm_machine.hpp"
#include "workflows/election/election_rules.hpp"

namespace djflow::workflows::election {

using engine::CaseContext;
using engine::Date;
using engine::DeadlineSpec;
using engine::Error;
using engine::Text;

namespace {

using fsm::ElectionFsm;

using Machine = msm_support::Machine<ElectionFsm, fsm::AllStates, fsm::AllEvents>;

const Catalog& cat() { return election_catalog(); }

Error not_allowed(const Step& s, std::string_view state) {
  // Rules that explain a missing row better than the state does.
  if (state == "shortfall" && (s.event == "officers" || s.event == "report")) {
    return refusal(s, "E15",
                   "当选" + std::to_string(s.facts.elected.size()) + "名，少于应选" + std::to_string(s.facts.seats) +
                       "名" + (s.facts.tied.empty() ? "" : "（得票相等需再次投票：" + join_names(s.facts.tied) + "）") +
                       "；须先另行选举（supplementary），或经到会过半数同意不再选举（accept-shortfall）",
                   std::to_string(s.facts.elected.size()) + " elected for " + std::to_string(s.facts.seats) +
                       " seats" + (s.facts.tied.empty() ? "" : " (tied at the cut-off, revote: " + join_names(s.facts.tied) + ")") +
                       "; hold a supplementary vote first, or stop with the consent of more than half (accept-shortfall)");
  }
  if (state == "elected" && s.event == "report") {
    return refusal(s, "E18",
                   s.facts.committee ? "须先由新一届委员会第一次全体会议选举书记、副书记（officers）"
                                     : "须先记录党员大会选出的书记（副书记）（officers）",
                   s.facts.committee ? "the new committee's first meeting must elect the secretary and deputy first (officers)"
                                     : "record the secretary (and deputy) the general meeting elected first (officers)");
  }
  const Text st = state.empty() ? Text{"尚未开始（新事项）", "not started (new case)"} : cat().state_text(state);
  const auto allowed = Machine::events_from(state);
  std::string list_zh, list_en;
  for (const auto& e : allowed) {
    list_zh += (list_zh.empty() ? "" : "、") + cat().event_text(e).zh + "（" + e + "）";
    list_en += (list_en.empty() ? "" : ", ") + e;
  }
  if (allowed.empty()) {
    list_zh = "无（事项已结束）";
    list_en = "none (the case is closed)";
  }
  return Error::refused({cat().event_text(s.event).zh + "：当前状态为“" + st.zh + "”，不能办理此步骤；当前可办理：" + list_zh,
                         s.event + ": not allowed in state '" + std::string(state.empty() ? "new" : state) + "' (" +
                             st.en + "); allowed now: " + list_en});
}

DeadlineSpec deadline(std::string kind, Date due, Date opened_on, std::vector<std::string> fulfilled_by) {
  DeadlineSpec d;
  d.kind = std::move(kind);
  d.due = due;
  d.opened_on = opened_on;
  d.fulfilled_by = std::move(fulfilled_by);
  return d;
}

}  // namespace

std::optional<std::string> ElectionWorkflow::resolve_event(std::string_view name) const { return cat().resolve(name); }
std::vector<std::string> ElectionWorkflow::events() const { return cat().event_ids(); }
std::vector<std::string> ElectionWorkflow::states() const { return cat().state_names(); }

engine::Result<engine::StepResult> ElectionWorkflow::apply(const CaseContext& ctx, const engine::StepInput& in) const {
  auto event = cat().resolve(in.event);
  if (!event) {
    return Error::invalid({"未知步骤“" + in.event + "”；可用步骤：" + cat().event_list().zh,
                           "unknown event '" + in.event + "' for elections; known: " + cat().event_list().en});
  }
  fsm::Judgement j{make_step(ctx, in, *event), {}, false, false, {}};
  ElectionFsm m;
  m.judgement = &j;
  if (!Machine::restore(m, ctx.c.state)) {
    return Error::corruption({"事项" + std::to_string(ctx.c.id) + "的状态“" + ctx.c.state + "”不属于换届选举流程",
                              "case " + std::to_string(ctx.c.id) + " has state '" + ctx.c.state +
                                  "', which the election workflow does not know"});
  }
  const auto handled = Machine::fire(m, *event);
  if (j.error) return *j.error;
  if (j.no_transition) return not_allowed(j.step, ctx.c.state);
  if (handled != boost::msm::back::HANDLED_TRUE || j.result.to_state.empty()) {
    return Error::refused({cat().event_text(*event).zh + "：当前不能办理", *event + ": refused"});
  }
  j.result.rule_version = j.step.version;
  return std::move(j.result);
}

std::vector<DeadlineSpec> ElectionWorkflow::deadlines(const CaseContext& ctx) const {
  std::vector<DeadlineSpec> out;
  if (ctx.history.empty()) return out;
  const Facts f = derive_facts(ctx.history);
  const std::string& st = ctx.c.state;
  if (st == "preparing") {
    // E21: the request goes to the superior a lead time before the term ends (local practice).
    const int lead = ctx.config.get_int(kSettingRequestLead, 1);
    out.push_back(deadline("request", f.effective_end().add_months(-lead), ctx.history.front().date, {"request"}));
  }
  if (st == "requested" && f.requested) {
    const int days = ctx.config.get_int(kSettingReplyDays, 0);
    if (days > 0) out.push_back(deadline("reply", f.requested->add_days(days), *f.requested, {"reply"}));
  }
  return out;
}

std::vector<std::string> ElectionWorkflow::allowed(const CaseContext& ctx) const {
  return Machine::events_from(ctx.c.state);
}

std::string ElectionWorkflow::stage(std::string_view state) const {
  if (const auto* s = cat().find_state(state)) return std::string(s->stage);
  return {};
}

bool ElectionWorkflow::closed(std::string_view state) const {
  const auto* s = cat().find_state(state);
  return s != nullptr && s->stage == "closed";
}

Text ElectionWorkflow::state_label(std::string_view state) const { return cat().state_text(state); }
Text ElectionWorkflow::stage_label(std::string_view stage) const { return cat().stage_text(stage); }
Text ElectionWorkflow::event_label(std::string_view event) const { return cat().event_text(event); }
Text ElectionWorkflow::deadline_label(std::string_view kind) const { return cat().deadline_text(kind); }
Text ElectionWorkflow::flag_label(std::string_view flag) const {
  if (flag == "unregistered") return {"候选人中有未登记人员", "nominees not in the register"};  // E10
  if (flag == "seats-above-5") return {"委员超过5名", "more than 5 committee seats"};            // E3
  return Workflow::flag_label(flag);
}

std::unique_ptr<engine::Workflow> make_election_workflow() { return std::make_unique<ElectionWorkflow>(); }

RestoreProbe test_restore(std::string_view state) {
  RestoreProbe probe;
  ElectionFsm m;
  probe.restored = Machine::restore(m, state);
  probe.state = Machine::stable_name(m.current_state()[0]);
  probe.entry_actions = m.entries;
  probe.allowed = Machine::events_from(probe.state);
  return probe;
}

}  // namespace djflow::workflows::election
