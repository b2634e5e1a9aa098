#include <catch2/catch.hpp>

#include "support/engine_fixture.hpp"
#include "support/faulty_store.hpp"

using namespace djflow::engine;
using djflow::testing::EngineFixture;
using djflow::testing::FaultyStore;

// Fails the Nth write of a command, for every N, and checks that nothing of the command remains:
// the case keeps its state and version, no event, deadline or timer of the step is left behind,
// and the hash chains still verify (invariant I1).
TEST_CASE("a failure at any write of a step leaves nothing behind", "[engine][atomicity]") {
  for (int n = 1; n <= 40; ++n) {
    EngineFixture base;
    base.at("2024-01-05");
    auto o = base.open_case("2024-01-02");
    FaultyStore faulty(*base.store, n);
    Engine engine(faulty, base.clock, base.registry);
    REQUIRE(engine.load());
    auto r = engine.record(o.c.id, StepInput{"finish", *Date::parse("2024-01-04"), {}, "", "", "t"});
    if (!faulty.failed()) {
      REQUIRE(r);  // n is past the last write: the step went through
      break;
    }
    INFO("failing write " << n);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::Storage);
    CHECK_FALSE(base.store->in_transaction());
    auto c = base.store->find_case(o.c.id).value();
    CHECK(c->state == "open");
    CHECK(c->version == 1);
    CHECK(base.store->events(o.c.id).value().size() == 1);
    auto dl = base.store->open_deadlines(o.c.id).value();
    REQUIRE(dl.size() == 1);
    CHECK(base.store->pending_timers(dl[0].id).value().size() == 3);
    CHECK(base.engine->verify().value().ok());
  }
}

TEST_CASE("a failure while creating a case leaves no case", "[engine][atomicity]") {
  for (int n = 1; n <= 40; ++n) {
    EngineFixture base;
    base.at("2024-01-05");
    FaultyStore faulty(*base.store, n);
    Engine engine(faulty, base.clock, base.registry);
    REQUIRE(engine.load());
    CaseSubject subj;
    subj.branch = "B1";
    subj.title = "x";
    auto r = engine.start("toy", subj, StepInput{"open", *Date::parse("2024-01-02"), {}, "", "", "t"});
    if (!faulty.failed()) {
      REQUIRE(r);
      break;
    }
    INFO("failing write " << n);
    REQUIRE_FALSE(r);
    CHECK(base.store->list_cases({}).value().empty());
    CHECK(base.store->list_open_deadlines({}).value().empty());
    CHECK_FALSE(base.store->next_timer_at().value().has_value());
  }
}

TEST_CASE("a failure while firing reminders fires nothing and loses nothing", "[engine][atomicity]") {
  for (int n = 1; n <= 20; ++n) {
    EngineFixture base;
    base.at("2024-01-02");
    base.open_case("2024-01-02");
    base.open_case("2024-01-02");
    base.at("2024-02-10");
    FaultyStore faulty(*base.store, n);
    Engine engine(faulty, base.clock, base.registry);
    REQUIRE(engine.load());
    auto r = engine.tick();
    if (!faulty.failed()) {
      REQUIRE(r);
      break;
    }
    INFO("failing write " << n);
    REQUIRE_FALSE(r);
    CHECK(base.store->notifications_since(0, 0).value().empty());
    // The retry delivers every reminder, once.
    auto retry = base.engine->tick();
    REQUIRE(retry);
    CHECK(retry->size() == 2);
  }
}

// Decision 0128: a write that meets a transient conflict (PostgreSQL's serialization failure or
// deadlock) at every attempt is run exactly Engine::kWriteAttempts (5) times, then gives up with
// a Conflict (exit 4) that names the cause and says to try again, and has written nothing.
TEST_CASE("a step that meets a transient conflict at every attempt gives up after exactly 5 attempts "
          "and writes nothing",
          "[engine][atomicity][retry]") {
  EngineFixture base;
  base.at("2024-01-05");
  auto o = base.open_case("2024-01-02");
  FaultyStore faulty(*base.store, 0);
  Engine engine(faulty, base.clock, base.registry);
  REQUIRE(engine.load());
  std::vector<int> pauses;
  engine.set_retry_pause([&](int attempt) { pauses.push_back(attempt); });
  faulty.fail_commits_transiently(1000);
  auto r = engine.record(o.c.id, base.step("finish", "2024-01-04"));
  REQUIRE_FALSE(r);
  CHECK(faulty.transactions_begun() == 5);
  CHECK(pauses == std::vector<int>{1, 2, 3, 4});
  CHECK(r.error().code == ErrorCode::Conflict);
  CHECK(exit_code(r.error().code) == 4);
  CHECK_THAT(r.error().message.en, Catch::Contains("gave up after 5 attempts") &&
                                       Catch::Contains("serialization failure") &&
                                       Catch::Contains("nothing was written") && Catch::Contains("try again"));
  CHECK_THAT(r.error().message.zh, Catch::Contains("并发冲突") && Catch::Contains("已尝试 5 次") &&
                                       Catch::Contains("请稍后重试"));
  CHECK_FALSE(base.store->in_transaction());
  auto c = base.store->find_case(o.c.id).value();
  CHECK(c->state == "open");
  CHECK(c->version == 1);
  CHECK(base.store->events(o.c.id).value().size() == 1);
  auto dl = base.store->open_deadlines(o.c.id).value();
  REQUIRE(dl.size() == 1);
  CHECK(base.store->pending_timers(dl[0].id).value().size() == 3);
  CHECK(base.engine->verify().value().ok());
}

TEST_CASE("a write that meets a transient conflict at its first 4 attempts succeeds at the 5th and "
          "writes once",
          "[engine][atomicity][retry]") {
  EngineFixture base;
  base.at("2024-01-05");
  auto o = base.open_case("2024-01-02");
  FaultyStore faulty(*base.store, 0);
  Engine engine(faulty, base.clock, base.registry);
  REQUIRE(engine.load());
  std::vector<int> pauses;
  engine.set_retry_pause([&](int attempt) { pauses.push_back(attempt); });
  faulty.fail_commits_transiently(4);
  auto r = engine.record(o.c.id, base.step("finish", "2024-01-04"));
  INFO((r ? std::string() : r.error().message.en));
  REQUIRE(r);
  CHECK(faulty.transactions_begun() == 5);
  CHECK(pauses == std::vector<int>{1, 2, 3, 4});
  auto c = base.store->find_case(o.c.id).value();
  CHECK(c->version == 2);
  CHECK(base.store->events(o.c.id).value().size() == 2);
  // The same for a write outside the step path: a person, once.
  faulty.fail_commits_transiently(4);
  Person p;
  p.name = "张三";
  p.branch = "B1";
  p.born = *Date::parse("1990-01-01");
  auto id = engine.add_person(p);
  REQUIRE(id);
  CHECK(faulty.transactions_begun() == 10);
  CHECK(base.store->find_persons_by_name("张三").value().size() == 1);
  // And a correction gives up like a step: nothing written.
  faulty.fail_commits_transiently(1000);
  Correction fix;
  fix.seq = 2;
  fix.date = *Date::parse("2024-01-03");
  fix.reason = "日期记错";
  auto corrected = engine.correct(o.c.id, fix);
  REQUIRE_FALSE(corrected);
  CHECK(faulty.transactions_begun() == 15);
  CHECK(corrected.error().code == ErrorCode::Conflict);
  CHECK(base.store->events(o.c.id).value().size() == 2);
  CHECK(base.engine->verify().value().ok());
}
