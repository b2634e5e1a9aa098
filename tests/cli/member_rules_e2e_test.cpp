// Issue 8, items 1-9, through the CLI (the contract): who may apply (D1), the outcomes at the end
// of probation (D34, D35) with the person's status, a meeting that votes no, working days without
// holiday data (D13) listed by `djflow check`, eligible voters against the register, small
// branches (D29) and late steps that need a reason (D27).
#include <catch2/catch.hpp>

#include <fstream>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;
using V = std::vector<std::string>;

namespace {

const std::string kNow = "--now=2026-11-28";

// B01 with four full members (ids 1-4) and 张三 (id 5), not a member.
void seed(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  for (auto [name, joined] : {std::pair{"李老师", "2005-07-01"}, {"王老师", "2008-07-01"},
                              {"赵老师", "2010-07-01"}, {"钱老师", "2011-07-01"}}) {
    REQUIRE(d.run({"person", "add", name, "--branch", "B01", "--born", "1980-01-01", "--status", "full",
                   "--joined", joined}).code == 0);
  }
  REQUIRE(d.run({"person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"}).out == "5\n");
}

RunResult rec(const Djflow& d, const std::vector<std::string>& args) {
  std::vector<std::string> all = {kNow, "--json", "record", "1"};
  all.insert(all.end(), args.begin(), args.end());
  return d.run(all);
}

void ok(const Djflow& d, const std::vector<std::string>& args, const std::string& state) {
  auto r = rec(d, args);
  INFO(args[0] << ": " << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["state"] == state);
}

// Case 1 of 张三 under the 2014 rules, up to the branch meeting (admitted 2023-05-20).
void to_admitted(const Djflow& d) {
  REQUIRE(d.run({kNow, "member", "apply", "5", "--date", "2022-03-01"}).code == 0);
  ok(d, {"talk", "--date", "2022-03-10"}, "applicant");
  ok(d, {"activist", "--date", "2022-04-01"}, "activist");
  ok(d, {"mentors", "--date", "2022-04-02", "--with", "mentors=1"}, "activist");
  ok(d, {"propose", "--date", "2023-04-01"}, "candidate");
  ok(d, {"sponsors", "--date", "2023-04-05", "--with", "sponsors=1,2"}, "candidate");
  ok(d, {"political-review", "--date", "2023-04-10", "--with", "result=pass"}, "candidate");
  ok(d, {"training", "--date", "2023-04-15", "--with", "days=3"}, "candidate");
  ok(d, {"pre-review", "--date", "2023-05-01"}, "pre-reviewed");
  ok(d, {"admit", "--date", "2023-05-20", "--with", "eligible=4", "--with", "present=3", "--with", "yes=3"},
     "admitted");
  ok(d, {"interview", "--date", "2023-05-25"}, "admitted");
}

// ... then approved, and applied for full membership: probation ends 2024-05-20.
void to_probation_end(const Djflow& d) {
  to_admitted(d);
  ok(d, {"approve", "--date", "2023-06-01"}, "probationary");
  ok(d, {"apply-full", "--date", "2024-05-01"}, "probationary");
}

std::vector<std::string> vote(int eligible, int present, int yes) {
  return {"--with", "eligible=" + std::to_string(eligible), "--with", "present=" + std::to_string(present),
          "--with", "yes=" + std::to_string(yes)};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("member apply: refused for a member and for a person with a case (D1)", "[cli][member][issue8]") {
  Djflow d;
  seed(d);
  auto zh = d.run({kNow, "--lang", "zh", "member", "apply", "1", "--date", "2026-06-01"});
  CHECK(zh.code == 1);
  CHECK_THAT(zh.err, Catch::Contains("李老师已是正式党员") && Catch::Contains("《中国共产党发展党员工作细则》第五条"));
  auto en = d.run({kNow, "--lang", "en", "member", "apply", "1", "--date", "2026-06-01"});
  CHECK(en.code == 1);
  CHECK_THAT(en.err, Catch::Contains("only a non-member can apply") && Catch::Contains("D1"));
  REQUIRE(d.run({kNow, "member", "apply", "5", "--date", "2026-06-01"}).code == 0);
  auto again = d.run({kNow, "--json", "member", "apply", "5", "--date", "2026-06-02"});
  CHECK(again.code == 1);
  CHECK(again.error_json()["error"]["rule"] == "D1");
  CHECK_THAT(again.error_json()["error"]["message"].get<std::string>(), Catch::Contains("#1"));
  CHECK(d.run({"--json", "list"}).json().size() == 1);  // nothing written
}

TEST_CASE("end of probation: a cancellation is decided, approved, and the person is no longer a member",
          "[cli][member][issue8]") {
  Djflow d;
  seed(d);
  to_probation_end(d);
  // A quorate meeting votes no on full membership: recorded; the branch must decide what follows.
  auto no = rec(d, V{"convert", "--date", "2024-05-20"} + vote(4, 4, 2));
  REQUIRE(no.code == 0);
  CHECK(no.json()["state"] == "conversion-failed");
  CHECK(no.json()["event"]["flags"] == std::vector<std::string>{"vote-failed"});
  CHECK(rec(d, V{"convert", "--date", "2024-05-21"} + vote(4, 4, 4)).code == 1);
  auto shown = d.run({kNow, "--lang", "zh", "show", "1"});
  CHECK_THAT(shown.out, Catch::Contains("表决未通过") && Catch::Contains("延长预备期") &&
                             Catch::Contains("支部党员大会讨论取消预备党员资格"));

  ok(d, V{"取消预备党员资格", "--date", "2024-06-01"} + vote(4, 3, 3), "cancellation-pending");
  CHECK(d.run({"--json", "person", "show", "5"}).json()["status"] == "probationary");  // not yet
  ok(d, {"reject", "--date", "2024-06-10", "--note", "上级党委：请支部重新研究"}, "probationary");
  ok(d, V{"cancel", "--date", "2024-06-20"} + vote(4, 3, 3), "cancellation-pending");
  ok(d, {"审批取消预备党员资格", "--date", "2024-07-01", "--ref", "党委批复"}, "cancelled");
  auto person = d.run({"--json", "person", "show", "5"}).json();
  CHECK(person["status"] == "none");
  CHECK(person["joined"].is_null());
  REQUIRE(person["cases"].size() == 1);
  CHECK(person["cases"][0]["state"] == "cancelled");
  // The membership period stays in the history: approved from the meeting of 2023-05-20.
  auto history = d.run({"--json", "history", "1"}).json();
  const auto& last = history.back();
  CHECK(last["event"] == "approve-cancel");
  CHECK(last["inputs"]["probation-from"] == "2023-05-20");
  bool refusal_kept = false;
  for (const auto& e : history)
    if (e["event"] == "reject" && e["note"] == "上级党委：请支部重新研究") refusal_kept = true;
  CHECK(refusal_kept);
  // No longer a member: they may apply again.
  CHECK(d.run({kNow, "member", "apply", "5", "--date", "2026-06-01"}).code == 0);
  {
    const auto v = d.run({"verify"});
    INFO(v.out << v.err);
    CHECK(v.code == 0);
  }
}

TEST_CASE("end of probation: an extension moves the probation end only on approval — oath while extended",
          "[cli][member][issue8]") {
  Djflow d;
  seed(d);
  to_probation_end(d);
  CHECK(rec(d, {"extend", "--date", "2024-05-25", "--with", "months=6"}).code == 2);  // the vote is required
  ok(d, V{"extend", "--date", "2024-05-25", "--with", "months=6"} + vote(4, 3, 3), "extension-pending");
  auto pending = d.run({kNow, "--json", "show", "1"}).json();
  REQUIRE(pending["deadlines"].size() == 1);
  CHECK(pending["deadlines"][0]["kind"] == "extension-approval");
  ok(d, {"approve-extension", "--date", "2024-06-05"}, "extended");
  auto extended = d.run({kNow, "--json", "show", "1"}).json();
  REQUIRE(extended["deadlines"].size() == 1);
  CHECK(extended["deadlines"][0]["kind"] == "probation-end");
  CHECK(extended["deadlines"][0]["due"] == "2024-11-20");
  ok(d, {"oath", "--date", "2024-06-10"}, "extended");
  CHECK(rec(d, V{"convert", "--date", "2024-11-19"} + vote(4, 3, 3)).code == 1);
  ok(d, V{"convert", "--date", "2024-11-20"} + vote(4, 3, 3), "conversion-pending");
  ok(d, {"approve-full", "--date", "2024-12-01"}, "full");
  CHECK(d.run({"--json", "person", "show", "5"}).json()["joined"] == "2024-11-20");
}

TEST_CASE("admission: eligible voters against the register, a no vote, and a late approval (D21, D22, D27)",
          "[cli][member][issue8]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({kNow, "member", "apply", "5", "--date", "2022-03-01"}).code == 0);
  for (auto step : {std::vector<std::string>{"talk", "--date", "2022-03-10"},
                    {"activist", "--date", "2022-04-01"},
                    {"mentors", "--date", "2022-04-02", "--with", "mentors=1"},
                    {"propose", "--date", "2023-04-01"},
                    {"sponsors", "--date", "2023-04-05", "--with", "sponsors=1,2"},
                    {"political-review", "--date", "2023-04-10", "--with", "result=pass"},
                    {"training", "--date", "2023-04-15", "--with", "days=3"},
                    {"pre-review", "--date", "2023-05-01"}})
    REQUIRE(rec(d, step).code == 0);
  // Five eligible against four registered full members: a reason is required.
  auto differs = d.run(V{kNow, "--lang", "zh", "record", "1", "admit", "--date", "2023-05-20"} + vote(5, 3, 3));
  CHECK(differs.code == 1);
  CHECK_THAT(differs.err, Catch::Contains("--note") && Catch::Contains("登记的正式党员为4人"));
  // A quorate meeting that votes no: recorded, back to candidate.
  auto no = d.run(V{kNow, "--lang", "en", "record", "1", "admit", "--date", "2023-05-20"} + vote(4, 3, 2));
  CHECK(no.code == 0);
  CHECK_THAT(no.err, Catch::Contains("warning") && Catch::Contains("vote-failed"));
  CHECK(d.run({"--json", "show", "1"}).json()["state"] == "candidate");
  ok(d, {"pre-review", "--date", "2023-06-01"}, "pre-reviewed");
  auto noted = d.run(V{kNow, "--lang", "en", "record", "1", "admit", "--date", "2023-06-20", "--note",
                      "one member abroad since 2022"} + vote(5, 3, 3));
  REQUIRE(noted.code == 0);
  CHECK_THAT(noted.err, Catch::Contains("eligible-differs"));
  ok(d, {"interview", "--date", "2023-07-01"}, "admitted");
  // Approval after 3 months (2023-09-20) needs the special circumstances in --note.
  auto late = rec(d, {"approve", "--date", "2023-09-21"});
  CHECK(late.code == 1);
  CHECK(late.error_json()["error"]["rule"] == "D27");
  auto approved = rec(d, {"approve", "--date", "2023-09-21", "--note", "党委换届，会议推迟"});
  REQUIRE(approved.code == 0);
  CHECK(approved.json()["event"]["flags"] == std::vector<std::string>{"late:approval"});
  CHECK(approved.json()["event"]["note"] == "党委换届，会议推迟");
  // `check` lists the step whose eligible count differs, with its reason.
  auto check = d.run({kNow, "--json", "check"}).json();
  REQUIRE(check["steps"].size() == 1);
  CHECK(check["steps"][0]["event"] == "admit");
  CHECK(check["steps"][0]["flags"] == std::vector<std::string>{"eligible-differs"});
  CHECK(check["steps"][0]["note"] == "one member abroad since 2022");
}

TEST_CASE("a branch with fewer than 3 full members: eligible under 3 refused, otherwise flagged (D29)",
          "[cli][member][issue8]") {
  Djflow d;
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B02", "--name", "小支部"}).code == 0);
  REQUIRE(d.run({"person", "add", "甲", "--branch", "B02", "--born", "1980-01-01", "--status", "full", "--joined",
                 "2005-07-01"}).code == 0);
  REQUIRE(d.run({"person", "add", "乙", "--branch", "B02", "--born", "1980-01-01", "--status", "full", "--joined",
                 "2006-07-01"}).code == 0);
  REQUIRE(d.run({"person", "add", "丙", "--branch", "B02", "--born", "2000-01-01"}).out == "3\n");
  REQUIRE(d.run({kNow, "member", "apply", "3", "--date", "2022-03-01"}).code == 0);
  for (auto step : {std::vector<std::string>{"talk", "--date", "2022-03-10"},
                    {"activist", "--date", "2022-04-01"},
                    {"mentors", "--date", "2022-04-02", "--with", "mentors=1"},
                    {"propose", "--date", "2023-04-01"},
                    {"sponsors", "--date", "2023-04-05", "--with", "sponsors=1,2"},
                    {"political-review", "--date", "2023-04-10", "--with", "result=pass"},
                    {"training", "--date", "2023-04-15", "--with", "days=3"},
                    {"pre-review", "--date", "2023-05-01"}})
    REQUIRE(rec(d, step).code == 0);
  auto two = d.run(V{kNow, "--lang", "zh", "--json", "record", "1", "admit", "--date", "2023-05-20"} + vote(2, 2, 2));
  CHECK(two.code == 1);
  CHECK(two.error_json()["error"]["rule"] == "D29");
  CHECK_THAT(two.error_json()["error"]["message"].get<std::string>(), Catch::Contains("不足3人"));
  auto three = d.run(V{kNow, "--lang", "zh", "record", "1", "admit", "--date", "2023-05-20", "--note",
                      "丁的组织关系正在转入"} + vote(3, 2, 2));
  REQUIRE(three.code == 0);
  CHECK_THAT(three.err, Catch::Contains("警告") && Catch::Contains("small-branch"));
  auto hist = d.run({"--lang", "zh", "history", "1"});
  CHECK_THAT(hist.out, Catch::Contains("支部正式党员不足3人"));
}

// Case 1 under the 2026 rules, up to the superior's consent (2027-06-04), clock on 2027-07-01.
const std::string kNow2027 = "--now=2027-07-01";
RunResult step2027(const Djflow& d, std::vector<std::string> args) {
  std::vector<std::string> all = {kNow2027, "--lang", "en", "record", "1"};
  all.insert(all.end(), args.begin(), args.end());
  return d.run(all);
}
void to_publicity(const Djflow& d) {
  REQUIRE(d.run({kNow2027, "member", "apply", "5", "--date", "2026-05-12"}).code == 0);
  REQUIRE(step2027(d, {"talk", "--date", "2026-05-20"}).code == 0);
  REQUIRE(step2027(d, {"activist", "--date", "2026-06-01"}).code == 0);
  REQUIRE(step2027(d, {"mentors", "--date", "2026-06-02", "--with", "mentors=1"}).code == 0);
  REQUIRE(step2027(d, {"propose", "--date", "2027-06-01"}).code == 0);
  REQUIRE(step2027(d, {"consent", "--date", "2027-06-04"}).code == 0);
}
const std::vector<std::string> kPublicize = {"publicize", "--date", "2027-06-11", "--with", "from=2027-06-07",
                                             "--with", "to=2027-06-11"};

TEST_CASE("publicity in a year without holiday data: flagged, listed by check, rechecked after import (D13)",
          "[cli][member][issue8]") {
  Djflow d;
  seed(d);
  to_publicity(d);
  auto pub = step2027(d, kPublicize);
  REQUIRE(pub.code == 0);
  CHECK_THAT(pub.err, Catch::Contains("warning") && Catch::Contains("calendar-unknown"));
  auto show = d.run({kNow2027, "--lang", "zh", "show", "1"});
  CHECK_THAT(show.out, Catch::Contains("节假日数据缺失"));
  auto hist = d.run({kNow2027, "--lang", "en", "history", "1"});
  CHECK_THAT(hist.out, Catch::Contains("no holiday data for that year"));
  auto check = d.run({kNow2027, "--json", "check"}).json();
  REQUIRE(check["steps"].size() == 1);
  CHECK(check["steps"][0]["flags"] == std::vector<std::string>{"calendar-unknown"});
  CHECK(check["steps"][0]["calendar_covers_now"] == false);
  CHECK(check["steps"][0]["working_days_now"] == 5);
  // The 2027 table arrives: 2027-06-07 is made a day off (for the test), so the period is short.
  const auto csv = d.dir().path() / "2027.csv";
  std::ofstream(csv) << "date,kind,name\n2027-06-07,off,测试假日\n";
  REQUIRE(d.run({"calendar", "import", csv.string()}).code == 0);
  check = d.run({kNow2027, "--json", "check"}).json();
  REQUIRE(check["steps"].size() == 1);
  CHECK(check["steps"][0]["calendar_covers_now"] == true);
  CHECK(check["steps"][0]["working_days_now"] == 4);
  auto text = d.run({kNow2027, "--lang", "en", "check"});
  CHECK_THAT(text.out, Catch::Contains("recorded steps to recheck") && Catch::Contains("calendar now has the data"));
}

TEST_CASE("publicity in a year with holiday data carries no flag", "[cli][member][issue8]") {
  Djflow d;
  seed(d);
  const auto csv = d.dir().path() / "2027.csv";
  std::ofstream(csv) << "date,kind,name\n2027-10-01,off,国庆节\n";
  REQUIRE(d.run({"calendar", "import", csv.string()}).code == 0);
  to_publicity(d);
  auto pub = step2027(d, kPublicize);
  REQUIRE(pub.code == 0);
  CHECK(pub.err.empty());
  auto check = d.run({kNow2027, "--json", "check"}).json();
  CHECK(check["steps"].empty());
}
