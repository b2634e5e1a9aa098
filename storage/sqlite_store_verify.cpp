// SqliteStore, part 5: what `djflow verify` reads (issue 7): every case with all of its rows in
// one streamed merge, the entity history and its check, and the schema's triggers. Also the
// change context of the entity events the store appends to its own writes.
#include <optional>

#include "storage/codec.hpp"
#include "storage/entity_log.hpp"
#include "storage/sqlite_store.hpp"
#include "storage/statement.hpp"
#include "storage/statement_cache.hpp"

namespace djflow::storage {

using engine::CaseId;
using engine::CaseRecord;
using engine::EntityEvent;
using engine::Result;
using engine::Status;
using detail::Statement;
using detail::decode;
using detail::sqlite_error;

namespace {

// One query ordered by case id, read ahead one row: the merge in for_each_case_record.
class Cursor {
 public:
  Cursor(sqlite3* db, const char* what, int case_col) : db_(db), what_(what), case_col_(case_col) {}
  Status open(const std::string& sql) {
    auto st = Statement::prepare(db_, sql);
    if (!st) return st.error();
    s_ = std::move(st.value());
    return advance();
  }
  Status advance() {
    const int rc = s_.step();
    if (rc == SQLITE_ROW) {
      current_ = s_.int64(case_col_);
      return {};
    }
    current_.reset();
    if (rc != SQLITE_DONE) return sqlite_error(db_, rc, what_);
    return {};
  }
  const std::optional<CaseId>& current() const { return current_; }
  // Decodes every row of case `id` into `out`.
  template <class T>
  Status drain(CaseId id, std::vector<T>& out) {
    while (current_ && *current_ == id) {
      T v;
      DJFLOW_TRY(decode(s_, 0, v));
      out.push_back(std::move(v));
      DJFLOW_TRY(advance());
    }
    return {};
  }

