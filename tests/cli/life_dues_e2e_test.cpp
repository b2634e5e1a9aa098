// Black-box runs of the dues standards (R15-R18, 《关于中国共产党党费收缴、使用和管理的规定》) and of
// the 不合格 follow-up (《中国共产党章程》第九条) on the organisational-life ledger.
#include <catch2/catch.hpp>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;

namespace {

RunResult ok(const Djflow& d, std::vector<std::string> args) {
  args.insert(args.begin(), "--json");
  auto r = d.run(args);
  INFO(args[1] << " " << (args.size() > 2 ? args[2] : "") << " " << (args.size() > 3 ? args[3] : "") << ": " << r.err);
  REQUIRE(r.code == 0);
  return r;
}

void add_person(const Djflow& d, const std::string& name) {
  ok(d, {"person", "add", name, "--branch", "B01", "--born", "1980-01-01", "--status", "full", "--joined", "2010-07-01"});
}

void setup(Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  add_person(d, "张三");
  add_person(d, "李四");
  add_person(d, "王五");
  add_person(d, "赵六");
  ok(d, {"--now", "2026-01-02", "life", "start", "--org", "B01", "--date", "2026-01-01"});
}

std::string standard(const Djflow& d, const std::string& who, const std::string& month) {
  return ok(d, {"--now", "2026-06-01", "dues", "standard", "--person", who, "--month", month}).json()["standard"].get<std::string>();
}

void require_verified(const Djflow& d, const std::string& now) {
  auto v = d.run({"--now", now, "--json", "verify"});
  INFO(v.out << v.err);
  REQUIRE(v.code == 0);
}

}  // namespace

TEST_CASE("dues standards: flat rate of the bracket on the whole base, fixed amounts, a new base from its month",
          "[cli][life][dues][r15]") {
  Djflow d;
  setup(d);
  // R15: 6,000 yuan is in the 5,000-10,000 bracket: 1.5% of the whole, 90 yuan.
  auto b = ok(d, {"--now", "2026-01-05", "dues", "base", "--person", "张三", "--category", "在职", "--base", "6000", "--from", "2026-01"}).json();
  CHECK(b["standard"] == "90.00");
  CHECK(b["rule"] == "R15");
  // Bracket edges: 3,000 is 0.5% (15.00); 3,000.01 is 1% (30.00); 10,000.01 is 2%.
  ok(d, {"--now", "2026-01-05", "dues", "base", "--person", "李四", "--category", "working", "--base", "3000", "--from", "2026-01"});
  CHECK(standard(d, "李四", "2026-01") == "15.00");
  // R18: the new pay applies from the month it is received; the months before keep the old base.
  ok(d, {"--now", "2026-03-05", "dues", "base", "--person", "李四", "--category", "working", "--base", "3000.01", "--from", "2026-03"});
  CHECK(standard(d, "李四", "2026-02") == "15.00");
  CHECK(standard(d, "李四", "2026-03") == "30.00");
  // R16: retired, 5,000 or less 0.5%, more 1%.
  ok(d, {"--now", "2026-01-05", "dues", "base", "--person", "王五", "--category", "离退休", "--base", "5000", "--from", "2026-01"});
  CHECK(standard(d, "王五", "2026-01") == "25.00");
  // R17: students 0.20 yuan; farmers the province's amount (a setting, kept as recorded).
  ok(d, {"--now", "2026-01-05", "dues", "base", "--person", "赵六", "--category", "学生", "--from", "2026-01"});
  CHECK(standard(d, "赵六", "2026-01") == "0.20");
  REQUIRE(d.run({"config", "set", "life.dues.farmer_amount", "0.50"}).code == 0);
  ok(d, {"--now", "2026-04-05", "dues", "base", "--person", "赵六", "--category", "农民", "--from", "2026-04"});
  CHECK(standard(d, "赵六", "2026-04") == "0.50");
  REQUIRE(d.run({"config", "set", "life.dues.farmer_amount", "1.00"}).code == 0);
  CHECK(standard(d, "赵六", "2026-04") == "0.50");  // the recorded amount, not today's setting
  // Working members need their income.
  CHECK(d.run({"--now", "2026-01-05", "dues", "base", "--person", "张三", "--category", "在职", "--from", "2026-02"}).code == 2);
  CHECK(d.run({"--now", "2026-01-05", "dues", "base", "--person", "张三", "--category", "军人", "--base", "1", "--from", "2026-02"}).code == 2);
  require_verified(d, "2026-06-01");
}

