// Issue 9 §2: corrections and voids append to the history; the case is what replaying the
// corrected history derives; a correction that breaks a later step is refused naming it.
#include <catch2/catch.hpp>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;

namespace {

const std::string kNow = "--now=2027-09-01";

RunResult ok(const Djflow& d, std::vector<std::string> args) {
  auto r = d.run(args);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return r;
}

// 4 full members (1-4) and 张三 (5) in B01; case 1 is 张三's development up to `upto` steps.
void seed(const Djflow& d, std::size_t upto) {
  ok(d, {kNow, "init"});
  ok(d, {kNow, "branch", "add", "B01", "--name", "第一党支部"});
  for (const char* p : {"李老师", "王老师", "赵老师", "钱老师"})
    ok(d, {kNow, "person", "add", p, "--branch", "B01", "--born", "1980-01-01", "--status", "full", "--joined", "2005-07-01"});
  ok(d, {kNow, "person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"});
  ok(d, {kNow, "member", "apply", "5", "--date", "2026-05-12"});
  const std::vector<std::vector<std::string>> steps{
      {"talk", "2026-05-20"},      {"activist", "2026-06-01"}, {"mentors", "2026-06-02", "mentors=李老师,王老师"},
      {"review", "2026-12-01"},    {"propose", "2027-06-01"},
  };
  for (std::size_t i = 0; i < upto && i < steps.size(); ++i) {
    const auto& s = steps[i];
    std::vector<std::string> args{kNow, "record", "1", s[0], "--date", s[1]};
    for (std::size_t k = 2; k < s.size(); ++k) args.insert(args.end(), {"--with", s[k]});
    ok(d, args);
  }
}

}  // namespace

TEST_CASE("a correction that breaks a later step is refused, naming the step and the article",
          "[cli][correct]") {
  Djflow d;
  seed(d, 5);  // events 1-6: apply .. propose
  const auto before = ok(d, {kNow, "--json", "history", "1"}).json();
  REQUIRE(before.size() == 6);
  // The activist date moved to 2026-06-02: propose on 2027-06-01 is less than a year after it.
  auto r = d.run({kNow, "--lang", "zh", "correct", "1", "3", "--date", "2026-06-02", "--reason", "日期录入有误"});
  CHECK(r.code == 1);
  CHECK(r.err.find("第 6 步") != std::string::npos);
  CHECK(r.err.find("第十三条") != std::string::npos);
  auto en = d.run({kNow, "--lang", "en", "--json", "correct", "1", "3", "--date", "2026-06-02", "--reason", "typo"});
  CHECK(en.code == 1);
  CHECK(en.error_json()["error"]["message"].get<std::string>().find("step 6 (propose") != std::string::npos);
  CHECK(en.error_json()["error"]["rule"] == "D12");
  // Nothing written.
  CHECK(ok(d, {kNow, "--json", "history", "1"}).json() == before);
  CHECK(ok(d, {kNow, "verify"}).code == 0);
  // A step moved before the one it follows is refused too.
  CHECK(d.run({kNow, "correct", "1", "4", "--date", "2026-05-30", "--reason", "x"}).code == 1);
  // A correction needs a reason and something to correct; the event must exist.
  CHECK(d.run({kNow, "correct", "1", "3", "--reason", "x"}).code == 2);
  CHECK(d.run({kNow, "correct", "1", "3", "--date", "2026-06-02"}).code == 2);
  CHECK(d.run({kNow, "correct", "1", "9", "--date", "2026-06-02", "--reason", "x"}).code == 3);
  CHECK(d.run({kNow, "void", "1", "1", "--reason", "x"}).code == 2);
}

