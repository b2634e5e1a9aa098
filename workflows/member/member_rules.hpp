// The rules of member development (rules.md §1, D1-D44) as pure functions: which rule version
// judges a date, the facts a case's history establishes, input normalisation and one guard per
// step. Guards return nullopt when the step may proceed, else the refusal (Refused, naming the
// person, the rule, its article and, where time decides, the first date it becomes possible) or
// an InvalidInput error. Nothing here knows Boost.MSM; the machine (member_fsm.hpp) calls these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"
#include "engine/model.hpp"
#include "engine/workflow.hpp"

namespace djflow::workflows::member {

inline constexpr std::string_view kRules2014 = "2014";
inline constexpr std::string_view kRules2026 = "2026";

// The day the 2026 细则 came into force (issued 2026-05-11, in force on issue, 第四十四条).
engine::Date rules_2026_start();
// "2026" for dates on or after rules_2026_start(), else "2014".
std::string rule_version_on(engine::Date d);

// The article of `rule` (e.g. "D12") in the text of `version`: "细则第十三条" when the 2026 text
// (or both texts, under the same number) applies; "2014年细则第二十条" when a 2014 step cites a
// 2014 article whose number differs; the 2026 article when the rule has no 2014 counterpart.
std::string article(std::string_view rule, std::string_view version);

// What a case's history establishes (the latest record wins where a step may be repeated).
struct Facts {
  std::optional<engine::Date> applied;
  std::optional<engine::Date> talked;          // first talk
  std::optional<engine::Date> activist;
  std::optional<engine::Date> last_review;
  std::vector<engine::PersonId> mentors;       // latest assignment
  std::optional<engine::Date> proposed;
  std::string proposed_version;
  std::optional<engine::Date> consented;
  std::optional<engine::Date> publicized;
  std::vector<engine::PersonId> sponsors;      // latest choice
  std::optional<std::string> political_review; // latest result: "pass" | "fail"
  std::optional<engine::Date> trained;
  std::optional<engine::Date> pre_reviewed;
  std::string pre_review_version;
  std::optional<engine::Date> admitted;
  std::optional<engine::Date> interviewed;
  std::optional<engine::Date> approved;
  std::string approve_version;
  std::optional<engine::Date> oath;
  std::optional<engine::Date> applied_full;
  std::optional<engine::Date> extended;        // the extension took effect (its approval; D34)
  int extension_months = 0;                    // of the extension in effect
  int pending_extension_months = 0;            // decided by the meeting, awaiting approval
  std::optional<engine::Date> converted;       // the meeting passed full membership
  std::optional<engine::Date> approved_full;
  std::optional<engine::Date> archived;
};

Facts derive_facts(const std::vector<engine::EventRecord>& history);

// End of probation: admit date + 1 year (D33), moved by the extension (D34). nullopt before admit.
std::optional<engine::Date> probation_end(const Facts& f);

// Parses "ID[,ID...]" (blanks allowed around ids). nullopt when an element is not a positive id.
std::optional<std::vector<engine::PersonId>> parse_ids(std::string_view text);

// One step under judgement.
struct Step {
  const engine::CaseContext& ctx;
  const engine::StepInput& in;
  std::string event;    // canonical id
  std::string version;  // rule version in force on in.date
  Facts facts;
  engine::Inputs inputs;  // normalised inputs (set by normalize_inputs)
  // Meeting steps: full members registered in the case's branch on the step date (D21, D29).
  std::optional<int> registered_full;
};

// The branch general meetings that vote (D21, D22; D34, D35): admit, convert, extend, cancel.
bool is_meeting(std::string_view event);
// Full members of `branch` on `d`, from the history: a person whose member-development case had
// reached full membership by a step dated on or before `d` (the superior's approval of the
// conversion, whatever date 党龄 counts from), or, without such a case, registered as a full
// member with `joined` on or before `d`. A conversion approved after `d` does not count, even if
// 党龄 starts before it: on `d` the person was still a probationary member.
engine::Result<int> registered_full_members(const engine::Directory& dir, const std::string& branch,
                                            engine::Date d, std::optional<engine::PersonId> subject);
// The meeting's vote passed: yes votes > half of the eligible voters (D22). REQUIRES: a meeting
// step whose inputs were normalised.
bool vote_passed(const Step& s);
// Flags an accepted step carries besides the engine's late:<kind>: calendar-unknown (D13, a
// working-day count touches a year without holiday data), small-branch (D29), eligible-differs
// (eligible voters differ from the registered full members), vote-failed (D22).
std::vector<std::string> step_flags(const Step& s);

Step make_step(const engine::CaseContext& ctx, const engine::StepInput& in, std::string event);

using Verdict = std::optional<engine::Error>;

// Checks the `--with` keys and value formats of step.event and stores the normalised inputs in
// step.inputs. InvalidInput on unknown keys, missing or malformed values, or a missing --note
// where one is required.
Verdict normalize_inputs(Step& step);

// Guards, one per step that has hard rules. REQUIRES: normalize_inputs(step) succeeded.
Verdict check_apply(const Step& s);             // D1 (age; not a member; no open or finished case)
// register-probationary: the subject is registered as a probationary member admitted on the
// step's date (its `joined`), with no other development case open or finished.
Verdict check_register_probationary(const Step& s);  // D33
Verdict check_activist(const Step& s);          // D5
Verdict check_mentors(const Step& s);           // D7
Verdict check_propose(const Step& s);           // D12
Verdict check_consent(const Step& s);           // D13 (2026 only)
Verdict check_publicize(const Step& s);         // D13
Verdict check_sponsors(const Step& s);          // D14
Verdict check_pre_review(const Step& s);        // D14, D16, D17, D19
Verdict check_admit(const Step& s);             // D20 (late: --note), D21, D29 (vote: vote_passed)
Verdict check_approve(const Step& s);           // D25, D27 (after 3 months: --note)
Verdict check_oath(const Step& s);              // D32 (once)
Verdict check_convert(const Step& s);           // D33-D35, D21, D29 (vote: vote_passed)
Verdict check_extend(const Step& s);            // D34, D21, D22, D29
Verdict check_cancel(const Step& s);            // D34, D21, D22, D29
Verdict check_archive(const Step& s);           // D41 (once)
Verdict check_training(const Step& s);          // D17

// Messages naming the step: "<event>: <body> (<article>, <rule>)[; possible from <date>]".
engine::Error refusal(const Step& s, std::string_view rule, const std::string& zh,
                      const std::string& en, std::optional<engine::Date> possible_from = std::nullopt);
engine::Error invalid(const Step& s, const std::string& zh, const std::string& en);

}  // namespace djflow::workflows::member
