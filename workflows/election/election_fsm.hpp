// The branch-election state machine (换届选举) in Boost.MSM: events, states and the transition
// table. Include this header from exactly one translation unit (election_workflow.cpp): MSM is
// expensive to compile. One machine judges one step: it holds a pointer to the Judgement (the
// step with its facts) that guards read and where guards put their refusal; guards are the pure
// rule functions of election_rules.hpp, actions only write into Judgement::result. One machine,
// one thread.
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
#include "workflows/election/election_rules.hpp"

namespace djflow::workflows::election::fsm {

namespace msmf = boost::msm::front;

struct Judgement {
  Step step;
  std::optional<engine::Error> error;
  bool no_transition = false;
  bool inputs_checked = false;
  engine::StepResult result;
};

// ---- Events (ids are the CLI contract; labels and aliases in election_catalog.cpp) ----
struct Start              { static constexpr std::string_view kId = "start"; };
struct Request            { static constexpr std::string_view kId = "request"; };
struct Reply              { static constexpr std::string_view kId = "reply"; };
struct Nominate           { static constexpr std::string_view kId = "nominate"; };
struct Candidates         { static constexpr std::string_view kId = "candidates"; };
struct CandidatesApproved { static constexpr std::string_view kId = "candidates-approved"; };
struct Meeting            { static constexpr std::string_view kId = "meeting"; };
struct InvalidMeeting     { static constexpr std::string_view kId = "invalid-meeting"; };
struct Supplementary      { static constexpr std::string_view kId = "supplementary"; };
struct AcceptShortfall    { static constexpr std::string_view kId = "accept-shortfall"; };
struct Officers           { static constexpr std::string_view kId = "officers"; };
struct Report             { static constexpr std::string_view kId = "report"; };
struct Approve            { static constexpr std::string_view kId = "approve"; };
struct Postpone           { static constexpr std::string_view kId = "postpone"; };
struct Advance            { static constexpr std::string_view kId = "advance"; };
struct Cancel             { static constexpr std::string_view kId = "cancel"; };

using AllEvents = boost::mpl::vector16<Start, Request, Reply, Nominate, Candidates, CandidatesApproved,
                                       Meeting, InvalidMeeting, Supplementary, AcceptShortfall, Officers,
                                       Report, Approve, Postpone, Advance, Cancel>;

// ---- States: each carries its stable name; entering one records it as the step's to_state ----
template <class Derived>
struct Stable : msmf::state<> {
  template <class Event, class Fsm>
  void on_entry(const Event&, Fsm& fsm) {
    fsm.entered(Derived::kName);
  }
};

struct New : msmf::state<> { static constexpr std::string_view kName = ""; };
struct Preparing           : Stable<Preparing>           { static constexpr std::string_view kName = "preparing"; };
struct Requested           : Stable<Requested>           { static constexpr std::string_view kName = "requested"; };
struct Authorized          : Stable<Authorized>          { static constexpr std::string_view kName = "authorized"; };
struct Nominating          : Stable<Nominating>          { static constexpr std::string_view kName = "nominating"; };
struct CandidatesSubmitted : Stable<CandidatesSubmitted> { static constexpr std::string_view kName = "candidates-submitted"; };
struct CandidatesOk        : Stable<CandidatesOk>        { static constexpr std::string_view kName = "candidates-approved"; };
struct MeetingInvalid      : Stable<MeetingInvalid>      { static constexpr std::string_view kName = "meeting-invalid"; };
struct Shortfall           : Stable<Shortfall>           { static constexpr std::string_view kName = "shortfall"; };
struct Elected             : Stable<Elected>             { static constexpr std::string_view kName = "elected"; };
struct OfficersElected     : Stable<OfficersElected>     { static constexpr std::string_view kName = "officers-elected"; };
struct Reported            : Stable<Reported>            { static constexpr std::string_view kName = "reported"; };
struct Approved            : Stable<Approved>            { static constexpr std::string_view kName = "approved"; };
struct Cancelled           : Stable<Cancelled>           { static constexpr std::string_view kName = "cancelled"; };

using AllStates = boost::mpl::vector14<New, Preparing, Requested, Authorized, Nominating, CandidatesSubmitted,
                                       CandidatesOk, MeetingInvalid, Shortfall, Elected, OfficersElected,
                                       Reported, Approved, Cancelled>;

// ---- Guards ----
using RuleFn = Verdict (*)(const Step&);

template <RuleFn Fn = nullptr>
struct Rule {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    return fsm.judge(Fn);
  }
};
using InputsOk = Rule<>;

