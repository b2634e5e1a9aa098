// What a backend knows about itself: whether its storage is sound, and whether another process
// has committed since it last looked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/error.hpp"

namespace djflow::engine {

// A stored text value that is not valid UTF-8 or holds a NUL byte (written behind djflow's back or
// by an older version: invariant I13). `row` is the row's id (SQLite: its rowid).
struct InvalidText {
  std::string table;
  std::int64_t row = 0;
  std::string column;
};

class HealthStore {
 public:
  virtual ~HealthStore() = default;

  // The backend's own consistency check, as a list of problems in its own words; empty when
  // sound (SQLite: PRAGMA integrity_check).
  virtual Result<std::vector<std::string>> integrity_problems() = 0;
  // A cheaper check of the stored pages, for start-up (`serve`); empty when sound (SQLite:
  // PRAGMA quick_check).
  virtual Result<std::vector<std::string>> quick_problems() = 0;
  // Every stored text value that is not valid UTF-8 text (a full scan: verify only).
  virtual Result<std::vector<InvalidText>> invalid_text() = 0;

  // A token that changes when another process (or connection) has committed since the last call
  // could have seen it; cheap enough to poll every second. A daemon compares it with the last
  // value to re-read its next wake-up time (SQLite: PRAGMA data_version; a server backend may
  // count notifications it was sent).
  virtual Result<std::int64_t> change_token() = 0;
  // A token that changes whenever anything may have been written to the database, by any
  // connection, this one included: what a cache of query results (the web overview's counts)
  // compares before it answers from memory (SQLite: PRAGMA data_version and the connection's
  // sqlite3_total_changes). A backend without one answers an error, and nothing is cached.
  virtual Result<std::int64_t> write_mark() = 0;
};

}  // namespace djflow::engine
