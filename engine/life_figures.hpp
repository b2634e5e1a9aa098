// The organisational-life figures of a 述职报告 / annual summary (issue 10 §2) for an
// organisation and everything under it, over [from, to], computed as of a date from the history
// of the `life` cases: only facts dated on or before `as_of` count. Plain values; the report
// command renders them.
#pragma once

#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/life.hpp"
#include "engine/ports/directory_store.hpp"
#include "engine/ports/history_store.hpp"

namespace djflow::engine {

struct LifeFlagged {
  PersonId person = 0;
  std::string name;
  std::string org;
  bool attendance = false;  // R20: 6 consecutive months without organisational life
  bool dues = false;        // R20: 6 months of unpaid dues
  int unpaid_months = 0;
};

// One name behind a figure (the report's --detail). `figure` is the report's figure id
// (life_meetings, life_<kind>_held, life_<kind>_missed, life_lectures_by_secretary,
// life_lectures_by_others, life_talks, life_attendance, life_flagged; <kind> with '_' for '-').
struct LifeDetail {
  std::string figure;
  std::string org;
  std::string date;  // "" for a period or a flag
  std::string name;  // a person, a period ("2023-Q1") or a meeting's topic
  std::string what;  // stable: kinds "theme-day,lecture", "present/should", "attendance", "dues:7", ...
  bool operator==(const LifeDetail&) const = default;
};

struct LifeFigures {
  std::vector<std::string> organisations;  // the subtree's codes, the root first
  std::vector<std::string> without_ledger; // of them, those with no `life` case (nothing counted)
  // Per kind (engine/life.hpp kinds(), in that order), summed over the organisations.
  std::vector<life::KindCount> kinds;
  int meetings = 0;                 // meetings held in [from, to] (a combined one counts once)
  int lectures_by_secretary = 0;    // 党课 given by an organisation's secretary
  int lectures_by_others = 0;
  int talks = 0;                    // 谈心谈话 recorded in [from, to]
  // Attendance of meetings with a known number who should attend: present / should attend,
  // summed over those meetings (0 when there is none).
  double average_attendance = 0.0;
  int attendance_meetings = 0;      // how many meetings the average is over
  long present = 0, should_attend = 0;  // the sums behind the average
  std::vector<LifeFlagged> flagged; // members flagged under R20 as of min(to, as_of)
  std::vector<LifeDetail> details;  // by organisation, figure, date (when asked for)
  // One entry per organisation of the subtree (its own ledger only; organisations = {code}), in
  // the order of `organisations` (empty in the entries themselves). The entry of an organisation
  // without a ledger lists no kind (`kinds` empty: every kind 0), so that 20,000 of them cost
  // no copy of the kinds each.
  std::vector<LifeFigures> per_org;
};

// The report's figure id of a kind: "life_" + id with '_' for '-' + suffix ("_held", "_expected").
std::string life_figure_id(std::string_view kind, std::string_view suffix);

// REQUIRES: from <= to. NotFound when `org` does not exist; "" is every organisation. With
// `detail`, the names behind each figure are collected.
Result<LifeFigures> life_figures(HistoryStore& history, DirectoryStore& directory, const Config& config,
                                 const std::string& org, Date from, Date to, Date as_of, bool detail = false);
// The same with the organisations already listed (the year's figures list them once for both):
// `subtree_of_org` holds the subtree of `org` (an existing organisation; "" is every one).
Result<LifeFigures> life_figures(HistoryStore& history, DirectoryStore& directory, const Config& config,
                                 const std::vector<Branch>& subtree_of_org, const std::string& org, Date from, Date to,
                                 Date as_of, bool detail = false);

}  // namespace djflow::engine
