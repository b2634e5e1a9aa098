// One wrapper for every write that may meet a transient conflict (decisions 0125, 0128): runs a
// whole write transaction, and runs it again while it fails because the backend broke a conflict
// between concurrent transactions (Transactions::transient_failure: PostgreSQL's 40001 and
// 40P01), up to kWriteAttempts runs in all, then gives up with a Conflict (exit 4) that names the
// cause and says to try again. The engine's writes (Engine::add_person, start, record, tick,
// correct, ...) and the CLI's commands (cli/app.cpp: the whole command) go through it.
//
// Only the outermost transaction runs again: inside an open transaction (an import's, a
// command's) the body runs once and its failure goes up to the outermost, which reads
// everything afresh. SQLite never reports a transient failure: there the body runs once.
#pragma once

#include <functional>

#include "engine/error.hpp"
#include "engine/ports/transactions.hpp"

namespace djflow::engine {

// How many times in all a write is run while it meets transient conflicts.
inline constexpr int kWriteAttempts = 5;

// The default pause before running again after attempt `attempt` (1, 2, ...) failed: 5-15 ms,
// then 10-30, 20-60, 40-120, jittered so that two writers that deadlocked each other do not meet
// again at the same instant. A real sleep, not the engine's Clock (which says what time a step
// is recorded at).
void transient_pause(int attempt);

// The error returned when the last of `attempts` runs still met a transient conflict: Conflict
// (exit 4), naming the cause (并发冲突: serialization failure or deadlock), the number of
// attempts, that nothing was written, and to try again; the last attempt's message follows.
Error gave_up_after(const Error& last, int attempts);
Error gave_up_after(int attempts);  // the same without the last attempt's message

// How many times retry_transient gave up on this thread (the CLI's command-level retry does not
// run a command again whose engine write already made kWriteAttempts attempts).
int transient_give_ups();
void count_give_up();

// Runs `body` (one whole write transaction, begun and committed or rolled back by the body), as
// described above. `pause` replaces transient_pause (tests count attempts instead of sleeping).
template <class T>
Result<T> retry_transient(Transactions& tx, const std::function<Result<T>()>& body,
                          const std::function<void(int)>& pause = {}) {
  if (tx.in_transaction()) return body();
  for (int attempt = 1;; ++attempt) {
    Result<T> r = body();
    if (r.ok() || tx.in_transaction() || !tx.transient_failure()) return r;
    if (attempt >= kWriteAttempts) {
      count_give_up();
      return gave_up_after(r.error(), attempt);
    }
    if (pause) {
      pause(attempt);
    } else {
      transient_pause(attempt);
    }
  }
}

}  // namespace djflow::engine
