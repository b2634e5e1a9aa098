// Business dates: calendar dates with no time of day and no zone (the organisation's zone turns
// instants into dates; see timezone.hpp). Month and year arithmetic keeps the day of the month and
// clamps to the month's end: 2024-01-31 + 1 month = 2024-02-29, 2024-02-29 + 1 year = 2025-02-28.
// Value type; all functions are pure.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace djflow::engine {

class Date {
 public:
  Date() = default;  // 1970-01-01
  Date(int year, unsigned month, unsigned day);  // REQUIRES: a valid calendar date
  static Date from_days(std::int32_t days_since_epoch) { Date d; d.days_ = days_since_epoch; return d; }
  static Date from_sys_days(std::chrono::sys_days d) { return from_days(static_cast<std::int32_t>(d.time_since_epoch().count())); }

  // Parses "YYYY-MM-DD" strictly (also accepts "YYYY/MM/DD"). nullopt if not a real date.
  static std::optional<Date> parse(std::string_view text);

  std::string iso() const;  // "YYYY-MM-DD"
  int year() const;
  unsigned month() const;
  unsigned day() const;
  unsigned iso_weekday() const;  // 1 = Monday ... 7 = Sunday
  std::int32_t days_since_epoch() const { return days_; }
  std::chrono::sys_days sys_days() const { return std::chrono::sys_days{std::chrono::days{days_}}; }

  Date add_days(int n) const { return from_days(days_ + n); }
  Date add_months(int n) const;  // same day of month, clamped to the month's end
  Date add_years(int n) const { return add_months(12 * n); }
  // Whole days from this date to `other` (positive when other is later).
  int days_until(Date other) const { return other.days_ - days_; }
  // Whole years completed from this date to `on` (an age).
  int years_until(Date on) const;

  friend auto operator<=>(Date, Date) = default;
  friend bool operator==(Date, Date) = default;

 private:
  std::int32_t days_ = 0;
};

}  // namespace djflow::engine
