// The rectification-item state machine (整改事项) in Boost.MSM: events, states and the transition
// table. Include this header from exactly one translation unit (rectify_workflow.cpp): MSM is
// expensive to compile. One machine judges one step: it holds a pointer to the Judgement (step,
// facts) its guards read and where they put a refusal. Where a step can land in more than one
// state (on time -> in-progress, after the deadline -> overdue, long-term items -> long-term),
// the rows carry selector guards (rectify_rules.hpp: timed_on_time, timed_late, long_term) that
// never refuse, followed by the step's rule. One machine, one thread.
#pragma once

#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include "workflows/msm_judging.hpp"
#include <boost/mpl/vector/vector40.hpp>

#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "engine/workflow.hpp"
#include "workflows/rectify/rectify_rules.hpp"

namespace djflow::workflows::rectify::fsm {

namespace msmf = boost::msm::front;

struct Judgement {
  Step step;
  std::optional<engine::Error> error;
  bool no_transition = false;
  bool inputs_checked = false;
  engine::StepResult result;
};

// ---- Events ----
struct Register         { static constexpr std::string_view kId = "register"; };
struct Start            { static constexpr std::string_view kId = "start"; };
struct Progress         { static constexpr std::string_view kId = "progress"; };
struct MilestoneCheck   { static constexpr std::string_view kId = "milestone"; };
struct Submit           { static constexpr std::string_view kId = "submit"; };
struct Accept           { static constexpr std::string_view kId = "accept"; };
struct Return           { static constexpr std::string_view kId = "return"; };
struct RequestExtension { static constexpr std::string_view kId = "request-extension"; };
struct ApproveExtension { static constexpr std::string_view kId = "approve-extension"; };
struct DenyExtension    { static constexpr std::string_view kId = "deny-extension"; };
struct Reopen           { static constexpr std::string_view kId = "reopen"; };
struct Overdue          { static constexpr std::string_view kId = "overdue"; };

using AllEvents = boost::mpl::vector12<Register, Start, Progress, MilestoneCheck, Submit, Accept, Return,
                                       RequestExtension, ApproveExtension, DenyExtension, Reopen, Overdue>;

// ---- States ----
template <class Derived>
struct Stable : msmf::state<> {
  template <class Event, class Fsm>
  void on_entry(const Event&, Fsm& fsm) {
    fsm.entered(Derived::kName);
  }
};

struct New : msmf::state<> { static constexpr std::string_view kName = ""; };
struct Registered : Stable<Registered> { static constexpr std::string_view kName = "registered"; };
struct InProgress : Stable<InProgress> { static constexpr std::string_view kName = "in-progress"; };
struct OverdueS   : Stable<OverdueS>   { static constexpr std::string_view kName = "overdue"; };
struct LongTerm   : Stable<LongTerm>   { static constexpr std::string_view kName = "long-term"; };
struct Submitted  : Stable<Submitted>  { static constexpr std::string_view kName = "submitted"; };
struct Closed     : Stable<Closed>     { static constexpr std::string_view kName = "closed"; };

using AllStates = boost::mpl::vector7<New, Registered, InProgress, OverdueS, LongTerm, Submitted, Closed>;

// ---- Guards ----
using RuleFn = Verdict (*)(const Step&);
using Selector = bool (*)(const Step&);

inline bool always(const Step&) { return true; }

// Passes when `Sel` selects this row, the inputs are well-formed and `Fn` (if any) does not refuse.
template <Selector Sel = always, RuleFn Fn = nullptr>
struct When {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    return fsm.judgement != nullptr && Sel(fsm.judgement->step) && fsm.judge(Fn);
  }
};
template <RuleFn Fn = nullptr>
using Rule = When<always, Fn>;
using InputsOk = Rule<>;

// ---- Actions ----
struct Record {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    fsm.judgement->result.inputs = fsm.judgement->step.inputs;
    fsm.judgement->result.flags = step_flags(fsm.judgement->step);
  }
};

