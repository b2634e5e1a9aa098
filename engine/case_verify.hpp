// One case's hash chain (docs/decisions/0004-per-case-hash-chain.md), as `djflow verify` checks
// every case: sequence 1..n, each event chained to the previous one and matching its hash, the
// case row's version, head and state agreeing with its events. Used by verify and by the web
// API's per-case verify (GET /api/v1/cases/{id}/verify).
#pragma once

#include <string>
#include <vector>

#include "engine/model.hpp"

namespace djflow::engine {

// Appends a problem (English, as verify reports them) for every break found.
void check_chain(const Case& c, const std::vector<EventRecord>& events, std::vector<std::string>& problems);

}  // namespace djflow::engine
