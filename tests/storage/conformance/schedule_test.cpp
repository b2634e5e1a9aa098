// Conformance (issue 12 §2): deadlines, durable timers and the notification outbox, on the
// backend DJFLOW_TEST_DB names.
#include <catch2/catch.hpp>

#include "engine/clock.hpp"
#include "storage/conformance/seed.hpp"
#include "support/test_db.hpp"

using namespace djflow;
using engine::ErrorCode;
using storage::test::at;
using storage::test::day;
using storage::test::must;
using storage::test::seed_branch;
using storage::test::seed_case;

namespace {

engine::Deadline deadline(engine::CaseId id, const std::string& kind, engine::Date due) {
  engine::Deadline d;
  d.case_id = id;
  d.kind = kind;
  d.due = due;
  d.opened_on = day(2026, 1, 1);
  d.milestone = kind == "eligible";
  d.overdue_every_days = 3;
  d.on_due_event = kind == "talk" ? "overdue" : "";
  return d;
}

engine::Timer timer(engine::CaseId id, std::int64_t dl, int offset, std::int64_t fire_at) {
  engine::Timer t;
  t.key = std::to_string(id) + ":talk:" + std::to_string(dl) + ":" + std::to_string(offset);
  t.case_id = id;
  t.deadline_id = dl;
  t.kind = "talk";
  t.due = day(2026, 4, 1);
  t.offset_days = offset;
  t.fire_at = at(fire_at);
  return t;
}

}  // namespace

TEST_CASE("conformance: deadlines open, list by filter and order, and close once",
          "[conformance][schedule]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "C1");
  seed_branch(*s, "B1", "C1");
  seed_branch(*s, "B2", "C1");
  const auto a = seed_case(*s, "B1");
  const auto b = seed_case(*s, "B2");
  const auto d1 = must(s->insert_deadline(deadline(a, "talk", day(2026, 4, 1))));
  const auto d2 = must(s->insert_deadline(deadline(a, "eligible", day(2026, 3, 1))));
  const auto d3 = must(s->insert_deadline(deadline(b, "review", day(2026, 3, 15))));
  CHECK(d1 != d2);

  const auto open_a = must(s->open_deadlines(a));
  REQUIRE(open_a.size() == 2);
  CHECK(open_a[0].id == d2);  // by due date
  CHECK(open_a[0].milestone);
  CHECK(open_a[1].on_due_event == "overdue");
  CHECK(open_a[1].overdue_every_days == 3);
  CHECK(open_a[1].opened_on == day(2026, 1, 1));
  CHECK_FALSE(open_a[1].closed_on.has_value());

  engine::DeadlineFilter f;
  auto all = must(s->list_open_deadlines(f));
  REQUIRE(all.size() == 3);
  CHECK(all[0].deadline.id == d2);
  CHECK(all[1].deadline.id == d3);
  CHECK(all[1].c.id == b);
  CHECK(all[1].c.branch == "B2");
  f.due_on_or_before = day(2026, 3, 15);
  CHECK(must(s->list_open_deadlines(f)).size() == 2);
  f.branch = "B1";
  CHECK(must(s->list_open_deadlines(f)).size() == 1);
  f = {};
  f.case_id = b;
  CHECK(must(s->list_open_deadlines(f)).size() == 1);
  f = {};
  f.workflow = "term";
  CHECK(must(s->list_open_deadlines(f)).empty());
  f = {};
  f.limit = 1;
  CHECK(must(s->list_open_deadlines(f)).size() == 1);

  must(s->close_deadline(d2, day(2026, 2, 1)));
  auto twice = s->close_deadline(d2, day(2026, 2, 2));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::Conflict);
  auto unknown = s->close_deadline(d3 + 100, day(2026, 2, 2));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::NotFound);
  const auto left = must(s->open_deadlines(a));
  REQUIRE(left.size() == 1);
  CHECK(left[0].id == d1);
}

