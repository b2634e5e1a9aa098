#include "storage/sqlite_store.hpp"

#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "storage/codec.hpp"
#include "storage/migrations.hpp"
#include "storage/statement.hpp"

namespace djflow::storage {

using engine::Branch;
using engine::Case;
using engine::CaseId;
using engine::Date;
using engine::Deadline;
using engine::DeadlineRow;
using engine::Error;
using engine::EventRecord;
using engine::HolidayRow;
using engine::Notification;
using engine::Person;
using engine::PersonId;
using engine::Result;
using engine::Status;
using engine::Text;
using engine::TimePoint;
using engine::Timer;
using detail::IsoDate;
using detail::Statement;
using detail::Use;
using detail::decode;
using detail::from_unix;
using detail::sqlite_error;
using detail::to_unix;

namespace detail {

// The fixed statements of the store, prepared on first use and kept for the connection's life.
enum class Q {
  Begin, Commit, Rollback,
  GetSetting, SetSetting, AllSettings,
  ListHolidays, UpsertHoliday,
  InsertBranch, FindBranch, ListBranches,
  InsertPerson, FindPerson, ListPersons, ListPersonsOfBranch, UpdatePersonStatus,
  InsertCase, FindCase, CaseVersion, UpdateCase,
  AppendEvent, Events, History,
  InsertDeadline, OpenDeadlines, CloseDeadline, DeadlineOpen,
  InsertTimer, DueTimers, PendingTimers, MarkTimerFired, TimerFired, DropPendingTimers,
  NextTimerAt,
  InsertNotification, NotificationsSince,
  IntegrityCheck,
  Count
};

// clang-format off
constexpr std::array<const char*, static_cast<std::size_t>(Q::Count)> kSql = {
  "BEGIN IMMEDIATE",
  "COMMIT",
  "ROLLBACK",
  // settings
  "SELECT value FROM settings WHERE key = ?1",
  "INSERT INTO settings (key, value) VALUES (?1, ?2) "
  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  "SELECT key, value FROM settings ORDER BY key",
  // holidays
  "SELECT date, kind, name FROM holidays ORDER BY date",
  "INSERT INTO holidays (date, kind, name) VALUES (?1, ?2, ?3) "
  "ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name",
  // branches
  "INSERT INTO branches (code, name, kind, parent, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
  "SELECT " DJFLOW_BRANCH_COLS " FROM branches b WHERE b.code = ?1",
  "SELECT " DJFLOW_BRANCH_COLS " FROM branches b ORDER BY b.code",
  // persons
  "INSERT INTO persons (name, branch, born, status, joined, created_at) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  "SELECT " DJFLOW_PERSON_COLS " FROM persons p WHERE p.id = ?1",
  "SELECT " DJFLOW_PERSON_COLS " FROM persons p ORDER BY p.id",
  "SELECT " DJFLOW_PERSON_COLS " FROM persons p WHERE p.branch = ?1 ORDER BY p.id",
  "UPDATE persons SET status = ?2, joined = ?3 WHERE id = ?1",
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
  "SELECT " DJFLOW_CASE_COLS ", " DJFLOW_EVENT_COLS
  " FROM cases c LEFT JOIN events e ON e.case_id = c.id ORDER BY c.id, e.seq",
  // deadlines
  "INSERT INTO deadlines (case_id, kind, due_date, opened_on, milestone, overdue_every_days, "
  "open, closed_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
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

class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}

  Result<Statement*> get(Q q) {
    Statement& s = fixed_[static_cast<std::size_t>(q)];
    if (!s.valid()) {
      auto p = Statement::prepare(db_, kSql[static_cast<std::size_t>(q)]);
      if (!p) return p.error();
      s = std::move(*p);
    }
    return &s;
  }

  // Statements built from a filter's shape (list_cases, list_open_deadlines): a handful of
  // distinct texts, each prepared once.
  Result<Statement*> get(const std::string& sql) {
    auto it = dynamic_.find(sql);
    if (it == dynamic_.end()) {
      auto p = Statement::prepare(db_, sql);
      if (!p) return p.error();
      it = dynamic_.emplace(sql, std::move(*p)).first;
    }
    return &it->second;
  }

