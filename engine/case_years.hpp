// The year-end projection of the case histories (migration 11, decision 0129): for each case and
// each calendar year in which one of its events is dated, what the year's figures ask of the
// events dated up to that year's end (workflows/report, engine/ports/report_store.hpp): the last
// of them in seq order (its date and state), every state they reached, and whether one of them
// comes after an event dated later than the year (then the report reads that case's events one
// by one). Derived from the events only; both stores write it in the transaction of each event
// (a trigger), and `djflow verify` recomputes it with derive_case_years and names any row that
// differs.
#pragma once

#include <string>
#include <vector>

#include "engine/model.hpp"

namespace djflow::engine {

struct CaseYear {
  CaseId case_id = 0;
  int year = 0;            // the summary of the events dated up to year-12-31
  std::string date;        // the last of them (in seq order): its effective date, 'YYYY-MM-DD'
  std::string state;       // and the state it reached
  std::string states;      // every state they reached, in the order first reached: ",a,b,c,"
  bool mixed = false;      // one of them comes (in seq order) after an event dated after the year
  bool operator==(const CaseYear&) const = default;
};

// The rows of one case, by year, from its events in seq order (every event, whatever its date).
std::vector<CaseYear> derive_case_years(CaseId id, const std::vector<EventRecord>& events);

// "case #ID, year Y: date D, state S, states ..., mixed M" (verify's wording of a row).
std::string describe(const CaseYear& row);

}  // namespace djflow::engine
