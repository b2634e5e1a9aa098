// The persistence port. The engine owns this interface; storage/ implements it on SQLite (and a
// PostgreSQL backend can implement it later). Every method is one short statement or query; the
// engine groups them into one write transaction per command (begin_write ... commit), so a
// command's event, case state, deadlines, timers and notifications commit together or not at
// all (invariant I1). A Store is used by one thread at a time.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/delivery.hpp"
#include "engine/entity_log.hpp"
#include "engine/error.hpp"
#include "engine/model.hpp"
#include "engine/rectify_records.hpp"

namespace djflow::engine {

struct CaseFilter {
  std::optional<std::string> workflow;
  std::optional<std::string> branch;              // exact branch code
  std::optional<std::vector<std::string>> states; // any of these states
  std::optional<PersonId> person;
  std::size_t limit = 0;                          // 0: no limit
};

// An open deadline joined with the case it belongs to, for listings.
struct DeadlineRow {
  Deadline deadline;
  Case c;
};

// Everything stored about one case, for `djflow verify` (Store::for_each_case_record). A record
// with no case row (`c` empty) gathers rows whose case_id names no case (orphans).
struct CaseRecord {
  CaseId case_id = 0;
  std::optional<Case> c;
  std::vector<EventRecord> events;         // by seq
  std::vector<Deadline> deadlines;         // every deadline, open or closed, by id
  std::vector<Timer> timers;               // every timer, pending or fired, by id
  std::vector<Notification> notifications; // by id
};

struct DeadlineFilter {
  std::optional<Date> due_on_or_before;  // nullopt: all open deadlines
  std::optional<std::string> branch;
  std::optional<std::string> workflow;
  std::optional<CaseId> case_id;
  std::size_t limit = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- transactions -------------------------------------------------------------------------
  // Starts a write transaction that holds the write lock from its start (SQLite: BEGIN
  // IMMEDIATE). REQUIRES: no transaction open.
  virtual Status begin_write() = 0;
  virtual Status commit() = 0;
  virtual void rollback() noexcept = 0;
  virtual bool in_transaction() const = 0;

  // --- settings (key/value, e.g. "timezone", "reminder.time") ---------------------------------
  virtual Result<std::optional<std::string>> setting(const std::string& key) = 0;
  virtual Status set_setting(const std::string& key, const std::string& value) = 0;
  virtual Result<std::map<std::string, std::string>> all_settings() = 0;

  // --- working-day calendar -------------------------------------------------------------------
  virtual Result<std::vector<HolidayRow>> holidays() = 0;
  virtual Status upsert_holiday(const HolidayRow& row) = 0;

  // --- organisations and people ---------------------------------------------------------------
  virtual Status insert_branch(const Branch& b) = 0;  // Conflict if the code exists
  virtual Result<std::optional<Branch>> find_branch(const std::string& code) = 0;
  virtual Result<std::vector<Branch>> list_branches() = 0;

  virtual Result<PersonId> insert_person(const Person& p) = 0;  // returns the new id
  virtual Result<std::optional<Person>> find_person(PersonId id) = 0;
  virtual Result<std::vector<Person>> list_persons(const std::optional<std::string>& branch) = 0;
  virtual Status update_person_status(PersonId id, MemberStatus status,
                                      std::optional<Date> joined) = 0;

  // --- cases and their history ----------------------------------------------------------------
  virtual Result<CaseId> insert_case(const Case& c) = 0;  // returns the new id; version 0
  virtual Result<std::optional<Case>> find_case(CaseId id) = 0;
  virtual Result<std::vector<Case>> list_cases(const CaseFilter& f) = 0;
  // Moves the case to `state`, version `expected_version + 1`, new chain head.
  // Conflict when the stored version is not `expected_version`.
  virtual Status update_case(CaseId id, std::int64_t expected_version, const std::string& state,
                             const std::string& head_hash, TimePoint updated_at) = 0;

