#include "storage/statement_cache.hpp"

#include <utility>

namespace djflow::storage::detail {

using engine::Result;

namespace {

// kSql[q] is the text of Q q: keep both lists in the same order.
// clang-format off
constexpr std::array<const char*, static_cast<std::size_t>(Q::Count)> kSql = {
  "BEGIN IMMEDIATE",
  "COMMIT",
  "ROLLBACK",
  "SAVEPOINT djflow_nested",  // a write inside the caller's transaction (the web's Idempotency-Key)
  "RELEASE djflow_nested",
  // settings
  "SELECT value FROM settings WHERE key = ?1",
  "INSERT INTO settings (key, value) VALUES (?1, ?2) "
  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  "SELECT key, value FROM settings ORDER BY key",
  // holidays
  // In rowid order; SqliteSettings::holidays() sorts by date (cheaper than the index walk,
  // which looked each row up again: issue 7 §6, eighth pass).
  "SELECT date, kind, name FROM holidays",
  "INSERT INTO holidays (date, kind, name) VALUES (?1, ?2, ?3) "
  "ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name",
  // branches
  "INSERT INTO branches (code, name, kind, parent, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
  "SELECT " DJFLOW_BRANCH_COLS " FROM branches b WHERE b.code = ?1",
  "SELECT " DJFLOW_BRANCH_COLS " FROM branches b ORDER BY b.code",
  // persons
  "INSERT INTO persons (name, branch, born, status, joined, created_at, key, phone) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  "SELECT " DJFLOW_PERSON_COLS " FROM persons p WHERE p.id = ?1",
  "SELECT " DJFLOW_PERSON_COLS " FROM persons p ORDER BY p.id",
  "SELECT " DJFLOW_PERSON_COLS " FROM persons p WHERE p.branch = ?1 ORDER BY p.id",
  "UPDATE persons SET status = ?2, joined = ?3 WHERE id = ?1",
  "SELECT " DJFLOW_PERSON_COLS " FROM persons p WHERE p.name = ?1 ORDER BY p.id",
  "SELECT " DJFLOW_PERSON_COLS " FROM persons p WHERE p.key = ?1",
  "UPDATE persons SET name = ?2, branch = ?3, born = ?4, status = ?5, joined = ?6, key = ?7, "
  "phone = ?8, change_reason = ?9 WHERE id = ?1",
  // cases
  "INSERT INTO cases (workflow, person_id, branch, title, state, version, head_hash, created_at, "
  "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8)",
  "SELECT " DJFLOW_CASE_COLS " FROM cases c WHERE c.id = ?1",
  "SELECT version FROM cases WHERE id = ?1",
  "UPDATE cases SET state = ?3, version = version + 1, head_hash = ?4, updated_at = ?5 "
  "WHERE id = ?1 AND version = ?2",
  // events
  "INSERT INTO events (case_id, seq, event, effective_date, recorded_at, actor, inputs, note, "
  "ref, rule_version, from_state, to_state, flags, prev_hash, hash) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
  "SELECT " DJFLOW_EVENT_COLS " FROM events e WHERE e.case_id = ?1 ORDER BY e.seq",
  "SELECT " DJFLOW_CASE_COLS " FROM cases c WHERE c.id > ?1 ORDER BY c.id LIMIT ?2",
  "SELECT " DJFLOW_EVENT_COLS " FROM events e WHERE e.case_id BETWEEN ?1 AND ?2 "
  "ORDER BY e.case_id, e.seq",
  // deadlines
  "INSERT INTO deadlines (case_id, kind, due_date, opened_on, milestone, overdue_every_days, "
  "open, closed_on, on_due_event) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
  "SELECT " DJFLOW_DEADLINE_COLS " FROM deadlines d WHERE d.case_id = ?1 AND d.open = 1 "
  "ORDER BY d.due_date, d.id",
  "UPDATE deadlines SET open = 0, closed_on = ?2 WHERE id = ?1 AND open = 1",
  "SELECT open FROM deadlines WHERE id = ?1",
  // timers
  "INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, fire_at, "
  "fired_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (key) DO NOTHING",
  "SELECT " DJFLOW_TIMER_COLS " FROM timers t WHERE t.fired_at IS NULL AND t.fire_at <= ?1 "
  "ORDER BY t.fire_at, t.id LIMIT ?2",
  "SELECT " DJFLOW_TIMER_COLS " FROM timers t WHERE t.deadline_id = ?1 AND t.fired_at IS NULL "
  "ORDER BY t.fire_at, t.id",
  "UPDATE timers SET fired_at = ?2 WHERE id = ?1 AND fired_at IS NULL",
  "SELECT fired_at FROM timers WHERE id = ?1",
  "DELETE FROM timers WHERE deadline_id = ?1 AND fired_at IS NULL",
  "SELECT fire_at FROM timers WHERE fired_at IS NULL ORDER BY fire_at LIMIT 1",
  // notifications
  "INSERT INTO notifications (key, case_id, workflow, branch, kind, due_date, days_left, "
  "created_at, text_zh, text_en) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
  "ON CONFLICT (key) DO NOTHING",
  "SELECT " DJFLOW_NOTIFICATION_COLS " FROM notifications n WHERE n.id > ?1 ORDER BY n.id "
  "LIMIT ?2",
  // integrity
  "PRAGMA integrity_check",
};
// clang-format on

}  // namespace

Result<Statement*> StatementCache::get(Q q) {
  Statement& s = fixed_[static_cast<std::size_t>(q)];
  if (!s.valid()) {
    auto p = Statement::prepare(db_, kSql[static_cast<std::size_t>(q)]);
    if (!p) return p.error();
    s = std::move(*p);
  }
  return &s;
}

Result<Statement*> StatementCache::get(const std::string& sql) {
  auto it = dynamic_.find(sql);
  if (it == dynamic_.end()) {
    auto p = Statement::prepare(db_, sql);
    if (!p) return p.error();
    it = dynamic_.emplace(sql, std::move(*p)).first;
  }
  return &it->second;
}

}  // namespace djflow::storage::detail
