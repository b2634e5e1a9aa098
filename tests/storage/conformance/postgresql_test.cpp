// PostgreSQL only (registered in conformance_postgresql alone): what SQLite has no counterpart
// of. The deadlock retry (SQLite cannot deadlock: BEGIN IMMEDIATE takes the only write lock at
// begin), the entity chain under concurrent writers, deliveries claimed by two daemons.
#include <catch2/catch.hpp>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <latch>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "engine/case_years.hpp"
#include "engine/clock.hpp"
#include "engine/engine.hpp"
#include "storage/conformance/seed.hpp"
#include "support/test_db.hpp"
#include "storage/pg_connection.hpp"
#include "storage/pg_migrations.hpp"
#include "storage/pg_store.hpp"

using namespace djflow;
using engine::ErrorCode;
using storage::test::must;

TEST_CASE("only postgresql: a transaction that lost a deadlock is run again",
          "[postgresql][concurrency]") {
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  // Two deadlines with a pending timer each: drop_pending_timers locks (deletes) the timer rows
  // and, unlike a tracked write (settings, people), takes no entity-history lock, so each
  // transaction can hold its own row before it wants the other's.
  auto setup = db.open();
  storage::test::seed_branch(*setup, "B1");
  const auto id = storage::test::seed_case(*setup, "B1");
  std::int64_t deadline[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    engine::Deadline d;
    d.case_id = id;
    d.kind = i == 0 ? "talk" : "review";
    d.due = storage::test::day(2026, 4, 1);
    d.opened_on = storage::test::day(2026, 3, 1);
    deadline[i] = must(setup->insert_deadline(d));
    engine::Timer t;
    t.key = "timer-" + std::to_string(i);
    t.case_id = id;
    t.deadline_id = deadline[i];
    t.kind = d.kind;
    t.due = d.due;
    t.fire_at = storage::test::at(1774000000);
    REQUIRE(must(setup->insert_timer(t)));
  }
  auto p1 = db.open();
  auto p2 = db.open();
  auto& s1 = dynamic_cast<storage::PgStore&>(*p1);
  auto& s2 = dynamic_cast<storage::PgStore&>(*p2);
  // Each locks one row, then (after both hold one) wants the other's: PostgreSQL aborts one
  // with 40P01 after deadlock_timeout, and run_retrying runs that one again.
  std::latch both_locked(2);
  std::atomic<int> attempts1{0}, attempts2{0};
  auto body = [&](storage::PgStore& s, std::atomic<int>& attempts, std::int64_t mine, std::int64_t theirs) {
    return [&s, &attempts, &both_locked, mine, theirs]() -> engine::Status {
      const bool first_attempt = attempts++ == 0;
      DJFLOW_TRY(s.drop_pending_timers(mine));
      if (first_attempt) both_locked.arrive_and_wait();
      return s.drop_pending_timers(theirs);
    };
  };
  engine::Status r1, r2;
  std::thread t1([&] { r1 = s1.run_retrying(body(s1, attempts1, deadline[0], deadline[1])); });
  std::thread t2([&] { r2 = s2.run_retrying(body(s2, attempts2, deadline[1], deadline[0])); });
  t1.join();
  t2.join();
  INFO((r1.ok() ? std::string() : r1.error().message.en) << (r2.ok() ? std::string() : r2.error().message.en));
  CHECK(r1.ok());
  CHECK(r2.ok());
  // The loser ran again (at least one retry). Its retry may itself meet a serialization failure
  // (it deletes rows the winner deleted since its snapshot: 40001), which is retried as well, so
  // "exactly three" was timing-dependent (seen 4 under load); the bound is run_retrying's own.
  CHECK(attempts1.load() + attempts2.load() >= 3);
  CHECK(attempts1.load() + attempts2.load() <= 2 * storage::pg::kMaxRetries);
}

