// SqliteStore, part 1: opening, transactions, settings, calendar, branches, persons, cases and
// history (part 2, sqlite_store_schedule.cpp: deadlines, timers, notifications, integrity).
#include "storage/sqlite_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <filesystem>
#include <system_error>
#include <utility>

#include "storage/codec.hpp"
#include "storage/migrations.hpp"
#include "storage/statement.hpp"
#include "storage/statement_cache.hpp"

namespace djflow::storage {

using engine::Branch;
using engine::Case;
using engine::CaseId;
using engine::Date;
using engine::Error;
using engine::EventRecord;
using engine::HolidayRow;
using engine::Person;
using engine::PersonId;
using engine::Result;
using engine::Status;
using engine::Text;
using engine::TimePoint;
using detail::IsoDate;
using detail::Statement;
using detail::Use;
using detail::decode;
using detail::sqlite_error;
using detail::to_unix;
using detail::Q;
using detail::collect;
using detail::first;
using detail::run;
using detail::sql_limit;
using detail::sql_placeholders;

namespace {

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

// A database in a group-shared folder (setgid bit, as docs/daemon.md sets up /var/lib/djflow for
// the service and the office staff) is made owner+group read-write, so that the staff in the
// folder's group run djflow under their own names; anywhere else owner-only (decision 0082).
bool group_shared_folder(const std::string& path) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const auto st = std::filesystem::status(dir, ec);
  return !ec && (st.permissions() & std::filesystem::perms::set_gid) != std::filesystem::perms::none;
}

// Every open narrows the database file and its -wal and -shm to 0600, or 0660 in a group-shared
// folder (decision 0082) (invariant I18). The umask
// already gives a new file 0600, but a file must never be readable by others even if SQLite's
// default mode changes, and files that existed may be wider: an empty 0644 file made by `touch`,
// or a -wal / -shm left 0644 by an older djflow or by a copy (SQLite creates -wal and -shm with
// the database file's mode, so narrowing the database first keeps new ones 0600 too). A stat()
// each when nothing is to be done. Files of another user are left alone on an ordinary open
// (chmod would fail; such a set-up is their owner's choice, docs/invariants.md); `init`
// (`must_narrow`) refuses to go on if it cannot narrow.
engine::Status narrow_to_owner(const std::string& path, bool must_narrow, bool shared) {
  const mode_t want = shared ? 0660 : 0600;
  for (const std::string& p : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) continue;  // no such file: nothing to narrow
    if ((st.st_mode & 0777) == want) continue;
    if (st.st_uid != ::geteuid() && !must_narrow) continue;
    if (::chmod(p.c_str(), want) != 0) {
      return Error::storage(std::string(shared ? "chmod 0660 " : "chmod 0600 ") + p + ": " + std::strerror(errno));
    }
  }
  return {};
}

Error run_init_error(const std::string& path, const std::string& why_zh, const std::string& why_en) {
  return Error::not_found(Text{"数据库 " + path + why_zh + "；请先运行 djflow init",
                               "database " + path + why_en + "; run djflow init"});
}

}  // namespace

// --- opening -------------------------------------------------------------------------------------

namespace detail {

SqliteConnection::SqliteConnection() = default;

SqliteConnection::SqliteConnection(sqlite3* db)
    : db_(db), cache_(std::make_unique<StatementCache>(db)) {}

SqliteConnection::~SqliteConnection() {
  cache_.reset();  // finalize every statement before closing
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

}  // namespace detail

SqliteStore::SqliteStore(sqlite3* db, std::string path)
    : detail::SqliteConnection(db), path_(std::move(path)) {}

// The connection closes in ~SqliteConnection, after every port class is gone; an open
// transaction is rolled back first.
SqliteStore::~SqliteStore() { rollback(); }

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
  const bool shared = !memory && group_shared_folder(path);
  UmaskGuard umask_guard(shared ? 007 : 077);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == OpenMode::Create || memory) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  detail::configure_library();
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // The store owns the handle from here on, so that every error path closes it.
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  if (rc != SQLITE_OK) return sqlite_error(db, rc, "open " + path);
  if (!memory) DJFLOW_TRY(narrow_to_owner(path, mode == OpenMode::Create || !existed, shared));
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

