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
