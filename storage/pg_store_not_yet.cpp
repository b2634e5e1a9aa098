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

Status PgNotYet::insert_rectify_batch(const engine::RectifyBatch&) { DJFLOW_NOT_YET(insert_rectify_batch); }
Result<std::optional<engine::RectifyBatch>> PgNotYet::find_rectify_batch(engine::CaseId) {
  DJFLOW_NOT_YET(find_rectify_batch);
}
Result<std::vector<engine::RectifyBatch>> PgNotYet::list_rectify_batches() { DJFLOW_NOT_YET(list_rectify_batches); }
Result<std::int64_t> PgNotYet::insert_rectify_item(const engine::RectifyItem&) { DJFLOW_NOT_YET(insert_rectify_item); }
Result<std::vector<engine::RectifyItemRow>> PgNotYet::list_rectify_items(const engine::RectifyItemFilter&) {
  DJFLOW_NOT_YET(list_rectify_items);
}

Result<std::int64_t> PgNotYet::insert_channel(const engine::Channel&) { DJFLOW_NOT_YET(insert_channel); }
Result<std::vector<engine::Channel>> PgNotYet::list_channels(bool) { DJFLOW_NOT_YET(list_channels); }
Result<std::optional<engine::Channel>> PgNotYet::find_channel(const std::string&) { DJFLOW_NOT_YET(find_channel); }
Status PgNotYet::remove_channel(std::int64_t) { DJFLOW_NOT_YET(remove_channel); }
Result<std::int64_t> PgNotYet::routed_through() { DJFLOW_NOT_YET(routed_through); }
Status PgNotYet::set_routed_through(std::int64_t) { DJFLOW_NOT_YET(set_routed_through); }
Result<bool> PgNotYet::insert_delivery(const engine::Delivery&) { DJFLOW_NOT_YET(insert_delivery); }
Result<std::vector<engine::DeliveryRow>> PgNotYet::due_deliveries(TimePoint, std::size_t) {
  DJFLOW_NOT_YET(due_deliveries);
}
Result<std::optional<TimePoint>> PgNotYet::next_delivery_at() { DJFLOW_NOT_YET(next_delivery_at); }
Status PgNotYet::update_delivery(const engine::Delivery&, const engine::Delivery&) { DJFLOW_NOT_YET(update_delivery); }
Result<std::vector<engine::DeliveryRow>> PgNotYet::list_deliveries(const engine::DeliveryFilter&) {
  DJFLOW_NOT_YET(list_deliveries);
}
Result<std::int64_t> PgNotYet::retry_dead(const std::vector<std::int64_t>&, TimePoint) { DJFLOW_NOT_YET(retry_dead); }
Result<std::map<std::string, std::int64_t>> PgNotYet::delivery_counts() { DJFLOW_NOT_YET(delivery_counts); }

Result<std::optional<engine::Lease>> PgNotYet::find_lease() { DJFLOW_NOT_YET(find_lease); }
Status PgNotYet::put_lease(const engine::Lease&) { DJFLOW_NOT_YET(put_lease); }
Result<bool> PgNotYet::renew_lease(const std::string&, TimePoint, TimePoint) { DJFLOW_NOT_YET(renew_lease); }
Status PgNotYet::release_lease(const std::string&) { DJFLOW_NOT_YET(release_lease); }

Result<std::vector<std::string>> PgNotYet::integrity_problems() { DJFLOW_NOT_YET(integrity_problems); }
Result<std::vector<std::string>> PgNotYet::quick_problems() { DJFLOW_NOT_YET(quick_problems); }
Result<std::vector<engine::InvalidText>> PgNotYet::invalid_text() { DJFLOW_NOT_YET(invalid_text); }
Result<std::int64_t> PgNotYet::change_token() { DJFLOW_NOT_YET(change_token); }
Result<std::int64_t> PgNotYet::write_mark() { DJFLOW_NOT_YET(write_mark); }

Status PgNotYet::for_each_case_record(const std::function<bool(const engine::CaseRecord&)>&) {
  DJFLOW_NOT_YET(for_each_case_record);
}
Status PgNotYet::for_each_entity_event(const std::function<bool(const engine::EntityEvent&)>&) {
  DJFLOW_NOT_YET(for_each_entity_event);
}
Result<std::vector<engine::EntityEvent>> PgNotYet::entity_history(const std::string&, const std::string&) {
  DJFLOW_NOT_YET(entity_history);
}
Result<engine::EntityCheck> PgNotYet::check_entities() { DJFLOW_NOT_YET(check_entities); }
Result<std::vector<std::string>> PgNotYet::schema_problems() { DJFLOW_NOT_YET(schema_problems); }

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
