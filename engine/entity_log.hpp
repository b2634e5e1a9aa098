// The history of everything that decides but is not a case (issue 7): settings, holidays,
// organisations, persons, the binding of each case to its workflow, subject and organisation,
// channels, notifications and the rectification ledger. Every change to such a row appends one
// EntityEvent carrying the row's image (canonical JSON of its columns) to a single hash chain
//   hash = hex(SHA-256(prev_hash || "\n" || canonical(event)))
// (storage writes it in the transaction that changes the row; docs/storage_format.md,
// "entity_events"). `djflow verify` replays the chain and compares the images with the rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/clock.hpp"

namespace djflow::engine {

struct EntityEvent {
  std::int64_t seq = 0;     // 1, 2, 3 ... over the whole database
  std::string entity;       // "setting", "holiday", "branch", "person", "case", "channel", ...
  std::string key;          // the row's key as text (setting key, date, code, id)
  std::string action;       // "genesis" (existing row at migration), "insert", "update"
  std::string data;         // the row's image after the change (compact JSON, sorted keys)
  std::string actor;
  TimePoint recorded_at{};
  std::string prev_hash;    // "" for seq 1
  std::string hash;
};

std::string canonical_entity_event(const EntityEvent& e);
std::string entity_event_hash(const EntityEvent& e);  // uses e.prev_hash, ignores e.hash

// What the store found when it replayed the entity chain and compared it with the rows.
struct EntityCheck {
  std::int64_t events = 0;         // length of the chain
  std::string head;                // hash of its last event ("" when empty)
  std::vector<std::string> problems;
};

}  // namespace djflow::engine
