// What `djflow verify` reads besides the histories, and the history of the rows that are not
// cases (settings, holidays, organisations, people, case bindings, channels, notifications,
// ledger rows: the entity events, appended by the store itself to each of its own writes).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/case_years.hpp"
#include "engine/clock.hpp"
#include "engine/entity_log.hpp"
#include "engine/error.hpp"
#include "engine/model.hpp"

namespace djflow::engine {

// Everything stored about one case, for `djflow verify` (for_each_case_record). A record with
// no case row (`c` empty) gathers rows whose case_id names no case (orphans).
struct CaseRecord {
  CaseId case_id = 0;
  std::optional<Case> c;
  std::vector<EventRecord> events;         // by seq
  std::vector<Deadline> deadlines;         // every deadline, open or closed, by id
  std::vector<Timer> timers;               // every timer, pending or fired, by id
  std::vector<Notification> notifications; // by id
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // Who and when for the entity events the store appends to its own writes. Defaults: none.
  virtual void set_change_context(const Clock* /*clock*/, std::string /*actor*/) {}
  // Calls `fn` for every case id found in cases, events, deadlines, timers or notifications, in
  // id order, with all of its rows; streamed (one case in memory). Stops early on false.
  virtual Status for_each_case_record(const std::function<bool(const CaseRecord&)>& fn) = 0;
  // The entity events in chain order; stops early on false.
  virtual Status for_each_entity_event(const std::function<bool(const EntityEvent&)>& fn) = 0;
  // The entity events of one row (`entity`, `key`), oldest first: a person's history of changes.
  virtual Result<std::vector<EntityEvent>> entity_history(const std::string& entity, const std::string& key) = 0;
  // Replays the entity chain (sequence, links, hashes) and compares the final image of every row
  // with the row as stored: edited, inserted and deleted rows are problems.
  virtual Result<EntityCheck> check_entities() = 0;
  // The schema objects that must exist for the guarantees to hold (the append-only triggers):
  // one problem per missing or altered object. Empty when sound.
  virtual Result<std::vector<std::string>> schema_problems() = 0;
  // Every row of the year-end projection (migration 11, engine/case_years.hpp) in (case, year)
  // order, as stored; stops early on false.
  virtual Status for_each_case_year(const std::function<bool(const CaseYear&)>& fn) = 0;
};

}  // namespace djflow::engine