TEST_CASE("only postgresql: the schema is migrated once, to the version of the SQLite list, and an "
          "existing open needs it",
          "[postgresql][migrate]") {
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  auto first = db.open();
  auto second = db.open();  // migrating again is a no-op
  must(first->set_setting("k", "v"));
  CHECK(must(second->setting("k")) == std::optional<std::string>("v"));
  CHECK(storage::PgStore::schema_version() == storage::SqliteStore::schema_version());
  auto raw = storage::test::TestDb::raw(*first, "SELECT 1 FROM djflow_schema WHERE version = " +
                                                    std::to_string(storage::PgStore::schema_version()));
  CHECK(raw.ok());
  auto tamper = storage::test::TestDb::raw(*first, "TRUNCATE entity_events");
  REQUIRE_FALSE(tamper.ok());
  CHECK_THAT(tamper.error().message.en, Catch::Contains("append-only"));

  auto none = storage::PgStore::open("postgresql:///no_such_database_djflow?host=/nonexistent-djflow-dir&password=s3cret",
                                     storage::OpenMode::Existing);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::Storage);
  CHECK_THAT(none.error().message.en, !Catch::Contains("s3cret"));
  CHECK_THAT(none.error().message.en, Catch::Contains("no_such_database_djflow"));
}

namespace {

// Every stored row of the year-end projection, and every row the stored histories derive (what
// verify recomputes), by case.
struct ProjectionRows {
  std::map<engine::CaseId, std::vector<engine::CaseYear>> stored, derived;
};

ProjectionRows projection_rows(engine::Store& s) {
  ProjectionRows out;
  must(s.for_each_case_year([&](const engine::CaseYear& y) {
    out.stored[y.case_id].push_back(y);
    return true;
  }));
  must(s.for_each_history([&](const engine::Case& c, const std::vector<engine::EventRecord>& events) {
    if (!events.empty()) out.derived[c.id] = engine::derive_case_years(c.id, events);
    return true;
  }));
  return out;
}

}  // namespace

TEST_CASE("only postgresql: migration 11 builds the year-end projection of a version-10 database that "
          "holds events, the same rows as the trigger writes and verify derives",
          "[postgresql][migrate][upgrade][projection]") {
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  ProjectionRows by_trigger;
  std::vector<engine::CaseId> ids;
  {
    auto s = db.open();
    storage::test::seed_branch(*s, "B1");
    struct Step {
      int y;
      unsigned m, d;
      const char* state;
    };
    // Steps over four years; the second case's dates out of order (an organisational-life ledger
    // records meetings so): its rows are `mixed`. The third has one event, the fourth none.
    const std::vector<std::vector<Step>> cases = {
        {{2021, 11, 20, "applicant"}, {2021, 11, 30, "applicant"}, {2022, 1, 10, "activist"},
         {2023, 2, 1, "candidate"}, {2023, 3, 1, "candidate"}, {2024, 1, 5, "probationary"}},
        {{2023, 5, 1, "held"}, {2022, 11, 1, "held"}, {2024, 2, 1, "open"}, {2022, 6, 1, "held"}, {2021, 3, 1, "open"}},
        {{2020, 7, 1, "applicant"}},
        {},
    };
    for (const auto& steps : cases) {
      const auto id = storage::test::seed_case(*s, "B1");
      ids.push_back(id);
      std::string prev;
      for (std::size_t i = 0; i < steps.size(); ++i) {
        auto e = storage::test::chained_event(id, static_cast<std::int64_t>(i + 1), prev);
        e.date = storage::test::day(steps[i].y, steps[i].m, steps[i].d);
        e.to_state = steps[i].state;
        e.hash = engine::event_hash(e);
        must(s->append_event(e));
        prev = e.hash;
      }
    }
    by_trigger = projection_rows(*s);
    REQUIRE(by_trigger.stored.size() == 3);
    REQUIRE(by_trigger.stored == by_trigger.derived);
    bool mixed = false;
    for (const auto& [id, rows] : by_trigger.stored)
      for (const auto& y : rows) mixed = mixed || y.mixed;
    REQUIRE(mixed);
    // Back to version 10 as that binary left it: migration 11 added the table, its three functions
    // and two triggers, nothing else. The events stay.
    must(storage::test::TestDb::raw(
        *s, "DROP TRIGGER case_years_event ON events; DROP TRIGGER case_years_order ON events; "
            "DROP FUNCTION djflow_case_years_event(); DROP FUNCTION djflow_case_years_order(); "
            "DROP FUNCTION djflow_case_years_add(BIGINT, BIGINT, TEXT, TEXT); DROP TABLE case_years; "
            "UPDATE djflow_schema SET version = 10 WHERE id = 1"));
    CHECK_FALSE(storage::test::TestDb::raw(*s, "SELECT 1 FROM case_years").ok());
  }
  // Opening migrates it (11 and on): the projection built from the events already there.
  auto s = db.open();
  must(storage::test::TestDb::raw(*s, "SELECT 1 FROM djflow_schema WHERE version = " +
                                          std::to_string(storage::PgStore::schema_version())));
  const auto upgraded = projection_rows(*s);
  CHECK(upgraded.stored == by_trigger.stored);
  CHECK(upgraded.stored == upgraded.derived);
  CHECK(must(s->schema_problems()).empty());
  // And the trigger keeps it from there.
  auto e = storage::test::chained_event(ids[2], 2, must(s->events(ids[2])).back().hash);
  e.date = storage::test::day(2023, 6, 1);
  e.to_state = "activist";
  e.hash = engine::event_hash(e);
  must(s->append_event(e));
  const auto after = projection_rows(*s);
  CHECK(after.stored == after.derived);
  CHECK(after.stored.at(ids[2]).size() == 2);
}