TEST_CASE("conformance: timers are unique by key, come due in order, fire once and drop",
          "[conformance][schedule]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  const auto id = seed_case(*s, "B1");
  const auto dl = must(s->insert_deadline(deadline(id, "talk", day(2026, 4, 1))));
  const auto dl2 = must(s->insert_deadline(deadline(id, "review", day(2026, 5, 1))));
  CHECK_FALSE(must(s->next_timer_at()).has_value());
  CHECK(must(s->insert_timer(timer(id, dl, -7, 3000))));
  CHECK(must(s->insert_timer(timer(id, dl, -1, 1000))));
  CHECK(must(s->insert_timer(timer(id, dl, 0, 2000))));
  CHECK(must(s->insert_timer(timer(id, dl2, 0, 1500))));
  CHECK_FALSE(must(s->insert_timer(timer(id, dl, -1, 9999))));  // same key: not inserted
  CHECK(must(s->next_timer_at()) == std::optional<engine::TimePoint>(at(1000)));

  auto due = must(s->due_timers(at(2000), 0));
  REQUIRE(due.size() == 3);
  CHECK(due[0].fire_at == at(1000));
  CHECK(due[0].offset_days == -1);
  CHECK(due[0].due == day(2026, 4, 1));
  CHECK(due[1].deadline_id == dl2);
  CHECK(due[2].fire_at == at(2000));
  CHECK(must(s->due_timers(at(2000), 2)).size() == 2);
  CHECK(must(s->due_timers(at(999), 0)).empty());

  must(s->mark_timer_fired(due[0].id, at(2001)));
  auto twice = s->mark_timer_fired(due[0].id, at(2002));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::Conflict);
  auto unknown = s->mark_timer_fired(due[0].id + 100, at(2002));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::NotFound);
  CHECK(must(s->next_timer_at()) == std::optional<engine::TimePoint>(at(1500)));

  const auto pending = must(s->pending_timers(dl));
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].fire_at == at(2000));
  CHECK_FALSE(pending[0].fired_at.has_value());
  must(s->drop_pending_timers(dl));
  CHECK(must(s->pending_timers(dl)).empty());
  CHECK(must(s->pending_timers(dl2)).size() == 1);
  // The fired timer stays (its key keeps the reminder from being created again).
  CHECK_FALSE(must(s->insert_timer(timer(id, dl, -1, 1000))));
}

TEST_CASE("conformance: a deadline opens with its timers and closes dropping its pending ones, in one call each",
          "[conformance][schedule]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  const auto id = seed_case(*s, "B1");
  // A timer of another deadline holds one of the keys: that one is not inserted again.
  const auto other = must(s->insert_deadline(deadline(id, "review", day(2026, 5, 1))));
  CHECK(must(s->insert_timer(timer(id, other, 0, 2000))));
  std::vector<engine::Timer> ts = {timer(id, 0, -7, 1000), timer(id, 0, 0, 2000), timer(id, 0, 7, 3000)};
  ts[1].key = timer(id, other, 0, 2000).key;
  const auto dl = must(s->insert_deadline_with_timers(deadline(id, "talk", day(2026, 4, 1)), ts));
  CHECK(dl != other);
  const auto open = must(s->open_deadlines(id));
  REQUIRE(open.size() == 2);
  CHECK(open[0].id == dl);
  CHECK(open[0].kind == "talk");
  CHECK(open[0].on_due_event == "overdue");
  const auto mine = must(s->pending_timers(dl));
  REQUIRE(mine.size() == 2);  // the third's key existed
  CHECK(mine[0].fire_at == at(1000));
  CHECK(mine[0].deadline_id == dl);
  CHECK(mine[1].fire_at == at(3000));
  CHECK(mine[1].offset_days == 7);
  CHECK(must(s->next_timer_at()) == std::optional<engine::TimePoint>(at(1000)));
  // Without timers: the deadline alone.
  const auto bare = must(s->insert_deadline_with_timers(deadline(id, "eligible", day(2026, 6, 1)), {}));
  CHECK(must(s->pending_timers(bare)).empty());

  must(s->mark_timer_fired(mine[0].id, at(1001)));
  must(s->close_deadline_with_timers(dl, day(2026, 3, 1)));
  CHECK(must(s->pending_timers(dl)).empty());
  CHECK(must(s->pending_timers(other)).size() == 1);  // another deadline's timers stay
  auto fired = ts[0];
  fired.deadline_id = dl;
  CHECK_FALSE(must(s->insert_timer(fired)));  // the fired one stays (its key with it)
  REQUIRE(must(s->open_deadlines(id)).size() == 2);
  auto twice = s->close_deadline_with_timers(dl, day(2026, 3, 2));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::Conflict);
  auto unknown = s->close_deadline_with_timers(dl + 100, day(2026, 3, 2));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::NotFound);
  // A failed close drops nothing.
  CHECK(must(s->pending_timers(other)).size() == 1);
}

