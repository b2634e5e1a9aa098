// What a channel receives (pure functions, no I/O): one notification, or a digest of several
// bundled into one message (grouped by branch, overdue first). Builds the JSON line of the file
// and command channels, the HTTP body of each webhook preset (wecom, dingtalk, feishu, generic)
// with DingTalk/Feishu signing, checks a robot's answer, and redacts URLs for display. Every
// message carries the notification key(s) so that a receiver can drop duplicates.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/delivery.hpp"
#include "engine/error.hpp"
#include "engine/model.hpp"

namespace djflow::engine::runtime {

using MessageJson = nlohmann::ordered_json;

struct Message {
  std::vector<Notification> items;  // one, unless a digest
  bool digest = false;
  Date digest_date;                 // local date of the digest
  std::string lang = "zh";
  std::string channel;              // channel name
  TimePoint at{};                   // delivery time (engine clock)
  std::map<std::string, std::string> branch_names;  // code -> name, for digests
};

// The fields of `tick --json` for one notification.
MessageJson notification_json(const Notification& n, const std::string& lang);
// The JSON document of a message: for one notification its fields plus `delivered_at` and
// `channel`; for a digest {"digest": true, "date", "keys", "items", "text", ...}.
MessageJson message_json(const Message& m);
// Human text: the notification's text, or the digest grouped by branch, overdue first.
std::string message_text(const Message& m);

// The keys a message carries, joined by ','.
std::string message_keys(const Message& m);

struct HttpRequestSpec {
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The POST a webhook channel sends. `timestamp_ms` is real (wall-clock) time, used for signing.
Result<HttpRequestSpec> webhook_request(const Channel& c, const Message& m, std::int64_t timestamp_ms);

// Whether an HTTP answer means "delivered" for the preset: 2xx, and for the robots their JSON
// `errcode` 0 (wecom, dingtalk) or `code`/`StatusCode` 0 (feishu). The error text never
// contains the URL.
Status check_webhook_response(const std::string& preset, int status, const std::string& body);

struct Url {
  std::string scheme;  // http | https
  std::string host;
  std::string port;    // default 80 / 443
  std::string target;  // path + query, at least "/"
};
Result<Url> parse_url(const std::string& url);

// The URL with secrets hidden: query values and long path segments (tokens) become "***".
std::string redact_url(const std::string& url);

}  // namespace djflow::engine::runtime
