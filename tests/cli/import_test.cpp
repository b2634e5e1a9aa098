// Issue 9 §1 and §5: spreadsheets in and out. The files are made by openpyxl (Debian's
// python3-openpyxl, run with /usr/bin/python3), never by djflow itself; the tests fail, never
// skip, when it is missing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::shell_quote;
using Json = nlohmann::json;

namespace {

const std::string kNow = "2026-11-28";

std::string py() { return "/usr/bin/python3"; }

void require_python_modules() {
  INFO("python3-openpyxl and python3-icalendar are needed (scripts/lib.sh installs them)");
  REQUIRE(Djflow::sh(py() + " -c 'import openpyxl, icalendar' 2>/dev/null") == 0);
}

std::string fixtures(const Djflow& d) {
  require_python_modules();
  const std::string dir = (d.dir().path() / "fx").string();
  std::filesystem::create_directories(dir);
  const std::string script = std::string(DJFLOW_TEST_DATA) + "/make_import_fixtures.py";
  REQUIRE(Djflow::sh(py() + " " + shell_quote(script) + " " + shell_quote(dir)) == 0);
  return dir;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs a Python snippet with argv[1] = arg; returns its stdout.
std::string python(const Djflow& d, const std::string& code, const std::string& arg) {
  const auto script = d.dir().path() / "snippet.py";
  std::ofstream(script) << code;
  const auto out = d.dir().path() / "snippet.out";
  REQUIRE(Djflow::sh(py() + " " + shell_quote(script.string()) + " " + shell_quote(arg) + " > " +
                     shell_quote(out.string())) == 0);
  return slurp(out.string());
}

void seed(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
}

djflow::testing::RunResult at_now(const Djflow& d, std::vector<std::string> args) {
  args.insert(args.begin(), {"--now", kNow, "--actor", "组织委员"});
  return d.run(args);
}

}  // namespace

TEST_CASE("a 40-person roster and a 34-person pipeline imported equal the same entered step by step", "[cli][import]") {
  Djflow imported, by_hand;
  const std::string fx = fixtures(imported);
  seed(imported);
  seed(by_hand);

  auto r = at_now(imported, {"--json", "import", "roster", fx + "/roster.xlsx"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["persons_created"] == 40);
  auto m = at_now(imported, {"--json", "import", "members", fx + "/members.xlsx"});
  INFO(m.out << m.err);
  REQUIRE(m.code == 0);
  CHECK(m.json()["cases_started"] == 34);
  CHECK(m.json()["persons_created"] == 34);

  const Json hand = Json::parse(slurp(fx + "/hand.json"));
  for (const auto& cmd : hand) {
    auto h = at_now(by_hand, cmd.get<std::vector<std::string>>());
    INFO(cmd.dump() << "\n" << h.err);
    REQUIRE(h.code == 0);
  }
  // Every case the same: state, deadlines, the whole history (hashes included: same actor, clock).
  for (int id = 1; id <= 34; ++id) {
    auto a = at_now(imported, {"--json", "show", std::to_string(id)});
    auto b = at_now(by_hand, {"--json", "show", std::to_string(id)});
    REQUIRE(a.code == 0);
    CHECK(a.json() == b.json());
  }
  // Every stage is there, and a probationary member has the end of probation to come.
  std::set<std::string> states;
  for (int id = 1; id <= 34; ++id) states.insert(at_now(imported, {"--json", "show", std::to_string(id)}).json()["state"]);
  CHECK(states == std::set<std::string>{"applicant", "activist", "candidate", "pre-reviewed", "admitted",
                                        "probationary", "conversion-pending", "full"});
  CHECK(at_now(imported, {"--json", "person", "list"}).json() == at_now(by_hand, {"--json", "person", "list"}).json());
  CHECK(at_now(imported, {"--json", "due"}).json() == at_now(by_hand, {"--json", "due"}).json());
  // The reminders: what the next tick sends is the same.
  auto ta = at_now(imported, {"--json", "tick"});
  auto tb = at_now(by_hand, {"--json", "tick"});
  REQUIRE(ta.code == 0);
  CHECK(ta.json() == tb.json());
  CHECK(at_now(imported, {"verify"}).code == 0);

  // Re-importing the same files changes nothing.
  const std::string before = imported.contents();
  auto again = at_now(imported, {"--json", "import", "members", fx + "/members.xlsx"});
  INFO(again.out << again.err);
  REQUIRE(again.code == 0);
  CHECK(again.json()["steps_recorded"] == 0);
  CHECK(again.json()["unchanged"] == 34);
  auto again_roster = at_now(imported, {"--json", "import", "roster", fx + "/roster.xlsx"});
  REQUIRE(again_roster.code == 0);
  CHECK(again_roster.json()["unchanged"] == 40);
  CHECK(at_now(imported, {"--json", "show", "34"}).json() == at_now(by_hand, {"--json", "show", "34"}).json());
}

TEST_CASE("a roster with 10 kinds of mistakes gives a report naming each and leaves the database byte-identical", "[cli][import]") {
  Djflow d;
  const std::string fx = fixtures(d);
  seed(d);
  const std::string before = d.contents();
  const std::string report = (d.dir().path() / "report.csv").string();
  auto r = at_now(d, {"--json", "import", "roster", fx + "/roster_errors.csv", "--errors", report});
  REQUIRE(r.code == 2);
  CHECK(d.contents() == before);
  const auto problems = r.json()["problems"];
  std::set<std::pair<int, std::string>> where;
  for (const auto& p : problems) where.insert({p["row"].get<int>(), p["column"].get<std::string>()});
  const std::set<std::pair<int, std::string>> expected{
      {1, "籍贯"}, {2, "入党时间"}, {3, "姓名"}, {4, "政治面貌"}, {5, "所在组织"}, {6, "出生日期"},
      {7, "入党时间"}, {8, "入党时间"}, {9, "入党时间"}, {11, "姓名"}, {12, "出生日期"}};
  CHECK(where == expected);
  const std::string csv = slurp(report);
  CHECK(csv.rfind("\xEF\xBB\xBF行,列,值,问题", 0) == 0);
  CHECK(csv.find("第2行 入党时间 2023-02-30：不是有效日期") != std::string::npos);
  // The same report as XLSX, read by openpyxl.
  const std::string xreport = (d.dir().path() / "report.xlsx").string();
  REQUIRE(at_now(d, {"import", "roster", fx + "/roster_errors.csv", "--errors", xreport}).code == 2);
  auto rows = python(d, "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).active\nprint(ws.max_row)\n", xreport);
  CHECK(std::stoi(rows) == static_cast<int>(problems.size()) + 1);
  CHECK(d.contents() == before);
  // --partial takes the one good row (the first 辛八) and reports the rest.
  auto p = at_now(d, {"--json", "import", "roster", fx + "/roster_errors.csv", "--partial"});
  CHECK(p.code == 2);
  CHECK(p.json()["committed"] == true);
  CHECK(p.json()["persons_created"] == 1);
}

TEST_CASE("a pipeline row refused by a rule names the step, and --dry-run and --partial", "[cli][import]") {
  Djflow d;
  const std::string fx = fixtures(d);
  seed(d);
  const std::string before = d.contents();
  auto dry = at_now(d, {"--json", "import", "members", fx + "/members_bad.xlsx", "--dry-run"});
  INFO(dry.out << dry.err);
  CHECK(dry.code == 1);
  REQUIRE(dry.json()["problems"].size() == 1);
  const auto p = dry.json()["problems"][0];
  CHECK(p["row"] == 3);
  CHECK(p["column"] == "propose date");  // the header as the file writes it
  CHECK(p["value"] == "2023-09-01");
  CHECK(p["problem"].get<std::string>().find("第") != std::string::npos);  // the article in words
  CHECK(d.contents() == before);
  auto all = at_now(d, {"--json", "import", "members", fx + "/members_bad.xlsx"});
  CHECK(all.code == 1);
  CHECK(all.json()["committed"] == false);
  CHECK(d.contents() == before);
  auto part = at_now(d, {"--json", "import", "members", fx + "/members_bad.xlsx", "--partial"});
  CHECK(part.code == 1);
  CHECK(part.json()["committed"] == true);
  CHECK(part.json()["cases_started"] == 2);
  auto list = at_now(d, {"--json", "list"}).json();
  CHECK(list.size() == 2);
}

TEST_CASE("templates, exports and the calendar are read by other programs", "[cli][import][export]") {
  Djflow d;
  const std::string fx = fixtures(d);
  seed(d);
  REQUIRE(at_now(d, {"import", "roster", fx + "/roster.xlsx"}).code == 0);
  REQUIRE(at_now(d, {"import", "members", fx + "/members.xlsx"}).code == 0);

  // The template: Chinese headers, an explanation row, drop-down lists; it imports as empty.
  const std::string tpl = (d.dir().path() / "t.xlsx").string();
  REQUIRE(at_now(d, {"import", "template", "roster", tpl}).code == 0);
  auto t = python(d,
                  "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).active\n"
                  "print(ws.cell(1,1).value, ws.cell(2,1).value[:4], len(ws.data_validations.dataValidation))\n",
                  tpl);
  CHECK(t == "姓名* 【说明】 1\n");
  auto empty = at_now(d, {"--json", "import", "roster", tpl});
  CHECK(empty.code == 0);
  CHECK(empty.json()["rows"] == 0);

  // The development ledger: XLSX, CSV with BOM, JSON; one row per person with every step date.
  const std::string xlsx = (d.dir().path() / "m.xlsx").string();
  const std::string csv = (d.dir().path() / "m.csv").string();
  REQUIRE(at_now(d, {"export", "members", "--xlsx", xlsx, "--csv", csv}).code == 0);
  auto x = python(d,
                  "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).active\n"
                  "h = [c.value for c in ws[1]]\nprint(ws.max_row - 1, h.index('确定积极分子日期') >= 0)\n"
                  "print(ws.cell(35, h.index('审批转正日期') + 1).value)\n",
                  xlsx);
  CHECK(x.rfind("34 True\n", 0) == 0);
  CHECK(slurp(csv).rfind("\xEF\xBB\xBF姓名,", 0) == 0);
  auto j = at_now(d, {"--json", "export", "members"}).json();
  CHECK(j["count"] == 34);
  CHECK(j["rows"][16]["审批转正日期"] != "");
  // The exported ledger imports into another database as the same cases.
  Djflow other;
  seed(other);
  REQUIRE(at_now(other, {"import", "roster", fx + "/roster.xlsx"}).code == 0);
  auto re = at_now(other, {"--json", "import", "members", xlsx});
  INFO(re.out << re.err);
  CHECK(re.code == 0);
  CHECK(at_now(other, {"--json", "due"}).json() == at_now(d, {"--json", "due"}).json());
  auto roster = at_now(d, {"--json", "export", "roster"}).json();
  CHECK(roster["count"] == 74);

  // The calendar: parsed by python3-icalendar; one event with an alarm per open deadline; the
  // same UIDs when exported again.
  const std::string ics = (d.dir().path() / "c.ics").string();
  REQUIRE(at_now(d, {"calendar", "export", "--ics", ics}).code == 0);
  const std::string code =
      "import sys, icalendar\ncal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
      "ev = [c for c in cal.walk('VEVENT')]\nuids = sorted(str(e['UID']) for e in ev)\n"
      "print(len(ev), len(set(uids)), all(len(e.walk('VALARM')) == 1 for e in ev))\nprint(','.join(uids))\n";
  const auto first = python(d, code, ics);
  const auto due = at_now(d, {"--json", "due"}).json();
  CHECK(first.rfind(std::to_string(due.size()) + " " + std::to_string(due.size()) + " True\n", 0) == 0);
  REQUIRE(at_now(d, {"calendar", "export", "--ics", ics}).code == 0);
  CHECK(python(d, code, ics) == first);
}

TEST_CASE("a rectification ledger is imported into a batch, and every batch exported in one workbook", "[cli][import][rectify]") {
  Djflow d;
  const std::string fx = fixtures(d);
  seed(d);
  REQUIRE(at_now(d, {"rectify", "batch", "add", "--source", "inspection", "--org", "B01", "--feedback", "2026-10-20"}).code == 0);
  auto r = at_now(d, {"--json", "import", "rectify", fx + "/rectify.xlsx", "--batch", "1"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["cases_started"] == 2);
  auto again = at_now(d, {"--json", "import", "rectify", fx + "/rectify.xlsx", "--batch", "1"});
  CHECK(again.json()["unchanged"] == 2);
  auto j = at_now(d, {"--json", "rectify", "export", "--batch", "1"});
  REQUIRE(j.code == 0);  // --json without --csv
  CHECK(j.json()["rows"].size() == 2);
  const std::string xlsx = (d.dir().path() / "r.xlsx").string();
  REQUIRE(at_now(d, {"rectify", "export", "--all", "--xlsx", xlsx}).code == 0);
  auto x = python(d, "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\nprint(len(wb.sheetnames), wb.active.max_row)\n", xlsx);
  CHECK(x == "1 3\n");
}

TEST_CASE("a probationary member in a roster gets a case in probation with its end and reminders", "[cli][import]") {
  Djflow d, piped;
  const std::string fx = fixtures(d);
  seed(d);
  seed(piped);
  auto r = at_now(d, {"--json", "import", "roster", fx + "/roster_probationary.xlsx"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["persons_created"] == 3);
  CHECK(r.json()["cases_started"] == 2);  // the full member has none
  auto cases = at_now(d, {"--json", "list"}).json();
  REQUIRE(cases.size() == 2);
  for (const auto& c : cases) CHECK(c["state"] == "probationary");
  // The end of probation is the admission + 1 year (D33), as for one whose pipeline was imported.
  auto show = at_now(d, {"--json", "show", "预甲"}).json();
  CHECK(show["state"] == "probationary");
  bool end_found = false;
  const Json deadlines = show["deadlines"];
  for (const auto& dl : deadlines)
    if (dl["kind"] == "probation-end") {
      end_found = true;
      CHECK(dl["due"] == "2027-03-10");
    }
  CHECK(end_found);
  // The same person through `import members` (admitted 2026-03-10, approved later) has the same end.
  const std::string csv = (piped.dir().path() / "p.csv").string();
  std::ofstream(csv) << "姓名,所在组织,出生日期,递交入党申请书日期,派人谈话日期,确定积极分子日期,培养联系人,指定培养联系人日期,"
                        "确定发展对象日期,入党介绍人,确定入党介绍人日期,政治审查日期,集中培训日期,培训天数,预审日期,"
                        "支部大会接收日期,接收应到人数,接收实到人数,接收赞成票,上级党委谈话日期,上级党委审批日期\n"
                        "预甲,B01,1995-05-01,2024-01-02,2024-01-20,2024-02-01,正丙、正丁,2024-02-02,2025-02-10,正丙、正丁,"
                        "2025-02-12,2025-02-14,2025-02-20,3,2025-03-01,2026-03-10,3,3,3,2026-03-15,2026-03-20\n";
  REQUIRE(at_now(piped, {"person", "add", "正丙", "--branch", "B01", "--born", "1970-01-02", "--status", "full", "--joined", "2000-07-01"}).code == 0);
  REQUIRE(at_now(piped, {"person", "add", "正丁", "--branch", "B01", "--born", "1971-01-02", "--status", "full", "--joined", "2000-07-01"}).code == 0);
  REQUIRE(at_now(piped, {"person", "add", "正戊", "--branch", "B01", "--born", "1972-01-02", "--status", "full", "--joined", "2000-07-01"}).code == 0);
  auto m = at_now(piped, {"--json", "import", "members", csv});
  INFO(m.out << m.err);
  REQUIRE(m.code == 0);
  auto piped_show = at_now(piped, {"--json", "show", "预甲"}).json();
  CHECK(piped_show["state"] == "probationary");
  auto end_of = [](const Json& s) {
    for (const auto& dl : s["deadlines"])
      if (dl["kind"] == "probation-end") return dl["due"].get<std::string>();
    return std::string();
  };
  CHECK(end_of(piped_show) == end_of(show));
  // 预乙's probation ended 2026-10-08: the reminder is overdue; the due list has both.
  auto due = at_now(d, {"--json", "due"}).json();
  std::set<std::string> dues;
  for (const auto& x : due) dues.insert(x["kind"].get<std::string>() + " " + x["due"].get<std::string>());
  CHECK(dues == std::set<std::string>{"probation-end 2026-10-08", "probation-end 2027-03-10"});
  // The reminder 30 days before the end fires (预备期满).
  auto tick = d.run({"--now", "2027-02-08T10:00", "--json", "tick"});
  REQUIRE(tick.code == 0);
  CHECK(tick.out.find("预甲") != std::string::npos);
  CHECK(at_now(d, {"verify"}).code == 0);
  // A correction of the person's membership stays the case's: the status is probationary.
  auto person = at_now(d, {"--json", "person", "show", "预甲"}).json();
  CHECK(person["status"] == "probationary");
  CHECK(person["joined"] == "2026-03-10");
  // Re-importing changes nothing.
  Djflow again;
  seed(again);
  REQUIRE(at_now(again, {"import", "roster", fx + "/roster_probationary.xlsx"}).code == 0);
  const std::string before = again.contents();
  auto re = at_now(again, {"--json", "import", "roster", fx + "/roster_probationary.xlsx"});
  REQUIRE(re.code == 0);
  CHECK(re.json()["unchanged"] == 3);
  CHECK(re.json()["cases_started"] == 0);
  CHECK(again.contents() == before);
}

TEST_CASE("a rectification ledger with progress, extensions and close-outs is replayed through the workflow",
          "[cli][import][rectify]") {
  Djflow d, by_hand;
  const std::string fx = fixtures(d);
  for (const Djflow* x : {&d, &by_hand}) {
    seed(*x);
    REQUIRE(at_now(*x, {"rectify", "batch", "add", "--source", "inspection", "--org", "B01", "--feedback", "2026-08-20"}).code == 0);
  }
  auto r = at_now(d, {"--json", "import", "rectify", fx + "/rectify_ledger.xlsx", "--batch", "1"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["cases_started"] == 4);
  // The same ledger entered by hand, item by item, step by step.
  const std::vector<std::vector<std::string>> hand{
      {"rectify", "add", "--batch", "1", "--problem", "三会一课记录不全", "--measures", "补齐记录并建立台账", "--leader", "王书记",
       "--department", "党办", "--owner", "李委员", "--type", "deadline", "--deadline", "2026-10-15", "--date", "2026-09-01"},
      {"record", "2", "start", "--date", "2026-09-01"},
      {"record", "2", "progress", "--date", "2026-09-20", "--note", "已制定方案"},
      {"record", "2", "request-extension", "--date", "2026-10-01", "--with", "to=2026-11-15", "--note", "需要补充材料"},
      {"record", "2", "approve-extension", "--date", "2026-10-03", "--with", "approver=王书记"},
      {"record", "2", "progress", "--date", "2026-10-20", "--note", "已完成一半"},
      {"record", "2", "submit", "--date", "2026-11-10", "--with", "evidence=整改报告", "--note", "整改完毕"},
      {"record", "2", "accept", "--date", "2026-11-12", "--with", "verifier=张主任", "--note", "同意销号"},
      {"rectify", "add", "--batch", "1", "--problem", "理论学习不深入", "--measures", "制定学习计划", "--leader", "王书记",
       "--department", "党办", "--owner", "赵委员", "--type", "long-term", "--milestone", "2026-10-31:完成第一阶段",
       "--milestone", "2027-06-30:完成第二阶段", "--date", "2026-09-01"},
      {"record", "3", "start", "--date", "2026-09-01"},
      {"record", "3", "milestone", "--date", "2026-10-30", "--note", "第一阶段完成"},
      {"rectify", "add", "--batch", "1", "--problem", "公示栏内容过期", "--measures", "立即更新", "--leader", "王书记",
       "--department", "党办", "--owner", "钱委员", "--type", "immediate", "--date", "2026-11-01"},
      {"record", "4", "submit", "--date", "2026-11-05", "--with", "evidence=照片", "--note", "当场整改"},
      {"record", "4", "return", "--date", "2026-11-06", "--note", "材料不全"},
      {"record", "4", "submit", "--date", "2026-11-07", "--with", "evidence=补充说明", "--note", "补充材料"},
      {"record", "4", "accept", "--date", "2026-11-08", "--with", "verifier=张主任", "--note", "同意"},
      {"rectify", "add", "--batch", "1", "--problem", "发展党员档案不规范", "--measures", "逐一核查补正", "--leader", "王书记",
       "--department", "组织科", "--owner", "孙委员", "--type", "deadline", "--deadline", "2026-12-31", "--date", "2026-10-01"},
      {"record", "5", "start", "--date", "2026-10-01"},
      {"record", "5", "progress", "--date", "2026-10-15", "--note", "已开会部署"},
  };
  for (const auto& cmd : hand) {
    auto h = at_now(by_hand, cmd);
    INFO(cmd[1] << " " << cmd[2] << "\n" << h.err);
    REQUIRE(h.code == 0);
  }
  std::vector<std::string> states;
  for (int id = 2; id <= 5; ++id) {
    auto a = at_now(d, {"--json", "show", std::to_string(id)});
    auto b = at_now(by_hand, {"--json", "show", std::to_string(id)});
    REQUIRE(a.code == 0);
    CHECK(a.json() == b.json());  // state, deadlines, the whole history with its hashes
    states.push_back(a.json()["state"]);
  }
  CHECK(states == std::vector<std::string>{"closed", "long-term", "closed", "in-progress"});
  CHECK(at_now(d, {"--json", "due"}).json() == at_now(by_hand, {"--json", "due"}).json());
  CHECK(at_now(d, {"verify"}).code == 0);

  // Re-importing changes nothing.
  const std::string before = d.contents();
  auto again = at_now(d, {"--json", "import", "rectify", fx + "/rectify_ledger.xlsx", "--batch", "1"});
  INFO(again.out << again.err);
  REQUIRE(again.code == 0);
  CHECK(again.json()["unchanged"] == 4);
  CHECK(again.json()["steps_recorded"] == 0);
  CHECK(d.contents() == before);

  // The exported ledger imports into another database as the same ledger.
  const std::string xlsx = (d.dir().path() / "ledger.xlsx").string();
  REQUIRE(at_now(d, {"rectify", "export", "--batch", "1", "--xlsx", xlsx}).code == 0);
  Djflow other;
  seed(other);
  REQUIRE(at_now(other, {"rectify", "batch", "add", "--source", "inspection", "--org", "B01", "--feedback", "2026-08-20"}).code == 0);
  auto re = at_now(other, {"--json", "import", "rectify", xlsx, "--batch", "1"});
  INFO(re.out << re.err);
  REQUIRE(re.code == 0);
  CHECK(at_now(other, {"--json", "rectify", "export", "--batch", "1"}).json() ==
        at_now(d, {"--json", "rectify", "export", "--batch", "1"}).json());
}

TEST_CASE("a rectification ledger's mistakes are reported by row and column, and a rule's refusal names its column",
          "[cli][import][rectify]") {
  Djflow d;
  const std::string fx = fixtures(d);
  seed(d);
  REQUIRE(at_now(d, {"rectify", "batch", "add", "--source", "inspection", "--org", "B01", "--feedback", "2026-08-20"}).code == 0);
  const std::string before = d.contents();
  auto bad = at_now(d, {"--json", "--lang", "zh", "import", "rectify", fx + "/rectify_ledger_bad.xlsx", "--batch", "1"});
  INFO(bad.out << bad.err);
  CHECK(bad.code == 2);
  std::set<std::pair<int, std::string>> where;
  const Json problems = bad.json()["problems"];
  for (const auto& p : problems) where.insert({p["row"].get<int>(), p["column"].get<std::string>()});
  CHECK(where == std::set<std::pair<int, std::string>>{{2, "进展情况"}, {3, "完成情况"}, {4, "延期申请及批准"}});
  CHECK(d.contents() == before);
  auto text = at_now(d, {"--lang", "zh", "import", "rectify", fx + "/rectify_ledger_bad.xlsx", "--batch", "1"});
  CHECK(text.err.find("第2行 进展情况") != std::string::npos);
  CHECK(text.err.find("每行应以日期开头") != std::string::npos);

  // The verifier is the responsible person: the workflow refuses the close-out (exit 1), the
  // report names the row and the 验收人 column; nothing of the file is written.
  auto refused = at_now(d, {"--json", "--lang", "zh", "import", "rectify", fx + "/rectify_ledger_refused.xlsx", "--batch", "1"});
  INFO(refused.out << refused.err);
  CHECK(refused.code == 1);
  REQUIRE(refused.json()["problems"].size() == 1);
  const auto p = refused.json()["problems"][0];
  CHECK(p["row"] == 2);
  CHECK(p["column"] == "验收人");
  CHECK(d.contents() == before);
  // --partial keeps the good item and leaves the refused one out entirely.
  auto part = at_now(d, {"--json", "import", "rectify", fx + "/rectify_ledger_refused.xlsx", "--batch", "1", "--partial"});
  CHECK(part.code == 1);
  CHECK(part.json()["committed"] == true);
  CHECK(at_now(d, {"--json", "rectify", "list", "--batch", "1"}).json().size() == 1);
}