std::int64_t SqliteStore::test_autoindex_rows() const {
  std::int64_t rows = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s != nullptr; s = sqlite3_next_stmt(db_, s))
    rows += sqlite3_stmt_status(s, SQLITE_STMTSTATUS_AUTOINDEX, 0);
  return rows;
}

// --- transactions --------------------------------------------------------------------------------

Status SqliteTransactions::begin_write() {
  if (in_transaction()) {
    // Nested: a savepoint inside the caller's transaction (engine/ports/transactions.hpp).
    // Prepared once, as every fixed statement: sqlite3_exec would prepare it on every step
    // recorded through the web API (issue 11 §5).
    DJFLOW_STATEMENT(s, Q::Savepoint);
    DJFLOW_TRY(run(db_, s, "SAVEPOINT"));
    ++nested_;
    return {};
  }
  DJFLOW_STATEMENT(s, Q::Begin);
  return run(db_, s, "BEGIN IMMEDIATE");
}

Status SqliteTransactions::commit() {
  if (!in_transaction()) return Error::storage("commit: no transaction is open");
  if (nested_ > 0) {
    DJFLOW_STATEMENT(s, Q::Release);
    DJFLOW_TRY(run(db_, s, "RELEASE"));
    --nested_;
    return {};
  }
  DJFLOW_STATEMENT(s, Q::Commit);
  return run(db_, s, "COMMIT");
}

void SqliteTransactions::rollback() noexcept {
  if (db_ == nullptr || !in_transaction()) {
    nested_ = 0;
    return;
  }
  if (nested_ > 0) {
    --nested_;
    if (sqlite3_exec(db_, "ROLLBACK TO djflow_nested; RELEASE djflow_nested", nullptr, nullptr, nullptr) == SQLITE_OK)
      return;
    nested_ = 0;  // the savepoint is gone: roll the whole transaction back
  }
  auto s = cache_->get(Q::Rollback);
  if (s.ok()) {
    Use use(**s);
    (*s)->step();
  }
  // If the cached statement could not run (out of memory), try the plain way once more.
  if (in_transaction()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool SqliteTransactions::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

// --- settings and calendar -------------------------------------------------------------------------

Result<std::optional<std::string>> SqliteSettings::setting(const std::string& key) {
  DJFLOW_STATEMENT(s, Q::GetSetting);
  s.bind(1, key);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "setting " + key);
  return std::optional<std::string>(s.string(0));
}

Status SqliteSettings::set_setting(const std::string& key, const std::string& value) {
  DJFLOW_STATEMENT(s, Q::SetSetting);
  s.bind(1, key);
  s.bind(2, value);
  DJFLOW_TRY(run(db_, s, "set_setting " + key));
  return log_change("setting", key, "set");
}

Result<std::map<std::string, std::string>> SqliteSettings::all_settings() {
  DJFLOW_STATEMENT(s, Q::AllSettings);
  std::map<std::string, std::string> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "all_settings");
    out.emplace(s.string(0), s.string(1));
  }
}

Result<std::vector<HolidayRow>> SqliteSettings::holidays() {
  DJFLOW_STATEMENT(s, Q::ListHolidays);
  std::vector<HolidayRow> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) {
      std::sort(out.begin(), out.end(),
                [](const HolidayRow& a, const HolidayRow& b) { return a.date < b.date; });
      return out;
    }
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "holidays");
    HolidayRow row;
    DJFLOW_TRY(detail::read_date(s, 0, "holidays.date", row.date));
    row.day_off = s.text(1) == "off";
    row.name = s.string(2);
    out.push_back(std::move(row));
  }
}

Status SqliteSettings::upsert_holiday(const HolidayRow& row) {
  DJFLOW_STATEMENT(s, Q::UpsertHoliday);
  const IsoDate date(row.date);
  s.bind(1, date.view());
  s.bind(2, std::string_view(row.day_off ? "off" : "work"));
  s.bind(3, row.name);
  DJFLOW_TRY(run(db_, s, "upsert_holiday"));
  return log_change("holiday", std::string(date.view()), "set");
}

