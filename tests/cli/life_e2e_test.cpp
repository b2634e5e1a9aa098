// Black-box runs of organisational life (issue 10 §1) through the djflow binary: meetings of each
// kind recorded, reminded when missing (a moved clock and tick), overdue once the period closes,
// a meeting entered late; R20 flags and the self-lapse review; dues; verify after all of it.
#include <catch2/catch.hpp>

#include <fstream>

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

int add_person(const Djflow& d, const std::string& name, const std::string& joined = "2010-07-01") {
  return ok(d, {"person", "add", name, "--branch", "B01", "--born", "1980-01-01", "--status", "full", "--joined", joined})
      .json()["id"]
      .get<int>();
}

// Open deadlines of the life ledger: "kind due" strings.
std::vector<std::string> life_due(const Djflow& d, const std::string& now, bool overdue = false) {
  std::vector<std::string> args = {"--now", now, "due", "--workflow", "life"};
  if (overdue) args.push_back("--overdue");
  std::vector<std::string> out;
  for (const auto& it : ok(d, args).json()) out.push_back(it["kind"].get<std::string>() + " " + it["due"].get<std::string>());
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

void require_verified(const Djflow& d, const std::string& now) {
  auto v = d.run({"--now", now, "--json", "verify"});
  INFO(v.out << v.err);
  REQUIRE(v.code == 0);
}

void setup(Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
}

}  // namespace

