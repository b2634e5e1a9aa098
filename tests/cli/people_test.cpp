// Issue 9 §2: persons carry an optional unique key (工号) and a mobile phone; two people of one
// name in one organisation must be told apart by a key.
#include <catch2/catch.hpp>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;

namespace {

void seed(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B02", "--name", "第二党支部"}).code == 0);
}

}  // namespace

TEST_CASE("person add keeps the unique key and the phone, shown by person show and list", "[cli][person]") {
  Djflow d;
  seed(d);
  auto r = d.run({"person", "add", "张三", "--branch", "B01", "--born", "1990-01-01", "--key", "GH001", "--phone",
                  "13800000001"});
  REQUIRE(r.code == 0);
  auto s = d.run({"--json", "person", "show", "1"});
  REQUIRE(s.code == 0);
  CHECK(s.json()["key"] == "GH001");
  CHECK(s.json()["phone"] == "13800000001");
  auto text = d.run({"--lang", "zh", "person", "show", "1"});
  CHECK(text.out.find("工号：GH001") != std::string::npos);
  CHECK(text.out.find("手机：13800000001") != std::string::npos);
  auto l = d.run({"--json", "person", "list"});
  REQUIRE(l.code == 0);
  CHECK(l.json()[0]["key"] == "GH001");
  auto plain = d.run({"person", "add", "李四", "--branch", "B01", "--born", "1990-01-01"});
  REQUIRE(plain.code == 0);
  CHECK(d.run({"--json", "person", "show", "2"}).json()["key"].is_null());
  CHECK(d.run({"verify"}).code == 0);
}

TEST_CASE("a duplicate name in one organisation is refused unless a key tells them apart", "[cli][person]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({"person", "add", "王五", "--branch", "B01", "--born", "1980-02-02"}).code == 0);
  auto dup = d.run({"--lang", "zh", "person", "add", "王五", "--branch", "B01", "--born", "1985-03-03"});
  CHECK(dup.code == 2);
  CHECK(dup.err.find("#1 王五 (1980-02-02)") != std::string::npos);
  CHECK(dup.err.find("--key") != std::string::npos);
  CHECK(d.run({"--json", "person", "list"}).json().size() == 1);  // nothing written
  // Another organisation may have its own 王五.
  CHECK(d.run({"person", "add", "王五", "--branch", "B02", "--born", "1985-03-03"}).code == 0);
  // A key tells them apart.
  CHECK(d.run({"person", "add", "王五", "--branch", "B01", "--born", "1985-03-03", "--key", "GH7"}).code == 0);
  // A key is unique in the whole database.
  auto taken = d.run({"person", "add", "赵六", "--branch", "B02", "--born", "1985-03-03", "--key", "GH7"});
  CHECK(taken.code == 2);
  CHECK(taken.err.find("GH7") != std::string::npos);
  CHECK(d.run({"--json", "person", "list"}).json().size() == 3);
  auto phone = d.run({"person", "add", "孙七", "--branch", "B02", "--born", "1985-03-03", "--phone", "abc"});
  CHECK(phone.code == 2);
  CHECK(d.run({"verify"}).code == 0);
}

TEST_CASE("verify sees a person's key or phone changed behind djflow's back", "[cli][person][verify]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({"person", "add", "张三", "--branch", "B01", "--born", "1990-01-01", "--key", "GH001"}).code == 0);
  REQUIRE(d.run({"person", "add", "李四", "--branch", "B01", "--born", "1990-01-01"}).code == 0);
  REQUIRE(d.run({"verify"}).code == 0);
  REQUIRE(d.tamper("UPDATE persons SET key = 'GH999' WHERE id = 1; UPDATE persons SET phone = '139' WHERE id = 2") == 0);
  auto v = d.run({"verify"});
  CHECK(v.code == 4);
  CHECK(v.out.find("person 1 changed") != std::string::npos);
  CHECK(v.out.find("person 2 changed") != std::string::npos);
}

