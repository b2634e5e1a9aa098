// The notification outbox: fired reminders, written in the transaction that fired their timers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/error.hpp"
#include "engine/model.hpp"

namespace djflow::engine {

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Inserts unless the key exists. Returns the new id, or nullopt when the key existed.
  virtual Result<std::optional<std::int64_t>> insert_notification(const Notification& n) = 0;
  // Inserts several (one tick's), each unless its key exists (or an earlier one of `ns` has it):
  // for each, in order, its new id or nullopt. A backend may write them in one go (PostgreSQL: decision 0125); this default inserts them in turn.
  virtual Result<std::vector<std::optional<std::int64_t>>> insert_notifications(
      const std::vector<Notification>& ns) {
    std::vector<std::optional<std::int64_t>> ids;
    ids.reserve(ns.size());
    for (const auto& n : ns) {
      auto id = insert_notification(n);
      if (!id.ok()) return id.error();
      ids.push_back(id.value());
    }
    return ids;
  }
  // Notifications with id > after_id, by id, at most `limit` (0: all).
  virtual Result<std::vector<Notification>> notifications_since(std::int64_t after_id,
                                                                std::size_t limit) = 0;
};

}  // namespace djflow::engine