// A valid vote, selecting the row by its outcome: every seat filled, or a shortfall (E15).
template <bool Short>
struct VoteOutcome {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    return fsm.judge(check_vote) && leaves_shortfall(fsm.judgement->step) == Short;
  }
};
using AllSeatsFilled = VoteOutcome<false>;
using SeatsLeft = VoteOutcome<true>;

// ---- Actions ----
struct Record {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    fsm.judgement->result.inputs = fsm.judgement->step.inputs;
    fsm.judgement->result.flags = step_flags(fsm.judgement->step);
  }
};

// postpone / advance: the old term's end moves too (E9), on the term case.
struct RecordShift {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event& e, Fsm& fsm, Source& s, Target& t) const {
    Record{}(e, fsm, s, t);
    auto& j = *fsm.judgement;
    engine::FollowUp f;
    f.case_id = j.step.facts.term_case;
    f.step.event = std::string(Event::kId);
    f.step.date = j.step.in.date;
    f.step.with = {{"to", j.step.inputs.at("to")}};
    f.step.ref = j.step.in.ref;
    f.step.note = j.step.in.note;
    j.result.follow_ups.push_back(std::move(f));
  }
};

// approve: the old term is renewed and the new term begins on the day of the election meeting.
struct RecordApproval {
  template <class Event, class Fsm, class Source, class Target>
  void operator()(const Event& e, Fsm& fsm, Source& s, Target& t) const {
    Record{}(e, fsm, s, t);
    auto& j = *fsm.judgement;
    const auto& facts = j.step.facts;
    const std::string self = std::to_string(j.step.ctx.c.id);
    const engine::Date start = facts.voted_on.value_or(j.step.in.date);
    // `held`: the election is on time when its meeting is held by the term end (E9), whatever
    // the date of the superior's approval; the term workflow judges lateness from it.
    engine::FollowUp renew;
    renew.case_id = facts.term_case;
    renew.step.event = "renew";
    renew.step.date = j.step.in.date;
    renew.step.with = {{"election", self}, {"held", start.iso()}};
    renew.step.ref = j.step.in.ref;
    j.result.follow_ups.push_back(std::move(renew));

    engine::FollowUp next;
    next.workflow = "term";
    next.branch = j.step.ctx.c.branch;
    std::string org_name = next.branch;  // titles read "第一党支部 2026-06-08—2029-06-08"
    if (auto b = j.step.ctx.directory.branch(next.branch); b.ok() && b.value()) org_name = b.value()->name;
    next.title = org_name + " " + start.iso() + "—" + term_end(start, facts.years).iso();
    next.step.event = "begin";
    next.step.date = j.step.in.date;
    next.step.with = {{"start", start.iso()},
                      {"years", std::to_string(facts.years)},
                      {"committee", facts.committee ? "yes" : "no"},
                      {"election", self}};
    if (!facts.locality.empty()) next.step.with["locality"] = facts.locality;
    next.step.ref = j.step.in.ref;
    j.result.follow_ups.push_back(std::move(next));
  }
};

// ---- The machine ----
struct ElectionMachine : msm_support::JudgingMachineDef<ElectionMachine, Judgement> {
  using no_message_queue = int;
  using initial_state = New;

  static constexpr const char* kWorkflowName = "election";

  template <class S, class E, class T, class A, class G>
  using Row = msmf::Row<S, E, T, A, G>;

