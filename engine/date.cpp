#include "engine/date.hpp"

#include <cstdio>

namespace djflow::engine {

using namespace std::chrono;

namespace {
year_month_day ymd_of(Date d) { return year_month_day{d.sys_days()}; }
}  // namespace

namespace detail {
// "YYYY-MM-DD" into p[0..9] for a valid date of the years 0..9999 (snprintf's "%04d-%02u-%02u",
// without its format parsing: dates are printed for every answer and history entry); false
// otherwise, and the caller prints it with snprintf.
bool put_iso_date(char* p, const year_month_day& ymd) {
  const int y = static_cast<int>(ymd.year());
  if (!ymd.ok() || y < 0 || y > 9999) return false;
  const unsigned m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  const unsigned uy = static_cast<unsigned>(y);
  p[0] = static_cast<char>('0' + uy / 1000);
  p[1] = static_cast<char>('0' + uy / 100 % 10);
  p[2] = static_cast<char>('0' + uy / 10 % 10);
  p[3] = static_cast<char>('0' + uy % 10);
  p[4] = '-';
  p[5] = static_cast<char>('0' + m / 10);
  p[6] = static_cast<char>('0' + m % 10);
  p[7] = '-';
  p[8] = static_cast<char>('0' + d / 10);
  p[9] = static_cast<char>('0' + d % 10);
  return true;
}
}  // namespace detail

Date::Date(int y, unsigned m, unsigned d)
    : days_(static_cast<std::int32_t>(
          std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}}
              .time_since_epoch()
              .count())) {}

std::optional<Date> Date::parse(std::string_view t) {
  if (t.size() != 10 || (t[4] != '-' && t[4] != '/') || t[7] != t[4]) return std::nullopt;
  int v[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lens[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < lens[i]; ++k) {
      const char c = t[static_cast<std::size_t>(starts[i] + k)];
      if (c < '0' || c > '9') return std::nullopt;
      v[i] = v[i] * 10 + (c - '0');
    }
  }
  const year_month_day ymd{std::chrono::year{v[0]}, std::chrono::month{static_cast<unsigned>(v[1])},
                           std::chrono::day{static_cast<unsigned>(v[2])}};
  if (!ymd.ok() || v[0] < 1900 || v[0] > 2999) return std::nullopt;
  return Date::from_sys_days(std::chrono::sys_days{ymd});
}

std::string Date::iso() const {
  const auto ymd = ymd_of(*this);
  char buf[16];
  if (detail::put_iso_date(buf, ymd)) return std::string(buf, 10);
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

int Date::year() const { return static_cast<int>(ymd_of(*this).year()); }
unsigned Date::month() const { return static_cast<unsigned>(ymd_of(*this).month()); }
unsigned Date::day() const { return static_cast<unsigned>(ymd_of(*this).day()); }
unsigned Date::iso_weekday() const { return std::chrono::weekday{sys_days()}.iso_encoding(); }

Date Date::add_months(int n) const {
  namespace c = std::chrono;
  const auto ymd = ymd_of(*this);
  const c::year_month ym = c::year_month{ymd.year(), ymd.month()} + c::months{n};
  const auto last = c::year_month_day_last{ym.year(), c::month_day_last{ym.month()}}.day();
  const auto d = ymd.day() > last ? last : ymd.day();
  return from_sys_days(c::sys_days{ym / d});
}

int Date::years_until(Date on) const {
  const auto a = ymd_of(*this);
  const auto b = ymd_of(on);
  int years = static_cast<int>(b.year()) - static_cast<int>(a.year());
  if (std::pair{static_cast<unsigned>(b.month()), static_cast<unsigned>(b.day())} <
      std::pair{static_cast<unsigned>(a.month()), static_cast<unsigned>(a.day())})
    --years;
  return years;
}

}  // namespace djflow::engine