 private:
  sqlite3* db_;
  const char* what_;
  int case_col_;
  Statement s_;
  std::optional<CaseId> current_;
};

}  // namespace

void SqliteAudit::set_change_context(const engine::Clock* clock, std::string actor) {
  change_clock_ = clock;
  change_actor_ = std::move(actor);
}

Status detail::SqliteConnection::log_change(const char* entity, const std::string& key, const char* action) {
  return detail::log_row(db_, *cache_, detail::ChangeContext{change_clock_, change_actor_}, entity, key, action);
}

Status SqliteAudit::for_each_case_record(const std::function<bool(const CaseRecord&)>& fn) {
  Cursor cases(db_, "verify cases", 0), events(db_, "verify events", 0), deadlines(db_, "verify deadlines", 1),
      timers(db_, "verify timers", 2), notes(db_, "verify notifications", 2);
  DJFLOW_TRY(cases.open("SELECT " DJFLOW_CASE_COLS " FROM cases c ORDER BY c.id"));
  DJFLOW_TRY(events.open("SELECT " DJFLOW_EVENT_COLS " FROM events e ORDER BY e.case_id, e.seq"));
  DJFLOW_TRY(deadlines.open("SELECT " DJFLOW_DEADLINE_COLS " FROM deadlines d ORDER BY d.case_id, d.id"));
  DJFLOW_TRY(timers.open("SELECT " DJFLOW_TIMER_COLS " FROM timers t ORDER BY t.case_id, t.id"));
  DJFLOW_TRY(notes.open("SELECT " DJFLOW_NOTIFICATION_COLS " FROM notifications n ORDER BY n.case_id, n.id"));
  for (;;) {
    std::optional<CaseId> next;
    for (const Cursor* c : {&cases, &events, &deadlines, &timers, &notes})
      if (c->current() && (!next || *c->current() < *next)) next = c->current();
    if (!next) return {};
    CaseRecord rec;
    rec.case_id = *next;
    std::vector<engine::Case> row;
    DJFLOW_TRY(cases.drain(*next, row));
    if (!row.empty()) rec.c = std::move(row.front());
    DJFLOW_TRY(events.drain(*next, rec.events));
    DJFLOW_TRY(deadlines.drain(*next, rec.deadlines));
    DJFLOW_TRY(timers.drain(*next, rec.timers));
    DJFLOW_TRY(notes.drain(*next, rec.notifications));
    if (!fn(rec)) return {};
  }
}

namespace {

constexpr const char* kEntityEventCols = "seq, entity, key, action, data, actor, recorded_at, prev_hash, hash";

Status each_entity_event(sqlite3* db, Statement& st, const std::function<bool(const EntityEvent&)>& fn) {
  for (;;) {
    const int rc = st.step();
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return sqlite_error(db, rc, "entity_events");
    EntityEvent e;
    e.seq = st.int64(0);
    e.entity = st.string(1);
    e.key = st.string(2);
    e.action = st.string(3);
    e.data = st.string(4);
    e.actor = st.string(5);
    e.recorded_at = detail::from_unix(st.int64(6));
    e.prev_hash = st.string(7);
    e.hash = st.string(8);
    if (!fn(e)) return {};
  }
}

}  // namespace

Result<std::vector<EntityEvent>> SqliteAudit::entity_history(const std::string& entity, const std::string& key) {
  auto st = Statement::prepare(db_, std::string("SELECT ") + kEntityEventCols +
                                        " FROM entity_events WHERE entity = ?1 AND key = ?2 ORDER BY seq");
  if (!st) return st.error();
  st->bind(1, entity);
  st->bind(2, key);
  std::vector<EntityEvent> out;
  DJFLOW_TRY(each_entity_event(db_, *st, [&](const EntityEvent& e) {
    out.push_back(e);
    return true;
  }));
  return out;
}

Status SqliteAudit::for_each_entity_event(const std::function<bool(const EntityEvent&)>& fn) {
  auto st = Statement::prepare(db_, std::string("SELECT ") + kEntityEventCols + " FROM entity_events ORDER BY seq");
  if (!st) return st.error();
  return each_entity_event(db_, *st, fn);
}

Result<engine::EntityCheck> SqliteAudit::check_entities() { return detail::check(db_); }

Result<std::vector<std::string>> SqliteAudit::schema_problems() {
  struct Expected {
    const char* name;
    const char* table;
    const char* when;  // "BEFORE UPDATE", "BEFORE DELETE", "AFTER INSERT"
    const char* does;  // what its text must contain
    const char* guards;  // what is lost without it
  };
  static const Expected expected[] = {
      {"events_no_update", "events", "BEFORE UPDATE", "RAISE(ABORT", "events are no longer append-only"},
      {"events_no_delete", "events", "BEFORE DELETE", "RAISE(ABORT", "events are no longer append-only"},
      {"entity_events_no_update", "entity_events", "BEFORE UPDATE", "RAISE(ABORT", "entity_events are no longer append-only"},
      {"entity_events_no_delete", "entity_events", "BEFORE DELETE", "RAISE(ABORT", "entity_events are no longer append-only"},
      // The year-end projection (migration 11, decision 0129): without it new events leave
      // case_years behind, and `report year` reads stale figures.
      {"case_years_event", "events", "AFTER INSERT", "INSERT INTO case_years",
       "the year-end projection (case_years) no longer follows the events"},
  };
  std::vector<std::string> out;
  auto st = Statement::prepare(db_, "SELECT tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1");
  if (!st) return st.error();
  for (const auto& e : expected) {
    detail::Use use(*st);
    st->bind(1, std::string_view(e.name));
    const int rc = st->step();
    if (rc == SQLITE_DONE) {
      out.push_back(std::string("schema: trigger ") + e.name + " is missing: " + e.guards);
      continue;
    }
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "schema_problems");
    const std::string sql = st->string(1);
    const bool sound = st->string(0) == e.table && sql.find(e.when) != std::string::npos &&
                       sql.find(e.does) != std::string::npos;
    if (!sound) out.push_back(std::string("schema: trigger ") + e.name + " was altered: " + sql);
  }
  return out;
}

Status SqliteAudit::for_each_case_year(const std::function<bool(const engine::CaseYear&)>& fn) {
  auto st = Statement::prepare(db_, "SELECT case_id, year, date, state, states, mixed FROM case_years ORDER BY case_id, year");
  if (!st) return st.error();
  for (;;) {
    const int rc = st->step();
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "case_years");
    engine::CaseYear r;
    r.case_id = st->int64(0);
    r.year = static_cast<int>(st->int64(1));
    r.date = st->string(2);
    r.state = st->string(3);
    r.states = st->string(4);
    r.mixed = st->int64(5) != 0;
    if (!fn(r)) return {};
  }
}

}  // namespace djflow::storage
