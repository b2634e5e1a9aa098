// The backend under test (issue 12 §2, decision 0124): the one place that gives a test a fresh
// database. DJFLOW_TEST_DB chooses it: unset, empty or "sqlite:" -> SQLite in a temporary file;
// "postgresql://..." -> PostgreSQL (the CTest fixture `postgresql` starts a throw-away server and
// sets it for the `postgresql/` and `pg:` tests). Every TestDb is a fresh, empty database
// (PostgreSQL: a schema of its own on the fixture's database, dropped at the end), and open()
// gives a new connection to it each time, so that two stores in two threads are two concurrent
// clients. The conformance suite, the engine fixture (support/engine_fixture.hpp) and the CLI
// runner (support/cli_runner.hpp, for `djflow --db target()`) all take their database from here.
#pragma once

#include <memory>
#include <string>

#include "engine/store.hpp"
#include "storage/temp_dir.hpp"

namespace djflow::storage::test {

class TestDb {
 public:
  TestDb();
  ~TestDb();
  // Whether DJFLOW_TEST_DB names PostgreSQL (a test under the `pg:` or `postgresql/` prefix).
  static bool postgres_selected();
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  bool postgres() const { return !schema_.empty(); }
  // What open() opens: a SQLite file path or a PostgreSQL URL (for `djflow --db`).
  const std::string& target() const { return target_; }
  // A new store on this database (migrated at the first open); FAILs the test when it cannot.
  std::unique_ptr<engine::Store> open();
  // Everything this database holds, as text (PostgreSQL: every table's rows, in order), so that
  // a test can check that a refused command wrote nothing. SQLite: the file's bytes.
  std::string contents() const;
  // PostgreSQL: runs `sql` behind djflow's back, triggers off (session_replication_role =
  // replica: the append-only triggers do not fire), for the tests that tamper with a database.
  void exec_behind(const std::string& sql) const;
  // Raw SQL on `s`'s connection behind the ports (tamper tests).
  static engine::Status raw(engine::Store& s, const std::string& sql);

 private:
  std::string url_;     // PostgreSQL: the test server's URL; SQLite: empty
  std::string schema_;  // PostgreSQL: this database's schema
  std::string target_;  // what open() opens: a file path or a URL with the schema
  std::unique_ptr<TempDir> dir_;
};

}  // namespace djflow::storage::test