TEST_CASE("conformance: notifications are unique by key and read after an id",
          "[conformance][outbox]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  const auto id = seed_case(*s, "B1");
  engine::Notification n;
  n.case_id = id;
  n.workflow = "member";
  n.branch = "B1";
  n.kind = "talk";
  n.due = day(2026, 4, 1);
  n.days_left = -2;
  n.created_at = at(1775000000);
  n.text = {"谈话已逾期 2 天", "the talk is 2 days overdue"};
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    n.key = "k" + std::to_string(i);
    const auto got = must(s->insert_notification(n));
    REQUIRE(got.has_value());
    ids.push_back(*got);
  }
  n.key = "k1";
  CHECK_FALSE(must(s->insert_notification(n)).has_value());
  const auto all = must(s->notifications_since(0, 0));
  REQUIRE(all.size() == 3);
  CHECK(all[0].text.zh == "谈话已逾期 2 天");
  CHECK(all[0].text.en == "the talk is 2 days overdue");
  CHECK(all[0].days_left == -2);
  CHECK(all[0].due == day(2026, 4, 1));
  CHECK(all[0].created_at == at(1775000000));
  const auto after = must(s->notifications_since(ids[0], 1));
  REQUIRE(after.size() == 1);
  CHECK(after[0].id == ids[1]);
  CHECK(after[0].key == "k1");
}

TEST_CASE("conformance: a batch of notifications writes what one insert after another writes",
          "[conformance][outbox]") {
  // One tick's notifications (Engine::tick): on PostgreSQL one multi-row INSERT per 500 and one
  // append of their entity events (decision 0125). The rows, ids and the whole entity chain must
  // be those of inserting them one at a time, including a key that exists already and a key twice
  // in the batch; 1,201 of them cross the 500-row chunks.
  engine::ManualClock clock(at(1775000100));
  auto fill = [&](engine::Store& s, bool batch) {
    s.set_change_context(&clock, "djflow");
    seed_branch(s, "B1");
    const auto id = seed_case(s, "B1");
    engine::Notification n;
    n.case_id = id;
    n.workflow = "member";
    n.branch = "B1";
    n.kind = "talk";
    n.due = day(2026, 4, 1);
    n.created_at = at(1775000000);
    n.key = "k5";
    n.text = {"已有", "existing"};
    REQUIRE(must(s.insert_notification(n)).has_value());
    std::vector<engine::Notification> ns;
    for (int i = 0; i < 1200; ++i) {
      n.key = "k" + std::to_string(i);
      n.days_left = i - 600;
      n.text = {"谈话提醒 " + std::to_string(i), "talk reminder " + std::to_string(i)};
      ns.push_back(n);
    }
    ns.push_back(ns[7]);  // k7 again
    engine::WriteTransaction tx(s);
    must(tx.begin());
    std::vector<std::optional<std::int64_t>> ids;
    if (batch) {
      ids = must(s.insert_notifications(ns));
    } else {
      for (const auto& x : ns) ids.push_back(must(s.insert_notification(x)));
    }
    must(tx.commit());
    return ids;
  };
  storage::test::TestDb one_db, batch_db;
  auto one = one_db.open();
  auto batch = batch_db.open();
  const auto ids_one = fill(*one, false);
  const auto ids_batch = fill(*batch, true);
  REQUIRE(ids_batch.size() == 1201);
  CHECK(ids_batch == ids_one);
  CHECK_FALSE(ids_batch[5].has_value());     // existed before
  CHECK_FALSE(ids_batch[1200].has_value());  // k7 twice: the first one is written
  REQUIRE(ids_batch[7].has_value());
  REQUIRE(ids_batch[0].has_value());
  CHECK(*ids_batch[1199] > *ids_batch[0]);
  const auto rows_one = must(one->notifications_since(0, 0));
  const auto rows_batch = must(batch->notifications_since(0, 0));
  REQUIRE(rows_batch.size() == 1200);
  REQUIRE(rows_one.size() == rows_batch.size());
  for (std::size_t i = 0; i < rows_one.size(); ++i) {
    INFO("notification " << i);
    CHECK(rows_batch[i].id == rows_one[i].id);
    CHECK(rows_batch[i].key == rows_one[i].key);
    CHECK(rows_batch[i].days_left == rows_one[i].days_left);
    CHECK(rows_batch[i].text.zh == rows_one[i].text.zh);
  }
  std::vector<engine::EntityEvent> chain_one, chain_batch;
  must(one->for_each_entity_event([&](const engine::EntityEvent& e) { chain_one.push_back(e); return true; }));
  must(batch->for_each_entity_event([&](const engine::EntityEvent& e) { chain_batch.push_back(e); return true; }));
  REQUIRE(chain_batch.size() == chain_one.size());
  for (std::size_t i = 0; i < chain_one.size(); ++i) {
    INFO("entity event " << i + 1);
    CHECK(chain_batch[i].seq == chain_one[i].seq);
    CHECK(chain_batch[i].key == chain_one[i].key);
    CHECK(chain_batch[i].data == chain_one[i].data);
    CHECK(chain_batch[i].hash == chain_one[i].hash);
  }
  CHECK(must(batch->check_entities()).problems.empty());
}
