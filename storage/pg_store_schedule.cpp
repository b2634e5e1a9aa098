// PgStore, part 3: deadlines, durable timers (claimed FOR UPDATE SKIP LOCKED) and the
// notification outbox.
#include "storage/pg_store.hpp"

#include <algorithm>
#include <map>

#include "storage/entity_image.hpp"
#include "storage/pg_codec.hpp"

namespace djflow::storage {

using engine::CaseId;
using engine::Date;
using engine::Deadline;
using engine::DeadlineRow;
using engine::Error;
using engine::Notification;
using engine::Result;
using engine::Status;
using engine::Text;
using engine::TimePoint;
using engine::Timer;
using detail::from_unix;
using detail::to_unix;
using pg::Params;

// --- deadlines -----------------------------------------------------------------------------------

Result<std::int64_t> PgSchedule::insert_deadline(const Deadline& d) {
  drop_prefetched();  // a case's deadlines change
  Params p;
  p.int64(d.case_id).text(d.kind).text(pg::iso(d.due)).text(pg::iso(d.opened_on)).int64(d.milestone ? 1 : 0)
      .int64(d.overdue_every_days).int64(d.open ? 1 : 0);
  if (d.closed_on) {
    p.text(pg::iso(*d.closed_on));
  } else {
    p.null();
  }
  p.text(d.on_due_event);
  auto r = db().exec("insert_deadline",
                     "INSERT INTO deadlines (case_id, kind, due_date, opened_on, milestone, "
                     "overdue_every_days, open, closed_on, on_due_event) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                     p);
  if (!r) return r.error();
  return r->int64(0, 0);
}

Result<std::vector<Deadline>> PgSchedule::open_deadlines(CaseId id) {
  // Read with the case file of a step whose update_case has since succeeded: those rows
  // (PgBase::prefetched_, decision 0133).
  if (prefetched_ && prefetched_->case_id == id && prefetched_->confirmed) {
    std::vector<Deadline> rows = std::move(prefetched_->rows);
    drop_prefetched();
    return rows;
  }
  return pg::open_deadline_rows(db().exec("open_deadlines", pg::kOpenDeadlines, Params().int64(id)));
}

Status PgSchedule::close_deadline(std::int64_t deadline_id, Date closed_on) {
  drop_prefetched();  // a case's deadlines change
  auto r = db().exec("close_deadline",
                     "UPDATE deadlines SET open = 0, closed_on = $2 WHERE id = $1 AND open = 1",
                     Params().int64(deadline_id).text(pg::iso(closed_on)));
  if (!r) return r.error();
  if (r->affected() == 1) return {};
  auto o = db().exec("close_deadline", "SELECT open FROM deadlines WHERE id = $1", Params().int64(deadline_id));
  if (!o) return o.error();
  const std::string sid = std::to_string(deadline_id);
  if (o->size() == 0) return Error::not_found(Text{"期限 " + sid + " 不存在", "deadline " + sid + " does not exist"});
  return Error::conflict(Text{"期限 " + sid + " 已关闭", "deadline " + sid + " is already closed"});
}

Result<std::vector<DeadlineRow>> PgSchedule::list_open_deadlines(const engine::DeadlineFilter& f) {
  if (f.branches && f.branches->empty()) return std::vector<DeadlineRow>();
  Params p;
  std::string sql = "SELECT " DJFLOW_DEADLINE_COLS ", " DJFLOW_CASE_COLS + pg::deadline_where(f, p);
  pg::limit(p, f.limit);
  sql += " ORDER BY d.due_date, d.case_id, d.id LIMIT $" + std::to_string(p.size());
  auto r = db().exec("list_open_deadlines", sql, p);
  if (!r) return r.error();
  constexpr int kDeadlineColumns = 10;
  std::vector<DeadlineRow> out(static_cast<std::size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) {
    auto& row = out[static_cast<std::size_t>(i)];
    DJFLOW_TRY(pg::decode(*r, i, 0, row.deadline));
    DJFLOW_TRY(pg::decode(*r, i, kDeadlineColumns, row.c));
  }
  return out;
}

// --- timers --------------------------------------------------------------------------------------

namespace {

// A timer's eight columns, in the order of the INSERTs below.
void add_timer(Params& p, const Timer& t) {
  p.text(t.key).int64(t.case_id).int64(t.deadline_id).text(t.kind).text(pg::iso(t.due)).int64(t.offset_days)
      .int64(to_unix(t.fire_at));
  if (t.fired_at) {
    p.int64(to_unix(*t.fired_at));
  } else {
    p.null();
  }
}

}  // namespace

namespace {

// The wake test of a statement that inserts timers, over its data-modifying `t` (RETURNING
// fire_at, fired_at: the rows inserted): true when one of them is pending and due before every
// timer pending before the statement (the main query sees the table as it was then). Tested once
// per statement, with the earliest of them (a timer due before every pending one exists exactly
// when the earliest is): true when no pending timer is due at or before it. Asked as "the latest
// pending timer due no later than it", ORDER BY fire_at DESC LIMIT 1 in a scalar sub-query: one
// index scan of the partial index timers_due, backwards from the new timer's fire_at, whatever
// the planner's statistics (decision 0140). It stops at the first pending timer below, where
// min() started at the index's low end and walked every entry there of timers deleted or fired
// by transactions the scan cannot yet ignore, more of them the more writers run at once. (Before
// decision 0133, a per-timer NOT EXISTS (... fire_at <= $x) was a probe per timer, and could be
// planned as a bitmap scan of every pending timer up to $x: an EXISTS drops its ORDER BY.)
constexpr const char* kWakeTest =
    "EXISTS (SELECT 1 FROM (SELECT min(fire_at) AS m FROM t WHERE fired_at IS NULL) n WHERE n.m IS NOT NULL "
    "AND (SELECT o.fire_at FROM timers o WHERE o.fired_at IS NULL AND o.fire_at <= n.m "
    "ORDER BY o.fire_at DESC LIMIT 1) IS NULL)";

}  // namespace

Result<bool> PgSchedule::insert_timer(const Timer& t) {
  Params p;
  add_timer(p, t);
  // RETURNING tells whether the new timer is due before every pending one (the subquery sees the
  // table as it was before this statement): then the daemons must re-plan, and are woken. The
  // pending timers are read as in kWakeTest.
  dropped_timers_.inserted = true;
  auto r = db().exec("insert_timer",
                     "INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, "
                     "fire_at, fired_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                     "ON CONFLICT (key) DO NOTHING RETURNING $8::bigint IS NULL AND "
                     "(SELECT o.fire_at FROM timers o WHERE o.fired_at IS NULL AND o.fire_at <= $7::bigint "
                     "ORDER BY o.fire_at DESC LIMIT 1) IS NULL",
                     p);
  if (!r) return r.error();
  if (r->size() == 1 && r->text(0, 0) == "t") DJFLOW_TRY(notify_wake());
  return r->size() == 1;
}

Result<std::vector<bool>> PgSchedule::insert_timers(const std::vector<Timer>& ts) {
  if (ts.size() <= 1 || ts.size() > 1000) return ScheduleStore::insert_timers(ts);
  // One multi-row INSERT for a deadline's timers (decision 0128), RETURNING the keys inserted,
  // each with the statement's wake test (kWakeTest: against the timers as they were before the
  // statement). A key twice in the batch is inserted once, as two inserts in turn would.
  Params p;
  std::string sql =
      "WITH t AS (INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, fire_at, fired_at) "
      "VALUES ";
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const Timer& t = ts[i];
    const int b = p.size();
    sql += i == 0 ? "(" : ", (";
    for (int k = 1; k <= 8; ++k) sql += (k == 1 ? "$" : ", $") + std::to_string(b + k) + (k == 7 || k == 8 ? "::bigint" : "");
    sql += ")";
    add_timer(p, t);
  }
  sql += " ON CONFLICT (key) DO NOTHING RETURNING key, fire_at, fired_at) SELECT t.key, w.wake FROM t, (SELECT " +
         std::string(kWakeTest) + " AS wake) w";
  dropped_timers_.inserted = true;
  auto r = db().exec("insert_timers", sql, p);
  if (!r) return r.error();
  std::map<std::string, bool> inserted;
  bool wake = false;
  for (int i = 0; i < r->size(); ++i) {
    inserted.emplace(r->string(i, 0), true);
    wake |= r->text(i, 1) == "t";
  }
  if (wake) DJFLOW_TRY(notify_wake());
  std::vector<bool> out;
  out.reserve(ts.size());
  for (const auto& t : ts) {
    auto it = inserted.find(t.key);
    out.push_back(it != inserted.end() && it->second);
    if (it != inserted.end()) it->second = false;  // the same key again in the batch: not inserted
  }
  return out;
}

const std::string& PgSchedule::deadline_with_timers_sql(std::size_t timers, bool wake_test) {
  const std::size_t at = 2 * timers + (wake_test ? 1 : 0);
  if (deadline_with_timers_sql_.size() <= at) deadline_with_timers_sql_.resize(at + 1);
  std::string& sql = deadline_with_timers_sql_[at];
  if (!sql.empty()) return sql;
  sql =
      "WITH d AS (INSERT INTO deadlines (case_id, kind, due_date, opened_on, milestone, overdue_every_days, open, "
      "closed_on, on_due_event) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id), "
      "t AS (INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, fire_at, fired_at) "
      "SELECT v.key, v.case_id, d.id, v.kind, v.due_date, v.offset_days, v.fire_at, v.fired_at FROM d, (VALUES ";
  static constexpr const char* kTypes[] = {"text", "bigint", "text", "text", "bigint", "bigint", "bigint"};
  int b = 9;  // the deadline's parameters, then seven per timer
  for (std::size_t i = 0; i < timers; ++i, b += 7) {
    sql += i == 0 ? "(" : ", (";
    for (int k = 1; k <= 7; ++k)
      sql += (k == 1 ? "$" : ", $") + std::to_string(b + k) + (i == 0 ? std::string("::") + kTypes[k - 1] : "");
    sql += ")";
  }
  sql += ") AS v (key, case_id, kind, due_date, offset_days, fire_at, fired_at) ON CONFLICT (key) DO NOTHING "
         "RETURNING fire_at, fired_at) "
         "SELECT (SELECT id FROM d), " +
         std::string(wake_test ? kWakeTest : "false");
  return sql;
}

Result<std::int64_t> PgSchedule::insert_deadline_with_timers(const Deadline& d, std::vector<Timer> ts) {
  drop_prefetched();  // a case's deadlines change
  if (ts.empty() || ts.size() > 1000) return ScheduleStore::insert_deadline_with_timers(d, std::move(ts));
  // The deadline and its timers in one statement: the timers take the deadline's new id from the
  // first sub-statement (the foreign key is checked at the statement's end, when both exist). A
  // timer whose key exists is not inserted, as in insert_timers, and the wake test is the same.
  Params p;
  p.int64(d.case_id).text(d.kind).text(pg::iso(d.due)).text(pg::iso(d.opened_on)).int64(d.milestone ? 1 : 0)
      .int64(d.overdue_every_days).int64(d.open ? 1 : 0);
  if (d.closed_on) {
    p.text(pg::iso(*d.closed_on));
  } else {
    p.null();
  }
  p.text(d.on_due_event);
  for (const Timer& t : ts) {
    p.text(t.key).int64(t.case_id).text(t.kind).text(detail::IsoDate(t.due).view()).int64(t.offset_days)
        .int64(to_unix(t.fire_at));
    if (t.fired_at) {
      p.int64(to_unix(*t.fired_at));
    } else {
      p.null();
    }
  }
  // The wake test is left out when a pending timer this transaction dropped, due no later than
  // every new pending timer, still stands for the daemons (PgBase::DroppedTimers, decision 0135).
  // The INSERT of `t` runs all the same: a data-modifying WITH runs whether it is read or not.
  std::optional<std::int64_t> earliest_new;
  for (const Timer& t : ts)
    if (!t.fired_at) earliest_new = std::min(earliest_new.value_or(to_unix(t.fire_at)), to_unix(t.fire_at));
  const bool no_wake_needed = db().in_transaction() && !dropped_timers_.inserted &&
                              dropped_timers_.earliest_dropped && earliest_new &&
                              *dropped_timers_.earliest_dropped <= *earliest_new;
  dropped_timers_.inserted = true;
  auto r = db().exec("insert_deadline_with_timers", deadline_with_timers_sql(ts.size(), !no_wake_needed), p);
  if (!r) return r.error();
  if (r->text(0, 1) == "t") DJFLOW_TRY(notify_wake());
  return r->int64(0, 0);
}

Status PgSchedule::close_deadline_with_timers(std::int64_t deadline_id, Date closed_on) {
  drop_prefetched();  // a case's deadlines change
  // The close and the drop in one statement; the timers go only if the deadline closed.
  // It also returns the earliest of the timers it dropped, for the wake test's shortcut.
  auto r = db().exec("close_deadline_with_timers",
                     "WITH d AS (UPDATE deadlines SET open = 0, closed_on = $2 WHERE id = $1 AND open = 1 "
                     "RETURNING id), t AS (DELETE FROM timers WHERE deadline_id = $1 AND fired_at IS NULL "
                     "AND EXISTS (SELECT 1 FROM d) RETURNING fire_at) "
                     "SELECT (SELECT count(*) FROM d), (SELECT min(fire_at) FROM t)",
                     Params().int64(deadline_id).text(pg::iso(closed_on)));
  if (!r) return r.error();
  if (r->int64(0, 0) == 1) {
    if (db().in_transaction() && !dropped_timers_.inserted && !r->is_null(0, 1)) {
      const std::int64_t dropped = r->int64(0, 1);
      dropped_timers_.earliest_dropped = std::min(dropped_timers_.earliest_dropped.value_or(dropped), dropped);
    }
    return {};
  }
  return close_deadline(deadline_id, closed_on);  // changes nothing now: says why (NotFound, Conflict)
}

Result<std::vector<Timer>> PgSchedule::due_timers(TimePoint now, std::size_t limit) {
  Params p;
  p.int64(to_unix(now));
  pg::limit(p, limit);
  // In a transaction (a tick) the batch is claimed: rows another tick holds are skipped, and a
  // row fired meanwhile is re-checked against fired_at IS NULL before it is returned.
  const char* sql = db().in_transaction()
      ? "SELECT " DJFLOW_TIMER_COLS " FROM timers t WHERE t.fired_at IS NULL AND t.fire_at <= $1 "
        "ORDER BY t.fire_at, t.id LIMIT $2 FOR UPDATE SKIP LOCKED"
      : "SELECT " DJFLOW_TIMER_COLS " FROM timers t WHERE t.fired_at IS NULL AND t.fire_at <= $1 "
        "ORDER BY t.fire_at, t.id LIMIT $2";
  return pg::collect<Timer>(db().exec("due_timers", sql, p));
}

Result<std::vector<Timer>> PgSchedule::pending_timers(std::int64_t deadline_id) {
  return pg::collect<Timer>(db().exec(
      "pending_timers",
      "SELECT " DJFLOW_TIMER_COLS " FROM timers t WHERE t.deadline_id = $1 AND t.fired_at IS NULL "
      "ORDER BY t.fire_at, t.id",
      Params().int64(deadline_id)));
}

Status PgSchedule::mark_timer_fired(std::int64_t timer_id, TimePoint at) {
  auto r = db().exec("mark_timer_fired", "UPDATE timers SET fired_at = $2 WHERE id = $1 AND fired_at IS NULL",
                     Params().int64(timer_id).int64(to_unix(at)));
  if (!r) return r.error();
  if (r->affected() == 1) return {};
  auto f = db().exec("mark_timer_fired", "SELECT fired_at FROM timers WHERE id = $1", Params().int64(timer_id));
  if (!f) return f.error();
  const std::string sid = std::to_string(timer_id);
  if (f->size() == 0) return Error::not_found(Text{"提醒 " + sid + " 不存在", "timer " + sid + " does not exist"});
  return Error::conflict(Text{"提醒 " + sid + " 已触发过", "timer " + sid + " has already fired"});
}

Status PgSchedule::drop_pending_timers(std::int64_t deadline_id) {
  auto r = db().exec("drop_pending_timers", "DELETE FROM timers WHERE deadline_id = $1 AND fired_at IS NULL",
                     Params().int64(deadline_id));
  if (!r) return r.error();
  return {};
}

Result<std::optional<TimePoint>> PgSchedule::next_timer_at() {
  auto r = db().exec("next_timer_at", "SELECT min(fire_at) FROM timers WHERE fired_at IS NULL");
  if (!r) return r.error();
  if (r->size() == 0 || r->is_null(0, 0)) return std::optional<TimePoint>();
  return std::optional<TimePoint>(from_unix(r->int64(0, 0)));
}

// --- notifications -------------------------------------------------------------------------------

Result<std::optional<std::int64_t>> PgOutbox::insert_notification(const Notification& n) {
  Params p;
  p.text(n.key).int64(n.case_id).text(n.workflow).text(n.branch).text(n.kind).text(pg::iso(n.due))
      .int64(n.days_left).int64(to_unix(n.created_at)).text(n.text.zh).text(n.text.en);
  // Ids in commit order (lock_entity_chain): the router reads notifications after an id.
  DJFLOW_TRY(lock_entity_chain());
  auto r = db().exec("insert_notification",
                     "INSERT INTO notifications (key, case_id, workflow, branch, kind, due_date, "
                     "days_left, created_at, text_zh, text_en) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                     "ON CONFLICT (key) DO NOTHING RETURNING id",
                     p);
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<std::int64_t>();
  const std::int64_t id = r->int64(0, 0);
  DJFLOW_TRY(log_change("notification", std::to_string(id), "insert"));
  return std::optional<std::int64_t>(id);
}

Result<std::vector<std::optional<std::int64_t>>> PgOutbox::insert_notifications(const std::vector<Notification>& ns) {
  std::vector<std::optional<std::int64_t>> ids(ns.size());
  if (!db().in_transaction()) {  // autocommit: one transaction each, as insert_notification does
    for (std::size_t i = 0; i < ns.size(); ++i) {
      auto id = insert_notification(ns[i]);
      if (!id) return id.error();
      ids[i] = id.value();
    }
    return ids;
  }
  // A key twice in `ns`: only its first gets a row, as one insert after another would do.
  std::map<std::string, std::size_t> first;
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < ns.size(); ++i)
    if (first.emplace(ns[i].key, i).second) todo.push_back(i);
  if (todo.empty()) return ids;
  // Ids in commit order (lock_entity_chain), taken once for the batch, just before its rows.
  DJFLOW_TRY(lock_entity_chain());
  constexpr std::size_t kChunk = 500;  // 10 parameters a row
  for (std::size_t from = 0; from < todo.size(); from += kChunk) {
    const std::size_t to = std::min(todo.size(), from + kChunk);
    Params p;
    std::string sql =
        "INSERT INTO notifications (key, case_id, workflow, branch, kind, due_date, days_left, created_at, "
        "text_zh, text_en) VALUES ";
    for (std::size_t j = from; j < to; ++j) {
      const Notification& n = ns[todo[j]];
      const int b = p.size();
      sql += j == from ? "(" : ", (";
      for (int k = 1; k <= 10; ++k) sql += (k == 1 ? "$" : ", $") + std::to_string(b + k);
      sql += ")";
      p.text(n.key).int64(n.case_id).text(n.workflow).text(n.branch).text(n.kind).text(pg::iso(n.due))
          .int64(n.days_left).int64(to_unix(n.created_at)).text(n.text.zh).text(n.text.en);
    }
    // The new rows with their tracked columns (the entity image), as log_change would read them.
    sql += " ON CONFLICT (key) DO NOTHING RETURNING id, " + detail::column_list(*detail::find_tracked("notification"));
    auto r = db().exec("insert_notifications", sql, p);
    if (!r) return r.error();
    std::vector<int> rows(static_cast<std::size_t>(r->size()));
    for (int i = 0; i < r->size(); ++i) {
      rows[static_cast<std::size_t>(i)] = i;
      ids[first.at(r->string(i, 1))] = r->int64(i, 0);  // column 1: key, the image's first
    }
    // Their entity events in id order, as one insert after another would have appended them.
    std::sort(rows.begin(), rows.end(), [&](int a, int b) { return r->int64(a, 0) < r->int64(b, 0); });
    DJFLOW_TRY(log_inserts("notification", *r, rows, 0, 1));
  }
  return ids;
}

Result<std::vector<Notification>> PgOutbox::notifications_since(std::int64_t after_id, std::size_t limit) {
  Params p;
  p.int64(after_id);
  pg::limit(p, limit);
  return pg::collect<Notification>(db().exec(
      "notifications_since",
      "SELECT " DJFLOW_NOTIFICATION_COLS " FROM notifications n WHERE n.id > $1 ORDER BY n.id LIMIT $2", p));
}

}  // namespace djflow::storage
