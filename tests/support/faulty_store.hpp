// A Store decorator that fails the Nth mutating call (writes and commit) with a Storage error, to
// show that a failure at any point of a command leaves nothing behind (invariant I1). Beast's
// test::fail_count, leveldb's FaultInjectionTestEnv. Reads always pass through.
#pragma once

#include "engine/store.hpp"

namespace djflow::testing {

using namespace djflow::engine;

class FaultyStore final : public Store {
 public:
  // fail_at: 1-based index of the mutating call that fails; 0 never fails.
  FaultyStore(Store& inner, int fail_at) : s_(inner), fail_at_(fail_at) {}
  int writes() const { return writes_; }
  bool failed() const { return failed_; }

  Status begin_write() override { return s_.begin_write(); }
  Status commit() override { return gate() ? s_.commit() : fault(); }
  void rollback() noexcept override { s_.rollback(); }
  bool in_transaction() const override { return s_.in_transaction(); }

  Result<std::optional<std::string>> setting(const std::string& k) override { return s_.setting(k); }
  Status set_setting(const std::string& k, const std::string& v) override { return gate() ? s_.set_setting(k, v) : fault(); }
  Result<std::map<std::string, std::string>> all_settings() override { return s_.all_settings(); }
  Result<std::vector<HolidayRow>> holidays() override { return s_.holidays(); }
  Status upsert_holiday(const HolidayRow& r) override { return gate() ? s_.upsert_holiday(r) : fault(); }

  Status insert_branch(const Branch& b) override { return gate() ? s_.insert_branch(b) : fault(); }
  Result<std::optional<Branch>> find_branch(const std::string& c) override { return s_.find_branch(c); }
  Result<std::vector<Branch>> list_branches() override { return s_.list_branches(); }
  Result<PersonId> insert_person(const Person& p) override {
    if (!gate()) return fault();
    return s_.insert_person(p);
  }
  Result<std::optional<Person>> find_person(PersonId id) override { return s_.find_person(id); }
  Result<std::vector<Person>> list_persons(const std::optional<std::string>& b) override { return s_.list_persons(b); }
  Status update_person_status(PersonId id, MemberStatus st, std::optional<Date> j) override {
    return gate() ? s_.update_person_status(id, st, j) : fault();
  }

  Result<CaseId> insert_case(const Case& c) override {
    if (!gate()) return fault();
    return s_.insert_case(c);
  }
  Result<std::optional<Case>> find_case(CaseId id) override { return s_.find_case(id); }
  Result<std::vector<Case>> list_cases(const CaseFilter& f) override { return s_.list_cases(f); }
  Status update_case(CaseId id, std::int64_t v, const std::string& st, const std::string& h, TimePoint t) override {
    return gate() ? s_.update_case(id, v, st, h, t) : fault();
  }
  Status append_event(const EventRecord& e) override { return gate() ? s_.append_event(e) : fault(); }
  Result<std::vector<EventRecord>> events(CaseId id) override { return s_.events(id); }
  Status for_each_history(const std::function<bool(const Case&, const std::vector<EventRecord>&)>& fn) override {
    return s_.for_each_history(fn);
  }

  void set_change_context(const Clock* c, std::string a) override { s_.set_change_context(c, std::move(a)); }
  Status for_each_case_record(const std::function<bool(const CaseRecord&)>& fn) override {
    return s_.for_each_case_record(fn);
  }
  Status for_each_entity_event(const std::function<bool(const EntityEvent&)>& fn) override {
    return s_.for_each_entity_event(fn);
  }
  Result<EntityCheck> check_entities() override { return s_.check_entities(); }
  Result<std::vector<std::string>> schema_problems() override { return s_.schema_problems(); }

  Result<std::int64_t> insert_deadline(const Deadline& d) override {
    if (!gate()) return fault();
    return s_.insert_deadline(d);
  }
  Result<std::vector<Deadline>> open_deadlines(CaseId id) override { return s_.open_deadlines(id); }
  Status close_deadline(std::int64_t id, Date on) override { return gate() ? s_.close_deadline(id, on) : fault(); }
  Result<std::vector<DeadlineRow>> list_open_deadlines(const DeadlineFilter& f) override { return s_.list_open_deadlines(f); }

