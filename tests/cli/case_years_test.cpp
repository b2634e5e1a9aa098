// Decision 0129: the year-end projection (case_years, migration 11) is derived from the events and
// written by a trigger in each event's transaction, whatever appends it. Every path that appends
// events is taken here on one database (steps through the binary, a correction moving a date into
// another year, a void, the tick's on-due events, an organisational-life ledger recorded out of
// date order, a transfer); after each, the stored rows must be what the histories derive
// (derive_case_years, as verify recomputes them) and `verify` must pass. Runs on both backends.
// (Imports are covered by import_test, which verifies the imported database.)
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "engine/case_years.hpp"
#include "engine/engine.hpp"
#include "report_cli_support.hpp"
#include "storage/open_store.hpp"
#include "support/cli_runner.hpp"

using djflow::testing::Djflow;

namespace {

using namespace djflow::testing::reportcli;  // kNow, must, steps, apply

// The stored rows and the rows every stored history derives, by case.
struct Both {
  std::map<djflow::engine::CaseId, std::vector<djflow::engine::CaseYear>> stored, derived;
};

Both rows(const Djflow& d) {
  auto store = djflow::storage::open_store(d.db(), djflow::storage::OpenMode::Existing);
  REQUIRE(store.ok());
  Both out;
  REQUIRE(store.value()
              ->for_each_case_year([&](const djflow::engine::CaseYear& y) {
                out.stored[y.case_id].push_back(y);
                return true;
              })
              .ok());
  REQUIRE(store.value()
              ->for_each_history([&](const djflow::engine::Case& c, const std::vector<djflow::engine::EventRecord>& ev) {
                out.derived[c.id] = djflow::engine::derive_case_years(c.id, ev);
                return true;
              })
              .ok());
  return out;
}

void same(const Djflow& d, const char* after) {
  INFO("after " << after);
  const Both b = rows(d);
  CHECK(b.stored == b.derived);
  CHECK(d.run({kNow, "verify"}).code == 0);
}

}  // namespace

TEST_CASE("the year-end projection follows every path that appends events, as verify derives it",
          "[cli][report][verify]") {
  Djflow d;
  REQUIRE(d.run({"init"}).code == 0);
  must(d, {"branch", "add", "B1", "--name", "第一支部"});
  must(d, {"branch", "add", "B2", "--name", "第二支部"});
  for (const char* name : {"甲", "乙", "丙", "丁"})  // persons 1-4
    must(d, {"person", "add", name, "--branch", "B1", "--born", "1975-01-01", "--status", "full", "--joined", "2005-07-01"});
  must(d, {"person", "add", "申请五", "--branch", "B1", "--born", "1998-01-01"});  // 5
  must(d, {"person", "add", "申请六", "--branch", "B1", "--born", "1998-01-01"});  // 6
  CHECK(rows(d).stored.empty());

  // Steps across three years.
  const int a = apply(d, 5, "2021-11-20");
  steps(d, a, {{"talk", "2021-11-30"}, {"activist", "2022-01-10"}, {"mentors", "2022-01-11", "mentors=1,2"},
               {"review", "2022-07-10"}});
  same(d, "steps");
  {
    const auto b = rows(d);
    REQUIRE(b.stored.at(a).size() == 2);
    const auto& y2021 = b.stored.at(a)[0];
    CHECK(y2021.year == 2021);
    CHECK(y2021.date == "2021-11-30");
    CHECK(y2021.states == ",applicant,");
    CHECK_FALSE(y2021.mixed);
    CHECK(b.stored.at(a)[1].date == "2022-07-10");
    CHECK(b.stored.at(a)[1].state == "activist");
  }
  // A correction (dated the day it is recorded) and a void: events like any other.
  must(d, {kNow, "correct", std::to_string(a), "5", "--date", "2022-07-12", "--reason", "日期录入有误"});
  same(d, "a correction");
  const int b = apply(d, 6, "2023-03-01");
  steps(d, b, {{"talk", "2023-03-10"}});
  must(d, {kNow, "void", std::to_string(b), "2", "--reason", "重复录入"});
  same(d, "a void");
  // Transferred: the case moves along, its events do not change.
  must(d, {kNow, "person", "transfer", "6", "--to", "B2", "--date", "2023-06-01"});
  same(d, "a transfer");

  // An organisational-life ledger, meetings recorded in any order: mixed rows.
  must(d, {"--now=2024-03-01", "life", "start", "--org", "B1", "--date", "2022-01-01"});
  for (const char* date : {"2023-05-01", "2022-11-01", "2024-02-01", "2022-06-01"})
    must(d, {"--now=2024-03-01", "meeting", "add", "--org", "B1", "--kind", "支部委员会会议", "--date", date, "--topic", "学习"});
  same(d, "meetings out of date order");
  {
    const auto rows_now = rows(d);
    bool mixed = false;
    for (const auto& [id, list] : rows_now.stored)
      for (const auto& y : list) mixed = mixed || y.mixed;
    CHECK(mixed);  // 2022-06-01 recorded after 2023-05-01 and 2024-02-01
  }

  // A rectification item whose deadline passes: the tick records its on-due event.
  const int batch = must(d, {"--now=2023-08-01", "rectify", "batch", "add", "--source", "theme-education", "--org", "B1",
                             "--feedback", "2023-08-01", "--title", "主题教育检视整改"})
                        .json()["id"]
                        .get<int>();
  must(d, {"--now=2023-08-02", "rectify", "add", "--batch", std::to_string(batch), "--problem", "学习方式单一",
           "--category", "教育", "--cause", "认识不足", "--target", "到位", "--measures", "制定计划", "--leader", "王书记",
           "--department", "组织委员", "--owner", "李委员", "--type", "deadline", "--deadline", "2023-08-25", "--date",
           "2023-08-02"});
  must(d, {"--now=2023-09-01T10:00", "tick"});
  same(d, "the tick's on-due events");
}