 private:
  sqlite3* db_;
  std::array<Statement, static_cast<std::size_t>(Q::Count)> fixed_;
  std::unordered_map<std::string, Statement> dynamic_;
};

}  // namespace detail

using detail::Q;

// Binds `var` to the cached statement for `key` and resets it when the scope ends; returns the
// error from the enclosing function when the statement cannot be prepared.
#define DJFLOW_STATEMENT(var, key)                     \
  auto var##_p = cache_->get(key);                     \
  if (!var##_p.ok()) return var##_p.error();           \
  Statement& var = **var##_p;                          \
  Use var##_use(var)

namespace {

constexpr int kNoLimit = -1;  // SQLite: a negative LIMIT means no limit

std::int64_t sql_limit(std::size_t limit) {
  return limit == 0 ? kNoLimit : static_cast<std::int64_t>(limit);
}

// Steps a statement without result rows to completion.
Status run(sqlite3* db, Statement& s, std::string_view what) {
  const int rc = s.step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return sqlite_error(db, rc, what);
  return {};
}

// Collects every row of `s` decoded as T.
template <class T>
Result<std::vector<T>> collect(sqlite3* db, Statement& s, std::string_view what) {
  std::vector<T> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db, rc, what);
    T v;
    DJFLOW_TRY(decode(s, 0, v));
    out.push_back(std::move(v));
  }
}

// The first row of `s` decoded as T, or nullopt.
template <class T>
Result<std::optional<T>> first(sqlite3* db, Statement& s, std::string_view what) {
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<T>();
  if (rc != SQLITE_ROW) return sqlite_error(db, rc, what);
  T v;
  DJFLOW_TRY(decode(s, 0, v));
  return std::optional<T>(std::move(v));
}

// Sets the process umask for the lifetime of the guard (file creation inside open()).
class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t mask) : old_(::umask(mask)) {}
  ~UmaskGuard() { ::umask(old_); }
  UmaskGuard(const UmaskGuard&) = delete;
  UmaskGuard& operator=(const UmaskGuard&) = delete;

 private:
  mode_t old_;
};

Error run_init_error(const std::string& path, const std::string& why_zh, const std::string& why_en) {
  return Error::not_found(Text{"数据库 " + path + why_zh + "；请先运行 djflow init",
                               "database " + path + why_en + "; run djflow init"});
}

}  // namespace

// --- opening -------------------------------------------------------------------------------------

SqliteStore::SqliteStore(sqlite3* db, std::string path)
    : db_(db), path_(std::move(path)), cache_(std::make_unique<detail::StatementCache>(db)) {}

SqliteStore::~SqliteStore() {
  rollback();
  cache_.reset();  // finalize every statement before closing
  sqlite3_close_v2(db_);
}

int SqliteStore::schema_version() { return detail::current_schema_version(); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, OpenMode mode) {
  if (path.empty()) return Error::invalid(Text{"数据库路径为空", "the database path is empty"});
  const bool memory = path == ":memory:";
  std::error_code ec;
  const bool existed = !memory && std::filesystem::exists(path, ec);
  if (mode == OpenMode::Existing && !memory && !existed) {
    return run_init_error(path, " 不存在", " does not exist");
  }

  // umask 077 while SQLite creates the file (and, during set-up, its -wal and -shm files;
  // SQLite later creates those with the database file's own mode).
  UmaskGuard umask_guard(077);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == OpenMode::Create || memory) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // The store owns the handle from here on, so that every error path closes it.
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  if (rc != SQLITE_OK) return sqlite_error(db, rc, "open " + path);
  if (!memory && !existed) {
    // Belt and braces: the umask already gave 0600, but a file must never be readable by
    // others even if SQLite's default mode changes.
    std::filesystem::permissions(path,
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
    if (ec) return Error::storage("chmod 0600 " + path + ": " + ec.message());
  }
  DJFLOW_TRY(store->set_up(mode, memory));
  return store;
}

