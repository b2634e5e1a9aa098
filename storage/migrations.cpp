#include "storage/migrations.hpp"

#include <iterator>
#include <span>
#include <string>

#include "engine/case_years.hpp"
#include "storage/entity_log.hpp"
#include "storage/statement.hpp"

namespace djflow::storage::detail {

using engine::Error;
using engine::Result;
using engine::Status;

namespace {

// Portable SQL first: plain CREATE TABLE / INDEX, INTEGER and TEXT columns, CHECKs, partial
// indexes (PostgreSQL has them too). SQLite-specific, and noted in docs/storage_format.md:
// STRICT tables, INTEGER PRIMARY KEY as the id generator, and the RAISE() triggers.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE settings (
  key   TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE holidays (
  date TEXT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
  name TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE branches (
  code       TEXT NOT NULL PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL,
  parent     TEXT REFERENCES branches (code),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE persons (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  branch     TEXT NOT NULL REFERENCES branches (code),
  born       TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('none', 'probationary', 'full')),
  joined     TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX persons_branch ON persons (branch);

CREATE TABLE cases (
  id         INTEGER PRIMARY KEY,
  workflow   TEXT NOT NULL,
  person_id  INTEGER REFERENCES persons (id),
  branch     TEXT NOT NULL REFERENCES branches (code),
  title      TEXT NOT NULL,
  state      TEXT NOT NULL,
  version    INTEGER NOT NULL,
  head_hash  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX cases_branch ON cases (branch, workflow, state);
CREATE INDEX cases_workflow ON cases (workflow, state);
CREATE INDEX cases_person ON cases (person_id);

CREATE TABLE events (
  case_id        INTEGER NOT NULL REFERENCES cases (id),
  seq            INTEGER NOT NULL CHECK (seq >= 1),
  event          TEXT NOT NULL,
  effective_date TEXT NOT NULL,
  recorded_at    INTEGER NOT NULL,
  actor          TEXT NOT NULL,
  inputs         TEXT NOT NULL,
  note           TEXT NOT NULL,
  ref            TEXT NOT NULL,
  rule_version   TEXT NOT NULL,
  from_state     TEXT NOT NULL,
  to_state       TEXT NOT NULL,
  flags          TEXT NOT NULL,
  prev_hash      TEXT NOT NULL,
  hash           TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
) STRICT;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: UPDATE is not allowed');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: DELETE is not allowed');
END;

CREATE TABLE deadlines (
  id                 INTEGER PRIMARY KEY,
  case_id            INTEGER NOT NULL REFERENCES cases (id),
  kind               TEXT NOT NULL,
  due_date           TEXT NOT NULL,
  opened_on          TEXT NOT NULL,
  milestone          INTEGER NOT NULL CHECK (milestone IN (0, 1)),
  overdue_every_days INTEGER NOT NULL CHECK (overdue_every_days >= 0),
  open               INTEGER NOT NULL CHECK (open IN (0, 1)),
  closed_on          TEXT
) STRICT;
-- Covering index for list_open_deadlines: rows come out in (due_date, case_id, id) order and
-- only the case row is looked up.
CREATE INDEX deadlines_open_due
  ON deadlines (due_date, case_id, id, kind, opened_on, milestone, overdue_every_days, open,
                closed_on)
  WHERE open = 1;
CREATE INDEX deadlines_case ON deadlines (case_id, open);

CREATE TABLE timers (
  id          INTEGER PRIMARY KEY,
  key         TEXT NOT NULL UNIQUE,
  case_id     INTEGER NOT NULL REFERENCES cases (id),
  deadline_id INTEGER NOT NULL REFERENCES deadlines (id),
  kind        TEXT NOT NULL,
  due_date    TEXT NOT NULL,
  offset_days INTEGER NOT NULL,
  fire_at     INTEGER NOT NULL,
  fired_at    INTEGER
) STRICT;
CREATE INDEX timers_due ON timers (fire_at) WHERE fired_at IS NULL;
CREATE INDEX timers_pending ON timers (deadline_id, fire_at) WHERE fired_at IS NULL;

CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY,
  key        TEXT NOT NULL UNIQUE,
  case_id    INTEGER NOT NULL REFERENCES cases (id),
  workflow   TEXT NOT NULL,
  branch     TEXT NOT NULL,
  kind       TEXT NOT NULL,
  due_date   TEXT NOT NULL,
  days_left  INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  text_zh    TEXT NOT NULL,
  text_en    TEXT NOT NULL
) STRICT;
)sql";

// --- deadlines.on_due_event (engine: an event recorded automatically once a deadline passed;
// docs/decisions/0021-overdue-by-timer.md). The covering index of list_open_deadlines is rebuilt
// with the new column so that `djflow due` still reads no deadlines rows.
constexpr const char* kMigrationOnDueEvent = R"sql(
ALTER TABLE deadlines ADD COLUMN on_due_event TEXT NOT NULL DEFAULT '';
DROP INDEX deadlines_open_due;
CREATE INDEX deadlines_open_due
  ON deadlines (due_date, case_id, id, kind, opened_on, milestone, overdue_every_days, open,
                closed_on, on_due_event)
  WHERE open = 1;
)sql";

// --- rectification ledger (整改台账): batches and items, one row per rectify-batch / rectify
// case, written with the case's first event and never updated (docs/storage_format.md).
constexpr const char* kMigrationRectify = R"sql(
CREATE TABLE rectify_batches (
  case_id    INTEGER NOT NULL PRIMARY KEY REFERENCES cases (id),
  source     TEXT NOT NULL CHECK (source IN ('inspection', 'circuit-inspection', 'audit',
                 'theme-education', 'org-life-meeting', 'democratic-life-meeting', 'supervision',
                 'other')),
  org        TEXT NOT NULL REFERENCES branches (code),
  title      TEXT NOT NULL,
  feedback   TEXT NOT NULL,
  report_due TEXT
) STRICT;

CREATE TABLE rectify_items (
  case_id    INTEGER NOT NULL PRIMARY KEY REFERENCES cases (id),
  batch_id   INTEGER NOT NULL REFERENCES rectify_batches (case_id),
  seq        INTEGER NOT NULL CHECK (seq >= 1),
  org        TEXT NOT NULL REFERENCES branches (code),
  source     TEXT NOT NULL,
  problem    TEXT NOT NULL,
  category   TEXT NOT NULL,
  cause      TEXT NOT NULL,
  target     TEXT NOT NULL,
  measures   TEXT NOT NULL,
  leader     TEXT NOT NULL,
  department TEXT NOT NULL,
  owner      TEXT NOT NULL,
  supporting TEXT NOT NULL,
  type       TEXT NOT NULL CHECK (type IN ('immediate', 'deadline', 'long-term')),
  deadline   TEXT,
  milestones TEXT NOT NULL,
  registered TEXT NOT NULL,
  UNIQUE (batch_id, seq)
) STRICT;
CREATE INDEX rectify_items_owner ON rectify_items (owner);
CREATE INDEX rectify_items_org ON rectify_items (org);
)sql";


