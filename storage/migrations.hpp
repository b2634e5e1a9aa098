// Internal to storage/: the schema and its migrations. The schema version is SQLite's
// `PRAGMA user_version`; migration N takes a database from version N-1 to N in one transaction
// (user_version changes roll back with it). docs/storage_format.md describes every table.
#pragma once

#include <cstdint>
#include <span>

#include "engine/error.hpp"

struct sqlite3;

namespace djflow::storage::detail {

// PRAGMA application_id of a djflow database: "DJFL".
inline constexpr std::int32_t kApplicationId = 0x444A464C;

// The schema version this binary writes and understands.
int current_schema_version();

// One migration: SQL run in the migration's transaction, unless `skip_if` (a query) returns a
// non-zero first column, which makes the step a no-op that only moves the version on. SQLite has
// no ADD COLUMN IF NOT EXISTS; skip_if is how a repair applies only where it is needed. Both
// texts are frozen once on main (docs/storage_format.md, "Migrations").
struct Migration {
  const char* sql = nullptr;
  const char* skip_if = nullptr;
};

// Every migration, in order: migration N is migrations()[N - 1] (for the freeze test).
std::span<const Migration> migrations();

struct SchemaInfo {
  std::int32_t application_id = 0;
  int user_version = 0;
  int objects = 0;  // rows in sqlite_schema: 0 for an empty database
};
engine::Result<SchemaInfo> read_schema_info(sqlite3* db);

// Applies every migration after the database's version up to `target` (default: current),
// each in its own BEGIN IMMEDIATE transaction. Storage error when the database is newer.
engine::Status migrate(sqlite3* db, int target = 0);

}  // namespace djflow::storage::detail
