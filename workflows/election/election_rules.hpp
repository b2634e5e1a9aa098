// The rules of organisation terms and branch elections (rules.md §2, E1-E21) as pure functions:
// term lengths (E7), postponement and advance (E9), size thresholds (E1-E4), quorum (E11, E12),
// the candidate margin (E13), the count of an election (E14, E15, E17), and the facts a case's
// history establishes. Guards return nullopt when a step may proceed, else the refusal (Refused,
// naming the rule, its source and, where time decides, when the step becomes possible) or an
// InvalidInput error. Nothing here knows Boost.MSM; the machine (election_fsm.hpp) calls these.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/error.hpp"
#include "engine/model.hpp"
#include "engine/workflow.hpp"

namespace djflow::workflows::election {

// Rule versions stored on events. The 2020 election regulations count the majority against the
// voters who should attend (E14); the 1990 provisional regulations against those present.
inline constexpr std::string_view kRules2020 = "2020";
inline constexpr std::string_view kRules1990 = "1990";
inline constexpr std::string_view kRulesTerm = "2018";  // 《关于党的基层组织任期的意见》

// Settings (djflow config set KEY VALUE); rules.md [L]/[M] items and the 1990 switch.
inline constexpr const char* kSettingMajority = "election.majority";            // should-attend | present
inline constexpr const char* kSettingLeadMonths = "election.lead_months";       // "4,2,1"
inline constexpr const char* kSettingOverdueDays = "election.overdue_every_days"; // 30
inline constexpr const char* kSettingRequestLead = "election.request_lead_months"; // 1 (E21)
inline constexpr const char* kSettingReplyDays = "election.reply_days";         // 0: no deadline (E21)
// E9: an election meeting more than this many days before the term end is an early election and
// needs an approved `advance` first ([L]: how early "on time" may start is not in the statutes).
inline constexpr const char* kSettingEarlyGraceDays = "election.early_grace_days";  // 30

using Verdict = std::optional<engine::Error>;

// The source of a rule ("《选举工作条例》第十三条"), as rules.md cites it.
std::string article(std::string_view rule);

// ---- terms (E7, E9) ----
// Default term length in years: committee 5, general branch and branch 3; village and community
// organisations 5 (E7).
int default_term_years(std::string_view kind, std::string_view locality);
inline bool valid_term_years(int years) { return years >= 3 && years <= 5; }  // 党章第三十一条
// The term's end: start + years (month arithmetic, clamped to the month's end).
inline engine::Date term_end(engine::Date start, int years) { return start.add_years(years); }
// E9: `to` must lie after (postpone) or before (advance) the original end, by at most a year.
// Returns the reason in both languages when it does not.
std::optional<engine::Text> shift_problem(std::string_view event, engine::Date original_end,
                                          engine::Date to);
// Reminder offsets in days before `due` for lead times in months (E21, configurable), plus 0.
std::vector<int> lead_offsets(engine::Date due, const std::vector<int>& months);
std::vector<int> lead_months(const engine::Config& config);

// ---- size thresholds (E1-E4) ----
struct Alert {
  std::string code;   // "below-3", "committee-needed", "committee-below-7", "above-50", "100-or-more"
  std::string rule;   // "E1" ...
  engine::Text text;
};
// Alerts for an organisation of `kind` with `full` full members; has_committee: nullopt when no
// term is recorded.
std::vector<Alert> size_alerts(std::string_view kind, int full, std::optional<bool> has_committee);

// ---- counting (E11-E17) ----
inline bool quorum_met(int should, int excluded, int present) {
  return static_cast<long long>(present) * 5 >= static_cast<long long>(should - excluded) * 4;
}
// Fewest present voters that make the meeting valid: ceil(4/5 × (should − excluded)).
inline int quorum_needed(int should, int excluded) { return (4 * (should - excluded) + 4) / 5; }
// Fewest candidates for `seats` committee seats: ceil(seats × 1.2) (E13).
inline int min_nominees(int seats) { return seats + (seats + 4) / 5; }

struct Vote {
  std::string name;
  int yes = 0;
};
struct Tally {
  std::vector<std::string> elected;  // by votes, then by order of the vote list
  std::vector<std::string> tied;     // tied at the cut-off: revote among them (E14)
  int missing = 0;                   // seats left unfilled (E15)
  int majority = 0;                  // fewest yes votes that elect: base / 2 + 1 (E14)
};
// Elects up to `seats` of `votes` whose yes votes exceed half of `base` (E14).
Tally tally(const std::vector<Vote>& votes, int seats, int base);

// ---- parsing ----
std::optional<int> parse_count(std::string_view text);
// "张三,李四" (also "，" and "、"); nullopt on an empty element.
std::optional<std::vector<std::string>> parse_names(std::string_view text);
// "张三:30,李四:28" (also "：", "，", "、").
std::optional<std::vector<Vote>> parse_votes(std::string_view text);
std::string join_names(const std::vector<std::string>& names);

// ---- facts ----
struct TermFacts {
  engine::Date start;
  int years = 0;
  engine::Date original_end;
  std::optional<engine::Date> shifted_to;  // latest approved postponement or advance (E9)
  bool committee = false;
  std::string locality;
  std::optional<engine::CaseId> election;  // the election that began this term
  engine::Date end() const { return shifted_to.value_or(original_end); }
};
TermFacts derive_term_facts(const std::vector<engine::EventRecord>& history);

struct Facts {
  engine::CaseId term_case = 0;
  engine::Date term_start;
  engine::Date term_end;                   // the old term's original end (E9 counts from it)
  engine::Date due;                        // the end in force when the election started
  std::optional<engine::Date> shifted_to;  // postponed or advanced since (E9)
  int years = 0;                           // length of the next term
  bool committee = false;                  // the new organisation has a committee (E3)
  std::string locality;
  int seats = 0;
  std::vector<std::string> nominees;
  std::vector<Vote> nominee_ids;           // registered nominees: name and person id (E10)
  std::vector<std::string> elected;        // all votes so far
  std::vector<std::string> tied;
  int missing = 0;                         // seats still to fill (E15)
  std::optional<engine::Date> voted_on;    // the first valid election meeting: the new term's start
  std::optional<engine::Date> requested;
  std::string secretary, deputy;
  engine::Date effective_end() const { return shifted_to.value_or(due); }
  // The end an election meeting is measured against (E9): the advanced date when an advance is
  // approved, else the original end (a postponement does not make a meeting at the original end
  // early).
  engine::Date on_time_from_end() const { return std::min(term_end, effective_end()); }
};
Facts derive_facts(const std::vector<engine::EventRecord>& history);

// ---- steps ----
struct Step {
  const engine::CaseContext& ctx;
  const engine::StepInput& in;
  std::string event;
  std::string version;  // kRules2020 or kRules1990 (the E14 majority base)
  Facts facts;
  engine::Inputs inputs;  // normalised (and, for votes, the computed result)
};

Step make_step(const engine::CaseContext& ctx, const engine::StepInput& in, std::string event);

// Checks the --with keys of the step and normalises them into step.inputs; for meeting and
// supplementary also counts the vote (elected, tied, missing, majority).
Verdict normalize_inputs(Step& s);

// Whether a person is a full member (正式党员) on `day`: registered as full, with the full
// membership (`joined`, D37) not after that day. Member statuses are current: a person no longer
// full is not full on any day.
bool full_member_on(const engine::Person& p, engine::Date day);

Verdict check_start(const Step& s);             // E3, E7
Verdict check_candidates(const Step& s);        // E3, E13
Verdict check_vote(const Step& s);              // E11, E12, E17
Verdict check_invalid_meeting(const Step& s);   // E11, E17 (the meeting really was invalid)
Verdict check_accept_shortfall(const Step& s);  // E15, E3
Verdict check_officers(const Step& s);          // E18
Verdict check_shift(const Step& s);             // E9
Verdict check_approve(const Step& s);           // E19: the approval is a document (--ref)
// E9: the election meeting is not more than election.early_grace_days before the term end in
// force (an approved advance moves it); called by check_vote for `meeting`.
Verdict check_not_early(const Step& s);
// E10: the registered nominees (given by person id, or by a name that matches exactly one person
// of the organisation) are full members on `day`; called at `candidates` (its date) and by
// check_vote (the meeting's date). Unregistered names are flagged, not refused.
Verdict check_nominees_full(const Step& s, engine::Date day);
// Flags an accepted step carries: "seats-above-5" when a committee of 6 or 7 is elected (E3:
// normally 3-5, at most 7).
std::vector<std::string> step_flags(const Step& s);
// After check_vote: whether the vote left seats unfilled (E15).
bool leaves_shortfall(const Step& s);

engine::Error refusal(const Step& s, std::string_view rule, const std::string& zh, const std::string& en,
                      std::optional<engine::Date> possible_from = std::nullopt);
engine::Error invalid(const Step& s, const std::string& zh, const std::string& en);

}  // namespace djflow::workflows::election
