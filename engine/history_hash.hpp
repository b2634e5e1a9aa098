// The tamper-evident history chain (invariant I3). Each event's hash is
//   hex(SHA-256(prev_hash || "\n" || canonical(event)))
// where canonical(event) is compact JSON with sorted keys of every stored field except `hash`
// (docs/storage_format.md lists them). The first event of a case has prev_hash "".
#pragma once

#include <string>
#include <string_view>

#include "engine/model.hpp"

namespace djflow::engine {

std::string sha256_hex(std::string_view data);
std::string canonical_event(const EventRecord& e);
std::string event_hash(const EventRecord& e);  // uses e.prev_hash, ignores e.hash

}  // namespace djflow::engine
