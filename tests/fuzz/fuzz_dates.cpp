// Fuzz target: dates (Date::parse, every --date and stored date) and instants (--now,
// DJFLOW_NOW: parse_instant in the organisation's zone). Properties: no crash, no UB; a parsed
// date prints back to the same text; an instant parses to the same point however often.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/date.hpp"
#include "engine/timezone.hpp"

using djflow::engine::Date;
using djflow::engine::TimeZone;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const TimeZone zone = [] {
    auto z = TimeZone::locate("Asia/Shanghai");
    if (!z) std::abort();
    return z.value();
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto d = Date::parse(text)) {
    std::string canonical = text;  // YYYY-MM-DD or YYYY/MM/DD, nothing else
    if (canonical[4] == '/') canonical[4] = canonical[7] = '-';
    if (d->iso() != canonical) std::abort();
    if (Date::parse(d->iso()) != d) std::abort();
  }
  const auto a = djflow::engine::parse_instant(text, zone);
  const auto b = djflow::engine::parse_instant(text, zone);
  if (a.has_value() != b.has_value() || (a && *a != *b)) std::abort();
  return 0;
}
