#include "engine/timezone.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

// The zone's rules, read from its file of the system tz database (/usr/share/zoneinfo, TZif,
// RFC 8536): the transitions, and the POSIX TZ rule of the file's footer for every instant after
// the last transition. Only that one file is read. (The date library's tz database, used before,
// listed and stat()ed every file under /usr/share/zoneinfo at the first lookup, about 700 system
// calls per djflow process, and loaded libdate-tz.so with the shared C++ runtime:
// docs/performance.md, "A lean process"; decision 0083.)
namespace djflow::engine::detail {

class ZoneRules {
 public:
  static std::optional<ZoneRules> read(const std::string& name);
  // The offset from UTC (seconds) in force at the UTC instant `t`.
  std::int64_t offset_at(std::int64_t t) const;

 private:
  struct Posix {  // "CST-8", "EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30"
    std::int64_t std_offset = 0, dst_offset = 0;
    bool has_dst = false;
    struct When { char kind = 'M'; int month = 0, week = 0, day = 0; std::int64_t time = 7200; } start, end;
  };
  static std::optional<Posix> parse_posix(std::string_view s);
  static std::int64_t posix_offset(const Posix& p, std::int64_t t);

  std::vector<std::int64_t> at_;      // transition instants, ascending
  std::vector<std::uint8_t> type_;    // the type in force from each transition
  std::vector<std::int64_t> offset_;  // the UTC offset of each type
  std::optional<Posix> posix_;        // the footer's rule, after the last transition
};

namespace {

std::int64_t big_endian(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// [+-]hh[:mm[:ss]] in seconds (hours up to 167, RFC 8536 §3.3.1).
bool posix_time(std::string_view& s, std::int64_t& out) {
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) { sign = s[0] == '-' ? -1 : 1; s.remove_prefix(1); }
  std::int64_t parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) { if (s.empty() || s[0] != ':') break; s.remove_prefix(1); }
    std::size_t n = 0;
    while (n < s.size() && n < 3 && s[n] >= '0' && s[n] <= '9') parts[i] = parts[i] * 10 + (s[n++] - '0');
    if (n == 0) return false;
    s.remove_prefix(n);
  }
  if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59) return false;
  out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool posix_name(std::string_view& s) {
  std::size_t n = 0;
  if (!s.empty() && s[0] == '<') {
    n = s.find('>');
    if (n == std::string_view::npos) return false;
    s.remove_prefix(n + 1);
    return true;
  }
  while (n < s.size() && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))) ++n;
  s.remove_prefix(n);
  return n >= 3;
}

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

std::optional<ZoneRules::Posix> ZoneRules::parse_posix(std::string_view s) {
  Posix p;
  std::int64_t v = 0;
  if (!posix_name(s) || !posix_time(s, v)) return std::nullopt;
  p.std_offset = -v;  // POSIX counts west of Greenwich as positive
  if (s.empty()) return p;
  if (!posix_name(s)) return std::nullopt;
  p.has_dst = true;
  p.dst_offset = p.std_offset + 3600;
  if (!s.empty() && s[0] != ',') {
    if (!posix_time(s, v)) return std::nullopt;
    p.dst_offset = -v;
  }
  if (s.empty()) {  // no rule given: POSIX's default, the United States' rule
    p.start = {'M', 3, 2, 0, 7200};
    p.end = {'M', 11, 1, 0, 7200};
    return p;
  }
  for (Posix::When* w : {&p.start, &p.end}) {
    if (s.empty() || s[0] != ',') return std::nullopt;
    s.remove_prefix(1);
    int nums[3] = {0, 0, 0};
    w->kind = !s.empty() && (s[0] == 'M' || s[0] == 'J') ? s[0] : 'n';
    if (w->kind != 'n') s.remove_prefix(1);
    const int count = w->kind == 'M' ? 3 : 1;
    for (int i = 0; i < count; ++i) {
      if (i > 0) { if (s.empty() || s[0] != '.') return std::nullopt; s.remove_prefix(1); }
      std::size_t n = 0;
      while (n < s.size() && n < 3 && s[n] >= '0' && s[n] <= '9') nums[i] = nums[i] * 10 + (s[n++] - '0');
      if (n == 0) return std::nullopt;
      s.remove_prefix(n);
    }
    if (w->kind == 'M' && (nums[0] < 1 || nums[0] > 12 || nums[1] < 1 || nums[1] > 5 || nums[2] > 6)) return std::nullopt;
    if ((w->kind == 'J' && (nums[0] < 1 || nums[0] > 365)) || (w->kind == 'n' && nums[0] > 365)) return std::nullopt;
    w->month = nums[0];
    w->week = nums[1];
    w->day = nums[2];
    if (!s.empty() && s[0] == '/') {
      s.remove_prefix(1);
      if (!posix_time(s, w->time)) return std::nullopt;
    }
  }
  if (!s.empty()) return std::nullopt;
  return p;
}

