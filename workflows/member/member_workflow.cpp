// The only translation unit that instantiates the member-development machine (member_fsm.hpp).
#include "workflows/member/member_workflow.hpp"


#include <algorithm>
#include <cstddef>
#include <map>

#include "workflows/member/member_catalog.hpp"
#include "workflows/member/member_fsm.hpp"
#include "workflows/msm_machine.hpp"
#include "workflows/member/member_rules.hpp"

namespace djflow::workflows::member {

using engine::CaseContext;
using engine::Date;
using engine::DeadlineSpec;
using engine::Error;
using engine::Text;

namespace {

using fsm::MemberFsm;

using Machine = msm_support::Machine<MemberFsm, fsm::AllStates, fsm::AllEvents>;

Text state_text_or_new(std::string_view state) {
  if (state.empty()) return {"尚未开始（新事项）", "not started (new case)"};
  return state_text(state);
}

Error not_allowed(const Step& s, std::string_view state) {
  // A second extension is a rule (D34), not only a missing row: say so.
  if (s.event == "extend" && s.facts.extended) {
    if (auto e = check_extend(s)) return *e;
  }
  const Text st = state_text_or_new(state);
  const auto allowed = Machine::events_from(state);
  std::string list_zh, list_en;
  for (const auto& e : allowed) {
    list_zh += (list_zh.empty() ? "" : "、") + event_text(e).zh + "（" + e + "）";
    list_en += (list_en.empty() ? "" : ", ") + e;
  }
  if (allowed.empty()) {
    list_zh = "无（事项已结束）";
    list_en = "none (the case is closed)";
  }
  return Error::refused(
      {event_text(s.event).zh + "：当前状态为“" + st.zh + "”，不能办理此步骤；当前可办理：" + list_zh,
       s.event + ": not allowed in state '" + std::string(state.empty() ? "new" : state) + "' (" + st.en +
           "); allowed now: " + list_en});
}

// The steps by their Chinese names with the id in parentheses (zh), or by id (en).
Text known_events() {
  Text out;
  for (const auto& e : event_infos()) {
    out.zh += (out.zh.empty() ? "" : "、") + std::string(e.zh) + "（" + std::string(e.id) + "）";
    out.en += (out.en.empty() ? "" : ", ") + std::string(e.id);
  }
  return out;
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

std::optional<std::string> MemberWorkflow::resolve_event(std::string_view name) const {
  return resolve_event_name(name);
}

std::vector<std::string> MemberWorkflow::events() const {
  std::vector<std::string> out;
  for (const auto& e : event_infos()) out.emplace_back(e.id);
  return out;
}

std::vector<std::string> MemberWorkflow::states() const {
  std::vector<std::string> out;
  for (const auto& s : state_infos()) out.emplace_back(s.name);
  return out;
}

engine::Result<engine::StepResult> MemberWorkflow::apply(const CaseContext& ctx,
                                                         const engine::StepInput& in) const {
  auto event = resolve_event_name(in.event);
  if (!event) {
    const Text known = known_events();
    return Error::invalid({"未知步骤“" + in.event + "”；可用步骤：" + known.zh,
                           "unknown event '" + in.event + "' for member development; known: " + known.en});
  }
  fsm::Judgement j{make_step(ctx, in, *event), {}, false, false, {}};
  if (is_meeting(*event)) {  // eligible voters are checked against the register (D21, D29)
    auto registered = registered_full_members(ctx.directory, ctx.c.branch, in.date, ctx.c.person);
    if (!registered.ok()) return registered.error();
    j.step.registered_full = registered.value();
  }
  MemberFsm m;
  m.judgement = &j;
  if (!Machine::restore(m, ctx.c.state)) {
    return Error::corruption({"事项" + std::to_string(ctx.c.id) + "的状态“" + ctx.c.state + "”不属于发展党员流程",
                              "case " + std::to_string(ctx.c.id) + " has state '" + ctx.c.state +
                                  "', which the member workflow does not know"});
  }
  const auto handled = Machine::fire(m, *event);
  if (j.no_transition) return not_allowed(j.step, ctx.c.state);
  if (j.error) return *j.error;
  if (handled != boost::msm::back::HANDLED_TRUE || j.result.to_state.empty()) {
    return Error::refused({event_text(*event).zh + "：当前不能办理", *event + ": refused"});
  }
  j.result.rule_version = j.step.version;
  return std::move(j.result);
}

std::vector<DeadlineSpec> MemberWorkflow::deadlines(const CaseContext& ctx) const {
  const std::string& st = ctx.c.state;
  const Facts f = derive_facts(ctx.history);
  std::vector<DeadlineSpec> out;

  if (st == "applicant" && f.applied && !f.talked) {
    out.push_back(deadline("talk", f.applied->add_months(1), *f.applied, {"talk"}));  // D3
  }
  if (st == "activist" && f.activist) {
    const Date base = f.last_review && *f.last_review >= *f.activist ? *f.last_review : *f.activist;
    out.push_back(deadline("review", base.add_months(6), base, {"review"}));  // D8
    auto eligible = deadline("eligible", f.activist->add_years(1), *f.activist, {});  // D12
    eligible.milestone = true;
    eligible.offsets = {0};
    eligible.overdue_every_days = 0;
    out.push_back(std::move(eligible));
  }
  if (st == "pre-reviewed" && f.pre_reviewed && f.pre_review_version == kRules2026) {
    out.push_back(deadline("admit-meeting", f.pre_reviewed->add_months(1), *f.pre_reviewed, {"admit"}));  // D20
  }
  if (st == "admitted" && f.admitted) {
    out.push_back(deadline("approval", f.admitted->add_months(3), *f.admitted, {"approve", "reject"}));  // D27
  }
  if (st == "probationary" && f.approved && !f.oath && f.approve_version == kRules2026) {
    out.push_back(deadline("oath", f.approved->add_months(1), *f.approved, {"oath"}));  // D32
  }
  if ((st == "probationary" || st == "extended") && f.admitted) {
    const Date opened = f.extended ? *f.extended : f.approved.value_or(*f.admitted);
    // Converting is only possible from this date, so `convert` does not make it late (D33-D35).
    out.push_back(deadline("probation-end", *probation_end(f), opened, {}));  // D33, D34
  }
  if (st == "conversion-pending" && f.converted) {
    out.push_back(deadline("full-approval", f.converted->add_months(3), *f.converted, {"approve-full", "reject"}));  // D36
  }
  // Extension and cancellation: approval within 3 months of the meeting, as for full membership
  // (D34 names no limit; practice follows D36).
  if ((st == "extension-pending" || st == "cancellation-pending") && !ctx.history.empty()) {
    const Date met = ctx.history.back().date;
    const bool ext = st == "extension-pending";
    out.push_back(deadline(ext ? "extension-approval" : "cancel-approval", met.add_months(3), met,
                           {ext ? "approve-extension" : "approve-cancel", "reject"}));
  }
  if (st == "full" && f.approved_full && !f.archived) {
    const int days = ctx.config.get_int("member.archive_days", 30);
    out.push_back(deadline("archive", f.approved_full->add_days(days), *f.approved_full, {"archive"}));  // D41
  }
  return out;
}

std::vector<std::string> MemberWorkflow::allowed(const CaseContext& ctx) const {
  auto out = Machine::events_from(ctx.c.state);
  // Once-only self-steps drop out of the list after they happened (D32 oath, D41 archive).
  for (const char* once : {"archive", "oath"}) {
    const bool done = std::any_of(ctx.history.begin(), ctx.history.end(),
                                  [&](const engine::EventRecord& e) { return e.event == once; });
    if (done) out.erase(std::remove(out.begin(), out.end(), once), out.end());
  }
  return out;
}

std::string MemberWorkflow::stage(std::string_view state) const {
  if (const auto* s = find_state(state)) return std::string(s->stage);
  return {};
}

bool MemberWorkflow::closed(std::string_view state) const {
  const auto* s = find_state(state);
  return s != nullptr && s->stage == "closed";
}

Text MemberWorkflow::state_label(std::string_view state) const { return state_text(state); }
Text MemberWorkflow::stage_label(std::string_view stage) const { return stage_text(stage); }
Text MemberWorkflow::event_label(std::string_view event) const { return event_text(event); }
Text MemberWorkflow::deadline_label(std::string_view kind) const { return deadline_text(kind); }
Text MemberWorkflow::flag_label(std::string_view flag) const { return flag_text(flag); }

std::unique_ptr<engine::Workflow> make_member_workflow() { return std::make_unique<MemberWorkflow>(); }

RestoreProbe test_restore(std::string_view state) {
  RestoreProbe probe;
  MemberFsm m;
  probe.restored = Machine::restore(m, state);
  probe.state = Machine::stable_name(m.current_state()[0]);
  probe.entry_actions = m.entries;
  probe.allowed = Machine::events_from(probe.state);
  return probe;
}

}  // namespace djflow::workflows::member
