// Organisational life (组织生活, rules.md §3, §6.3-§6.4): the kinds of recurring duty, their
// periods, and the facts a `life` case's history holds (meetings, talks, dues, grades). Pure
// functions over history, shared by the life workflow (deadlines), the CLI (status, arrears, R20
// flags) and the year's figures (engine/life_figures.hpp). No storage here.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/date.hpp"
#include "engine/model.hpp"
#include "engine/text.hpp"
#include "engine/workflow.hpp"

namespace djflow::engine::life {

inline constexpr const char* kWorkflow = "life";

enum class Period { None, Month, Quarter, Half, Year };
std::string_view to_string(Period p);
std::optional<Period> period_from(std::string_view s);
Text period_label(Period p);

// One kind of recurring duty (R1-R8). `id` is stable (CLI contract, deadline kind).
struct Kind {
  const char* id;          // "general-meeting"
  const char* zh;          // 支部党员大会
  const char* en;          // branch general meeting
  Period period;           // default frequency (rules.md §3.1)
  const char* article_zh;  // 《中国共产党支部工作条例（试行）》第十一条
  const char* article_en;
  const char* rule;        // R1
  bool meeting;            // recorded with `meeting add` (talks and appraisals are not)
};
const std::vector<Kind>& kinds();
const Kind* find_kind(std::string_view id);
// The kind's id for an id, its Chinese name or a common English/Chinese alias; nullopt if unknown.
std::optional<std::string> resolve_kind(std::string_view name);
// Whether one meeting may count for both kinds (docs/workflows/life.md, "combined meetings").
bool combinable(std::string_view a, std::string_view b);

struct Span {
  Date from;
  Date to;  // inclusive
  bool contains(Date d) const { return from <= d && d <= to; }
};
Span period_span(Period p, Date d);
// "2026-03", "2026-Q1", "2026-H1", "2026".
std::string period_name(Period p, Date d);

// Settings (rules.md [L]: defaults, `djflow config set`), and per organisation (the case's
// `start`/`configure` events) on top of them.
inline constexpr const char* kSettingThemeDay = "life.theme_day";      // default 15
inline constexpr const char* kSettingRemindDays = "life.remind_days";  // default 10
std::string period_setting(std::string_view kind);                     // "life.period.<kind>"

// What a `life` case's history says. Person ids are the directory's.
struct Meeting {
  std::int64_t seq = 0;
  Date date;
  std::vector<std::string> kinds;
  std::string topic;
  std::vector<PersonId> present;
  std::map<PersonId, std::string> absent;  // reason ("" none given)
  int should_attend = 0;                   // members of the organisation when it was recorded
  std::string speaker;                     // 党课: who gave it (a name)
  bool by_secretary = false;
  std::string minutes;                     // record reference
};
struct Talk {
  Date date;
  PersonId with = 0;
  PersonId by = 0;
  std::string topic;
  bool covers_all = false;  // after it, every member had a talk that year (computed when recorded)
};
struct DuesPayment {
  PersonId person = 0;
  std::string month;   // "YYYY-MM" paid for
  std::string amount;  // yuan, "90.00"
  Date paid_on;
};
// The base of a member's dues from a month on (`dues-base`, R15-R18).
struct DuesBase {
  PersonId person = 0;
  std::string from;      // "YYYY-MM": applies from this month (R18: the month the new pay is received)
  std::string category;  // engine/dues.hpp Category id
  std::string base;      // yuan ("" for the fixed amounts of R17)
  std::string amount;    // R17: the fixed monthly amount in force when recorded ("" otherwise)
  Date recorded;
};
// An approved reduction or exemption (`dues-relief`, R18): `amount` a month ("0" exempt).
struct DuesRelief {
  PersonId person = 0;
  std::string from, to;  // "YYYY-MM"; to "" = open-ended
  std::string amount;
  std::string study;     // the branch's study (minutes)
  std::string ref;       // the superior committee's approval
};
struct Grade {
  PersonId person = 0;
  std::string grade;  // excellent | qualified | basic | unqualified
  Date date;
  std::optional<Date> correct_by;  // unqualified: the deadline to correct (stored when recorded)
};
// A step of the 不合格 follow-up (`correction`, 《中国共产党章程》第九条): corrected | persuade |
// remove (general-meeting decisions) | approved | rejected (the superior's answer).
struct Correction {
  PersonId person = 0;
  std::string outcome;
  Date date;
  std::string ref;
};
struct OrgConfig {
  std::map<std::string, Period> periods;  // kind -> period, per organisation (overrides settings)
  std::optional<int> theme_day;
  std::optional<PersonId> secretary;
  std::vector<PersonId> committee;
};
struct Facts {
  Date started;
  Date as_of;  // the latest date in the history (the periods before it have closed)
  OrgConfig config;
  std::vector<Meeting> meetings;
  std::vector<Talk> talks;
  std::vector<DuesPayment> dues;
  std::vector<DuesBase> bases;
  std::vector<DuesRelief> reliefs;
  std::vector<Grade> grades;
  std::vector<Correction> corrections;
};
Facts facts(const std::vector<EventRecord>& history);

// The period of `kind` for an organisation: its own setting, else the global one, else the default.
Period period_for(const Facts& f, const Config& config, std::string_view kind);
int theme_day(const Facts& f, const Config& config);

// The follow-up of a member graded 不合格 (docs/workflows/life.md; a configurable default, not a
// rule of rules.md): correct by a deadline (life.unqualified.correct_months, default 6, from the
// grade), then, if not corrected, persuasion to leave and, if refused, removal, each decided by the
// general meeting and approved by the superior (《中国共产党章程》第九条).
inline constexpr const char* kSettingCorrectMonths = "life.unqualified.correct_months";
struct Unqualified {
  PersonId person = 0;
  Date graded;
  Date correct_by;
  // correcting | corrected | persuade-decided | persuaded | remove-decided | removed | kept
  // (kept: the superior did not approve the persuasion)
  std::string state;
};
// Members whose latest grade is unqualified, with where their follow-up stands.
std::vector<Unqualified> unqualified(const Facts& f);
std::string deadline_kind_correction(PersonId p);  // "correction-<id>"

// Grades (民主评议党员, R8).
std::optional<std::string> resolve_grade(std::string_view name);
Text grade_label(std::string_view id);

// Per-member encodings of inputs (inputs are a flat map; keys stay canonical).
std::string join_ids(const std::vector<PersonId>& ids);
std::vector<PersonId> split_ids(std::string_view s);

// --- expected vs held ---------------------------------------------------------------------
struct KindCount {
  std::string kind;
  Period period = Period::None;
  int expected = 0;  // periods of the kind that closed within [from, to] (and after the start)
  int held = 0;      // those of them with at least one meeting of the kind
  std::vector<std::string> missed;  // names of the periods without one
};
// Whether the history holds what fulfils `kind` within `span` (a meeting of the kind; for
// "talk" a talk that completed the year's coverage; for "secretary-lecture" a lecture the
// secretary gave; for "appraisal" also recorded grades).
bool held(const Facts& f, std::string_view kind, Span span);

// Per kind: the periods ending in [from, to] and on or after the ledger's start that have closed
// before `as_of` (expected; held when the kind was held in them), plus a period still running on
// `as_of` in which the kind was already held (counted as expected and held).
std::vector<KindCount> expected_held(const Facts& f, const Config& config, Date from, Date to, Date as_of);

// --- R20 (《中国共产党章程》第九条) -----------------------------------------------------------
struct LapseFlag {
  PersonId person = 0;
  bool attendance = false;        // 6 consecutive months without organisational life, no reason
  std::optional<Date> last_seen;  // last attendance or recorded reason
  bool dues = false;              // 6 months (or more) unpaid
  int unpaid_months = 0;
};
// Members (of the organisation, as listed) flagged as of `as_of`, from the history up to it.
// `since` per member: from when they are counted (joined the organisation / the case start).
std::vector<LapseFlag> lapse_flags(const Facts& f, const std::vector<Person>& members, Date as_of);
// Months (YYYY-MM) before `as_of`'s month, from `from`'s month on, that `person` has not paid.
std::vector<std::string> unpaid_months(const Facts& f, PersonId person, Date from, Date as_of);

}  // namespace djflow::engine::life
