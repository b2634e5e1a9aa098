// Fuzz target: `djflow calendar import FILE` (WorkCalendar::parse_csv, the format of
// data/holidays-cn.csv). Properties: no crash, no UB; every accepted row has a valid date; a
// calendar built from the rows answers working-day questions without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/calendar.hpp"

using djflow::engine::Date;
using djflow::engine::WorkCalendar;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view csv(reinterpret_cast<const char*>(data), size);
  auto rows = WorkCalendar::parse_csv(csv);
  if (!rows) {
    if (rows.error().message.en.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  for (const auto& r : rows.value())
    if (Date::parse(r.date.iso()) != r.date) std::abort();
  const WorkCalendar cal(rows.value());
  if (!rows.value().empty()) {
    const Date d = rows.value().front().date;
    const Date end = cal.nth_working_day_from(d, 10);
    if (end < d || cal.working_days_inclusive(d, end) != 10) std::abort();
  }
  return 0;
}
