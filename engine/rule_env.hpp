// The settings and calendar that judge steps and place reminders: what Engine::load reads from
// the store now, and, for replay (`djflow verify`, Engine::replay), what was in force when each
// past step was recorded, rebuilt from the entity history of settings and holidays.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/clock.hpp"
#include "engine/error.hpp"
#include "engine/entity_log.hpp"
#include "engine/timezone.hpp"
#include "engine/workflow.hpp"

namespace djflow::engine {

struct RuleEnv {
  Config config;
  WorkCalendar calendar;
  TimeZone zone;
  int reminder_hour = 9;
  int reminder_minute = 0;

  // The instant a reminder for day `d` falls due (reminder time, organisation's zone).
  TimePoint reminder_instant(Date d) const { return zone.at(d, reminder_hour, reminder_minute); }
  // Defaults (Asia/Shanghai, 09:00, no holidays) overridden by `settings`. InvalidInput names a
  // bad timezone or reminder.time.
  static Result<RuleEnv> from(const std::map<std::string, std::string>& settings,
                              const std::vector<HolidayRow>& holidays);
};

// The RuleEnvs of the past, one per moment the settings or holidays changed. Fed the entity
// events of settings ("setting") and holidays ("holiday") in chain order.
class RuleTimeline {
 public:
  explicit RuleTimeline(RuleEnv current) : current_(std::move(current)) {}
  // Takes the change if `e` is a setting or holiday event; ignores other entities.
  void add(const EntityEvent& e);
  // Call once after the last add().
  void finish();
  // The env in force at `t`: the last change at or before t (the earliest one when t precedes
  // them all; the current env when the history holds none).
  const RuleEnv& at(TimePoint t) const;
  // Every env that was ever in force (reminder times are checked against each).
  std::vector<const RuleEnv*> all() const;
  // The organisation case `id` belonged to at `t`, from its binding's entity events ("case"):
  // a step is judged in the organisation of its case when it was recorded, also after the person
  // and their open cases were transferred (组织关系转接, issue 9). nullopt when none is known.
  std::optional<std::string> case_branch_at(std::int64_t id, TimePoint t) const;

 private:
  void snapshot(TimePoint from);
  RuleEnv current_;
  std::map<std::string, std::string> settings_;
  std::map<Date, HolidayRow> holidays_;
  std::optional<TimePoint> pending_;  // time of the changes not yet snapshotted
  std::vector<std::pair<TimePoint, RuleEnv>> snapshots_;
  std::map<std::string, std::vector<std::pair<TimePoint, std::string>>> case_branches_;  // by case id
};

}  // namespace djflow::engine
