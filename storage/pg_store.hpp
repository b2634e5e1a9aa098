// djflow::storage::PgStore: the PostgreSQL implementation of the engine's persistence ports
// (issue 12 §3; docs/decisions/0120-postgresql-store.md), with the shape of SqliteStore: one
// class per port over one shared libpq connection (pg_connection.hpp), their sum PgStore.
//
// Every port is implemented, the entity history written as on SQLite.
//
// Concurrency without a global writer lock: a transaction is READ COMMITTED; update_case locks
// the case row (UPDATE ... WHERE version = expected) and compares its version, so of two concurrent steps on
// one case exactly one commits and the other gets Conflict; due_timers inside a transaction
// claims its rows FOR UPDATE SKIP LOCKED, so concurrent tickers fire disjoint batches.
// Like every Store, used by one thread at a time; several processes share one database.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/store.hpp"
#include "storage/pg_connection.hpp"
#include "storage/sqlite_store.hpp"  // OpenMode

namespace djflow::storage {

namespace detail {

// The connection, a virtual base shared by every port class of one PgStore.
class PgBase {
 public:
  PgBase(const PgBase&) = delete;
  PgBase& operator=(const PgBase&) = delete;

 protected:
  PgBase();
  explicit PgBase(std::unique_ptr<pg::Connection> c);
  ~PgBase();
  pg::Connection& db() { return *conn_; }

  // Appends the entity event of a tracked row's change (storage/entity_image.hpp), in the
  // transaction of the write (its own one when none is open); pg_store_audit.cpp. The chain is
  // one sequence over the database: appends are serialised by a transaction-level advisory lock
  // (kEntityChainLock), held until the writer commits.
  engine::Status log_change(const char* entity, const std::string& key, const char* action);
  // The "insert" events of rows `rows` of `r` (in that order), rows just inserted and returned
  // with their key in column `key_col` and the tracked columns from column `first`: one head
  // read and one multi-row INSERT for all of them (decision 0125). Inside a transaction only.
  engine::Status log_inserts(const char* entity, const pg::Rows& r, const std::vector<int>& rows, int key_col,
                             int first);
  // Takes that lock now (in a transaction; a no-op outside one), before a write whose order
  // matters to readers: a notification's id is then assigned in commit order, so a router that
  // has read up to id N never sees an id below N commit later.
  engine::Status lock_entity_chain();
  // NOTIFY djflow_wake (storage/wake.hpp), sent when the transaction commits; pg_wake.cpp.
  engine::Status notify_wake();

  std::unique_ptr<pg::Connection> conn_;
  const engine::Clock* change_clock_ = nullptr;  // who and when, for log_change
  std::string change_actor_;

  // The open deadlines of a case read with its case file, in the same round trip, inside a
  // write transaction (decision 0133). open_deadlines(case) returns them instead of reading
  // again only once update_case or append_step of the case has since succeeded in this
  // transaction: that version check (and the row lock it takes) proves that no other transaction
  // changed the case since the case file's snapshot, and every write of a case's deadlines
  // changes its version first (Engine::apply_step: append_step, then sync_deadlines). Dropped by
  // any write of deadlines through this store, by a failed update_case or append_step, and when
  // a transaction begins or ends, so a read outside that pattern reads the table as before.
  struct PrefetchedDeadlines {
    engine::CaseId case_id = 0;
    bool confirmed = false;  // update_case or append_step of case_id succeeded since
    std::vector<engine::Deadline> rows;
  };
  std::optional<PrefetchedDeadlines> prefetched_;
  void drop_prefetched() { prefetched_.reset(); }