Status SqliteStore::set_up(OpenMode mode, bool is_memory) {
  DJFLOW_TRY(detail::configure_connection(db_));
  auto info = detail::read_schema_info(db_);
  if (!info) return info.error();
  const int latest = detail::current_schema_version();
  if (info->application_id != 0 && info->application_id != detail::kApplicationId) {
    return Error::storage(path_ + " is not a djflow database (application_id " +
                          std::to_string(info->application_id) + ")");
  }
  if (info->user_version == 0 && info->objects > 0) {
    return Error::storage(path_ + " is not a djflow database (it has tables but no djflow schema)");
  }
  if (info->user_version > latest) {
    return Error::storage("database " + path_ + " has schema version " +
                          std::to_string(info->user_version) +
                          ", newer than this djflow understands (" + std::to_string(latest) +
                          "); upgrade djflow");
  }
  if (mode == OpenMode::Existing && !is_memory) {
    if (info->user_version == 0) return run_init_error(path_, " 尚未初始化", " is not initialised");
    if (info->user_version < latest) {
      return Error::storage("database " + path_ + " has schema version " +
                            std::to_string(info->user_version) + ", older than this djflow (" +
                            std::to_string(latest) + "); run djflow init to migrate it");
    }
  }
  // Only now that the file is known to be ours (or empty) switch it to WAL; the mode persists.
  DJFLOW_TRY(detail::set_wal(db_));
  if (mode == OpenMode::Create || is_memory) DJFLOW_TRY(detail::migrate(db_));
  return {};
}

Status SqliteStore::test_exec(const std::string& sql) {
  return detail::exec(db_, sql.c_str(), "test_exec");
}

// --- transactions --------------------------------------------------------------------------------

Status SqliteStore::begin_write() {
  if (in_transaction()) return Error::storage("begin_write: a transaction is already open");
  DJFLOW_STATEMENT(s, Q::Begin);
  return run(db_, s, "BEGIN IMMEDIATE");
}

Status SqliteStore::commit() {
  if (!in_transaction()) return Error::storage("commit: no transaction is open");
  DJFLOW_STATEMENT(s, Q::Commit);
  return run(db_, s, "COMMIT");
}

void SqliteStore::rollback() noexcept {
  if (db_ == nullptr || !in_transaction()) return;
  auto s = cache_->get(Q::Rollback);
  if (s.ok()) {
    Use use(**s);
    (*s)->step();
  }
  // If the cached statement could not run (out of memory), try the plain way once more.
  if (in_transaction()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool SqliteStore::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

// --- settings and calendar -------------------------------------------------------------------------

Result<std::optional<std::string>> SqliteStore::setting(const std::string& key) {
  DJFLOW_STATEMENT(s, Q::GetSetting);
  s.bind(1, key);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "setting " + key);
  return std::optional<std::string>(s.string(0));
}

Status SqliteStore::set_setting(const std::string& key, const std::string& value) {
  DJFLOW_STATEMENT(s, Q::SetSetting);
  s.bind(1, key);
  s.bind(2, value);
  return run(db_, s, "set_setting " + key);
}

Result<std::map<std::string, std::string>> SqliteStore::all_settings() {
  DJFLOW_STATEMENT(s, Q::AllSettings);
  std::map<std::string, std::string> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "all_settings");
    out.emplace(s.string(0), s.string(1));
  }
}

Result<std::vector<HolidayRow>> SqliteStore::holidays() {
  DJFLOW_STATEMENT(s, Q::ListHolidays);
  std::vector<HolidayRow> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "holidays");
    HolidayRow row;
    DJFLOW_TRY(detail::read_date(s, 0, "holidays.date", row.date));
    row.day_off = s.text(1) == "off";
    row.name = s.string(2);
    out.push_back(std::move(row));
  }
}

Status SqliteStore::upsert_holiday(const HolidayRow& row) {
  DJFLOW_STATEMENT(s, Q::UpsertHoliday);
  const IsoDate date(row.date);
  s.bind(1, date.view());
  s.bind(2, std::string_view(row.day_off ? "off" : "work"));
  s.bind(3, row.name);
  return run(db_, s, "upsert_holiday");
}

// --- branches and persons ------------------------------------------------------------------------

