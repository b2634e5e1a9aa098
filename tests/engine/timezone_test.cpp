#include <catch2/catch.hpp>

#include "engine/timezone.hpp"

using namespace djflow::engine;
using namespace std::chrono;

static TimePoint utc(int y, unsigned m, unsigned d, int h, int mi = 0) {
  return TimePoint{sys_days{year{y} / month{m} / day{d}}.time_since_epoch() + hours{h} + minutes{mi}};
}

TEST_CASE("business dates are dates in the organisation's zone", "[engine][timezone]") {
  auto z = TimeZone::locate("Asia/Shanghai");
  REQUIRE(z);
  // 16:30 UTC is 00:30 the next day in Shanghai.
  CHECK(z->local_date(utc(2026, 11, 28, 16, 30)).iso() == "2026-11-29");
  CHECK(z->local_date(utc(2026, 11, 28, 15, 59)).iso() == "2026-11-28");
  CHECK(z->at(*Date::parse("2026-11-29"), 9) == utc(2026, 11, 29, 1));
  auto ny = TimeZone::locate("America/New_York");
  REQUIRE(ny);
  CHECK(ny->local_date(utc(2026, 11, 28, 3)).iso() == "2026-11-27");
}

TEST_CASE("unknown zones are invalid input", "[engine][timezone]") {
  auto z = TimeZone::locate("Mars/Olympus");
  REQUIRE_FALSE(z);
  CHECK(z.error().code == ErrorCode::InvalidInput);
}

TEST_CASE("the clock option accepts a date (noon local), a local date-time, or an offset", "[engine][timezone]") {
  auto z = *TimeZone::locate("Asia/Shanghai");
  CHECK(parse_instant("2026-01-01", z) == utc(2026, 1, 1, 4));
  CHECK(parse_instant("2026-01-01T09:30", z) == utc(2026, 1, 1, 1, 30));
  CHECK(parse_instant("2026-01-01 09:30:00", z) == utc(2026, 1, 1, 1, 30));
  CHECK(parse_instant("2026-01-01T09:30Z", z) == utc(2026, 1, 1, 9, 30));
  CHECK(parse_instant("2026-01-01T09:30+08:00", z) == utc(2026, 1, 1, 1, 30));
  CHECK_FALSE(parse_instant("2026-01-01T25:00", z));
  CHECK_FALSE(parse_instant("yesterday", z));
}

TEST_CASE("an offset beyond -12:00..+14:00 or with minutes over 59 is refused", "[engine][timezone]") {
  auto z = *TimeZone::locate("Asia/Shanghai");
  CHECK_FALSE(parse_instant("2026-01-01T09:30-99:99", z));
  CHECK_FALSE(parse_instant("2026-01-01T09:30+08:60", z));
  CHECK_FALSE(parse_instant("2026-01-01T09:30+15:00", z));
  CHECK(parse_instant("2026-01-01T09:30-12:00", z) == utc(2026, 1, 1, 21, 30));
  CHECK(parse_instant("2026-01-01T09:30+1400", z) == utc(2025, 12, 31, 19, 30));
}
