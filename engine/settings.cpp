#include "engine/settings.hpp"

#include <algorithm>
#include <charconv>

#include "engine/timezone.hpp"
#include "engine/utf8.hpp"

namespace djflow::engine {

namespace {

using Type = SettingSpec::Type;

std::optional<int> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool in_range(const SettingSpec& spec, std::string_view s) {
  const auto v = parse_int(s);
  return v && *v >= spec.min && *v <= spec.max;
}

bool fits(const SettingSpec& spec, const std::string& value) {
  switch (spec.type) {
    case Type::Integer: return in_range(spec, value);
    case Type::MonthList: {
      if (value.empty()) return false;
      std::size_t from = 0;
      for (;;) {
        const auto comma = value.find(',', from);
        std::string_view part = std::string_view(value).substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        if (!in_range(spec, part)) return false;
        if (comma == std::string::npos) return true;
        from = comma + 1;
      }
    }
    case Type::Time: {
      if (value.size() != 5 || value[2] != ':') return false;
      const auto h = parse_int(std::string_view(value).substr(0, 2));
      const auto m = parse_int(std::string_view(value).substr(3, 2));
      return h && m && *h >= 0 && *h <= 23 && *m >= 0 && *m <= 59;
    }
    case Type::TimeZone: return TimeZone::locate(value).ok();
    case Type::Name:
      return value.size() >= static_cast<std::size_t>(spec.min) && value.size() <= static_cast<std::size_t>(spec.max);
    case Type::Choice: {
      const std::string_view all = spec.choices;
      std::size_t from = 0;
      for (;;) {
        const auto bar = all.find('|', from);
        if (all.substr(from, bar == std::string_view::npos ? std::string_view::npos : bar - from) == value) return true;
        if (bar == std::string_view::npos) return false;
        from = bar + 1;
      }
    }
  }
  return false;
}

Text expectation(const SettingSpec& spec) {
  const std::string lo = std::to_string(spec.min), hi = std::to_string(spec.max);
  switch (spec.type) {
    case Type::Integer: return {lo + " 至 " + hi + " 的整数", "a whole number from " + lo + " to " + hi};
    case Type::MonthList:
      return {"以逗号分隔的月数，每个 " + lo + " 至 " + hi + "（如 4,2,1）",
              "comma-separated month counts, each " + lo + " to " + hi + " (e.g. 4,2,1)"};
    case Type::Time: return {"HH:MM 格式的时刻（00:00 至 23:59）", "a time of day HH:MM (00:00 to 23:59)"};
    case Type::TimeZone: return {"IANA 时区名（如 Asia/Shanghai）", "an IANA time zone name (e.g. Asia/Shanghai)"};
    case Type::Choice: return {std::string("以下之一：") + spec.choices, std::string("one of ") + spec.choices};
    case Type::Name: return {lo + " 至 " + hi + " 字节的名称", "a name of " + lo + " to " + hi + " bytes"};
  }
  return {};
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

const SettingSpec* find_spec(const std::string& key) {
  for (const auto& s : setting_specs())
    if (key == s.key) return &s;
  return nullptr;
}

}  // namespace

const std::vector<SettingSpec>& setting_specs() {
  // Ranges: day counts up to ten years, month counts up to two years (rules.md marks these [L]/[M]).
  static const std::vector<SettingSpec> specs = {
      {"anchor.channel", Type::Name, 1, 200, "", ""},
      {"election.early_grace_days", Type::Integer, 0, 3650, "30", ""},
      {"election.lead_months", Type::MonthList, 1, 24, "4,2,1", ""},
      {"election.majority", Type::Choice, 0, 0, "should-attend", "should-attend|present"},
      {"election.overdue_every_days", Type::Integer, 0, 3650, "30", ""},
      {"election.reply_days", Type::Integer, 0, 3650, "0", ""},
      {"election.request_lead_months", Type::Integer, 0, 24, "1", ""},
      {"life.dues.farmer_amount", Type::Choice, 0, 0, "0.20", "0.20|0.30|0.40|0.50|0.60|0.70|0.80|0.90|1.00"},
      {"life.dues.makeup_months", Type::Integer, 1, 24, "6", ""},
      {"life.dues.warn_months", Type::Integer, 1, 12, "3", ""},
      {"life.period.appraisal", Type::Choice, 0, 0, "year", "month|quarter|half|year|none"},
      {"life.period.committee-meeting", Type::Choice, 0, 0, "month", "month|quarter|half|year|none"},
      {"life.period.general-meeting", Type::Choice, 0, 0, "quarter", "month|quarter|half|year|none"},
      {"life.period.group-meeting", Type::Choice, 0, 0, "month", "month|quarter|half|year|none"},
      {"life.period.lecture", Type::Choice, 0, 0, "quarter", "month|quarter|half|year|none"},
      {"life.period.life-meeting", Type::Choice, 0, 0, "year", "month|quarter|half|year|none"},
      {"life.period.secretary-lecture", Type::Choice, 0, 0, "year", "month|quarter|half|year|none"},
      {"life.period.talk", Type::Choice, 0, 0, "year", "month|quarter|half|year|none"},
      {"life.period.theme-day", Type::Choice, 0, 0, "month", "month|quarter|half|year|none"},
      {"life.remind_days", Type::Integer, 1, 60, "10", ""},
      {"life.theme_day", Type::Integer, 1, 28, "15", ""},
      {"life.unqualified.correct_months", Type::Integer, 1, 24, "6", ""},
      {"member.archive_days", Type::Integer, 0, 3650, "30", ""},
      {"rectify.immediate_days", Type::Integer, 0, 3650, "30", ""},
      {"rectify.progress_days", Type::Integer, 0, 3650, "30", ""},
      {"rectify.report_months", Type::Integer, 1, 24, "2", ""},
      {"reminder.time", Type::Time, 0, 0, "09:00", ""},
      {"timezone", Type::TimeZone, 0, 0, "Asia/Shanghai", ""},
  };
  return specs;
}

Status validate_setting(const std::string& key, const std::string& value) {
  DJFLOW_TRY(utf8::check_text(key, Text{"设置名", "the setting name"}, 200));
  DJFLOW_TRY(utf8::check_text(value, Text{"设置 " + key + " 的值", "the value of setting " + key}, 1000));
  const SettingSpec* spec = find_spec(key);
  if (!spec) {
    const SettingSpec* nearest = nullptr;
    std::size_t best = 4;  // suggest only a near miss
    for (const auto& s : setting_specs()) {
      const std::size_t d = edit_distance(key, s.key);
      if (d < best) best = d, nearest = &s;
    }
    std::string known;
    for (const auto& s : setting_specs()) known += (known.empty() ? "" : ", ") + std::string(s.key);
    if (nearest) {
      return Error::invalid({"未知的设置：" + key + "；是否想设置 " + nearest->key + "？",
                             "unknown setting " + key + "; did you mean " + nearest->key + "?"});
    }
    return Error::invalid({"未知的设置：" + key + "（可设置：" + known + "）",
                           "unknown setting " + key + " (known: " + known + ")"});
  }
  if (!fits(*spec, value)) {
    const Text want = expectation(*spec);
    return Error::invalid({"设置 " + key + " 应为" + want.zh + "：" + utf8::escape_for_message(value),
                           "setting " + key + " must be " + want.en + ", got " + utf8::escape_for_message(value)});
  }
  return {};
}

StoredSettings check_stored_settings(const std::map<std::string, std::string>& stored) {
  StoredSettings out;
  for (const auto& [k, v] : stored) {
    if (auto s = validate_setting(k, v); !s) {
      const SettingSpec* spec = find_spec(k);
      const std::string fix = spec ? std::string(spec->fallback) : std::string();
      out.warnings.push_back(
          spec ? Text{s.error().message.zh + "；已忽略数据库中的值，使用默认值 " + fix + "（用 djflow config set 修正）",
                      s.error().message.en + "; the stored value is ignored and the default " + fix +
                          " applies (fix it with djflow config set)"}
               : Text{s.error().message.zh + "；已忽略", s.error().message.en + "; ignored"});
      continue;
    }
    out.usable.emplace(k, v);
  }
  return out;
}

}  // namespace djflow::engine