// Elections (issue 4): counting an organisation's full members (E1-E4) on every election step
// and listing. Terms themselves are cases of the "term" workflow (decision 0030): no new table.
constexpr const char* kMigrationElections = R"sql(
CREATE INDEX persons_branch_status ON persons (branch, status);
)sql";

// Issue 3: the reminder daemon. Delivery channels, the per-(notification, channel) delivery rows
// of the outbox, the routing cursor and the single-daemon lease (docs/storage_format.md,
// "Daemon and delivery").
constexpr const char* kMigrationDaemon = R"sql(
CREATE TABLE channels (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL,
  type            TEXT NOT NULL CHECK (type IN ('console', 'file', 'command', 'webhook')),
  target          TEXT NOT NULL,
  args            TEXT NOT NULL,
  preset          TEXT NOT NULL,
  secret          TEXT NOT NULL,
  branch          TEXT NOT NULL,
  workflows       TEXT NOT NULL,
  kinds           TEXT NOT NULL,
  digest          TEXT NOT NULL,
  rate_per_minute INTEGER NOT NULL CHECK (rate_per_minute >= 0),
  max_attempts    INTEGER NOT NULL CHECK (max_attempts >= 1),
  timeout_seconds INTEGER NOT NULL CHECK (timeout_seconds >= 1),
  lang            TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
  active          INTEGER NOT NULL CHECK (active IN (0, 1)),
  created_at      INTEGER NOT NULL,
  after_notification INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX channels_active_name ON channels (name) WHERE active = 1;

CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications (id),
  channel_id      INTEGER NOT NULL REFERENCES channels (id),
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL,
  delivered_at    INTEGER,
  created_at      INTEGER NOT NULL,
  UNIQUE (notification_id, channel_id)
) STRICT;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_status ON deliveries (status, id);

CREATE TABLE outbox_cursor (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  routed_up_to INTEGER NOT NULL
) STRICT;
INSERT INTO outbox_cursor (id, routed_up_to) VALUES (1, 0);

CREATE TABLE daemon_lease (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  owner        TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  host         TEXT NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT;
)sql";