Status SqliteStore::insert_branch(const Branch& b) {
  DJFLOW_STATEMENT(s, Q::InsertBranch);
  s.bind(1, b.code);
  s.bind(2, b.name);
  s.bind(3, b.kind);
  if (b.parent.empty()) {
    s.bind_null(4);
  } else {
    s.bind(4, b.parent);
  }
  s.bind(5, to_unix(b.created_at));
  const int rc = s.step();
  if (rc == SQLITE_DONE) return {};
  if (detail::is_unique_violation(rc)) {
    return Error::conflict(Text{"组织代码 " + b.code + " 已存在", "branch " + b.code + " already exists"});
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(Text{"上级组织 " + b.parent + " 不存在",
                                 "parent organisation " + b.parent + " does not exist"});
  }
  return sqlite_error(db_, rc, "insert_branch " + b.code);
}

Result<std::optional<Branch>> SqliteStore::find_branch(const std::string& code) {
  DJFLOW_STATEMENT(s, Q::FindBranch);
  s.bind(1, code);
  return first<Branch>(db_, s, "find_branch");
}

Result<std::vector<Branch>> SqliteStore::list_branches() {
  DJFLOW_STATEMENT(s, Q::ListBranches);
  return collect<Branch>(db_, s, "list_branches");
}

Result<PersonId> SqliteStore::insert_person(const Person& p) {
  DJFLOW_STATEMENT(s, Q::InsertPerson);
  const IsoDate born(p.born);
  std::optional<IsoDate> joined;
  if (p.joined) joined.emplace(*p.joined);
  s.bind(1, p.name);
  s.bind(2, p.branch);
  s.bind(3, born.view());
  s.bind(4, std::string_view(engine::to_string(p.status)));
  if (joined) {
    s.bind(5, joined->view());
  } else {
    s.bind_null(5);
  }
  s.bind(6, to_unix(p.created_at));
  const int rc = s.step();
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(Text{"组织 " + p.branch + " 不存在", "branch " + p.branch + " does not exist"});
  }
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_person");
  return static_cast<PersonId>(sqlite3_last_insert_rowid(db_));
}

Result<std::optional<Person>> SqliteStore::find_person(PersonId id) {
  DJFLOW_STATEMENT(s, Q::FindPerson);
  s.bind(1, id);
  return first<Person>(db_, s, "find_person");
}

Result<std::vector<Person>> SqliteStore::list_persons(const std::optional<std::string>& branch) {
  if (!branch) {
    DJFLOW_STATEMENT(s, Q::ListPersons);
    return collect<Person>(db_, s, "list_persons");
  }
  DJFLOW_STATEMENT(s, Q::ListPersonsOfBranch);
  s.bind(1, *branch);
  return collect<Person>(db_, s, "list_persons");
}

Status SqliteStore::update_person_status(PersonId id, engine::MemberStatus status,
                                         std::optional<Date> joined) {
  DJFLOW_STATEMENT(s, Q::UpdatePersonStatus);
  std::optional<IsoDate> joined_text;
  if (joined) joined_text.emplace(*joined);
  s.bind(1, id);
  s.bind(2, std::string_view(engine::to_string(status)));
  if (joined_text) {
    s.bind(3, joined_text->view());
  } else {
    s.bind_null(3);
  }
  DJFLOW_TRY(run(db_, s, "update_person_status"));
  if (sqlite3_changes(db_) == 0) {
    return Error::not_found(Text{"人员 " + std::to_string(id) + " 不存在",
                                 "person " + std::to_string(id) + " does not exist"});
  }
  return {};
}

// --- cases and history -----------------------------------------------------------------------------

Result<CaseId> SqliteStore::insert_case(const Case& c) {
  DJFLOW_STATEMENT(s, Q::InsertCase);
  s.bind(1, c.workflow);
  if (c.person) {
    s.bind(2, *c.person);
  } else {
    s.bind_null(2);
  }
  s.bind(3, c.branch);
  s.bind(4, c.title);
  s.bind(5, c.state);
  s.bind(6, c.head_hash);
  s.bind(7, to_unix(c.created_at));
  s.bind(8, to_unix(c.updated_at));
  const int rc = s.step();
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_case");
  return static_cast<CaseId>(sqlite3_last_insert_rowid(db_));
}

Result<std::optional<Case>> SqliteStore::find_case(CaseId id) {
  DJFLOW_STATEMENT(s, Q::FindCase);
  s.bind(1, id);
  return first<Case>(db_, s, "find_case");
}

