// Deadlines derived from cases and their durable reminder timers (I4, I6). The table of timers
// is the only timer store: a daemon only arms a wake-up for next_timer_at().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/model.hpp"

namespace djflow::engine {

// An open deadline joined with the case it belongs to, for listings.
struct DeadlineRow {
  Deadline deadline;
  Case c;
};

struct DeadlineFilter {
  std::optional<Date> due_on_or_before;  // nullopt: all open deadlines
  std::optional<std::string> branch;
  std::optional<std::string> workflow;
  std::optional<CaseId> case_id;
  std::size_t limit = 0;
  // Any of these organisations (a user's subtree); an empty set selects no deadline.
  std::optional<std::vector<std::string>> branches;
  bool skip_milestones = false;  // overdue lists: a milestone is never overdue
};

class ScheduleStore {
 public:
  virtual ~ScheduleStore() = default;

  virtual Result<std::int64_t> insert_deadline(const Deadline& d) = 0;  // ignores d.id
  virtual Result<std::vector<Deadline>> open_deadlines(CaseId id) = 0;
  // NotFound for an unknown id, Conflict when the deadline is already closed.
  virtual Status close_deadline(std::int64_t deadline_id, Date closed_on) = 0;
  // Open deadlines joined with their cases, ordered by due date then case id.
  virtual Result<std::vector<DeadlineRow>> list_open_deadlines(const DeadlineFilter& f) = 0;
  // How many open deadlines list_open_deadlines(f) would return without its limit.
  virtual Result<std::int64_t> count_open_deadlines(const DeadlineFilter& f) = 0;

  // Inserts unless a timer with the same key exists. Returns true when inserted.
  virtual Result<bool> insert_timer(const Timer& t) = 0;
  // Inserts several (one deadline's), each unless its key exists (or an earlier one of `ts` has
  // it): for each, in order, whether it was inserted. A backend may write them in one statement
  // (PostgreSQL: decision 0128); this default inserts them in turn.
  virtual Result<std::vector<bool>> insert_timers(const std::vector<Timer>& ts) {
    std::vector<bool> out;
    out.reserve(ts.size());
    for (const auto& t : ts) {
      auto r = insert_timer(t);
      if (!r.ok()) return r.error();
      out.push_back(r.value());
    }
    return out;
  }
  // What a step does when it opens a deadline: insert_deadline(d), then insert_timers(ts) with
  // each timer's deadline_id set to the new id; returns that id. What a step does when a deadline
  // closes: close_deadline, then drop_pending_timers of it (nothing dropped when the close fails).
  // These defaults make the calls in turn (SQLite: no round trips to save); PostgreSQL writes
  // each pair in one statement (decision 0130).
  virtual Result<std::int64_t> insert_deadline_with_timers(const Deadline& d, std::vector<Timer> ts) {
    auto id = insert_deadline(d);
    if (!id.ok() || ts.empty()) return id;
    for (auto& t : ts) t.deadline_id = id.value();
    auto r = insert_timers(ts);
    if (!r.ok()) return r.error();
    return id;
  }
  virtual Status close_deadline_with_timers(std::int64_t deadline_id, Date closed_on) {
    DJFLOW_TRY(close_deadline(deadline_id, closed_on));
    return drop_pending_timers(deadline_id);
  }
  // Unfired timers with fire_at <= now, ordered by fire_at, at most `limit` (0: all).
  virtual Result<std::vector<Timer>> due_timers(TimePoint now, std::size_t limit) = 0;
  // Unfired timers of one deadline.
  virtual Result<std::vector<Timer>> pending_timers(std::int64_t deadline_id) = 0;
  // NotFound for an unknown id, Conflict when the timer already fired (I4).
  virtual Status mark_timer_fired(std::int64_t timer_id, TimePoint at) = 0;
  // Deletes the unfired timers of a deadline (when it closes).
  virtual Status drop_pending_timers(std::int64_t deadline_id) = 0;
  // The earliest unfired fire_at, if any.
  virtual Result<std::optional<TimePoint>> next_timer_at() = 0;
};

}  // namespace djflow::engine
