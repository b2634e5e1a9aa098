// Internal to storage/: what the SQLite and PostgreSQL stores share about channels and deliveries
// (docs/storage_format.md): the column lists their SELECTs read in this order, and the JSON array
// a channel's list columns (workflows, kinds, args) are stored as.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"

namespace djflow::storage::detail {

// clang-format off
#define DJFLOW_CHANNEL_COLS                                                                   \
  "ch.id, ch.name, ch.type, ch.target, ch.args, ch.preset, ch.secret, ch.branch, ch.workflows, " \
  "ch.kinds, ch.digest, ch.rate_per_minute, ch.max_attempts, ch.timeout_seconds, ch.lang, "    \
  "ch.active, ch.created_at, ch.after_notification"
#define DJFLOW_DELIVERY_COLS                                                                   \
  "dv.id, dv.notification_id, dv.channel_id, dv.status, dv.attempts, dv.next_attempt_at, "     \
  "dv.last_error, dv.delivered_at, dv.created_at"
// clang-format on
inline constexpr int kDeliveryColumns = 9;
inline constexpr int kNotificationColumns = 11;

// A list of strings as its stored JSON array.
std::string encode_list(const std::vector<std::string>& v);
// The stored JSON array back; a malformed one is a Corruption error naming `what`.
engine::Status decode_list(std::string_view text, const char* what, std::vector<std::string>& out);

}  // namespace djflow::storage::detail
