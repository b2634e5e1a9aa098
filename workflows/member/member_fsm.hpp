// The member-development state machine (发展党员) in Boost.MSM: events, states and the transition
// table. Include this header from exactly one translation unit (member_workflow.cpp): MSM is
// expensive to compile. The machine judges one step per instance; it holds a pointer to the
// Judgement (case context, step input, rule version, facts) that its guards read, and where guards
// put their refusal and actions record their effects. Guards are the pure rule functions of
// member_rules.hpp; actions and entry actions only write into Judgement::result. One machine, one
// thread (MSM has no synchronisation).
#pragma once

#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include "workflows/msm_judging.hpp"
#include <boost/mpl/vector/vector50.hpp>

#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "engine/workflow.hpp"
#include "workflows/member/member_rules.hpp"

namespace djflow::workflows::member::fsm {

namespace msmf = boost::msm::front;

// What one step produces: the verdict (error) or the accepted result.
struct Judgement {
  Step step;
  std::optional<engine::Error> error;  // set by a refusing guard, or by exception_caught
  bool no_transition = false;          // set by no_transition: the event is not allowed here
  bool inputs_checked = false;
  engine::StepResult result;
};

// ---- Events (ids are the CLI contract; see member_catalog.cpp for labels and aliases) ----
struct Apply          { static constexpr std::string_view kId = "apply"; };
struct Talk           { static constexpr std::string_view kId = "talk"; };
struct MakeActivist   { static constexpr std::string_view kId = "activist"; };
struct Mentors        { static constexpr std::string_view kId = "mentors"; };
struct Review         { static constexpr std::string_view kId = "review"; };
struct Propose        { static constexpr std::string_view kId = "propose"; };
struct Consent        { static constexpr std::string_view kId = "consent"; };
struct Publicize      { static constexpr std::string_view kId = "publicize"; };
struct Sponsors       { static constexpr std::string_view kId = "sponsors"; };
struct PoliticalReview{ static constexpr std::string_view kId = "political-review"; };
struct Training       { static constexpr std::string_view kId = "training"; };
struct PreReview      { static constexpr std::string_view kId = "pre-review"; };
struct Admit          { static constexpr std::string_view kId = "admit"; };
struct Interview      { static constexpr std::string_view kId = "interview"; };
struct Approve        { static constexpr std::string_view kId = "approve"; };
struct Reject         { static constexpr std::string_view kId = "reject"; };
struct Oath           { static constexpr std::string_view kId = "oath"; };
struct ApplyFull      { static constexpr std::string_view kId = "apply-full"; };
struct Convert        { static constexpr std::string_view kId = "convert"; };
struct ApproveFull    { static constexpr std::string_view kId = "approve-full"; };
struct Extend         { static constexpr std::string_view kId = "extend"; };
struct ApproveExtension{ static constexpr std::string_view kId = "approve-extension"; };
struct Cancel         { static constexpr std::string_view kId = "cancel"; };
struct ApproveCancel  { static constexpr std::string_view kId = "approve-cancel"; };
struct Archive        { static constexpr std::string_view kId = "archive"; };
struct Withdraw       { static constexpr std::string_view kId = "withdraw"; };
struct RegisterProbationary { static constexpr std::string_view kId = "register-probationary"; };

using AllEvents = boost::mpl::vector27<Apply, Talk, MakeActivist, Mentors, Review, Propose, Consent,
                                       Publicize, Sponsors, PoliticalReview, Training, PreReview,
                                       Admit, Interview, Approve, Reject, Oath, ApplyFull, Convert,
                                       ApproveFull, Extend, ApproveExtension, Cancel, ApproveCancel,
                                       Archive, Withdraw, RegisterProbationary>;

// ---- States: each carries its stable name; entering one records it as the step's to_state ----
template <class Derived>
struct Stable : msmf::state<> {
  template <class Event, class Fsm>
  void on_entry(const Event&, Fsm& fsm) {
    fsm.entered(Derived::kName);
  }
};

// The case before its first event (stable name ""). `apply` leaves it, or `register-probationary`
// for a person already registered as a probationary member (a roster import).
struct New : msmf::state<> { static constexpr std::string_view kName = ""; };
struct Applicant         : Stable<Applicant>         { static constexpr std::string_view kName = "applicant"; };
struct Activist          : Stable<Activist>          { static constexpr std::string_view kName = "activist"; };
struct Proposed          : Stable<Proposed>          { static constexpr std::string_view kName = "proposed"; };
struct Publicity         : Stable<Publicity>         { static constexpr std::string_view kName = "publicity"; };
struct Candidate         : Stable<Candidate>         { static constexpr std::string_view kName = "candidate"; };
struct PreReviewed       : Stable<PreReviewed>       { static constexpr std::string_view kName = "pre-reviewed"; };
struct Admitted          : Stable<Admitted>          { static constexpr std::string_view kName = "admitted"; };
struct Probationary      : Stable<Probationary>      { static constexpr std::string_view kName = "probationary"; };
struct Extended          : Stable<Extended>          { static constexpr std::string_view kName = "extended"; };
struct ConversionFailed  : Stable<ConversionFailed>  { static constexpr std::string_view kName = "conversion-failed"; };
struct ConversionPending : Stable<ConversionPending> { static constexpr std::string_view kName = "conversion-pending"; };
struct ExtensionPending  : Stable<ExtensionPending>  { static constexpr std::string_view kName = "extension-pending"; };
struct CancellationPending : Stable<CancellationPending> { static constexpr std::string_view kName = "cancellation-pending"; };
struct Full              : Stable<Full>              { static constexpr std::string_view kName = "full"; };
struct Rejected          : Stable<Rejected>          { static constexpr std::string_view kName = "rejected"; };
struct Cancelled         : Stable<Cancelled>         { static constexpr std::string_view kName = "cancelled"; };
struct Withdrawn         : Stable<Withdrawn>         { static constexpr std::string_view kName = "withdrawn"; };

using AllStates = boost::mpl::vector18<New, Applicant, Activist, Proposed, Publicity, Candidate,
                                       PreReviewed, Admitted, Probationary, Extended,
                                       ConversionFailed, ConversionPending, ExtensionPending,
                                       CancellationPending, Full, Rejected, Cancelled, Withdrawn>;

// ---- Guards: input normalisation, then the step's rule (member_rules.hpp) ----
using RuleFn = Verdict (*)(const Step&);

// Passes when the inputs are well-formed and `Fn` (if any) does not refuse.
template <RuleFn Fn = nullptr>
struct Rule {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    return fsm.judge(Fn);
  }
};
using InputsOk = Rule<>;

