#include "engine/entity_log.hpp"

#include <nlohmann/json.hpp>

#include "engine/history_hash.hpp"

namespace djflow::engine {

std::string canonical_entity_event(const EntityEvent& e) {
  nlohmann::json j = {
      {"seq", e.seq},       {"entity", e.entity}, {"key", e.key},
      {"action", e.action}, {"data", e.data},     {"actor", e.actor},
      {"recorded_at", e.recorded_at.time_since_epoch().count()},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string entity_event_hash(const EntityEvent& e) {
  return sha256_hex(e.prev_hash + "\n" + canonical_entity_event(e));
}

}  // namespace djflow::engine
