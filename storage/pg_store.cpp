// PgStore, part 1: opening, transactions, settings, calendar, organisations and people (part 2,
// pg_store_history.cpp: cases and events; part 3, pg_store_schedule.cpp: deadlines, timers,
// notifications; one pg_store_<port>.cpp per further port).
#include "storage/pg_store.hpp"

#include <utility>

#include "storage/pg_codec.hpp"
#include "storage/pg_migrations.hpp"

namespace djflow::storage {

using engine::Branch;
using engine::Date;
using engine::Error;
using engine::HolidayRow;
using engine::Person;
using engine::PersonId;
using engine::Result;
using engine::Status;
using engine::Text;
using detail::to_unix;
using pg::Params;

// --- opening -------------------------------------------------------------------------------------

namespace detail {
PgBase::PgBase() = default;
PgBase::PgBase(std::unique_ptr<pg::Connection> c) : conn_(std::move(c)) {}
PgBase::~PgBase() = default;
}  // namespace detail

PgStore::PgStore(std::unique_ptr<pg::Connection> c) : detail::PgBase(std::move(c)) {}
PgStore::~PgStore() { rollback(); }

int PgStore::schema_version() { return pg::pg_schema_version(); }

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url, OpenMode mode) {
  auto conn = pg::Connection::open(url);
  if (!conn) return conn.error();
  std::unique_ptr<PgStore> store(new PgStore(std::move(*conn)));
  pg::Connection& c = store->db();
  if (mode == OpenMode::Create) {
    DJFLOW_TRY(pg::migrate(c));
    return store;
  }
  auto ver = pg::read_schema_version(c);
  if (!ver) return ver.error();
  const int latest = pg::pg_schema_version();
  const std::string where = "PostgreSQL " + c.where();
  if (*ver == 0) {
    return Error::not_found(Text{"数据库 " + where + " 尚未初始化；请先运行 djflow init",
                                 "database " + where + " is not initialised; run djflow init"});
  }
  if (*ver != latest) {
    return Error::storage("database " + where + " has schema version " + std::to_string(*ver) +
                          (*ver > latest ? ", newer than this djflow understands ("
                                         : ", older than this djflow (") +
                          std::to_string(latest) +
                          (*ver > latest ? "); upgrade djflow" : "); run djflow init to migrate it"));
  }
  return store;
}

Status PgStore::test_exec(const std::string& sql) { return db().exec_script("test_exec", sql); }

Status PgStore::run_retrying(const std::function<Status()>& body, int attempts) {
  for (int attempt = 1;; ++attempt) {
    Status s = begin_write();
    if (s) s = body();
    if (s) s = commit();
    if (s) return s;
    const bool retry = db().last_retryable() && attempt < attempts;
    rollback();
    if (!retry) return s;
  }
}

// --- transactions --------------------------------------------------------------------------------

Status PgTransactions::begin_write() {
  if (in_transaction()) {
    DJFLOW_TRY(db().exec_script("SAVEPOINT", "SAVEPOINT djflow_nested"));
    ++nested_;
    return {};
  }
  nested_ = 0;
  drop_prefetched();
  forget_dropped_timers();
  db().clear_transient();
  db().begin_lazily();  // sent with the first statement (decision 0130)
  return {};
}

Status PgTransactions::commit() {
  drop_prefetched();
  forget_dropped_timers();
  if (!in_transaction()) return Error::storage("commit: no transaction is open");
  if (db().begin_pending()) {  // no statement ran: nothing was begun on the server
    db().drop_pending_begin();
    ++committed_;
    return {};
  }
  if (db().transaction_failed()) {
    // COMMIT would only roll back: say so rather than report success.
    rollback();
    return Error::storage("commit: the transaction failed earlier and was rolled back (PostgreSQL " +
                          db().where() + ")");
  }
  if (nested_ > 0) {
    DJFLOW_TRY(db().exec_script("RELEASE", "RELEASE SAVEPOINT djflow_nested"));
    --nested_;
    return {};
  }
  DJFLOW_TRY(db().exec_script("COMMIT", "COMMIT"));
  ++committed_;
  return {};
}

