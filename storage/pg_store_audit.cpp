// PgStore, AuditStore: the entity history written with every tracked write (the twin of
// entity_log.cpp, through the backend-neutral entity_image.hpp, so both backends write the same
// image bytes), what `djflow verify` reads (every case with all of its rows, a page of case ids
// at a time), the check of the entity chain and the append-only triggers.
#include <algorithm>
#include <optional>

#include "engine/history_hash.hpp"
#include "storage/entity_image.hpp"
#include "storage/pg_codec.hpp"
#include "storage/pg_store.hpp"

namespace djflow::storage {

using engine::CaseId;
using engine::CaseRecord;
using engine::EntityEvent;
using engine::Error;
using engine::Result;
using engine::Status;
using detail::Cell;
using detail::Tracked;
using pg::Params;
using pg::Rows;

namespace {

// The advisory lock that serialises appends to the entity chain (one sequence per djflow
// database): "DJFE" and the schema's name, so that djflow databases in two schemas of one
// PostgreSQL database do not wait for each other. Transaction-level: held until the writer
// commits or rolls back, so the next writer reads the head this one wrote.
constexpr const char* kEntityChainLock = "SELECT pg_advisory_xact_lock(1145718341, hashtext(current_schema()))";

constexpr const char* kEntityEventCols = "seq, entity, key, action, data, actor, recorded_at, prev_hash, hash";

EntityEvent entity_event(const Rows& r, int row) {
  EntityEvent e;
  e.seq = r.int64(row, 0);
  e.entity = r.string(row, 1);
  e.key = r.string(row, 2);
  e.action = r.string(row, 3);
  e.data = r.string(row, 4);
  e.actor = r.string(row, 5);
  e.recorded_at = detail::from_unix(r.int64(row, 6));
  e.prev_hash = r.string(row, 7);
  e.hash = r.string(row, 8);
  return e;
}

// The image of row `row` of `r`, reading t.cols from column `first` (integers by column type).
std::string image(const Rows& r, int row, const Tracked& t, int first) {
  return detail::row_image(t, [&](int i) {
    const int col = first + i;
    Cell c;
    if (r.is_null(row, col)) return c;
    if (r.integer_column(col)) {
      c.kind = Cell::Kind::Integer;
      c.integer = r.int64(row, col);
    } else {
      c.kind = Cell::Kind::Text;
      c.text = r.text(row, col);
    }
    return c;
  });
}

// Appends `events` (seq, prev_hash and hash are set here) after the chain's head, under the
// entity-history lock, in multi-row INSERTs: one head read and one statement per kEventChunk
// events however many there are (decision 0125).
constexpr std::size_t kEventChunk = 500;  // 9 parameters each, well under PostgreSQL's 65,535

Status append(pg::Connection& db, std::vector<EntityEvent> events) {
  if (events.empty()) return {};
  DJFLOW_TRY(db.exec_script("lock the entity history", kEntityChainLock));  // again: a no-op
  auto head = db.exec("entity_events head", "SELECT seq, hash FROM entity_events ORDER BY seq DESC LIMIT 1");
  if (!head) return head.error();
  std::int64_t seq = head->size() > 0 ? head->int64(0, 0) : 0;
  std::string prev = head->size() > 0 ? head->string(0, 1) : std::string();
  for (auto& e : events) {
    e.seq = ++seq;
    e.prev_hash = prev;
    e.hash = engine::entity_event_hash(e);
    prev = e.hash;
  }
  for (std::size_t from = 0; from < events.size(); from += kEventChunk) {
    const std::size_t to = std::min(events.size(), from + kEventChunk);
    Params p;
    std::string sql =
        "INSERT INTO entity_events (seq, entity, key, action, data, actor, recorded_at, prev_hash, hash) VALUES ";
    for (std::size_t i = from; i < to; ++i) {
      const EntityEvent& e = events[i];
      const int b = p.size();
      sql += i == from ? "(" : ", (";
      for (int k = 1; k <= 9; ++k) sql += (k == 1 ? "$" : ", $") + std::to_string(b + k);
      sql += ")";
      p.int64(e.seq).text(e.entity).text(e.key).text(e.action).text(e.data).text(e.actor)
          .int64(detail::to_unix(e.recorded_at)).text(e.prev_hash).text(e.hash);
    }
    auto r = db.exec("append entity events", sql, p);
    if (!r) return r.error();
  }
  return {};
}

}  // namespace

Status detail::PgBase::log_change(const char* entity, const std::string& key, const char* action) {
  const Tracked* t = detail::find_tracked(entity);
  if (!t) return Error::storage(std::string("entity history: unknown entity ") + entity);
  EntityEvent e;
  e.entity = t->entity;
  e.key = key;
  e.action = action;
  e.actor = change_actor_;
  if (change_clock_) e.recorded_at = change_clock_->now();
  {
    auto r = db().exec("entity image",
                       std::string("SELECT ") + detail::column_list(*t) + " FROM " + t->table + " WHERE " +
                           t->key + " = $1",
                       Params().text(key));
    if (!r) return r.error();
    if (r->size() > 0) e.data = image(*r, 0, *t, 0);
  }
  if (db().in_transaction()) return append(db(), {std::move(e)});
  // A write outside a transaction (autocommit, as on SQLite): the event gets one of its own, so
  // the advisory lock is held from the head's read to the insert.
  return pg::retry_transaction(db(), [&] { return append(db(), {e}); });
}

Status detail::PgBase::log_inserts(const char* entity, const Rows& r, const std::vector<int>& rows, int key_col,
                                   int first) {
  const Tracked* t = detail::find_tracked(entity);
  if (!t) return Error::storage(std::string("entity history: unknown entity ") + entity);
  if (!db().in_transaction()) return Error::storage("entity history: log_inserts needs a transaction");
  std::vector<EntityEvent> events;
  events.reserve(rows.size());
  for (const int row : rows) {
    EntityEvent e;
    e.entity = t->entity;
    e.key = r.string(row, key_col);
    e.action = "insert";
    e.actor = change_actor_;
    if (change_clock_) e.recorded_at = change_clock_->now();
    e.data = image(r, row, *t, first);
    events.push_back(std::move(e));
  }
  return append(db(), std::move(events));
}

Status detail::PgBase::lock_entity_chain() {
  if (!db().in_transaction()) return {};  // autocommit: log_change takes it in its own transaction
  return db().exec_script("lock the entity history", kEntityChainLock);
}

void PgAudit::set_change_context(const engine::Clock* clock, std::string actor) {
  change_clock_ = clock;
  change_actor_ = std::move(actor);
}

namespace {

// Cases, a page of ids at a time: the rows of one page of each table, merged by case id.
constexpr int kCasePage = 500;

template <class T>
Status decode_all(const Rows& r, int case_col, std::vector<std::pair<CaseId, T>>& out) {
  for (int i = 0; i < r.size(); ++i) {
    T v;
    DJFLOW_TRY(pg::decode(r, i, 0, v));
    out.emplace_back(r.int64(i, case_col), std::move(v));
  }
  return {};
}

// The rows of `rows` (sorted by case id) from `pos` that belong to case `id`.
template <class T>
void take(std::vector<std::pair<CaseId, T>>& rows, std::size_t& pos, CaseId id, std::vector<T>& out) {
  while (pos < rows.size() && rows[pos].first == id) out.push_back(std::move(rows[pos++].second));
}

}  // namespace

Status PgAudit::for_each_case_record(const std::function<bool(const CaseRecord&)>& fn) {
  // Page by page over the case ids: (after, hi] where hi is the page's last case id, or no upper
  // bound on the last page, so that rows naming no case (orphans, possible only with the foreign
  // keys disabled) are read in the page of their id, or in the last one.
  CaseId after = 0;
  for (;;) {
    Params pc;
    pc.int64(after).int64(kCasePage);
    auto cases = db().exec("verify cases",
                           "SELECT " DJFLOW_CASE_COLS " FROM cases c WHERE c.id > $1 ORDER BY c.id LIMIT $2", pc);
    if (!cases) return cases.error();
    const bool last = cases->size() < kCasePage;
    const CaseId hi = cases->size() == 0 ? 0 : cases->int64(cases->size() - 1, 0);
    Params p;
    p.int64(after);
    if (last) p.null(); else p.int64(hi);
    const std::string range = " > $1 AND ($2::bigint IS NULL OR ";
    auto events = db().exec("verify events",
                            "SELECT " DJFLOW_EVENT_COLS " FROM events e WHERE e.case_id" + range +
                                "e.case_id <= $2) ORDER BY e.case_id, e.seq", p);
    if (!events) return events.error();
    auto deadlines = db().exec("verify deadlines",
                               "SELECT " DJFLOW_DEADLINE_COLS " FROM deadlines d WHERE d.case_id" + range +
                                   "d.case_id <= $2) ORDER BY d.case_id, d.id", p);
    if (!deadlines) return deadlines.error();
    auto timers = db().exec("verify timers",
                            "SELECT " DJFLOW_TIMER_COLS " FROM timers t WHERE t.case_id" + range +
                                "t.case_id <= $2) ORDER BY t.case_id, t.id", p);
    if (!timers) return timers.error();
    auto notes = db().exec("verify notifications",
                           "SELECT " DJFLOW_NOTIFICATION_COLS " FROM notifications n WHERE n.case_id" + range +
                               "n.case_id <= $2) ORDER BY n.case_id, n.id", p);
    if (!notes) return notes.error();

    std::vector<std::pair<CaseId, engine::Case>> cs;
    std::vector<std::pair<CaseId, engine::EventRecord>> es;
    std::vector<std::pair<CaseId, engine::Deadline>> ds;
    std::vector<std::pair<CaseId, engine::Timer>> ts;
    std::vector<std::pair<CaseId, engine::Notification>> ns;
    DJFLOW_TRY(decode_all(*cases, 0, cs));
    DJFLOW_TRY(decode_all(*events, 0, es));
    DJFLOW_TRY(decode_all(*deadlines, 1, ds));
    DJFLOW_TRY(decode_all(*timers, 2, ts));
    DJFLOW_TRY(decode_all(*notes, 2, ns));
    std::size_t ic = 0, ie = 0, id_ = 0, it = 0, in = 0;
    for (;;) {
      std::optional<CaseId> next;
      auto consider = [&](auto& rows, std::size_t pos) {
        if (pos < rows.size() && (!next || rows[pos].first < *next)) next = rows[pos].first;
      };
      consider(cs, ic);
      consider(es, ie);
      consider(ds, id_);
      consider(ts, it);
      consider(ns, in);
      if (!next) break;
      CaseRecord rec;
      rec.case_id = *next;
      std::vector<engine::Case> row;
      take(cs, ic, *next, row);
      if (!row.empty()) rec.c = std::move(row.front());
      take(es, ie, *next, rec.events);
      take(ds, id_, *next, rec.deadlines);
      take(ts, it, *next, rec.timers);
      take(ns, in, *next, rec.notifications);
      if (!fn(rec)) return {};
    }
    if (last) return {};
    after = hi;
  }
}

Status PgAudit::for_each_entity_event(const std::function<bool(const EntityEvent&)>& fn) {
  // A page at a time by seq: a long history is never held whole in memory.
  std::int64_t after = 0;
  for (;;) {
    auto r = db().exec("entity_events",
                       std::string("SELECT ") + kEntityEventCols +
                           " FROM entity_events WHERE seq > $1 ORDER BY seq LIMIT 5000",
                       Params().int64(after));
    if (!r) return r.error();
    for (int i = 0; i < r->size(); ++i) {
      const EntityEvent e = entity_event(*r, i);
      after = e.seq;
      if (!fn(e)) return {};
    }
    if (r->size() < 5000) return {};
  }
}

Result<std::vector<EntityEvent>> PgAudit::entity_history(const std::string& entity, const std::string& key) {
  auto r = db().exec("entity_history",
                     std::string("SELECT ") + kEntityEventCols +
                         " FROM entity_events WHERE entity = $1 AND key = $2 ORDER BY seq",
                     Params().text(entity).text(key));
  if (!r) return r.error();
  std::vector<EntityEvent> out;
  for (int i = 0; i < r->size(); ++i) out.push_back(entity_event(*r, i));
  return out;
}

Result<engine::EntityCheck> PgAudit::check_entities() {
  detail::EntityChecker checker;
  // Paged by seq (for_each_entity_event); note that seq gaps are found by the checker.
  DJFLOW_TRY(for_each_entity_event([&](const EntityEvent& e) {
    checker.event(e);
    return true;
  }));
  for (const auto& t : detail::tracked_entities()) {
    auto r = db().exec("check entities",
                       std::string("SELECT ") + t.key + "::text, " + detail::column_list(t) + " FROM " +
                           t.table + " ORDER BY " + t.key);
    if (!r) return r.error();
    for (int i = 0; i < r->size(); ++i) checker.row(t, r->string(i, 0), image(*r, i, t, 1));
  }
  return checker.finish();
}

Result<std::vector<std::string>> PgAudit::schema_problems() {
  // Each append-only table has three triggers (migrations 1 and 7) that call
  // djflow_append_only(), enabled, and the function still raises.
  // The year-end projection's two triggers (migration 11, decision 0129) likewise: without them
  // new events leave case_years behind, and `report year` reads stale figures.
  struct Expected {
    const char* name;
    const char* table;
    const char* when;  // the trigger's event, as pg_get_triggerdef writes it
    const char* calls;  // the function it executes
    const char* guards;  // what is lost without it
  };
  constexpr const char* kAppendOnly = "djflow_append_only()";
  static const Expected expected[] = {
      {"events_no_update", "events", "BEFORE UPDATE", kAppendOnly, "events are no longer append-only"},
      {"events_no_delete", "events", "BEFORE DELETE", kAppendOnly, "events are no longer append-only"},
      {"events_no_truncate", "events", "BEFORE TRUNCATE", kAppendOnly, "events are no longer append-only"},
      {"entity_events_no_update", "entity_events", "BEFORE UPDATE", kAppendOnly, "entity_events are no longer append-only"},
      {"entity_events_no_delete", "entity_events", "BEFORE DELETE", kAppendOnly, "entity_events are no longer append-only"},
      {"entity_events_no_truncate", "entity_events", "BEFORE TRUNCATE", kAppendOnly,
       "entity_events are no longer append-only"},
      {"case_years_order", "events", "BEFORE INSERT", "djflow_case_years_order()",
       "the year-end projection (case_years) no longer follows the events"},
      {"case_years_event", "events", "AFTER INSERT", "djflow_case_years_event()",
       "the year-end projection (case_years) no longer follows the events"},
  };
  std::vector<std::string> out;
  for (const auto& e : expected) {
    auto r = db().exec("schema_problems",
                       "SELECT c.relname, t.tgenabled, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                       "JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = $1 AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
                       Params().text(e.name));
    if (!r) return r.error();
    if (r->size() == 0) {
      out.push_back(std::string("schema: trigger ") + e.name + " is missing: " + e.guards);
      continue;
    }
    const std::string def = r->string(0, 2);
    const bool sound = r->text(0, 0) == e.table && def.find(e.when) != std::string::npos &&
                       def.find(e.calls) != std::string::npos;
    if (!sound) out.push_back(std::string("schema: trigger ") + e.name + " was altered: " + def);
    // 'D': disabled (ALTER TABLE ... DISABLE TRIGGER); 'R': fires only in replica sessions.
    if (r->text(0, 1) == "D" || r->text(0, 1) == "R")
      out.push_back(std::string("schema: trigger ") + e.name + " is disabled: " + e.guards);
  }
  auto f = db().exec("schema_problems",
                     "SELECT p.prosrc FROM pg_proc p WHERE p.proname = 'djflow_append_only' "
                     "AND p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())");
  if (!f) return f.error();
  if (f->size() == 0) {
    out.push_back("schema: function djflow_append_only() is missing: the append-only triggers cannot fire");
  } else if (f->text(0, 0).find("RAISE EXCEPTION") == std::string_view::npos) {
    out.push_back("schema: function djflow_append_only() was altered (it no longer raises): " + f->string(0, 0));
  }
  return out;
}

Status PgAudit::for_each_case_year(const std::function<bool(const engine::CaseYear&)>& fn) {
  // Page by page over (case_id, year), as for_each_case_record pages over the cases.
  engine::CaseId after_case = 0;
  std::int64_t after_year = 0;
  for (;;) {
    Params p;
    p.int64(after_case).int64(after_year).int64(kCasePage);
    auto r = db().exec("verify case_years",
                       "SELECT case_id, year, date, state, states, mixed FROM case_years "
                       "WHERE (case_id, year) > ($1, $2) ORDER BY case_id, year LIMIT $3", p);
    if (!r) return r.error();
    for (int i = 0; i < r->size(); ++i) {
      engine::CaseYear y;
      y.case_id = r->int64(i, 0);
      y.year = static_cast<int>(r->int64(i, 1));
      y.date = r->string(i, 2);
      y.state = r->string(i, 3);
      y.states = r->string(i, 4);
      y.mixed = r->int64(i, 5) != 0;
      after_case = y.case_id;
      after_year = y.year;
      if (!fn(y)) return {};
    }
    if (r->size() < kCasePage) return {};
  }
}

}  // namespace djflow::storage