TEST_CASE("dues payments: less than the standard is refused, relief needs study and approval, 1,000 yuan extra goes to the "
          "Central Committee, exempt months are not arrears",
          "[cli][life][dues][r18]") {
  Djflow d;
  setup(d);
  ok(d, {"--now", "2026-01-05", "dues", "base", "--person", "张三", "--category", "在职", "--base", "6000", "--from", "2026-01"});
  // Less than 90 yuan: refused by R15, naming the statute, nothing written.
  auto low = d.run({"--now", "2026-01-10", "--json", "dues", "pay", "--person", "张三", "--month", "2026-01", "--amount", "80"});
  CHECK(low.code == 1);
  CHECK(low.err.find("R15") != std::string::npos);
  CHECK(low.err.find("《关于中国共产党党费收缴、使用和管理的规定》") != std::string::npos);
  auto paid = ok(d, {"--now", "2026-01-10", "dues", "pay", "--person", "张三", "--month", "2026-01", "--amount", "90"}).json();
  CHECK(paid["to_central"] == false);
  // A voluntary extra of 1,000 yuan or more at once: flagged for the Central Committee (R18).
  auto extra = ok(d, {"--now", "2026-02-10", "dues", "pay", "--person", "张三", "--month", "2026-02", "--amount", "1090"}).json();
  CHECK(extra["to_central"] == true);

  // R18: paying less needs the branch's study and the superior committee's approval.
  auto no_ref = d.run({"--now", "2026-03-01", "--json", "record", "1", "dues-relief", "--with", "person=1", "--with", "from=2026-03",
                       "--with", "amount=45", "--with", "study=支委会记录"});
  CHECK(no_ref.code == 1);
  CHECK(no_ref.err.find("R18") != std::string::npos);
  ok(d, {"--now", "2026-03-01", "dues", "relief", "--person", "张三", "--from", "2026-03", "--to", "2026-04", "--amount", "45",
         "--study", "支委会记录2026-03", "--ref", "上级党委批复2026-7"});
  CHECK(ok(d, {"--now", "2026-03-10", "dues", "standard", "--person", "张三", "--month", "2026-03"}).json()["relief"] == true);
  ok(d, {"--now", "2026-03-10", "dues", "pay", "--person", "张三", "--month", "2026-03", "--amount", "45"});
  // After the relief ends the full standard applies again.
  CHECK(d.run({"--now", "2026-05-10", "dues", "pay", "--person", "张三", "--month", "2026-05", "--amount", "45"}).code == 1);

  // An exemption (amount 0): the exempt months are not unpaid, and the arrears are worth the standard.
  ok(d, {"--now", "2026-01-05", "dues", "base", "--person", "李四", "--category", "在职", "--base", "4000", "--from", "2026-01"});
  ok(d, {"--now", "2026-01-06", "dues", "relief", "--person", "李四", "--from", "2026-01", "--to", "2026-02", "--amount", "0",
         "--study", "支委会记录2026-01", "--ref", "上级党委批复2026-2"});
  auto arrears = ok(d, {"--now", "2026-06-15", "dues", "arrears", "--org", "B01"}).json();
  nlohmann::json li;
  for (const auto& a : arrears)
    if (a["name"] == "李四") li = a;
  REQUIRE(li.is_object());
  CHECK(li["months"] == 3);  // March to May (January and February exempt)
  CHECK(li["owed"] == "120.00");
  CHECK(li["warning"] == true);  // three unpaid months: criticism and a deadline to correct
  require_verified(d, "2026-06-15");
}

TEST_CASE("不合格: a deadline to correct, then persuasion and removal decided by the general meeting and approved",
          "[cli][life][unqualified]") {
  Djflow d;
  setup(d);
  ok(d, {"--now", "2026-01-10", "life", "grade", "--org", "B01", "--date", "2026-01-10", "--grade", "张三:不合格", "--grade",
         "李四:不合格", "--grade", "王五:合格"});
  // Two deadlines to correct, six months from the appraisal (the default).
  std::vector<std::string> due;
  for (const auto& it : ok(d, {"--now", "2026-01-11", "due", "--workflow", "life", "--within", "400"}).json())
    if (it["kind"].get<std::string>().rfind("correction-", 0) == 0) due.push_back(it["due"].get<std::string>());
  CHECK(due == std::vector<std::string>{"2026-07-10", "2026-07-10"});

  // Persuasion before the deadline is refused, saying from when it becomes possible.
  auto early = d.run({"--now", "2026-03-01", "--json", "life", "correct", "--person", "张三", "--outcome", "persuade", "--ref", "大会记录"});
  CHECK(early.code == 1);
  CHECK(early.err.find("第九条") != std::string::npos);
  CHECK(early.err.find("2026-07-11") != std::string::npos);
  // 李四 corrects: the deadline closes.
  CHECK(ok(d, {"--now", "2026-03-01", "life", "correct", "--person", "李四", "--outcome", "corrected"}).json()["state"] == "corrected");
  // 张三 does not: overdue after the deadline, then persuasion, approval, refusal to leave, removal.
  auto overdue = ok(d, {"--now", "2026-07-20", "due", "--workflow", "life", "--overdue"}).json();
  int corrections = 0;
  for (const auto& it : overdue) corrections += it["kind"].get<std::string>().rfind("correction-", 0) == 0;
  CHECK(corrections == 1);
  CHECK(d.run({"--now", "2026-07-20", "life", "correct", "--person", "张三", "--outcome", "persuade"}).code == 2);  // minutes
  CHECK(d.run({"--now", "2026-07-20", "life", "correct", "--person", "张三", "--outcome", "remove", "--ref", "大会记录"}).code == 1);
  ok(d, {"--now", "2026-07-20", "life", "correct", "--person", "张三", "--outcome", "persuade", "--ref", "支部大会记录2026-07"});
  CHECK(ok(d, {"--now", "2026-08-01", "life", "correct", "--person", "张三", "--outcome", "approved", "--ref", "上级批复2026-9"})
            .json()["state"] == "persuaded");
  ok(d, {"--now", "2026-08-20", "life", "correct", "--person", "张三", "--outcome", "remove", "--ref", "支部大会记录2026-08"});
  CHECK(ok(d, {"--now", "2026-09-01", "life", "correct", "--person", "张三", "--outcome", "approved", "--ref", "上级批复2026-12"})
            .json()["state"] == "removed");
  // Nothing is left to decide, and no correction deadline stays open.
  CHECK(d.run({"--now", "2026-09-02", "life", "correct", "--person", "张三", "--outcome", "corrected"}).code == 1);
  for (const auto& it : ok(d, {"--now", "2026-09-02", "due", "--workflow", "life", "--within", "400"}).json())
    CHECK(it["kind"].get<std::string>().rfind("correction-", 0) != 0);
  require_verified(d, "2026-09-02");
}