// --- branches and persons ------------------------------------------------------------------------

namespace {

void bind_text_or_null(Statement& s, int i, const std::string& v) {
  if (v.empty()) {
    s.bind_null(i);
  } else {
    s.bind(i, v);
  }
}

Error key_taken(const std::string& key) {
  return Error::conflict(Text{"唯一标识（工号）" + key + " 已属于另一人", "the unique key " + key + " belongs to another person"});
}

}  // namespace

Status SqliteDirectory::insert_branch(const Branch& b) {
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
  if (rc == SQLITE_DONE) return log_change("branch", b.code, "insert");
  if (detail::is_unique_violation(rc)) {
    return Error::conflict(Text{"组织代码 " + b.code + " 已存在", "branch " + b.code + " already exists"});
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(Text{"上级组织 " + b.parent + " 不存在",
                                 "parent organisation " + b.parent + " does not exist"});
  }
  return sqlite_error(db_, rc, "insert_branch " + b.code);
}

Result<std::optional<Branch>> SqliteDirectory::find_branch(const std::string& code) {
  DJFLOW_STATEMENT(s, Q::FindBranch);
  s.bind(1, code);
  return first<Branch>(db_, s, "find_branch");
}

Result<std::vector<Branch>> SqliteDirectory::list_branches() {
  DJFLOW_STATEMENT(s, Q::ListBranches);
  return collect<Branch>(db_, s, "list_branches");
}

Result<PersonId> SqliteDirectory::insert_person(const Person& p) {
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
  bind_text_or_null(s, 7, p.key);
  bind_text_or_null(s, 8, p.phone);
  const int rc = s.step();
  if (detail::is_unique_violation(rc)) return key_taken(p.key);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(Text{"组织 " + p.branch + " 不存在", "branch " + p.branch + " does not exist"});
  }
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_person");
  const auto id = static_cast<PersonId>(sqlite3_last_insert_rowid(db_));
  DJFLOW_TRY(log_change("person", std::to_string(id), "insert"));
  return id;
}

Result<std::vector<Person>> SqliteDirectory::find_persons_by_name(const std::string& name) {
  DJFLOW_STATEMENT(s, Q::PersonsByName);
  s.bind(1, name);
  return collect<Person>(db_, s, "find_persons_by_name");
}

Result<std::optional<Person>> SqliteDirectory::find_person_by_key(const std::string& key) {
  DJFLOW_STATEMENT(s, Q::PersonByKey);
  s.bind(1, key);
  return first<Person>(db_, s, "find_person_by_key");
}

Status SqliteDirectory::update_person(const Person& p, const std::string& reason) {
  DJFLOW_STATEMENT(s, Q::UpdatePerson);
  const IsoDate born(p.born);
  std::optional<IsoDate> joined;
  if (p.joined) joined.emplace(*p.joined);
  s.bind(1, p.id);
  s.bind(2, p.name);
  s.bind(3, p.branch);
  s.bind(4, born.view());
  s.bind(5, std::string_view(engine::to_string(p.status)));
  if (joined) {
    s.bind(6, joined->view());
  } else {
    s.bind_null(6);
  }
  bind_text_or_null(s, 7, p.key);
  bind_text_or_null(s, 8, p.phone);
  bind_text_or_null(s, 9, reason);
  const int rc = s.step();
  if (detail::is_unique_violation(rc)) return key_taken(p.key);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(Text{"组织 " + p.branch + " 不存在", "branch " + p.branch + " does not exist"});
  }
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "update_person");
  if (sqlite3_changes(db_) == 0) {
    return Error::not_found(Text{"人员 " + std::to_string(p.id) + " 不存在",
                                 "person " + std::to_string(p.id) + " does not exist"});
  }
  return log_change("person", std::to_string(p.id), "update");
}

Result<std::optional<Person>> SqliteDirectory::find_person(PersonId id) {
  DJFLOW_STATEMENT(s, Q::FindPerson);
  s.bind(1, id);
  return first<Person>(db_, s, "find_person");
}

