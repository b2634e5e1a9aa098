// Pure pieces of deriving deadlines and reminders, shared by recording (Engine::sync_deadlines,
// which writes them) and replay (Engine::replay, which compares them with the store).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/model.hpp"
#include "engine/rule_env.hpp"
#include "engine/workflow.hpp"

namespace djflow::engine {

// "<case>:<kind>:<due>:<offset>", the UNIQUE key of a reminder (invariant I4).
std::string timer_key(CaseId id, const std::string& kind, Date due, int offset);

// Which of the open deadlines close (no spec of the same kind and due date is open after the
// step) and which specs open (no open deadline has their kind and due date): indexes.
struct DeadlinePlan {
  std::vector<std::size_t> close;
  std::vector<std::size_t> open;
};
DeadlinePlan plan_deadlines(const std::vector<Deadline>& open_now,
                            const std::vector<DeadlineSpec>& specs);

// The deadline row a spec opens on case `id` (id 0, open).
Deadline deadline_from(const DeadlineSpec& s, CaseId id);

// The reminder timers scheduled when `d` opens (deadline_id d.id): the spec's offsets the span
// allows, the first overdue repeat, and the on-due tick (decision 0021).
std::vector<Timer> planned_timers(const Deadline& d, const DeadlineSpec& spec, const RuleEnv& env);

// A deadline opened by a correction (issue 9 §2) does not get the reminders before or on its due
// date whose time had passed when the correction was recorded: they are not sent again. The
// overdue repeat and the on-due tick stay.
void drop_passed_reminders(std::vector<Timer>& timers, TimePoint corrected_at);

}  // namespace djflow::engine
