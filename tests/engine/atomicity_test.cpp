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