  Result<bool> insert_timer(const Timer& t) override {
    if (!gate()) return fault();
    return s_.insert_timer(t);
  }
  Result<std::vector<Timer>> due_timers(TimePoint now, std::size_t limit) override { return s_.due_timers(now, limit); }
  Result<std::vector<Timer>> pending_timers(std::int64_t id) override { return s_.pending_timers(id); }
  Status mark_timer_fired(std::int64_t id, TimePoint at) override { return gate() ? s_.mark_timer_fired(id, at) : fault(); }
  Status drop_pending_timers(std::int64_t id) override { return gate() ? s_.drop_pending_timers(id) : fault(); }
  Result<std::optional<TimePoint>> next_timer_at() override { return s_.next_timer_at(); }

  Result<std::optional<std::int64_t>> insert_notification(const Notification& n) override {
    if (!gate()) return fault();
    return s_.insert_notification(n);
  }
  Result<std::vector<Notification>> notifications_since(std::int64_t after, std::size_t limit) override {
    return s_.notifications_since(after, limit);
  }
  Result<std::string> integrity_check() override { return s_.integrity_check(); }

  // --- rectification ledger ---
  Status insert_rectify_batch(const RectifyBatch& b) override { return gate() ? s_.insert_rectify_batch(b) : fault(); }
  Result<std::optional<RectifyBatch>> find_rectify_batch(CaseId id) override { return s_.find_rectify_batch(id); }
  Result<std::vector<RectifyBatch>> list_rectify_batches() override { return s_.list_rectify_batches(); }
  Result<std::int64_t> insert_rectify_item(const RectifyItem& item) override {
    if (!gate()) return fault();
    return s_.insert_rectify_item(item);
  }
  Result<std::vector<RectifyItemRow>> list_rectify_items(const RectifyItemFilter& f) override {
    return s_.list_rectify_items(f);
  }
  // --- elections ---
  Result<int> count_full_members(const std::string& b) override { return s_.count_full_members(b); }
  // --- daemon and delivery (issue 3) ----------------------------------------------------------
  Result<std::int64_t> data_version() override { return s_.data_version(); }
  Result<std::optional<Lease>> find_lease() override { return s_.find_lease(); }
  Status put_lease(const Lease& l) override { return gate() ? s_.put_lease(l) : fault(); }
  Result<bool> renew_lease(const std::string& o, TimePoint h, TimePoint e) override {
    if (!gate()) return fault();
    return s_.renew_lease(o, h, e);
  }
  Status release_lease(const std::string& o) override { return gate() ? s_.release_lease(o) : fault(); }
  Result<std::int64_t> insert_channel(const Channel& c) override {
    if (!gate()) return fault();
    return s_.insert_channel(c);
  }
  Result<std::vector<Channel>> list_channels(bool removed) override { return s_.list_channels(removed); }
  Result<std::optional<Channel>> find_channel(const std::string& n) override { return s_.find_channel(n); }
  Status remove_channel(std::int64_t id) override { return gate() ? s_.remove_channel(id) : fault(); }
  Result<std::int64_t> routed_through() override { return s_.routed_through(); }
  Status set_routed_through(std::int64_t id) override { return gate() ? s_.set_routed_through(id) : fault(); }
  Result<bool> insert_delivery(const Delivery& d) override {
    if (!gate()) return fault();
    return s_.insert_delivery(d);
  }
  Result<std::vector<DeliveryRow>> due_deliveries(TimePoint now, std::size_t limit) override {
    return s_.due_deliveries(now, limit);
  }
  Result<std::optional<TimePoint>> next_delivery_at() override { return s_.next_delivery_at(); }
  Status update_delivery(const Delivery& d) override { return gate() ? s_.update_delivery(d) : fault(); }
  Result<std::vector<DeliveryRow>> list_deliveries(const DeliveryFilter& f) override { return s_.list_deliveries(f); }
  Result<std::int64_t> retry_dead(const std::vector<std::int64_t>& ids, TimePoint now) override {
    if (!gate()) return fault();
    return s_.retry_dead(ids, now);
  }
  Result<std::map<std::string, std::int64_t>> delivery_counts() override { return s_.delivery_counts(); }

 private:
  bool gate() {
    ++writes_;
    if (fail_at_ != 0 && writes_ == fail_at_) {
      failed_ = true;
      return false;
    }
    return true;
  }
  static Error fault() { return Error::storage("injected fault"); }

  Store& s_;
  int fail_at_;
  int writes_ = 0;
  bool failed_ = false;
};

}  // namespace djflow::testing
