// A command on PostgreSQL that the database breaks off with a serialization failure (40001) is run
// again, up to engine::kWriteAttempts runs (decision 0128, cli/app.cpp run_retrying), and only the
// last run's output is written; a step whose engine write gave up is not run again by the command.
// The failures are injected by a trigger of the test's own, counted by a sequence (which a rolled
// back transaction does not roll back), so the number of runs is read from the database.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "engine/retry.hpp"
#include "pg_cli_support.hpp"

namespace {

using namespace djflow::testing::pgcli;  // OneBranch, connect, scalar, ok

// Makes every insert into `table` fail with 40001 for its first `failures` attempts (all of them
// when `failures` is negative); the attempts are counted by the sequence `attempts`.
void inject_serialization_failures(djflow::storage::pg::Connection& c, const std::string& table, int failures) {
  const std::string fail = failures < 0 ? "true" : "currval('attempts') <= " + std::to_string(failures);
  auto r = c.exec_script(
      "inject",
      "CREATE SEQUENCE attempts; "
      "CREATE FUNCTION fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('attempts'); "
      "IF " + fail + " THEN RAISE EXCEPTION 'injected by the test' USING ERRCODE = 'serialization_failure'; "
      "END IF; RETURN NEW; END $$; "
      "CREATE TRIGGER fail_insert BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION fail_insert();");
  INFO((r ? "" : r.error().message.en));
  REQUIRE(r);
}

// How many times the trigger ran: one per attempt that reached the insert.
long long attempts(djflow::storage::pg::Connection& c) {
  return scalar(c, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM attempts");
}

}  // namespace

TEST_CASE("postgresql retry: a command broken off by a serialization failure is run again, and its answer is "
          "written once",
          "[cli][postgresql][retry]") {
  OneBranch one;
  auto c = connect(one.url());
  inject_serialization_failures(*c, "channels", 1);
  const std::string sink = (one.d.dir().path() / "sink.jsonl").string();
  auto r = one.d.run({"--lang", "en", "--json", "notify", "add", "file", sink});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  // The first run failed at the insert, the second got through.
  CHECK(attempts(*c) == 2);
  CHECK(scalar(*c, "SELECT count(*) FROM channels") == 1);
  // One answer: the failed run's output and error were held back and dropped.
  const auto j = nlohmann::json::parse(r.out);  // throws on two documents
  CHECK(j["target"] == sink);
  CHECK(r.err.empty());
}

TEST_CASE("postgresql retry: a command that keeps being broken off gives up after the bounded number of runs, "
          "says so and writes nothing",
          "[cli][postgresql][retry]") {
  OneBranch one;
  auto c = connect(one.url());
  inject_serialization_failures(*c, "channels", -1);
  const std::string before = one.d.contents();
  auto r = one.d.run({"--lang", "en", "notify", "add", "file", (one.d.dir().path() / "sink.jsonl").string()});
  INFO(r.out << r.err);
  CHECK(r.code == 4);
  CHECK(r.err.find("gave up after " + std::to_string(djflow::engine::kWriteAttempts) + " attempts") !=
        std::string::npos);
  CHECK(r.out.empty());
  CHECK(attempts(*c) == djflow::engine::kWriteAttempts);
  CHECK(scalar(*c, "SELECT count(*) FROM channels") == 0);
}

TEST_CASE("postgresql retry: a step is retried by the engine alone, and when it gives up the command does not run "
          "it again",
          "[cli][postgresql][retry]") {
  OneBranch one;
  const auto& d = one.d;
  ok(d, {"--now=2026-01-05", "person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"});
  ok(d, {"--now=2026-01-05", "member", "apply", "1", "--date", "2026-01-05"});
  auto c = connect(one.url());
  const long long events = scalar(*c, "SELECT count(*) FROM events");

  SECTION("one failure: the step is recorded once") {
    inject_serialization_failures(*c, "events", 1);
    auto r = d.run({"--lang", "en", "--now=2026-01-20", "record", "1", "talk", "--date", "2026-01-20"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(attempts(*c) == 2);
    CHECK(scalar(*c, "SELECT count(*) FROM events") == events + 1);
    CHECK(scalar(*c, "SELECT version FROM cases WHERE id = 1") == 2);
  }
  SECTION("always broken off: kWriteAttempts attempts in all, not kWriteAttempts runs of kWriteAttempts") {
    inject_serialization_failures(*c, "events", -1);
    auto r = d.run({"--lang", "en", "--now=2026-01-20", "record", "1", "talk", "--date", "2026-01-20"});
    INFO(r.out << r.err);
    CHECK(r.code == 4);
    CHECK(r.err.find("gave up after") != std::string::npos);
    CHECK(attempts(*c) == djflow::engine::kWriteAttempts);
    CHECK(scalar(*c, "SELECT count(*) FROM events") == events);
    CHECK(scalar(*c, "SELECT version FROM cases WHERE id = 1") == 1);
  }
}
