// The rectification workflow through the real engine and the store under test (support/test_db.hpp): the automatic `overdue`
// event recorded by Engine::tick (on_due_event), its reminders and colours, extensions in the
// deadline history, and atomicity of the tick that records the event.
#include <catch2/catch.hpp>

#include <algorithm>

#include "engine/engine.hpp"
#include "support/test_db.hpp"
#include "support/faulty_store.hpp"
#include "workflows/registry.hpp"

using namespace djflow::engine;
using djflow::testing::FaultyStore;

namespace {

TimePoint at(const char* date, int hour) {
  return TimePoint{Date::parse(date)->sys_days().time_since_epoch() + std::chrono::hours{hour - 8}};
}

struct Fixture {
  djflow::storage::test::TestDb db;
  std::unique_ptr<Store> store = db.open();
  ManualClock clock{at("2024-03-01", 12)};
  WorkflowRegistry registry;
  std::unique_ptr<Engine> engine;

  Fixture() {
    djflow::workflows::register_all(registry);
    engine = std::make_unique<Engine>(*store, clock, registry);
    REQUIRE(engine->load());
    Branch b;
    b.code = "B1";
    b.name = "机关党支部";
    REQUIRE(engine->add_branch(b));
  }

  // An item due 2024-03-31, registered and started on 2024-03-01.
  CaseId item(const char* deadline = "2024-03-31") {
    CaseSubject s;
    s.branch = "B1";
    s.title = "组织生活不积极";
    Inputs in{{"problem", "党员参加组织生活不积极"}, {"measures", "严格考勤"}, {"leader", "王书记"},
              {"department", "党办"}, {"owner", "张三"}, {"type", "deadline"}, {"deadline", deadline}};
    auto o = engine->start("rectify", s, StepInput{"register", *Date::parse("2024-03-01"), in, "", "", "tester"});
    REQUIRE(o);
    REQUIRE(engine->record(o->c.id, StepInput{"start", *Date::parse("2024-03-01"), {}, "", "", "tester"}));
    return o->c.id;
  }