Result<std::vector<Case>> SqliteStore::list_cases(const engine::CaseFilter& f) {
  if (f.states && f.states->empty()) return std::vector<Case>();
  std::string sql = "SELECT " DJFLOW_CASE_COLS " FROM cases c WHERE 1 = 1";
  if (f.workflow) sql += " AND c.workflow = ?";
  if (f.branch) sql += " AND c.branch = ?";
  if (f.person) sql += " AND c.person_id = ?";
  if (f.states) {
    sql += " AND c.state IN (?";
    for (std::size_t i = 1; i < f.states->size(); ++i) sql += ", ?";
    sql += ")";
  }
  sql += " ORDER BY c.id LIMIT ?";
  DJFLOW_STATEMENT(s, sql);
  int i = 0;
  if (f.workflow) s.bind(++i, *f.workflow);
  if (f.branch) s.bind(++i, *f.branch);
  if (f.person) s.bind(++i, *f.person);
  if (f.states) {
    for (const auto& st : *f.states) s.bind(++i, st);
  }
  s.bind(++i, sql_limit(f.limit));
  return collect<Case>(db_, s, "list_cases");
}

Status SqliteStore::update_case(CaseId id, std::int64_t expected_version, const std::string& state,
                                const std::string& head_hash, TimePoint updated_at) {
  {
    DJFLOW_STATEMENT(s, Q::UpdateCase);
    s.bind(1, id);
    s.bind(2, expected_version);
    s.bind(3, state);
    s.bind(4, head_hash);
    s.bind(5, to_unix(updated_at));
    DJFLOW_TRY(run(db_, s, "update_case"));
    if (sqlite3_changes(db_) == 1) return {};
  }
  // Nothing changed: tell a missing case from a stale version (failure path only).
  DJFLOW_STATEMENT(v, Q::CaseVersion);
  v.bind(1, id);
  const int rc = v.step();
  const std::string sid = std::to_string(id);
  if (rc == SQLITE_DONE) {
    return Error::not_found(Text{"案例 " + sid + " 不存在", "case " + sid + " does not exist"});
  }
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "update_case");
  const std::string stored = std::to_string(v.int64(0));
  const std::string expected = std::to_string(expected_version);
  return Error::conflict(
      Text{"案例 " + sid + " 已被其他操作修改（版本 " + stored + "，预期 " + expected + "）；请重试",
           "case " + sid + " was changed by another command (version " + stored + ", expected " +
               expected + "); try again"});
}

Status SqliteStore::append_event(const EventRecord& e) {
  auto inputs = detail::encode_inputs(e.inputs);
  if (!inputs) return inputs.error();
  auto flags = detail::encode_flags(e.flags);
  if (!flags) return flags.error();
  const IsoDate date(e.date);
  DJFLOW_STATEMENT(s, Q::AppendEvent);
  s.bind(1, e.case_id);
  s.bind(2, e.seq);
  s.bind(3, e.event);
  s.bind(4, date.view());
  s.bind(5, to_unix(e.recorded_at));
  s.bind(6, e.actor);
  s.bind(7, *inputs);
  s.bind(8, e.note);
  s.bind(9, e.ref);
  s.bind(10, e.rule_version);
  s.bind(11, e.from_state);
  s.bind(12, e.to_state);
  s.bind(13, *flags);
  s.bind(14, e.prev_hash);
  s.bind(15, e.hash);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return {};
  const std::string where = std::to_string(e.case_id) + "#" + std::to_string(e.seq);
  if (detail::is_unique_violation(rc)) {
    return Error::conflict(Text{"案例事件 " + where + " 已存在（可能被并发记录）；请重试",
                                "event " + where + " already exists (recorded concurrently?); try again"});
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(Text{"案例 " + std::to_string(e.case_id) + " 不存在",
                                 "case " + std::to_string(e.case_id) + " does not exist"});
  }
  return sqlite_error(db_, rc, "append_event " + where);
}

Result<std::vector<EventRecord>> SqliteStore::events(CaseId id) {
  DJFLOW_STATEMENT(s, Q::Events);
  s.bind(1, id);
  return collect<EventRecord>(db_, s, "events");
}

