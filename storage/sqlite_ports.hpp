// Internal to storage/: the SQLite implementation of each persistence port (engine/ports/), one
// class per port over the connection they share. SqliteStore (sqlite_store.hpp) is their sum;
// a second backend has the same shape (docs/decisions/0050-store-ports.md).
//
// Every SQLite error is translated into engine::Error here (codes: Storage, Conflict for
// duplicate keys and stale versions, NotFound, Corruption). Used by one thread at a time.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "engine/store.hpp"

struct sqlite3;

namespace djflow::storage {

namespace detail {

class StatementCache;

// The connection and its statement cache, a virtual base shared by every port class of one
// store. Only the most derived class (SqliteStore) opens it.
class SqliteConnection {
 public:
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

 protected:
  SqliteConnection();  // never used to open: the most derived class initialises this base
  explicit SqliteConnection(sqlite3* db);
  ~SqliteConnection();

  // Appends the entity event of a tracked row's change (storage/entity_log.hpp), in the
  // transaction of the write; sqlite_store_verify.cpp.
  engine::Status log_change(const char* entity, const std::string& key, const char* action);

  sqlite3* db_ = nullptr;
  std::unique_ptr<StatementCache> cache_;
  const engine::Clock* change_clock_ = nullptr;  // who and when, for log_change
  std::string change_actor_;
};

}  // namespace detail

// sqlite_store.cpp: BEGIN IMMEDIATE takes the database's write lock at begin.
class SqliteTransactions : public virtual engine::Transactions,
                           protected virtual detail::SqliteConnection {
 public:
  engine::Status begin_write() override;
  engine::Status commit() override;
  void rollback() noexcept override;
  bool in_transaction() const override;

 private:
  // begin_write inside an open transaction nests as a SAVEPOINT (an import is one outer
  // transaction around the engine's own; a refused row rolls back to its savepoint).
  int nested_ = 0;
};

// sqlite_store.cpp
class SqliteSettings : public virtual engine::SettingsStore,
                       protected virtual detail::SqliteConnection {
 public:
  engine::Result<std::optional<std::string>> setting(const std::string& key) override;
  engine::Status set_setting(const std::string& key, const std::string& value) override;
  engine::Result<std::map<std::string, std::string>> all_settings() override;
  engine::Result<std::vector<engine::HolidayRow>> holidays() override;
  engine::Status upsert_holiday(const engine::HolidayRow& row) override;
};

// sqlite_store.cpp; count_full_members in sqlite_store_election.cpp
class SqliteDirectory : public virtual engine::DirectoryStore,
                        protected virtual detail::SqliteConnection {
 public:
  engine::Status insert_branch(const engine::Branch& b) override;
  engine::Result<std::optional<engine::Branch>> find_branch(const std::string& code) override;
  engine::Result<std::vector<engine::Branch>> list_branches() override;
  engine::Result<engine::PersonId> insert_person(const engine::Person& p) override;
  engine::Result<std::optional<engine::Person>> find_person(engine::PersonId id) override;
  engine::Result<std::vector<engine::Person>> list_persons(
      const std::optional<std::string>& branch) override;
  engine::Status update_person_status(engine::PersonId id, engine::MemberStatus status,
                                      std::optional<engine::Date> joined) override;
  engine::Result<std::vector<engine::Person>> find_persons_by_name(const std::string& name) override;
  engine::Result<std::optional<engine::Person>> find_person_by_key(const std::string& key) override;
  engine::Status update_person(const engine::Person& p, const std::string& reason) override;
  engine::Result<int> count_full_members(const std::string& branch) override;
};

// sqlite_store.cpp
class SqliteHistory : public virtual engine::HistoryStore,
                      protected virtual detail::SqliteConnection {
 public:
  // Ignores c.id and c.version: the case gets a new id and version 0.
  engine::Result<engine::CaseId> insert_case(const engine::Case& c) override;
  engine::Result<std::optional<engine::Case>> find_case(engine::CaseId id) override;
  engine::Result<std::vector<engine::Case>> list_cases(const engine::CaseFilter& f) override;
  engine::Result<std::vector<engine::CaseCount>> count_cases(const engine::CaseFilter& f) override;
  engine::Status update_case(engine::CaseId id, std::int64_t expected_version,
                             const std::string& state, const std::string& head_hash,
                             engine::TimePoint updated_at) override;
  engine::Status append_event(const engine::EventRecord& e) override;
  engine::Status update_case_branch(engine::CaseId id, const std::string& branch) override;
  engine::Result<std::vector<engine::EventRecord>> events(engine::CaseId id) override;
  // One statement: cases LEFT JOIN persons LEFT JOIN events, a row per event.
  engine::Result<std::optional<engine::CaseFile>> case_file(engine::CaseId id) override;
  // Two queries: the page's cases, then their events (cases LEFT JOIN events over the id range).
  engine::Result<std::vector<engine::CaseHistory>> history_page(engine::CaseId after,
                                                                std::size_t limit) override;
};

// sqlite_store_schedule.cpp
class SqliteSchedule : public virtual engine::ScheduleStore,
                       protected virtual detail::SqliteConnection {
 public:
  engine::Result<std::int64_t> insert_deadline(const engine::Deadline& d) override;
  engine::Result<std::vector<engine::Deadline>> open_deadlines(engine::CaseId id) override;
  engine::Status close_deadline(std::int64_t deadline_id, engine::Date closed_on) override;
  engine::Result<std::vector<engine::DeadlineRow>> list_open_deadlines(
      const engine::DeadlineFilter& f) override;
  engine::Result<std::int64_t> count_open_deadlines(const engine::DeadlineFilter& f) override;
  engine::Result<bool> insert_timer(const engine::Timer& t) override;
  engine::Result<std::vector<engine::Timer>> due_timers(engine::TimePoint now,
                                                        std::size_t limit) override;
  engine::Result<std::vector<engine::Timer>> pending_timers(std::int64_t deadline_id) override;
  engine::Status mark_timer_fired(std::int64_t timer_id, engine::TimePoint at) override;
  engine::Status drop_pending_timers(std::int64_t deadline_id) override;
  engine::Result<std::optional<engine::TimePoint>> next_timer_at() override;
};

// sqlite_store_schedule.cpp
class SqliteOutbox : public virtual engine::OutboxStore,
                     protected virtual detail::SqliteConnection {
 public:
  engine::Result<std::optional<std::int64_t>> insert_notification(
      const engine::Notification& n) override;
  engine::Result<std::vector<engine::Notification>> notifications_since(std::int64_t after_id,
                                                                        std::size_t limit) override;
};

// sqlite_store_rectify.cpp
class SqliteLedger : public virtual engine::LedgerStore,
                     protected virtual detail::SqliteConnection {
 public:
  engine::Status insert_rectify_batch(const engine::RectifyBatch& b) override;
  engine::Result<std::optional<engine::RectifyBatch>> find_rectify_batch(engine::CaseId id) override;
  engine::Result<std::vector<engine::RectifyBatch>> list_rectify_batches() override;
  engine::Result<std::int64_t> insert_rectify_item(const engine::RectifyItem& item) override;
  engine::Result<std::vector<engine::RectifyItemRow>> list_rectify_items(
      const engine::RectifyItemFilter& f) override;
};

// sqlite_store_daemon.cpp
class SqliteDelivery : public virtual engine::DeliveryStore,
                       protected virtual detail::SqliteConnection {
 public:
  engine::Result<std::int64_t> insert_channel(const engine::Channel& c) override;
  engine::Result<std::vector<engine::Channel>> list_channels(bool include_removed) override;
  engine::Result<std::optional<engine::Channel>> find_channel(const std::string& id_or_name) override;
  engine::Status remove_channel(std::int64_t id) override;
  engine::Result<std::int64_t> routed_through() override;
  engine::Status set_routed_through(std::int64_t notification_id) override;
  engine::Result<bool> insert_delivery(const engine::Delivery& d) override;
  engine::Result<std::vector<engine::DeliveryRow>> due_deliveries(engine::TimePoint now,
                                                                  std::size_t limit) override;
  engine::Result<std::optional<engine::TimePoint>> next_delivery_at() override;
  engine::Status update_delivery(const engine::Delivery& d, const engine::Delivery& as_read) override;
  engine::Result<std::vector<engine::DeliveryRow>> list_deliveries(
      const engine::DeliveryFilter& f) override;
  engine::Result<std::int64_t> retry_dead(const std::vector<std::int64_t>& ids,
                                          engine::TimePoint now) override;
  engine::Result<std::map<std::string, std::int64_t>> delivery_counts() override;
};

// sqlite_store_daemon.cpp
class SqliteLease : public virtual engine::LeaseStore,
                    protected virtual detail::SqliteConnection {
 public:
  engine::Result<std::optional<engine::Lease>> find_lease() override;
  engine::Status put_lease(const engine::Lease& l) override;
  engine::Result<bool> renew_lease(const std::string& owner, engine::TimePoint heartbeat,
                                   engine::TimePoint expires) override;
  engine::Status release_lease(const std::string& owner) override;
};

// sqlite_store_schedule.cpp (integrity), sqlite_store_daemon.cpp (change token) and
// sqlite_store_health.cpp (quick check, invalid text)
class SqliteHealth : public virtual engine::HealthStore,
                     protected virtual detail::SqliteConnection {
 public:
  // PRAGMA integrity_check: its rows, unless it answers the single row "ok".
  engine::Result<std::vector<std::string>> integrity_problems() override;
  // PRAGMA data_version: changes when another connection commits.
  engine::Result<std::int64_t> change_token() override;
  // data_version in the high bits, this connection's total changes in the low 40.
  engine::Result<std::int64_t> write_mark() override;
  // sqlite_store_health.cpp: PRAGMA quick_check, and the scan for invalid stored text.
  engine::Result<std::vector<std::string>> quick_problems() override;
  engine::Result<std::vector<engine::InvalidText>> invalid_text() override;
};

// sqlite_store_verify.cpp
class SqliteAudit : public virtual engine::AuditStore, protected virtual detail::SqliteConnection {
 public:
  void set_change_context(const engine::Clock* clock, std::string actor) override;
  engine::Status for_each_case_record(
      const std::function<bool(const engine::CaseRecord&)>& fn) override;
  engine::Status for_each_entity_event(
      const std::function<bool(const engine::EntityEvent&)>& fn) override;
  engine::Result<engine::EntityCheck> check_entities() override;
  engine::Result<std::vector<engine::EntityEvent>> entity_history(const std::string& entity,
                                                                  const std::string& key) override;
  engine::Result<std::vector<std::string>> schema_problems() override;
  engine::Status for_each_case_year(const std::function<bool(const engine::CaseYear&)>& fn) override;
};

// sqlite_store_access.cpp (issue 11: users, sessions, API tokens, idempotent answers)
class SqliteAccess : public virtual engine::AccessStore, protected virtual detail::SqliteConnection {
 public:
  engine::Result<std::int64_t> insert_user(const engine::User& u) override;
  engine::Result<std::optional<engine::User>> find_user(const std::string& name) override;
  engine::Result<std::optional<engine::User>> find_user_by_id(std::int64_t id) override;
  engine::Result<std::vector<engine::User>> list_users() override;
  engine::Status update_user(const engine::User& u) override;
  engine::Status insert_session(const engine::Session& s) override;
  engine::Result<std::optional<engine::Session>> find_session(const std::string& token_hash) override;
  engine::Status revoke_session(const std::string& token_hash) override;
  engine::Status revoke_sessions_of(std::int64_t user_id) override;
  engine::Result<std::int64_t> insert_token(const engine::ApiToken& t) override;
  engine::Result<std::optional<engine::ApiToken>> find_token(const std::string& token_hash) override;
  engine::Result<std::optional<TokenUser>> find_token_user(const std::string& token_hash) override;
  engine::Result<std::optional<SessionUser>> find_session_user(const std::string& token_hash) override;
  engine::Result<std::optional<StoredAnswer>> find_answer(std::int64_t user_id, const std::string& key) override;
  engine::Status insert_answer(std::int64_t user_id, const std::string& key, const StoredAnswer& a,
                               engine::TimePoint at) override;
};

}  // namespace djflow::storage
