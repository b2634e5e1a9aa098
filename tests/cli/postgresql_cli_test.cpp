// `djflow --db postgresql://...` (issue 12 §3) against the throw-away server of the CTest
// fixture `postgresql`: the commands whose ports PostgreSQL implements work, the others stop with
// exit 4 and say what is not yet available, and the password never reaches the output.
#include <catch2/catch.hpp>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "storage/conformance/test_db.hpp"
#include "support/cli_runner.hpp"

using djflow::testing::Djflow;

TEST_CASE("postgresql cli: a member case is opened and shown on PostgreSQL, unported commands "
          "say so and write nothing",
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

  auto channels = d.run({"notify", "list"});
  CHECK(channels.code == 4);
  CHECK(channels.err.find("not yet available on PostgreSQL") != std::string::npos);
  CHECK(channels.err.find("hunter2") == std::string::npos);
  auto backup = d.run({"backup", (d.dir().path() / "b.db").string()});
  CHECK(backup.code == 4);
  CHECK(backup.err.find("backup is not yet available on PostgreSQL") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.dir().path() / "b.db"));
}
