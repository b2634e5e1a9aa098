// djflow migrate-store: copies a SQLite database into an empty PostgreSQL database (issue 12 §3,
// docs/operations.md "Moving to PostgreSQL"). The copy is driven by SQLite's own table list, not
// by a list kept here: every table of the source is copied column by column, so a table added by
// a new migration is copied without touching this code, and one PostgreSQL lacks stops the copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/error.hpp"

namespace djflow::storage {

struct CopiedTable {
  std::string name;
  std::int64_t rows = 0;
};

struct MigrateInfo {
  int schema_version = 0;
  std::vector<CopiedTable> tables;  // every table of the source, by name
};

// Copies every row of every table of the SQLite database `from` into the PostgreSQL database
// `to` (migrated to the current schema first when it has none), byte for byte: ids, events with
// their hashes, entity events, settings. The source is read in one read transaction (a snapshot,
// consistent while a daemon writes); the target is written in one transaction that first locks
// its tables, checks that they are empty (the seed row of `outbox_cursor` aside) and that every
// source table and column exists there, inserts parents before children, moves the identity
// sequences past the copied ids, compares every table's row count with the source's and only
// then commits. Nothing is written when anything fails.
// Errors: InvalidInput when `from` is a URL or `to` is not a postgresql:// URL; NotFound when
// `from` is missing or not initialised; Storage when `from` is older than this binary (run
// djflow init), the schemas differ or a row is refused; Conflict when the target is not empty
// (the message names its tables).
engine::Result<MigrateInfo> migrate_store(const std::string& from, const std::string& to);

}  // namespace djflow::storage