TEST_CASE("only postgresql: concurrent tracked writes keep the entity history one unbroken chain",
          "[postgresql][concurrency][audit]") {
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  constexpr int kWriters = 3, kEach = 20;
  std::vector<std::thread> writers;
  std::vector<std::string> errors(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&db, &errors, w] {
      auto s = db.open();
      for (int i = 0; i < kEach; ++i) {
        engine::WriteTransaction tx(*s);
        engine::Status st = tx.begin();
        if (st) st = s->set_setting("w" + std::to_string(w) + "." + std::to_string(i), "v");
        if (st) st = tx.commit();
        if (!st) errors[static_cast<std::size_t>(w)] = st.error().message.en;
      }
    });
  }
  for (auto& t : writers) t.join();
  for (const auto& e : errors) CHECK(e.empty());
  auto s = db.open();
  const auto check = must(s->check_entities());
  CHECK(check.problems.empty());
  CHECK(check.events == kWriters * kEach);
}

TEST_CASE("only postgresql: two daemons never claim the same delivery, and a claim that ran out "
          "cannot overwrite the next one's",
          "[postgresql][concurrency][delivery]") {
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  auto setup = db.open();
  storage::test::seed_branch(*setup, "B1");
  const auto id = storage::test::seed_case(*setup, "B1");
  engine::Channel c;
  c.name = "hook";
  c.type = "webhook";
  c.target = "https://example.invalid/";
  const auto ch = must(setup->insert_channel(c));
  for (int i = 0; i < 10; ++i) {
    engine::Notification n;
    n.key = "k" + std::to_string(i);
    n.case_id = id;
    n.workflow = "member";
    n.branch = "B1";
    n.kind = "talk";
    n.due = storage::test::day(2026, 4, 1);
    const auto nid = *must(setup->insert_notification(n));
    engine::Delivery d;
    d.notification_id = nid;
    d.channel_id = ch;
    d.next_attempt_at = storage::test::at(1770000000);
    REQUIRE(must(setup->insert_delivery(d)));
  }
  auto a = db.open();
  auto b = db.open();
  const auto now = storage::test::at(1770000100);
  const auto mine = must(a->due_deliveries(now, 6));
  const auto theirs = must(b->due_deliveries(now, 100));
  CHECK(mine.size() == 6);
  CHECK(theirs.size() == 4);  // the rest: none of a's
  for (const auto& m : mine)
    for (const auto& t : theirs) CHECK(m.d.id != t.d.id);
  CHECK(must(a->due_deliveries(now, 100)).empty());  // all claimed
  // a's first row: its outcome is written (the row is as claimed).
  engine::Delivery sent = mine[0].d;
  sent.status = engine::DeliveryStatus::Delivered;
  sent.attempts = 1;
  must(a->update_delivery(sent, mine[0].d));
  // a stalls on its second row past the claim: b claims it again, and a's late outcome is refused.
  const auto later = must(b->due_deliveries(now + std::chrono::seconds(601), 100));
  CHECK(later.size() == 9);  // every pending row, the delivered one excepted
  engine::Delivery late = mine[1].d;
  late.status = engine::DeliveryStatus::Delivered;
  CHECK(a->update_delivery(late, mine[1].d).error().code == ErrorCode::Conflict);
}

