// Opening, modes, migrations, file permissions, transactions and durability of SqliteStore.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "engine/store.hpp"
#include "storage/raw_reference.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/storage/temp_dir.hpp"

using djflow::engine::Branch;
using djflow::engine::ErrorCode;
using djflow::engine::TimePoint;
using djflow::engine::WriteTransaction;
using djflow::storage::OpenMode;
using djflow::storage::SqliteStore;
using djflow::storage::test::TempDir;

namespace {

std::unique_ptr<SqliteStore> must_open(const std::string& path, OpenMode mode) {
  auto s = SqliteStore::open(path, mode);
  INFO((s.ok() ? std::string() : s.error().message.en));
  REQUIRE(s.ok());
  return std::move(s).value();
}

Branch branch(const std::string& code) {
  Branch b;
  b.code = code;
  b.name = "第一党支部";
  b.created_at = TimePoint{std::chrono::seconds{1700000000}};
  return b;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("Existing mode on a missing file is NotFound and creates nothing", "[storage][open]") {
  TempDir dir;
  const auto path = dir.file("missing.db");
  auto s = SqliteStore::open(path, OpenMode::Existing);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::NotFound);
  CHECK(s.error().message.en.find("does not exist; run djflow init") != std::string::npos);
  CHECK(s.error().message.en.find(path) != std::string::npos);
  CHECK(s.error().message.zh.find("djflow init") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("Create mode makes a 0600 file whose -wal and -shm are 0600 too", "[storage][open]") {
  TempDir dir;
  const auto path = dir.file("new.db");
  const mode_t old = ::umask(022);  // a permissive umask must not leak into the file mode
  {
    auto store = must_open(path, OpenMode::Create);
    REQUIRE(store->insert_branch(branch("B1")).ok());
    CHECK(mode_of(path) == 0600);
    REQUIRE(std::filesystem::exists(path + "-wal"));
    CHECK(mode_of(path + "-wal") == 0600);
    REQUIRE(std::filesystem::exists(path + "-shm"));
    CHECK(mode_of(path + "-shm") == 0600);
  }
  CHECK(::umask(old) == 022);  // open() restored the process umask
}

TEST_CASE("every open narrows a wide database, -wal and -shm to 0600, not only init", "[storage][open]") {
  TempDir dir;
  const auto path = dir.file("wide.db");
  const mode_t old = ::umask(022);
  {
    auto creator = must_open(path, OpenMode::Create);
    REQUIRE(creator->insert_branch(branch("B1")).ok());
    // Another connection (the daemon) keeps -wal and -shm in place while they are widened, as an
    // older version, a copy or a restore under umask 022 leaves them.
    for (const char* suffix : {"", "-wal", "-shm"}) {
      REQUIRE(std::filesystem::exists(path + suffix));
      REQUIRE(::chmod((path + suffix).c_str(), 0644) == 0);
    }
    auto reader = must_open(path, OpenMode::Existing);
    CHECK(reader->find_branch("B1").value().has_value());
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(path + "-wal") == 0600);
    CHECK(mode_of(path + "-shm") == 0600);
  }
  ::umask(old);
}

TEST_CASE("in a group-shared folder (setgid) the database is 0660 for the office group", "[storage][open]") {
  TempDir dir;
  const auto shared = dir.file("shared");
  std::filesystem::create_directory(shared);
  std::filesystem::permissions(shared, std::filesystem::perms::set_gid | std::filesystem::perms::owner_all |
                                           std::filesystem::perms::group_all);
  const auto path = shared + "/branch.db";
  const mode_t old = ::umask(077);  // a strict umask must not keep the group out
  {
    auto store = must_open(path, OpenMode::Create);
    REQUIRE(store->insert_branch(branch("B1")).ok());
    CHECK(mode_of(path) == 0660);
    REQUIRE(std::filesystem::exists(path + "-wal"));
    CHECK(mode_of(path + "-wal") == 0660);
  }
  CHECK(::umask(old) == 077);
}

TEST_CASE("committed data survives reopening, rolled-back data does not", "[storage][open]") {
  TempDir dir;
  const auto path = dir.file("durable.db");
  {
    auto store = must_open(path, OpenMode::Create);
    REQUIRE(store->begin_write().ok());
    REQUIRE(store->insert_branch(branch("KEEP")).ok());
    REQUIRE(store->set_setting("timezone", "Asia/Shanghai").ok());
    REQUIRE(store->commit().ok());

    WriteTransaction tx(*store);
    REQUIRE(tx.begin().ok());
    REQUIRE(store->insert_branch(branch("DROP")).ok());
    // tx goes out of scope without commit: rolled back
  }
  auto store = must_open(path, OpenMode::Existing);
  CHECK(store->find_branch("KEEP").value().has_value());
  CHECK_FALSE(store->find_branch("DROP").value().has_value());
  CHECK(store->setting("timezone").value() == std::optional<std::string>("Asia/Shanghai"));
  CHECK(store->integrity_problems().value().empty());
}

TEST_CASE("rollback leaves nothing behind", "[storage][tx]") {
  auto store = must_open(":memory:", OpenMode::Create);
  CHECK_FALSE(store->in_transaction());
  REQUIRE(store->begin_write().ok());
  CHECK(store->in_transaction());
  REQUIRE(store->insert_branch(branch("B1")).ok());
  REQUIRE(store->set_setting("k", "v").ok());
  store->rollback();
  CHECK_FALSE(store->in_transaction());
  CHECK(store->list_branches().value().empty());
  CHECK_FALSE(store->setting("k").value().has_value());
  store->rollback();  // no transaction: harmless
}

TEST_CASE("transaction misuse is an error, not a crash, and a nested begin is a savepoint", "[storage][tx]") {
  auto store = must_open(":memory:", OpenMode::Create);
  CHECK_FALSE(store->commit().ok());
  REQUIRE(store->begin_write().ok());
  REQUIRE(store->begin_write().ok());  // nested: a savepoint (decision 0080, djflow import)
  REQUIRE(store->insert_branch(branch("B1")).ok());
  store->rollback();                   // undoes the nested level only
  CHECK(store->in_transaction());
  REQUIRE(store->begin_write().ok());
  REQUIRE(store->insert_branch(branch("B2")).ok());
  REQUIRE(store->commit().ok());       // releases into the outer transaction
  CHECK(store->in_transaction());
  REQUIRE(store->commit().ok());
  CHECK_FALSE(store->in_transaction());
  CHECK_FALSE(store->find_branch("B1").value());
  CHECK(store->find_branch("B2").value());
  CHECK_FALSE(store->commit().ok());
}

TEST_CASE("Existing mode accepts :memory: and creates its schema", "[storage][open]") {
  auto store = must_open(":memory:", OpenMode::Existing);
  CHECK(store->insert_branch(branch("B1")).ok());
}

TEST_CASE("an empty file is migrated from version 0 to the current schema", "[storage][migrate]") {
  TempDir dir;
  const auto path = dir.file("empty.db");
  { std::ofstream(path).flush(); }
  REQUIRE(std::filesystem::file_size(path) == 0);

  SECTION("Existing mode says it needs djflow init") {
    auto s = SqliteStore::open(path, OpenMode::Existing);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::NotFound);
    CHECK(s.error().message.en.find("run djflow init") != std::string::npos);
  }
  SECTION("Create mode migrates it, and it then opens as Existing") {
    { must_open(path, OpenMode::Create); }
    auto store = must_open(path, OpenMode::Existing);
    CHECK(store->insert_branch(branch("B1")).ok());
    CHECK(store->integrity_problems().value().empty());
    // Create on a current database is a no-op.
    store.reset();
    must_open(path, OpenMode::Create);
  }
}

TEST_CASE("a schema newer than this binary is refused", "[storage][migrate]") {
  TempDir dir;
  const auto path = dir.file("future.db");
  {
    auto store = must_open(path, OpenMode::Create);
    REQUIRE(store->test_exec("PRAGMA user_version = " +
                             std::to_string(SqliteStore::schema_version() + 1))
                .ok());
  }
  for (auto mode : {OpenMode::Existing, OpenMode::Create}) {
    auto s = SqliteStore::open(path, mode);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::Storage);
    CHECK(s.error().message.en.find("newer") != std::string::npos);
  }
}