TEST_CASE("correct and void: the history keeps the original, marked, and verify passes", "[cli][correct][verify]") {
  Djflow d;
  seed(d, 3);  // apply, talk, activist, mentors (events 1-4)
  auto c = ok(d, {kNow, "--json", "correct", "张三", "2", "--date", "2026-05-21", "--reason", "谈话日期录错"}).json();
  CHECK(c["seq"] == 5);
  CHECK(c["corrects"] == 2);
  auto h = ok(d, {kNow, "--json", "history", "1"}).json();
  REQUIRE(h.size() == 5);
  CHECK(h[1]["date"] == "2026-05-20");  // the original stays
  CHECK(h[1]["corrected_by"] == nlohmann::json::array({5}));
  CHECK(h[4]["event"] == "correct");
  CHECK(h[4]["inputs"]["date"] == "2026-05-21");
  CHECK(h[4]["note"] == "谈话日期录错");
  auto text = ok(d, {kNow, "--lang", "zh", "show", "1"}).out;
  CHECK(text.find("已更正（见 #5）") != std::string::npos);
  CHECK(text.find("更正第 2 步") != std::string::npos);
  CHECK(ok(d, {kNow, "verify"}).code == 0);
  // Mentors given by name were stored as ids; correct them by name too.
  ok(d, {kNow, "correct", "1", "4", "--with", "mentors=赵老师", "--reason", "联系人调整登记有误"});
  CHECK(ok(d, {kNow, "verify"}).code == 0);
  // The activist step cannot be voided while the mentors step (which needs it) stands.
  auto blocked = d.run({kNow, "--lang", "en", "void", "1", "3", "--reason", "误记"});
  CHECK(blocked.code == 1);
  CHECK(blocked.err.find("step 4 (mentors") != std::string::npos);
  // Void the mentors step, then the activist step: the case is an applicant again.
  auto v = ok(d, {kNow, "--json", "void", "1", "4", "--reason", "误记"}).json();
  CHECK(v["state"] == "activist");
  v = ok(d, {kNow, "--json", "void", "1", "3", "--reason", "误记"}).json();
  CHECK(v["state"] == "applicant");
  auto show = ok(d, {kNow, "--json", "show", "1"}).json();
  CHECK(show["state"] == "applicant");
  CHECK(show["history"][3]["voided_by"] == 7);
  CHECK(show["history"][2]["voided_by"] == 8);
  CHECK(ok(d, {kNow, "--lang", "zh", "history", "1"}).out.find("已撤销（见 #8）") != std::string::npos);
  CHECK(ok(d, {kNow, "verify"}).code == 0);
  // Recording the activist step anew works on the corrected history.
  auto again = d.run({kNow, "--json", "record", "1", "activist", "--date", "2026-06-05"});
  INFO(again.err);
  CHECK(again.code == 0);
  CHECK(ok(d, {kNow, "verify"}).code == 0);
  // A voided event cannot be voided or corrected again; a correction cannot be corrected.
  CHECK(d.run({kNow, "void", "1", "3", "--reason", "x"}).code == 2);
  CHECK(d.run({kNow, "correct", "1", "4", "--with", "mentors=1,2", "--reason", "x"}).code == 2);
  CHECK(d.run({kNow, "correct", "1", "5", "--date", "2026-05-22", "--reason", "x"}).code == 2);
}

