// Issue 7: the entity history in the store. A populated database of schema 5 (the last before the
// entity history) gets one genesis event per row when migrated, in the migration's transaction;
// later writes append their own events; check_entities() finds rows changed, inserted or deleted
// behind the store's back, and schema_problems() finds the append-only triggers gone.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "engine/clock.hpp"
#include "engine/history_hash.hpp"
#include "storage/migrations.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/storage/temp_dir.hpp"

using djflow::engine::EntityEvent;
using djflow::storage::OpenMode;
using djflow::storage::SqliteStore;
using djflow::storage::test::TempDir;

namespace {

// Schema 5 was the last one on main before the entity history; build a database of it with rows.
void make_v5_database(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(djflow::storage::detail::migrate(db, 5).ok());
  const char* rows = R"(
    INSERT INTO settings VALUES ('timezone', 'Asia/Shanghai');
    INSERT INTO holidays VALUES ('2026-10-01', 'off', '国庆节');
    INSERT INTO branches VALUES ('B01', '第一党支部', 'branch', NULL, 1700000000);
    INSERT INTO persons VALUES (1, '李明', 'B01', '1975-03-02', 'full', '2001-07-01', 1700000000);
    INSERT INTO cases VALUES (1, 'member', 1, 'B01', '李明', 'applicant', 0, '', 1700000000, 1700000000);
    INSERT INTO channels (name, type, target, args, preset, secret, branch, workflows, kinds, digest,
      rate_per_minute, max_attempts, timeout_seconds, lang, active, created_at)
      VALUES ('robot', 'webhook', 'https://robot.example.org/h', '[]', 'generic', 's', '', '[]', '[]', '', 20, 8, 10, 'zh', 1, 1700000000);
  )";
  char* err = nullptr;
  const int rc = sqlite3_exec(db, rows, nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

std::vector<EntityEvent> entity_events(SqliteStore& s) {
  std::vector<EntityEvent> out;
  REQUIRE(s.for_each_entity_event([&](const EntityEvent& e) {
             out.push_back(e);
             return true;
           }).ok());
  return out;
}

}  // namespace

TEST_CASE("migrating a populated database writes one genesis event per row", "[storage][entity]") {
  TempDir dir;
  const std::string path = dir.file("v5.db");
  make_v5_database(path);
  auto opened = SqliteStore::open(path, OpenMode::Create);  // what `djflow init` does: migrate
  REQUIRE(opened.ok());
  auto& s = *opened.value();
  const auto events = entity_events(s);
  REQUIRE(events.size() == 6);  // setting, holiday, branch, person, case, channel
  std::string prev;
  for (const auto& e : events) {
    CHECK(e.action == "genesis");
    CHECK(e.prev_hash == prev);
    CHECK(e.hash == djflow::engine::entity_event_hash(e));
    prev = e.hash;
  }
  CHECK(events[4].entity == "case");
  CHECK(events[4].data.find("\"person_id\":1") != std::string::npos);
  auto check = s.check_entities();
  REQUIRE(check.ok());
  CHECK(check.value().problems.empty());
  CHECK(check.value().events == 6);
  CHECK(s.schema_problems().value().empty());

  // A write through the store appends its own event, with the context's actor and time.
  djflow::engine::ManualClock clock(djflow::engine::TimePoint{std::chrono::seconds{1800000000}});
  s.set_change_context(&clock, "王书记");
  REQUIRE(s.set_setting("reminder.time", "08:30").ok());
  const auto after = entity_events(s);
  REQUIRE(after.size() == 7);
  CHECK(after.back().entity == "setting");
  CHECK(after.back().key == "reminder.time");
  CHECK(after.back().actor == "王书记");
  CHECK(after.back().recorded_at == clock.now());
  CHECK(s.check_entities().value().problems.empty());

  // Behind the store's back: found and named.
  REQUIRE(s.test_exec("UPDATE persons SET born = '2010-01-01' WHERE id = 1").ok());
  REQUIRE(s.test_exec("DELETE FROM holidays").ok());
  REQUIRE(s.test_exec("INSERT INTO branches VALUES ('B09', '影子', 'branch', NULL, 0)").ok());
  const auto problems = s.check_entities().value().problems;
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].find("branch B09: not in the entity history") != std::string::npos);
  CHECK(problems[1].find("person 1 changed behind djflow's back: born: history \"1975-03-02\", stored \"2010-01-01\"") !=
        std::string::npos);
  CHECK(problems[2].find("holiday 2026-10-01: deleted") != std::string::npos);

  // The entity history is append-only, and the triggers' absence is reported.
  CHECK_FALSE(s.test_exec("DELETE FROM entity_events").ok());
  REQUIRE(s.test_exec("DROP TRIGGER entity_events_no_delete; DROP TRIGGER events_no_update").ok());
  const auto schema = s.schema_problems().value();
  REQUIRE(schema.size() == 2);
  CHECK(schema[0].find("events_no_update is missing") != std::string::npos);
  CHECK(schema[1].find("entity_events_no_delete is missing") != std::string::npos);
}
