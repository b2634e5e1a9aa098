// The records of the reminder daemon (issue 3): delivery channels, per-(notification, channel)
// delivery rows of the outbox, and the daemon's lease. Plain values; the Store persists them
// (docs/storage_format.md, "Daemon and delivery"). The delivery logic lives in engine/runtime/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/clock.hpp"
#include "engine/model.hpp"

namespace djflow::engine {

// A place notifications are delivered to. Stable type strings: "console", "file", "command",
// "webhook". `target` is the file path, the program, or the URL. Routing: an empty list means
// "any"; `branch` includes its sub-branches (branches.parent).
struct Channel {
  std::int64_t id = 0;
  std::string name;                    // unique among active channels
  std::string type;                    // console | file | command | webhook
  std::string target;                  // path / program / URL (a URL may hold a key: secret)
  std::vector<std::string> args;       // command: its arguments
  std::string preset;                  // webhook: wecom | dingtalk | feishu | generic
  std::string secret;                  // webhook signing secret: never logged nor listed
  std::string branch;                  // "" = every branch
  std::vector<std::string> workflows;  // empty = every workflow
  std::vector<std::string> kinds;      // empty = every deadline kind
  std::string digest;                  // "HH:MM" local time: one bundled message a day; "" = off
  int rate_per_minute = 0;             // 0 = unlimited (webhooks default to 20)
  int max_attempts = 8;                // attempts before a delivery goes dead
  int timeout_seconds = 10;            // per attempt (command, webhook)
  std::string lang = "zh";             // language of the text sent: zh | en
  bool active = true;                  // false once removed (rows are kept for the outbox)
  TimePoint created_at{};
  // The newest notification when the channel was added (set by the store): the channel receives
  // only later ones, so adding a channel never replays the outbox's past.
  std::int64_t after_notification = 0;
};

// Stable status strings: "pending", "delivered", "dead".
enum class DeliveryStatus { Pending, Delivered, Dead };
const char* to_string(DeliveryStatus s);
std::optional<DeliveryStatus> delivery_status_from(std::string_view s);

// One notification to one channel: at least once (the receiver drops duplicates by key).
struct Delivery {
  std::int64_t id = 0;
  std::int64_t notification_id = 0;
  std::int64_t channel_id = 0;
  DeliveryStatus status = DeliveryStatus::Pending;
  int attempts = 0;
  TimePoint next_attempt_at{};
  std::string last_error;
  std::optional<TimePoint> delivered_at;
  TimePoint created_at{};
};

// A delivery with its notification and channel name, for the dispatcher and `djflow outbox`.
struct DeliveryRow {
  Delivery d;
  Notification n;
  std::string channel;
};

struct DeliveryFilter {
  std::optional<DeliveryStatus> status;
  std::optional<std::int64_t> channel_id;
  std::size_t limit = 0;  // 0: no limit
};

// The single-daemon lease: one row per database. A daemon renews it every few seconds; a crashed
// daemon's lease expires (or is taken over at once when its pid is gone on the same host).
struct Lease {
  std::string owner;       // random id of the holding daemon
  std::int64_t pid = 0;
  std::string host;
  TimePoint started_at{};
  TimePoint heartbeat_at{};
  TimePoint expires_at{};
};

}  // namespace djflow::engine