std::int64_t ZoneRules::posix_offset(const Posix& p, std::int64_t t) {
  if (!p.has_dst) return p.std_offset;
  // The local (standard time) year of t; the rule's dates are in that year.
  const std::int64_t local_days = (t + p.std_offset) >= 0 ? (t + p.std_offset) / 86400
                                                           : -((-(t + p.std_offset) + 86399) / 86400);
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{local_days}}};
  const int y = static_cast<int>(ymd.year());
  const auto day_of = [y](const Posix::When& w) -> std::int64_t {
    if (w.kind == 'J') {  // 1..365, February 29 never counted
      return days_from_civil(y, 1, 1) + w.month - 1 + (is_leap(y) && w.month >= 60 ? 1 : 0);
    }
    if (w.kind == 'n') return days_from_civil(y, 1, 1) + w.month;  // 0..365
    const std::int64_t first = days_from_civil(y, static_cast<unsigned>(w.month), 1);
    const int first_wd = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
    std::int64_t d = first + (w.day - first_wd + 7) % 7 + 7 * (w.week - 1);
    const auto next = w.month == 12 ? days_from_civil(y + 1, 1, 1)
                                    : days_from_civil(y, static_cast<unsigned>(w.month + 1), 1);
    while (d >= next) d -= 7;
    return d;
  };
  // DST starts at the start date's local standard time and ends at the end date's local DST time.
  const std::int64_t start = day_of(p.start) * 86400 + p.start.time - p.std_offset;
  const std::int64_t end = day_of(p.end) * 86400 + p.end.time - p.dst_offset;
  const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? p.dst_offset : p.std_offset;
}

std::int64_t ZoneRules::offset_at(std::int64_t t) const {
  if (at_.empty() || t < at_.front()) {
    if (at_.empty() && posix_) return posix_offset(*posix_, t);
    return offset_.front();  // before the first transition: type 0 (RFC 8536 §3.2)
  }
  if (t >= at_.back() && posix_) return posix_offset(*posix_, t);
  const auto i = std::upper_bound(at_.begin(), at_.end(), t) - at_.begin() - 1;
  return offset_[type_[static_cast<std::size_t>(i)]];
}

