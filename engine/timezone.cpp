#include "engine/timezone.hpp"

#include <regex>

#include <date/tz.h>

namespace djflow::engine {

using namespace std::chrono;

Result<TimeZone> TimeZone::locate(const std::string& name) {
  try {
    return TimeZone(name, date::locate_zone(name));
  } catch (const std::exception&) {
    return Error::invalid({"未知时区：" + name, "unknown time zone: " + name});
  }
}

Date TimeZone::local_date(TimePoint t) const {
  const auto local = tz_->to_local(t);
  return Date::from_days(static_cast<std::int32_t>(
      floor<days>(local).time_since_epoch().count()));
}

std::string TimeZone::local_time_of_day(TimePoint t) const {
  return date::format("%T", tz_->to_local(t));
}

std::string TimeZone::local_datetime(TimePoint t) const {
  return date::format("%F %R", tz_->to_local(t));
}

TimePoint TimeZone::at(Date d, int hour, int minute) const {
  const date::local_seconds local{seconds{static_cast<std::int64_t>(d.days_since_epoch()) * 86400 +
                                          hour * 3600 + minute * 60}};
  const auto info = tz_->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:
      return TimePoint{local.time_since_epoch() - info.first.offset};
    case date::local_info::nonexistent:
    default:
      return info.second.begin;
  }
}

std::optional<TimePoint> parse_instant(const std::string& text, const TimeZone& zone) {
  static const std::regex re(
      R"(^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  const auto d = Date::parse(m[1].str());
  if (!d) return std::nullopt;
  int h = 12, mi = 0, s = 0;
  if (m[2].matched) {
    h = std::stoi(m[2].str());
    mi = std::stoi(m[3].str());
    s = m[4].matched ? std::stoi(m[4].str()) : 0;
    if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  }
  if (!m[5].matched) return zone.at(*d, h, mi) + seconds{s};
  const std::string off = m[5].str();
  int offset = 0;
  if (off != "Z") {
    const int sign = off[0] == '-' ? -1 : 1;
    const std::string digits = off.substr(1);
    const int oh = std::stoi(digits.substr(0, 2));
    const int om = std::stoi(digits.substr(digits.size() - 2));
    if (oh > 14 || om > 59) return std::nullopt;  // UTC offsets run from -12:00 to +14:00
    offset = sign * (oh * 3600 + om * 60);
  }
  return TimePoint{d->sys_days().time_since_epoch() + hours{h} + minutes{mi} + seconds{s} -
                   seconds{offset}};
}

}  // namespace djflow::engine
