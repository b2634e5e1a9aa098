#include <catch2/catch.hpp>

#include <set>

#include "support/engine_fixture.hpp"

using namespace djflow::engine;
using djflow::testing::EngineFixture;

// Toy case opened 2024-01-02: "finish" due 2024-01-12; reminders 7 days before (01-05), on the
// day (01-12) and weekly while overdue (01-19, 01-26, ...), each at 09:00 Asia/Shanghai.

TEST_CASE("a reminder fires at 09:00 local on its day, once", "[engine][timers]") {
  EngineFixture f;
  f.at("2024-01-02");
  auto o = f.open_case("2024-01-02");
  f.at("2024-01-05", 8);
  CHECK(f.engine->tick().value().empty());
  f.at("2024-01-05", 9);
  auto n = f.engine->tick();
  REQUIRE(n);
  REQUIRE(n->size() == 1);
  CHECK(n->at(0).case_id == o.c.id);
  CHECK(n->at(0).kind == "finish");
  CHECK(n->at(0).days_left == 7);
  CHECK(n->at(0).key == std::to_string(o.c.id) + ":finish:2024-01-12:-7");
  CHECK(n->at(0).text.en.find("7 days left") != std::string::npos);
  CHECK(n->at(0).text.zh.find("还有 7 天") != std::string::npos);
  CHECK(n->at(0).text.zh.find("第一党支部") != std::string::npos);
  CHECK(f.engine->tick().value().empty());  // never twice
  f.at("2024-01-11", 23);
  CHECK(f.engine->tick().value().empty());
  f.at("2024-01-12", 9);
  auto due_day = f.engine->tick().value();
  REQUIRE(due_day.size() == 1);
  CHECK(due_day[0].days_left == 0);
  CHECK(due_day[0].text.en.find("due today") != std::string::npos);
}

TEST_CASE("after a gap, missed reminders collapse into one that says where things stand", "[engine][timers]") {
  EngineFixture f;
  f.at("2024-01-02");
  auto o = f.open_case("2024-01-02");
  f.at("2024-02-10");  // -7, 0 and +7 (and the weeks after) all missed
  auto n = f.engine->tick().value();
  REQUIRE(n.size() == 1);
  CHECK(n[0].days_left == -29);
  CHECK(n[0].text.en.find("overdue by 29 days") != std::string::npos);
  CHECK(n[0].text.zh.find("逾期 29 天") != std::string::npos);
  CHECK(f.engine->tick().value().empty());
  // The next weekly reminder is the first one after the catch-up: due + 35 days = 02-16.
  f.at("2024-02-16", 8);
  CHECK(f.engine->tick().value().empty());
  f.at("2024-02-16", 9);
  auto next = f.engine->tick().value();
  REQUIRE(next.size() == 1);
  CHECK(next[0].days_left == -35);
  CHECK(next[0].key == std::to_string(o.c.id) + ":finish:2024-01-12:35");
}

TEST_CASE("a day-by-day run fires each reminder exactly once", "[engine][timers]") {
  EngineFixture f;
  f.at("2024-01-02");
  f.open_case("2024-01-02");
  f.open_case("2024-01-02", {{"milestone", "yes"}});
  std::multiset<std::string> keys;
  std::vector<int> days_left;
  for (Date d = *Date::parse("2024-01-02"); d <= *Date::parse("2024-02-02"); d = d.add_days(1)) {
    for (int hour : {8, 9, 18}) {
      f.clock.set(TimePoint{d.sys_days().time_since_epoch() + std::chrono::hours{hour - 8}});
      for (const auto& n : f.engine->tick().value()) {
        keys.insert(n.key);
        if (n.kind == "finish") days_left.push_back(n.days_left);
      }
    }
  }
  for (const auto& k : keys) CHECK(keys.count(k) == 1);
  // Two cases x (-7, 0, +7, +14, +21) for "finish" (01-12 + 21 = 02-02, the last day run),
  // plus one milestone reminder.
  CHECK(keys.size() == 11);
  CHECK(std::count(days_left.begin(), days_left.end(), -21) == 2);
  CHECK(std::count(days_left.begin(), days_left.end(), -28) == 0);
}

TEST_CASE("a milestone gets one reminder, on its day, and is never overdue", "[engine][timers]") {
  EngineFixture f;
  f.at("2024-01-02");
  f.open_case("2024-01-02", {{"milestone", "yes"}});  // "ready" on 2024-01-07
  f.at("2024-01-05", 9);
  for (const auto& x : f.engine->tick().value()) CHECK(x.kind == "finish");  // 7 days before
  f.at("2024-01-07", 9);
  auto n = f.engine->tick().value();
  REQUIRE(n.size() == 1);
  CHECK(n[0].kind == "ready");
  CHECK(n[0].text.en.find("possible from 2024-01-07") != std::string::npos);
  f.at("2024-03-01");
  for (const auto& x : f.engine->tick().value()) CHECK(x.kind != "ready");
  auto overdue = f.engine->due(std::nullopt, true).value();
  for (const auto& d : overdue) CHECK(d.deadline.kind != "ready");
}

TEST_CASE("tick works in bounded batches without splitting a deadline", "[engine][timers]") {
  EngineFixture f;
  f.at("2024-01-02");
  for (int i = 0; i < 5; ++i) f.open_case("2024-01-02");
  f.at("2024-02-10");
  std::size_t total = 0;
  int batches = 0;
  for (;;) {
    auto n = f.engine->tick(2).value();
    if (n.empty()) break;
    CHECK(n.size() <= 2);
    total += n.size();
    ++batches;
  }
  CHECK(total == 5);  // one per deadline, never one per missed reminder
  CHECK(batches == 3);
}

TEST_CASE("due lists overdue deadlines first, then by date, with days left", "[engine][due]") {
  EngineFixture f;
  f.at("2024-01-01");
  auto a = f.open_case("2024-01-01");  // due 01-11
  f.at("2024-01-10");
  auto b = f.open_case("2024-01-10");  // due 01-20
  f.at("2024-01-15");
  auto all = f.engine->due(std::nullopt, false).value();
  REQUIRE(all.size() == 2);
  CHECK(all[0].c.id == a.c.id);
  CHECK(all[0].days_left == -4);
  CHECK(all[1].days_left == 5);
  CHECK(f.engine->due(3, false).value().size() == 1);   // only the overdue one
  CHECK(f.engine->due(5, false).value().size() == 2);
  auto overdue = f.engine->due(std::nullopt, true).value();
  REQUIRE(overdue.size() == 1);
  CHECK(overdue[0].c.id == a.c.id);
  (void)b;
}
