// The only translation unit that instantiates the self-lapse review machine.
#include "workflows/lapse/lapse_workflow.hpp"

#include <boost/mpl/vector/vector10.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <vector>
#include <string>

#include "workflows/msm_judging.hpp"
#include "workflows/msm_machine.hpp"

namespace djflow::workflows::lapse {

using engine::CaseContext;
using engine::Error;
using engine::Text;

namespace {

constexpr const char* kArticleZh = "《中国共产党章程》第九条";
constexpr const char* kArticleEn = "《中国共产党章程》第九条";

struct Step {
  std::string event;
  engine::Inputs inputs;
  std::string ref;
};

struct Judgement {
  Step step;
  std::optional<Error> error;
  bool no_transition = false;
  bool inputs_checked = false;
  engine::StepResult result;
};

std::string get(const engine::Inputs& in, const char* key) {
  auto it = in.find(key);
  return it == in.end() ? std::string() : it->second;
}

// Input keys each event takes; anything else is refused.
std::optional<Error> normalize_inputs(Step& s) {
  static const std::map<std::string, std::vector<std::string>> keys = {
      {"open", {"reason"}}, {"notify", {"reply"}}, {"decide", {"decision", "for", "against", "voting"}},
      {"approve", {"approver"}}, {"reject", {"approver"}}, {"drop", {}}};
  const auto& allowed = keys.at(s.event);
  for (const auto& [k, v] : s.inputs)
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      return Error::invalid({"未知输入项“" + k + "”", s.event + ": unknown input '" + k + "'"});
  return std::nullopt;
}

std::optional<Error> check_open(const Step& s) {
  const std::string r = get(s.inputs, "reason");
  if (r != "attendance" && r != "dues" && r != "work")
    return Error::invalid({"须注明情形 reason=attendance（不参加组织生活）、dues（不交纳党费）或 work（不做党所分配的工作）",
                           "reason must be attendance, dues or work, got '" + r + "'"});
  return std::nullopt;
}
std::optional<Error> check_decide(const Step& s) {
  const std::string d = get(s.inputs, "decision");
  if (d != "remove" && d != "keep")
    return Error::invalid({"须注明决定 decision=remove（予以除名）或 keep（不予除名）", "decision must be remove or keep"});
  if (s.ref.empty())
    return Error::invalid({"须注明支部党员大会的会议记录（--ref）", "the general meeting's minutes are required (--ref)"});
  return std::nullopt;
}
bool removes(const Step& s) { return get(s.inputs, "decision") == "remove"; }
bool keeps(const Step& s) { return get(s.inputs, "decision") == "keep"; }
bool always(const Step&) { return true; }

namespace msmf = boost::msm::front;

struct Open    { static constexpr std::string_view kId = "open"; };
struct Notify  { static constexpr std::string_view kId = "notify"; };
struct Decide  { static constexpr std::string_view kId = "decide"; };
struct Approve { static constexpr std::string_view kId = "approve"; };
struct Reject  { static constexpr std::string_view kId = "reject"; };
struct Drop    { static constexpr std::string_view kId = "drop"; };
using AllEvents = boost::mpl::vector6<Open, Notify, Decide, Approve, Reject, Drop>;

template <class Derived>
struct Stable : msmf::state<> {
  template <class Event, class Fsm>
  void on_entry(const Event&, Fsm& fsm) { fsm.entered(Derived::kName); }
};
struct New           : msmf::state<> { static constexpr std::string_view kName = ""; };
struct Investigating : Stable<Investigating> { static constexpr std::string_view kName = "investigating"; };
struct Notified      : Stable<Notified> { static constexpr std::string_view kName = "notified"; };
struct Decided       : Stable<Decided> { static constexpr std::string_view kName = "decided"; };
struct Removed       : Stable<Removed> { static constexpr std::string_view kName = "removed"; };
struct Dropped       : Stable<Dropped> { static constexpr std::string_view kName = "dropped"; };
using AllStates = boost::mpl::vector6<New, Investigating, Notified, Decided, Removed, Dropped>;

using RuleFn = std::optional<Error> (*)(const Step&);
using Selector = bool (*)(const Step&);
template <Selector Sel = always, RuleFn Fn = nullptr>
struct When {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    return fsm.judgement != nullptr && Sel(fsm.judgement->step) && fsm.judge(Fn);
  }
};
struct Record {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    fsm.judgement->result.inputs = fsm.judgement->step.inputs;
  }
};

struct ReviewMachine : msm_support::JudgingMachineDef<ReviewMachine, Judgement> {
  using no_message_queue = int;
  using initial_state = New;
  static constexpr const char* kWorkflowName = "lapse";
  template <class S, class E, class T, class G>
  using Row = msmf::Row<S, E, T, Record, G>;
  // clang-format off
  using transition_table = boost::mpl::vector9<
  Row < New          , Open   , Investigating, When<always, check_open>   >,
  Row < Investigating, Notify , Notified     , When<>                     >,
  Row < Investigating, Drop   , Dropped      , When<>                     >,
  Row < Notified     , Decide , Decided      , When<removes, check_decide> >,
  Row < Notified     , Decide , Dropped      , When<keeps, check_decide>  >,
  Row < Notified     , Drop   , Dropped      , When<>                     >,
  Row < Decided      , Approve, Removed      , When<>                     >,
  Row < Decided      , Reject , Dropped      , When<>                     >,
  Row < Decided      , Drop   , Dropped      , When<>                     >
  >;
  // clang-format on
};
using ReviewFsm = boost::msm::back::state_machine<ReviewMachine>;
using Machine = msm_support::Machine<ReviewFsm, AllStates, AllEvents>;

