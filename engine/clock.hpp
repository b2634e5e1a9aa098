// The clock seam: all time in djflow comes from a Clock (never from system_clock::now() directly)
// so that tests move a manual clock and the demo runs a simulated one. Instants are UTC
// sys_seconds; the organisation's zone turns them into business dates (timezone.hpp).
// SystemClock and SimulatedClock are thread-safe; ManualClock is for one thread.
#pragma once

#include <chrono>

namespace djflow::engine {

using TimePoint = std::chrono::sys_seconds;
// Sub-second instants, for the daemon's wake-ups only (business logic uses TimePoint).
using PreciseTimePoint = std::chrono::sys_time<std::chrono::microseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // now() with sub-second precision, so that the daemon wakes at a reminder's second and not up
  // to a second late (issue 3). Defaults to now().
  virtual PreciseTimePoint now_precise() const { return now(); }
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
  PreciseTimePoint now_precise() const override;
};

// Stands still until told to move.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start) {}
  TimePoint now() const override { return now_; }
  void set(TimePoint t) { now_ = t; }
  void advance(std::chrono::seconds d) { now_ += d; }

 private:
  TimePoint now_;
};

// Starts at `start` and runs `speed` times faster than the real (steady) clock.
class SimulatedClock final : public Clock {
 public:
  SimulatedClock(TimePoint start, double speed);
  TimePoint now() const override;
  PreciseTimePoint now_precise() const override;
  double speed() const { return speed_; }

 private:
  TimePoint start_;
  std::chrono::steady_clock::time_point real_start_;
  double speed_;
};

// "2026-11-28T09:30:00Z" (UTC, seconds).
std::string format_utc(TimePoint t);

}  // namespace djflow::engine