TEST_CASE("person edit keeps the person's history of changes: who, when, why", "[cli][person][history]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({"--now=2026-01-05", "person", "add", "张三", "--branch", "B01", "--born", "1990-01-01"}).code == 0);
  auto e = d.run({"--now=2026-02-01", "--actor", "组织委员", "person", "edit", "张三", "--born", "1990-02-01", "--phone",
                  "13800000002", "--reason", "身份证核对出生日期"});
  INFO(e.err);
  REQUIRE(e.code == 0);
  CHECK(d.run({"person", "edit", "1", "--phone", "1390"}).code == 2);  // --reason is required
  CHECK(d.run({"person", "edit", "1", "--phone", "x1", "--reason", "r"}).code == 2);
  auto h = d.run({"--json", "person", "history", "张三"}).json();
  REQUIRE(h.size() == 2);
  CHECK(h[0]["action"] == "insert");
  CHECK(h[1]["actor"] == "组织委员");
  CHECK(h[1]["reason"] == "身份证核对出生日期");
  CHECK(h[1]["changed"]["born"] == "1990-02-01");
  CHECK(h[1]["changed"]["phone"] == "13800000002");
  auto show = d.run({"--lang", "zh", "person", "show", "张三"});
  CHECK(show.out.find("身份证核对出生日期") != std::string::npos);
  CHECK(d.run({"--json", "person", "show", "1"}).json()["born"] == "1990-02-01");
  // The edit is in the entity history: verify passes, and an edit behind djflow's back is found.
  CHECK(d.run({"verify"}).code == 0);
}

