// SqliteAccess: users, sessions, API tokens and idempotent answers (issue 11 §2–§3; migration
// "web access", docs/storage_format.md). Users and tokens are tracked rows (entity history).
#include "storage/sqlite_store.hpp"

#include <sqlite3.h>

#include "storage/codec.hpp"
#include "storage/statement.hpp"
#include "storage/statement_cache.hpp"

namespace djflow::storage {

using engine::ApiToken;
using engine::Error;
using engine::Result;
using engine::Session;
using engine::Status;
using engine::Text;
using engine::User;
using detail::sqlite_error;
using detail::Statement;
using detail::from_unix;
using detail::to_unix;

namespace {

const std::string kUserCols = "id, name, org, role, password_hash, active, created_at";

// kUserCols from column `col` on.
User read_user(const Statement& s, int col = 0) {
  User u;
  u.id = s.int64(col);
  u.name = s.string(col + 1);
  u.org = s.string(col + 2);
  u.role = engine::parse_role(s.text(col + 3)).value_or(engine::Role::Viewer);
  u.password_hash = s.string(col + 4);
  u.active = s.int64(col + 5) != 0;
  u.created_at = from_unix(s.int64(col + 6));
  return u;
}

// id, token_hash, user_id, label, expires_at, revoked, created_at of api_tokens.
ApiToken read_token(const Statement& s) {
  ApiToken t;
  t.id = s.int64(0);
  t.token_hash = s.string(1);
  t.user_id = s.int64(2);
  t.label = s.string(3);
  t.expires_at = from_unix(s.int64(4));
  t.revoked = s.int64(5) != 0;
  t.created_at = from_unix(s.int64(6));
  return t;
}

// token_hash, user_id, csrf, created_at, expires_at, revoked of web_sessions.
Session read_session(const Statement& s) {
  Session x;
  x.token_hash = s.string(0);
  x.user_id = s.int64(1);
  x.csrf = s.string(2);
  x.created_at = from_unix(s.int64(3));
  x.expires_at = from_unix(s.int64(4));
  x.revoked = s.int64(5) != 0;
  return x;
}

Result<std::optional<User>> one_user(sqlite3* db, Statement& s, const char* what) {
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<User>();
  if (rc != SQLITE_ROW) return sqlite_error(db, rc, what);
  return std::optional<User>(read_user(s));
}

}  // namespace

Result<std::int64_t> SqliteAccess::insert_user(const User& u) {
  DJFLOW_STATEMENT(s, std::string("INSERT INTO users (name, org, role, password_hash, active, created_at) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s.bind(1, u.name);
  s.bind(2, u.org);
  s.bind(3, engine::role_id(u.role));
  s.bind(4, u.password_hash);
  s.bind(5, u.active ? 1 : 0);
  s.bind(6, to_unix(u.created_at));
  const int rc = s.step();
  if (detail::is_unique_violation(rc))
    return Error::conflict(Text{"用户 " + u.name + " 已存在", "user " + u.name + " already exists"});
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return Error::not_found(Text{"组织 " + u.org + " 不存在", "organisation " + u.org + " does not exist"});
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_user");
  const auto id = sqlite3_last_insert_rowid(db_);
  DJFLOW_TRY(log_change("user", std::to_string(id), "insert"));
  return id;
}

Result<std::optional<User>> SqliteAccess::find_user(const std::string& name) {
  DJFLOW_STATEMENT(s, "SELECT " + kUserCols + " FROM users WHERE name = ?1");
  s.bind(1, name);
  return one_user(db_, s, "find_user");
}

Result<std::optional<User>> SqliteAccess::find_user_by_id(std::int64_t id) {
  DJFLOW_STATEMENT(s, "SELECT " + kUserCols + " FROM users WHERE id = ?1");
  s.bind(1, id);
  return one_user(db_, s, "find_user_by_id");
}

Result<std::vector<User>> SqliteAccess::list_users() {
  DJFLOW_STATEMENT(s, "SELECT " + kUserCols + " FROM users ORDER BY org, name");
  std::vector<User> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "list_users");
    out.push_back(read_user(s));
  }
  return out;
}

Status SqliteAccess::update_user(const User& u) {
  DJFLOW_STATEMENT(s, std::string("UPDATE users SET org = ?2, role = ?3, password_hash = ?4, active = ?5 WHERE id = ?1"));
  s.bind(1, u.id);
  s.bind(2, u.org);
  s.bind(3, engine::role_id(u.role));
  s.bind(4, u.password_hash);
  s.bind(5, u.active ? 1 : 0);
  const int rc = s.step();
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return Error::not_found(Text{"组织 " + u.org + " 不存在", "organisation " + u.org + " does not exist"});
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "update_user");
  if (sqlite3_changes(db_) == 0)
    return Error::not_found(Text{"用户 #" + std::to_string(u.id) + " 不存在", "user #" + std::to_string(u.id) + " does not exist"});
  return log_change("user", std::to_string(u.id), "update");
}

