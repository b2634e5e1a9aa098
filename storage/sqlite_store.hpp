// djflow::storage::SqliteStore: the SQLite implementation of the engine's persistence ports
// (engine/store.hpp), the sum of one class per port (sqlite_ports.hpp) over one connection.
// Prepared statements are cached per connection so that a call costs one sqlite3_step sequence
// and nothing else. The file format is described in docs/storage_format.md.
//
// Thread safety: like every Store, used by one thread at a time (the connection is opened with
// SQLITE_OPEN_NOMUTEX). Several processes may share one database file (WAL, busy_timeout 5 s).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "storage/sqlite_ports.hpp"

struct sqlite3;

namespace djflow::storage {

enum class OpenMode {
  Create,    // create the file if missing and migrate it to the current schema (`djflow init`)
  Existing,  // the file must exist and have the current schema (every other command)
};

class SqliteStore final : public engine::Store,
                          public SqliteTransactions,
                          public SqliteSettings,
                          public SqliteDirectory,
                          public SqliteHistory,
                          public SqliteSchedule,
                          public SqliteOutbox,
                          public SqliteLedger,
                          public SqliteDelivery,
                          public SqliteLease,
                          public SqliteHealth,
                          public SqliteAudit,
                          public SqliteAccess {
 public:
  // Opens `path` (":memory:" for a private in-memory database, always created and migrated).
  // New files get mode 0600, and so do their -wal and -shm files.
  // Errors: NotFound when mode is Existing and the file is missing or not initialised; Storage
  // when the file is not a djflow database, its schema is newer than this binary, or (Existing)
  // older than this binary (run `djflow init` to migrate); Corruption when SQLite says so.
  static engine::Result<std::unique_ptr<SqliteStore>> open(const std::string& path, OpenMode mode);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  const std::string& path() const { return path_; }
  // The schema version this binary writes (PRAGMA user_version of a current database).
  static int schema_version();

  // Test-only: runs raw SQL on the connection behind the Store's back, as an attacker or a
  // faulty tool would (tamper tests drop the append-only triggers with it).
  engine::Status test_exec(const std::string& sql);
  // Test-only: rows SQLite has put into automatic indexes (built per execution for a join on a
  // column without an index) by every statement prepared on this connection so far. A query run
  // per web request should add none (decision 0100, "Reads at scale").
  std::int64_t test_autoindex_rows() const;

 private:
  SqliteStore(sqlite3* db, std::string path);
  engine::Status set_up(OpenMode mode, bool is_memory);

  std::string path_;
};

}  // namespace djflow::storage
