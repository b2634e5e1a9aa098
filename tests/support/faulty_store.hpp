// A Store decorator that fails the Nth mutating call (writes and commit) with a Storage error, to
// show that a failure at any point of a command leaves nothing behind (invariant I1). Beast's
// test::fail_count, leveldb's FaultInjectionTestEnv. Reads always pass through.
//
// One decorator per port (engine/ports/), over one shared gate, summed as the ports are in a
// backend's store: a port added to engine::Store gets its decorator here, and nothing else changes.
#pragma once

#include "engine/store.hpp"

namespace djflow::testing {

using namespace djflow::engine;

namespace detail {

// The inner store and the write counter, shared by every port decorator of one FaultyStore.
class FaultGate {
 protected:
  FaultGate() = default;  // the most derived class (FaultyStore) initialises this base
  FaultGate(Store& inner, int fail_at) : s_(&inner), fail_at_(fail_at) {}

  Store& s() { return *s_; }
  bool gate() {
    ++writes_;
    if (fail_at_ != 0 && writes_ == fail_at_) {
      failed_ = true;
      return false;
    }
    return true;
  }
  static Error fault() { return Error::storage("injected fault"); }

  Store* s_ = nullptr;
  int fail_at_ = 0;
  int writes_ = 0;
  bool failed_ = false;
  // Transient conflicts (fail_commits_transiently): the next `transient_left_` outermost commits
  // fail as PostgreSQL's serialization failure would, with transient_failure() true.
  int transient_left_ = 0;
  bool transient_ = false;
  int begun_ = 0;  // outermost transactions begun
};

// `return WRITE(call)`: counts the call, fails it when its turn has come.
#define DJFLOW_FAULTY_WRITE(call) \
  if (!gate()) return fault();    \
  return s().call

class FaultyTransactions : public virtual Transactions, protected virtual FaultGate {
 public:
  Status begin_write() override {
    if (!s().in_transaction()) {
      ++begun_;
      transient_ = false;
    }
    return s().begin_write();
  }
  Status commit() override {
    if (transient_left_ > 0) {  // the engine's writes are one level: every commit is outermost
      --transient_left_;
      transient_ = true;  // the caller rolls back (WriteTransaction)
      return Error::conflict({"提交：与并发操作冲突，请重试（injected serialization failure）",
                              "commit: conflicts with a concurrent command; try again (injected serialization failure)"});
    }
    DJFLOW_FAULTY_WRITE(commit());
  }
  void rollback() noexcept override { s().rollback(); }
  bool in_transaction() const override { return s_->in_transaction(); }
  bool transient_failure() const override { return transient_; }
};

class FaultySettings : public virtual SettingsStore, protected virtual FaultGate {
 public:
  Result<std::optional<std::string>> setting(const std::string& k) override { return s().setting(k); }
  Status set_setting(const std::string& k, const std::string& v) override { DJFLOW_FAULTY_WRITE(set_setting(k, v)); }
  Result<std::map<std::string, std::string>> all_settings() override { return s().all_settings(); }
  Result<std::vector<HolidayRow>> holidays() override { return s().holidays(); }
  Status upsert_holiday(const HolidayRow& r) override { DJFLOW_FAULTY_WRITE(upsert_holiday(r)); }
};

class FaultyDirectory : public virtual DirectoryStore, protected virtual FaultGate {
 public:
  Status insert_branch(const Branch& b) override { DJFLOW_FAULTY_WRITE(insert_branch(b)); }
  Result<std::optional<Branch>> find_branch(const std::string& c) override { return s().find_branch(c); }
  Result<std::vector<Branch>> list_branches() override { return s().list_branches(); }
  Result<PersonId> insert_person(const Person& p) override { DJFLOW_FAULTY_WRITE(insert_person(p)); }
  Result<std::optional<Person>> find_person(PersonId id) override { return s().find_person(id); }
  Result<std::vector<Person>> list_persons(const std::optional<std::string>& b) override { return s().list_persons(b); }
  Status update_person_status(PersonId id, MemberStatus st, std::optional<Date> j) override {
    DJFLOW_FAULTY_WRITE(update_person_status(id, st, j));
  }
  Result<std::vector<Person>> find_persons_by_name(const std::string& n) override { return s().find_persons_by_name(n); }
  Result<std::optional<Person>> find_person_by_key(const std::string& k) override { return s().find_person_by_key(k); }
  Status update_person(const Person& p, const std::string& r) override { DJFLOW_FAULTY_WRITE(update_person(p, r)); }
  Result<int> count_full_members(const std::string& b) override { return s().count_full_members(b); }
};

class FaultyHistory : public virtual HistoryStore, protected virtual FaultGate {
 public:
  Result<CaseId> insert_case(const Case& c) override { DJFLOW_FAULTY_WRITE(insert_case(c)); }
  Result<std::optional<Case>> find_case(CaseId id) override { return s().find_case(id); }
  Result<std::vector<Case>> list_cases(const CaseFilter& f) override { return s().list_cases(f); }
  Result<std::vector<CaseCount>> count_cases(const CaseFilter& f) override { return s().count_cases(f); }
  Status update_case(CaseId id, std::int64_t v, const std::string& st, const std::string& h, TimePoint t) override {
    DJFLOW_FAULTY_WRITE(update_case(id, v, st, h, t));
  }
  Status append_event(const EventRecord& e) override { DJFLOW_FAULTY_WRITE(append_event(e)); }
  Status append_step(const EventRecord& e, std::int64_t v) override { DJFLOW_FAULTY_WRITE(append_step(e, v)); }
  Status update_case_branch(CaseId id, const std::string& b) override { DJFLOW_FAULTY_WRITE(update_case_branch(id, b)); }
  Result<std::vector<EventRecord>> events(CaseId id) override { return s().events(id); }
  Result<std::optional<CaseFile>> case_file(CaseId id) override { return s().case_file(id); }
  Result<std::vector<CaseHistory>> history_page(CaseId after, std::size_t limit) override {
    return s().history_page(after, limit);
  }
};

class FaultySchedule : public virtual ScheduleStore, protected virtual FaultGate {
 public:
  Result<std::int64_t> insert_deadline(const Deadline& d) override { DJFLOW_FAULTY_WRITE(insert_deadline(d)); }
  Result<std::vector<Deadline>> open_deadlines(CaseId id) override { return s().open_deadlines(id); }
  Status close_deadline(std::int64_t id, Date on) override { DJFLOW_FAULTY_WRITE(close_deadline(id, on)); }
  Result<std::vector<DeadlineRow>> list_open_deadlines(const DeadlineFilter& f) override { return s().list_open_deadlines(f); }
  Result<std::int64_t> count_open_deadlines(const DeadlineFilter& f) override { return s().count_open_deadlines(f); }
  Result<bool> insert_timer(const Timer& t) override { DJFLOW_FAULTY_WRITE(insert_timer(t)); }
  Result<std::vector<Timer>> due_timers(TimePoint now, std::size_t limit) override { return s().due_timers(now, limit); }
  Result<std::vector<Timer>> pending_timers(std::int64_t id) override { return s().pending_timers(id); }
  Status mark_timer_fired(std::int64_t id, TimePoint at) override { DJFLOW_FAULTY_WRITE(mark_timer_fired(id, at)); }
  Status drop_pending_timers(std::int64_t id) override { DJFLOW_FAULTY_WRITE(drop_pending_timers(id)); }
  Result<std::int64_t> insert_deadline_with_timers(const Deadline& d, std::vector<Timer> ts) override {
    DJFLOW_FAULTY_WRITE(insert_deadline_with_timers(d, std::move(ts)));
  }
  Status close_deadline_with_timers(std::int64_t id, Date on) override {
    DJFLOW_FAULTY_WRITE(close_deadline_with_timers(id, on));
  }
  Result<std::optional<TimePoint>> next_timer_at() override { return s().next_timer_at(); }
};

class FaultyOutbox : public virtual OutboxStore, protected virtual FaultGate {
 public:
  Result<std::optional<std::int64_t>> insert_notification(const Notification& n) override {
    DJFLOW_FAULTY_WRITE(insert_notification(n));
  }
  Result<std::vector<Notification>> notifications_since(std::int64_t after, std::size_t limit) override {
    return s().notifications_since(after, limit);
  }
};

class FaultyLedger : public virtual LedgerStore, protected virtual FaultGate {
 public:
  Status insert_rectify_batch(const RectifyBatch& b) override { DJFLOW_FAULTY_WRITE(insert_rectify_batch(b)); }
  Result<std::optional<RectifyBatch>> find_rectify_batch(CaseId id) override { return s().find_rectify_batch(id); }
  Result<std::vector<RectifyBatch>> list_rectify_batches() override { return s().list_rectify_batches(); }
  Result<std::int64_t> insert_rectify_item(const RectifyItem& item) override { DJFLOW_FAULTY_WRITE(insert_rectify_item(item)); }
  Result<std::vector<RectifyItemRow>> list_rectify_items(const RectifyItemFilter& f) override {
    return s().list_rectify_items(f);
  }
};

class FaultyDelivery : public virtual DeliveryStore, protected virtual FaultGate {
 public:
  Result<std::int64_t> insert_channel(const Channel& c) override { DJFLOW_FAULTY_WRITE(insert_channel(c)); }
  Result<std::vector<Channel>> list_channels(bool removed) override { return s().list_channels(removed); }
  Result<std::optional<Channel>> find_channel(const std::string& n) override { return s().find_channel(n); }
  Status remove_channel(std::int64_t id) override { DJFLOW_FAULTY_WRITE(remove_channel(id)); }
  Result<std::int64_t> routed_through() override { return s().routed_through(); }
  Status set_routed_through(std::int64_t id) override { DJFLOW_FAULTY_WRITE(set_routed_through(id)); }
  Result<bool> insert_delivery(const Delivery& d) override { DJFLOW_FAULTY_WRITE(insert_delivery(d)); }
  Result<std::vector<DeliveryRow>> due_deliveries(TimePoint now, std::size_t limit) override {
    return s().due_deliveries(now, limit);
  }
  Result<std::optional<TimePoint>> next_delivery_at() override { return s().next_delivery_at(); }
  Status update_delivery(const Delivery& d, const Delivery& r) override { DJFLOW_FAULTY_WRITE(update_delivery(d, r)); }
  Result<std::vector<DeliveryRow>> list_deliveries(const DeliveryFilter& f) override { return s().list_deliveries(f); }
  Result<std::int64_t> retry_dead(const std::vector<std::int64_t>& ids, TimePoint now) override {
    DJFLOW_FAULTY_WRITE(retry_dead(ids, now));
  }
  Result<std::map<std::string, std::int64_t>> delivery_counts() override { return s().delivery_counts(); }
};

class FaultyLease : public virtual LeaseStore, protected virtual FaultGate {
 public:
  Result<std::optional<Lease>> find_lease() override { return s().find_lease(); }
  Status put_lease(const Lease& l) override { DJFLOW_FAULTY_WRITE(put_lease(l)); }
  Result<bool> renew_lease(const std::string& o, TimePoint h, TimePoint e) override {
    DJFLOW_FAULTY_WRITE(renew_lease(o, h, e));
  }
  Status release_lease(const std::string& o) override { DJFLOW_FAULTY_WRITE(release_lease(o)); }
};

class FaultyHealth : public virtual HealthStore, protected virtual FaultGate {
 public:
  Result<std::vector<std::string>> integrity_problems() override { return s().integrity_problems(); }
  Result<std::int64_t> change_token() override { return s().change_token(); }
  Result<std::int64_t> write_mark() override { return s().write_mark(); }
  Result<std::vector<std::string>> quick_problems() override { return s().quick_problems(); }
  Result<std::vector<InvalidText>> invalid_text() override { return s().invalid_text(); }
};

class FaultyAudit : public virtual AuditStore, protected virtual FaultGate {
 public:
  void set_change_context(const Clock* clock, std::string actor) override {
    s().set_change_context(clock, std::move(actor));
  }
  Status for_each_case_record(const std::function<bool(const CaseRecord&)>& fn) override {
    return s().for_each_case_record(fn);
  }
  Status for_each_entity_event(const std::function<bool(const EntityEvent&)>& fn) override {
    return s().for_each_entity_event(fn);
  }
  Result<EntityCheck> check_entities() override { return s().check_entities(); }
  Result<std::vector<EntityEvent>> entity_history(const std::string& e, const std::string& k) override {
    return s().entity_history(e, k);
  }
  Result<std::vector<std::string>> schema_problems() override { return s().schema_problems(); }
  Status for_each_case_year(const std::function<bool(const CaseYear&)>& fn) override {
    return s().for_each_case_year(fn);
  }
};

class FaultyAccess : public virtual AccessStore, protected virtual FaultGate {
 public:
  Result<std::int64_t> insert_user(const User& u) override { DJFLOW_FAULTY_WRITE(insert_user(u)); }
  Result<std::optional<User>> find_user(const std::string& n) override { return s().find_user(n); }
  Result<std::optional<User>> find_user_by_id(std::int64_t id) override { return s().find_user_by_id(id); }
  Result<std::vector<User>> list_users() override { return s().list_users(); }
  Status update_user(const User& u) override { DJFLOW_FAULTY_WRITE(update_user(u)); }
  Status insert_session(const Session& x) override { DJFLOW_FAULTY_WRITE(insert_session(x)); }
  Result<std::optional<Session>> find_session(const std::string& h) override { return s().find_session(h); }
  Status revoke_session(const std::string& h) override { DJFLOW_FAULTY_WRITE(revoke_session(h)); }
  Status revoke_sessions_of(std::int64_t u) override { DJFLOW_FAULTY_WRITE(revoke_sessions_of(u)); }
  Result<std::int64_t> insert_token(const ApiToken& t) override { DJFLOW_FAULTY_WRITE(insert_token(t)); }
  Result<std::optional<ApiToken>> find_token(const std::string& h) override { return s().find_token(h); }
  Result<std::optional<StoredAnswer>> find_answer(std::int64_t u, const std::string& k) override {
    return s().find_answer(u, k);
  }
  Status insert_answer(std::int64_t u, const std::string& k, const StoredAnswer& a, TimePoint at) override {
    DJFLOW_FAULTY_WRITE(insert_answer(u, k, a, at));
  }
};

#undef DJFLOW_FAULTY_WRITE

}  // namespace detail

class FaultyStore final : public Store,
                          public detail::FaultyTransactions,
                          public detail::FaultySettings,
                          public detail::FaultyDirectory,
                          public detail::FaultyHistory,
                          public detail::FaultySchedule,
                          public detail::FaultyOutbox,
                          public detail::FaultyLedger,
                          public detail::FaultyDelivery,
                          public detail::FaultyLease,
                          public detail::FaultyHealth,
                          public detail::FaultyAudit,
                          public detail::FaultyAccess {
 public:
  // fail_at: 1-based index of the mutating call that fails; 0 never fails.
  FaultyStore(Store& inner, int fail_at) : detail::FaultGate(inner, fail_at) {}
  int writes() const { return writes_; }
  bool failed() const { return failed_; }
  // The next `n` outermost commits fail with a transient conflict (transient_failure() true), as
  // a serialization failure on PostgreSQL does.
  void fail_commits_transiently(int n) { transient_left_ = n; }
  // Outermost write transactions begun so far (the attempts of a retried write).
  int transactions_begun() const { return begun_; }
};

}  // namespace djflow::testing