  std::vector<Notification> tick_at(const char* date, int hour) {
    clock.set(at(date, hour));
    auto n = engine->tick();
    REQUIRE(n);
    return n.value();
  }
  std::string state(CaseId id) { return store->find_case(id).value()->state; }
};

const Notification* of_kind(const std::vector<Notification>& ns, const std::string& kind) {
  auto it = std::find_if(ns.begin(), ns.end(), [&](const Notification& n) { return n.kind == kind; });
  return it == ns.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("the overdue timer: not the day before, on the day red, the day after overdue exactly once", "[rectify][engine][overdue]") {
  Fixture f;
  const CaseId id = f.item();
  // -20 days: green; -10 days: yellow.
  auto green = f.tick_at("2024-03-11", 9);
  REQUIRE(of_kind(green, "deadline") != nullptr);
  CHECK(of_kind(green, "deadline")->text.zh.find("绿色预警") != std::string::npos);
  auto yellow = f.tick_at("2024-03-21", 9);
  REQUIRE(of_kind(yellow, "deadline") != nullptr);
  CHECK(of_kind(yellow, "deadline")->text.en.find("yellow warning") != std::string::npos);
  f.tick_at("2024-03-30", 9);
  CHECK(f.state(id) == "in-progress");
  auto red = f.tick_at("2024-03-31", 9);
  REQUIRE(of_kind(red, "deadline") != nullptr);
  CHECK(of_kind(red, "deadline")->text.zh.find("红色预警") != std::string::npos);
  CHECK(of_kind(red, "deadline")->text.zh.find("督办") == std::string::npos);  // not escalated yet
  CHECK(f.state(id) == "in-progress");
  CHECK(f.tick_at("2024-04-01", 8).empty());  // before the reminder time
  CHECK(f.state(id) == "in-progress");

  auto over = f.tick_at("2024-04-01", 9);
  CHECK(f.state(id) == "overdue");
  const auto* n = of_kind(over, "deadline");
  REQUIRE(n != nullptr);
  CHECK(n->days_left == -1);
  CHECK(n->text.zh.find("请责任领导王书记督办") != std::string::npos);
  CHECK(n->text.en.find("escalated to the responsible leader 王书记") != std::string::npos);
  CHECK(f.registry.find("rectify")->escalates(n->kind, n->days_left));
  auto history = f.store->events(id).value();
  REQUIRE(history.size() == 3);
  const auto& e = history.back();
  CHECK(e.event == "overdue");
  CHECK(e.actor == "djflow");
  CHECK(e.note == "automatic");
  CHECK(e.date == *Date::parse("2024-04-01"));
  CHECK(e.from_state == "in-progress");
  CHECK(e.to_state == "overdue");
  CHECK(e.prev_hash == history[1].hash);
  CHECK(f.store->find_case(id).value()->head_hash == e.hash);
  CHECK(f.engine->verify().value().ok());

  // Exactly once: later ticks remind weekly but record nothing more.
  CHECK(f.tick_at("2024-04-01", 18).empty());
  f.tick_at("2024-04-02", 9);
  auto weekly = f.tick_at("2024-04-07", 9);
  REQUIRE(of_kind(weekly, "deadline") != nullptr);
  CHECK(of_kind(weekly, "deadline")->days_left == -7);
  CHECK(f.store->events(id).value().size() == 3);

  // The overdue item still progresses and closes; the history keeps when it became overdue.
  f.clock.set(at("2024-04-10", 12));
  REQUIRE(f.engine->record(id, StepInput{"submit", *Date::parse("2024-04-10"), {{"evidence", "考勤表"}}, "", "", "t"}));
  auto acc = f.engine->record(id, StepInput{"accept", *Date::parse("2024-04-10"), {{"verifier", "李四"}}, "", "", "t"});
  REQUIRE(acc);
  CHECK(acc->c.state == "closed");
  auto h = f.store->events(id).value();
  CHECK(std::find(h[3].flags.begin(), h[3].flags.end(), "late:deadline") != h[3].flags.end());
  CHECK(f.store->open_deadlines(id).value().empty());
  CHECK(f.tick_at("2024-04-14", 9).empty());
}

TEST_CASE("after a gap the overdue event is dated the day after the deadline", "[rectify][engine][overdue]") {
  Fixture f;
  const CaseId id = f.item();
  auto n = f.tick_at("2024-04-20", 10);
  CHECK(f.state(id) == "overdue");
  const auto history = f.store->events(id).value();
  CHECK(history.back().date == *Date::parse("2024-04-01"));
  REQUIRE(of_kind(n, "deadline") != nullptr);
  CHECK(of_kind(n, "deadline")->days_left == -20);
  CHECK(f.tick_at("2024-04-20", 11).empty());
}

TEST_CASE("an approved extension moves the deadline, the old one stays in the history", "[rectify][engine][extension]") {
  Fixture f;
  const CaseId id = f.item();
  f.clock.set(at("2024-03-20", 12));
  REQUIRE(f.engine->record(id, StepInput{"request-extension", *Date::parse("2024-03-20"), {{"to", "2024-05-31"}}, "人手不足", "", "t"}));
  auto refused = f.engine->record(id, StepInput{"approve-extension", *Date::parse("2024-03-20"), {{"approver", "张三"}}, "", "", "t"});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().rule == "Z-ITEM");
  CHECK(f.store->events(id).value().size() == 3);
  f.clock.set(at("2024-03-21", 12));  // the approval is recorded on its day, not in the future
  auto ok = f.engine->record(id, StepInput{"approve-extension", *Date::parse("2024-03-21"), {{"approver", "王书记"}}, "", "", "t"});
  REQUIRE(ok);
  REQUIRE(ok->closed.size() == 1);
  CHECK(ok->closed[0].due == *Date::parse("2024-03-31"));
  CHECK(ok->closed[0].closed_on == *Date::parse("2024-03-21"));
  REQUIRE(ok->opened.size() == 1);
  CHECK(ok->opened[0].due == *Date::parse("2024-05-31"));
  CHECK(ok->opened[0].on_due_event == "overdue");
  // The old due date passes quietly; the new one drives the timer.
  f.tick_at("2024-04-01", 9);
  CHECK(f.state(id) == "in-progress");
  f.tick_at("2024-06-01", 9);
  CHECK(f.state(id) == "overdue");
  CHECK(f.store->events(id).value().back().date == *Date::parse("2024-06-01"));
}

TEST_CASE("a failure at any write of the overdue tick leaves nothing behind", "[rectify][engine][atomicity]") {
  for (int n = 1; n <= 40; ++n) {
    Fixture base;
    const CaseId id = base.item();
    base.clock.set(at("2024-04-01", 9));
    FaultyStore faulty(*base.store, n);
    Engine engine(faulty, base.clock, base.registry);
    REQUIRE(engine.load());
    auto r = engine.tick();
    if (!faulty.failed()) {
      REQUIRE(r);
      CHECK(base.state(id) == "overdue");
      break;
    }
    INFO("failing write " << n);
    REQUIRE_FALSE(r);
    CHECK(base.state(id) == "in-progress");
    CHECK(base.store->events(id).value().size() == 2);
    CHECK(base.store->notifications_since(0, 0).value().empty());
    CHECK(base.engine->verify().value().ok());
  }
}

TEST_CASE("rectify ledger rows are written with the case and listed by due date", "[rectify][engine][ledger]") {
  Fixture f;
  CaseSubject bs;
  bs.branch = "B1";
  bs.title = "主题教育检视整改";
  auto batch = f.engine->start("rectify-batch", bs,
                               StepInput{"open", *Date::parse("2024-03-01"), {{"source", "theme-education"}}, "", "", "t"},
                               [&](Store& s, const StepOutcome& o) -> Status {
                                 RectifyBatch b;
                                 b.id = o.c.id;
                                 b.source = "theme-education";
                                 b.org = "B1";
                                 b.title = bs.title;
                                 b.feedback = o.event.date;
                                 return s.insert_rectify_batch(b);
                               });
  REQUIRE(batch);
  const CaseId a = f.item("2024-03-20"), b = f.item("2024-03-10");
  for (CaseId id : {a, b}) {
    RectifyItem it;
    it.id = id;
    it.batch = batch->c.id;
    it.org = "B1";
    it.source = "theme-education";
    it.owner = id == a ? "张三" : "李四";
    it.type = "deadline";
    it.registered = *Date::parse("2024-03-01");
    REQUIRE(f.store->begin_write());
    CHECK(f.store->insert_rectify_item(it).value() == (id == a ? 1 : 2));
    REQUIRE(f.store->commit());
  }
  RectifyItemFilter all;
  auto rows = f.store->list_rectify_items(all).value();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].c.id == a);
  CHECK(rows[0].due == *Date::parse("2024-03-20"));
  CHECK(rows[0].due_open);
  RectifyItemFilter overdue;
  overdue.overdue_on = *Date::parse("2024-03-20");
  rows = f.store->list_rectify_items(overdue).value();
  REQUIRE(rows.size() == 1);  // due 03-20 is not overdue on 03-20
  CHECK(rows[0].c.id == b);
  RectifyItemFilter owner;
  owner.owner = "张三";
  CHECK(f.store->list_rectify_items(owner).value().size() == 1);
  // An item whose batch does not exist is refused by the store.
  RectifyItem orphan;
  orphan.id = a;
  orphan.batch = 999;
  orphan.type = "deadline";
  REQUIRE(f.store->begin_write());
  CHECK_FALSE(f.store->insert_rectify_item(orphan).ok());
  f.store->rollback();
}
