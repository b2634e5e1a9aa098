// Internal to storage/: the PostgreSQL text of every migration (issue 12 §3). Migration N here
// is the twin of SQLite's migration N (migrations.hpp): the same tables, columns, keys, checks
// and indexes, in PostgreSQL's types (BIGINT identity ids, BIGINT instants; dates stay ISO text
// so both backends hold the same bytes). The version lives in the table djflow_schema; each
// migration runs in its own transaction under an advisory lock, so concurrent openers migrate
// once. Append-only, and frozen once on main, like the SQLite list.
#pragma once

#include <span>

#include "engine/error.hpp"

namespace djflow::storage::pg {

class Connection;

// Migration N (1-based) is pg_migrations()[N - 1]; the list has as many entries as SQLite's.
std::span<const char* const> pg_migrations();
int pg_schema_version();

// The database's schema version (0: no djflow schema); Storage error when the database has
// tables but no djflow_schema (not a djflow database).
engine::Result<int> read_schema_version(Connection& c);

// Applies every migration after the database's version, each in its own transaction. Storage
// error when the database is newer than this binary.
engine::Status migrate(Connection& c);

}  // namespace djflow::storage::pg