void PgTransactions::rollback() noexcept {
  drop_prefetched();
  forget_dropped_timers();
  try {
    if (!conn_ || !in_transaction()) {
      nested_ = 0;
      return;
    }
    if (db().begin_pending()) {
      db().drop_pending_begin();
      nested_ = 0;
      return;
    }
    if (nested_ > 0) {
      --nested_;
      if (db().exec_script("ROLLBACK TO", "ROLLBACK TO SAVEPOINT djflow_nested; "
                                          "RELEASE SAVEPOINT djflow_nested"))
        return;
      nested_ = 0;  // the savepoint is gone: roll the whole transaction back
    }
    static_cast<void>(db().exec_script("ROLLBACK", "ROLLBACK"));
  } catch (...) {
    nested_ = 0;  // out of memory: the server rolls back when the connection closes
  }
}

bool PgTransactions::in_transaction() const { return conn_ && conn_->in_transaction(); }

bool PgTransactions::transient_failure() const { return conn_ && conn_->transient_failure(); }

// --- settings and calendar -----------------------------------------------------------------------

Result<std::optional<std::string>> PgSettings::setting(const std::string& key) {
  auto r = db().exec("setting", "SELECT value FROM settings WHERE key = $1", Params().text(key));
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r->string(0, 0));
}

