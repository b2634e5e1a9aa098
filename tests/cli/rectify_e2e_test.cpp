// Black-box runs of a whole rectification ledger through the djflow binary: the five problem
// areas of the secretary's 2023 report (主题教育检视整改), from registration to close-out, one
// item overdue by the timer, one extended, one long-term, one immediate, and the CSV export.
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

int add_item(const Djflow& d, int batch, const std::string& area, const std::string& owner,
             std::vector<std::string> extra) {
  std::vector<std::string> args = {"--now", "2023-10-20", "rectify", "add", "--batch", std::to_string(batch),
                                   "--problem", area + "方面存在突出问题", "--category", area, "--cause", "思想认识不到位",
                                   "--target", "问题整改到位", "--measures", "制定整改措施并逐项落实",
                                   "--leader", "王书记", "--department", "党委办公室", "--owner", owner,
                                   "--date", "2023-10-20"};
  args.insert(args.end(), extra.begin(), extra.end());
  return ok(d, args).json()["id"].get<int>();
}

std::string rec(const Djflow& d, const std::string& now, int id, const std::string& event,
                std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--now", now, "record", std::to_string(id), event, "--date", now};
  args.insert(args.end(), extra.begin(), extra.end());
  return ok(d, args).json()["state"].get<std::string>();
}

}  // namespace