TEST_CASE("person transfer moves the person and their open cases (组织关系转接)", "[cli][person][transfer]") {
  Djflow d;
  const std::string n = "--now=2026-11-20";
  REQUIRE(d.run({n, "init"}).code == 0);
  REQUIRE(d.run({n, "branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  REQUIRE(d.run({n, "branch", "add", "B02", "--name", "第二党支部"}).code == 0);
  REQUIRE(d.run({n, "person", "add", "张三", "--branch", "B01", "--born", "2000-01-01"}).code == 0);
  REQUIRE(d.run({n, "member", "apply", "张三", "--date", "2026-11-01"}).code == 0);
  REQUIRE(d.run({"--now=2026-11-24T10:00", "tick"}).code == 0);  // a reminder sent for B01
  auto typo = d.run({n, "person", "transfer", "张三", "--to", "B03"});
  CHECK(typo.code == 3);
  CHECK(typo.err.find("B01") != std::string::npos);  // did you mean …
  auto t = d.run({n, "--json", "person", "transfer", "张三", "--to", "B02", "--date", "2026-11-20", "--reason", "工作调动"});
  INFO(t.err);
  REQUIRE(t.code == 0);
  CHECK(t.json()["cases"] == nlohmann::json::array({1}));
  CHECK(d.run({n, "--json", "person", "show", "张三"}).json()["branch"] == "B02");
  CHECK(d.run({n, "--json", "show", "1"}).json()["branch"] == "B02");
  CHECK(d.run({n, "--json", "due", "--branch", "B02"}).json().size() == 1);
  auto h = d.run({n, "--json", "person", "history", "1"}).json();
  CHECK(h.back()["reason"].get<std::string>().find("工作调动") != std::string::npos);
  auto v = d.run({n, "verify"});
  INFO(v.out);
  CHECK(v.code == 0);
}

TEST_CASE("names work as well as numbers, and an ambiguous name lists the matches", "[cli][names]") {
  Djflow d;
  const std::string n = "--now=2026-11-20";
  REQUIRE(d.run({n, "init"}).code == 0);
  REQUIRE(d.run({n, "branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  REQUIRE(d.run({n, "branch", "add", "B02", "--name", "第二党支部", "--kind", "党支部"}).code == 0);
  for (const char* p : {"李老师", "王老师"})
    REQUIRE(d.run({n, "person", "add", p, "--branch", "B01", "--born", "1980-01-01", "--status", "正式党员", "--joined",
                   "2005-07-01"}).code == 0);
  REQUIRE(d.run({n, "person", "add", "张三", "--branch", "B01", "--born", "2000-01-01"}).code == 0);
  REQUIRE(d.run({n, "person", "add", "张三", "--branch", "B02", "--born", "2001-01-01"}).code == 0);
  CHECK(d.run({n, "--json", "person", "show", "李老师"}).json()["id"] == 1);
  auto amb = d.run({n, "person", "show", "张三"});
  CHECK(amb.code == 2);
  CHECK(amb.err.find("#3") != std::string::npos);
  CHECK(amb.err.find("#4") != std::string::npos);
  CHECK(d.run({n, "person", "show", "赵六"}).code == 3);
  REQUIRE(d.run({n, "member", "apply", "3", "--date", "2026-10-01"}).code == 0);  // case 1
  // The case by its subject's name, when only one case has it.
  CHECK(d.run({n, "--json", "record", "1", "talk", "--date", "2026-10-10"}).code == 0);
  CHECK(d.run({n, "--json", "show", "#1"}).json()["id"] == 1);
  CHECK(d.run({n, "record", "张三", "activist", "--date", "2026-11-01"}).code == 0);
  auto m = d.run({n, "--json", "record", "张三", "mentors", "--date", "2026-11-02", "--with", "mentors=李老师、王老师"});
  INFO(m.err);
  REQUIRE(m.code == 0);
  CHECK(m.json()["event"]["inputs"]["mentors"] == "1,2");
  CHECK(d.run({n, "--json", "history", "张三"}).json().size() == 4);
  CHECK(d.run({n, "--json", "list", "--stage", "积极分子"}).json().size() == 1);
  CHECK(d.run({n, "--json", "list", "--workflow", "发展党员"}).json().size() == 1);
  CHECK(d.run({n, "--json", "branch", "list"}).json()[1]["kind"] == "branch");
}

TEST_CASE("typos are errors that name the nearest valid word", "[cli][names][typo]") {
  Djflow d;
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  auto cmd = d.run({"lsit"});
  CHECK(cmd.code == 2);
  CHECK(cmd.err.find("did you mean list?") != std::string::npos);
  auto sub = d.run({"person", "ad", "x"});
  CHECK(sub.code == 2);
  CHECK(sub.err.find("did you mean add?") != std::string::npos);
  auto opt = d.run({"due", "--brnach", "B01"});
  CHECK(opt.code == 2);
  CHECK(opt.err.find("did you mean --branch?") != std::string::npos);
  auto code = d.run({"due", "--branch", "B1"});
  CHECK(code.code == 3);
  CHECK(code.err.find("did you mean B01?") != std::string::npos);
  auto wf = d.run({"due", "--workflow", "membr"});
  CHECK(wf.code == 2);
  CHECK(wf.err.find("did you mean member?") != std::string::npos);
  auto key = d.run({"config", "set", "remider.time", "08:00"});
  CHECK(key.code == 2);
  CHECK(key.err.find("reminder.time") != std::string::npos);
  auto kind = d.run({"branch", "add", "B02", "--name", "x", "--kind", "党总直"});
  CHECK(kind.code == 2);
  CHECK(kind.err.find("did you mean 党总支?") != std::string::npos);
}

TEST_CASE("config list shows every setting with its value and default", "[cli][config]") {
  Djflow d;
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"config", "set", "reminder.time", "08:30"}).code == 0);
  auto j = d.run({"--json", "config", "list"}).json();
  CHECK(j["reminder.time"]["value"] == "08:30");
  CHECK(j["reminder.time"]["default"] == "09:00");
  CHECK(j["reminder.time"]["set"] == true);
  CHECK(j["member.archive_days"]["set"] == false);
  CHECK(j["member.archive_days"]["value"] == j["member.archive_days"]["default"]);
  CHECK(j.size() > 10);
}

TEST_CASE("due --from/--to and --month answer what falls due then, without the overdue flood", "[cli][due]") {
  Djflow d;
  const std::string n = "--now=2026-11-20";
  REQUIRE(d.run({n, "init"}).code == 0);
  REQUIRE(d.run({n, "branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  REQUIRE(d.run({n, "person", "add", "甲", "--branch", "B01", "--born", "2000-01-01"}).code == 0);
  REQUIRE(d.run({n, "person", "add", "乙", "--branch", "B01", "--born", "2000-01-01"}).code == 0);
  REQUIRE(d.run({n, "member", "apply", "甲", "--date", "2026-09-01"}).code == 0);  // talk due 2026-10-01: overdue
  REQUIRE(d.run({n, "member", "apply", "乙", "--date", "2026-11-10"}).code == 0);  // talk due 2026-12-10
  CHECK(d.run({n, "--json", "due"}).json().size() == 2);
  auto dec = d.run({n, "--json", "due", "--month", "2026-12"}).json();
  REQUIRE(dec.size() == 1);
  CHECK(dec[0]["due"] == "2026-12-10");
  CHECK(d.run({n, "--json", "due", "--month", "2026-12", "--overdue"}).json().size() == 2);
  CHECK(d.run({n, "--json", "due", "--from", "2026-12-11", "--to", "2026-12-31"}).json().empty());
  CHECK(d.run({n, "--json", "due", "--to", "2026-12-10"}).json().size() == 1);
  CHECK(d.run({n, "due", "--month", "2026-13"}).code == 2);
}

TEST_CASE("a transferred case keeps the old organisation for the steps before the transfer", "[cli][person][transfer]") {
  Djflow d;
  const std::string n = "--now=2026-11-20";
  REQUIRE(d.run({n, "init"}).code == 0);
  REQUIRE(d.run({n, "branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  REQUIRE(d.run({n, "branch", "add", "B02", "--name", "第二党支部"}).code == 0);
  for (const char* p : {"甲", "乙", "丙"})  // B01: 3 full members; B02: 1
    REQUIRE(d.run({n, "person", "add", p, "--branch", "B01", "--born", "1970-01-01", "--status", "full", "--joined", "2000-07-01"}).code == 0);
  REQUIRE(d.run({n, "person", "add", "丁", "--branch", "B02", "--born", "1970-01-01", "--status", "full", "--joined", "2000-07-01"}).code == 0);
  REQUIRE(d.run({n, "person", "add", "张三", "--branch", "B01", "--born", "2000-01-01"}).code == 0);
  const std::vector<std::vector<std::string>> steps{
      {"member", "apply", "张三", "--date", "2024-01-02"},
      {"record", "1", "talk", "--date", "2024-01-20"},
      {"record", "1", "activist", "--date", "2024-02-01"},
      {"record", "1", "mentors", "--date", "2024-02-02", "--with", "mentors=甲、乙"},
      {"record", "1", "propose", "--date", "2025-02-10"},
      {"record", "1", "sponsors", "--date", "2025-02-12", "--with", "sponsors=甲、乙"},
      {"record", "1", "political-review", "--date", "2025-02-14", "--with", "result=pass"},
      {"record", "1", "training", "--date", "2025-02-20", "--with", "days=3"},
      {"record", "1", "pre-review", "--date", "2025-03-01"},
      {"record", "1", "admit", "--date", "2025-03-10", "--with", "eligible=3", "--with", "present=3", "--with", "yes=3"},
  };
  for (auto s : steps) {
    s.insert(s.begin(), n);
    auto r = d.run(s);
    INFO(s[2] << " " << r.err);
    REQUIRE(r.code == 0);
  }
  REQUIRE(d.run({n, "person", "transfer", "张三", "--to", "B02", "--date", "2026-06-01", "--reason", "工作调动"}).code == 0);
  CHECK(d.run({n, "--json", "show", "1"}).json()["branch"] == "B02");
  // The admission meeting was B01's (3 full members), not B02's (1): verify replays it there.
  auto v = d.run({n, "verify"});
  INFO(v.out << v.err);
  CHECK(v.code == 0);
  // A correction replays the earlier steps in B01 too: the meeting's 3 eligible voters still
  // agree with the register (in B02 it would be refused under D21: 1 full member registered).
  auto c = d.run({n, "correct", "1", "2", "--date", "2024-01-21", "--reason", "谈话记录日期有误"});
  INFO(c.err);
  REQUIRE(c.code == 0);
  CHECK(d.run({n, "--json", "show", "1"}).json()["state"] == "admitted");
  auto v2 = d.run({n, "verify"});
  INFO(v2.out << v2.err);
  CHECK(v2.code == 0);
}

TEST_CASE("person add --status probationary starts the case in probation, with its end and reminders", "[cli][people]") {
  Djflow d;
  const std::string now = "--now=2026-11-29";
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  // Without the admission date the end of probation is unknown: refused, nothing written.
  auto no_date = d.run({now, "person", "add", "预甲", "--branch", "B01", "--born", "1995-05-01", "--status", "probationary"});
  CHECK(no_date.code == 2);
  CHECK(no_date.err.find("--joined") != std::string::npos);
  CHECK(d.run({"--json", "person", "list"}).json().empty());
  auto r = d.run({now, "--json", "person", "add", "预甲", "--branch", "B01", "--born", "1995-05-01", "--status", "probationary",
                  "--joined", "2026-03-10"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto cases = d.run({now, "--json", "list"}).json();
  REQUIRE(cases.size() == 1);
  CHECK(cases[0]["state"] == "probationary");
  auto show = d.run({now, "--json", "show", "预甲"}).json();
  bool end_found = false;
  for (const auto& dl : show["deadlines"])
    if (dl["kind"] == "probation-end") {
      end_found = true;
      CHECK(dl["due"] == "2027-03-10");  // admission + 1 year (D33)
    }
  CHECK(end_found);
  auto tick = d.run({"--now", "2027-02-08T10:00", "--json", "tick"});
  REQUIRE(tick.code == 0);
  CHECK(tick.out.find("预甲") != std::string::npos);  // 预备期满 reminder, 30 days before
  CHECK(d.run({now, "verify"}).code == 0);
  // A full member gets no case; an under-age admission is refused with nothing written.
  REQUIRE(d.run({now, "person", "add", "正乙", "--branch", "B01", "--born", "1970-01-02", "--status", "full", "--joined", "2000-07-01"}).code == 0);
  CHECK(d.run({now, "--json", "list"}).json().size() == 1);
  auto young = d.run({now, "person", "add", "少丙", "--branch", "B01", "--born", "2010-01-01", "--status", "probationary",
                      "--joined", "2026-03-10"});
  CHECK(young.code != 0);
  CHECK(d.run({"--json", "person", "list"}).json().size() == 2);
}
