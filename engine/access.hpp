// Who may use the web workbench and the API (issue 11 §2): users bound to an organisation with a
// role, their browser sessions and their API tokens. Secrets are never stored: a password is kept
// as PBKDF2-HMAC-SHA256 (600,000 iterations, 16-byte random salt, OWASP 2023), a session or API
// token as the SHA-256 of 32 random bytes. docs/web.md, docs/decisions/0100-web-workbench.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/clock.hpp"
#include "engine/text.hpp"

namespace djflow::engine {

// Ordered: each role may do what the roles before it may.
//   viewer:    reads within its organisation's subtree
//   secretary: also records steps (党支部书记, 组织委员)
//   organiser: also starts cases and runs the rectification and election commands (组织部门)
//   admin:     also manages users and channels
enum class Role { Viewer = 0, Secretary = 1, Organiser = 2, Admin = 3 };

std::string_view role_id(Role r);        // "viewer", ...
const Text& role_label(Role r);          // 查看, 支部书记/委员, 组织员, 管理员
// Accepts the id or the Chinese label (查看者, 书记, 组织员, 管理员 ...).
std::optional<Role> parse_role(std::string_view text);

struct User {
  std::int64_t id = 0;
  std::string name;           // login name, unique
  std::string org;            // organisation code: the user's subtree
  Role role = Role::Viewer;
  std::string password_hash;  // "pbkdf2-sha256$ITER$SALT$HASH" (base64)
  bool active = true;
  TimePoint created_at{};
};

struct Session {
  std::string token_hash;     // hex SHA-256 of the cookie's token
  std::int64_t user_id = 0;
  std::string csrf;           // the CSRF token the page sends back (random, per session)
  TimePoint created_at{};
  TimePoint expires_at{};
  bool revoked = false;
};

struct ApiToken {
  std::int64_t id = 0;
  std::string token_hash;     // hex SHA-256 of the bearer token
  std::int64_t user_id = 0;
  std::string label;
  TimePoint expires_at{};
  bool revoked = false;
  TimePoint created_at{};
};

inline constexpr int kPasswordIterations = 600000;

// A new password hash with a fresh salt. `iterations` below kPasswordIterations is refused
// (programming error) unless the build is a test build of this module.
std::string hash_password(std::string_view password, int iterations = kPasswordIterations);
// Constant-time comparison against a stored hash; false for any malformed hash.
bool verify_password(std::string_view password, std::string_view stored);

// 32 random bytes from OpenSSL's CSPRNG, base64url without padding (43 characters).
std::string random_token();
// Lower-case hex SHA-256 of the token: what the database keeps.
std::string token_digest(std::string_view token);
// Constant-time string equality (tokens, CSRF).
bool equal_secret(std::string_view a, std::string_view b);

}  // namespace djflow::engine
