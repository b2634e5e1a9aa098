// PgStore, AccessStore: users, browser sessions, API tokens and idempotent answers of the web
// workbench (issue 11 §2–§3), the twin of sqlite_store_access.cpp. Users and tokens are tracked
// rows (entity history); sessions and answers are bookkeeping and are not.
#include "storage/codec.hpp"
#include "storage/pg_store.hpp"

namespace djflow::storage {

using engine::ApiToken;
using engine::Error;
using engine::Result;
using engine::Session;
using engine::Status;
using engine::Text;
using engine::User;
using detail::from_unix;
using detail::to_unix;
using pg::Params;
using pg::Rows;

namespace {

constexpr const char* kUserCols = "id, name, org, role, password_hash, active, created_at";

// kUserCols from column `col` on.
User read_user(const Rows& r, int row, int col = 0) {
  User u;
  u.id = r.int64(row, col);
  u.name = r.string(row, col + 1);
  u.org = r.string(row, col + 2);
  u.role = engine::parse_role(r.text(row, col + 3)).value_or(engine::Role::Viewer);
  u.password_hash = r.string(row, col + 4);
  u.active = r.int64(row, col + 5) != 0;
  u.created_at = from_unix(r.int64(row, col + 6));
  return u;
}

// A token's seven columns from `col` on, in the order of api_tokens (find_token, find_token_user).
ApiToken read_token(const Rows& r, int row, int col = 0) {
  ApiToken t;
  t.id = r.int64(row, col);
  t.token_hash = r.string(row, col + 1);
  t.user_id = r.int64(row, col + 2);
  t.label = r.string(row, col + 3);
  t.expires_at = from_unix(r.int64(row, col + 4));
  t.revoked = r.int64(row, col + 5) != 0;
  t.created_at = from_unix(r.int64(row, col + 6));
  return t;
}

// A session's six columns from `col` on, in the order of web_sessions (find_session,
// find_session_user).
Session read_session(const Rows& r, int row, int col = 0) {
  Session x;
  x.token_hash = r.string(row, col);
  x.user_id = r.int64(row, col + 1);
  x.csrf = r.string(row, col + 2);
  x.created_at = from_unix(r.int64(row, col + 3));
  x.expires_at = from_unix(r.int64(row, col + 4));
  x.revoked = r.int64(row, col + 5) != 0;
  return x;
}

Result<std::optional<User>> one_user(const Result<Rows>& r) {
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<User>();
  return std::optional<User>(read_user(*r, 0));
}

Error no_org(const std::string& org) {
  return Error::not_found(Text{"组织 " + org + " 不存在", "organisation " + org + " does not exist"});
}

}  // namespace

Result<std::int64_t> PgAccess::insert_user(const User& u) {
  auto r = db().exec_guarded("insert_user",
                             "INSERT INTO users (name, org, role, password_hash, active, created_at) "
                             "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                             Params().text(u.name).text(u.org).text(engine::role_id(u.role)).text(u.password_hash)
                                 .int64(u.active ? 1 : 0).int64(to_unix(u.created_at)));
  if (!r) {
    if (db().last_sqlstate() == pg::kUniqueViolation)
      return Error::conflict(Text{"用户 " + u.name + " 已存在", "user " + u.name + " already exists"});
    if (db().last_sqlstate() == pg::kForeignKeyViolation) return no_org(u.org);
    return r.error();
  }
  const std::int64_t id = r->int64(0, 0);
  DJFLOW_TRY(log_change("user", std::to_string(id), "insert"));
  return id;
}

Result<std::optional<User>> PgAccess::find_user(const std::string& name) {
  return one_user(db().exec("find_user", std::string("SELECT ") + kUserCols + " FROM users WHERE name = $1",
                            Params().text(name)));
}

Result<std::optional<User>> PgAccess::find_user_by_id(std::int64_t id) {
  return one_user(db().exec("find_user_by_id", std::string("SELECT ") + kUserCols + " FROM users WHERE id = $1",
                            Params().int64(id)));
}

Result<std::vector<User>> PgAccess::list_users() {
  // COLLATE "C": byte order, as SQLite's BINARY, whatever the database's collation.
  auto r = db().exec("list_users", std::string("SELECT ") + kUserCols +
                                       " FROM users ORDER BY org COLLATE \"C\", name COLLATE \"C\"");
  if (!r) return r.error();
  std::vector<User> out;
  for (int i = 0; i < r->size(); ++i) out.push_back(read_user(*r, i));
  return out;
}

Status PgAccess::update_user(const User& u) {
  auto r = db().exec_guarded(
      "update_user", "UPDATE users SET org = $2, role = $3, password_hash = $4, active = $5 WHERE id = $1",
      Params().int64(u.id).text(u.org).text(engine::role_id(u.role)).text(u.password_hash).int64(u.active ? 1 : 0));
  if (!r) {
    if (db().last_sqlstate() == pg::kForeignKeyViolation) return no_org(u.org);
    return r.error();
  }
  if (r->affected() == 0)
    return Error::not_found(
        Text{"用户 #" + std::to_string(u.id) + " 不存在", "user #" + std::to_string(u.id) + " does not exist"});
  return log_change("user", std::to_string(u.id), "update");
}

Status PgAccess::insert_session(const Session& x) {
  auto r = db().exec("insert_session",
                     "INSERT INTO web_sessions (token_hash, user_id, csrf, created_at, expires_at, revoked) "
                     "VALUES ($1, $2, $3, $4, $5, $6)",
                     Params().text(x.token_hash).int64(x.user_id).text(x.csrf).int64(to_unix(x.created_at))
                         .int64(to_unix(x.expires_at)).int64(x.revoked ? 1 : 0));
  if (!r) return r.error();
  return {};
}

Result<std::optional<Session>> PgAccess::find_session(const std::string& token_hash) {
  auto r = db().exec("find_session",
                     "SELECT token_hash, user_id, csrf, created_at, expires_at, revoked FROM web_sessions "
                     "WHERE token_hash = $1",
                     Params().text(token_hash));
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<Session>();
  return std::optional<Session>(read_session(*r, 0));
}

Status PgAccess::revoke_session(const std::string& token_hash) {
  auto r = db().exec("revoke_session", "UPDATE web_sessions SET revoked = 1 WHERE token_hash = $1",
                     Params().text(token_hash));
  if (!r) return r.error();
  return {};
}

Status PgAccess::revoke_sessions_of(std::int64_t user_id) {
  auto r = db().exec("revoke_sessions_of", "UPDATE web_sessions SET revoked = 1 WHERE user_id = $1",
                     Params().int64(user_id));
  if (!r) return r.error();
  return {};
}

Result<std::int64_t> PgAccess::insert_token(const ApiToken& t) {
  auto r = db().exec("insert_token",
                     "INSERT INTO api_tokens (token_hash, user_id, label, expires_at, revoked, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                     Params().text(t.token_hash).int64(t.user_id).text(t.label).int64(to_unix(t.expires_at))
                         .int64(t.revoked ? 1 : 0).int64(to_unix(t.created_at)));
  if (!r) return r.error();
  const std::int64_t id = r->int64(0, 0);
  DJFLOW_TRY(log_change("api-token", std::to_string(id), "insert"));
  return id;
}

Result<std::optional<ApiToken>> PgAccess::find_token(const std::string& token_hash) {
  auto r = db().exec("find_token",
                     "SELECT id, token_hash, user_id, label, expires_at, revoked, created_at FROM api_tokens "
                     "WHERE token_hash = $1",
                     Params().text(token_hash));
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<ApiToken>();
  return std::optional<ApiToken>(read_token(*r, 0));
}

Result<std::optional<engine::AccessStore::TokenUser>> PgAccess::find_token_user(const std::string& token_hash) {
  auto r = db().exec("find_token_user",
                     "SELECT t.id, t.token_hash, t.user_id, t.label, t.expires_at, t.revoked, t.created_at, "
                     "u.id, u.name, u.org, u.role, u.password_hash, u.active, u.created_at "
                     "FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
                     Params().text(token_hash));
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<TokenUser>();
  TokenUser out;
  out.token = read_token(*r, 0);
  out.user = read_user(*r, 0, 7);
  return std::optional<TokenUser>(std::move(out));
}

Result<std::optional<engine::AccessStore::SessionUser>> PgAccess::find_session_user(const std::string& token_hash) {
  auto r = db().exec("find_session_user",
                     "SELECT x.token_hash, x.user_id, x.csrf, x.created_at, x.expires_at, x.revoked, "
                     "u.id, u.name, u.org, u.role, u.password_hash, u.active, u.created_at "
                     "FROM web_sessions x JOIN users u ON u.id = x.user_id WHERE x.token_hash = $1",
                     Params().text(token_hash));
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<SessionUser>();
  SessionUser out;
  out.session = read_session(*r, 0);
  out.user = read_user(*r, 0, 6);
  return std::optional<SessionUser>(std::move(out));
}

Result<std::optional<engine::AccessStore::StoredAnswer>> PgAccess::find_answer(std::int64_t user_id,
                                                                               const std::string& key) {
  auto r = db().exec("find_answer",
                     "SELECT request_digest, status, body FROM idempotent_answers WHERE user_id = $1 AND key = $2",
                     Params().int64(user_id).text(key));
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<StoredAnswer>();
  return std::optional<StoredAnswer>(StoredAnswer{r->string(0, 0), static_cast<int>(r->int64(0, 1)), r->string(0, 2)});
}

Status PgAccess::insert_answer(std::int64_t user_id, const std::string& key, const StoredAnswer& a,
                               engine::TimePoint at) {
  auto r = db().exec_guarded("insert_answer",
                             "INSERT INTO idempotent_answers (user_id, key, request_digest, status, body, created_at) "
                             "VALUES ($1, $2, $3, $4, $5, $6)",
                             Params().int64(user_id).text(key).text(a.request_digest).int64(a.status).text(a.body)
                                 .int64(to_unix(at)));
  if (!r) {
    if (db().last_sqlstate() == pg::kUniqueViolation)
      return Error::conflict(Text{"该 Idempotency-Key 已被使用", "the Idempotency-Key was already used"});
    return r.error();
  }
  return {};
}

}  // namespace djflow::storage