TEST_CASE("only postgresql: two daemons starting on a database without a lease take turns: the "
          "second sees the first's lease instead of overwriting it",
          "[postgresql][concurrency][lease]") {
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  auto a = db.open();
  auto b = db.open();
  auto watch = db.open();
  const auto now = storage::test::at(1770000000);
  must(a->begin_write());
  REQUIRE_FALSE(must(a->find_lease()).has_value());  // no row yet
  engine::Lease mine;
  mine.owner = "a";
  mine.pid = 1;
  mine.host = "h";
  mine.started_at = now;
  mine.heartbeat_at = now;
  mine.expires_at = now + std::chrono::seconds(15);
  must(a->put_lease(mine));
  // b starts while a's transaction is open: its read must wait for a's commit.
  std::atomic<bool> b_done{false};
  std::optional<engine::Lease> seen_by_b;
  std::thread t([&] {
    must(b->begin_write());
    seen_by_b = must(b->find_lease());
    b->rollback();
    b_done = true;
  });
  // Until b has either finished or is waiting for a lock (polled, no timing).
  for (;;) {
    if (b_done) break;
    auto w = storage::test::TestDb::raw(
        *watch, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted AND "
                "locktype = 'advisory' AND classid = 1145718342) THEN "
                "RAISE EXCEPTION 'nobody waits'; END IF; END $$");
    if (w) break;
    std::this_thread::yield();
  }
  must(a->commit());
  t.join();
  REQUIRE(seen_by_b.has_value());
  CHECK(seen_by_b->owner == "a");
}

TEST_CASE("only postgresql: an engine write that lost a real deadlock is run again and succeeds",
          "[postgresql][concurrency]") {
  // Decision 0125: Engine::add_person (as record, start and tick) runs its whole transaction
  // again when the store reports a transient failure (40P01, 40001). The deadlock: the test's
  // own transaction A holds the entity-history lock; add_person (B) inserts its person, which
  // holds a KEY SHARE lock on its organisation's row (the foreign key), and waits for the entity
  // lock; then A wants that organisation row FOR UPDATE. B's deadlock_timeout (1 s) is far
  // shorter than A's (60 s), so PostgreSQL breaks the cycle by aborting B.
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  auto setup = db.open();
  storage::test::seed_branch(*setup, "B1");
  auto store = db.open();
  engine::ManualClock clock(storage::test::at(1775000000));
  engine::WorkflowRegistry none;
  engine::Engine engine(*store, clock, none);
  std::vector<int> pauses;  // the attempts that failed and were followed by a pause
  // B's next attempt starts only once A holds the organisation row. Without this, B's retry
  // could take its KEY SHARE lock again before A's waiting FOR UPDATE was granted, and lose a
  // second deadlock (seen under load: pauses {1, 2}): right behaviour, but not the one this
  // test pins. A failed REQUIRE in the main thread leaves the wait after 30 s.
  std::atomic<bool> a_locked{false};
  engine.set_retry_pause([&](int attempt) {
    pauses.push_back(attempt);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!a_locked && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  });

  auto a = storage::pg::Connection::open(db.target());
  REQUIRE(a);
  auto& conn = **a;
  must(conn.exec_script("A", "SET deadlock_timeout = '60s'; BEGIN; "
                             "SELECT pg_advisory_xact_lock(1145718341, hashtext(current_schema()))"));
  engine::Result<engine::PersonId> added = engine::Error::storage("not run");
  std::thread b([&] {
    engine::Person p;
    p.name = "张三";
    p.branch = "B1";
    p.born = storage::test::day(2000, 5, 1);
    added = engine.add_person(p);
  });
  // B waits for the entity lock (a lock this schema's chain names, not granted).
  const std::string waiting =
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 1145718341 "
      "AND objid::int8 = (hashtext(current_schema())::int8 & 4294967295)";
  auto count = [&](const std::string& sql) {
    auto r = conn.exec("count", sql);
    REQUIRE(r);
    return r->int64(0, 0);
  };
  while (count(waiting) == 0) std::this_thread::yield();
  // A now wants the row B holds: a cycle. This returns once B has been aborted (B held the lock).
  auto locked = conn.exec("A locks the organisation", "SELECT code FROM branches WHERE code = 'B1' FOR UPDATE");
  INFO((locked ? std::string() : locked.error().message.en));
  a_locked = true;
  REQUIRE(locked);
  CHECK(count("SELECT count(*) FROM persons") == 0);  // B's first attempt was rolled back
  must(conn.exec_script("A", "COMMIT"));
  b.join();
  INFO((added ? std::string() : added.error().message.en));
  REQUIRE(added.ok());
  CHECK(pauses == std::vector<int>{1});  // run twice: the first lost the deadlock
  CHECK(count("SELECT count(*) FROM persons") == 1);
  const auto check = must(store->check_entities());
  CHECK(check.problems.empty());
}

