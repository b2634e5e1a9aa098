// Settings (key/value: "timezone", "reminder.time", the [L]/[M] rule defaults) and the
// working-day calendar (official holidays and make-up working days).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/error.hpp"

namespace djflow::engine {

class SettingsStore {
 public:
  virtual ~SettingsStore() = default;

  virtual Result<std::optional<std::string>> setting(const std::string& key) = 0;
  virtual Status set_setting(const std::string& key, const std::string& value) = 0;
  virtual Result<std::map<std::string, std::string>> all_settings() = 0;

  virtual Result<std::vector<HolidayRow>> holidays() = 0;
  virtual Status upsert_holiday(const HolidayRow& row) = 0;
};

}  // namespace djflow::engine
