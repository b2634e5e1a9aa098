#include "engine/clock.hpp"

#include <chrono>
#include <string>

#include <date/date.h>

namespace djflow::engine {

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

std::string format_utc(TimePoint t) { return date::format("%FT%TZ", t); }

}  // namespace djflow::engine
