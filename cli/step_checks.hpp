// Recorded steps that call for a second look (`djflow check`): steps accepted with a flag that
// says something was not, or could not be, checked at the time — a working-day count in a year
// without holiday data (calendar-unknown, recheck after `calendar import`), a meeting of a branch
// with fewer than 3 full members (small-branch) or whose eligible voters differ from the register
// (eligible-differs). Read-only.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "cli/app.hpp"

namespace djflow::cli {

struct FlaggedStep {
  engine::Case c;
  engine::EventRecord event;
  std::vector<std::string> flags;         // the flags that call for attention
  // calendar-unknown with a from/to period: the working days by today's calendar, and whether
  // the calendar now has data for every year of the period.
  std::optional<int> working_days_now;
  bool calendar_covers_now = false;
};

engine::Result<std::vector<FlaggedStep>> flagged_steps(Cli& cli);
Json flagged_steps_json(const Cli& cli, const std::vector<FlaggedStep>& steps);
void print_flagged_steps(const Cli& cli, const std::vector<FlaggedStep>& steps, std::ostream& out);

}  // namespace djflow::cli