TEST_CASE("organisational life: recorded, reminded when missing, overdue after the period, entered late", "[cli][life][e2e]") {
  Djflow d;
  setup(d);
  add_person(d, "王书记");
  add_person(d, "李委员");
  add_person(d, "张三");
  ok(d, {"--now", "2026-01-05", "life", "start", "--org", "B01", "--date", "2026-01-01", "--secretary", "王书记",
         "--committee", "王书记,李委员", "--period", "group-meeting=none"});

  // The current period of each length has its deadline.
  auto open = life_due(d, "2026-01-05");
  CHECK(has(open, "life-month 2026-01-31"));
  CHECK(has(open, "life-quarter 2026-03-31"));
  CHECK(has(open, "life-year 2026-12-31"));

  // 主题党日 may be combined with a 党课; 支委会 may not be combined with 主题党日.
  auto refused = d.run({"--now", "2026-01-20", "--json", "meeting", "add", "--org", "B01", "--kind", "支部委员会会议", "--kind",
                        "主题党日", "--date", "2026-01-15", "--topic", "学习"});
  CHECK(refused.code == 2);
  ok(d, {"--now", "2026-01-20", "meeting", "add", "--org", "B01", "--kind", "支部委员会会议", "--date", "2026-01-10",
         "--topic", "研究发展党员工作", "--present", "王书记,李委员"});
  auto m = ok(d, {"--now", "2026-01-20", "meeting", "add", "--org", "B01", "--kind", "theme-day", "--kind", "党课", "--date",
                  "2026-01-15", "--topic", "学习党章", "--present", "王书记,李委员,张三", "--speaker", "王书记",
                  "--minutes-ref", "记录2026-01"});
  const int no = m.json()["seq"];
  auto shown = ok(d, {"meeting", "show", "--org", "B01", std::to_string(no)}).json();
  CHECK(shown["by_secretary"] == true);
  CHECK(shown["kinds"].size() == 2);
  CHECK(shown["should_attend"] == 3);

  // January done: the month's deadline is February's already.
  open = life_due(d, "2026-01-20");
  CHECK_FALSE(has(open, "life-month 2026-01-31"));
  CHECK(has(open, "life-month 2026-02-28"));

  // Nothing held in February: reminded on the fixed themed day (15th) ...
  auto t1 = ok(d, {"--now", "2026-02-15T10:00", "tick"}).json()["notifications"];
  REQUIRE(t1.size() == 1);
  CHECK(t1[0]["kind"] == "life-month");
  CHECK(t1[0]["days_left"] == 13);
  // ... 10 days before the period ends ...
  auto t2 = ok(d, {"--now", "2026-02-18T10:00", "tick"}).json()["notifications"];
  REQUIRE(t2.size() == 1);
  CHECK(t2[0]["days_left"] == 10);
  // ... and overdue once the period has closed; March's deadline opens.
  auto t3 = ok(d, {"--now", "2026-03-01T10:00", "tick"}).json()["notifications"];
  REQUIRE(t3.size() == 1);
  CHECK(t3[0]["kind"] == "life-month");
  CHECK(t3[0]["days_left"] == -1);
  auto overdue = life_due(d, "2026-03-02", true);
  CHECK(has(overdue, "life-month 2026-02-28"));
  CHECK(has(life_due(d, "2026-03-02"), "life-month 2026-03-31"));

  auto status = ok(d, {"--now", "2026-03-02", "life", "status", "--org", "B01", "--year", "2026"}).json();
  for (const auto& row : status) {
    if (row["kind"] == "committee-meeting" || row["kind"] == "theme-day") {
      CHECK(row["expected"] == 2);
      CHECK(row["held"] == 1);
      CHECK(row["missed"][0] == "2026-02");
    }
    if (row["kind"] == "group-meeting") CHECK(row["expected"] == 0);
  }

  // February's meetings entered late (dated before the ledger's last fact): accepted, counted,
  // and the overdue deadline closes.
  ok(d, {"--now", "2026-03-03", "meeting", "add", "--org", "B01", "--kind", "committee-meeting", "--date", "2026-02-20",
         "--topic", "补记", "--present", "王书记,李委员"});
  ok(d, {"--now", "2026-03-03", "meeting", "add", "--org", "B01", "--kind", "主题党日", "--kind", "党小组会", "--date", "2026-02-21",
         "--topic", "志愿服务"});
  CHECK_FALSE(has(life_due(d, "2026-03-03", true), "life-month 2026-02-28"));
  status = ok(d, {"--now", "2026-03-03", "life", "status", "--org", "B01", "--year", "2026"}).json();
  for (const auto& row : status)
    if (row["kind"] == "theme-day") CHECK(row["held"] == 2);

  // A quarter without a 支部党员大会: reminded 10 days before the quarter ends, overdue after.
  auto q = ok(d, {"--now", "2026-03-21T10:00", "tick"}).json()["notifications"];
  bool quarter = false;
  for (const auto& n : q) quarter = quarter || (n["kind"] == "life-quarter" && n["days_left"] == 10);
  CHECK(quarter);
  ok(d, {"--now", "2026-04-01T10:00", "tick"});
  CHECK(has(life_due(d, "2026-04-02", true), "life-quarter 2026-03-31"));

  // Talks: the year's coverage completes with the last member.
  ok(d, {"--now", "2026-04-02", "talk", "add", "--with", "李委员", "--by", "王书记", "--date", "2026-04-01"});
  auto last = ok(d, {"--now", "2026-04-02", "talk", "add", "--with", "张三", "--by", "王书记", "--date", "2026-04-02"}).json();
  CHECK(last["covers_all"] == true);

  // Chinese output names the kinds and the article.
  auto zh = d.run({"--now", "2026-04-02", "--lang", "zh", "life", "status", "--org", "B01"});
  CHECK(zh.out.find("支部党员大会") != std::string::npos);
  CHECK(zh.out.find("第十一条") != std::string::npos);

  require_verified(d, "2026-04-02");
}

TEST_CASE("a yearly duty: the organisational-life meeting is reminded when Q4 opens and overdue after the year", "[cli][life][e2e]") {
  Djflow d;
  setup(d);
  add_person(d, "王书记");
  ok(d, {"--now", "2026-09-01", "life", "start", "--org", "B01", "--date", "2026-09-01"});
  auto n = ok(d, {"--now", "2026-10-01T10:00", "tick"}).json()["notifications"];
  bool yearly = false;
  for (const auto& x : n) yearly = yearly || (x["kind"] == "life-year" && x["days_left"] == 91);
  CHECK(yearly);
  ok(d, {"--now", "2027-01-01T10:00", "tick"});
  CHECK(has(life_due(d, "2027-01-02", true), "life-year 2026-12-31"));
  auto status = ok(d, {"--now", "2027-01-02", "life", "status", "--org", "B01", "--year", "2026"}).json();
  for (const auto& row : status)
    if (row["kind"] == "life-meeting") {
      CHECK(row["expected"] == 1);
      CHECK(row["held"] == 0);
    }
  // Held in January of the next year: the overdue yearly duty closes for the life meeting.
  ok(d, {"--now", "2027-01-10", "meeting", "add", "--org", "B01", "--kind", "组织生活会", "--kind", "民主评议党员", "--date", "2027-01-08",
         "--topic", "2026年度组织生活会"});
  require_verified(d, "2027-01-10");
}

