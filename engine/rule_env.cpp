#include "engine/rule_env.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace djflow::engine {

namespace {
inline constexpr const char* kTimeZoneKey = "timezone";
inline constexpr const char* kReminderTimeKey = "reminder.time";
}  // namespace

Result<RuleEnv> RuleEnv::from(const std::map<std::string, std::string>& settings,
                              const std::vector<HolidayRow>& holidays) {
  auto zone = TimeZone::locate(kDefaultTimeZone);
  DJFLOW_TRY(zone);
  RuleEnv env{Config(settings), WorkCalendar(holidays), zone.value()};
  if (auto tz = env.config.get(kTimeZoneKey)) {
    auto z = TimeZone::locate(*tz);
    DJFLOW_TRY(z);
    env.zone = z.value();
  }
  if (auto t = env.config.get(kReminderTimeKey)) {
    int h = -1, m = -1;
    if (std::sscanf(t->c_str(), "%d:%d", &h, &m) != 2 || h < 0 || h > 23 || m < 0 || m > 59) {
      return Error::invalid({"设置 reminder.time 应为 HH:MM：" + *t,
                             "setting reminder.time must be HH:MM, got " + *t});
    }
    env.reminder_hour = h;
    env.reminder_minute = m;
  }
  return env;
}

void RuleTimeline::add(const EntityEvent& e) {
  if (e.entity == "case") {
    const auto j = nlohmann::json::parse(e.data, nullptr, false);
    if (j.is_object() && j.contains("branch") && j["branch"].is_string()) {
      auto& v = case_branches_[e.key];
      const std::string b = j["branch"].get<std::string>();
      if (v.empty() || v.back().second != b) v.emplace_back(e.recorded_at, b);
    }
    return;
  }
  if (e.entity != "setting" && e.entity != "holiday") return;
  if (pending_ && *pending_ != e.recorded_at) snapshot(*pending_);
  pending_ = e.recorded_at;
  const auto j = nlohmann::json::parse(e.data, nullptr, false);
  const bool present = j.is_object();
  if (e.entity == "setting") {
    if (present && j.contains("value") && j["value"].is_string()) settings_[e.key] = j["value"].get<std::string>();
    else settings_.erase(e.key);
    return;
  }
  auto d = Date::parse(e.key);
  if (!d) return;
  if (!present) {
    holidays_.erase(*d);
    return;
  }
  HolidayRow row;
  row.date = *d;
  row.day_off = j.value("kind", std::string("off")) == "off";
  row.name = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : "";
  holidays_[*d] = row;
}

void RuleTimeline::snapshot(TimePoint from) {
  std::vector<HolidayRow> rows;
  rows.reserve(holidays_.size());
  for (const auto& [d, r] : holidays_) rows.push_back(r);
  auto env = RuleEnv::from(settings_, rows);
  // A setting that no longer parses was refused when set (or set behind djflow's back, which the
  // entity check reports): judge with the defaults for it rather than fail the whole replay.
  if (!env) env = RuleEnv::from({}, rows);
  if (env) snapshots_.emplace_back(from, std::move(env.value()));
}

void RuleTimeline::finish() {
  if (pending_) snapshot(*pending_);
  pending_.reset();
}

const RuleEnv& RuleTimeline::at(TimePoint t) const {
  if (snapshots_.empty()) return current_;
  const RuleEnv* found = &snapshots_.front().second;
  for (const auto& [from, env] : snapshots_)
    if (from <= t) found = &env;
  return *found;
}

std::optional<std::string> RuleTimeline::case_branch_at(std::int64_t id, TimePoint t) const {
  auto it = case_branches_.find(std::to_string(id));
  if (it == case_branches_.end() || it->second.empty()) return std::nullopt;
  // A later binding applies to steps recorded after it; a step recorded at the same instant as a
  // transfer (a simulated clock, or within the same second) was recorded before it.
  const std::string* found = &it->second.front().second;
  for (std::size_t i = 1; i < it->second.size(); ++i)
    if (it->second[i].first < t) found = &it->second[i].second;
  return *found;
}

std::vector<const RuleEnv*> RuleTimeline::all() const {
  std::vector<const RuleEnv*> out{&current_};
  for (const auto& [from, env] : snapshots_) out.push_back(&env);
  return out;
}

}  // namespace djflow::engine
