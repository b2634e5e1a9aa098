// djflow::storage::SqliteStore: the SQLite implementation of the engine's persistence port
// (engine/store.hpp). One connection per store; prepared statements are cached per connection so
// that a call costs one sqlite3_step sequence and nothing else. Every SQLite error is translated
// into engine::Error here (codes: Storage, Conflict for duplicate keys and stale versions,
// NotFound, Corruption). The file format is described in docs/storage_format.md.
//
// Thread safety: like every Store, used by one thread at a time (the connection is opened with
// SQLITE_OPEN_NOMUTEX). Several processes may share one database file (WAL, busy_timeout 5 s).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "engine/store.hpp"

struct sqlite3;

namespace djflow::storage {

enum class OpenMode {
  Create,    // create the file if missing and migrate it to the current schema (`djflow init`)
  Existing,  // the file must exist and have the current schema (every other command)
};

namespace detail {
class StatementCache;
}

class SqliteStore final : public engine::Store {
 public:
  // Opens `path` (":memory:" for a private in-memory database, always created and migrated).
  // New files get mode 0600, and so do their -wal and -shm files.
  // Errors: NotFound when mode is Existing and the file is missing or not initialised; Storage
  // when the file is not a djflow database, its schema is newer than this binary, or (Existing)
  // older than this binary (run `djflow init` to migrate); Corruption when SQLite says so.
  static engine::Result<std::unique_ptr<SqliteStore>> open(const std::string& path, OpenMode mode);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  const std::string& path() const { return path_; }
  // The schema version this binary writes (PRAGMA user_version of a current database).
  static int schema_version();

  // --- engine::Store --------------------------------------------------------------------------
  engine::Status begin_write() override;
  engine::Status commit() override;
  void rollback() noexcept override;
  bool in_transaction() const override;

  engine::Result<std::optional<std::string>> setting(const std::string& key) override;
  engine::Status set_setting(const std::string& key, const std::string& value) override;
  engine::Result<std::map<std::string, std::string>> all_settings() override;

  engine::Result<std::vector<engine::HolidayRow>> holidays() override;
  engine::Status upsert_holiday(const engine::HolidayRow& row) override;

  engine::Status insert_branch(const engine::Branch& b) override;
  engine::Result<std::optional<engine::Branch>> find_branch(const std::string& code) override;
  engine::Result<std::vector<engine::Branch>> list_branches() override;

  engine::Result<engine::PersonId> insert_person(const engine::Person& p) override;
  engine::Result<std::optional<engine::Person>> find_person(engine::PersonId id) override;
  engine::Result<std::vector<engine::Person>> list_persons(
      const std::optional<std::string>& branch) override;
  // Sets status and joined as given (joined nullopt stores NULL).
  engine::Status update_person_status(engine::PersonId id, engine::MemberStatus status,
                                      std::optional<engine::Date> joined) override;

  // Ignores c.id and c.version: the case gets a new id and version 0.
  engine::Result<engine::CaseId> insert_case(const engine::Case& c) override;
  engine::Result<std::optional<engine::Case>> find_case(engine::CaseId id) override;
  engine::Result<std::vector<engine::Case>> list_cases(const engine::CaseFilter& f) override;
  // NotFound when the case does not exist, Conflict when its version is not expected_version.
  engine::Status update_case(engine::CaseId id, std::int64_t expected_version,
                             const std::string& state, const std::string& head_hash,
                             engine::TimePoint updated_at) override;

  engine::Status append_event(const engine::EventRecord& e) override;
  engine::Result<std::vector<engine::EventRecord>> events(engine::CaseId id) override;
  // One query streamed row by row (cases LEFT JOIN events): memory holds one case's events.
  // Cases without events are reported with an empty vector. `fn` may call other read methods.
  engine::Status for_each_history(
      const std::function<bool(const engine::Case&, const std::vector<engine::EventRecord>&)>& fn)
      override;

