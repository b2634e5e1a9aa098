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
  bool allow_private = false;  // may connect to link-local / metadata addresses
};

// The POST a webhook channel sends. `timestamp_ms` is real (wall-clock) time, used for signing.
Result<HttpRequestSpec> webhook_request(const Channel& c, const Message& m, std::int64_t timestamp_ms);

// Whether an HTTP answer means "delivered" for the preset: 2xx, and for the robots their JSON
// `errcode` 0 (wecom, dingtalk) or `code`/`StatusCode` 0 (feishu). The error text never
// contains the URL.
Status check_webhook_response(const std::string& preset, int status, const std::string& body);

// A webhook URL, parsed with Boost.URL (url.cpp). Refused: anything but http/https, control
// characters and spaces anywhere (no CR/LF can reach a request header), user:password@, a host
// that is not a plain name or IP literal, a port outside 1-65535.
struct Url {
  std::string scheme;  // http | https
  std::string host;    // a name (lower case) or an IP literal (IPv6 without brackets)
  std::string port;    // default 80 / 443
  std::string target;  // path + query, at least "/" (the fragment is never sent)
  bool ipv6 = false;
  // The Host header: the host, with ":port" when the port is not the scheme's default.
  std::string host_header() const;
};
Result<Url> parse_url(const std::string& url);

// Whether an IP literal is link-local or a cloud metadata address (169.254.0.0/16, fe80::/10,
// fd00:ec2::254, and IPv4-mapped forms): a webhook may reach them only with --allow-private.
bool is_link_local_or_metadata(std::string_view ip);
// parse_url, and for an IP literal host the check above unless `allow_private`.
Status check_webhook_url(const std::string& url, bool allow_private);
// A webhook channel added with --allow-private (stored as "allow-private" in its args).
bool allows_private(const Channel& c);

// The URL with secrets hidden: every query value (a bare query entirely), the fragment, and
// every path segment that is not a plain lower-case word (a token: digits, capitals, long) become
// "***". An unparsable URL is "***".
std::string redact_url(const std::string& url);

// `text` with every secret the channel was configured with replaced by "***": its signing secret,
// its URL's path segments, query and fragment (raw and percent-decoded), wherever they appear
// (a server that echoes the URL in its reply, an error message, a log line).
std::string redact_secrets(std::string_view text, const Channel& c);

}  // namespace djflow::engine::runtime
