// Internal to storage/: the entity history (table entity_events, issue 7). Every write of a
// tracked row (settings, holidays, branches, persons, case bindings, channels, notifications,
// rectification ledger) appends an event with the row's image, in the same transaction; the
// migration that creates the table appends a "genesis" event per existing row. check() replays
// the chain and compares each row with its last image. docs/storage_format.md, "entity_events".
#pragma once

#include <string>

#include "engine/clock.hpp"
#include "engine/entity_log.hpp"
#include "engine/error.hpp"

struct sqlite3;

namespace djflow::storage::detail {

class StatementCache;

// Who and when, for the events appended.
struct ChangeContext {
  const engine::Clock* clock = nullptr;  // recorded_at 0 when none
  std::string actor;
};

// Appends the current image of row `key` of the tracked table named `entity` ("" when the row
// is gone). Unknown entities are a programming error (Storage).
engine::Status log_row(sqlite3* db, StatementCache& cache, const ChangeContext& ctx, const char* entity,
                       const std::string& key, const char* action);

// One genesis event per existing tracked row (the migration creating entity_events).
engine::Status genesis(sqlite3* db);

// Replays the chain and compares every tracked row with its last image.
engine::Result<engine::EntityCheck> check(sqlite3* db);

}  // namespace djflow::storage::detail