// Issue 7 §3: migration 5 was edited after it was on main (channels.after_notification was added
// to its text), so a database made by the build of 22034c2 has version 5 without that column.
// This migration repairs those databases and does nothing (but move the version on) on the
// others. An old channel's value: the newest notification fired strictly before the channel was
// created, which is what insert_channel would have stored at that time; so the channel keeps
// receiving everything fired after its creation (notifications already routed are never routed
// again whatever the value) and, like every channel today, not the outbox's past. A notification
// fired in the same second as the channel counts as after it: a duplicate beats a lost reminder.
constexpr const char* kMigrationChannelsAfterNotification = R"sql(
ALTER TABLE channels ADD COLUMN after_notification INTEGER NOT NULL DEFAULT 0;
UPDATE channels SET after_notification =
  (SELECT COALESCE(MAX(n.id), 0) FROM notifications n WHERE n.created_at < channels.created_at);
)sql";
constexpr const char* kHasChannelsAfterNotification =
    "SELECT 1 FROM pragma_table_info('channels') WHERE name = 'after_notification'";

// Issue 7: the entity history. Every change to a row that decides but is not a case step
// (settings, holidays, organisations, persons, case bindings, channels, notifications, ledger
// rows) appends a hash-chained event with the row's image; the migration's C++ step
// (entity_log.cpp: genesis) appends one "genesis" event per existing row in this transaction.
// timers_case / notifications_case let verify stream each table in case order.
constexpr const char* kMigrationEntityEvents = R"sql(
CREATE TABLE entity_events (
  seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
  entity      TEXT NOT NULL,
  key         TEXT NOT NULL,
  action      TEXT NOT NULL,
  data        TEXT NOT NULL,
  actor       TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
) STRICT;
CREATE TRIGGER entity_events_no_update BEFORE UPDATE ON entity_events
BEGIN
  SELECT RAISE(ABORT, 'entity_events are append-only: UPDATE is not allowed');
END;
CREATE TRIGGER entity_events_no_delete BEFORE DELETE ON entity_events
BEGIN
  SELECT RAISE(ABORT, 'entity_events are append-only: DELETE is not allowed');
END;
CREATE INDEX timers_case ON timers (case_id, id);
CREATE INDEX notifications_case ON notifications (case_id, id);
)sql";

// Issue 9: a person's optional unique key (工号 or another key unique in the whole database) and
// mobile phone, and the reason of the person's last change (`person edit --reason`: the entity
// history keeps every image, so it keeps every reason). Names are looked up (§3: a name works as
// well as the number). The entity history is read per row (`person history`).
constexpr const char* kMigrationPersonKeys = R"sql(
ALTER TABLE persons ADD COLUMN key TEXT;
ALTER TABLE persons ADD COLUMN phone TEXT;
ALTER TABLE persons ADD COLUMN change_reason TEXT;
CREATE UNIQUE INDEX persons_key ON persons (key) WHERE key IS NOT NULL;
CREATE INDEX persons_name ON persons (name);
CREATE INDEX entity_events_row ON entity_events (entity, key, seq);
)sql";

// Issue 11: who may use the web workbench and the API. Users and API tokens are tracked rows
// (entity history: they decide who may read and act); sessions and stored idempotent answers
// are bookkeeping. Secrets are stored only as hashes (engine/access.hpp).
constexpr const char* kMigrationWebAccess = R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  org           TEXT NOT NULL REFERENCES branches(code),
  role          TEXT NOT NULL CHECK (role IN ('viewer', 'secretary', 'organiser', 'admin')),
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at    INTEGER NOT NULL
) STRICT;
CREATE TABLE api_tokens (
  id         INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  label      TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE web_sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  csrf       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;
CREATE INDEX web_sessions_user ON web_sessions (user_id);
CREATE TABLE idempotent_answers (
  user_id        INTEGER NOT NULL REFERENCES users(id),
  key            TEXT NOT NULL,
  request_digest TEXT NOT NULL,
  status         INTEGER NOT NULL,
  body           TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) STRICT;
)sql";

// Issue 10 §3: the year's figures read every event up to a date in (case, seq) order
// (storage/sqlite_store_report.cpp). Through the primary key each of 1,000,000 events was a
// random lookup into the table; this index holds the five columns the report reads, so the scan
// never leaves it (EXPLAIN QUERY PLAN: SCAN events USING COVERING INDEX events_report).
constexpr const char* kMigrationReportIndex = R"sql(
CREATE INDEX events_report ON events (case_id, seq, effective_date, event, to_state, flags);
)sql";

