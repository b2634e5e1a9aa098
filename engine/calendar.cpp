#include "engine/calendar.hpp"

#include <sstream>

#include "engine/utf8.hpp"

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

namespace {

// Splits one CSV line (RFC 4180: a field may be quoted, "" is a quote inside it). False when a
// quoted field is not terminated on the line or text follows its closing quote.
bool split_csv_line(const std::string& line, std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') {
        fields.back() += c;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else {
        quoted = false;
        was_quoted = true;
      }
    } else if (c == ',') {
      fields.emplace_back();
      was_quoted = false;
    } else if (c == '"' && fields.back().empty() && !was_quoted) {
      quoted = true;
    } else if (was_quoted) {
      return false;  // text after a closing quote
    } else {
      fields.back() += c;
    }
  }
  return !quoted;
}

}  // namespace

Result<std::vector<HolidayRow>> WorkCalendar::parse_csv(std::string_view csv) {
  // The whole file is text (I13): valid UTF-8 without NUL, at most 4 MiB.
  DJFLOW_TRY(utf8::check_text(csv, Text{"日历文件", "the calendar file"}, 4u << 20));
  std::vector<HolidayRow> rows;
  std::vector<std::string> fields;
  std::istringstream in{std::string(csv)};
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("date,", 0) == 0 || line[0] == '#') continue;
    if (!split_csv_line(line, fields)) {
      return Error::invalid({"日历文件第" + std::to_string(lineno) + "行：引号未闭合（或闭合引号后还有文字）",
                             "calendar line " + std::to_string(lineno) + ": unterminated quote (or text after a closing quote)"});
    }
    if (fields.size() < 3) {
      return Error::invalid({"日历文件第" + std::to_string(lineno) + "行格式应为 date,kind,name",
                             "calendar line " + std::to_string(lineno) + ": expected date,kind,name"});
    }
    // A name may hold commas: everything after the second field, as the format always allowed.
    std::string name = fields[2];
    for (std::size_t k = 3; k < fields.size(); ++k) name += "," + fields[k];
    const auto date = Date::parse(fields[0]);
    const std::string& kind = fields[1];
    if (!date || (kind != "off" && kind != "work")) {
      return Error::invalid({"日历文件第" + std::to_string(lineno) + "行：日期无效或类型不是 off/work",
                             "calendar line " + std::to_string(lineno) +
                                 ": bad date or kind (expected off or work)"});
    }
    rows.push_back({*date, kind == "off", name});
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