  // clang-format off
  using transition_table = boost::mpl::vector40<
  //    Start                Event               Next                 Action          Guard
  Row < New                , Start             , Preparing          , Record        , Rule<check_start>            >,
  Row < Preparing          , Request           , Requested          , Record        , InputsOk                     >,
  Row < Requested          , Reply             , Authorized         , Record        , InputsOk                     >,
  Row < Authorized         , Nominate          , Nominating         , Record        , InputsOk                     >,
  Row < Nominating         , Candidates        , CandidatesSubmitted, Record        , Rule<check_candidates>       >,
  Row < CandidatesSubmitted, CandidatesApproved, CandidatesOk       , Record        , InputsOk                     >,
  Row < CandidatesOk       , Meeting           , Elected            , Record        , AllSeatsFilled               >,
  Row < CandidatesOk       , Meeting           , Shortfall          , Record        , SeatsLeft                    >,
  Row < CandidatesOk       , InvalidMeeting    , MeetingInvalid     , Record        , Rule<check_invalid_meeting>  >,
  Row < MeetingInvalid     , Meeting           , Elected            , Record        , AllSeatsFilled               >,
  Row < MeetingInvalid     , Meeting           , Shortfall          , Record        , SeatsLeft                    >,
  Row < MeetingInvalid     , InvalidMeeting    , MeetingInvalid     , Record        , Rule<check_invalid_meeting>  >,
  Row < Shortfall          , Supplementary     , Elected            , Record        , AllSeatsFilled               >,
  Row < Shortfall          , Supplementary     , Shortfall          , Record        , SeatsLeft                    >,
  Row < Shortfall          , AcceptShortfall   , Elected            , Record        , Rule<check_accept_shortfall> >,
  Row < Elected            , Officers          , OfficersElected    , Record        , Rule<check_officers>         >,
  Row < OfficersElected    , Report            , Reported           , Record        , InputsOk                     >,
  Row < Reported           , Approve           , Approved           , RecordApproval, Rule<check_approve>          >,
  // Approved postponement or advance of the election (E9), before the election meeting.
  Row < Preparing          , Postpone          , Preparing          , RecordShift   , Rule<check_shift>            >,
  Row < Requested          , Postpone          , Requested          , RecordShift   , Rule<check_shift>            >,
  Row < Authorized         , Postpone          , Authorized         , RecordShift   , Rule<check_shift>            >,
  Row < Nominating         , Postpone          , Nominating         , RecordShift   , Rule<check_shift>            >,
  Row < CandidatesSubmitted, Postpone          , CandidatesSubmitted, RecordShift   , Rule<check_shift>            >,
  Row < CandidatesOk       , Postpone          , CandidatesOk       , RecordShift   , Rule<check_shift>            >,
  Row < MeetingInvalid     , Postpone          , MeetingInvalid     , RecordShift   , Rule<check_shift>            >,
  Row < Preparing          , Advance           , Preparing          , RecordShift   , Rule<check_shift>            >,
  Row < Requested          , Advance           , Requested          , RecordShift   , Rule<check_shift>            >,
  Row < Authorized         , Advance           , Authorized         , RecordShift   , Rule<check_shift>            >,
  Row < Nominating         , Advance           , Nominating         , RecordShift   , Rule<check_shift>            >,
  Row < CandidatesSubmitted, Advance           , CandidatesSubmitted, RecordShift   , Rule<check_shift>            >,
  Row < CandidatesOk       , Advance           , CandidatesOk       , RecordShift   , Rule<check_shift>            >,
  Row < MeetingInvalid     , Advance           , MeetingInvalid     , RecordShift   , Rule<check_shift>            >,
  // Abandoning the case (the organisation is dissolved or merged, or it was opened by mistake).
  Row < Preparing          , Cancel            , Cancelled          , Record        , InputsOk                     >,
  Row < Requested          , Cancel            , Cancelled          , Record        , InputsOk                     >,
  Row < Authorized         , Cancel            , Cancelled          , Record        , InputsOk                     >,
  Row < Nominating         , Cancel            , Cancelled          , Record        , InputsOk                     >,
  Row < CandidatesSubmitted, Cancel            , Cancelled          , Record        , InputsOk                     >,
  Row < CandidatesOk       , Cancel            , Cancelled          , Record        , InputsOk                     >,
  Row < MeetingInvalid     , Cancel            , Cancelled          , Record        , InputsOk                     >,
  Row < Shortfall          , Cancel            , Cancelled          , Record        , InputsOk                     >
  >;
  // clang-format on
};

using ElectionFsm = boost::msm::back::state_machine<ElectionMachine>;

}  // namespace djflow::workflows::election::fsm