  virtual Status append_event(const EventRecord& e) = 0;  // Conflict if (case, seq) exists
  virtual Result<std::vector<EventRecord>> events(CaseId id) = 0;  // ordered by seq
  // Calls `fn` for every case and its events in (case, seq) order; stops early on false.
  virtual Status for_each_history(
      const std::function<bool(const Case&, const std::vector<EventRecord>&)>& fn) = 0;

  // --- deadlines ------------------------------------------------------------------------------
  virtual Result<std::int64_t> insert_deadline(const Deadline& d) = 0;
  virtual Result<std::vector<Deadline>> open_deadlines(CaseId id) = 0;
  virtual Status close_deadline(std::int64_t deadline_id, Date closed_on) = 0;
  // Open deadlines joined with their cases, ordered by due date then case id.
  virtual Result<std::vector<DeadlineRow>> list_open_deadlines(const DeadlineFilter& f) = 0;

  // --- durable timers -------------------------------------------------------------------------
  // Inserts unless a timer with the same key exists. Returns true when inserted.
  virtual Result<bool> insert_timer(const Timer& t) = 0;
  // Unfired timers with fire_at <= now, ordered by fire_at, at most `limit` (0: all).
  virtual Result<std::vector<Timer>> due_timers(TimePoint now, std::size_t limit) = 0;
  // Unfired timers of one deadline.
  virtual Result<std::vector<Timer>> pending_timers(std::int64_t deadline_id) = 0;
  virtual Status mark_timer_fired(std::int64_t timer_id, TimePoint at) = 0;
  // Deletes the unfired timers of a deadline (when it closes).
  virtual Status drop_pending_timers(std::int64_t deadline_id) = 0;
  // The earliest unfired fire_at, if any.
  virtual Result<std::optional<TimePoint>> next_timer_at() = 0;

  // --- notification outbox ------------------------------------------------------------------
  // Inserts unless the key exists. Returns the new id, or nullopt when the key existed.
  virtual Result<std::optional<std::int64_t>> insert_notification(const Notification& n) = 0;
  virtual Result<std::vector<Notification>> notifications_since(std::int64_t after_id,
                                                                std::size_t limit) = 0;

  // --- integrity ------------------------------------------------------------------------------
  // The backend's own consistency check ("ok" when sound; SQLite: PRAGMA integrity_check).
  virtual Result<std::string> integrity_check() = 0;

  // --- verification and history of the other rows (issue 7) ---------------------------------
  // Who and when for the entity events the store appends to its own writes (settings, holidays,
  // branches, persons, case bindings, channels, notifications, ledger rows). Defaults: none.
  virtual void set_change_context(const Clock* /*clock*/, std::string /*actor*/) {}
  // Calls `fn` for every case id found in cases, events, deadlines, timers or notifications, in
  // id order, with all of its rows; streamed (one case in memory). Stops early on false.
  virtual Status for_each_case_record(const std::function<bool(const CaseRecord&)>& fn) = 0;
  // The entity events in chain order; stops early on false.
  virtual Status for_each_entity_event(const std::function<bool(const EntityEvent&)>& fn) = 0;
  // Replays the entity chain (sequence, links, hashes) and compares the final image of every row
  // with the row as stored: edited, inserted and deleted rows are problems.
  virtual Result<EntityCheck> check_entities() = 0;
  // The schema objects that must exist for the guarantees to hold (the append-only triggers):
  // one problem per missing or altered object. Empty when sound.
  virtual Result<std::vector<std::string>> schema_problems() = 0;