  // Ignores d.id; returns the new id.
  engine::Result<std::int64_t> insert_deadline(const engine::Deadline& d) override;
  engine::Result<std::vector<engine::Deadline>> open_deadlines(engine::CaseId id) override;
  // NotFound for an unknown id, Conflict when the deadline is already closed.
  engine::Status close_deadline(std::int64_t deadline_id, engine::Date closed_on) override;
  engine::Result<std::vector<engine::DeadlineRow>> list_open_deadlines(
      const engine::DeadlineFilter& f) override;

  engine::Result<bool> insert_timer(const engine::Timer& t) override;
  engine::Result<std::vector<engine::Timer>> due_timers(engine::TimePoint now,
                                                        std::size_t limit) override;
  engine::Result<std::vector<engine::Timer>> pending_timers(std::int64_t deadline_id) override;
  // NotFound for an unknown id, Conflict when the timer already fired (invariant I4).
  engine::Status mark_timer_fired(std::int64_t timer_id, engine::TimePoint at) override;
  engine::Status drop_pending_timers(std::int64_t deadline_id) override;
  engine::Result<std::optional<engine::TimePoint>> next_timer_at() override;

  engine::Result<std::optional<std::int64_t>> insert_notification(
      const engine::Notification& n) override;
  engine::Result<std::vector<engine::Notification>> notifications_since(std::int64_t after_id,
                                                                        std::size_t limit) override;

  engine::Result<std::string> integrity_check() override;

  // --- verification (sqlite_store_verify.cpp) -------------------------------------------------
  void set_change_context(const engine::Clock* clock, std::string actor) override;
  engine::Status for_each_case_record(
      const std::function<bool(const engine::CaseRecord&)>& fn) override;
  engine::Status for_each_entity_event(
      const std::function<bool(const engine::EntityEvent&)>& fn) override;
  engine::Result<engine::EntityCheck> check_entities() override;
  engine::Result<std::vector<std::string>> schema_problems() override;

  // --- rectification ledger (sqlite_store_rectify.cpp) -----------------------------------------
  engine::Status insert_rectify_batch(const engine::RectifyBatch& b) override;
  engine::Result<std::optional<engine::RectifyBatch>> find_rectify_batch(engine::CaseId id) override;
  engine::Result<std::vector<engine::RectifyBatch>> list_rectify_batches() override;
  engine::Result<std::int64_t> insert_rectify_item(const engine::RectifyItem& item) override;
  engine::Result<std::vector<engine::RectifyItemRow>> list_rectify_items(
      const engine::RectifyItemFilter& f) override;
  // --- elections (sqlite_store_election.cpp) ---------------------------------------------------
  engine::Result<int> count_full_members(const std::string& branch) override;
  // --- daemon and delivery (sqlite_store_daemon.cpp) ----------------------------------------
  engine::Result<std::int64_t> data_version() override;
  engine::Result<std::optional<engine::Lease>> find_lease() override;
  engine::Status put_lease(const engine::Lease& l) override;
  engine::Result<bool> renew_lease(const std::string& owner, engine::TimePoint heartbeat,
                                   engine::TimePoint expires) override;
  engine::Status release_lease(const std::string& owner) override;
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
  engine::Status update_delivery(const engine::Delivery& d) override;
  engine::Result<std::vector<engine::DeliveryRow>> list_deliveries(
      const engine::DeliveryFilter& f) override;
  engine::Result<std::int64_t> retry_dead(const std::vector<std::int64_t>& ids,
                                          engine::TimePoint now) override;
  engine::Result<std::map<std::string, std::int64_t>> delivery_counts() override;

  // Test-only: runs raw SQL on the connection behind the Store's back, as an attacker or a
  // faulty tool would (tamper tests drop the append-only triggers with it).
  engine::Status test_exec(const std::string& sql);

 private:
  SqliteStore(sqlite3* db, std::string path);
  engine::Status set_up(OpenMode mode, bool is_memory);

  // Appends the entity event of a tracked row's change (storage/entity_log.hpp).
  engine::Status log_change(const char* entity, const std::string& key, const char* action);

  sqlite3* db_;
  std::string path_;
  std::unique_ptr<detail::StatementCache> cache_;
  const engine::Clock* change_clock_ = nullptr;
  std::string change_actor_;
};

}  // namespace djflow::storage