  // The wake test's shortcut (decision 0135). Every daemon's next planned wake-up is no later
  // than any committed pending timer (a timer due before every pending one wakes them, and a
  // delete only moves the earliest later). So when this write transaction has deleted a pending
  // timer due at `earliest_dropped` that another transaction committed, a new timer due no
  // earlier than it needs no wake-up: until this transaction commits, the dropped timer still
  // stands for the daemons, and they will be up by then. Only timers this transaction did not
  // insert count (none inserted before the drop: `inserted`). Forgotten when a transaction
  // begins, commits or rolls back.
  struct DroppedTimers {
    bool inserted = false;                     // this transaction inserted timers
    std::optional<std::int64_t> earliest_dropped;  // unix seconds
  };
  DroppedTimers dropped_timers_;
  void forget_dropped_timers() { dropped_timers_ = {}; }
};

}  // namespace detail

// pg_store.cpp: BEGIN (READ COMMITTED); nested begin_write is a SAVEPOINT, as in SQLite.
class PgTransactions : public virtual engine::Transactions, protected virtual detail::PgBase {
 public:
  engine::Status begin_write() override;
  // COMMIT; a transaction that failed earlier (PostgreSQL aborts it on any error outside a
  // guarded statement) is rolled back and reported instead of being silently dropped.
  engine::Status commit() override;
  void rollback() noexcept override;
  bool in_transaction() const override;
  // A 40001 or 40P01 met inside the last transaction (pg::Connection::transient_failure).
  bool transient_failure() const override;
  long committed() const override { return committed_; }

 private:
  int nested_ = 0;
  long committed_ = 0;
};

// pg_store.cpp
class PgSettings : public virtual engine::SettingsStore, protected virtual detail::PgBase {
 public:
  engine::Result<std::optional<std::string>> setting(const std::string& key) override;
  engine::Status set_setting(const std::string& key, const std::string& value) override;
  engine::Result<std::map<std::string, std::string>> all_settings() override;
  engine::Result<std::vector<engine::HolidayRow>> holidays() override;
  engine::Status upsert_holiday(const engine::HolidayRow& row) override;
};

// pg_store.cpp
class PgDirectory : public virtual engine::DirectoryStore, protected virtual detail::PgBase {
 public:
  engine::Status insert_branch(const engine::Branch& b) override;
  engine::Result<std::optional<engine::Branch>> find_branch(const std::string& code) override;
  engine::Result<std::vector<engine::Branch>> list_branches() override;
  engine::Result<engine::PersonId> insert_person(const engine::Person& p) override;
  engine::Result<std::optional<engine::Person>> find_person(engine::PersonId id) override;
  engine::Result<std::vector<engine::Person>> list_persons(
      const std::optional<std::string>& branch) override;
  engine::Result<std::vector<engine::Person>> find_persons_by_name(const std::string& name) override;
  engine::Result<std::optional<engine::Person>> find_person_by_key(const std::string& key) override;
  engine::Status update_person(const engine::Person& p, const std::string& reason) override;
  engine::Status update_person_status(engine::PersonId id, engine::MemberStatus status,
                                      std::optional<engine::Date> joined) override;
  engine::Result<int> count_full_members(const std::string& branch) override;
};

// pg_store_history.cpp
class PgHistory : public virtual engine::HistoryStore, protected virtual detail::PgBase {
 public:
  engine::Result<engine::CaseId> insert_case(const engine::Case& c) override;
  engine::Result<std::optional<engine::Case>> find_case(engine::CaseId id) override;
  engine::Result<std::vector<engine::Case>> list_cases(const engine::CaseFilter& f) override;
  engine::Result<std::vector<engine::CaseCount>> count_cases(const engine::CaseFilter& f) override;  // pg_store_counts.cpp
  // UPDATE ... WHERE id AND version = expected: the row stays locked until the end of the
  // transaction, so a concurrent step on the case waits, then sees the new version and changes
  // nothing (Conflict).
  engine::Status update_case(engine::CaseId id, std::int64_t expected_version,
                             const std::string& state, const std::string& head_hash,
                             engine::TimePoint updated_at) override;
  engine::Status append_event(const engine::EventRecord& e) override;
  // One statement: the UPDATE of update_case in a WITH, the event inserted from its row, so that
  // a stale version or an unknown case inserts nothing (decision 0139).
  engine::Status append_step(const engine::EventRecord& e, std::int64_t expected_version) override;
  engine::Status update_case_branch(engine::CaseId id, const std::string& branch) override;
  engine::Result<std::vector<engine::EventRecord>> events(engine::CaseId id) override;
  // One statement: cases LEFT JOIN persons LEFT JOIN events, a row per event.
  engine::Result<std::optional<engine::CaseFile>> case_file(engine::CaseId id) override;
  engine::Result<std::vector<engine::CaseHistory>> history_page(engine::CaseId after,
                                                                std::size_t limit) override;

