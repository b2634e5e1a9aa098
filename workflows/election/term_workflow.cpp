// The organisation-term workflow (任期): one case per term of an organisation, holding the term's
// end as a deadline with reminders (E7, E9, E21). Three states need no MSM: in-term, renewed (an
// approved election began the next term) and ended (the organisation was dissolved or merged).
#include <algorithm>

#include "workflows/election/election_catalog.hpp"
#include "workflows/election/election_rules.hpp"
#include "workflows/election/election_workflow.hpp"

namespace djflow::workflows::election {

using engine::CaseContext;
using engine::Date;
using engine::DeadlineSpec;
using engine::Error;
using engine::Text;

namespace {

const Catalog& cat() { return term_catalog(); }

std::string ev_zh(std::string_view e) { return cat().event_text(e).zh; }

Error invalid_in(std::string_view event, const std::string& zh, const std::string& en) {
  return Error::invalid({ev_zh(event) + "：" + zh, std::string(event) + ": " + en});
}

Error refused_by(std::string_view event, std::string_view rule, const std::string& zh, const std::string& en) {
  const std::string art = article(rule);
  return Error::rule_refusal({ev_zh(event) + "：" + zh + "（" + art + "）", std::string(event) + ": " + en + " (" + art + ")"},
                             std::string(rule), art);
}

struct Spec {
  std::string_view event;
  std::vector<std::string_view> keys;
  std::vector<std::string_view> required;
  std::string_view expected;
};

const std::vector<Spec>& specs() {
  static const std::vector<Spec> kSpecs{
      {"begin", {"start", "years", "committee", "locality", "election"}, {"start", "years", "committee"},
       "start=DATE years=N committee=yes|no [locality=village|community election=ID]"},
      {"postpone", {"to"}, {"to"}, "to=DATE"},
      {"advance", {"to"}, {"to"}, "to=DATE"},
      {"renew", {"election", "held"}, {"election"}, "election=ID [held=DATE]"},
      {"end", {}, {}, ""},
  };
  return kSpecs;
}

const std::vector<std::string> kFromInTerm{"postpone", "advance", "renew", "end"};

}  // namespace

std::optional<std::string> TermWorkflow::resolve_event(std::string_view name) const { return cat().resolve(name); }
std::vector<std::string> TermWorkflow::events() const { return cat().event_ids(); }
std::vector<std::string> TermWorkflow::states() const { return cat().state_names(); }

engine::Result<engine::StepResult> TermWorkflow::apply(const CaseContext& ctx, const engine::StepInput& in) const {
  auto ev = cat().resolve(in.event);
  if (!ev) {
    return Error::invalid({"未知步骤“" + in.event + "”；可用步骤：" + cat().event_list().zh,
                           "unknown event '" + in.event + "' for terms; known: " + cat().event_list().en});
  }
  const std::string& event = *ev;
  // State: only `begin` starts a case; everything else needs a term in progress.
  const std::string& st = ctx.c.state;
  const bool ok_state = st.empty() ? event == "begin"
                                   : st == "in-term" && std::find(kFromInTerm.begin(), kFromInTerm.end(), event) != kFromInTerm.end();
  if (!ok_state) {
    const Text label = st.empty() ? Text{"尚未开始", "not started"} : cat().state_text(st);
    const std::string allowed = st.empty() ? "begin" : st == "in-term" ? join_names(kFromInTerm) : "";
    return Error::refused({ev_zh(event) + "：当前状态为“" + label.zh + "”，不能办理此步骤；当前可办理：" +
                               (allowed.empty() ? std::string("无（事项已结束）") : allowed),
                           event + ": not allowed in state '" + (st.empty() ? std::string("new") : st) + "' (" +
                               label.en + "); allowed now: " + (allowed.empty() ? std::string("none (the case is closed)") : allowed)});
  }
  // Inputs.
  const Spec* spec = nullptr;
  for (const auto& s : specs())
    if (s.event == event) spec = &s;
  engine::Inputs inputs;
  for (const auto& [key, value] : in.with) {
    if (std::find(spec->keys.begin(), spec->keys.end(), key) == spec->keys.end())
      return invalid_in(event, "未知输入项“" + key + "”；应为 " + std::string(spec->expected),
                        "unknown input '" + key + "'; expected " + std::string(spec->expected));
    inputs[key] = value;
  }
  for (auto key : spec->required)
    if (!inputs.count(std::string(key)))
      return invalid_in(event, "缺少输入项 " + std::string(key) + "；应为 " + std::string(spec->expected),
                        "missing input " + std::string(key) + "; expected " + std::string(spec->expected));
  for (const char* key : {"start", "to", "held"}) {
    if (!inputs.count(key)) continue;
    auto d = Date::parse(inputs[key]);
    if (!d) return invalid_in(event, std::string(key) + " 应为 YYYY-MM-DD：" + inputs[key],
                              std::string(key) + " must be a date YYYY-MM-DD, got " + inputs[key]);
    inputs[key] = d->iso();
  }
  for (const char* key : {"years", "election"}) {
    if (inputs.count(key) && !parse_count(inputs[key]))
      return invalid_in(event, std::string(key) + " 应为非负整数：" + inputs[key],
                        std::string(key) + " must be a non-negative integer, got " + inputs[key]);
  }
  if (inputs.count("committee") && inputs["committee"] != "yes" && inputs["committee"] != "no")
    return invalid_in(event, "committee 应为 yes 或 no", "committee must be yes or no, got " + inputs["committee"]);
  if (inputs.count("locality")) {
    if (inputs["locality"] == "none") inputs["locality"] = "";
    const auto& l = inputs["locality"];
    if (!l.empty() && l != "village" && l != "community")
      return invalid_in(event, "locality 应为 village、community 或 none", "locality must be village, community or none");
    if (l.empty()) inputs.erase("locality");
  }

  engine::StepResult r;
  r.rule_version = std::string(kRulesTerm);
  if (event == "begin") {
    const int years = *parse_count(inputs["years"]);
    if (!valid_term_years(years))
      return refused_by(event, "E7", "任期" + std::to_string(years) + "年；党的基层委员会每届任期三年至五年",
                        "a term of " + std::to_string(years) + " years; grassroots committees serve 3 to 5 years");
    r.to_state = "in-term";
  } else if (event == "postpone" || event == "advance") {
    if (in.ref.empty())
      return refused_by(event, "E9", "延期或提前换届须经上级党组织批准：请用 --ref 填写批复文号",
                        "postponing or advancing the election needs the superior's approval: give its reference with --ref");
    const TermFacts f = derive_term_facts(ctx.history);
    if (auto problem = shift_problem(event, f.original_end, *Date::parse(inputs["to"])))
      return refused_by(event, "E9", problem->zh, problem->en);
    r.to_state = "in-term";
  } else if (event == "renew") {
    // E9: on time when the election meeting (`held`, else this step's date) is by the term end
    // in force; the superior's approval may come later without making the election late.
    const TermFacts f = derive_term_facts(ctx.history);
    const Date held = inputs.count("held") ? *Date::parse(inputs["held"]) : in.date;
    if (held > f.end()) r.flags.push_back("late:term-end");
    r.to_state = "renewed";
  } else {  // end
    if (in.note.empty())
      return invalid_in(event, "终止任期须用 --note 说明原因（组织撤销、合并等）",
                        "ending a term needs a reason (--note: dissolved, merged, ...)");
    r.to_state = "ended";
  }
  r.inputs = std::move(inputs);
  return r;
}

std::vector<DeadlineSpec> TermWorkflow::deadlines(const CaseContext& ctx) const {
  std::vector<DeadlineSpec> out;
  if (ctx.c.state != "in-term" || ctx.history.empty()) return out;
  const TermFacts f = derive_term_facts(ctx.history);
  DeadlineSpec d;
  d.kind = "term-end";
  d.due = f.end();
  d.opened_on = ctx.history.front().date;
  d.fulfilled_by = {};  // `renew` judges its own lateness from the meeting date (E9)
  d.offsets = lead_offsets(d.due, lead_months(ctx.config));
  d.overdue_every_days = ctx.config.get_int(kSettingOverdueDays, 30);
  out.push_back(std::move(d));
  return out;
}

std::vector<std::string> TermWorkflow::allowed(const CaseContext& ctx) const {
  if (ctx.c.state.empty()) return {"begin"};
  if (ctx.c.state == "in-term") return kFromInTerm;
  return {};
}

std::string TermWorkflow::stage(std::string_view state) const {
  if (const auto* s = cat().find_state(state)) return std::string(s->stage);
  return {};
}

bool TermWorkflow::closed(std::string_view state) const {
  const auto* s = cat().find_state(state);
  return s != nullptr && s->stage == "closed";
}

Text TermWorkflow::state_label(std::string_view state) const { return cat().state_text(state); }
Text TermWorkflow::stage_label(std::string_view stage) const { return cat().stage_text(stage); }
Text TermWorkflow::event_label(std::string_view event) const { return cat().event_text(event); }
Text TermWorkflow::deadline_label(std::string_view kind) const { return cat().deadline_text(kind); }

std::unique_ptr<engine::Workflow> make_term_workflow() { return std::make_unique<TermWorkflow>(); }

}  // namespace djflow::workflows::election
