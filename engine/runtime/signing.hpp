// Webhook signing for the robot presets (pure functions, no I/O). DingTalk's signed mode:
// sign = url_encode(base64(HMAC-SHA256(key = secret, message = timestamp_ms + "\n" + secret))),
// sent as query parameters `timestamp` and `sign`. Feishu's signed mode:
// sign = base64(HMAC-SHA256(key = timestamp_s + "\n" + secret, message = "")), sent in the body.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace djflow::engine::runtime {

std::string hmac_sha256(std::string_view key, std::string_view message);  // raw 32 bytes
std::string base64(std::string_view bytes);
// Percent-encodes everything except unreserved characters (RFC 3986).
std::string url_encode(std::string_view s);

// DingTalk: the value of `sign` (already URL-encoded) for `timestamp_ms`.
std::string dingtalk_sign(std::int64_t timestamp_ms, std::string_view secret);
// Feishu: the value of `sign` for `timestamp_s`.
std::string feishu_sign(std::int64_t timestamp_s, std::string_view secret);

}  // namespace djflow::engine::runtime