  // --- rectification ledger (整改台账; engine/rectify_records.hpp) ------------------------------
  // Conflict when a batch/item with that id exists; NotFound when its case (or batch) is missing.
  virtual Status insert_rectify_batch(const RectifyBatch& b) = 0;
  virtual Result<std::optional<RectifyBatch>> find_rectify_batch(CaseId id) = 0;
  virtual Result<std::vector<RectifyBatch>> list_rectify_batches() = 0;
  // Ignores item.seq and assigns the next number within the batch; returns it.
  virtual Result<std::int64_t> insert_rectify_item(const RectifyItem& item) = 0;
  // Items with their cases and current deadlines, by batch then seq (overdue_on: by due date).
  virtual Result<std::vector<RectifyItemRow>> list_rectify_items(const RectifyItemFilter& f) = 0;
  // --- elections (换届选举) -------------------------------------------------------------------
  // Full members (status "full") of `branch` and of every organisation under it (E1-E4).
  virtual Result<int> count_full_members(const std::string& branch) = 0;
  // --- daemon and delivery (issue 3) ----------------------------------------------------------
  // A counter that changes when another connection commits (SQLite: PRAGMA data_version; a
  // PostgreSQL backend would use LISTEN/NOTIFY). Cheap enough to poll every second.
  virtual Result<std::int64_t> data_version() = 0;

  // The daemon lease (at most one row). Logic in runtime/lease.cpp, inside a write transaction.
  virtual Result<std::optional<Lease>> find_lease() = 0;
  virtual Status put_lease(const Lease& l) = 0;  // replaces any row
  // Moves the heartbeat and expiry of `owner`'s lease. Returns false when `owner` lost it.
  virtual Result<bool> renew_lease(const std::string& owner, TimePoint heartbeat,
                                   TimePoint expires) = 0;
  virtual Status release_lease(const std::string& owner) = 0;

  // Channels. insert: Conflict when an active channel has the name; returns the new id. The
  // store sets after_notification to the newest notification id (the channel gets later ones).
  virtual Result<std::int64_t> insert_channel(const Channel& c) = 0;
  virtual Result<std::vector<Channel>> list_channels(bool include_removed) = 0;
  // By id (digits) or name; active channels only.
  virtual Result<std::optional<Channel>> find_channel(const std::string& id_or_name) = 0;
  // Marks it removed and its pending deliveries dead ("channel removed"). NotFound if unknown.
  virtual Status remove_channel(std::int64_t id) = 0;

  // Routing cursor: the last notification id already turned into delivery rows.
  virtual Result<std::int64_t> routed_through() = 0;
  virtual Status set_routed_through(std::int64_t notification_id) = 0;

  // Deliveries. insert: unless (notification, channel) exists; returns true when inserted.
  virtual Result<bool> insert_delivery(const Delivery& d) = 0;
  // Pending deliveries of active channels with next_attempt_at <= now, by next_attempt_at.
  virtual Result<std::vector<DeliveryRow>> due_deliveries(TimePoint now, std::size_t limit) = 0;
  // The earliest next_attempt_at of a pending delivery of an active channel.
  virtual Result<std::optional<TimePoint>> next_delivery_at() = 0;
  // Writes status, attempts, next_attempt_at, last_error and delivered_at of d.id.
  virtual Status update_delivery(const Delivery& d) = 0;
  virtual Result<std::vector<DeliveryRow>> list_deliveries(const DeliveryFilter& f) = 0;
  // Dead deliveries (all, or those with the given ids) back to pending, due at `now`, attempts 0.
  // Returns how many changed.
  virtual Result<std::int64_t> retry_dead(const std::vector<std::int64_t>& ids, TimePoint now) = 0;
  // Number of deliveries per status ("pending", "delivered", "dead").
  virtual Result<std::map<std::string, std::int64_t>> delivery_counts() = 0;
};

// Rolls back on scope exit unless commit() succeeded. Use one per command.
class WriteTransaction {
 public:
  explicit WriteTransaction(Store& s) : store_(s) {}
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction() {
    if (active_) store_.rollback();
  }
  Status begin() {
    auto s = store_.begin_write();
    active_ = s.ok();
    return s;
  }
  Status commit() {
    auto s = store_.commit();
    if (s.ok()) active_ = false;
    return s;
  }

 private:
  Store& store_;
  bool active_ = false;
};

}  // namespace djflow::engine
