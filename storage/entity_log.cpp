#include "storage/entity_log.hpp"

#include "storage/entity_image.hpp"

#include <vector>

#include "engine/history_hash.hpp"
#include "storage/codec.hpp"
#include "storage/statement.hpp"
#include "storage/statement_cache.hpp"

namespace djflow::storage::detail {

using engine::EntityEvent;
using engine::Error;
using engine::Result;
using engine::Status;

namespace {

// The image of the row `s` is on, reading t.cols from column `first`.
std::string image(const Statement& s, const Tracked& t, int first) {
  return row_image(t, [&](int i) {
    const int col = first + i;
    Cell c;
    const int type = sqlite3_column_type(s.get(), col);
    if (type == SQLITE_INTEGER) {
      c.kind = Cell::Kind::Integer;
      c.integer = s.int64(col);
    } else if (type != SQLITE_NULL) {
      c.kind = Cell::Kind::Text;
      c.text = s.text(col);
    }
    return c;
  });
}

Status append(sqlite3* db, StatementCache& cache, EntityEvent e) {
  {
    auto head = cache.get("SELECT seq, hash FROM entity_events ORDER BY seq DESC LIMIT 1");
    if (!head.ok()) return head.error();
    Statement& s = **head;
    Use use(s);
    const int rc = s.step();
    if (rc == SQLITE_ROW) {
      e.seq = s.int64(0) + 1;
      e.prev_hash = s.string(1);
    } else if (rc == SQLITE_DONE) {
      e.seq = 1;
    } else {
      return sqlite_error(db, rc, "entity_events head");
    }
  }
  e.hash = engine::entity_event_hash(e);
  auto ins = cache.get(
      "INSERT INTO entity_events (seq, entity, key, action, data, actor, recorded_at, prev_hash, hash) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!ins.ok()) return ins.error();
  Statement& s = **ins;
  Use use(s);
  s.bind(1, e.seq);
  s.bind(2, e.entity);
  s.bind(3, e.key);
  s.bind(4, e.action);
  s.bind(5, e.data);
  s.bind(6, e.actor);
  s.bind(7, to_unix(e.recorded_at));
  s.bind(8, e.prev_hash);
  s.bind(9, e.hash);
  return run(db, s, "append entity event");
}

}  // namespace

Status log_row(sqlite3* db, StatementCache& cache, const ChangeContext& ctx, const char* entity,
               const std::string& key, const char* action) {
  const Tracked* t = find_tracked(entity);
  if (!t) return Error::storage(std::string("entity history: unknown entity ") + entity);
  EntityEvent e;
  e.entity = t->entity;
  e.key = key;
  e.action = action;
  e.actor = ctx.actor;
  if (ctx.clock) e.recorded_at = ctx.clock->now();
  {
    auto st = cache.get(std::string("SELECT ") + column_list(*t) + " FROM " + t->table + " WHERE " + t->key + " = ?1");
    if (!st.ok()) return st.error();
    Statement& s = **st;
    Use use(s);
    s.bind(1, key);
    const int rc = s.step();
    if (rc == SQLITE_ROW) e.data = image(s, *t, 0);
    else if (rc != SQLITE_DONE) return sqlite_error(db, rc, "entity image");
  }
  return append(db, cache, std::move(e));
}

namespace {

// `t` without the later columns its table does not have yet (the genesis of migration 7 runs
// before migration 8 adds them).
Result<Tracked> present_columns(sqlite3* db, const Tracked& t) {
  Tracked out = t;
  out.cols.clear();
  for (const auto& c : t.cols) {
    if (c.later) {
      auto st = Statement::prepare(db, std::string("SELECT 1 FROM pragma_table_info('") + t.table +
                                           "') WHERE name = '" + c.name + "'");
      if (!st) return st.error();
      const int rc = st->step();
      if (rc == SQLITE_DONE) continue;
      if (rc != SQLITE_ROW) return sqlite_error(db, rc, "genesis columns");
    }
    out.cols.push_back(c);
  }
  return out;
}

}  // namespace

Status genesis(sqlite3* db) {
  StatementCache cache(db);
  for (const auto& all : tracked_entities()) {
    {  // a tracked table that a later migration creates (empty then: no genesis to write)
      auto st = Statement::prepare(db, std::string("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '") +
                                           all.table + "'");
      if (!st) return st.error();
      const int rc = st->step();
      if (rc == SQLITE_DONE) continue;
      if (rc != SQLITE_ROW) return sqlite_error(db, rc, "genesis tables");
    }
    auto present = present_columns(db, all);
    if (!present.ok()) return present.error();
    const Tracked& t = present.value();
    auto st = Statement::prepare(db, std::string("SELECT CAST(") + t.key + " AS TEXT), " + column_list(t) +
                                         " FROM " + t.table + " ORDER BY " + t.key);
    if (!st) return st.error();
    for (;;) {
      const int rc = st->step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqlite_error(db, rc, std::string("genesis ") + t.table);
      EntityEvent e;
      e.entity = t.entity;
      e.key = st->string(0);
      e.action = "genesis";
      e.data = image(*st, t, 1);
      e.actor = "migration";
      DJFLOW_TRY(append(db, cache, std::move(e)));
    }
  }
  return {};
}

Result<engine::EntityCheck> check(sqlite3* db) {
  EntityChecker checker;
  {
    auto st = Statement::prepare(
        db, "SELECT seq, entity, key, action, data, actor, recorded_at, prev_hash, hash FROM entity_events ORDER BY seq");
    if (!st) return st.error();
    for (;;) {
      const int rc = st->step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqlite_error(db, rc, "entity_events");
      EntityEvent e;
      e.seq = st->int64(0);
      e.entity = st->string(1);
      e.key = st->string(2);
      e.action = st->string(3);
      e.data = st->string(4);
      e.actor = st->string(5);
      e.recorded_at = from_unix(st->int64(6));
      e.prev_hash = st->string(7);
      e.hash = st->string(8);
      checker.event(std::move(e));
    }
  }
  for (const auto& t : tracked_entities()) {
    auto st = Statement::prepare(db, std::string("SELECT CAST(") + t.key + " AS TEXT), " + column_list(t) +
                                         " FROM " + t.table + " ORDER BY " + t.key);
    if (!st) return st.error();
    for (;;) {
      const int rc = st->step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqlite_error(db, rc, std::string("check ") + t.table);
      checker.row(t, st->string(0), image(*st, t, 1));
    }
  }
  return checker.finish();
}

}  // namespace djflow::storage::detail
