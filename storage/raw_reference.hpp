// The baseline for the engine benchmark (issue 2 §5: engine steps per second against raw SQLite
// writing the same rows in the same transactions). It lives in storage/ because only storage/
// may include sqlite3.h.
//
// What one reference step does, each step in its own BEGIN IMMEDIATE ... COMMIT on a database
// with djflow's own schema (same tables, indexes, triggers and foreign keys, made by the same
// migrations) and the same connection settings (WAL, synchronous=FULL, foreign_keys=ON):
//   INSERT one events row (all 15 columns, sizes like the engine's: 64-hex hashes, a small JSON
//          inputs object, a flags array, a note);
//   UPDATE the cases row (state, version + 1 guarded by the old version, head_hash, updated_at);
//   INSERT one deadlines row;
//   INSERT three timers rows (INSERT ... ON CONFLICT (key) DO NOTHING, as the store does).
// Statements are prepared once, outside the timing. The cases (and a branch and one person per
// case) are created before the clock starts. It does not read anything, close deadlines, drop
// timers or hash: the engine does all of that per step too, so the measured ratio
// engine / reference is a conservative (low) figure for the engine's own overhead.
#pragma once

#include <string>

namespace djflow::storage {

// Deletes `path` (and its -wal / -shm files) if present, creates a fresh database there and runs
// cases * steps_per_case reference steps. Returns steps per second measured with
// std::chrono::steady_clock over the steps only, or a negative value when SQLite failed (the
// reason is written to stderr).
double raw_sqlite_reference_steps(const std::string& path, int cases, int steps_per_case);

}  // namespace djflow::storage
