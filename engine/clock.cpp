#include "engine/clock.hpp"

#include <chrono>
#include <cstdio>
#include <string>

namespace djflow::engine {

namespace detail {
bool put_iso_date(char* p, const std::chrono::year_month_day& ymd);  // engine/date.cpp
}  // namespace detail

TimePoint SystemClock::now() const {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

PreciseTimePoint SystemClock::now_precise() const {
  return std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
}

SimulatedClock::SimulatedClock(TimePoint start, double speed)
    : start_(start), real_start_(std::chrono::steady_clock::now()), speed_(speed) {}

TimePoint SimulatedClock::now() const {
  const auto real = std::chrono::steady_clock::now() - real_start_;
  const auto sim = std::chrono::duration<double>(real) * speed_;
  return start_ + std::chrono::floor<std::chrono::seconds>(sim);
}

PreciseTimePoint SimulatedClock::now_precise() const {
  const auto real = std::chrono::steady_clock::now() - real_start_;
  const auto sim = std::chrono::duration<double>(real) * speed_;
  return start_ + std::chrono::floor<std::chrono::microseconds>(sim);
}

std::string format_utc(TimePoint t) {
  using namespace std::chrono;
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[40];
  if (detail::put_iso_date(buf, ymd)) {  // engine/date.cpp
    const auto two = [&](char* p, long v) {
      p[0] = static_cast<char>('0' + v / 10);
      p[1] = static_cast<char>('0' + v % 10);
    };
    buf[10] = 'T';
    two(buf + 11, hms.hours().count());
    buf[13] = ':';
    two(buf + 14, hms.minutes().count());
    buf[16] = ':';
    two(buf + 17, hms.seconds().count());
    buf[19] = 'Z';
    return std::string(buf, 20);
  }
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace djflow::engine
