#include "engine/calendar.hpp"

#include <sstream>

namespace djflow::engine {

namespace detail {
extern const char* const kHolidaysCsv;  // generated from data/holidays-cn.csv
}

WorkCalendar::WorkCalendar(const std::vector<HolidayRow>& rows) {
  for (const auto& r : rows) {
    (r.day_off ? off_ : work_).insert(r.date);
    years_.insert(r.date.year());
  }
}

Result<std::vector<HolidayRow>> WorkCalendar::parse_csv(std::string_view csv) {
  std::vector<HolidayRow> rows;
  std::istringstream in{std::string(csv)};
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("date,", 0) == 0 || line[0] == '#') continue;
    const auto c1 = line.find(',');
    const auto c2 = c1 == std::string::npos ? c1 : line.find(',', c1 + 1);
    if (c2 == std::string::npos) {
      return Error::invalid({"日历文件第" + std::to_string(lineno) + "行格式应为 date,kind,name",
                             "calendar line " + std::to_string(lineno) + ": expected date,kind,name"});
    }
    const auto date = Date::parse(std::string_view(line).substr(0, c1));
    const std::string kind = line.substr(c1 + 1, c2 - c1 - 1);
    if (!date || (kind != "off" && kind != "work")) {
      return Error::invalid({"日历文件第" + std::to_string(lineno) + "行：日期无效或类型不是 off/work",
                             "calendar line " + std::to_string(lineno) +
                                 ": bad date or kind (expected off or work)"});
    }
    rows.push_back({*date, kind == "off", line.substr(c2 + 1)});
  }
  return rows;
}

std::vector<HolidayRow> WorkCalendar::builtin_rows() {
  auto rows = parse_csv(detail::kHolidaysCsv);
  return rows.ok() ? rows.value() : std::vector<HolidayRow>{};
}

bool WorkCalendar::is_working_day(Date d) const {
  if (off_.count(d)) return false;
  if (work_.count(d)) return true;
  return d.iso_weekday() <= 5;
}

int WorkCalendar::working_days_inclusive(Date from, Date to) const {
  int n = 0;
  for (Date d = from; d <= to; d = d.add_days(1)) n += is_working_day(d) ? 1 : 0;
  return n;
}

Date WorkCalendar::nth_working_day_from(Date from, int n) const {
  Date d = from;
  int seen = 0;
  for (;; d = d.add_days(1)) {
    if (is_working_day(d) && ++seen >= n) return d;
  }
}

}  // namespace djflow::engine
