// PostgreSQL only (registered in conformance_postgresql alone): what SQLite has no counterpart
// of. The deadlock retry (SQLite cannot deadlock: BEGIN IMMEDIATE takes the only write lock at
// begin), and the ports not implemented on PostgreSQL yet, which must say so.
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <thread>

#include "storage/conformance/seed.hpp"
#include "storage/conformance/test_db.hpp"
#include "storage/pg_migrations.hpp"
#include "storage/pg_store.hpp"

using namespace djflow;
using engine::ErrorCode;
using storage::test::must;

TEST_CASE("only postgresql: port methods not implemented yet say so by name",
          "[postgresql][not-yet]") {
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  auto s = db.open();
  auto channels = s->list_channels(true);
  auto lease = s->find_lease();
  REQUIRE_FALSE(channels.ok());
  CHECK(channels.error().code == ErrorCode::Storage);
  CHECK_THAT(channels.error().message.en, Catch::Contains("list_channels is not yet available on PostgreSQL"));
  CHECK_THAT(channels.error().message.zh, Catch::Contains("PostgreSQL 数据库尚不支持 list_channels"));
  REQUIRE_FALSE(lease.ok());
  CHECK_THAT(lease.error().message.en, Catch::Contains("find_lease"));
}

TEST_CASE("only postgresql: a transaction that lost a deadlock is run again",
          "[postgresql][concurrency]") {
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  auto setup = db.open();
  must(setup->set_setting("a", "0"));
  must(setup->set_setting("b", "0"));
  auto p1 = db.open();
  auto p2 = db.open();
  auto& s1 = dynamic_cast<storage::PgStore&>(*p1);
  auto& s2 = dynamic_cast<storage::PgStore&>(*p2);
  // Each locks one row, then (after both hold one) wants the other's: PostgreSQL aborts one
  // with 40P01 after deadlock_timeout, and run_retrying runs that one again.
  std::latch both_locked(2);
  std::atomic<int> attempts1{0}, attempts2{0};
  auto body = [&](storage::PgStore& s, std::atomic<int>& attempts, const char* mine, const char* theirs) {
    return [&s, &attempts, &both_locked, mine, theirs]() -> engine::Status {
      const bool first_attempt = attempts++ == 0;
      DJFLOW_TRY(s.set_setting(mine, "1"));
      if (first_attempt) both_locked.arrive_and_wait();
      return s.set_setting(theirs, "1");
    };
  };
  engine::Status r1, r2;
  std::thread t1([&] { r1 = s1.run_retrying(body(s1, attempts1, "a", "b")); });
  std::thread t2([&] { r2 = s2.run_retrying(body(s2, attempts2, "b", "a")); });
  t1.join();
  t2.join();
  INFO((r1.ok() ? std::string() : r1.error().message.en) << (r2.ok() ? std::string() : r2.error().message.en));
  CHECK(r1.ok());
  CHECK(r2.ok());
  CHECK(attempts1.load() + attempts2.load() == 3);  // exactly one ran twice
}

TEST_CASE("only postgresql: the schema is migrated once, to the version of the SQLite list, and an "
          "existing open needs it",
          "[postgresql][migrate]") {
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  auto first = db.open();
  auto second = db.open();  // migrating again is a no-op
  must(first->set_setting("k", "v"));
  CHECK(must(second->setting("k")) == std::optional<std::string>("v"));
  CHECK(storage::PgStore::schema_version() == storage::SqliteStore::schema_version());
  auto raw = storage::test::TestDb::raw(*first, "SELECT 1 FROM djflow_schema WHERE version = " +
                                                    std::to_string(storage::PgStore::schema_version()));
  CHECK(raw.ok());
  auto tamper = storage::test::TestDb::raw(*first, "TRUNCATE entity_events");
  REQUIRE_FALSE(tamper.ok());
  CHECK_THAT(tamper.error().message.en, Catch::Contains("append-only"));

  auto none = storage::PgStore::open("postgresql:///no_such_database_djflow?host=/nonexistent-djflow-dir&password=s3cret",
                                     storage::OpenMode::Existing);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::Storage);
  CHECK_THAT(none.error().message.en, !Catch::Contains("s3cret"));
  CHECK_THAT(none.error().message.en, Catch::Contains("no_such_database_djflow"));
}