 private:
  // Why an UPDATE of the case at `expected_version` changed no row: NotFound or Conflict.
  engine::Status stale_case(engine::CaseId id, std::int64_t expected_version);
};

// pg_store_schedule.cpp
class PgSchedule : public virtual engine::ScheduleStore, protected virtual detail::PgBase {
 public:
  engine::Result<std::int64_t> insert_deadline(const engine::Deadline& d) override;
  engine::Result<std::vector<engine::Deadline>> open_deadlines(engine::CaseId id) override;
  engine::Status close_deadline(std::int64_t deadline_id, engine::Date closed_on) override;
  engine::Result<std::vector<engine::DeadlineRow>> list_open_deadlines(
      const engine::DeadlineFilter& f) override;
  engine::Result<std::int64_t> count_open_deadlines(const engine::DeadlineFilter& f) override;  // pg_store_counts.cpp
  engine::Result<bool> insert_timer(const engine::Timer& t) override;
  // One multi-row INSERT ... ON CONFLICT (key) DO NOTHING RETURNING (decision 0128).
  engine::Result<std::vector<bool>> insert_timers(const std::vector<engine::Timer>& ts) override;
  // Inside a transaction the rows are claimed FOR UPDATE SKIP LOCKED: a timer another
  // transaction is firing is skipped, not waited for.
  engine::Result<std::vector<engine::Timer>> due_timers(engine::TimePoint now,
                                                        std::size_t limit) override;
  engine::Result<std::vector<engine::Timer>> pending_timers(std::int64_t deadline_id) override;
  engine::Status mark_timer_fired(std::int64_t timer_id, engine::TimePoint at) override;
  engine::Status drop_pending_timers(std::int64_t deadline_id) override;
  // Each in one statement (data-modifying WITH), one round trip instead of two (decision 0130).
  engine::Result<std::int64_t> insert_deadline_with_timers(const engine::Deadline& d,
                                                           std::vector<engine::Timer> ts) override;
  engine::Status close_deadline_with_timers(std::int64_t deadline_id, engine::Date closed_on) override;
  engine::Result<std::optional<engine::TimePoint>> next_timer_at() override;