std::optional<ZoneRules> ZoneRules::read(const std::string& name) {
  // A name of the database, never a path out of it.
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.find("..") != std::string::npos ||
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
          std::string::npos)
    return std::nullopt;
  const std::string path = "/usr/share/zoneinfo/" + name;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  std::size_t pos = 0;
  struct Counts { std::int64_t isut, isstd, leap, time, type, chars; };
  const auto header = [&](Counts& c) {
    if (size < pos + 44 || bytes.compare(pos, 4, "TZif") != 0) return false;
    const unsigned char* h = b + pos + 20;
    c = {big_endian(h, 4), big_endian(h + 4, 4), big_endian(h + 8, 4), big_endian(h + 12, 4),
         big_endian(h + 16, 4), big_endian(h + 20, 4)};
    pos += 44;
    return c.isut >= 0 && c.isstd >= 0 && c.leap >= 0 && c.time >= 0 && c.type >= 1 && c.type <= 256 &&
           c.chars >= 0 && c.time < 100000 && c.leap < 100000 && c.chars < 100000 && c.isut <= c.type &&
           c.isstd <= c.type;
  };
  const auto block = [](const Counts& c, int tsize) {
    return c.time * tsize + c.time + c.type * 6 + c.chars + c.leap * (tsize + 4) + c.isstd + c.isut;
  };
  Counts c{};
  if (!header(c)) return std::nullopt;
  const char version = bytes[4];
  int tsize = 4;
  if (version >= '2') {  // skip the 32-bit block: the 64-bit one follows, then the footer
    pos += static_cast<std::size_t>(block(c, 4));
    if (!header(c)) return std::nullopt;
    tsize = 8;
  }
  if (size < pos + static_cast<std::size_t>(block(c, tsize))) return std::nullopt;
  ZoneRules z;
  for (std::int64_t i = 0; i < c.time; ++i) {
    z.at_.push_back(big_endian(b + pos, tsize));
    pos += static_cast<std::size_t>(tsize);
    if (i > 0 && z.at_[i] <= z.at_[i - 1]) return std::nullopt;
  }
  for (std::int64_t i = 0; i < c.time; ++i) {
    if (b[pos] >= c.type) return std::nullopt;
    z.type_.push_back(b[pos++]);
  }
  for (std::int64_t i = 0; i < c.type; ++i, pos += 6) z.offset_.push_back(big_endian(b + pos, 4));
  pos += static_cast<std::size_t>(c.chars + c.leap * (tsize + 4) + c.isstd + c.isut);
  if (tsize == 8 && pos < size && bytes[pos] == '\n') {
    const std::size_t end = bytes.find('\n', pos + 1);
    if (end == std::string::npos) return std::nullopt;
    if (end > pos + 1) {
      z.posix_ = parse_posix(std::string_view(bytes).substr(pos + 1, end - pos - 1));
      if (!z.posix_) return std::nullopt;
    }
  }
  return z;
}

}  // namespace djflow::engine::detail

namespace djflow::engine {

using namespace std::chrono;

namespace {

// Zones are immutable and few (one per database, a few in tests): each file is read once per
// process and kept, so that TimeZone stays a cheap copyable handle.
const detail::ZoneRules* find_zone(const std::string& name) {
  static std::mutex m;
  static std::vector<std::pair<std::string, std::unique_ptr<detail::ZoneRules>>> zones;
  const std::lock_guard lock(m);
  for (const auto& [n, z] : zones)
    if (n == name) return z.get();
  auto z = detail::ZoneRules::read(name);
  if (!z) return nullptr;
  zones.emplace_back(name, std::make_unique<detail::ZoneRules>(std::move(*z)));
  return zones.back().second.get();
}

std::int64_t unix_seconds(TimePoint t) { return floor<seconds>(t).time_since_epoch().count(); }

}  // namespace

Result<TimeZone> TimeZone::locate(const std::string& name) {
  if (const detail::ZoneRules* z = find_zone(name)) return TimeZone(name, z);
  return Error::invalid({"未知时区：" + name, "unknown time zone: " + name});
}

Date TimeZone::local_date(TimePoint t) const {
  const std::int64_t local = unix_seconds(t) + tz_->offset_at(unix_seconds(t));
  return Date::from_days(static_cast<std::int32_t>(local >= 0 ? local / 86400 : -((-local + 86399) / 86400)));
}

namespace {

std::string two(std::int64_t v) { return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)}; }

}  // namespace

std::string TimeZone::local_time_of_day(TimePoint t) const {
  const std::int64_t local = unix_seconds(t) + tz_->offset_at(unix_seconds(t));
  const std::int64_t s = ((local % 86400) + 86400) % 86400;
  return two(s / 3600) + ":" + two(s / 60 % 60) + ":" + two(s % 60);
}

