#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <random>
#include <regex>
#include <string>

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

TEST_CASE("the clock option's reader accepts exactly the documented grammar", "[engine][timezone]") {
  // The grammar as it was written before the reader was hand-written (engine/timezone.cpp): the
  // reference the reader must agree with on every text, valid or not.
  const std::regex grammar(
      R"(^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$)");
  auto z = *TimeZone::locate("Asia/Shanghai");
  CHECK(parse_instant("2026-01-01T09:30:05+0800", z) == utc(2026, 1, 1, 1, 30) + seconds{5});
  CHECK(parse_instant("2026-01-01Z", z) == utc(2026, 1, 1, 12));
  for (const char* bad : {"2026-01-01T", "2026-01-01 ", "2026-01-01T09", "2026-01-01T09:3", "2026-1-01",
                          "2026-01-01T09:30:5", "2026-01-01T09:30+8", "2026-01-01T09:30+08:0", "2026-01-01Z ",
                          "２０２６-01-01", "2026-01-01T09:30ZZ", "2026-02-30", ""}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_instant(bad, z));
  }
  // Random texts built from the grammar's pieces, mutated by a character now and then.
  std::mt19937 rng(20261130);
  const std::vector<std::string> pieces{"2026", "-", "01", "11", "30", "T", " ", "09", ":", "59", "60", "Z",
                                        "+", "-", "08", "0800", "5", "x", "\xe4\xb8\x80", "2"};
  int accepted = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string text = n % 2 ? "2026-11-30" : "";
    const int parts = static_cast<int>(rng() % 9);
    for (int k = 0; k < parts; ++k) text += pieces[rng() % pieces.size()];
    if (!text.empty() && rng() % 5 == 0) text[rng() % text.size()] = "0T:-+Z 9"[rng() % 8];
    CAPTURE(text);
    std::smatch m;
    bool expect = std::regex_match(text, m, grammar) && Date::parse(m[1].str()).has_value();
    if (expect && m[2].matched) {
      expect = std::stoi(m[2].str()) <= 23 && std::stoi(m[3].str()) <= 59 &&
               (!m[4].matched || std::stoi(m[4].str()) <= 59);
    }
    if (expect && m[5].matched && m[5].str() != "Z") {
      const std::string digits = m[5].str().substr(1);
      expect = std::stoi(digits.substr(0, 2)) <= 14 && std::stoi(digits.substr(digits.size() - 2)) <= 59;
    }
    REQUIRE(parse_instant(text, z).has_value() == expect);
    accepted += expect;
  }
  CHECK(accepted > 500);  // the generator reaches valid texts, not only refusals
}

namespace {

// The UTC offset glibc's own reader of the same tzdata file gives (an independent implementation).
long glibc_offset(const std::string& zone, std::int64_t t) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  ::setenv("TZ", (":" + zone).c_str(), 1);
  ::tzset();
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::localtime_r(&tt, &tm);
  if (old) ::setenv("TZ", saved.c_str(), 1); else ::unsetenv("TZ");
  ::tzset();
  return tm.tm_gmtoff;
}

}  // namespace

TEST_CASE("local dates agree with glibc for zones with DST, half hours and southern summers, 1900 to 2200", "[engine][timezone]") {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> when(-2208988800LL, 7258118400LL);  // 1900..2200
  for (const char* name : {"Asia/Shanghai", "Asia/Urumqi", "America/New_York", "Europe/Berlin", "Europe/Dublin",
                           "Australia/Sydney", "Asia/Kolkata", "America/St_Johns", "Pacific/Apia", "UTC"}) {
    auto z = TimeZone::locate(name);
    REQUIRE(z);
    for (int i = 0; i < 3000; ++i) {
      const std::int64_t t = when(rng);
      const TimePoint tp{seconds{t}};
      const long off = glibc_offset(name, t);
      const std::int64_t local = t + off;
      const auto days = static_cast<std::int32_t>(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
      INFO(name << " at " << t);
      REQUIRE(z->local_date(tp) == Date::from_days(days));
      const std::int64_t sod = local - static_cast<std::int64_t>(days) * 86400;
      char hms[16];
      std::snprintf(hms, sizeof hms, "%02d:%02d:%02d", static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                    static_cast<int>(sod % 60));
      REQUIRE(z->local_time_of_day(tp) == hms);
      REQUIRE(z->local_datetime(tp) == Date::from_days(days).iso() + " " + std::string(hms, 5));
    }
  }
}

TEST_CASE("a wall time in a DST gap is its first valid instant, an ambiguous one the earlier", "[engine][timezone]") {
  auto ny = *TimeZone::locate("America/New_York");
  // 2026-03-08 02:30 does not exist in New York: clocks go from 02:00 EST to 03:00 EDT (07:00 UTC).
  CHECK(ny.at(*Date::parse("2026-03-08"), 2, 30) == utc(2026, 3, 8, 7));
  // 2026-11-01 01:30 happens twice: first as EDT (05:30 UTC), then as EST (06:30 UTC).
  CHECK(ny.at(*Date::parse("2026-11-01"), 1, 30) == utc(2026, 11, 1, 5, 30));
  CHECK(ny.at(*Date::parse("2026-07-01"), 9) == utc(2026, 7, 1, 13));
  CHECK(ny.at(*Date::parse("2126-01-15"), 9) == utc(2126, 1, 15, 14));  // beyond the file's transitions
  auto syd = *TimeZone::locate("Australia/Sydney");
  CHECK(syd.at(*Date::parse("2026-01-15"), 9) == utc(2026, 1, 14, 22));  // AEDT, +11 in January
  auto sh = *TimeZone::locate("Asia/Shanghai");
  CHECK(sh.at(*Date::parse("1988-07-01"), 9) == utc(1988, 7, 1, 0));  // China had DST 1986-1991
}

TEST_CASE("a zone name is a name in the tz database, never a path", "[engine][timezone]") {
  for (const char* bad : {"", "/etc/passwd", "../../etc/passwd", "Asia/../../etc/passwd", "zone.tab", "Asia",
                          "Asia/Shanghai ", "Asia/Shanghai\n"}) {
    INFO(bad);
    CHECK_FALSE(TimeZone::locate(bad));
  }
  CHECK(TimeZone::locate("PRC"));  // a link in the database
}
