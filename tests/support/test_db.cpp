#include "support/test_db.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "storage/pg_connection.hpp"
#include "storage/pg_store.hpp"
#include "storage/sqlite_store.hpp"

namespace djflow::storage::test {

namespace {

std::string env_db() {
  const char* v = std::getenv("DJFLOW_TEST_DB");
  return v == nullptr ? "" : v;
}

std::string slurp_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void require_ok(const engine::Status& s, const std::string& what) {
  if (!s) FAIL(what << ": " << s.error().message.en);
}

}  // namespace

bool TestDb::postgres_selected() { return pg::is_postgres_url(env_db()); }

TestDb::TestDb() {
  const std::string db = env_db();
  if (db.empty() || db == "sqlite:") {
    dir_ = std::make_unique<TempDir>();
    target_ = dir_->file("conformance.db");
    return;
  }
  if (!pg::is_postgres_url(db)) {
    FAIL("DJFLOW_TEST_DB must be empty, sqlite: or a postgresql:// URL, not " << db);
  }
  url_ = db;
  static std::atomic<int> counter{0};
  schema_ = "test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  auto c = pg::Connection::open(url_);
  if (!c) {
    FAIL("the PostgreSQL tests need a server at DJFLOW_TEST_DB (CTest starts one with "
         "scripts/pg-test-server; install it with apt-get install postgresql libpq-dev): "
         << c.error().message.en);
  }
  require_ok((*c)->exec_script("create schema", "DROP SCHEMA IF EXISTS " + schema_ +
                                                    " CASCADE; CREATE SCHEMA " + schema_),
             "create the test schema");
  target_ = url_ + (url_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + schema_;
}

TestDb::~TestDb() {
  if (schema_.empty()) return;
  if (auto c = pg::Connection::open(url_)) {
    static_cast<void>((*c)->exec_script("drop schema", "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE"));
  }
}

std::unique_ptr<engine::Store> TestDb::open() {
  if (postgres()) {
    auto s = PgStore::open(target_, OpenMode::Create);
    if (!s) FAIL("open PostgreSQL " << pg::redact_url(target_) << ": " << s.error().message.en);
    return std::move(*s);
  }
  auto s = SqliteStore::open(target_, OpenMode::Create);
  if (!s) FAIL("open SQLite " << target_ << ": " << s.error().message.en);
  return std::move(*s);
}

std::string TestDb::contents() const {
  if (!postgres()) return slurp_file(target_);
  auto c = pg::Connection::open(target_);
  if (!c) FAIL("open PostgreSQL " << pg::redact_url(target_) << ": " << c.error().message.en);
  auto tables = (*c)->exec("tables", "SELECT table_name::text FROM information_schema.tables "
                                     "WHERE table_schema = current_schema() ORDER BY 1");
  if (!tables) FAIL("list the tables: " << tables.error().message.en);
  std::string out;
  for (int i = 0; i < tables->size(); ++i) {
    const std::string t = tables->string(i, 0);
    auto rows = (*c)->exec("rows", "SELECT coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '') FROM \"" +
                                       t + "\" r");
    if (!rows) FAIL("read " << t << ": " << rows.error().message.en);
    out += "== " + t + "\n" + rows->string(0, 0) + "\n";
  }
  return out;
}

void TestDb::exec_behind(const std::string& sql) const {
  REQUIRE(postgres());
  auto c = pg::Connection::open(target_);
  if (!c) FAIL("open PostgreSQL " << pg::redact_url(target_) << ": " << c.error().message.en);
  require_ok((*c)->exec_script("tamper", "SET session_replication_role = replica; " + sql), sql);
}

engine::Status TestDb::raw(engine::Store& s, const std::string& sql) {
  if (auto* p = dynamic_cast<PgStore*>(&s)) return p->test_exec(sql);
  return dynamic_cast<SqliteStore&>(s).test_exec(sql);
}

}  // namespace djflow::storage::test