namespace {

// The wake-ups (storage/pg_wake.cpp) for `schema` that `listener` (LISTENing on djflow_wake)
// received before the marker notification `marker`, which the test sends after the transaction it
// asks about: PostgreSQL delivers notifications in commit order, so what came before the marker
// is exactly what the transactions before it sent. Waits on the socket (poll, up to 30 s) for the
// marker, not for a time.
int wakes_before(storage::pg::Connection& listener, storage::pg::Connection& sender, const std::string& schema,
                 const std::string& marker) {
  must(sender.exec_script("marker", "NOTIFY djflow_wake, '" + marker + "'"));
  int wakes = 0;
  for (int round = 0; round < 300; ++round) {
    auto got = listener.take_notifications("djflow_wake");
    if (!got) FAIL(got.error().message.en);
    for (const auto& payload : got.value()) {
      if (payload == marker) return wakes;
      if (payload == schema) ++wakes;
    }
    pollfd p{listener.socket(), POLLIN, 0};
    ::poll(&p, 1, 100);
  }
  FAIL("the marker notification " << marker << " never arrived");
  return -1;
}

// One case of branch B1 and a listener of the daemons' wake-ups, for the wake tests: timers and
// a deadline of the case, and the wake-ups a transaction sent.
struct Wakes {
  Wakes() {
    REQUIRE(db.postgres());
    s = db.open();
    storage::test::seed_branch(*s, "B1");
    id = storage::test::seed_case(*s, "B1");
    listener = must(storage::pg::Connection::open(db.target()));
    sender = must(storage::pg::Connection::open(db.target()));
    must(listener->exec_script("listen", "LISTEN djflow_wake"));
    schema = must(listener->exec("schema", "SELECT current_schema()")).string(0, 0);
    d.case_id = id;
    d.kind = "talk";
    d.due = storage::test::day(2026, 4, 1);
    d.opened_on = storage::test::day(2026, 3, 1);
  }
  // A timer of the case due at `fire_at` (unix seconds), fired then when `fired`; a new key each
  // ("k1" first).
  engine::Timer timer(std::int64_t fire_at, bool fired = false) {
    engine::Timer t;
    t.key = "k" + std::to_string(++n);
    t.case_id = id;
    t.kind = "talk";
    t.due = storage::test::day(2026, 4, 1);
    t.fire_at = storage::test::at(fire_at);
    if (fired) t.fired_at = storage::test::at(fire_at);
    return t;
  }
  // Runs `body` in a write transaction of its own; the wake-ups it sent.
  int in_transaction(const std::function<void()>& body) {
    must(s->begin_write());
    body();
    must(s->commit());
    return wakes_before(*listener, *sender, schema, "marker-" + std::to_string(++n));
  }

  storage::test::TestDb db;
  std::unique_ptr<engine::Store> s;
  engine::CaseId id = 0;
  std::unique_ptr<storage::pg::Connection> listener, sender;
  std::string schema;
  engine::Deadline d;  // of the case, due 2026-04-01
  int n = 0;           // keys and markers
};

}  // namespace

