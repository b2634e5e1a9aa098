// Working-day calendar: Monday to Friday, minus official days off, plus make-up working days
// (调休). The data comes from the store's `holidays` table, seeded from data/holidays-cn.csv
// (国务院办公厅 notices 2023-2026). Years without data are reported by covers() so callers can
// warn: outside them only weekends count as days off. Immutable after construction.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/date.hpp"
#include "engine/error.hpp"

namespace djflow::engine {

struct HolidayRow {
  Date date;
  bool day_off = true;  // true: "off" (a day off); false: "work" (a make-up working day)
  std::string name;
};

class WorkCalendar {
 public:
  WorkCalendar() = default;
  explicit WorkCalendar(const std::vector<HolidayRow>& rows);

  // Parses the CSV format of data/holidays-cn.csv (header "date,kind,name").
  static Result<std::vector<HolidayRow>> parse_csv(std::string_view csv);
  // The rows shipped with djflow (data/holidays-cn.csv compiled in).
  static std::vector<HolidayRow> builtin_rows();

  bool is_working_day(Date d) const;
  // Working days in [from, to], both ends included; 0 when to < from.
  int working_days_inclusive(Date from, Date to) const;
  // The date on which a period of n working days that starts on `from` ends (n >= 1): the n-th
  // working day counting from `from` itself when `from` is a working day.
  Date nth_working_day_from(Date from, int n) const;
  // True when the calendar has data for the year of `d` (some row in that year).
  bool covers(Date d) const { return years_.count(d.year()) > 0; }

 private:
  std::set<Date> off_;
  std::set<Date> work_;
  std::set<int> years_;
};

}  // namespace djflow::engine
