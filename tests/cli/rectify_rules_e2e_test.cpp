// Black-box checks of the rectification rules an outside test of rules.md §4 and §6.5 found
// missing (issue 8, items 14-17), each at its boundary: a closed item keeps how long it was
// overdue, `show` and `rectify list` agree on "overdue" for the same moment, a long-term item
// left in `registered` is reminded of its milestones, and the ledger says 未启动 for an item
// never started.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;

namespace {

RunResult ok(const Djflow& d, std::vector<std::string> args) {
  args.insert(args.begin(), "--json");
  auto r = d.run(args);
  INFO(args[1] << " " << (args.size() > 2 ? args[2] : "") << ": " << r.err);
  REQUIRE(r.code == 0);
  return r;
}

// A batch of B01 registered on 2024-01-10; returns its id.
int seed(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  return ok(d, {"--now", "2024-01-10", "rectify", "batch", "add", "--source", "org-life-meeting", "--org", "B01",
                "--feedback", "2024-01-10"})
      .json()["id"];
}

int add_item(const Djflow& d, int batch, const std::string& owner, std::vector<std::string> extra) {
  std::vector<std::string> args = {"--now", "2024-01-10", "rectify", "add", "--batch", std::to_string(batch),
                                   "--problem", owner + "负责的问题", "--measures", "逐项整改", "--leader", "王书记",
                                   "--department", "党办", "--owner", owner, "--date", "2024-01-10"};
  args.insert(args.end(), extra.begin(), extra.end());
  return ok(d, args).json()["id"];
}

void rec(const Djflow& d, const std::string& on, int id, const std::string& event, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--now", on, "record", std::to_string(id), event, "--date", on};
  args.insert(args.end(), extra.begin(), extra.end());
  ok(d, args);
}

// A fixed-deadline item due 2024-03-31, started 2024-03-01.
int started_item(const Djflow& d, int batch, const std::string& owner) {
  const int id = add_item(d, batch, owner, {"--type", "deadline", "--deadline", "2024-03-31"});
  rec(d, "2024-03-01", id, "start");
  return id;
}

// Submits on `submit_on` and closes on `close_on`; returns the closing event (JSON).
nlohmann::json close(const Djflow& d, int id, const std::string& submit_on, const std::string& close_on) {
  rec(d, submit_on, id, "submit", {"--with", "evidence=整改报告"});
  auto r = ok(d, {"--now", close_on, "record", std::to_string(id), "accept", "--date", close_on, "--with",
                  "verifier=纪委书记"});
  return r.json()["event"];
}

nlohmann::json listed(const Djflow& d, const std::string& now, int id) {
  for (const auto& row : ok(d, {"--now", now, "rectify", "list"}).json())
    if (row["id"] == id) return row;
  FAIL("item " << id << " not listed");
  return {};
}

std::string csv_of(const Djflow& d, int batch) {
  const auto file = (d.dir().path() / "ledger.csv").string();
  ok(d, {"rectify", "export", "--batch", std::to_string(batch), "--csv", "--output", file});
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("a closed item keeps how long it was overdue: on the day 0, the day after 1, five days later 5", "[cli][rectify][rules]") {
  Djflow d;
  const int batch = seed(d);
  const int on_time = started_item(d, batch, "赵一");
  const int one_day = started_item(d, batch, "钱二");
  const int five = started_item(d, batch, "孙三");
  auto e0 = close(d, on_time, "2024-03-30", "2024-03-31");
  ok(d, {"--now", "2024-04-01T09:00", "tick"});  // one_day and five turn overdue

  CHECK(e0["inputs"]["days-overdue"] == "0");
  CHECK(e0["flags"] == nlohmann::json::array({"closed-on-time"}));
  auto e1 = close(d, one_day, "2024-04-01", "2024-04-01");
  CHECK(e1["inputs"]["days-overdue"] == "1");
  auto e5 = close(d, five, "2024-04-03", "2024-04-05");
  CHECK(e5["inputs"]["days-overdue"] == "5");
  CHECK(e5["flags"] == nlohmann::json::array({"closed-late:5"}));

  // show and history, in both languages.
  auto show_zh = d.run({"--lang", "zh", "--now", "2024-04-10", "show", std::to_string(five)});
  CHECK(show_zh.out.find("逾期5天销号") != std::string::npos);
  auto show_en = d.run({"--lang", "en", "--now", "2024-04-10", "show", std::to_string(five)});
  CHECK(show_en.out.find("closed 5 days after the deadline") != std::string::npos);
  CHECK(d.run({"--lang", "zh", "history", std::to_string(on_time)}).out.find("按期销号") != std::string::npos);
  CHECK(d.run({"--lang", "en", "history", std::to_string(one_day)}).out.find("closed 1 day after the deadline") !=
        std::string::npos);

  // rectify list (JSON and text) and the CSV export.
  CHECK(listed(d, "2024-04-10", on_time)["closed_days_overdue"] == 0);
  CHECK(listed(d, "2024-04-10", one_day)["closed_days_overdue"] == 1);
  CHECK(listed(d, "2024-04-10", five)["closed_days_overdue"] == 5);
  CHECK(listed(d, "2024-04-10", five)["closed_on"] == "2024-04-05");
  auto text = d.run({"--lang", "zh", "--now", "2024-04-10", "rectify", "list"});
  CHECK(text.out.find("已销号（逾期5天销号）") != std::string::npos);
  CHECK(text.out.find("已销号（按期销号）") != std::string::npos);
  const std::string csv = csv_of(d, batch);
  CHECK(csv.find("已完成整改（按期销号）") != std::string::npos);
  CHECK(csv.find("已完成整改（逾期1天销号）") != std::string::npos);
  CHECK(csv.find("已完成整改（逾期5天销号）") != std::string::npos);
  {
    const auto v = d.run({"verify"});
    INFO(v.out << v.err);
    CHECK(v.code == 0);
  }
}

TEST_CASE("show and rectify list answer 'overdue' from the same rule for the same moment", "[cli][rectify][rules]") {
  Djflow d;
  const int batch = seed(d);
  const int id = started_item(d, batch, "赵一");
  struct Moment {
    std::string now;
    bool overdue;
  };
  // The deadline day late at night: not overdue. The morning after, before the 09:00 tick: overdue.
  for (const Moment& m : {Moment{"2024-03-31T23:30", false}, Moment{"2024-04-01T08:00", true}}) {
    INFO(m.now);
    auto show = ok(d, {"--now", m.now, "show", std::to_string(id)}).json();
    const auto row = listed(d, m.now, id);
    CHECK(show["state"] == "in-progress");  // recorded: the tick has not run
    CHECK(show["state_as_of"] == (m.overdue ? "overdue" : "in-progress"));
    CHECK(row["state_as_of"] == show["state_as_of"]);
    CHECK(row["overdue"] == m.overdue);
    auto show_text = d.run({"--lang", "zh", "--now", m.now, "show", std::to_string(id)});
    auto list_text = d.run({"--lang", "zh", "--now", m.now, "rectify", "list"});
    CHECK((show_text.out.find("状态：已逾期") != std::string::npos) == m.overdue);
    CHECK((list_text.out.find("已逾期") != std::string::npos) == m.overdue);
  }
  // After the tick both still say overdue, now recorded.
  ok(d, {"--now", "2024-04-01T09:00", "tick"});
  auto show = ok(d, {"--now", "2024-04-01T10:00", "show", std::to_string(id)}).json();
  CHECK(show["state"] == "overdue");
  CHECK(show["state_as_of"] == "overdue");
  CHECK(listed(d, "2024-04-01T10:00", id)["state_as_of"] == "overdue");
}

TEST_CASE("a long-term item left in registered is reminded of its milestones", "[cli][rectify][rules]") {
  Djflow d;
  const int batch = seed(d);
  const int id = add_item(d, batch, "孙三", {"--type", "long-term", "--milestone", "2024-03-31:建立制度"});
  auto due = ok(d, {"--now", "2024-01-11", "due"}).json();
  bool listed_milestone = false;
  for (const auto& row : due)
    if (row["id"] == id && row["kind"] == "milestone" && row["due"] == "2024-03-31") listed_milestone = true;
  CHECK(listed_milestone);
  CHECK(listed(d, "2024-01-11", id)["next_milestone"] == "2024-03-31");
  auto fired = [&](const std::string& now) {
    int n = 0;
    const auto tick = ok(d, {"--now", now, "tick"}).json();
    for (const auto& x : tick["notifications"])
      if (x["id"] == id && x["kind"] == "milestone") ++n;
    return n;
  };
  CHECK(fired("2024-03-20T09:00") == 0);  // 11 days before
  CHECK(fired("2024-03-21T09:00") == 1);  // 10 days before
  CHECK(fired("2024-03-31T09:00") == 1);  // on the day
  // Started, it is reminded as before (the same deadline).
  rec(d, "2024-04-01", id, "start");
  CHECK(listed(d, "2024-04-01", id)["next_milestone"] == "2024-03-31");
}

TEST_CASE("the ledger's 完成情况 says 未启动 for an item never started, 整改中 once started", "[cli][rectify][rules]") {
  Djflow d;
  const int batch = seed(d);
  add_item(d, batch, "赵一", {"--type", "deadline", "--deadline", "2024-03-31"});
  const int started = add_item(d, batch, "钱二", {"--type", "deadline", "--deadline", "2024-03-31"});
  rec(d, "2024-02-01", started, "start");
  const std::string csv = csv_of(d, batch);
  const auto first = csv.find("赵一负责的问题");
  const auto second = csv.find("钱二负责的问题");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  const std::string row1 = csv.substr(first, second - first);
  const std::string row2 = csv.substr(second);
  CHECK(row1.find("未启动") != std::string::npos);
  CHECK(row1.find("整改中") == std::string::npos);
  CHECK(row2.find("整改中") != std::string::npos);
  CHECK(row2.find("未启动") == std::string::npos);
}