Status SqliteStore::for_each_history(
    const std::function<bool(const Case&, const std::vector<EventRecord>&)>& fn) {
  DJFLOW_STATEMENT(s, Q::History);
  Case current;
  bool have_case = false;
  std::vector<EventRecord> events;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "for_each_history");
    const CaseId id = s.int64(0);
    if (!have_case || id != current.id) {
      if (have_case && !fn(current, events)) return {};
      DJFLOW_TRY(decode(s, 0, current));
      have_case = true;
      events.clear();
    }
    if (!s.is_null(detail::kCaseColumns)) {  // LEFT JOIN: NULL when the case has no events
      EventRecord e;
      DJFLOW_TRY(decode(s, detail::kCaseColumns, e));
      events.push_back(std::move(e));
    }
  }
  if (have_case) fn(current, events);
  return {};
}

// --- deadlines -----------------------------------------------------------------------------------

Result<std::int64_t> SqliteStore::insert_deadline(const Deadline& d) {
  DJFLOW_STATEMENT(s, Q::InsertDeadline);
  const IsoDate due(d.due), opened(d.opened_on);
  std::optional<IsoDate> closed;
  if (d.closed_on) closed.emplace(*d.closed_on);
  s.bind(1, d.case_id);
  s.bind(2, d.kind);
  s.bind(3, due.view());
  s.bind(4, opened.view());
  s.bind(5, d.milestone ? 1 : 0);
  s.bind(6, d.overdue_every_days);
  s.bind(7, d.open ? 1 : 0);
  if (closed) {
    s.bind(8, closed->view());
  } else {
    s.bind_null(8);
  }
  const int rc = s.step();
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_deadline");
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<std::vector<Deadline>> SqliteStore::open_deadlines(CaseId id) {
  DJFLOW_STATEMENT(s, Q::OpenDeadlines);
  s.bind(1, id);
  return collect<Deadline>(db_, s, "open_deadlines");
}

Status SqliteStore::close_deadline(std::int64_t deadline_id, Date closed_on) {
  {
    DJFLOW_STATEMENT(s, Q::CloseDeadline);
    const IsoDate closed(closed_on);
    s.bind(1, deadline_id);
    s.bind(2, closed.view());
    DJFLOW_TRY(run(db_, s, "close_deadline"));
    if (sqlite3_changes(db_) == 1) return {};
  }
  DJFLOW_STATEMENT(o, Q::DeadlineOpen);
  o.bind(1, deadline_id);
  const int rc = o.step();
  const std::string sid = std::to_string(deadline_id);
  if (rc == SQLITE_DONE) {
    return Error::not_found(Text{"期限 " + sid + " 不存在", "deadline " + sid + " does not exist"});
  }
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "close_deadline");
  return Error::conflict(Text{"期限 " + sid + " 已关闭", "deadline " + sid + " is already closed"});
}

Result<std::vector<DeadlineRow>> SqliteStore::list_open_deadlines(const engine::DeadlineFilter& f) {
  std::string sql = "SELECT " DJFLOW_DEADLINE_COLS ", " DJFLOW_CASE_COLS
                    " FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE d.open = 1";
  if (f.due_on_or_before) sql += " AND d.due_date <= ?";
  if (f.branch) sql += " AND c.branch = ?";
  if (f.workflow) sql += " AND c.workflow = ?";
  if (f.case_id) sql += " AND d.case_id = ?";
  sql += " ORDER BY d.due_date, d.case_id, d.id LIMIT ?";
  DJFLOW_STATEMENT(s, sql);
  std::optional<IsoDate> due;
  int i = 0;
  if (f.due_on_or_before) {
    due.emplace(*f.due_on_or_before);
    s.bind(++i, due->view());
  }
  if (f.branch) s.bind(++i, *f.branch);
  if (f.workflow) s.bind(++i, *f.workflow);
  if (f.case_id) s.bind(++i, *f.case_id);
  s.bind(++i, sql_limit(f.limit));
  constexpr int kDeadlineColumns = 9;
  std::vector<DeadlineRow> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "list_open_deadlines");
    DeadlineRow row;
    DJFLOW_TRY(decode(s, 0, row.deadline));
    DJFLOW_TRY(decode(s, kDeadlineColumns, row.c));
    out.push_back(std::move(row));
  }
}

