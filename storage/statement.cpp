#include "storage/statement.hpp"

#include <mutex>
#include <string>

namespace djflow::storage::detail {

using engine::Error;
using engine::ErrorCode;
using engine::Result;
using engine::Status;
using engine::Text;

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    return sqlite_error(db, rc, "prepare " + std::string(sql.substr(0, 60)));
  }
  return Statement(s);
}

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  // sqlite3_errmsg describes the most recent failed call on this connection, which is the one
  // that returned rc; without a connection only the generic text for rc is known.
  std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string en = std::string(what) + ": " + msg;
  if (is_unique_violation(rc)) {
    return Error::conflict(Text{"记录已存在（" + std::string(what) + "）：" + msg,
                                en + " (the record already exists)"});
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(Text{"引用的记录不存在（" + std::string(what) + "）",
                                 en + " (a referenced record does not exist)"});
  }
  const int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return Error::corruption(Text{"数据库文件已损坏（" + std::string(what) + "）：" + msg,
                                  en + " (the database file is damaged)"});
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Error{ErrorCode::Storage,
                 Text{"数据库被其他进程占用，请稍后重试（" + std::string(what) + "）：" + msg,
                      en + " (another process holds the database; try again)"},
                 {}, {}, {}};
  }
  return Error::storage(en);
}

Status exec(sqlite3* db, const char* sql, std::string_view what) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, what);
  return {};
}

void configure_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SQLITE_MISUSE when the library is already initialised: nothing changes then.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

Status configure_connection(sqlite3* db) {
  sqlite3_extended_result_codes(db, 1);
  if (int rc = sqlite3_busy_timeout(db, 5000); rc != SQLITE_OK) {
    return sqlite_error(db, rc, "busy_timeout");
  }
  // foreign_keys and synchronous are per connection and are not stored in the file.
  // mmap_size: reads map the file instead of copying pages through read() (listings of 100,000
  // cases read most of the file); writes still go through the WAL.
  // temp_store = MEMORY: a nested write (a SAVEPOINT, e.g. a step recorded inside the web's
  // Idempotency-Key transaction) keeps its statement journal in memory; with the default it spilled
  // past 64 KiB into a file in /var/tmp, created and unlinked on every such step.
  return exec(db,
              "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; "
              "PRAGMA mmap_size = 268435456; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;",
              "configure connection");
}

Status set_wal(sqlite3* db) {
  // journal_mode returns the resulting mode as a row; ":memory:" databases answer "memory".
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &s, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(s);
  std::string mode;
  if (rc == SQLITE_ROW) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    mode = p ? p : "";
    rc = SQLITE_OK;
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, "journal_mode=WAL");
  if (mode != "wal" && mode != "memory") {
    return Error::storage("journal_mode=WAL: the database stays in mode '" + mode + "'");
  }
  return {};
}

}  // namespace djflow::storage::detail