TEST_CASE("an older schema asks for djflow init in Existing mode", "[storage][migrate]") {
  TempDir dir;
  const auto path = dir.file("old.db");
  {
    auto store = must_open(path, OpenMode::Create);
    // Pretend the database predates the current migration (only possible once there are two).
    if (SqliteStore::schema_version() < 2) return;
    REQUIRE(store->test_exec("PRAGMA user_version = 1").ok());
  }
  auto s = SqliteStore::open(path, OpenMode::Existing);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.en.find("djflow init") != std::string::npos);
}

TEST_CASE("foreign files are refused", "[storage][open]") {
  TempDir dir;
  SECTION("another application's SQLite database") {
    const auto path = dir.file("other.db");
    {
      auto store = must_open(path, OpenMode::Create);
      REQUIRE(store->test_exec("PRAGMA application_id = 42").ok());
    }
    auto s = SqliteStore::open(path, OpenMode::Existing);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::Storage);
    CHECK(s.error().message.en.find("not a djflow database") != std::string::npos);
  }
  SECTION("a text file") {
    const auto path = dir.file("notes.txt");
    { std::ofstream(path) << "this is not a database, just some text that is long enough\n"; }
    auto s = SqliteStore::open(path, OpenMode::Create);
    REQUIRE_FALSE(s.ok());
    CHECK((s.error().code == ErrorCode::Corruption || s.error().code == ErrorCode::Storage));
  }
}

