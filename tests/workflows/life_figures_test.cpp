// engine::life_figures: the organisational-life figures of an organisation and everything under
// it, as of a date, from the `life` ledgers' history (issue 10 §2 needs them for `report`).
#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "engine/life_figures.hpp"
#include "support/test_db.hpp"
#include "workflows/registry.hpp"

using namespace djflow;
using engine::Date;

namespace {

engine::TimePoint noon(const char* d) {
  return engine::TimePoint{Date::parse(d)->sys_days().time_since_epoch() + std::chrono::hours{4}};
}

struct World {
  storage::test::TestDb db;
  std::unique_ptr<engine::Store> store = db.open();
  engine::ManualClock clock{noon("2023-01-01")};
  engine::WorkflowRegistry registry;
  std::unique_ptr<engine::Engine> eng;
  World() {
    workflows::register_all(registry);
    eng = std::make_unique<engine::Engine>(*store, clock, registry);
    REQUIRE(eng->load());
  }
  void branch(const std::string& code, const std::string& kind, const std::string& parent) {
    engine::Branch b;
    b.code = code;
    b.name = code;
    b.kind = kind;
    b.parent = parent;
    REQUIRE(eng->add_branch(b));
  }
  engine::PersonId person(const std::string& name, const std::string& org) {
    engine::Person p;
    p.name = name;
    p.branch = org;
    p.born = *Date::parse("1980-01-01");
    p.status = engine::MemberStatus::Full;
    p.joined = *Date::parse("2010-01-01");
    auto id = eng->add_person(p);
    REQUIRE(id);
    return id.value();
  }
  engine::CaseId ledger(const std::string& org, engine::Inputs config) {
    engine::CaseSubject s;
    s.branch = org;
    s.title = org;
    auto o = eng->start("life", s, {"start", *Date::parse("2023-01-01"), std::move(config), "", "", "t"});
    REQUIRE(o);
    return o->c.id;
  }
  void record(engine::CaseId id, const char* date, const std::string& event, engine::Inputs with) {
    clock.set(noon(date));
    auto o = eng->record(id, {event, *Date::parse(date), std::move(with), "", "", "t"});
    INFO((o ? "" : o.error().message.en));
    REQUIRE(o);
  }
};

const engine::life::KindCount& kind(const engine::LifeFigures& f, const std::string& id) {
  for (const auto& k : f.kinds)
    if (k.kind == id) return k;
  FAIL("no kind " << id);
  return f.kinds.front();
}

}  // namespace

TEST_CASE("life figures of a subtree as of a date count only what the history holds by then", "[life][figures]") {
  World w;
  w.branch("C1", "committee", "");
  w.branch("B1", "branch", "C1");
  w.branch("B2", "branch", "C1");
  const auto sec = w.person("王书记", "B1");
  const auto a = w.person("张三", "B1");
  const auto b = w.person("李四", "B2");
  const auto l1 = w.ledger("B1", {{"secretary", std::to_string(sec)}});
  const auto l2 = w.ledger("B2", {});
  // B1: four quarterly general meetings with a lecture (two by the secretary); B2: one in Q1.
  const char* dates[] = {"2023-03-10", "2023-06-10", "2023-09-10", "2023-12-10"};
  for (int i = 0; i < 4; ++i)
    w.record(l1, dates[i], "meeting",
             {{"kinds", "general-meeting,lecture"}, {"topic", "学习"}, {"present", std::to_string(sec) + "," + std::to_string(a)},
              {"speaker", i % 2 ? "外请专家" : "王书记"}});
  w.record(l2, "2023-03-20", "meeting", {{"kinds", "general-meeting"}, {"topic", "学习"}, {"present", ""}, {"absent:" + std::to_string(b), ""}});
  w.record(l1, "2023-05-05", "talk", {{"with", std::to_string(a)}, {"by", std::to_string(sec)}});

  const Date from = *Date::parse("2023-01-01"), to = *Date::parse("2023-12-31");
  auto year = engine::life_figures(*w.store, *w.store, w.eng->config(), "C1", from, to, to);
  REQUIRE(year);
  CHECK(year->organisations == std::vector<std::string>{"C1", "B1", "B2"});
  CHECK(year->without_ledger == std::vector<std::string>{"C1"});
  CHECK(kind(*year, "general-meeting").expected == 8);  // 4 quarters x 2 branches
  CHECK(kind(*year, "general-meeting").held == 5);
  CHECK(kind(*year, "secretary-lecture").held == 1);    // B1's secretary lectured in 2023
  CHECK(year->meetings == 5);
  CHECK(year->lectures_by_secretary == 2);
  CHECK(year->lectures_by_others == 2);
  CHECK(year->talks == 1);
  CHECK(year->average_attendance == Approx(8.0 / 9.0));  // B1: 2 of 2, four times; B2: 0 of 1
  // 李四 (B2) missed the only meeting without a reason, in March: flagged by the year end.
  REQUIRE(year->flagged.size() == 1);
  CHECK(year->flagged[0].name == "李四");
  CHECK(year->flagged[0].attendance);

  // As of 2023-06-30: the meetings of September and December are not there yet.
  auto mid = engine::life_figures(*w.store, *w.store, w.eng->config(), "C1", from, to, *Date::parse("2023-06-30"));
  REQUIRE(mid);
  CHECK(kind(*mid, "general-meeting").expected == 4);  // Q1 and Q2 of two branches
  CHECK(kind(*mid, "general-meeting").held == 3);
  CHECK(mid->meetings == 3);
  CHECK(mid->lectures_by_secretary == 1);
  CHECK(mid->flagged.empty());  // March + 6 months is September

  CHECK(engine::life_figures(*w.store, *w.store, w.eng->config(), "NOPE", from, to, to).error().code ==
        engine::ErrorCode::NotFound);
}