// ---- The machine ----
struct ItemMachine : msm_support::JudgingMachineDef<ItemMachine, Judgement> {
  using no_message_queue = int;
  using initial_state = New;

  static constexpr const char* kWorkflowName = "rectify";

  template <class S, class E, class T, class G>
  using Row = msmf::Row<S, E, T, Record, G>;

  // clang-format off
  using transition_table = boost::mpl::vector35<
  //    Start       Event             Next        Guard
  Row < New       , Register        , Registered, Rule<check_register>                             >,
  //  registered: start lands by type and date; immediate items may submit at once
  Row < Registered, Start           , LongTerm  , When<long_term>                                  >,
  Row < Registered, Start           , InProgress, When<timed_on_time>                              >,
  Row < Registered, Start           , OverdueS  , When<timed_late>                                 >,
  Row < Registered, Submit          , Submitted , Rule<check_submit_direct>                        >,
  Row < Registered, RequestExtension, Registered, Rule<check_request_extension>                    >,
  Row < Registered, ApproveExtension, Registered, Rule<check_decide_extension>                     >,
  Row < Registered, DenyExtension   , Registered, Rule<check_decide_extension>                     >,
  Row < Registered, Overdue         , OverdueS  , Rule<check_overdue>                              >,
  //  in progress: any step after the deadline lands in overdue
  Row < InProgress, Progress        , InProgress, When<on_time>                                    >,
  Row < InProgress, Progress        , OverdueS  , When<late>                                       >,
  Row < InProgress, Submit          , Submitted , Rule<check_submit>                               >,
  Row < InProgress, RequestExtension, InProgress, When<on_time, check_request_extension>           >,
  Row < InProgress, RequestExtension, OverdueS  , When<late, check_request_extension>              >,
  Row < InProgress, ApproveExtension, InProgress, When<on_time, check_decide_extension>            >,
  Row < InProgress, ApproveExtension, OverdueS  , When<late, check_decide_extension>               >,
  Row < InProgress, DenyExtension   , InProgress, When<on_time, check_decide_extension>            >,
  Row < InProgress, DenyExtension   , OverdueS  , When<late, check_decide_extension>               >,
  Row < InProgress, Overdue         , OverdueS  , Rule<check_overdue>                              >,
  //  overdue: still progresses, submits; an approved extension to a later date ends it
  Row < OverdueS  , Progress        , OverdueS  , InputsOk                                         >,
  Row < OverdueS  , Submit          , Submitted , Rule<check_submit>                               >,
  Row < OverdueS  , RequestExtension, OverdueS  , Rule<check_request_extension>                    >,
  Row < OverdueS  , ApproveExtension, InProgress, When<on_time, check_decide_extension>            >,
  Row < OverdueS  , ApproveExtension, OverdueS  , When<late, check_decide_extension>               >,
  Row < OverdueS  , DenyExtension   , OverdueS  , Rule<check_decide_extension>                     >,
  //  long-term: check-ins against the milestones, then a final evaluation
  Row < LongTerm  , Progress        , LongTerm  , InputsOk                                         >,
  Row < LongTerm  , MilestoneCheck  , LongTerm  , InputsOk                                         >,
  Row < LongTerm  , Submit          , Submitted , Rule<check_submit>                               >,
  //  verification
  Row < Submitted , Accept          , Closed    , Rule<check_accept>                               >,
  Row < Submitted , Return          , LongTerm  , When<long_term>                                  >,
  Row < Submitted , Return          , InProgress, When<timed_on_time>                              >,
  Row < Submitted , Return          , OverdueS  , When<timed_late>                                 >,
  //  回头看: a relapse reopens a closed item
  Row < Closed    , Reopen          , LongTerm  , When<long_term, check_reopen>                    >,
  Row < Closed    , Reopen          , InProgress, When<timed_on_time, check_reopen>                >,
  Row < Closed    , Reopen          , OverdueS  , When<timed_late, check_reopen>                   >
  >;
  // clang-format on
};

using ItemFsm = boost::msm::back::state_machine<ItemMachine>;

}  // namespace djflow::workflows::rectify::fsm