// Selects a row by the rule version in force on the step's date, then applies `Guard`.
template <class Guard>
struct Under2026 {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event& e, Fsm& fsm, Source& s, Target& t) const {
    return fsm.version() == kRules2026 && Guard{}(e, fsm, s, t);
  }
};
template <class Guard>
struct Under2014 {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event& e, Fsm& fsm, Source& s, Target& t) const {
    return fsm.version() == kRules2014 && Guard{}(e, fsm, s, t);
  }
};

// A meeting step (admit, convert): the rule passes (the meeting was valid), then the row is chosen
// by the vote (D22). A quorate meeting that votes no is a fact: it is recorded, not refused.
template <RuleFn Fn>
struct VotePassed {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    return fsm.judge(Fn) && vote_passed(fsm.judgement->step);
  }
};
template <RuleFn Fn>
struct VoteFailed {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    return fsm.judge(Fn) && !vote_passed(fsm.judgement->step);
  }
};

// The superior's refusal sends the case back to probation: extended when an extension is in effect.
template <bool Extended>
struct BackTo {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    return fsm.judge(static_cast<RuleFn>(nullptr)) && (fsm.judgement->step.facts.extension_months > 0) == Extended;
  }
};
using BackToProbation = BackTo<false>;
using BackToExtension = BackTo<true>;

