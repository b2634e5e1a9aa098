// Users, browser sessions and API tokens of the web workbench (issue 11 §2; engine/access.hpp).
// Users and tokens decide who may read and act, so they are tracked rows (entity history,
// verify); sessions are short-lived bookkeeping like deliveries and are not.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/access.hpp"
#include "engine/error.hpp"

namespace djflow::engine {

class AccessStore {
 public:
  virtual ~AccessStore() = default;

  // Returns the new id. Conflict when the name exists, NotFound when the organisation does not.
  virtual Result<std::int64_t> insert_user(const User& u) = 0;
  virtual Result<std::optional<User>> find_user(const std::string& name) = 0;
  virtual Result<std::optional<User>> find_user_by_id(std::int64_t id) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  // Replaces org, role, password_hash and active of the row u.id names. NotFound when absent.
  virtual Status update_user(const User& u) = 0;

  virtual Status insert_session(const Session& s) = 0;
  virtual Result<std::optional<Session>> find_session(const std::string& token_hash) = 0;
  virtual Status revoke_session(const std::string& token_hash) = 0;
  // Revokes every session of a user (password change, disable).
  virtual Status revoke_sessions_of(std::int64_t user_id) = 0;

  virtual Result<std::int64_t> insert_token(const ApiToken& t) = 0;
  virtual Result<std::optional<ApiToken>> find_token(const std::string& token_hash) = 0;

  // A Bearer token or a browser session with its user, in one read on the backends (the web reads
  // them on every request, issue 11 §5): nullopt when there is no such token or session, or its
  // user row is gone. Nothing is judged here: the caller refuses a revoked or expired one and an
  // inactive user, as with find_token / find_session and find_user_by_id, which these defaults call.
  struct TokenUser {
    ApiToken token;
    User user;
  };
  struct SessionUser {
    Session session;
    User user;
  };
  virtual Result<std::optional<TokenUser>> find_token_user(const std::string& token_hash) {
    auto t = find_token(token_hash);
    if (!t) return t.error();
    if (!t.value()) return std::optional<TokenUser>();
    auto u = find_user_by_id(t.value()->user_id);
    if (!u) return u.error();
    if (!u.value()) return std::optional<TokenUser>();
    return std::optional<TokenUser>(TokenUser{std::move(*t.value()), std::move(*u.value())});
  }
  virtual Result<std::optional<SessionUser>> find_session_user(const std::string& token_hash) {
    auto x = find_session(token_hash);
    if (!x) return x.error();
    if (!x.value()) return std::optional<SessionUser>();
    auto u = find_user_by_id(x.value()->user_id);
    if (!u) return u.error();
    if (!u.value()) return std::optional<SessionUser>();
    return std::optional<SessionUser>(SessionUser{std::move(*x.value()), std::move(*u.value())});
  }

  // An Idempotency-Key's stored answer (issue 11 §3): the first write with the key stores its
  // status and body; a repeat with the same key and user gets them back without writing.
  struct StoredAnswer {
    std::string request_digest;  // hex SHA-256 of method, target and body
    int status = 0;
    std::string body;
  };
  virtual Result<std::optional<StoredAnswer>> find_answer(std::int64_t user_id, const std::string& key) = 0;
  virtual Status insert_answer(std::int64_t user_id, const std::string& key, const StoredAnswer& a,
                               TimePoint at) = 0;
};

}  // namespace djflow::engine