TEST_CASE("R20: six months without organisational life or dues flags a member, and the self-lapse review runs in order",
          "[cli][life][e2e][r20]") {
  Djflow d;
  setup(d);
  add_person(d, "张三");
  add_person(d, "李四");
  const int zhao = add_person(d, "赵五");
  ok(d, {"--now", "2026-01-02", "life", "start", "--org", "B01", "--date", "2026-01-01"});
  ok(d, {"--now", "2026-01-10", "meeting", "add", "--org", "B01", "--kind", "支部党员大会", "--date", "2026-01-10", "--topic", "学习",
         "--present", "张三", "--absent", "李四:出差", "--absent", "赵五"});
  ok(d, {"--now", "2026-01-10", "dues", "pay", "--person", "张三", "--month", "2026-01,2026-02,2026-03,2026-04,2026-05,2026-06",
         "--amount", "90", "--date", "2026-01-10"});
  // A month paid twice is refused, and nothing is written.
  CHECK(d.run({"--now", "2026-01-10", "dues", "pay", "--person", "张三", "--month", "2026-01", "--amount", "90"}).code == 1);

  // Before six months: nobody.
  CHECK(ok(d, {"--now", "2026-06-30", "life", "flags", "--org", "B01"}).json().empty());
  auto flags = ok(d, {"--now", "2026-07-10", "life", "flags", "--org", "B01"}).json();
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& f : flags) by_name[f["name"]] = f;
  REQUIRE(by_name.count("赵五"));
  CHECK(by_name["赵五"]["attendance"] == true);   // absent without a reason, never seen since
  CHECK(by_name["赵五"]["dues"] == true);         // January to June unpaid
  CHECK(by_name["赵五"]["article"] == "《中国共产党章程》第九条");
  REQUIRE(by_name.count("李四"));                 // excused in January, but unpaid dues
  CHECK(by_name["李四"]["attendance"] == false);
  CHECK_FALSE(by_name.count("张三"));             // dues paid; seen 2026-01-10, six months end 07-10... same day counts
  auto arrears = ok(d, {"--now", "2026-07-10", "dues", "arrears", "--org", "B01", "--min", "6"}).json();
  CHECK(arrears.size() == 2);

  // The review: no decision before the member was notified and heard.
  auto opened = ok(d, {"--now", "2026-07-10", "life", "review", "open", "--person", "赵五", "--reason", "attendance"}).json();
  const std::string id = std::to_string(opened["case"].get<int>());
  auto early = d.run({"--now", "2026-07-11", "--json", "record", id, "decide", "--with", "decision=remove", "--ref", "党员大会记录"});
  CHECK(early.code == 1);
  CHECK(early.err.find("第九条") != std::string::npos);
  ok(d, {"--now", "2026-07-12", "record", id, "notify", "--note", "已当面通知，本人无异议"});
  CHECK(d.run({"--now", "2026-07-20", "record", id, "decide", "--with", "decision=remove"}).code == 2);  // minutes needed
  ok(d, {"--now", "2026-07-20", "record", id, "decide", "--with", "decision=remove", "--ref", "党员大会记录2026-07"});
  auto approved = ok(d, {"--now", "2026-07-30", "record", id, "approve", "--ref", "上级批复2026-15"}).json();
  CHECK(approved["state"] == "removed");
  auto p = ok(d, {"person", "show", std::to_string(zhao)}).json();
  CHECK(p["status"] == "none");
  require_verified(d, "2026-07-30");
}