TEST_CASE("a correction re-plans the reminders and does not send again those whose time passed",
          "[cli][correct][reminders]") {
  Djflow d;
  const std::string n = "--now=2026-11-01";
  ok(d, {n, "init"});
  ok(d, {n, "branch", "add", "B01", "--name", "第一党支部"});
  ok(d, {n, "person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"});
  ok(d, {n, "member", "apply", "张三", "--date", "2026-11-01"});  // the talk is due 2026-12-01
  auto t1 = ok(d, {"--now=2026-11-24T10:00", "--json", "tick"}).json();
  REQUIRE(t1["notifications"].size() == 1);  // 7 days before
  // The application was received on 11-02: the talk is due 12-02; its 7-day reminder (11-25
  // 09:00) has passed and is not sent again.
  auto c = ok(d, {"--now=2026-11-25T12:00", "--json", "correct", "1", "1", "--date", "2026-11-02", "--reason", "收到日期有误"})
               .json();
  REQUIRE(c["deadlines_opened"].size() == 1);
  CHECK(c["deadlines_opened"][0]["due"] == "2026-12-02");
  CHECK(c["deadlines_closed"][0]["due"] == "2026-12-01");
  CHECK(ok(d, {"--now=2026-11-25T12:00", "--json", "tick"}).json()["notifications"].empty());
  auto due = ok(d, {"--now=2026-11-25T12:00", "--json", "due"}).json();
  REQUIRE(due.size() == 1);
  CHECK(due[0]["due"] == "2026-12-02");
  CHECK(ok(d, {"--now=2026-12-02T10:00", "--json", "tick"}).json()["notifications"].size() == 1);  // due day
  CHECK(ok(d, {"--now=2026-12-02T10:00", "verify"}).code == 0);
}

TEST_CASE("after a correction the reminders and their texts follow the corrected history", "[cli][correct][reminders]") {
  Djflow d;
  const std::string n = "--now=2026-11-02";
  ok(d, {n, "init"});
  ok(d, {n, "branch", "add", "B01", "--name", "第一党支部"});
  ok(d, {n, "rectify", "batch", "add", "--source", "主题教育", "--org", "B01", "--feedback", "2026-11-01"});  // 1
  ok(d, {n, "rectify", "add", "--batch", "1", "--problem", "党员教育方式单一", "--measures", "制定分层学习计划",
         "--leader", "王书记", "--department", "组织委员", "--owner", "李委员", "--type", "限期整改", "--deadline",
         "2026-12-31", "--date", "2026-11-01"});  // item 2
  // The deadline was 2027-01-31 and the responsible person 赵委员: corrected on the registration.
  auto c = d.run({n, "correct", "2", "1", "--with", "deadline=2027-01-31", "--with", "owner=赵委员", "--reason", "登记有误"});
  INFO(c.err);
  REQUIRE(c.code == 0);
  auto due = ok(d, {n, "--json", "due"}).json();
  REQUIRE(due.size() == 1);
  CHECK(due[0]["due"] == "2027-01-31");
  // No reminder for the old deadline (20 days before 2026-12-31, nor on the day).
  for (const char* t : {"2026-12-11T10:00", "2026-12-31T10:00"}) {
    auto tick = ok(d, {std::string("--now=") + t, "--json", "tick"});
    CHECK(tick.out.find("2026-12-31") == std::string::npos);
    CHECK(tick.out.find("李委员") == std::string::npos);
  }
  // The reminder 20 days before the corrected deadline names the corrected responsible person.
  auto tick = ok(d, {"--now=2027-01-11T10:00", "--lang", "zh", "tick"});
  CHECK(tick.out.find("2027-01-31") != std::string::npos);
  CHECK(tick.out.find("赵委员") != std::string::npos);
  CHECK(tick.out.find("李委员") == std::string::npos);
  CHECK(ok(d, {"--now=2027-01-11T10:00", "verify"}).code == 0);
}

TEST_CASE("an unknown step lists the steps by their Chinese names, ids in parentheses", "[cli][correct][zh]") {
  Djflow d;
  seed(d, 1);
  auto r = d.run({kNow, "--lang", "zh", "record", "1", "谈画"});
  CHECK(r.code == 2);
  CHECK(r.err.find("未知步骤“谈画”") != std::string::npos);
  CHECK(r.err.find("派人谈话（talk）") != std::string::npos);
  CHECK(r.err.find("确定入党积极分子（activist）") != std::string::npos);
  CHECK(r.err.find("、apply、") == std::string::npos);  // not a bare list of ids
  auto j = d.run({kNow, "--lang", "zh", "--json", "record", "1", "谈画"});
  CHECK(j.code == 2);
  CHECK(j.error_json()["error"]["message"].get<std::string>().find("（talk）") != std::string::npos);
}
