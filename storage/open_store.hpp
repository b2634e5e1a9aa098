// Which backend a `--db` value names (issue 12 §3): a postgresql:// (or postgres://) URL opens a
// PgStore; anything else is a SQLite file path, with an optional "sqlite:" prefix.
#pragma once

#include <memory>
#include <string>

#include "engine/store.hpp"
#include "storage/sqlite_store.hpp"  // OpenMode

namespace djflow::storage {

engine::Result<std::unique_ptr<engine::Store>> open_store(const std::string& db, OpenMode mode);
// `db` for messages and --json: a URL without its password.
std::string display_db(const std::string& db);
// True when `db` names a PostgreSQL database.
bool is_postgres(const std::string& db);
// Storage error: `what` (a command's part that reads the SQLite file itself: backup, the year's
// figures) is not yet available on PostgreSQL.
engine::Error not_on_postgres(const std::string& what);

}  // namespace djflow::storage
