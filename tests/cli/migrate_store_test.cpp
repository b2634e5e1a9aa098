// `djflow migrate-store --from FILE.db --to postgresql://...` (issue 12 §3) against the
// throw-away server of the CTest fixture `postgresql`: a demo-like SQLite database (several
// workflows, reminders fired, a delivery made by the daemon, a channel, a user and a token) is
// copied; every table of the source has as many rows on the target (the list comes from
// sqlite_master, so a table the copy forgot fails here), the copy verifies, and show / due /
// history / list / anchor print the same on both. A target that is not empty is refused.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/test_db.hpp"
#include "storage/pg_connection.hpp"
#include "support/child_process.hpp"
#include "support/cli_runner.hpp"

using djflow::testing::Djflow;

namespace {

// Row count of every table of the SQLite file, read with SQLite itself (not with djflow).
std::map<std::string, long long> sqlite_counts(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::vector<std::string> names;
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                             -1, &st, nullptr) == SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  std::map<std::string, long long> counts;
  for (const auto& n : names) {
    REQUIRE(sqlite3_prepare_v2(db, ("SELECT count(*) FROM \"" + n + "\"").c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    counts[n] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return counts;
}

// Row count of table `t` on PostgreSQL (-1 when the table is missing there).
long long pg_count(const std::string& url, const std::string& t) {
  auto c = djflow::storage::pg::Connection::open(url);
  REQUIRE(c);
  auto r = (*c)->exec("count", "SELECT count(*) FROM \"" + t + "\"");
  return r ? r->int64(0, 0) : -1;
}

void ok(const Djflow& d, std::vector<std::string> args) {
  auto r = d.run(args);
  INFO(d.db() << ": " << args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << r.out << r.err);
  REQUIRE(r.code == 0);
}

// A database like the demo's: member development for three applicants (one further on), a
// rectification batch with an item, a term, a meeting, settings, a file channel, a web user and a
// token; then reminders fired by `tick` and one run of the daemon that delivers them to the file.
void fill_demo(const Djflow& d) {
  const std::string at = "--now=2026-01-05";
  ok(d, {at, "init"});
  ok(d, {at, "config", "set", "member.archive_days", "40"});
  ok(d, {at, "branch", "add", "C01", "--name", "机关党委", "--kind", "committee"});
  ok(d, {at, "branch", "add", "B01", "--name", "第一党支部", "--parent", "C01"});
  for (const auto& [name, date] : std::vector<std::pair<std::string, std::string>>{
           {"张三", "2026-01-05"}, {"李四", "2026-01-12"}, {"王五", "2026-01-20"}}) {
    ok(d, {"--now=" + date, "person", "add", name, "--branch", "B01", "--born", "2000-05-01"});
    ok(d, {"--now=" + date, "member", "apply", name, "--date", date});
  }
  ok(d, {"--now=2026-01-25", "record", "1", "talk", "--date", "2026-01-25"});
  auto batch = d.run({"--json", at, "rectify", "batch", "add", "--source", "theme-education", "--org", "C01",
                      "--feedback", "2026-01-02", "--title", "主题教育检视整改"});
  REQUIRE(batch.code == 0);
  ok(d, {at, "rectify", "add", "--batch", std::to_string(batch.json()["id"].get<int>()), "--problem", "组织生活不规范", "--measures", "逐月核对", "--leader",
         "王书记", "--department", "党委办公室", "--owner", "赵一", "--type", "deadline", "--deadline", "2026-03-31",
         "--date", "2026-01-05"});
  ok(d, {at, "branch", "term", "B01", "--start", "2023-06-01", "--date", "2026-01-05"});
  ok(d, {at, "life", "start", "--org", "B01", "--date", "2026-01-05"});
  ok(d, {at, "meeting", "add", "--org", "B01", "--kind", "committee-meeting", "--date", "2026-01-05", "--topic",
         "研究发展党员工作"});
  const std::string sink = (d.dir().path() / "sink.jsonl").string();
  ok(d, {at, "notify", "add", "file", sink});
  const std::string bin = std::getenv("DJFLOW_BIN");
  REQUIRE(Djflow::sh("printf 'secret-pass-1\\n' | " + bin + " --db " + d.db() +
                     " user add 王书记 --org B01 --role secretary >/dev/null 2>&1") == 0);
  ok(d, {at, "token", "add", "--user", "王书记", "--expires", "2027-01-01"});
  ok(d, {"--now=2026-03-01T10:00", "tick"});

  // The daemon routes the fired notifications to the channel and delivers them: started on the
  // simulated clock, stopped with SIGTERM once the outbox shows a delivery (polled, no timing).
  djflow::testing::ChildProcess serve({bin, "--db", d.db(), "--now", "2026-03-01T10:00", "serve"},
                                      (d.dir().path() / "serve.log").string());
  REQUIRE(serve.started());
  bool delivered = false;
  for (int i = 0; i < 1200 && !delivered && serve.running(); ++i) {
    auto r = d.run({"--json", "outbox", "--status", "delivered"});
    delivered = r.code == 0 && !nlohmann::json::parse(r.out).empty();
    if (!delivered) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll, not timing
  }
  serve.signal(SIGTERM);
  const int status = serve.wait();
  INFO(std::ifstream(d.dir().path() / "serve.log").rdbuf());
  REQUIRE(delivered);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace

TEST_CASE("migrate-store: a demo-like SQLite database is copied table by table, verifies on PostgreSQL and reads "
          "the same there, and a second run into the copy is refused",
          "[cli][postgresql][migrate]") {
  ::setenv("DJFLOW_BIN", DJFLOW_TEST_BIN, 0);
  Djflow src{Djflow::SqliteFile{}};
  fill_demo(src);
  djflow::storage::test::TestDb db;
  REQUIRE(db.postgres());
  Djflow dst(db.target());

  auto run = src.run({"--json", "--lang", "en", "migrate-store", "--from", src.db(), "--to", db.target()});
  INFO(run.out << run.err);
  REQUIRE(run.code == 0);
  const auto j = nlohmann::json::parse(run.out);
  CHECK(j["verify"]["ok"] == true);
  CHECK(j["verify"]["cases"].get<int>() >= 6);

  // Every table of the source, by SQLite's own list: the same row count on the target.
  const auto counts = sqlite_counts(src.db());
  for (const auto& [table, rows] : counts) {
    INFO("table " << table);
    CHECK(pg_count(db.target(), table) == rows);
    CHECK(j["tables"][table] == rows);
  }
  CHECK(j["tables"].size() == counts.size());
  // Not a vacuous comparison: the demo wrote into what matters.
  for (const char* t : {"cases", "events", "entity_events", "deadlines", "timers", "notifications", "deliveries",
                        "channels", "persons", "branches", "settings", "rectify_items", "users", "api_tokens"}) {
    INFO("table " << t);
    CHECK(counts.at(t) > 0);
  }

  // The same answers on both, and the same anchor: the hash chains are the same bytes.
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"show", "1"}, {"history", "1"}, {"due"}, {"list"}, {"show", "4"}, {"outbox"}, {"person", "history", "1"}}) {
    args.insert(args.begin(), {"--lang", "zh", "--now=2026-03-02T10:00"});
    auto a = src.run(args), b = dst.run(args);
    INFO(args[3]);
    CHECK(a.code == 0);
    CHECK(a.out == b.out);
  }
  const std::string anchors_a = (src.dir().path() / "a.anchors").string(),
                    anchors_b = (dst.dir().path() / "b.anchors").string();
  auto anchor_a = src.run({"--json", "--now=2026-03-02", "anchor", "--file", anchors_a});
  auto anchor_b = dst.run({"--json", "--now=2026-03-02", "anchor", "--file", anchors_b});
  REQUIRE(anchor_a.code == 0);
  REQUIRE(anchor_b.code == 0);
  CHECK(anchor_a.json()["root"] == anchor_b.json()["root"]);
  // New rows on PostgreSQL continue after the copied ids.
  auto added = dst.run({"--now=2026-03-02", "person", "add", "赵六", "--branch", "B01", "--born", "2001-01-01"});
  INFO(added.err);
  CHECK(added.code == 0);
  CHECK(added.out == std::to_string(counts.at("persons") + 1) + "\n");

  // Again into the copy: refused, nothing written.
  auto again = src.run({"--json", "--lang", "en", "migrate-store", "--from", src.db(), "--to", db.target()});
  CHECK(again.code == 4);
  CHECK(again.err.find("the target database is not empty, nothing copied") != std::string::npos);
  CHECK(pg_count(db.target(), "events") == counts.at("events"));
  auto zh = src.run({"--lang", "zh", "migrate-store", "--from", src.db(), "--to", db.target()});
  CHECK(zh.code == 4);
  CHECK(zh.err.find("目标数据库不是空的") != std::string::npos);
}

TEST_CASE("migrate-store: a source table the target lacks stops the copy, bad arguments are exit 2, nothing is "
          "written",
          "[cli][postgresql][migrate]") {
  ::setenv("DJFLOW_BIN", DJFLOW_TEST_BIN, 0);
  Djflow src{Djflow::SqliteFile{}};
  ok(src, {"--now=2026-01-05", "init"});
  ok(src, {"--now=2026-01-05", "branch", "add", "B01", "--name", "第一党支部"});
  djflow::storage::test::TestDb db;
  REQUIRE(db.postgres());

  CHECK(src.run({"migrate-store", "--from", src.db(), "--to", src.db()}).code == 2);
  CHECK(src.run({"migrate-store", "--from", db.target(), "--to", db.target()}).code == 2);
  CHECK(src.run({"migrate-store", "--from", (src.dir().path() / "missing.db").string(), "--to", db.target()}).code ==
        3);

  // A table written behind djflow's back (or by a migration PostgreSQL lacks): never dropped silently.
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(src.db().c_str(), &raw) == SQLITE_OK);
  REQUIRE(sqlite3_exec(raw, "CREATE TABLE extra_notes (id INTEGER PRIMARY KEY, note TEXT); "
                            "INSERT INTO extra_notes (note) VALUES ('x')",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  auto r = src.run({"--lang", "en", "migrate-store", "--from", src.db(), "--to", db.target()});
  CHECK(r.code == 4);
  CHECK(r.err.find("schemas differ, nothing copied: extra_notes") != std::string::npos);
  CHECK(pg_count(db.target(), "branches") == 0);
}
