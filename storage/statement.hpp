// Internal to storage/: RAII for sqlite3_stmt, the translation of SQLite result codes into
// engine::Error (raw SQLite codes never travel upward), and the connection set-up shared by
// SqliteStore and the raw reference benchmark. Includes sqlite3.h, so it must never be included
// from a public header.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "engine/error.hpp"

namespace djflow::storage::detail {

// A prepared statement owned by one connection. Move-only; finalized on destruction.
class Statement {
 public:
  Statement() = default;
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement&& o) noexcept : stmt_(std::exchange(o.stmt_, nullptr)) {}
  Statement& operator=(Statement&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(stmt_);
      stmt_ = std::exchange(o.stmt_, nullptr);
    }
    return *this;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Prepares `sql` (one statement) as a long-lived statement; Storage error on failure.
  static engine::Result<Statement> prepare(sqlite3* db, std::string_view sql);

  bool valid() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() const { return stmt_; }

  // Parameters are 1-based. Text is bound SQLITE_STATIC: the caller keeps it alive until the
  // statement is reset (Use does that), which is what makes binding free of copies.
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, int v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void bind(int i, const char*) = delete;  // use a string_view (explicit lifetime)
  // Copies the text (for temporaries).
  void bind_copy(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }

  // SQLITE_ROW, SQLITE_DONE or an (extended) error code.
  int step() { return sqlite3_step(stmt_); }

  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string_view text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }
  std::string string(int col) const { return std::string(text(col)); }

 private:
  explicit Statement(sqlite3_stmt* s) : stmt_(s) {}
  sqlite3_stmt* stmt_ = nullptr;
};

// Scope of one use of a cached statement: resets it and clears its bindings on exit, so a
// statement never holds a read transaction open nor points at a caller's dead buffer.
class Use {
 public:
  explicit Use(Statement& s) : s_(s) {}
  ~Use() {
    sqlite3_reset(s_.get());
    sqlite3_clear_bindings(s_.get());
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

 private:
  Statement& s_;
};

// The error for a failed SQLite call `rc` (an extended code) made while doing `what`:
//   UNIQUE / PRIMARY KEY constraint -> Conflict, FOREIGN KEY -> NotFound,
//   CORRUPT / NOTADB -> Corruption, anything else -> Storage (with SQLite's message).
engine::Error sqlite_error(sqlite3* db, int rc, std::string_view what);

// True for a UNIQUE or PRIMARY KEY constraint violation.
inline bool is_unique_violation(int rc) {
  return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// Runs one or more statements without results (DDL, PRAGMA, BEGIN ...).
engine::Status exec(sqlite3* db, const char* sql, std::string_view what);

// Applies the per-connection settings every djflow connection needs (TECH-NOTES, SQLite):
// extended result codes, busy_timeout 5000 ms, foreign_keys=ON, synchronous=FULL, a 256 MiB
// mmap window and a 16 MiB page cache. The journal
// mode (WAL) is set by set_wal() once the file is known to be ours.
engine::Status configure_connection(sqlite3* db);
engine::Status set_wal(sqlite3* db);

// Process-wide settings of the SQLite library, applied once before its first use (every
// sqlite3_open_v2 in storage/ calls it first). Today: no memory statistics
// (SQLITE_CONFIG_MEMSTATUS 0). Debian builds SQLite with the statistics on and without lookaside
// memory, so every allocation of the parser took a global mutex and updated four counters:
// about 8 % of a `djflow record` process's instructions (docs/performance.md, issue 7 §6, eighth
// pass). djflow reads none of the statistics (no sqlite3_memory_used, no soft heap limit).
// If the library was initialised before (a test or tool that opened SQLite itself), the
// settings stay as they were, which is only slower.
void configure_library();

}  // namespace djflow::storage::detail
