// The organisation's time zone (default Asia/Shanghai): turns instants into business dates and
// local wall times into instants. Backed by the zone's own file of the system tz database
// (tzdata, /usr/share/zoneinfo; engine/timezone.cpp reads it, decision 0083). Immutable; cheap
// to copy.
#pragma once

#include <string>

#include "engine/clock.hpp"
#include "engine/date.hpp"
#include "engine/error.hpp"

namespace djflow::engine {

namespace detail { class ZoneRules; }

inline constexpr const char* kDefaultTimeZone = "Asia/Shanghai";

class TimeZone {
 public:
  // InvalidInput when the name is not in the tz database.
  static Result<TimeZone> locate(const std::string& name);

  const std::string& name() const { return name_; }
  Date local_date(TimePoint t) const;
  // Local wall time "HH:MM:SS" of an instant.
  std::string local_time_of_day(TimePoint t) const;
  // "YYYY-MM-DD HH:MM" in local time.
  std::string local_datetime(TimePoint t) const;
  // The instant at which the local wall clock shows `d` `hour`:`minute` (earliest if ambiguous,
  // the first valid instant if it falls into a gap).
  TimePoint at(Date d, int hour, int minute = 0) const;

 private:
  TimeZone(std::string name, const detail::ZoneRules* tz) : name_(std::move(name)), tz_(tz) {}
  std::string name_;
  const detail::ZoneRules* tz_;
};

// Parses "YYYY-MM-DD" (12:00 local that day), "YYYY-MM-DDTHH:MM[:SS]" or "YYYY-MM-DD HH:MM[:SS]"
// (local), with an optional trailing "Z" or "+08:00" offset. nullopt if malformed.
std::optional<TimePoint> parse_instant(const std::string& text, const TimeZone& zone);

}  // namespace djflow::engine
