#include "storage/conformance/test_db.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

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

void require_ok(const engine::Status& s, const std::string& what) {
  if (!s) FAIL(what << ": " << s.error().message.en);
}

}  // namespace

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
  schema_ = "conformance_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
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

engine::Status TestDb::raw(engine::Store& s, const std::string& sql) {
  if (auto* p = dynamic_cast<PgStore*>(&s)) return p->test_exec(sql);
  return dynamic_cast<SqliteStore&>(s).test_exec(sql);
}

}  // namespace djflow::storage::test
