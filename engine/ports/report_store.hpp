// What the year's figures read (issue 10 §2, workflows/report/): lean rows of every case (or of a
// subtree's), its events up to a date and the deadlines, streamed in one pass, so that the report
// of 100,000 cases and 1,000,000 events reads no hash, input or note it does not need. Read-only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"
#include "engine/model.hpp"

namespace djflow::engine {

// One case, without its history.
struct ReportCase {
  CaseId id = 0;
  std::string workflow;
  std::string branch;
  std::string title;  // read only when asked for (the names behind the figures)
  std::optional<PersonId> person;
  // for_each_report_case_in only: the case's events that precede (in seq order) its first event
  // dated in the period, in one row instead of one each (none: has_before false). The views are
  // valid during the callback only.
  bool has_before = false;
  std::string_view before_date;   // the last of them: its date and the state it reached
  std::string_view before_state;
  bool before_marker = false;     // one of them reached one of the caller's marker states
};

// One event; the views are valid during the callback only.
struct ReportEvent {
  CaseId case_id = 0;
  std::string_view event;
  std::string_view date;      // 'YYYY-MM-DD' (sorts as it reads)
  std::string_view to_state;
  std::string_view flags;     // compact JSON array, "[]" when none
};

// One deadline row (open or closed).
struct ReportDeadline {
  CaseId case_id = 0;
  std::string kind;
  Date due;
  Date opened_on;
  std::optional<Date> closed_on;
};

// One person, with what the membership figures need.
struct ReportPerson {
  PersonId id = 0;
  std::string branch;
  std::string name;  // read only when asked for
  MemberStatus status = MemberStatus::None;
  std::optional<Date> joined;  // may be left out (nullopt) for a person whose status is none
};

// Which cases and persons a report reads: every one (`all`), or those of the organisations
// `branches` (a subtree), read through the organisation indexes instead of scanning everything.
struct ReportScope {
  bool all = true;
  std::vector<std::string> branches;  // when !all
};

class ReportStore {
 public:
  virtual ~ReportStore() = default;

  // Every case of `scope`, by id, each followed by its events with an effective date on or before
  // `until`, in seq order: on_case(case), then on_event(event) for each of them (none: no call).
  // Streamed, nothing held; the titles only `with_titles` (else ""). The case and the event are
  // valid during their callback only.
  virtual Status for_each_report_case(Date until, const ReportScope& scope, bool with_titles,
                                      const std::function<void(const ReportCase&)>& on_case,
                                      const std::function<void(const ReportEvent&)>& on_event) = 0;
  // The same read, shortened for a period [from, until]: each case's events before its first
  // event dated in the period come as one summary on the case (ReportCase::has_before, the last
  // state reached and whether one of `markers` was reached), then the events from that one on
  // (dated on or before `until`), each as above. The summary may be left out (then every event
  // follows, as for_each_report_case gives them): what a store does not shorten, it streams.
  virtual Status for_each_report_case_in(Date from, Date until, const std::vector<std::string>& markers,
                                         const ReportScope& scope, bool with_titles,
                                         const std::function<void(const ReportCase&)>& on_case,
                                         const std::function<void(const ReportEvent&)>& on_event) {
    (void)from;
    (void)markers;
    return for_each_report_case(until, scope, with_titles, on_case, on_event);
  }
  // Every person of `scope`, by id; the names only `with_names` (else "").
  virtual Result<std::vector<ReportPerson>> report_persons(const ReportScope& scope, bool with_names) = 0;
  // The same persons, streamed: fn(person) for each, by id, nothing held (the person is valid during
  // its call only). A store that does not stream reads report_persons.
  virtual Status for_each_report_person(const ReportScope& scope, bool with_names,
                                        const std::function<void(const ReportPerson&)>& fn) {
    auto all = report_persons(scope, with_names);
    if (!all) return all.error();
    for (const auto& p : all.value()) fn(p);
    return {};
  }
  // Every organisation, by code, with what a report prints of it (code, name, kind, parent; not
  // created_at): the lean twin of DirectoryStore::list_branches.
  virtual Result<std::vector<Branch>> report_branches() = 0;
  // The persons of `scope` who are the subject of a member case (of any organisation), sorted.
  virtual Result<std::vector<PersonId>> report_member_case_persons(const ReportScope& scope) = 0;
  // The deadlines of kind `kind` of the cases of `workflow` ("" for any), with `late_only` only
  // those closed after their due date.
  virtual Result<std::vector<ReportDeadline>> report_deadlines(const std::string& workflow, const std::string& kind,
                                                               bool late_only) = 0;
  // The deadlines of one case closed after their due date, by id (how late its late steps were;
  // asked only for the cases with a late step, instead of reading every deadline).
  virtual Result<std::vector<ReportDeadline>> report_late_deadlines(CaseId id) = 0;
};

}  // namespace djflow::engine