struct Label {
  const char* id;
  const char* zh;
  const char* en;
};
const Label kEvents[] = {
    {"open", "启动自行脱党审查（调查核实）", "open the review (investigation)"},
    {"notify", "通知本人并听取意见", "notify the member and hear them"},
    {"decide", "支部党员大会决定", "general-meeting decision"},
    {"approve", "上级党组织批准除名", "superior approves the removal"},
    {"reject", "上级党组织不予批准", "superior does not approve"},
    {"drop", "终止审查", "drop the review"},
};
const Label kStates[] = {
    {"investigating", "调查核实中", "investigating"}, {"notified", "已通知本人", "member notified"},
    {"decided", "支部党员大会已决定除名，待上级批准", "removal decided, awaiting approval"},
    {"removed", "已除名", "removed"}, {"dropped", "审查终止", "dropped"},
};

Text label_of(const Label* b, const Label* e, std::string_view id) {
  for (auto* l = b; l != e; ++l)
    if (id == l->id) return {l->zh, l->en};
  return {std::string(id), std::string(id)};
}

class LapseWorkflow final : public engine::Workflow {
 public:
  std::string_view name() const override { return kWorkflow; }
  Text title() const override { return {"自行脱党审查", "self-lapse review"}; }
  std::string_view initial_event() const override { return "open"; }
  std::optional<std::string> resolve_event(std::string_view n) const override {
    for (const auto& l : kEvents)
      if (n == l.id || n == l.zh) return std::string(l.id);
    return std::nullopt;
  }
  std::vector<std::string> events() const override {
    std::vector<std::string> out;
    for (const auto& l : kEvents) out.emplace_back(l.id);
    return out;
  }
  std::vector<std::string> states() const override {
    std::vector<std::string> out;
    for (const auto& l : kStates) out.emplace_back(l.id);
    return out;
  }
  engine::Result<engine::StepResult> apply(const CaseContext& ctx, const engine::StepInput& in) const override {
    auto ev = resolve_event(in.event);
    if (!ev) return Error::invalid({"未知步骤“" + in.event + "”", "unknown event '" + in.event + "'"});
    Judgement j{{*ev, in.with, in.ref}, {}, false, false, {}};
    ReviewFsm m;
    m.judgement = &j;
    if (!Machine::restore(m, ctx.c.state))
      return Error::corruption({"状态“" + ctx.c.state + "”不属于自行脱党审查", "unknown state '" + ctx.c.state + "'"});
    const auto handled = Machine::fire(m, *ev);
    if (j.error) return *j.error;
    if (j.no_transition || handled != boost::msm::back::HANDLED_TRUE || j.result.to_state.empty()) {
      const Text st = label_of(std::begin(kStates), std::end(kStates), ctx.c.state);
      const Text e = label_of(std::begin(kEvents), std::end(kEvents), *ev);
      std::string order_zh, order_en;
      if (*ev == "decide" || *ev == "approve") {
        order_zh = "须依次调查核实、通知本人并听取意见、支部党员大会决定、上级党组织批准（" + std::string(kArticleZh) + "）";
        order_en = std::string("the order is investigation, notice to the member, general-meeting decision, superior approval (") + kArticleEn + ")";
      }
      return Error::rule_refusal({e.zh + "：当前状态为“" + st.zh + "”，不能办理此步骤" + (order_zh.empty() ? "" : "；" + order_zh),
                                  *ev + ": not allowed in state '" + ctx.c.state + "' (" + st.en + ")" + (order_en.empty() ? "" : "; " + order_en)},
                                 "R20", kArticleZh);
    }
    j.result.rule_version = "2022";  // 《中国共产党章程》(2022)
    if (j.result.to_state == "removed") {
      j.result.subject_status = engine::MemberStatus::None;
      j.result.subject_joined = std::nullopt;
    }
    return std::move(j.result);
  }
  std::vector<engine::DeadlineSpec> deadlines(const CaseContext&) const override { return {}; }
  std::vector<std::string> allowed(const CaseContext& ctx) const override { return Machine::events_from(ctx.c.state); }
  std::string stage(std::string_view state) const override {
    return state == "removed" || state == "dropped" ? "closed" : "open";
  }
  bool closed(std::string_view state) const override { return state == "removed" || state == "dropped"; }
  Text state_label(std::string_view state) const override { return label_of(std::begin(kStates), std::end(kStates), state); }
  Text stage_label(std::string_view stage) const override {
    return stage == "closed" ? Text{"已结束", "closed"} : Text{"审查中", "open"};
  }
  Text event_label(std::string_view event) const override { return label_of(std::begin(kEvents), std::end(kEvents), event); }
  Text deadline_label(std::string_view kind) const override { return {std::string(kind), std::string(kind)}; }
};

}  // namespace

std::unique_ptr<engine::Workflow> make_lapse_workflow() { return std::make_unique<LapseWorkflow>(); }

}  // namespace djflow::workflows::lapse
