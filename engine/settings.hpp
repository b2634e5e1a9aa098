// The settings table's schema: every key djflow reads (the engine's and the workflows' [L]/[M]
// defaults, rules.md), its type, range and default. A value is checked here when it is set
// (`init`, `config set`: a bad value is InvalidInput and nothing is stored) and again when it is
// read: a bad value already stored (by an older version or behind djflow's back) never locks the
// user out; it is reported as a warning and the default is used, so `config set` can fix it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/error.hpp"

namespace djflow::engine {

struct SettingSpec {
  enum class Type { Integer, MonthList, Time, TimeZone, Choice, Name };  // Name: min..max bytes of text
  const char* key;
  Type type;
  int min = 0;                 // Integer, MonthList: inclusive range of each number
  int max = 0;
  const char* fallback = "";   // the default, as text
  const char* choices = "";    // Choice: values separated by '|'
};

// Every known setting, in key order.
const std::vector<SettingSpec>& setting_specs();

// OK when `key` is a known setting and `value` fits its type and range. InvalidInput otherwise,
// naming the key, what it expects and (for an unknown key) the nearest known key.
Status validate_setting(const std::string& key, const std::string& value);

struct StoredSettings {
  std::map<std::string, std::string> usable;  // the valid values
  std::vector<Text> warnings;                 // one per stored value that is ignored
};
// Splits stored settings into the usable ones and warnings for the rest (unknown keys and bad
// values: the default applies).
StoredSettings check_stored_settings(const std::map<std::string, std::string>& stored);

}  // namespace djflow::engine
