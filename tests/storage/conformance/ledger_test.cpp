// Conformance (issue 12 §2): the rectification ledger (整改台账), batches and items, on the
// backend DJFLOW_TEST_DB names: stored once, numbered within their batch, listed by filter with
// their cases and current deadlines, and recorded in the entity history.
#include <catch2/catch.hpp>

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

engine::RectifyBatch batch(engine::CaseId id) {
  engine::RectifyBatch b;
  b.id = id;
  b.source = "inspection";
  b.org = "B1";
  b.title = "巡察反馈问题整改";
  b.feedback = day(2026, 3, 1);
  b.report_due = day(2026, 5, 30);
  return b;
}

engine::RectifyItem item(engine::CaseId id, engine::CaseId batch_id, const std::string& owner,
                         std::optional<engine::Date> deadline) {
  engine::RectifyItem it;
  it.id = id;
  it.batch = batch_id;
  it.seq = 99;  // ignored: the store numbers items
  it.org = "B1";
  it.source = "inspection";
  it.problem = "“三会一课”记录不全";
  it.category = "组织生活";
  it.cause = "制度执行不严";
  it.target = "补齐记录";
  it.measures = "逐月核对\n专人负责";
  it.leader = "王书记";
  it.department = "组织科";
  it.owner = owner;
  it.supporting = "";
  it.type = deadline ? "deadline" : "long-term";
  it.deadline = deadline;
  it.milestones = deadline ? "" : "2026-06-30:第一阶段";
  it.registered = day(2026, 3, 5);
  return it;
}

engine::Deadline deadline_of(engine::CaseId id, const std::string& kind, engine::Date due) {
  engine::Deadline d;
  d.case_id = id;
  d.kind = kind;
  d.due = due;
  d.opened_on = day(2026, 3, 5);
  return d;
}

}  // namespace

TEST_CASE("conformance: rectification batches and items are stored once, numbered within their "
          "batch and listed with their deadlines",
          "[conformance][ledger]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  const auto b1 = seed_case(*s, "B1", "batch 1");
  const auto b2 = seed_case(*s, "B1", "batch 2");
  const auto i1 = seed_case(*s, "B1", "item 1");
  const auto i2 = seed_case(*s, "B1", "item 2");
  const auto i3 = seed_case(*s, "B1", "item 3");
  must(s->insert_rectify_batch(batch(b1)));
  auto second = batch(b2);
  second.report_due.reset();
  must(s->insert_rectify_batch(second));
  CHECK(s->insert_rectify_batch(batch(b1)).error().code == ErrorCode::Conflict);
  auto unknown = batch(b2);
  unknown.id = 9999;  // no such case
  CHECK(s->insert_rectify_batch(unknown).error().code == ErrorCode::NotFound);

  const auto found = must(s->find_rectify_batch(b1));
  REQUIRE(found.has_value());
  CHECK(found->title == "巡察反馈问题整改");
  CHECK(found->report_due == std::optional<engine::Date>(day(2026, 5, 30)));
  CHECK_FALSE(must(s->find_rectify_batch(i1)).has_value());
  const auto batches = must(s->list_rectify_batches());
  REQUIRE(batches.size() == 2);
  CHECK(batches[0].id == b1);
  CHECK_FALSE(batches[1].report_due.has_value());

  CHECK(must(s->insert_rectify_item(item(i1, b1, "张三", day(2026, 4, 30)))) == 1);
  CHECK(must(s->insert_rectify_item(item(i2, b1, "李四", std::nullopt))) == 2);
  CHECK(must(s->insert_rectify_item(item(i3, b2, "张三", day(2026, 6, 30)))) == 1);  // its own batch
  CHECK(s->insert_rectify_item(item(i1, b1, "张三", std::nullopt)).error().code == ErrorCode::Conflict);
  CHECK(s->insert_rectify_item(item(9998, 9999, "张三", std::nullopt)).error().code == ErrorCode::NotFound);

  // Deadlines: item 1's was extended (the first closed, a second open); item 2 has a milestone.
  const auto first = must(s->insert_deadline(deadline_of(i1, "deadline", day(2026, 4, 30))));
  must(s->close_deadline(first, day(2026, 4, 20)));
  must(s->insert_deadline(deadline_of(i1, "deadline", day(2026, 5, 31))));
  must(s->insert_deadline(deadline_of(i2, "milestone", day(2026, 6, 30))));
  must(s->insert_deadline(deadline_of(i3, "deadline", day(2026, 6, 30))));

  const auto all = must(s->list_rectify_items({}));
  REQUIRE(all.size() == 3);
  CHECK(all[0].item.id == i1);  // by batch, then number
  CHECK(all[1].item.id == i2);
  CHECK(all[2].item.id == i3);
  CHECK(all[0].item.measures == "逐月核对\n专人负责");
  CHECK(all[0].item.deadline == std::optional<engine::Date>(day(2026, 4, 30)));
  CHECK(all[0].c.title == "item 1");
  CHECK(all[0].due == std::optional<engine::Date>(day(2026, 5, 31)));  // the latest
  CHECK(all[0].due_open);
  CHECK_FALSE(all[1].due.has_value());
  CHECK(all[1].next_milestone == std::optional<engine::Date>(day(2026, 6, 30)));
  CHECK(all[1].item.milestones == "2026-06-30:第一阶段");
  CHECK_FALSE(all[0].closed_on.has_value());

  engine::RectifyItemFilter by_owner;
  by_owner.owner = "张三";
  const auto mine = must(s->list_rectify_items(by_owner));
  REQUIRE(mine.size() == 2);
  CHECK(mine[1].item.id == i3);
  engine::RectifyItemFilter in_batch;
  in_batch.batch = b2;
  CHECK(must(s->list_rectify_items(in_batch)).size() == 1);
  engine::RectifyItemFilter overdue;
  overdue.overdue_on = day(2026, 7, 1);
  const auto late = must(s->list_rectify_items(overdue));
  REQUIRE(late.size() == 2);  // by due date: item 1 (05-31), then item 3 (06-30)
  CHECK(late[0].item.id == i1);
  CHECK(late[1].item.id == i3);
  overdue.limit = 1;
  CHECK(must(s->list_rectify_items(overdue)).size() == 1);

  // Each row is in the entity history, and the check finds an item edited behind the store.
  CHECK(must(s->entity_history("rectify-item", std::to_string(i2))).size() == 1);
  CHECK(must(s->entity_history("rectify-batch", std::to_string(b1))).size() == 1);
  CHECK(must(s->check_entities()).problems.empty());
  must(storage::test::TestDb::raw(*s, "UPDATE rectify_items SET owner = '王五' WHERE case_id = " + std::to_string(i2)));
  const auto check = must(s->check_entities());
  REQUIRE(check.problems.size() == 1);
  CHECK(check.problems[0].find("rectify-item " + std::to_string(i2) + " changed behind djflow's back: owner") !=
        std::string::npos);
}
