// Delivery of notifications to channels (docs/daemon.md): the channels, the routing cursor that
// turns notifications into one delivery row per matching channel, and the deliveries with their
// retries and dead letters (I11).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/delivery.hpp"
#include "engine/error.hpp"

namespace djflow::engine {

class DeliveryStore {
 public:
  virtual ~DeliveryStore() = default;

  // Conflict when an active channel has the name; returns the new id. The store sets
  // after_notification to the newest notification id (the channel gets later ones only).
  virtual Result<std::int64_t> insert_channel(const Channel& c) = 0;
  virtual Result<std::vector<Channel>> list_channels(bool include_removed) = 0;
  // By id (digits) or name; active channels only.
  virtual Result<std::optional<Channel>> find_channel(const std::string& id_or_name) = 0;
  // Marks it removed and its pending deliveries dead ("channel removed"). NotFound if unknown.
  virtual Status remove_channel(std::int64_t id) = 0;

  // Routing cursor: the last notification id already turned into delivery rows.
  virtual Result<std::int64_t> routed_through() = 0;
  virtual Status set_routed_through(std::int64_t notification_id) = 0;

  // Inserts unless (notification, channel) exists; returns true when inserted.
  virtual Result<bool> insert_delivery(const Delivery& d) = 0;
  // Pending deliveries of active channels with next_attempt_at <= now, by next_attempt_at.
  virtual Result<std::vector<DeliveryRow>> due_deliveries(TimePoint now, std::size_t limit) = 0;
  // The earliest next_attempt_at of a pending delivery of an active channel.
  virtual Result<std::optional<TimePoint>> next_delivery_at() = 0;
  // Writes status, attempts, next_attempt_at, last_error and delivered_at of d.id.
  virtual Status update_delivery(const Delivery& d) = 0;
  virtual Result<std::vector<DeliveryRow>> list_deliveries(const DeliveryFilter& f) = 0;
  // Dead deliveries (all, or those with the given ids) back to pending, due at `now`, attempts 0.
  // Returns how many changed.
  virtual Result<std::int64_t> retry_dead(const std::vector<std::int64_t>& ids, TimePoint now) = 0;
  // Number of deliveries per status ("pending", "delivered", "dead").
  virtual Result<std::map<std::string, std::int64_t>> delivery_counts() = 0;
};

}  // namespace djflow::engine