Status SqliteAccess::insert_session(const Session& x) {
  DJFLOW_STATEMENT(s, std::string("INSERT INTO web_sessions (token_hash, user_id, csrf, created_at, expires_at, revoked) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s.bind(1, x.token_hash);
  s.bind(2, x.user_id);
  s.bind(3, x.csrf);
  s.bind(4, to_unix(x.created_at));
  s.bind(5, to_unix(x.expires_at));
  s.bind(6, x.revoked ? 1 : 0);
  const int rc = s.step();
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_session");
  return {};
}

Result<std::optional<Session>> SqliteAccess::find_session(const std::string& token_hash) {
  DJFLOW_STATEMENT(s, std::string("SELECT token_hash, user_id, csrf, created_at, expires_at, revoked "
                                  "FROM web_sessions WHERE token_hash = ?1"));
  s.bind(1, token_hash);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<Session>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "find_session");
  return std::optional<Session>(read_session(s));
}

Status SqliteAccess::revoke_session(const std::string& token_hash) {
  DJFLOW_STATEMENT(s, std::string("UPDATE web_sessions SET revoked = 1 WHERE token_hash = ?1"));
  s.bind(1, token_hash);
  const int rc = s.step();
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "revoke_session");
  return {};
}

Status SqliteAccess::revoke_sessions_of(std::int64_t user_id) {
  DJFLOW_STATEMENT(s, std::string("UPDATE web_sessions SET revoked = 1 WHERE user_id = ?1"));
  s.bind(1, user_id);
  const int rc = s.step();
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "revoke_sessions_of");
  return {};
}

Result<std::int64_t> SqliteAccess::insert_token(const ApiToken& t) {
  DJFLOW_STATEMENT(s, std::string("INSERT INTO api_tokens (token_hash, user_id, label, expires_at, revoked, created_at) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s.bind(1, t.token_hash);
  s.bind(2, t.user_id);
  s.bind(3, t.label);
  s.bind(4, to_unix(t.expires_at));
  s.bind(5, t.revoked ? 1 : 0);
  s.bind(6, to_unix(t.created_at));
  const int rc = s.step();
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_token");
  const auto id = sqlite3_last_insert_rowid(db_);
  DJFLOW_TRY(log_change("api-token", std::to_string(id), "insert"));
  return id;
}

Result<std::optional<ApiToken>> SqliteAccess::find_token(const std::string& token_hash) {
  DJFLOW_STATEMENT(s, std::string("SELECT id, token_hash, user_id, label, expires_at, revoked, created_at "
                                  "FROM api_tokens WHERE token_hash = ?1"));
  s.bind(1, token_hash);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<ApiToken>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "find_token");
  return std::optional<ApiToken>(read_token(s));
}

Result<std::optional<engine::AccessStore::TokenUser>> SqliteAccess::find_token_user(const std::string& token_hash) {
  static const std::string sql =
      "SELECT t.id, t.token_hash, t.user_id, t.label, t.expires_at, t.revoked, t.created_at, "
      "u.id, u.name, u.org, u.role, u.password_hash, u.active, u.created_at "
      "FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, token_hash);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<TokenUser>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "find_token_user");
  TokenUser out;
  out.token = read_token(s);
  out.user = read_user(s, 7);
  return std::optional<TokenUser>(std::move(out));
}

Result<std::optional<engine::AccessStore::SessionUser>> SqliteAccess::find_session_user(const std::string& token_hash) {
  static const std::string sql =
      "SELECT x.token_hash, x.user_id, x.csrf, x.created_at, x.expires_at, x.revoked, "
      "u.id, u.name, u.org, u.role, u.password_hash, u.active, u.created_at "
      "FROM web_sessions x JOIN users u ON u.id = x.user_id WHERE x.token_hash = ?1";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, token_hash);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<SessionUser>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "find_session_user");
  SessionUser out;
  out.session = read_session(s);
  out.user = read_user(s, 6);
  return std::optional<SessionUser>(std::move(out));
}

Result<std::optional<engine::AccessStore::StoredAnswer>> SqliteAccess::find_answer(std::int64_t user_id,
                                                                                   const std::string& key) {
  DJFLOW_STATEMENT(s, std::string("SELECT request_digest, status, body FROM idempotent_answers "
                                  "WHERE user_id = ?1 AND key = ?2"));
  s.bind(1, user_id);
  s.bind(2, key);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<StoredAnswer>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "find_answer");
  StoredAnswer a{s.string(0), static_cast<int>(s.int64(1)), s.string(2)};
  return std::optional<StoredAnswer>(std::move(a));
}

Status SqliteAccess::insert_answer(std::int64_t user_id, const std::string& key, const StoredAnswer& a,
                                   engine::TimePoint at) {
  DJFLOW_STATEMENT(s, std::string("INSERT INTO idempotent_answers (user_id, key, request_digest, status, body, created_at) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s.bind(1, user_id);
  s.bind(2, key);
  s.bind(3, a.request_digest);
  s.bind(4, a.status);
  s.bind(5, a.body);
  s.bind(6, to_unix(at));
  const int rc = s.step();
  if (detail::is_unique_violation(rc))
    return Error::conflict(Text{"该 Idempotency-Key 已被使用", "the Idempotency-Key was already used"});
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_answer");
  return {};
}

}  // namespace djflow::storage
