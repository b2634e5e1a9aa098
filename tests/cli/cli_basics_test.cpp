#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;

namespace {

// A database with one branch, two full members (ids 1, 2) and an applicant (id 3).
void seed(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  REQUIRE(d.run({"person", "add", "李老师", "--branch", "B01", "--born", "1980-01-01", "--status", "full",
                 "--joined", "2005-07-01"}).out == "1\n");
  REQUIRE(d.run({"person", "add", "王老师", "--branch", "B01", "--born", "1982-01-01", "--status", "full",
                 "--joined", "2008-07-01"}).code == 0);
  auto p = d.run({"--json", "person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"});
  REQUIRE(p.code == 0);
  REQUIRE(p.json()["id"] == 3);
}

}  // namespace

TEST_CASE("init creates a private database and is idempotent", "[cli]") {
  Djflow d;
  auto r = d.run({"init"});
  REQUIRE(r.code == 0);
  if (!d.postgres()) {  // a file only on SQLite
    struct stat st {};
    REQUIRE(::stat(d.db().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  CHECK(d.run({"init"}).code == 0);
  auto cal = d.run({"--json", "calendar", "list", "--year", "2024"});
  REQUIRE(cal.code == 0);
  CHECK(cal.json().size() > 20);
}

TEST_CASE("djflow --version alone is answered without the database, as with other options", "[cli]") {
  Djflow d;
  const std::string out = (d.dir().path() / "version.out").string();
  // The short path in main.cpp (nothing read, docs/performance.md "A lean process").
  CHECK(Djflow::sh("DJFLOW_DB=/nonexistent/djflow.db \"$DJFLOW_BIN\" --version >" + out) == 0);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "djflow 0.1.0\n");
  // The parser's path gives the same answer.
  auto r = d.run({"--lang", "zh", "--version"});
  CHECK(r.code == 0);
  CHECK(r.out == text);
  CHECK_FALSE(std::filesystem::exists(d.db()));
  CHECK(d.contents().empty());  // PostgreSQL: no table in the test's schema
}

TEST_CASE("commands on a missing database exit 3 and create nothing", "[cli]") {
  Djflow d;
  auto r = d.run({"list"});
  CHECK(r.code == 3);
  CHECK(r.err.find("djflow init") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.db()));
  CHECK(d.contents().empty());  // PostgreSQL: no table in the test's schema
}

TEST_CASE("usage errors exit 2, --json errors are JSON on stderr", "[cli]") {
  Djflow d;
  seed(d);
  auto bad_flag = d.run({"show", "--bogus"});
  CHECK(bad_flag.code == 2);
  auto bad_date = d.run({"--json", "member", "apply", "3", "--date", "2024-02-30"});
  CHECK(bad_date.code == 2);
  auto e = bad_date.error_json();
  CHECK(e["error"]["code"] == 2);
  CHECK(e["error"]["message"].get<std::string>().find("--date") != std::string::npos);
  CHECK(d.run({"show", "99"}).code == 3);
  CHECK(d.run({"person", "add", "X", "--branch", "NOPE", "--born", "2000-01-01"}).code == 3);
  CHECK(d.run({"branch", "add", "B01", "--name", "again"}).code == 4);
  CHECK(d.run({"--json", "list"}).json().empty());  // nothing was written by the failures
}

TEST_CASE("the language follows --lang", "[cli]") {
  Djflow d;
  seed(d);
  auto zh = d.run({"--lang", "zh", "branch", "list"});
  CHECK(zh.out.find("名称") != std::string::npos);
  auto en = d.run({"--lang", "en", "branch", "list"});
  CHECK(en.out.find("name") != std::string::npos);
  auto err = d.run({"--lang", "zh", "show", "42"});
  CHECK(err.err.find("事项不存在") != std::string::npos);
}

TEST_CASE("the language and the clock come from the environment when not given", "[cli]") {
  Djflow d;
  seed(d);
  auto zh = d.run_env("LANG=zh_CN.UTF-8", {"branch", "list"});
  CHECK(zh.out.find("名称") != std::string::npos);
  auto en_override = d.run_env("LANG=zh_CN.UTF-8", {"--lang", "en", "branch", "list"});
  CHECK(en_override.out.find("name") != std::string::npos);
  auto lc_all = d.run_env("LANG=en_US.UTF-8 LC_ALL=zh_CN.UTF-8", {"show", "42"});
  CHECK(lc_all.err.find("事项不存在") != std::string::npos);
  // $DJFLOW_NOW is the clock: an application dated after it is refused as a future date.
  auto future = d.run_env("LANG=C.UTF-8 DJFLOW_NOW=2024-01-01", {"member", "apply", "3", "--date", "2024-01-02"});
  CHECK(future.code == 2);
  CHECK(d.run_env("LANG=C.UTF-8 DJFLOW_NOW=2024-01-02", {"member", "apply", "3", "--date", "2024-01-02"}).code == 0);
}

TEST_CASE("a refused step exits 1, names the rule and when it becomes possible, and writes nothing", "[cli]") {
  Djflow d;
  seed(d);
  const std::string now = "--now=2024-06-01";
  auto c = d.run({now, "--json", "member", "apply", "3", "--date", "2023-01-10"});
  REQUIRE(c.code == 0);
  const int id = c.json()["id"];
  REQUIRE(d.run({now, "record", std::to_string(id), "talk", "--date", "2023-01-20"}).code == 0);
  REQUIRE(d.run({now, "record", std::to_string(id), "activist", "--date", "2023-07-01"}).code == 0);
  REQUIRE(d.run({now, "record", std::to_string(id), "mentors", "--date", "2023-07-02", "--with", "mentors=1,2"}).code == 0);
  auto before = d.run({now, "--json", "show", std::to_string(id)}).json();
  auto r = d.run({now, "--json", "record", std::to_string(id), "propose", "--date", "2024-06-01"});
  CHECK(r.code == 1);
  auto e = r.error_json()["error"];
  CHECK(e["code"] == 1);
  CHECK(e["rule"] == "D12");
  CHECK(e["possible_from"] == "2024-07-01");
  CHECK(e["message"].get<std::string>().find("张三") != std::string::npos);
  auto after = d.run({now, "--json", "show", std::to_string(id)}).json();
  CHECK(after["history"].size() == before["history"].size());
  CHECK(after["state"] == "activist");
  // Text mode says the same in Chinese.
  auto zh = d.run({now, "--lang", "zh", "record", std::to_string(id), "确定发展对象", "--date", "2024-06-01"});
  CHECK(zh.code == 1);
  CHECK(zh.err.find("2024-07-01") != std::string::npos);
}

TEST_CASE("tick prints each reminder once, a second tick prints nothing", "[cli][timers]") {
  Djflow d;
  seed(d);
  auto c = d.run({"--now=2024-01-10", "--json", "member", "apply", "3", "--date", "2024-01-10"});
  REQUIRE(c.code == 0);
  const int id = c.json()["id"];
  auto due = d.run({"--now=2024-01-10", "--json", "due"});
  REQUIRE(due.code == 0);
  REQUIRE(due.json().size() == 1);
  CHECK(due.json()[0]["kind"] == "talk");
  CHECK(due.json()[0]["due"] == "2024-02-10");
  CHECK(due.json()[0]["days_left"] == 31);
  CHECK(due.json()[0]["id"] == id);

  auto t1 = d.run({"--now=2024-02-03T09:00", "--json", "tick"});
  REQUIRE(t1.code == 0);
  auto n = t1.json()["notifications"];
  REQUIRE(n.size() == 1);
  CHECK(n[0]["kind"] == "talk");
  CHECK(n[0]["days_left"] == 7);
  CHECK(n[0]["id"] == id);
  CHECK(n[0]["key"].get<std::string>().find(":talk:2024-02-10:-7") != std::string::npos);
  CHECK(n[0]["text"].get<std::string>().find("张三") != std::string::npos);
  CHECK(d.run({"--now=2024-02-03T09:00", "--json", "tick"}).json()["notifications"].empty());
  // A month later: the on-the-day and first overdue reminders collapse into one.
  auto late = d.run({"--now=2024-03-01", "--json", "tick"}).json()["notifications"];
  REQUIRE(late.size() == 1);
  CHECK(late[0]["days_left"] == -20);
  auto overdue = d.run({"--now=2024-03-01", "--json", "due", "--overdue"}).json();
  REQUIRE(overdue.size() == 1);
  CHECK(overdue[0]["days_left"] == -20);
}

TEST_CASE("verify detects a history edited behind djflow's back", "[cli][verify]") {
  Djflow d;
  seed(d);
  auto c = d.run({"--now=2024-03-01", "--json", "member", "apply", "3", "--date", "2024-01-10"});
  REQUIRE(c.code == 0);
  REQUIRE(d.run({"--now=2024-03-01", "record", "1", "talk", "--date", "2024-01-20"}).code == 0);
  REQUIRE(d.run({"--now=2024-03-01", "record", "1", "activist", "--date", "2024-02-01"}).code == 0);
  auto ok = d.run({"--json", "verify"});
  CHECK(ok.code == 0);
  CHECK(ok.json()["ok"] == true);
  CHECK(ok.json()["events"] == 3);

  auto tamper = [&](const std::string& sql) { return d.tamper(sql); };
  SECTION("an edited date") {
    REQUIRE(tamper("UPDATE events SET effective_date='2024-01-11' WHERE seq=2") == 0);
    auto r = d.run({"--json", "verify"});
    CHECK(r.code == 4);
    CHECK(r.json()["ok"] == false);
  }
  SECTION("a deleted last event") {
    REQUIRE(tamper("DELETE FROM events WHERE seq=3") == 0);
    CHECK(d.run({"verify"}).code == 4);
  }
  SECTION("a deleted middle event") {
    REQUIRE(tamper("DELETE FROM events WHERE seq=2") == 0);
    CHECK(d.run({"verify"}).code == 4);
  }
}