TEST_CASE("dues import is all or nothing, and appraisal grades are recorded", "[cli][life][e2e][dues]") {
  Djflow d;
  setup(d);
  add_person(d, "张三");
  add_person(d, "李四");
  ok(d, {"--now", "2026-01-02", "life", "start", "--org", "B01", "--date", "2026-01-01"});
  const auto csv = (d.dir().path() / "dues.csv").string();
  {
    std::ofstream f(csv);
    f << "person,month,amount,paid_on\n张三,2026-01,90.00,2026-01-05\n李四,2026-01,12.5,2026-01-06\n王某,2026-01,10,2026-01-06\n";
  }
  auto bad = d.run({"--now", "2026-02-02", "--json", "dues", "import", csv, "--org", "B01"});
  CHECK(bad.code == 3);  // no such person: nothing written
  CHECK(ok(d, {"--now", "2026-02-02", "dues", "arrears", "--org", "B01"}).json().size() == 2);
  {
    std::ofstream f(csv);
    f << "person,month,amount,paid_on\n张三,2026-01,90.00,2026-01-05\n李四,2026-01,12.5,2026-01-06\n";
  }
  CHECK(ok(d, {"--now", "2026-02-02", "dues", "import", csv, "--org", "B01"}).json()["rows"] == 2);
  CHECK(ok(d, {"--now", "2026-02-02", "dues", "arrears", "--org", "B01"}).json().empty());
  CHECK(d.run({"--now", "2026-02-02", "dues", "pay", "--person", "张三", "--month", "2026-02", "--amount", "9.999"}).code == 2);

  auto g = ok(d, {"--now", "2026-12-20", "life", "grade", "--org", "B01", "--date", "2026-12-20", "--grade", "张三:优秀", "--grade",
                  "李四:不合格"}).json();
  CHECK(g["unqualified"][0] == "李四");
  CHECK(d.run({"--now", "2026-12-20", "life", "grade", "--org", "B01", "--grade", "张三:很好"}).code == 2);
  require_verified(d, "2026-12-20");
}

// Z5 (《中国共产党支部工作条例（试行）》第十七条): the problems an organisational-life meeting finds are
// rectified item by item. `meeting add --rectify` opens the batch (source 组织生活会, the meeting
// as its origin) in the same command; items are then added to it.
TEST_CASE("meeting add --rectify opens a rectification batch with the meeting as origin", "[cli][life][rectify]") {
  Djflow d;
  setup(d);
  add_person(d, "王书记");
  add_person(d, "张三");
  ok(d, {"--now", "2026-01-05", "life", "start", "--org", "B01", "--date", "2026-01-01", "--secretary", "王书记"});

  // Only an organisational-life meeting opens one: refused for another kind, nothing recorded.
  auto refused = d.run({"--now", "2026-11-20", "--json", "meeting", "add", "--org", "B01", "--kind", "主题党日", "--date",
                        "2026-11-15", "--topic", "学习", "--rectify"});
  CHECK(refused.code == 2);
  CHECK(ok(d, {"meeting", "list", "--org", "B01"}).json().empty());
  CHECK(ok(d, {"rectify", "batch", "list"}).json().empty());

  auto m = ok(d, {"--now", "2026-11-20", "meeting", "add", "--org", "B01", "--kind", "组织生活会", "--date", "2026-11-18",
                  "--topic", "2026年度组织生活会", "--present", "王书记,张三", "--rectify"})
               .json();
  REQUIRE(m.contains("batch"));
  const int batch = m["batch"];
  const int meeting_case = m["case"];
  const int seq = m["seq"];
  auto batches = ok(d, {"rectify", "batch", "list"}).json();
  REQUIRE(batches.size() == 1);
  CHECK(batches[0]["id"] == batch);
  CHECK(batches[0]["source"] == "org-life-meeting");
  CHECK(batches[0]["org"] == "B01");
  CHECK(batches[0]["feedback"] == "2026-11-18");
  CHECK(batches[0]["title"].get<std::string>().find("2026年度组织生活会") != std::string::npos);
  // The batch's first step names the meeting it came from.
  auto shown = ok(d, {"show", std::to_string(batch)}).json();
  CHECK(shown["history"][0]["ref"] ==
        "组织生活会 B01 #" + std::to_string(meeting_case) + "." + std::to_string(seq));
  // Items go into it with the batch's source, and the meeting counts as the year's 组织生活会.
  auto item = ok(d, {"--now", "2026-11-25", "rectify", "add", "--batch", std::to_string(batch), "--problem",
                     "批评和自我批评不够深入", "--measures", "逐条制定措施", "--leader", "王书记", "--department", "党支部",
                     "--owner", "张三", "--type", "deadline", "--deadline", "2027-01-31", "--date", "2026-11-25"})
                  .json();
  auto item_shown = ok(d, {"show", std::to_string(item["id"].get<int>())}).json();
  CHECK(item_shown["workflow"] == "rectify");
  auto status = ok(d, {"--now", "2026-12-01", "life", "status", "--org", "B01", "--year", "2026"}).json();
  bool held = false;
  for (const auto& k : status)
    if (k["kind"] == "life-meeting") held = k["held"] == 1;
  CHECK(held);
  require_verified(d, "2026-12-01");
}