// ---- Actions: record effects into the result buffer ----
struct Record {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    auto& j = *fsm.judgement;
    j.result.inputs = j.step.inputs;
    j.result.flags = step_flags(j.step);
  }
};
// approve: the subject becomes a probationary member; probation started at the admit meeting (D33).
struct RecordProbation {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event& e, Fsm& fsm, Source& s, Target& t) const {
    Record{}(e, fsm, s, t);
    auto& j = *fsm.judgement;
    j.result.subject_status = engine::MemberStatus::Probationary;
    j.result.subject_joined = j.step.facts.admitted;
  }
};
// register-probationary: a probationary member since the admission on the step's date (D33).
struct RecordRegistered {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event& e, Fsm& fsm, Source& s, Target& t) const {
    Record{}(e, fsm, s, t);
    auto& j = *fsm.judgement;
    j.result.subject_status = engine::MemberStatus::Probationary;
    j.result.subject_joined = j.step.in.date;
  }
};
// approve-full: full member; 党龄 counts from the end of probation, not the approval (D37).
struct RecordFull {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event& e, Fsm& fsm, Source& s, Target& t) const {
    Record{}(e, fsm, s, t);
    auto& j = *fsm.judgement;
    j.result.subject_status = engine::MemberStatus::Full;
    j.result.subject_joined = probation_end(j.step.facts);
  }
};

// approve-cancel: no longer a member (D34); the membership period stays in the history: the
// approve event and this one, which records when probation had started.
struct RecordCancellation {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event& e, Fsm& fsm, Source& s, Target& t) const {
    Record{}(e, fsm, s, t);
    auto& j = *fsm.judgement;
    if (j.step.facts.admitted) j.result.inputs["probation-from"] = j.step.facts.admitted->iso();
    j.result.subject_status = engine::MemberStatus::None;
    j.result.subject_joined = std::nullopt;
  }
};

// ---- The machine ----
struct MemberMachine : msm_support::JudgingMachineDef<MemberMachine, Judgement> {
  using no_message_queue = int;  // an event is fully handled (or refused) before process_event returns
  using initial_state = New;

  static constexpr const char* kWorkflowName = "member";
  // Both branches are views: `cond ? std::string : ""` would be a temporary std::string, and the
  // view of it would dangle once the statement ends (ASan: stack-use-after-scope in Under2014).
  std::string_view version() const {
    return judgement != nullptr ? std::string_view(judgement->step.version) : std::string_view();
  }

  template <class S, class E, class T, class A, class G>
  using Row = msmf::Row<S, E, T, A, G>;

