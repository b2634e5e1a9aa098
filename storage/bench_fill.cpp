#include "storage/bench_fill.hpp"

#include <algorithm>

#include "storage/codec.hpp"
#include "storage/sqlite_store.hpp"
#include "storage/statement.hpp"

namespace djflow::storage {

using engine::Error;
using engine::Status;

Status bench_fill_reminders(const std::string& path, std::size_t n, engine::TimePoint first,
                            std::chrono::seconds span) {
  {
    auto s = SqliteStore::open(path, OpenMode::Create);  // creates and migrates
    if (!s) return s.error();
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return Error::storage("open " + path);
  }
  struct Closer {
    sqlite3* db;
    ~Closer() { sqlite3_close_v2(db); }
  } closer{db};
  DJFLOW_TRY(detail::configure_connection(db));
  DJFLOW_TRY(detail::exec(db, "BEGIN IMMEDIATE; INSERT OR IGNORE INTO branches (code, name, kind, parent, created_at) "
                              "VALUES ('BENCH', 'Benchmark', 'branch', NULL, 0)", "bench begin"));
  auto c = detail::Statement::prepare(db,
      "INSERT INTO cases (workflow, person_id, branch, title, state, version, head_hash, created_at, updated_at) "
      "VALUES ('member', NULL, 'BENCH', ?1, 'applicant', 0, '', 0, 0)");
  auto d = detail::Statement::prepare(db,
      "INSERT INTO deadlines (case_id, kind, due_date, opened_on, milestone, overdue_every_days, open, closed_on) "
      "VALUES (?1, 'talk', ?2, ?2, 0, 7, 1, NULL)");
  auto t = detail::Statement::prepare(db,
      "INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, fire_at, fired_at) "
      "VALUES (?1, ?2, ?3, 'talk', ?4, 0, ?5, NULL)");
  if (!c) return c.error();
  if (!d) return d.error();
  if (!t) return t.error();
  for (std::size_t i = 0; i < n; ++i) {
    const engine::TimePoint fire = first + std::chrono::seconds(span.count() * static_cast<std::int64_t>(i) /
                                                                static_cast<std::int64_t>(std::max<std::size_t>(n, 1)));
    const std::string title = "bench" + std::to_string(i);
    const detail::IsoDate due(engine::Date::from_sys_days(std::chrono::floor<std::chrono::days>(fire)));
    c->bind(1, title);
    if (c->step() != SQLITE_DONE) return detail::sqlite_error(db, sqlite3_errcode(db), "bench case");
    sqlite3_reset(c->get());
    const std::int64_t case_id = sqlite3_last_insert_rowid(db);
    d->bind(1, case_id);
    d->bind(2, due.view());
    if (d->step() != SQLITE_DONE) return detail::sqlite_error(db, sqlite3_errcode(db), "bench deadline");
    sqlite3_reset(d->get());
    const std::int64_t deadline_id = sqlite3_last_insert_rowid(db);
    const std::string key = title + ":talk:" + std::string(due.view()) + ":0";
    t->bind(1, key);
    t->bind(2, case_id);
    t->bind(3, deadline_id);
    t->bind(4, due.view());
    t->bind(5, detail::to_unix(fire));
    if (t->step() != SQLITE_DONE) return detail::sqlite_error(db, sqlite3_errcode(db), "bench timer");
    sqlite3_reset(t->get());
  }
  return detail::exec(db, "COMMIT", "bench commit");
}

}  // namespace djflow::storage

