// Fuzz target: stored setting values as the engine reads them: integers (member.archive_days,
// rectify.progress_days, ... via Config::get_int), the reminder time HH:MM (reminder.time) and
// month lists (election.lead_months). Properties: no crash, no UB; values come out in range.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "engine/runtime/routing.hpp"
#include "engine/workflow.hpp"
#include "workflows/election/election_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const djflow::engine::Config config({{"member.archive_days", text}, {"election.lead_months", text}});
  const int days = config.get_int("member.archive_days", 30);
  if (text.empty() && days != 30) std::abort();
  for (int m : djflow::workflows::election::lead_months(config))
    if (m <= 0 || m > 24) std::abort();
  int h = -1, m = -1;
  if (djflow::engine::runtime::parse_hhmm(text, h, m) && (h < 0 || h > 23 || m < 0 || m > 59)) std::abort();
  return 0;
}
