// PgStore: the ports not implemented on PostgreSQL yet (issue 12; decision 0120). Each method
// answers a Storage error that names it, so that a command which needs one of them stops with
// a clear message and writes nothing, instead of pretending to work.
#include "storage/pg_store.hpp"

namespace djflow::storage {

using engine::Error;
using engine::ErrorCode;
using engine::Result;
using engine::Status;
using engine::Text;
using engine::TimePoint;

namespace {

Error not_yet(const char* method) {
  const std::string m(method);
  return Error{ErrorCode::Storage,
               Text{"PostgreSQL 数据库尚不支持 " + m + "（议题 12 尚未完成）；此命令请使用 SQLite 数据库文件",
                    m + " is not yet available on PostgreSQL (issue 12 is in progress); use a SQLite "
                        "database file for this command"},
               {},
               {},
               {}};
}

}  // namespace

#define DJFLOW_NOT_YET(name) return not_yet(#name)

Result<std::int64_t> PgNotYet::insert_user(const engine::User&) { DJFLOW_NOT_YET(insert_user); }
Result<std::optional<engine::User>> PgNotYet::find_user(const std::string&) { DJFLOW_NOT_YET(find_user); }
Result<std::optional<engine::User>> PgNotYet::find_user_by_id(std::int64_t) { DJFLOW_NOT_YET(find_user_by_id); }
Result<std::vector<engine::User>> PgNotYet::list_users() { DJFLOW_NOT_YET(list_users); }
Status PgNotYet::update_user(const engine::User&) { DJFLOW_NOT_YET(update_user); }
Status PgNotYet::insert_session(const engine::Session&) { DJFLOW_NOT_YET(insert_session); }
Result<std::optional<engine::Session>> PgNotYet::find_session(const std::string&) { DJFLOW_NOT_YET(find_session); }
Status PgNotYet::revoke_session(const std::string&) { DJFLOW_NOT_YET(revoke_session); }
Status PgNotYet::revoke_sessions_of(std::int64_t) { DJFLOW_NOT_YET(revoke_sessions_of); }
Result<std::int64_t> PgNotYet::insert_token(const engine::ApiToken&) { DJFLOW_NOT_YET(insert_token); }
Result<std::optional<engine::ApiToken>> PgNotYet::find_token(const std::string&) { DJFLOW_NOT_YET(find_token); }
Result<std::optional<engine::AccessStore::StoredAnswer>> PgNotYet::find_answer(std::int64_t, const std::string&) {
  DJFLOW_NOT_YET(find_answer);
}
Status PgNotYet::insert_answer(std::int64_t, const std::string&, const StoredAnswer&, TimePoint) {
  DJFLOW_NOT_YET(insert_answer);
}

#undef DJFLOW_NOT_YET

}  // namespace djflow::storage
