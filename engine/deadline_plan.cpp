#include "engine/deadline_plan.hpp"

#include <algorithm>
#include <charconv>

namespace djflow::engine {

std::string timer_key(CaseId id, const std::string& kind, Date due, int offset) {
  // "id:kind:due:offset", in one string (each step plans a few timers).
  char number[24];
  std::string key;
  key.reserve(kind.size() + 40);
  key.append(number, std::to_chars(number, number + sizeof number, id).ptr);
  key += ':';
  key += kind;
  key += ':';
  key += due.iso();
  key += ':';
  key.append(number, std::to_chars(number, number + sizeof number, offset).ptr);
  return key;
}

DeadlinePlan plan_deadlines(const std::vector<Deadline>& open_now,
                            const std::vector<DeadlineSpec>& specs) {
  DeadlinePlan plan;
  for (std::size_t i = 0; i < open_now.size(); ++i) {
    const auto& d = open_now[i];
    const bool still = std::any_of(specs.begin(), specs.end(), [&](const DeadlineSpec& s) {
      return s.kind == d.kind && s.due == d.due;
    });
    if (!still) plan.close.push_back(i);
  }
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& s = specs[i];
    const bool exists = std::any_of(open_now.begin(), open_now.end(), [&](const Deadline& d) {
      return s.kind == d.kind && s.due == d.due;
    });
    if (!exists) plan.open.push_back(i);
  }
  return plan;
}

Deadline deadline_from(const DeadlineSpec& s, CaseId id) {
  Deadline d;
  d.case_id = id;
  d.kind = s.kind;
  d.due = s.due;
  d.opened_on = s.opened_on;
  d.milestone = s.milestone;
  d.overdue_every_days = s.overdue_every_days;
  d.on_due_event = s.on_due_event;
  return d;
}

std::vector<Timer> planned_timers(const Deadline& d, const DeadlineSpec& spec, const RuleEnv& env) {
  std::vector<Timer> out;
  out.reserve(spec.offsets.size() + 2);
  auto add = [&](int offset) {
    Timer t;
    t.key = timer_key(d.case_id, d.kind, d.due, offset);
    t.case_id = d.case_id;
    t.deadline_id = d.id;
    t.kind = d.kind;
    t.due = d.due;
    t.offset_days = offset;
    t.fire_at = env.reminder_instant(d.due.add_days(offset));
    out.push_back(std::move(t));
  };
  for (int off : spec.offsets) {
    if (off != 0 && d.due.add_days(off) <= d.opened_on) continue;  // the span does not allow it
    add(off);
  }
  if (d.overdue_every_days > 0) add(d.overdue_every_days);
  // The tick that records on_due_event: the day after the due date, at the reminder time.
  if (!d.on_due_event.empty() && d.overdue_every_days != 1) add(1);
  return out;
}

void drop_passed_reminders(std::vector<Timer>& timers, TimePoint corrected_at) {
  std::erase_if(timers, [&](const Timer& t) { return t.offset_days <= 0 && t.fire_at < corrected_at; });
}

}  // namespace djflow::engine
