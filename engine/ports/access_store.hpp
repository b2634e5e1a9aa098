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