 private:
  // insert_deadline_with_timers' text for `timers` timers, with or without the wake test: built
  // once per connection and kept (a deadline has a handful of timers), not at every call.
  const std::string& deadline_with_timers_sql(std::size_t timers, bool wake_test);
  std::vector<std::string> deadline_with_timers_sql_;  // [2 * timers + wake_test]
};

// pg_store_schedule.cpp
class PgOutbox : public virtual engine::OutboxStore, protected virtual detail::PgBase {
 public:
  engine::Result<std::optional<std::int64_t>> insert_notification(
      const engine::Notification& n) override;
  // One tick's notifications: the entity-history lock, then one multi-row INSERT ... ON
  // CONFLICT DO NOTHING RETURNING and one append of their entity events per 500 (decision 0125).
  engine::Result<std::vector<std::optional<std::int64_t>>> insert_notifications(
      const std::vector<engine::Notification>& ns) override;
  engine::Result<std::vector<engine::Notification>> notifications_since(std::int64_t after_id,
                                                                        std::size_t limit) override;
};

// pg_store_health.cpp: PostgreSQL's equivalents of SQLite's integrity and quick checks (the
// catalog's invalid indexes, constraints not validated, disabled triggers), the scan for stored
// text that is not UTF-8, and a change token from the transaction-id horizon.
class PgHealth : public virtual engine::HealthStore, protected virtual detail::PgBase {
 public:
  engine::Result<std::vector<std::string>> integrity_problems() override;
  engine::Result<std::vector<std::string>> quick_problems() override;
  engine::Result<std::vector<engine::InvalidText>> invalid_text() override;
  engine::Result<std::int64_t> change_token() override;
  engine::Result<std::int64_t> write_mark() override;
};

// pg_store_audit.cpp: what verify reads (every case with its rows, paged by case id), the entity
// history and its check, and the append-only triggers.
class PgAudit : public virtual engine::AuditStore, protected virtual detail::PgBase {
 public:
  void set_change_context(const engine::Clock* clock, std::string actor) override;
  engine::Status for_each_case_record(
      const std::function<bool(const engine::CaseRecord&)>& fn) override;
  engine::Status for_each_entity_event(
      const std::function<bool(const engine::EntityEvent&)>& fn) override;
  engine::Result<std::vector<engine::EntityEvent>> entity_history(const std::string& entity,
                                                                  const std::string& key) override;
  engine::Result<engine::EntityCheck> check_entities() override;
  engine::Result<std::vector<std::string>> schema_problems() override;
  engine::Status for_each_case_year(const std::function<bool(const engine::CaseYear&)>& fn) override;
};

// pg_store_ledger.cpp: the rectification ledger; an item's number is taken under a lock of its
// batch row.
class PgLedger : public virtual engine::LedgerStore, protected virtual detail::PgBase {
 public:
  engine::Status insert_rectify_batch(const engine::RectifyBatch& b) override;
  engine::Result<std::optional<engine::RectifyBatch>> find_rectify_batch(engine::CaseId id) override;
  engine::Result<std::vector<engine::RectifyBatch>> list_rectify_batches() override;
  engine::Result<std::int64_t> insert_rectify_item(const engine::RectifyItem& item) override;
  engine::Result<std::vector<engine::RectifyItemRow>> list_rectify_items(
      const engine::RectifyItemFilter& f) override;
};

// pg_store_delivery.cpp: channels, the routing cursor (locked by the router in its
// transaction) and deliveries. due_deliveries claims its rows for several daemons: FOR UPDATE
// SKIP LOCKED, and their next_attempt_at moved to now + the claim time in the same statement;
// the rows come back as claimed, which is what update_delivery's condition compares.
class PgDelivery : public virtual engine::DeliveryStore, protected virtual detail::PgBase {
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

// pg_store_lease.cpp: the daemon lease, one row as on SQLite (decision 0120: on PostgreSQL the
// daemon does not hold it exclusively).
class PgLease : public virtual engine::LeaseStore, protected virtual detail::PgBase {
 public:
  engine::Result<std::optional<engine::Lease>> find_lease() override;
  engine::Status put_lease(const engine::Lease& l) override;
  engine::Result<bool> renew_lease(const std::string& owner, engine::TimePoint heartbeat,
                                   engine::TimePoint expires) override;
  engine::Status release_lease(const std::string& owner) override;
};

// pg_store_access.cpp: users, sessions, API tokens and idempotent answers of the web.
class PgAccess : public virtual engine::AccessStore, protected virtual detail::PgBase {
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
  engine::Result<std::optional<StoredAnswer>> find_answer(std::int64_t user_id,
                                                          const std::string& key) override;
  engine::Status insert_answer(std::int64_t user_id, const std::string& key, const StoredAnswer& a,
                               engine::TimePoint at) override;
};

class PgStore final : public engine::Store,
                      public PgTransactions,
                      public PgSettings,
                      public PgDirectory,
                      public PgHistory,
                      public PgSchedule,
                      public PgOutbox,
                      public PgLedger,
                      public PgDelivery,
                      public PgLease,
                      public PgHealth,
                      public PgAudit,
                      public PgAccess {
 public:
  // Connects to `url` (postgresql://...). Create: migrates the database to the current schema;
  // Existing: the schema must be current (NotFound when there is none: run djflow init).
  // Storage error when the database is not djflow's, or newer or (Existing) older than djflow.
  static engine::Result<std::unique_ptr<PgStore>> open(const std::string& url, OpenMode mode);
  static int schema_version();

  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  // Runs `body` in a write transaction and commits; again, up to `attempts` times in all, when
  // PostgreSQL reports a serialization failure or a deadlock (SQLSTATE 40001, 40P01).
  engine::Status run_retrying(const std::function<engine::Status()>& body,
                              int attempts = pg::kMaxRetries);

  // Test-only: raw SQL behind the Store's back (tamper tests).
  engine::Status test_exec(const std::string& sql);
  // The server's backend process id of this store's connection (the bench, to profile it).
  int backend_pid() const { return conn_->backend_pid(); }

 private:
  explicit PgStore(std::unique_ptr<pg::Connection> c);
};

}  // namespace djflow::storage