Result<std::vector<Person>> SqliteDirectory::list_persons(const std::optional<std::string>& branch) {
  if (!branch) {
    DJFLOW_STATEMENT(s, Q::ListPersons);
    return collect<Person>(db_, s, "list_persons");
  }
  DJFLOW_STATEMENT(s, Q::ListPersonsOfBranch);
  s.bind(1, *branch);
  return collect<Person>(db_, s, "list_persons");
}

Status SqliteDirectory::update_person_status(PersonId id, engine::MemberStatus status,
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
  return log_change("person", std::to_string(id), "status");
}

// --- cases and history -----------------------------------------------------------------------------

Result<CaseId> SqliteHistory::insert_case(const Case& c) {
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
  const auto id = static_cast<CaseId>(sqlite3_last_insert_rowid(db_));
  DJFLOW_TRY(log_change("case", std::to_string(id), "insert"));
  return id;
}

Result<std::optional<Case>> SqliteHistory::find_case(CaseId id) {
  DJFLOW_STATEMENT(s, Q::FindCase);
  s.bind(1, id);
  return first<Case>(db_, s, "find_case");
}

namespace {

// " AND c.x = ?" for each field of `f` that is set: the WHERE of list_cases and count_cases.
std::string case_where(const engine::CaseFilter& f) {
  std::string sql = " WHERE 1 = 1";
  if (f.workflow) sql += " AND c.workflow = ?";
  if (f.branch) sql += " AND c.branch = ?";
  if (f.branches) sql += " AND c.branch IN (" + sql_placeholders(f.branches->size()) + ")";
  if (f.person) sql += " AND c.person_id = ?";
  if (f.states) sql += " AND c.state IN (" + sql_placeholders(f.states->size()) + ")";
  return sql;
}

// Binds case_where(f)'s parameters from 1; returns the last index bound.
int bind_case_filter(Statement& s, const engine::CaseFilter& f) {
  int i = 0;
  if (f.workflow) s.bind(++i, *f.workflow);
  if (f.branch) s.bind(++i, *f.branch);
  if (f.branches)
    for (const auto& b : *f.branches) s.bind(++i, b);
  if (f.person) s.bind(++i, *f.person);
  if (f.states)
    for (const auto& st : *f.states) s.bind(++i, st);
  return i;
}

bool selects_nothing(const engine::CaseFilter& f) {
  return (f.states && f.states->empty()) || (f.branches && f.branches->empty());
}

}  // namespace

Result<std::vector<Case>> SqliteHistory::list_cases(const engine::CaseFilter& f) {
  if (selects_nothing(f)) return std::vector<Case>();
  const std::string sql = "SELECT " DJFLOW_CASE_COLS " FROM cases c" + case_where(f) + " ORDER BY c.id LIMIT ?";
  DJFLOW_STATEMENT(s, sql);
  const int i = bind_case_filter(s, f);
  s.bind(i + 1, sql_limit(f.limit));
  return collect<Case>(db_, s, "list_cases");
}

// GROUP BY over the covering index cases_branch (branch, workflow, state): the rows are not
// read. INDEXED BY: without a branch in the filter the planner would take cases_workflow and
// look up every row for its branch (1 s instead of 40 ms on 100,000 cases).
Result<std::vector<engine::CaseCount>> SqliteHistory::count_cases(const engine::CaseFilter& f) {
  std::vector<engine::CaseCount> out;
  if (selects_nothing(f)) return out;
  const std::string sql = "SELECT c.branch, c.workflow, c.state, count(*) FROM cases c INDEXED BY cases_branch" + case_where(f) +
                          " GROUP BY c.branch, c.workflow, c.state ORDER BY c.branch, c.workflow, c.state";
  DJFLOW_STATEMENT(s, sql);
  bind_case_filter(s, f);
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "count_cases");
    out.push_back({s.string(0), s.string(1), s.string(2), s.int64(3)});
  }
}