// Issue 10 §3, decision 0129: the year-end projection of the case histories (engine/case_years.hpp)
// and the events of one calendar year in (case, seq) order. `report year Y` reads each case's row
// of the latest year before Y with an event (the state it entered Y in, and the states it had
// reached) and the events dated in Y from events_year, instead of stepping every event up to the
// year's end. The trigger writes the projection in the transaction of each event, whatever
// appends it (the engine, corrections, imports, copies); the migration's C++ step builds it from
// the existing history (build_case_years); verify recomputes it. A case's events must arrive in
// seq order (the trigger refuses one that does not: the engine appends them so).
constexpr const char* kMigrationCaseYears = R"sql(
CREATE TABLE case_years (
  case_id INTEGER NOT NULL,
  year    INTEGER NOT NULL,
  date    TEXT NOT NULL,
  state   TEXT NOT NULL,
  states  TEXT NOT NULL,
  mixed   INTEGER NOT NULL CHECK (mixed IN (0, 1)),
  PRIMARY KEY (case_id, year)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER case_years_event AFTER INSERT ON events
BEGIN
  SELECT RAISE(ABORT, 'events of a case are appended in seq order')
    WHERE EXISTS (SELECT 1 FROM events e WHERE e.case_id = NEW.case_id AND e.seq > NEW.seq);
  UPDATE case_years SET date = NEW.effective_date, state = NEW.to_state,
    states = CASE WHEN instr(states, ',' || NEW.to_state || ',') > 0 THEN states ELSE states || NEW.to_state || ',' END,
    mixed = CASE WHEN mixed = 1 OR EXISTS (SELECT 1 FROM events e WHERE e.case_id = NEW.case_id AND e.seq < NEW.seq
                                           AND e.effective_date > printf('%04d-12-31', case_years.year))
            THEN 1 ELSE 0 END
  WHERE case_id = NEW.case_id AND year >= CAST(substr(NEW.effective_date, 1, 4) AS INTEGER);
  INSERT INTO case_years (case_id, year, date, state, states, mixed)
  SELECT NEW.case_id, CAST(substr(NEW.effective_date, 1, 4) AS INTEGER), NEW.effective_date, NEW.to_state,
    coalesce((SELECT CASE WHEN instr(p.states, ',' || NEW.to_state || ',') > 0 THEN p.states
                          ELSE p.states || NEW.to_state || ',' END
              FROM case_years p WHERE p.case_id = NEW.case_id
                AND p.year < CAST(substr(NEW.effective_date, 1, 4) AS INTEGER)
              ORDER BY p.year DESC LIMIT 1), ',' || NEW.to_state || ','),
    EXISTS (SELECT 1 FROM events e WHERE e.case_id = NEW.case_id AND e.seq < NEW.seq
            AND e.effective_date > substr(NEW.effective_date, 1, 4) || '-12-31')
  WHERE NOT EXISTS (SELECT 1 FROM case_years y WHERE y.case_id = NEW.case_id
                      AND y.year = CAST(substr(NEW.effective_date, 1, 4) AS INTEGER));
END;
CREATE INDEX events_year ON events (substr(effective_date, 1, 4), case_id, seq, effective_date, event, to_state, flags);
)sql";

// Migration N (1-based) is kMigrations[N - 1]. Append only; never edit a migration that is on
// main (tests/storage/migration_freeze_test.cpp keeps the checksum of every one).
constexpr Migration kMigrations[] = {
    {kMigration1},
    {kMigrationOnDueEvent},
    {kMigrationRectify},
    {kMigrationElections},
    {kMigrationDaemon},
    {kMigrationChannelsAfterNotification, kHasChannelsAfterNotification},
    {kMigrationEntityEvents},
    {kMigrationPersonKeys},
    {kMigrationWebAccess},
    {kMigrationReportIndex},
    {kMigrationCaseYears},
};

