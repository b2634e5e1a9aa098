// djflow backup: a consistent copy of a live database with SQLite's online backup API
// (docs/operations.md, "Backup and restore").
#pragma once

#include <cstdint>
#include <string>

#include "engine/error.hpp"

namespace djflow::storage {

struct BackupInfo {
  std::uintmax_t bytes = 0;
  int schema_version = 0;
};

// Copies the djflow database `source` into the new file `dest` as one snapshot: the copy is made
// inside one read transaction, so it is consistent while other processes (the daemon, `record`)
// write, and it never blocks them (WAL). The copy is a single self-contained file (journal mode
// DELETE, no -wal), mode 0600 whatever the umask, written under a temporary name, checked with
// PRAGMA quick_check, fsync'd and only then renamed to `dest`. Any schema version is accepted,
// so that a database can be backed up before `djflow init` upgrades it.
// Errors: InvalidInput when `dest` is empty or exists (a backup never overwrites) or its folder
// does not exist; NotFound when `source` does not exist; Storage when `source` is not a djflow
// database or a write fails; Corruption when the copy fails quick_check.
engine::Result<BackupInfo> backup_database(const std::string& source, const std::string& dest);

}  // namespace djflow::storage