TEST_CASE("two connections: a stale version is a Conflict", "[storage][tx]") {
  TempDir dir;
  const auto path = dir.file("two.db");
  auto a = must_open(path, OpenMode::Create);
  auto b = must_open(path, OpenMode::Existing);
  REQUIRE(a->insert_branch(branch("B1")).ok());
  djflow::engine::Case c;
  c.workflow = "member";
  c.branch = "B1";
  c.title = "张三";
  c.state = "applicant";
  const auto id = a->insert_case(c).value();
  REQUIRE(b->update_case(id, 0, "activist", "h1", TimePoint{}).ok());
  auto stale = a->update_case(id, 0, "activist", "h1'", TimePoint{});
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == ErrorCode::Conflict);
  CHECK(a->find_case(id).value()->version == 1);
}

TEST_CASE("the raw SQLite reference runs and reports a rate", "[storage][bench]") {
  TempDir dir;
  const double rate = djflow::storage::raw_sqlite_reference_steps(dir.file("raw.db"), 3, 4);
  CHECK(rate > 0.0);
  // It must be a real djflow database with the rows it claims to write.
  auto store = must_open(dir.file("raw.db"), OpenMode::Existing);
  CHECK(store->events(1).value().size() == 4);
  CHECK(store->find_case(3).value()->version == 4);
  CHECK(store->open_deadlines(2).value().size() == 4);
  CHECK(store->integrity_problems().value().empty());
}

TEST_CASE("Opening a store turns SQLite's memory statistics off before the library starts",
          "[storage][open][sqlite-only]") {
  // Debian's SQLite keeps memory statistics behind a global mutex on every allocation and has no
  // lookaside memory: about 8 % of a `djflow record` process (issue 7 §6). djflow reads none of
  // them, so the store switches them off before SQLite's first use (detail::configure_library).
  // CTest runs each test case in its own process, so this open is SQLite's first use here.
  TempDir dir;
  auto s = must_open(dir.file("stats.db"), OpenMode::Create);
  REQUIRE(s->insert_branch(branch("B1")).ok());
  REQUIRE(s->find_branch("B1").ok());
  CHECK(sqlite3_memory_used() == 0);
  CHECK(sqlite3_memory_highwater(0) == 0);
}