  // clang-format off
  using transition_table = boost::mpl::vector48<
  //    Start               Event             Next                Action             Guard
  //  +-------------------+-----------------+-------------------+------------------+------------------------------------+
  Row < New               , Apply           , Applicant         , Record           , Rule<check_apply>                  >,
  Row < New               , RegisterProbationary, Probationary  , RecordRegistered , Rule<check_register_probationary>  >,
  //  +-------------------+-----------------+-------------------+------------------+------------------------------------+
  Row < Applicant         , Talk            , Applicant         , Record           , InputsOk                           >,
  Row < Applicant         , MakeActivist    , Activist          , Record           , Rule<check_activist>               >,
  Row < Applicant         , Withdraw        , Withdrawn         , Record           , InputsOk                           >,
  //  +-------------------+-----------------+-------------------+------------------+------------------------------------+
  Row < Activist          , Mentors         , Activist          , Record           , Rule<check_mentors>                >,
  Row < Activist          , Review          , Activist          , Record           , InputsOk                           >,
  Row < Activist          , Propose         , Proposed          , Record           , Under2026<Rule<check_propose>>     >,
  Row < Activist          , Propose         , Candidate         , Record           , Under2014<Rule<check_propose>>     >,
  Row < Activist          , Withdraw        , Withdrawn         , Record           , InputsOk                           >,
  //  +-------------------+-----------------+-------------------+------------------+------------------------------------+
  Row < Proposed          , Consent         , Publicity         , Record           , Rule<check_consent>                >,
  Row < Proposed          , Withdraw        , Withdrawn         , Record           , InputsOk                           >,
  Row < Publicity         , Publicize       , Candidate         , Record           , Rule<check_publicize>              >,
  Row < Publicity         , Withdraw        , Withdrawn         , Record           , InputsOk                           >,
  //  +-------------------+-----------------+-------------------+------------------+------------------------------------+
  Row < Candidate         , Sponsors        , Candidate         , Record           , Rule<check_sponsors>               >,
  Row < Candidate         , PoliticalReview , Candidate         , Record           , InputsOk                           >,
  Row < Candidate         , Training        , Candidate         , Record           , Rule<check_training>               >,
  Row < Candidate         , PreReview       , PreReviewed       , Record           , Rule<check_pre_review>             >,
  Row < Candidate         , Withdraw        , Withdrawn         , Record           , InputsOk                           >,
  Row < PreReviewed       , Admit           , Admitted          , Record           , VotePassed<check_admit>            >,
  Row < PreReviewed       , Admit           , Candidate         , Record           , VoteFailed<check_admit>            >,
  Row < PreReviewed       , Withdraw        , Withdrawn         , Record           , InputsOk                           >,
  Row < Admitted          , Interview       , Admitted          , Record           , InputsOk                           >,
  Row < Admitted          , Approve         , Probationary      , RecordProbation  , Rule<check_approve>                >,
  Row < Admitted          , Reject          , Rejected          , Record           , InputsOk                           >,
  Row < Admitted          , Withdraw        , Withdrawn         , Record           , InputsOk                           >,
  //  +-------------------+-----------------+-------------------+------------------+------------------------------------+
  //  The end of probation: the branch meeting decides (convert, extend, cancel; D34, D35), the
  //  superior approves (approve-full, approve-extension, approve-cancel) or rejects (back to probation).
  Row < Probationary      , Oath            , Probationary      , Record           , Rule<check_oath>                   >,
  Row < Probationary      , ApplyFull       , Probationary      , Record           , InputsOk                           >,
  Row < Probationary      , Convert         , ConversionPending , Record           , VotePassed<check_convert>          >,
  Row < Probationary      , Convert         , ConversionFailed  , Record           , VoteFailed<check_convert>          >,
  Row < Probationary      , Extend          , ExtensionPending  , Record           , Rule<check_extend>                 >,
  Row < Probationary      , Cancel          , CancellationPending, Record          , Rule<check_cancel>                 >,
  Row < Extended          , Oath            , Extended          , Record           , Rule<check_oath>                   >,
  Row < Extended          , ApplyFull       , Extended          , Record           , InputsOk                           >,
  Row < Extended          , Convert         , ConversionPending , Record           , VotePassed<check_convert>          >,
  Row < Extended          , Convert         , ConversionFailed  , Record           , VoteFailed<check_convert>          >,
  Row < Extended          , Cancel          , CancellationPending, Record          , Rule<check_cancel>                 >,
  Row < ConversionFailed  , Extend          , ExtensionPending  , Record           , Rule<check_extend>                 >,
  Row < ConversionFailed  , Cancel          , CancellationPending, Record          , Rule<check_cancel>                 >,
  Row < ConversionPending , ApproveFull     , Full              , RecordFull       , InputsOk                           >,
  Row < ConversionPending , Reject          , Probationary      , Record           , BackToProbation                    >,
  Row < ConversionPending , Reject          , Extended          , Record           , BackToExtension                    >,
  Row < ExtensionPending  , ApproveExtension, Extended          , Record           , InputsOk                           >,
  Row < ExtensionPending  , Reject          , Probationary      , Record           , InputsOk                           >,
  Row < CancellationPending, ApproveCancel  , Cancelled         , RecordCancellation, InputsOk                          >,
  Row < CancellationPending, Reject         , Probationary      , Record           , BackToProbation                    >,
  Row < CancellationPending, Reject         , Extended          , Record           , BackToExtension                    >,
  //  +-------------------+-----------------+-------------------+------------------+------------------------------------+
  Row < Full              , Archive         , Full              , Record           , Rule<check_archive>                >
  //  +-------------------+-----------------+-------------------+------------------+------------------------------------+
  >;
  // clang-format on
};

using MemberFsm = boost::msm::back::state_machine<MemberMachine>;

}  // namespace djflow::workflows::member::fsm
