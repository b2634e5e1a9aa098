// Conformance (issue 12 §2): concurrent clients of one database, each with its own store
// (connection) in its own thread. No sleeps: a latch starts both at once, and the backend's own
// locking decides the order.
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <set>
#include <thread>

#include "storage/conformance/seed.hpp"
#include "support/test_db.hpp"

using namespace djflow;
using engine::ErrorCode;
using storage::test::at;
using storage::test::chained_event;
using storage::test::day;
using storage::test::must;
using storage::test::seed_branch;
using storage::test::seed_case;

namespace {

// One step on case `id` from version 0, as the engine records it (append_step, decision 0139).
engine::Status step(engine::Store& s, engine::CaseId id, const std::string& actor) {
  engine::WriteTransaction tx(s);
  DJFLOW_TRY(tx.begin());
  auto e = chained_event(id, 1, "");
  e.actor = actor;
  e.hash = engine::event_hash(e);
  DJFLOW_TRY(s.append_step(e, 0));
  return tx.commit();
}

}  // namespace

TEST_CASE("conformance: of two concurrent steps on one case exactly one commits, the other "
          "gets a conflict",
          "[conformance][concurrency]") {
  storage::test::TestDb db;
  auto setup = db.open();
  seed_branch(*setup, "B1");
  auto first = db.open();
  auto second = db.open();
  for (int round = 0; round < 10; ++round) {
    INFO("round " << round);
    const auto id = seed_case(*setup, "B1");
    engine::Status r1, r2;
    std::latch start(2);
    std::thread t1([&] {
      start.arrive_and_wait();
      r1 = step(*first, id, "first");
    });
    std::thread t2([&] {
      start.arrive_and_wait();
      r2 = step(*second, id, "second");
    });
    t1.join();
    t2.join();
    REQUIRE(r1.ok() != r2.ok());
    const auto& loser = r1.ok() ? r2 : r1;
    CHECK(loser.error().code == ErrorCode::Conflict);
    const auto events = must(setup->events(id));
    REQUIRE(events.size() == 1);
    CHECK(events[0].actor == (r1.ok() ? "first" : "second"));
    const auto c = must(setup->find_case(id));
    CHECK(c->version == 1);
    CHECK(c->head_hash == events[0].hash);
  }
}

TEST_CASE("conformance: timers claimed by two concurrent tickers fire exactly once",
          "[conformance][concurrency]") {
  storage::test::TestDb db;
  auto setup = db.open();
  seed_branch(*setup, "B1");
  const auto id = seed_case(*setup, "B1");
  engine::Deadline d;
  d.case_id = id;
  d.kind = "talk";
  d.due = day(2026, 4, 1);
  d.opened_on = day(2026, 1, 1);
  const auto dl = must(setup->insert_deadline(d));
  constexpr int kTimers = 120;
  for (int i = 0; i < kTimers; ++i) {
    engine::Timer t;
    t.key = "t" + std::to_string(i);
    t.case_id = id;
    t.deadline_id = dl;
    t.kind = "talk";
    t.due = d.due;
    t.offset_days = i;
    t.fire_at = at(1000 + i);
    REQUIRE(must(setup->insert_timer(t)));
  }

  // A ticker: claim a batch of due timers, fire each with its notification, commit; until none
  // is left. Returns the keys it fired; counts the batches that failed.
  std::atomic<int> failures{0};
  std::string failure;
  auto ticker = [&](engine::Store& s, std::latch& start) {
    std::vector<std::string> fired;
    start.arrive_and_wait();
    for (;;) {
      engine::WriteTransaction tx(s);
      if (!tx.begin()) {
        ++failures;
        break;
      }
      auto due = s.due_timers(at(5000), 7);
      if (!due || due->empty()) break;
      std::vector<std::string> batch;
      engine::Status st;
      for (const auto& t : *due) {
        st = s.mark_timer_fired(t.id, at(5000));
        if (!st) break;
        engine::Notification n;
        n.key = t.key;
        n.case_id = id;
        n.workflow = "member";
        n.branch = "B1";
        n.kind = "talk";
        n.due = t.due;
        n.created_at = at(5000);
        n.text = {"提醒", "reminder"};
        auto ins = s.insert_notification(n);
        if (!ins || !ins->has_value()) {
          st = ins ? engine::Status(engine::Error::conflict({"重复", "notification existed"})) : ins.error();
          break;
        }
        batch.push_back(t.key);
      }
      if (st) st = tx.commit();
      if (!st) {
        ++failures;
        failure = st.error().message.en;
        continue;  // rolled back; the timers are due again
      }
      fired.insert(fired.end(), batch.begin(), batch.end());
    }
    return fired;
  };

  auto a = db.open();
  auto b = db.open();
  std::latch start(2);
  std::vector<std::string> fired_a, fired_b;
  std::thread ta([&] { fired_a = ticker(*a, start); });
  std::thread tb([&] { fired_b = ticker(*b, start); });
  ta.join();
  tb.join();
  INFO("last failure: " << failure);
  // No batch was wasted: a claimed timer is skipped by the other ticker, not fired twice.
  CHECK(failures.load() == 0);
  std::multiset<std::string> all(fired_a.begin(), fired_a.end());
  all.insert(fired_b.begin(), fired_b.end());
  CHECK(all.size() == static_cast<std::size_t>(kTimers));
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == static_cast<std::size_t>(kTimers));
  const auto notes = must(setup->notifications_since(0, 0));
  CHECK(notes.size() == static_cast<std::size_t>(kTimers));
  CHECK(must(setup->due_timers(at(5000), 0)).empty());
  CHECK_FALSE(must(setup->next_timer_at()).has_value());
}