Status PgSettings::set_setting(const std::string& key, const std::string& value) {
  auto r = db().exec("set_setting",
                     "INSERT INTO settings (key, value) VALUES ($1, $2) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     Params().text(key).text(value));
  if (!r) return r.error();
  return log_change("setting", key, "set");
}

Result<std::map<std::string, std::string>> PgSettings::all_settings() {
  auto r = db().exec("all_settings", "SELECT key, value FROM settings ORDER BY key");
  if (!r) return r.error();
  std::map<std::string, std::string> out;
  for (int i = 0; i < r->size(); ++i) out.emplace(r->string(i, 0), r->string(i, 1));
  return out;
}

Result<std::vector<HolidayRow>> PgSettings::holidays() {
  auto r = db().exec("holidays", "SELECT date, kind, name FROM holidays ORDER BY date");
  if (!r) return r.error();
  std::vector<HolidayRow> out;
  for (int i = 0; i < r->size(); ++i) {
    HolidayRow row;
    if (!detail::parse_iso_date(r->text(i, 0), row.date))
      return detail::corrupt_value("holidays.date", r->text(i, 0));
    row.day_off = r->text(i, 1) == "off";
    row.name = r->string(i, 2);
    out.push_back(std::move(row));
  }
  return out;
}

Status PgSettings::upsert_holiday(const HolidayRow& row) {
  auto r = db().exec("upsert_holiday",
                     "INSERT INTO holidays (date, kind, name) VALUES ($1, $2, $3) "
                     "ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name",
                     Params().text(pg::iso(row.date)).text(row.day_off ? "off" : "work").text(row.name));
  if (!r) return r.error();
  return log_change("holiday", pg::iso(row.date), "set");
}

// --- organisations and people --------------------------------------------------------------------

namespace {

Error key_taken(const std::string& key) {
  return Error::conflict(Text{"唯一标识（工号）" + key + " 已属于另一人",
                              "the unique key " + key + " belongs to another person"});
}

Error branch_missing(const std::string& code) {
  return Error::not_found(Text{"组织 " + code + " 不存在", "branch " + code + " does not exist"});
}

Error person_missing(PersonId id) {
  return Error::not_found(Text{"人员 " + std::to_string(id) + " 不存在",
                               "person " + std::to_string(id) + " does not exist"});
}

Params& person_values(Params& p, const Person& v) {
  p.text(v.name).text(v.branch).text(pg::iso(v.born)).text(engine::to_string(v.status));
  if (v.joined) {
    p.text(pg::iso(*v.joined));
  } else {
    p.null();
  }
  return p;
}

}  // namespace

Status PgDirectory::insert_branch(const Branch& b) {
  Params p;
  p.text(b.code).text(b.name).text(b.kind).text_or_null(b.parent).int64(to_unix(b.created_at));
  auto r = db().exec_guarded("insert_branch",
                             "INSERT INTO branches (code, name, kind, parent, created_at) "
                             "VALUES ($1, $2, $3, $4, $5)",
                             p);
  if (r) return log_change("branch", b.code, "insert");
  if (db().last_sqlstate() == pg::kUniqueViolation)
    return Error::conflict(Text{"组织代码 " + b.code + " 已存在", "branch " + b.code + " already exists"});
  if (db().last_sqlstate() == pg::kForeignKeyViolation)
    return Error::not_found(Text{"上级组织 " + b.parent + " 不存在",
                                 "parent organisation " + b.parent + " does not exist"});
  return r.error();
}

Result<std::optional<Branch>> PgDirectory::find_branch(const std::string& code) {
  return pg::first<Branch>(db().exec(
      "find_branch", "SELECT " DJFLOW_BRANCH_COLS " FROM branches b WHERE b.code = $1", Params().text(code)));
}

Result<std::vector<Branch>> PgDirectory::list_branches() {
  return pg::collect<Branch>(
      db().exec("list_branches", "SELECT " DJFLOW_BRANCH_COLS " FROM branches b ORDER BY b.code"));
}

Result<PersonId> PgDirectory::insert_person(const Person& v) {
  Params p;
  person_values(p, v).int64(to_unix(v.created_at)).text_or_null(v.key).text_or_null(v.phone);
  auto r = db().exec_guarded("insert_person",
                             "INSERT INTO persons (name, branch, born, status, joined, created_at, "
                             "key, phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                             p);
  if (r) {
    const auto id = static_cast<PersonId>(r->int64(0, 0));
    DJFLOW_TRY(log_change("person", std::to_string(id), "insert"));
    return id;
  }
  if (db().last_sqlstate() == pg::kUniqueViolation) return key_taken(v.key);
  if (db().last_sqlstate() == pg::kForeignKeyViolation) return branch_missing(v.branch);
  return r.error();
}

Result<std::optional<Person>> PgDirectory::find_person(PersonId id) {
  return pg::first<Person>(db().exec(
      "find_person", "SELECT " DJFLOW_PERSON_COLS " FROM persons p WHERE p.id = $1", Params().int64(id)));
}

Result<std::vector<Person>> PgDirectory::list_persons(const std::optional<std::string>& branch) {
  if (!branch) {
    return pg::collect<Person>(
        db().exec("list_persons", "SELECT " DJFLOW_PERSON_COLS " FROM persons p ORDER BY p.id"));
  }
  return pg::collect<Person>(db().exec(
      "list_persons", "SELECT " DJFLOW_PERSON_COLS " FROM persons p WHERE p.branch = $1 ORDER BY p.id",
      Params().text(*branch)));
}

Result<std::vector<Person>> PgDirectory::find_persons_by_name(const std::string& name) {
  return pg::collect<Person>(db().exec(
      "find_persons_by_name",
      "SELECT " DJFLOW_PERSON_COLS " FROM persons p WHERE p.name = $1 ORDER BY p.id", Params().text(name)));
}

Result<std::optional<Person>> PgDirectory::find_person_by_key(const std::string& key) {
  return pg::first<Person>(db().exec(
      "find_person_by_key", "SELECT " DJFLOW_PERSON_COLS " FROM persons p WHERE p.key = $1",
      Params().text(key)));
}

Status PgDirectory::update_person(const Person& v, const std::string& reason) {
  Params p;
  person_values(p, v).text_or_null(v.key).text_or_null(v.phone).text_or_null(reason).int64(v.id);
  auto r = db().exec_guarded("update_person",
                             "UPDATE persons SET name = $1, branch = $2, born = $3, status = $4, "
                             "joined = $5, key = $6, phone = $7, change_reason = $8 WHERE id = $9",
                             p);
  if (!r) {
    if (db().last_sqlstate() == pg::kUniqueViolation) return key_taken(v.key);
    if (db().last_sqlstate() == pg::kForeignKeyViolation) return branch_missing(v.branch);
    return r.error();
  }
  if (r->affected() == 0) return person_missing(v.id);
  return log_change("person", std::to_string(v.id), "update");
}

Status PgDirectory::update_person_status(PersonId id, engine::MemberStatus status,
                                         std::optional<Date> joined) {
  Params p;
  p.int64(id).text(engine::to_string(status));
  if (joined) {
    p.text(pg::iso(*joined));
  } else {
    p.null();
  }
  auto r = db().exec("update_person_status",
                     "UPDATE persons SET status = $2, joined = $3 WHERE id = $1", p);
  if (!r) return r.error();
  if (r->affected() == 0) return person_missing(id);
  return log_change("person", std::to_string(id), "status");
}

Result<int> PgDirectory::count_full_members(const std::string& branch) {
  auto r = db().exec("count_full_members",
                     "WITH RECURSIVE tree(code) AS ("
                     "  SELECT code FROM branches WHERE code = $1"
                     "  UNION SELECT b.code FROM branches b JOIN tree t ON b.parent = t.code)"
                     " SELECT count(*) FROM persons p WHERE p.status = 'full'"
                     " AND p.branch IN (SELECT code FROM tree)",
                     Params().text(branch));
  if (!r) return r.error();
  return static_cast<int>(r->int64(0, 0));
}

}  // namespace djflow::storage