// Migration 11's step: the projection of every existing history (derive_case_years, as verify
// recomputes it), one case at a time in (case, seq) order.
Status build_case_years(sqlite3* db) {
  auto ev = Statement::prepare(db, "SELECT case_id, seq, effective_date, to_state FROM events ORDER BY case_id, seq");
  if (!ev) return ev.error();
  auto ins = Statement::prepare(db, "INSERT INTO case_years (case_id, year, date, state, states, mixed) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!ins) return ins.error();
  std::vector<engine::EventRecord> events;
  engine::CaseId current = 0;
  const auto flush = [&]() -> Status {
    for (const auto& r : engine::derive_case_years(current, events)) {
      Use use(*ins);
      ins->bind(1, r.case_id);
      ins->bind(2, static_cast<std::int64_t>(r.year));
      ins->bind(3, std::string_view(r.date));
      ins->bind(4, std::string_view(r.state));
      ins->bind(5, std::string_view(r.states));
      ins->bind(6, static_cast<std::int64_t>(r.mixed ? 1 : 0));
      if (const int rc = ins->step(); rc != SQLITE_DONE) return sqlite_error(db, rc, "migration 11: case_years");
    }
    events.clear();
    return {};
  };
  for (;;) {
    const int rc = ev->step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sqlite_error(db, rc, "migration 11: events");
    const engine::CaseId id = rc == SQLITE_ROW ? ev->int64(0) : 0;
    if (!events.empty() && (rc == SQLITE_DONE || id != current)) DJFLOW_TRY(flush());
    if (rc == SQLITE_DONE) return {};
    current = id;
    engine::EventRecord e;
    e.case_id = id;
    e.seq = ev->int64(1);
    const auto d = engine::Date::parse(ev->text(2));
    if (!d) return Error::corruption({"事项 #" + std::to_string(id) + " 的事件日期无效", "case #" + std::to_string(id) + " has an event with a bad date"});
    e.date = *d;
    e.to_state = ev->string(3);
    events.push_back(std::move(e));
  }
}

// A migration's step that SQL cannot do (hashing), run in the migration's transaction after its
// SQL. Keyed by the migration's text, not its number, so that it follows the migration wherever
// it sits in kMigrations.
Status after_migration(sqlite3* db, const char* migration) {
  if (migration == kMigrationEntityEvents) return genesis(db);
  if (migration == kMigrationCaseYears) return build_case_years(db);
  return {};
}

Result<int> pragma_int(sqlite3* db, const char* sql) {
  auto st = Statement::prepare(db, sql);
  if (!st) return st.error();
  const int rc = st->step();
  if (rc == SQLITE_ROW) return static_cast<int>(st->int64(0));
  if (rc == SQLITE_DONE) return 0;
  return sqlite_error(db, rc, sql);
}

}  // namespace

int current_schema_version() { return static_cast<int>(std::size(kMigrations)); }

std::span<const Migration> migrations() { return kMigrations; }

Result<SchemaInfo> read_schema_info(sqlite3* db) {
  SchemaInfo info;
  auto app = pragma_int(db, "PRAGMA application_id");
  if (!app) return app.error();
  auto ver = pragma_int(db, "PRAGMA user_version");
  if (!ver) return ver.error();
  auto objects = pragma_int(db, "SELECT count(*) FROM sqlite_master");
  if (!objects) return objects.error();
  info.application_id = *app;
  info.user_version = *ver;
  info.objects = *objects;
  return info;
}

Status migrate(sqlite3* db, int target) {
  const int latest = current_schema_version();
  if (target <= 0 || target > latest) target = latest;
  for (;;) {
    // Read the version inside the write transaction: another process may have migrated.
    DJFLOW_TRY(exec(db, "BEGIN IMMEDIATE", "begin migration"));
    auto ver = pragma_int(db, "PRAGMA user_version");
    if (!ver) {
      static_cast<void>(exec(db, "ROLLBACK", "rollback migration"));
      return ver.error();
    }
    if (*ver > latest) {
      static_cast<void>(exec(db, "ROLLBACK", "rollback migration"));
      return Error::storage("database schema version " + std::to_string(*ver) +
                            " is newer than this djflow understands (" +
                            std::to_string(latest) + "); upgrade djflow");
    }
    if (*ver >= target) return exec(db, "COMMIT", "end migration");
    const int next = *ver + 1;
    const Migration& m = kMigrations[next - 1];
    auto skip = m.skip_if == nullptr ? Result<int>(0) : pragma_int(db, m.skip_if);
    if (!skip) {
      static_cast<void>(exec(db, "ROLLBACK", "rollback migration"));
      return skip.error();
    }
    std::string sql = *skip != 0 ? "" : m.sql;
    sql += "\nPRAGMA user_version = " + std::to_string(next) + ";";
    if (next == 1) sql += "\nPRAGMA application_id = " + std::to_string(kApplicationId) + ";";
    if (auto s = exec(db, sql.c_str(), "migration " + std::to_string(next)); !s) {
      static_cast<void>(exec(db, "ROLLBACK", "rollback migration"));
      return s.error();
    }
    if (auto s = after_migration(db, m.sql); !s) {
      static_cast<void>(exec(db, "ROLLBACK", "rollback migration"));
      return s.error();
    }
    DJFLOW_TRY(exec(db, "COMMIT", "commit migration " + std::to_string(next)));
  }
}

}  // namespace djflow::storage::detail
