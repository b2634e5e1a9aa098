// `djflow --db postgresql://...` (issue 12 §3) against the throw-away server of the CTest
// fixture `postgresql`: the commands work on PostgreSQL (verify finds tampering there too), those
// that read the SQLite file themselves stop with exit 4, and the password never reaches the output.
#include <catch2/catch.hpp>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "support/test_db.hpp"
#include "support/cli_runner.hpp"

using djflow::testing::Djflow;

TEST_CASE("postgresql cli: a member case is opened and shown on PostgreSQL, commands that read "
          "the SQLite file say so and write nothing",
          "[cli][postgresql]") {
  ::setenv("DJFLOW_BIN", DJFLOW_TEST_BIN, 0);
  djflow::storage::test::TestDb db;
  REQUIRE(db.postgres());
  // trust authentication ignores the password: it is there to prove it is never shown.
  Djflow d(db.target() + "&password=hunter2");
  auto init = d.run({"init"});
  INFO(init.err);
  REQUIRE(init.code == 0);
  CHECK(init.out.find("hunter2") == std::string::npos);
  CHECK(init.out.find("password=***") != std::string::npos);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  CHECK(d.run({"branch", "add", "B01", "--name", "again"}).code == 4);
  REQUIRE(d.run({"person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"}).code == 0);
  auto apply = d.run({"--now=2026-01-05", "member", "apply", "1", "--date", "2026-01-05"});
  INFO(apply.err);
  REQUIRE(apply.code == 0);
  auto show = d.run({"--json", "--now=2026-01-06", "show", "1"});
  REQUIRE(show.code == 0);
  const auto j = nlohmann::json::parse(show.out);
  CHECK(j.dump().find("apply") != std::string::npos);

  auto users = d.run({"user", "list"});
  CHECK(users.code == 0);
  CHECK(users.err.find("hunter2") == std::string::npos);
  auto backup = d.run({"backup", (d.dir().path() / "b.db").string()});
  CHECK(backup.code == 4);
  CHECK(backup.err.find("backup is not yet available on PostgreSQL") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.dir().path() / "b.db"));
}

TEST_CASE("postgresql cli: verify on PostgreSQL passes on a clean database and finds edits made "
          "behind djflow's back",
          "[cli][postgresql][verify]") {
  ::setenv("DJFLOW_BIN", DJFLOW_TEST_BIN, 0);
  djflow::storage::test::TestDb db;
  REQUIRE(db.postgres());
  Djflow d(db.target());
  const std::string now = "--now=2026-02-01";
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"init"},
           {"branch", "add", "B01", "--name", "第一党支部"},
           {"person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"},
           {"member", "apply", "1", "--date", "2026-01-05"},
           {"record", "1", "talk", "--date", "2026-01-20"}}) {
    args.insert(args.begin(), now);
    auto r = d.run(args);
    INFO(args[1] << ": " << r.err);
    REQUIRE(r.code == 0);
  }
  auto verify = [&] { return d.run({"--lang", "en", "--json", now, "verify"}); };
  auto clean = verify();
  INFO(clean.out << clean.err);
  REQUIRE(clean.code == 0);
  const auto j = nlohmann::json::parse(clean.out);
  CHECK(j["ok"] == true);
  CHECK(j["cases"] == 1);
  CHECK(j["events"] == 2);
  CHECK(j["entity_events"].get<int>() >= 3);  // the organisation, the person, the case
  CHECK(j["integrity"] == "ok");

  // An anchor needs a file of its own on PostgreSQL (there is no database file to put it beside).
  CHECK(d.run({now, "anchor"}).code == 2);
  const std::string anchors = (d.dir().path() / "pg.anchors").string();
  REQUIRE(d.run({now, "anchor", "--file", anchors}).code == 0);
  CHECK(d.run({now, "verify", "--anchor", anchors}).code == 0);

  auto store = db.open();
  auto found = [&](const std::string& text) {
    auto r = verify();
    INFO(r.out << r.err);
    CHECK(r.code == 4);
    CHECK(r.out.find(text) != std::string::npos);
  };
  // A case's state changed (no trigger guards the derived state: replay finds it).
  REQUIRE(djflow::storage::test::TestDb::raw(*store, "UPDATE cases SET state = 'activist' WHERE id = 1"));
  found("case #1: state 'activist' differs from the last event's");
  REQUIRE(djflow::storage::test::TestDb::raw(*store, "UPDATE cases SET state = 'applicant' WHERE id = 1"));
  CHECK(verify().code == 0);  // exactly that edit, nothing else
  // A person edited.
  REQUIRE(djflow::storage::test::TestDb::raw(*store, "UPDATE persons SET born = '1990-05-01' WHERE id = 1"));
  found("person 1 changed behind djflow's back: born: history");
  REQUIRE(djflow::storage::test::TestDb::raw(*store, "UPDATE persons SET born = '2000-05-01' WHERE id = 1"));
  // An event deleted with the append-only trigger switched off.
  REQUIRE(djflow::storage::test::TestDb::raw(
      *store, "ALTER TABLE events DISABLE TRIGGER events_no_delete; DELETE FROM events WHERE case_id = 1 AND seq = 2"));
  found("trigger events_no_delete is disabled");
  found("case #1");
}

TEST_CASE("postgresql cli: the rectification ledger works on PostgreSQL and verifies",
          "[cli][postgresql][rectify]") {
  ::setenv("DJFLOW_BIN", DJFLOW_TEST_BIN, 0);
  djflow::storage::test::TestDb db;
  REQUIRE(db.postgres());
  Djflow d(db.target());
  auto ok = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--json", "--now", "2023-10-20"});
    auto r = d.run(args);
    INFO(args[3] << ": " << r.err);
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out);
  };
  ok({"init"});
  ok({"branch", "add", "C01", "--name", "机关党委", "--kind", "committee"});
  const int batch = ok({"rectify", "batch", "add", "--source", "theme-education", "--org", "C01", "--feedback",
                        "2023-10-15", "--title", "主题教育检视整改"})["id"];
  auto item = [&](const std::string& owner, const std::string& deadline) {
    return ok({"rectify", "add", "--batch", std::to_string(batch), "--problem", "组织生活不规范", "--measures",
               "逐月核对", "--leader", "王书记", "--department", "党委办公室", "--owner", owner, "--type",
               "deadline", "--deadline", deadline, "--date", "2023-10-20"});
  };
  const auto first = item("赵一", "2023-11-30");
  const auto second = item("钱二", "2023-12-31");
  CHECK(first["seq"] == 1);
  CHECK(second["seq"] == 2);
  auto all = ok({"rectify", "list", "--batch", std::to_string(batch)});
  REQUIRE(all.size() == 2);
  CHECK(ok({"rectify", "list", "--owner", "钱二"}).size() == 1);
  auto verify = d.run({"--now", "2023-10-21", "verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.code == 0);
}