// --- timers ----------------------------------------------------------------------------------------

Result<bool> SqliteStore::insert_timer(const Timer& t) {
  DJFLOW_STATEMENT(s, Q::InsertTimer);
  const IsoDate due(t.due);
  s.bind(1, t.key);
  s.bind(2, t.case_id);
  s.bind(3, t.deadline_id);
  s.bind(4, t.kind);
  s.bind(5, due.view());
  s.bind(6, t.offset_days);
  s.bind(7, to_unix(t.fire_at));
  if (t.fired_at) {
    s.bind(8, to_unix(*t.fired_at));
  } else {
    s.bind_null(8);
  }
  const int rc = s.step();
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_timer " + t.key);
  return sqlite3_changes(db_) == 1;
}

Result<std::vector<Timer>> SqliteStore::due_timers(TimePoint now, std::size_t limit) {
  DJFLOW_STATEMENT(s, Q::DueTimers);
  s.bind(1, to_unix(now));
  s.bind(2, sql_limit(limit));
  return collect<Timer>(db_, s, "due_timers");
}

Result<std::vector<Timer>> SqliteStore::pending_timers(std::int64_t deadline_id) {
  DJFLOW_STATEMENT(s, Q::PendingTimers);
  s.bind(1, deadline_id);
  return collect<Timer>(db_, s, "pending_timers");
}

Status SqliteStore::mark_timer_fired(std::int64_t timer_id, TimePoint at) {
  {
    DJFLOW_STATEMENT(s, Q::MarkTimerFired);
    s.bind(1, timer_id);
    s.bind(2, to_unix(at));
    DJFLOW_TRY(run(db_, s, "mark_timer_fired"));
    if (sqlite3_changes(db_) == 1) return {};
  }
  DJFLOW_STATEMENT(f, Q::TimerFired);
  f.bind(1, timer_id);
  const int rc = f.step();
  const std::string sid = std::to_string(timer_id);
  if (rc == SQLITE_DONE) {
    return Error::not_found(Text{"提醒 " + sid + " 不存在", "timer " + sid + " does not exist"});
  }
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "mark_timer_fired");
  return Error::conflict(Text{"提醒 " + sid + " 已触发过", "timer " + sid + " has already fired"});
}

Status SqliteStore::drop_pending_timers(std::int64_t deadline_id) {
  DJFLOW_STATEMENT(s, Q::DropPendingTimers);
  s.bind(1, deadline_id);
  return run(db_, s, "drop_pending_timers");
}

Result<std::optional<TimePoint>> SqliteStore::next_timer_at() {
  DJFLOW_STATEMENT(s, Q::NextTimerAt);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<TimePoint>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "next_timer_at");
  return std::optional<TimePoint>(from_unix(s.int64(0)));
}

// --- notifications ---------------------------------------------------------------------------------

Result<std::optional<std::int64_t>> SqliteStore::insert_notification(const Notification& n) {
  DJFLOW_STATEMENT(s, Q::InsertNotification);
  const IsoDate due(n.due);
  s.bind(1, n.key);
  s.bind(2, n.case_id);
  s.bind(3, n.workflow);
  s.bind(4, n.branch);
  s.bind(5, n.kind);
  s.bind(6, due.view());
  s.bind(7, n.days_left);
  s.bind(8, to_unix(n.created_at));
  s.bind(9, n.text.zh);
  s.bind(10, n.text.en);
  const int rc = s.step();
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_notification " + n.key);
  if (sqlite3_changes(db_) == 0) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<std::vector<Notification>> SqliteStore::notifications_since(std::int64_t after_id,
                                                                    std::size_t limit) {
  DJFLOW_STATEMENT(s, Q::NotificationsSince);
  s.bind(1, after_id);
  s.bind(2, sql_limit(limit));
  return collect<Notification>(db_, s, "notifications_since");
}

// --- integrity -------------------------------------------------------------------------------------

Result<std::string> SqliteStore::integrity_check() {
  DJFLOW_STATEMENT(s, Q::IntegrityCheck);
  std::string out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "integrity_check");
    if (!out.empty()) out += '\n';
    out += s.text(0);
  }
}

}  // namespace djflow::storage
