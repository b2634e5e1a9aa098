#include <catch2/catch.hpp>

#include "engine/clock.hpp"
#include "engine/date.hpp"

#include <cstdio>
#include <string>
#include <vector>

using djflow::engine::Date;

static Date D(const char* s) { return *Date::parse(s); }

TEST_CASE("one month after clamps to the end of the month", "[engine][date]") {
  CHECK(D("2024-01-31").add_months(1) == D("2024-02-29"));
  CHECK(D("2023-01-31").add_months(1) == D("2023-02-28"));
  CHECK(D("2024-03-31").add_months(1) == D("2024-04-30"));
  CHECK(D("2024-03-31").add_months(-1) == D("2024-02-29"));
  CHECK(D("2024-08-31").add_months(6) == D("2025-02-28"));
  CHECK(D("2024-12-15").add_months(1) == D("2025-01-15"));
  CHECK(D("2024-01-15").add_months(3) == D("2024-04-15"));
}

TEST_CASE("one year after a leap day is the 28th of February", "[engine][date]") {
  CHECK(D("2024-02-29").add_years(1) == D("2025-02-28"));
  CHECK(D("2024-02-29").add_years(4) == D("2028-02-29"));
  CHECK(D("2023-03-01").add_years(1) == D("2024-03-01"));
}

TEST_CASE("dates parse strictly and print as ISO", "[engine][date]") {
  CHECK(D("2026-05-11").iso() == "2026-05-11");
  CHECK(Date::parse("2026/05/11") == D("2026-05-11"));
  CHECK_FALSE(Date::parse("2023-02-29"));
  CHECK_FALSE(Date::parse("2024-13-01"));
  CHECK_FALSE(Date::parse("2024-1-01"));
  CHECK_FALSE(Date::parse("2024-01-01x"));
  CHECK_FALSE(Date::parse("tomorrow"));
  CHECK_FALSE(Date::parse("2024-04-31"));
}

TEST_CASE("ages count whole years, the birthday included", "[engine][date]") {
  const Date born = D("2006-03-15");
  CHECK(born.years_until(D("2024-03-14")) == 17);
  CHECK(born.years_until(D("2024-03-15")) == 18);
  // Born on a leap day: 18 on 1 March in a common year.
  CHECK(D("2008-02-29").years_until(D("2026-02-28")) == 17);
  CHECK(D("2008-02-29").years_until(D("2026-03-01")) == 18);
}

TEST_CASE("weekdays and day differences", "[engine][date]") {
  CHECK(D("2026-11-28").iso_weekday() == 6);  // Saturday
  CHECK(D("2026-11-30").iso_weekday() == 1);
  CHECK(D("2024-01-01").days_until(D("2024-03-01")) == 60);
  CHECK(D("2024-03-01").days_until(D("2024-01-01")) == -60);
  CHECK(D("2024-02-28").add_days(1) == D("2024-02-29"));
}

// format_utc is written with <chrono>'s calendar types since the date library was dropped
// (decision 0083): the same text as date::format("%FT%TZ") gave, before and after 1970.
TEST_CASE("instants print as ISO 8601 UTC", "[engine][date]") {
  using djflow::engine::format_utc;
  using djflow::engine::TimePoint;
  using std::chrono::seconds;
  CHECK(format_utc(TimePoint{seconds{0}}) == "1970-01-01T00:00:00Z");
  CHECK(format_utc(TimePoint{seconds{1709164799}}) == "2024-02-28T23:59:59Z");
  CHECK(format_utc(TimePoint{seconds{1709164800}}) == "2024-02-29T00:00:00Z");
  CHECK(format_utc(TimePoint{seconds{-1}}) == "1969-12-31T23:59:59Z");
  CHECK(format_utc(TimePoint{seconds{-86401}}) == "1969-12-30T23:59:59Z");
  CHECK(format_utc(TimePoint{seconds{4102444800}}) == "2100-01-01T00:00:00Z");
}

// Date::iso and format_utc write their digits themselves (the web's answers print a date for
// every history entry): the same text as snprintf's "%04d-%02u-%02u", every day of 1999-2101,
// the first and last days of years 0 to 9999, and the years outside it (snprintf then).
TEST_CASE("dates and instants print as snprintf prints them, inside and outside years 0-9999", "[engine][date]") {
  using namespace std::chrono;
  const auto by_printf = [](const year_month_day& ymd) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return std::string(buf);
  };
  std::vector<sys_days> days;
  for (sys_days d = sys_days{year{1999} / 1 / 1}; d <= sys_days{year{2101} / 12 / 31}; d += std::chrono::days{1})
    days.push_back(d);
  for (int y : {-20000, -1, 0, 1, 9, 10, 99, 100, 999, 1000, 1970, 9999, 10000, 32767}) {
    days.push_back(sys_days{year{y} / 1 / 1});
    days.push_back(sys_days{year{y} / 12 / 31});
  }
  for (const auto d : days) {
    const year_month_day ymd{d};
    INFO(static_cast<int>(ymd.year()));
    CHECK(Date::from_sys_days(d).iso() == by_printf(ymd));
    const auto t = djflow::engine::TimePoint{d.time_since_epoch() + hours{23} + minutes{5} + seconds{9}};
    CHECK(djflow::engine::format_utc(t) == by_printf(ymd) + "T23:05:09Z");
  }
}