TEST_CASE("only postgresql: timers wake the daemons exactly when one of them falls due before every pending "
          "timer, once per transaction, and only with the timers actually inserted",
          "[postgresql][notify]") {
  Wakes w;
  // A deadline with its timers, in a transaction of its own; the wake-ups it sent.
  std::int64_t first_deadline = 0;
  auto open_deadline = [&](std::vector<engine::Timer> ts) {
    return w.in_transaction([&] {
      const auto dl = must(w.s->insert_deadline_with_timers(w.d, std::move(ts)));
      if (first_deadline == 0) first_deadline = dl;
    });
  };

  // Nothing pending: the first timers wake, once for the transaction.
  CHECK(open_deadline({w.timer(2000), w.timer(3000)}) == 1);
  // Not before the earliest pending (2000): no wake-up.
  CHECK(open_deadline({w.timer(2500), w.timer(4000)}) == 0);
  // One of them (not the first listed) before every pending timer: a wake-up.
  CHECK(open_deadline({w.timer(5000), w.timer(1500)}) == 1);
  // A fired timer is not pending: it neither wakes nor counts; 6000 is after 1500.
  CHECK(open_deadline({w.timer(1000, true), w.timer(6000)}) == 0);
  // Due at the same time as the earliest pending one (1500): not before it, no wake-up.
  CHECK(open_deadline({w.timer(1500), w.timer(7000)}) == 0);
  // insert_timers: a timer whose key exists is not inserted, so its time (100) does not count.
  auto existing = w.timer(100);
  existing.key = "k1";
  auto later = w.timer(8000);
  existing.deadline_id = later.deadline_id = first_deadline;
  CHECK(w.in_transaction([&] { CHECK(must(w.s->insert_timers({existing, later})) == std::vector<bool>{false, true}); }) == 0);
  auto early = w.timer(1200), earlier = w.timer(1100);
  early.deadline_id = earlier.deadline_id = first_deadline;
  CHECK(w.in_transaction([&] { CHECK(must(w.s->insert_timers({early, earlier})) == std::vector<bool>{true, true}); }) == 1);
  // insert_timer: one timer, the same test.
  auto alone = w.timer(1050);
  alone.deadline_id = first_deadline;
  CHECK(w.in_transaction([&] { CHECK(must(w.s->insert_timer(alone))); }) == 1);
  auto after = w.timer(9000);
  after.deadline_id = first_deadline;
  CHECK(w.in_transaction([&] { CHECK(must(w.s->insert_timer(after))); }) == 0);
  // Two deadlines in one transaction, both before every pending timer: one wake-up.
  CHECK(w.in_transaction([&] {
          must(w.s->insert_deadline_with_timers(w.d, {w.timer(900)}));
          must(w.s->insert_deadline_with_timers(w.d, {w.timer(800), w.timer(9500)}));
        }) == 1);
}

TEST_CASE("only postgresql: a step that closes a deadline and opens one due no earlier sends no wake-up, since the "
          "timer it dropped still stands for the daemons until it commits, and one due earlier still wakes",
          "[postgresql][notify]") {
  // Decision 0135: PgBase::DroppedTimers. Each transaction below would wake the daemons without
  // the shortcut, because it leaves no other timer pending.
  Wakes w;
  std::int64_t open = 0;  // the one open deadline
  auto pending = [&] {
    return must(w.sender->exec("pending", "SELECT count(*) FROM timers WHERE fired_at IS NULL")).int64(0, 0);
  };

  // Nothing pending: the first deadline's timer wakes.
  CHECK(w.in_transaction([&] { open = must(w.s->insert_deadline_with_timers(w.d, {w.timer(1000)})); }) == 1);
  // The step closes it (its timer at 1000 dropped) and opens one due at 1200: no wake-up.
  CHECK(w.in_transaction([&] {
          must(w.s->close_deadline_with_timers(open, storage::test::day(2026, 3, 2)));
          open = must(w.s->insert_deadline_with_timers(w.d, {w.timer(1200), w.timer(3000)}));
        }) == 0);
  CHECK(pending() == 2);  // the timers were inserted all the same
  // The same at the dropped timer's own time (1200): still no wake-up.
  CHECK(w.in_transaction([&] {
          must(w.s->close_deadline_with_timers(open, storage::test::day(2026, 3, 3)));
          open = must(w.s->insert_deadline_with_timers(w.d, {w.timer(1200)}));
        }) == 0);
  // One due before the dropped timer (1100 < 1200): the wake test runs, nothing else is pending,
  // the daemons are woken.
  CHECK(w.in_transaction([&] {
          must(w.s->close_deadline_with_timers(open, storage::test::day(2026, 3, 4)));
          open = must(w.s->insert_deadline_with_timers(w.d, {w.timer(5000), w.timer(1100)}));
        }) == 1);
  // A drop is forgotten at the commit: a later transaction's timer (1150, after the 1100 dropped
  // by the previous one) is judged by the wake test, and nothing is pending.
  CHECK(w.in_transaction([&] { must(w.s->close_deadline_with_timers(open, storage::test::day(2026, 3, 5))); }) == 0);
  CHECK(pending() == 0);
  CHECK(w.in_transaction([&] { open = must(w.s->insert_deadline_with_timers(w.d, {w.timer(1150)})); }) == 1);
}