TEST_CASE("a whole rectification ledger: five areas, close-out, overdue, extension, export", "[cli][rectify][e2e]") {
  Djflow d;
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "C01", "--name", "机关党委", "--kind", "committee"}).code == 0);

  auto b = ok(d, {"--now", "2023-10-20", "rectify", "batch", "add", "--source", "theme-education", "--org", "C01",
                  "--feedback", "2023-10-15", "--title", "主题教育检视整改"});
  const int batch = b.json()["id"];
  CHECK(b.json()["report_due"].is_null());  // themed education: no report deadline unless asked

  const int decisions = add_item(d, batch, "执行上级组织决定", "赵一", {"--type", "deadline", "--deadline", "2023-12-31"});
  const int org_life = add_item(d, batch, "严格组织生活", "钱二", {"--type", "deadline", "--deadline", "2023-11-30"});
  const int education = add_item(d, batch, "加强党员教育管理监督", "孙三",
                                  {"--type", "long-term", "--milestone", "2023-12-31:制定分层分类教育计划",
                                   "--milestone", "2024-06-30:形成长效机制"});
  const int masses = add_item(d, batch, "联系服务群众", "李四", {"--type", "immediate"});
  const int self = add_item(d, batch, "抓好自身建设", "周五", {"--type", "deadline", "--deadline", "2023-11-15"});

  // Guards at the CLI: a fixed-deadline item without a deadline, acceptance by the owner.
  auto no_deadline = d.run({"--json", "--now", "2023-10-20", "rectify", "add", "--batch", std::to_string(batch),
                            "--problem", "p", "--measures", "m", "--leader", "L", "--department", "D", "--owner", "O",
                            "--type", "deadline"});
  CHECK(no_deadline.code == 1);
  CHECK(no_deadline.error_json()["error"]["rule"] == "Z-ITEM");

  CHECK(rec(d, "2023-10-21", decisions, "start") == "in-progress");
  CHECK(rec(d, "2023-11-01", decisions, "progress", {"--note", "已传达学习上级决定，建立督办台账"}) == "in-progress");
  CHECK(rec(d, "2023-12-01", decisions, "申请销号", {"--with", "evidence=督办台账及会议纪要"}) == "submitted");
  auto by_owner = d.run({"--json", "--now", "2023-12-02", "record", std::to_string(decisions), "accept", "--date",
                         "2023-12-02", "--with", "verifier=赵一"});
  CHECK(by_owner.code == 1);
  CHECK(by_owner.error_json()["error"]["rule"] == "Z-ITEM");
  CHECK(rec(d, "2023-12-02", decisions, "accept", {"--with", "verifier=纪委书记", "--note", "整改到位"}) == "closed");

  CHECK(rec(d, "2023-10-21", org_life, "start") == "in-progress");
  CHECK(rec(d, "2023-11-20", org_life, "request-extension", {"--with", "to=2024-01-31", "--note", "需结合年度组织生活会"}) == "in-progress");
  CHECK(rec(d, "2023-11-21", org_life, "approve-extension", {"--with", "approver=王书记"}) == "in-progress");

  CHECK(rec(d, "2023-10-21", education, "start") == "long-term");
  CHECK(rec(d, "2023-11-05", education, "milestone", {"--note", "已制定分层分类教育计划"}) == "long-term");

  CHECK(rec(d, "2023-10-20", masses, "submit", {"--ref", "走访记录"}) == "submitted");
  CHECK(rec(d, "2023-10-22", masses, "验收", {"--with", "verifier=纪委书记"}) == "closed");

  CHECK(rec(d, "2023-10-21", self, "start") == "in-progress");

  // The day after the deadline, the tick makes the item overdue (and only that one).
  auto tick = ok(d, {"--now", "2023-11-16T09:00", "tick"});
  bool escalated = false;
  const auto notifications = tick.json()["notifications"];
  for (const auto& n : notifications)
    if (n["id"] == self && n["kind"] == "deadline") escalated = n["escalate"].get<bool>();
  CHECK(escalated);
  auto show = ok(d, {"--now", "2023-11-16", "show", std::to_string(self)});
  CHECK(show.json()["state"] == "overdue");
  CHECK(show.json()["history"].back()["event"] == "overdue");
  CHECK(show.json()["history"].back()["actor"] == "djflow");
  ok(d, {"--now", "2023-12-01T09:00", "tick"});
  CHECK(ok(d, {"--now", "2023-12-01", "show", std::to_string(org_life)}).json()["state"] == "in-progress");

  auto overdue = ok(d, {"--now", "2023-12-05", "rectify", "list", "--overdue"}).json();
  REQUIRE(overdue.size() == 1);
  CHECK(overdue[0]["id"] == self);
  CHECK(overdue[0]["days_overdue"] == 20);
  CHECK(overdue[0]["colour"] == "red");
  CHECK(overdue[0]["escalate"] == true);
  CHECK(overdue[0]["leader"] == "王书记");

  auto all = ok(d, {"--now", "2023-12-05", "rectify", "list", "--batch", std::to_string(batch)}).json();
  REQUIRE(all.size() == 5);
  CHECK(all[1]["deadline"] == "2024-01-31");  // extended
  CHECK(all[1]["colour"] == "green");
  CHECK(all[0]["state"] == "closed");
  CHECK(all[2]["next_milestone"] == "2024-06-30");
  CHECK(ok(d, {"--now", "2023-12-05", "rectify", "list", "--owner", "钱二"}).json().size() == 1);
  auto text = d.run({"--lang", "zh", "--now", "2023-12-05", "rectify", "list", "--overdue"});
  CHECK(text.code == 0);
  CHECK(text.out.find("逾期 20 天") != std::string::npos);
  CHECK(text.out.find("红色预警") != std::string::npos);

  // Export: UTF-8 BOM, the Chinese header, one CRLF record per item.
  const auto file = (d.dir().path() / "ledger.csv").string();
  ok(d, {"rectify", "export", "--batch", std::to_string(batch), "--csv", "--output", file});
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string csv = ss.str();
  REQUIRE(csv.size() > 3);
  CHECK(csv.substr(0, 3) == "\xEF\xBB\xBF");
  CHECK(csv.substr(3, csv.find("\r\n") - 3).rfind("序号,问题来源,问题类别,问题表现,原因分析,整改目标,整改措施,责任领导", 0) == 0);
  std::size_t records = 0;
  for (std::size_t p = csv.find("\r\n"); p != std::string::npos; p = csv.find("\r\n", p + 2)) ++records;
  CHECK(records == 6);
  CHECK(csv.find("2024-01-31（原定 2023-11-30）") != std::string::npos);
  CHECK(csv.find("纪委书记") != std::string::npos);
  CHECK(csv.find("\"2023-12-31 制定分层分类教育计划（已检查）\n2024-06-30 形成长效机制\"") != std::string::npos);

  CHECK(d.run({"verify"}).code == 0);
  auto batches = ok(d, {"rectify", "batch", "list"}).json();
  REQUIRE(batches.size() == 1);
  CHECK(batches[0]["source"] == "theme-education");
}

TEST_CASE("an inspection batch has a report deadline two months after feedback (Z1)", "[cli][rectify]") {
  Djflow d;
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  auto b = d.run({"--json", "--now", "2024-01-05", "rectify", "batch", "add", "--source", "inspection", "--org", "B01",
                  "--feedback", "2023-12-31"});
  REQUIRE(b.code == 0);
  CHECK(b.json()["report_due"] == "2024-02-29");
  auto due = d.run({"--json", "--now", "2024-01-05", "due"});
  REQUIRE(due.code == 0);
  REQUIRE(due.json().size() == 1);
  CHECK(due.json()[0]["kind"] == "report");
  auto unknown = d.run({"--now", "2024-01-05", "rectify", "batch", "add", "--source", "rumour", "--org", "B01",
                        "--feedback", "2023-12-31"});
  CHECK(unknown.code == 2);
  auto missing = d.run({"--now", "2024-01-05", "rectify", "add", "--batch", "99", "--problem", "p", "--measures", "m",
                        "--leader", "L", "--department", "D", "--owner", "O", "--type", "immediate"});
  CHECK(missing.code == 3);
}