Status SqliteHistory::update_case(CaseId id, std::int64_t expected_version, const std::string& state,
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
    return Error::not_found(Text{"事项 #" + sid + " 不存在", "case " + sid + " does not exist"});
  }
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "update_case");
  const std::string stored = std::to_string(v.int64(0));
  const std::string expected = std::to_string(expected_version);
  return Error::conflict(
      Text{"事项 #" + sid + " 已被其他操作修改（版本 " + stored + "，预期 " + expected + "）；请重试",
           "case " + sid + " was changed by another command (version " + stored + ", expected " +
               expected + "); try again"});
}

Status SqliteHistory::update_case_branch(CaseId id, const std::string& branch) {
  DJFLOW_STATEMENT(s, std::string("UPDATE cases SET branch = ?2 WHERE id = ?1"));
  s.bind(1, id);
  s.bind(2, branch);
  const int rc = s.step();
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return Error::not_found(Text{"组织 " + branch + " 不存在", "branch " + branch + " does not exist"});
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "update_case_branch");
  if (sqlite3_changes(db_) == 0)
    return Error::not_found(Text{"事项不存在：#" + std::to_string(id), "no case #" + std::to_string(id)});
  return log_change("case", std::to_string(id), "update");
}

Status SqliteHistory::append_event(const EventRecord& e) {
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
  if (detail::is_unique_violation(rc)) return detail::event_exists(e);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(Text{"事项 #" + std::to_string(e.case_id) + " 不存在",
                                 "case " + std::to_string(e.case_id) + " does not exist"});
  }
  return sqlite_error(db_, rc, "append_event " + where);
}

Result<std::vector<EventRecord>> SqliteHistory::events(CaseId id) {
  DJFLOW_STATEMENT(s, Q::Events);
  s.bind(1, id);
  return collect<EventRecord>(db_, s, "events");
}

// On SQLite the case file is the three cached reads it joins on PostgreSQL (decision 0130): no
// round trip to save here, and a `djflow record` process has already prepared the case's and
// the person's (the command resolves its arguments with them), where the one joined statement
// cost a fresh prepare of 0.36 M instructions, more than the three reads together.
Result<std::optional<engine::CaseFile>> SqliteHistory::case_file(CaseId id) {
  std::optional<engine::CaseFile> out;
  {
    DJFLOW_STATEMENT(s, Q::FindCase);
    s.bind(1, id);
    auto c = first<Case>(db_, s, "case_file");
    DJFLOW_TRY(c);
    if (!c.value()) return out;
    out.emplace();
    out->c = std::move(*c.value());
  }
  {
    DJFLOW_STATEMENT(s, Q::Events);
    s.bind(1, id);
    auto events = collect<EventRecord>(db_, s, "case_file");
    DJFLOW_TRY(events);
    out->events = std::move(events.value());
  }
  if (out->c.person) {
    DJFLOW_STATEMENT(s, Q::FindPerson);
    s.bind(1, *out->c.person);
    auto p = first<Person>(db_, s, "case_file");
    DJFLOW_TRY(p);
    out->subject = std::move(p.value());
  }
  return out;
}

Result<std::vector<engine::CaseHistory>> SqliteHistory::history_page(CaseId after,
                                                                   std::size_t limit) {
  std::vector<engine::CaseHistory> page;
  {
    DJFLOW_STATEMENT(s, Q::HistoryCases);
    s.bind(1, after);
    s.bind(2, sql_limit(limit));
    auto cases = collect<Case>(db_, s, "history_page");
    if (!cases) return cases.error();
    page.reserve(cases->size());
    for (auto& c : *cases) page.push_back(engine::CaseHistory{std::move(c), {}});
  }
  if (page.empty()) return page;
  DJFLOW_STATEMENT(s, Q::HistoryEvents);
  s.bind(1, page.front().c.id);
  s.bind(2, page.back().c.id);
  std::size_t at = 0;  // cases and events both come in case order: one merge pass
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return page;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "history_page");
    EventRecord e;
    DJFLOW_TRY(decode(s, 0, e));
    while (at < page.size() && page[at].c.id < e.case_id) ++at;
    if (at < page.size() && page[at].c.id == e.case_id) page[at].events.push_back(std::move(e));
  }
}

}  // namespace djflow::storage