TEST_CASE("only postgresql: the open deadlines read with a case file stand in for open_deadlines only after the "
          "case's update_case succeeded in that transaction, and never after a write of deadlines",
          "[postgresql][schedule]") {
  storage::test::TestDb db;
  REQUIRE(db.postgres());
  auto s = db.open();
  auto other = db.open();
  storage::test::seed_branch(*s, "B1");
  const auto id = storage::test::seed_case(*s, "B1");
  engine::Deadline d;
  d.case_id = id;
  d.kind = "talk";
  d.due = storage::test::day(2026, 4, 1);
  d.opened_on = storage::test::day(2026, 3, 1);
  must(s->insert_deadline(d));
  auto kinds = [](const std::vector<engine::Deadline>& ds) {
    std::vector<std::string> out;
    for (const auto& x : ds) out.push_back(x.kind);
    return out;
  };
  using V = std::vector<std::string>;

  // Without update_case: another transaction's deadline, committed after the case file was read,
  // is seen (the table is read again).
  must(s->begin_write());
  auto file = must(s->case_file(id));
  REQUIRE(file);
  d.kind = "review";
  d.due = storage::test::day(2026, 5, 1);
  must(other->insert_deadline(d));
  CHECK(kinds(must(s->open_deadlines(id))) == V{"talk", "review"});
  s->rollback();

  // With update_case: the rows read with the case file, which are the table's (nothing else can
  // have changed the case's deadlines without changing its version).
  must(s->begin_write());
  file = must(s->case_file(id));
  REQUIRE(file);
  must(s->update_case(id, file->c.version, "applied", "h1", storage::test::at(1700000200)));
  auto trips = storage::pg::round_trips();
  CHECK(kinds(must(s->open_deadlines(id))) == V{"talk", "review"});
  CHECK(storage::pg::round_trips() == trips);  // not read again
  // Kept for one call: a second one reads the table.
  CHECK(kinds(must(s->open_deadlines(id))) == V{"talk", "review"});
  CHECK(storage::pg::round_trips() == trips + 1);
  must(s->commit());

  // A write of deadlines in between: the table is read, with it.
  must(s->begin_write());
  file = must(s->case_file(id));
  must(s->update_case(id, file->c.version, "applied", "h2", storage::test::at(1700000300)));
  d.kind = "eligible";
  d.due = storage::test::day(2026, 3, 15);
  must(s->insert_deadline(d));
  CHECK(kinds(must(s->open_deadlines(id))) == V{"eligible", "talk", "review"});
  must(s->commit());

  // A failed update_case (a stale version): the table is read.
  must(s->begin_write());
  file = must(s->case_file(id));
  CHECK_FALSE(s->update_case(id, file->c.version - 1, "applied", "h3", storage::test::at(1700000400)).ok());
  d.kind = "late";
  d.due = storage::test::day(2026, 6, 1);
  must(other->insert_deadline(d));
  CHECK(kinds(must(s->open_deadlines(id))) == V{"eligible", "talk", "review", "late"});
  s->rollback();

  // Outside a transaction nothing is kept: case_file and open_deadlines read on their own.
  file = must(s->case_file(id));
  REQUIRE(file);
  CHECK(kinds(must(s->open_deadlines(id))) == V{"eligible", "talk", "review", "late"});
}
