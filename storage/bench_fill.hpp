// Benchmark-only helper (daemon_bench): writes `n` synthetic open deadlines, each with one
// pending reminder timer, straight into a djflow database in one transaction (hundreds of
// thousands of rows per second, which the engine's one-case-per-command path cannot do). Rows
// are valid per docs/storage_format.md (a branch "BENCH", cases of workflow "member" in state
// "applicant" without events — so `djflow verify` would report them; never use it on real data).
// Timer i fires at first + i * span / n; its key is "bench<i>:talk:<due>:0".
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "engine/clock.hpp"
#include "engine/error.hpp"

namespace djflow::storage {

engine::Status bench_fill_reminders(const std::string& path, std::size_t n, engine::TimePoint first,
                                    std::chrono::seconds span);

}  // namespace djflow::storage

namespace djflow::storage {

// Benchmark-only helper (report_bench): multiplies the cases of a database made through the
// engine. Every case (with its person, events and deadlines) is copied `copies - 1` more times,
// copy n going to organisation `prefix` + (n mod orgs) (created under `parent`, kind branch). The
// copies share their originals' hashes, so `djflow verify` would report them; never use it on
// real data. One transaction, WAL; returns the number of cases afterwards.
engine::Result<std::int64_t> bench_clone_cases(const std::string& path, int copies, int orgs,
                                               const std::string& prefix, const std::string& parent);

// Benchmark-only: runs `sql` (one statement; ?1 bound to `param` when not empty) to its last row
// on a fresh connection configured as djflow's, `runs` times; returns the fastest time in ms.
engine::Result<double> bench_time_query(const std::string& path, const std::string& sql, const std::string& param,
                                        int runs);

}  // namespace djflow::storage
