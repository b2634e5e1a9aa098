#include "engine/case_years.hpp"

#include <algorithm>
#include <set>

namespace djflow::engine {

std::vector<CaseYear> derive_case_years(CaseId id, const std::vector<EventRecord>& events) {
  std::set<int> years;
  for (const auto& e : events) years.insert(e.date.year());
  std::vector<CaseYear> out;
  for (const int y : years) {
    const std::string end = std::to_string(y) + "-12-31";
    CaseYear row;
    row.case_id = id;
    row.year = y;
    row.states = ",";
    bool later_seen = false;  // an event dated after the year, earlier in seq order
    for (const auto& e : events) {
      const std::string d = e.date.iso();
      if (d > end) {
        later_seen = true;
        continue;
      }
      row.date = d;
      row.state = e.to_state;
      if (row.states.find("," + e.to_state + ",") == std::string::npos) row.states += e.to_state + ",";
      if (later_seen) row.mixed = true;
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string describe(const CaseYear& r) {
  return "case #" + std::to_string(r.case_id) + ", year " + std::to_string(r.year) + ": date " + r.date + ", state " +
         r.state + ", states " + r.states + ", mixed " + (r.mixed ? "1" : "0");
}

}  // namespace djflow::engine
