#include "storage/bench_fill.hpp"

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