std::string TimeZone::local_datetime(TimePoint t) const {
  const std::int64_t local = unix_seconds(t) + tz_->offset_at(unix_seconds(t));
  const std::int64_t s = ((local % 86400) + 86400) % 86400;
  return local_date(t).iso() + " " + two(s / 3600) + ":" + two(s / 60 % 60);
}

TimePoint TimeZone::at(Date d, int hour, int minute) const {
  const std::int64_t local = static_cast<std::int64_t>(d.days_since_epoch()) * 86400 + hour * 3600 + minute * 60;
  // The offsets in force a day either side (transitions are never closer together than that).
  const std::int64_t before = tz_->offset_at(local - 86400 - tz_->offset_at(local));
  const std::int64_t after = tz_->offset_at(local + 86400 - tz_->offset_at(local));
  std::optional<std::int64_t> best;
  for (const std::int64_t o : {before, after}) {
    if (tz_->offset_at(local - o) == o && (!best || local - o < *best)) best = local - o;
  }
  if (best) return TimePoint{seconds{*best}};  // unique, or the earlier of two (ambiguous)
  // In a gap (clocks moved forward): the first valid instant, the transition itself.
  std::int64_t lo = local - std::max(before, after), hi = local - std::min(before, after);
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (tz_->offset_at(mid) == tz_->offset_at(lo) ? lo : hi) = mid;
  }
  return TimePoint{seconds{hi}};
}

namespace {

// A cursor over the text of --now / DJFLOW_NOW, for the grammar
//   DATE [ ("T" | " ") HH ":" MM [ ":" SS ] ] [ "Z" | ("+" | "-") HH [":"] MM ]
// Read by hand, not by std::regex: building a regex costs every process that passes --now more
// than the rest of its argument parsing (locale facets, a collate transform per character
// class; docs/performance.md, "A lean process").
struct Cursor {
  std::string_view s;
  std::size_t i = 0;
  bool done() const { return i == s.size(); }
  bool eat(char c) {
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  }
  // Exactly n ASCII digits.
  std::optional<int> digits(int n) {
    if (s.size() - i < static_cast<std::size_t>(n)) return std::nullopt;
    int v = 0;
    for (int k = 0; k < n; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    i += n;
    return v;
  }
};

}  // namespace

std::optional<TimePoint> parse_instant(const std::string& text, const TimeZone& zone) {
  Cursor c{text};
  if (!c.digits(4) || !c.eat('-') || !c.digits(2) || !c.eat('-') || !c.digits(2)) return std::nullopt;
  const auto d = Date::parse(text.substr(0, 10));
  if (!d) return std::nullopt;
  int h = 12, mi = 0, s = 0;
  if (c.eat('T') || c.eat(' ')) {
    const auto hh = c.digits(2);
    if (!hh || !c.eat(':')) return std::nullopt;
    const auto mm = c.digits(2);
    if (!mm) return std::nullopt;
    std::optional<int> ss = 0;
    if (c.eat(':') && !(ss = c.digits(2))) return std::nullopt;
    h = *hh, mi = *mm, s = *ss;
    if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  }
  if (c.done()) return zone.at(*d, h, mi) + seconds{s};
  int offset = 0;
  if (!c.eat('Z')) {
    const int sign = c.eat('-') ? -1 : (c.eat('+') ? 1 : 0);
    if (sign == 0) return std::nullopt;
    const auto oh = c.digits(2);
    if (!oh) return std::nullopt;
    c.eat(':');
    const auto om = c.digits(2);
    if (!om) return std::nullopt;
    if (*oh > 14 || *om > 59) return std::nullopt;  // UTC offsets run from -12:00 to +14:00
    offset = sign * (*oh * 3600 + *om * 60);
  }
  if (!c.done()) return std::nullopt;
  return TimePoint{d->sys_days().time_since_epoch() + hours{h} + minutes{mi} + seconds{s} -
                   seconds{offset}};
}

}  // namespace djflow::engine
