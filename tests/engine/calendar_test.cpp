#include <catch2/catch.hpp>

#include "engine/calendar.hpp"

using namespace djflow::engine;

static Date D(const char* s) { return *Date::parse(s); }

TEST_CASE("the shipped calendar knows official days off and make-up working days", "[engine][calendar]") {
  const WorkCalendar cal(WorkCalendar::builtin_rows());
  CHECK_FALSE(cal.is_working_day(D("2024-10-01")));  // 国庆节
  CHECK(cal.is_working_day(D("2024-09-29")));         // Sunday, make-up working day
  CHECK_FALSE(cal.is_working_day(D("2024-09-28")));   // ordinary Saturday
  CHECK(cal.is_working_day(D("2024-09-27")));         // ordinary Friday
  CHECK_FALSE(cal.is_working_day(D("2026-02-16")));   // 春节, a Monday
  CHECK(cal.is_working_day(D("2026-02-28")));         // Saturday, make-up working day
  CHECK(cal.covers(D("2023-06-01")));
  CHECK(cal.covers(D("2026-12-31")));
  CHECK_FALSE(cal.covers(D("2027-01-01")));
}

TEST_CASE("working days are counted inclusively across a holiday", "[engine][calendar]") {
  const WorkCalendar cal(WorkCalendar::builtin_rows());
  // Fri 9/27, Sun 9/29 (make-up), Mon 9/30, then 10/1-10/7 off, Tue 10/8.
  CHECK(cal.working_days_inclusive(D("2024-09-27"), D("2024-10-08")) == 4);
  CHECK(cal.nth_working_day_from(D("2024-09-27"), 5) == D("2024-10-09"));
  CHECK(cal.nth_working_day_from(D("2024-09-27"), 1) == D("2024-09-27"));
  // A plain week: Monday to Friday.
  CHECK(cal.working_days_inclusive(D("2024-11-04"), D("2024-11-08")) == 5);
  CHECK(cal.working_days_inclusive(D("2024-11-08"), D("2024-11-04")) == 0);
  // Starting on a Saturday, the first working day is Monday.
  CHECK(cal.nth_working_day_from(D("2024-11-02"), 1) == D("2024-11-04"));
}

TEST_CASE("a calendar without data counts weekends only", "[engine][calendar]") {
  const WorkCalendar empty;
  CHECK(empty.is_working_day(D("2024-10-01")));  // a Tuesday
  CHECK_FALSE(empty.covers(D("2024-10-01")));
}

TEST_CASE("calendar CSV with a bad line is rejected and names the line", "[engine][calendar]") {
  auto ok = WorkCalendar::parse_csv("date,kind,name\n2030-01-01,off,元旦\n2030-01-05,work,元旦\n");
  REQUIRE(ok);
  CHECK(ok.value().size() == 2);
  CHECK_FALSE(ok.value()[1].day_off);
  auto bad = WorkCalendar::parse_csv("date,kind,name\n2030-01-01,holiday,x\n");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::InvalidInput);
  CHECK(bad.error().message.en.find("line 2") != std::string::npos);
}
