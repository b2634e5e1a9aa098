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
  std::vector<LifeFlagged> flagged; // members flagged under R20 as of min(to, as_of)
};

// REQUIRES: from <= to. NotFound when `org` does not exist.
Result<LifeFigures> life_figures(HistoryStore& history, DirectoryStore& directory, const Config& config,
                                 const std::string& org, Date from, Date to, Date as_of);

}  // namespace djflow::engine
