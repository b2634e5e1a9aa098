// The backend under test for the conformance suite (issue 12 §2). DJFLOW_TEST_DB chooses it:
// unset, empty or "sqlite:" -> SQLite in a temporary file; "postgresql://..." -> PostgreSQL (the
// CTest fixture pg_server_start starts a throw-away server and sets it). Every TestDb is a fresh,
// empty database (PostgreSQL: a schema of its own, dropped at the end), and open() gives a new
// connection to it each time, so that two stores in two threads are two concurrent clients.
// The tests themselves use only the port interfaces (engine/ports/).
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
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  bool postgres() const { return !schema_.empty(); }
  // What open() opens: a SQLite file path or a PostgreSQL URL (for `djflow --db`).
  const std::string& target() const { return target_; }
  // A new store on this database (migrated at the first open); FAILs the test when it cannot.
  std::unique_ptr<engine::Store> open();
  // Raw SQL on `s`'s connection behind the ports (tamper tests).
  static engine::Status raw(engine::Store& s, const std::string& sql);

 private:
  std::string url_;     // PostgreSQL: the test server's URL; SQLite: empty
  std::string schema_;  // PostgreSQL: this database's schema
  std::string target_;  // what open() opens: a file path or a URL with the schema
  std::unique_ptr<TempDir> dir_;
};

}  // namespace djflow::storage::test