namespace djflow::storage {

namespace {

struct Connection {
  sqlite3* db = nullptr;
  ~Connection() { sqlite3_close_v2(db); }
};

engine::Status open_raw(const std::string& path, Connection& c) {
  if (sqlite3_open_v2(path.c_str(), &c.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    return engine::Error::storage("open " + path);
  return detail::configure_connection(c.db);
}

}  // namespace

engine::Result<std::int64_t> bench_clone_cases(const std::string& path, int copies, int orgs, const std::string& prefix,
                                               const std::string& parent) {
  Connection c;
  DJFLOW_TRY(open_raw(path, c));
  sqlite3* db = c.db;
  DJFLOW_TRY(detail::exec(db, "PRAGMA synchronous=OFF; BEGIN IMMEDIATE", "bench clone begin"));
  const std::string n_orgs = std::to_string(orgs), n_copies = std::to_string(copies);
  // Organisation of a copied person (and of its case): its new id modulo `orgs`.
  auto org_of = [&](const std::string& person_id) {
    return "'" + prefix + "' || printf('%05d', (" + person_id + ") % " + n_orgs + ")";
  };
  const std::string sql =
      "CREATE TEMP TABLE k AS WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < " + n_copies +
      " - 1) SELECT n FROM k;"
      "CREATE TEMP TABLE o AS WITH RECURSIVE o(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM o WHERE n < " + n_orgs +
      " - 1) SELECT n FROM o;"
      "CREATE TEMP TABLE base AS SELECT (SELECT max(id) FROM cases) AS c, (SELECT coalesce(max(id), 0) FROM persons) AS p, "
      "(SELECT coalesce(max(id), 0) FROM deadlines) AS d;"
      "INSERT INTO branches (code, name, kind, parent, created_at) SELECT " + org_of("n") + ", '支部' || n, 'branch', '" +
      parent + "', 0 FROM o;"
      "INSERT INTO persons (id, name, branch, born, status, joined, created_at) SELECT p.id + k.n * base.p, "
      "p.name || '-' || k.n, " + org_of("p.id + k.n * base.p") + ", p.born, p.status, p.joined, p.created_at "
      "FROM persons p JOIN k JOIN base WHERE p.id IN (SELECT person_id FROM cases WHERE person_id IS NOT NULL);"
      "INSERT INTO cases (id, workflow, person_id, branch, title, state, version, head_hash, created_at, updated_at) "
      "SELECT c.id + k.n * base.c, c.workflow, c.person_id + k.n * base.p, " + org_of("c.person_id + k.n * base.p") +
      ", c.title || '-' || k.n, c.state, c.version, c.head_hash, c.created_at, c.updated_at FROM cases c JOIN k JOIN base;"
      "INSERT INTO events SELECT e.case_id + k.n * base.c, e.seq, e.event, e.effective_date, e.recorded_at, e.actor, e.inputs, "
      "e.note, e.ref, e.rule_version, e.from_state, e.to_state, e.flags, e.prev_hash, e.hash FROM events e JOIN k JOIN base;"
      "INSERT INTO deadlines (id, case_id, kind, due_date, opened_on, milestone, overdue_every_days, open, closed_on, on_due_event) "
      "SELECT d.id + k.n * base.d, d.case_id + k.n * base.c, d.kind, d.due_date, d.opened_on, d.milestone, "
      "d.overdue_every_days, d.open, d.closed_on, d.on_due_event FROM deadlines d JOIN k JOIN base;"
      "DROP TABLE k; DROP TABLE o; DROP TABLE base; COMMIT; PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;";
  DJFLOW_TRY(detail::exec(db, sql.c_str(), "bench clone"));
  auto s = detail::Statement::prepare(db, "SELECT count(*) FROM cases");
  if (!s) return s.error();
  if (s->step() != SQLITE_ROW) return detail::sqlite_error(db, sqlite3_errcode(db), "bench count");
  return s->int64(0);
}

engine::Result<double> bench_time_query(const std::string& path, const std::string& sql, const std::string& param,
                                        int runs) {
  Connection c;
  DJFLOW_TRY(open_raw(path, c));
  auto s = detail::Statement::prepare(c.db, sql);
  if (!s) return s.error();
  double best = 1e300;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!param.empty()) s->bind(1, std::string_view(param));
    int rc;
    std::int64_t sink = 0;
    while ((rc = s->step()) == SQLITE_ROW) sink += s->int64(0);
    if (rc != SQLITE_DONE) return detail::sqlite_error(c.db, rc, "bench query");
    sqlite3_reset(s->get());
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    (void)sink;
  }
  return best;
}

}  // namespace djflow::storage
