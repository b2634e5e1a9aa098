// Migrations are frozen once they are on main (issue 7 §3, docs/storage_format.md "Migrations").
// A database in the wild records only its version number: if migration N's text changes after
// some database reached version N, that database never gets the change and djflow then fails on
// it (this happened: channels.after_notification was added to migration 5 after 22034c2, and
// databases made by that build failed every `notify` command with "no such column").
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/history_hash.hpp"
#include "storage/migrations.hpp"
#include "storage/pg_migrations.hpp"

using djflow::engine::sha256_hex;
using djflow::storage::detail::Migration;
using djflow::storage::detail::migrations;

namespace {

// SHA-256 of each migration (migration N is line N). Append the checksum of a new migration in
// the same commit that adds it; NEVER change a line: a migration on main never changes, a schema
// change is a new migration (and a repair of a bad one is a new migration too, see 6).
const std::vector<std::string> kFrozen = {
    "b2570f265d0ed5af139bdd86bf517754716011263a02efab2df1f5e1cdc4623a",  // 1 base schema
    "ea29f80ec05c1a773b063d0e1c7b8c39f4db9308de2dc586d40c3d9e22ed977b",  // 2 deadlines.on_due_event
    "fd440306559040acfdccba926a5af8bca3adf7ef7ac96f830bda84cf95ce6873",  // 3 rectification ledger
    "5a13387503a40a153585b2341fae12f8b4b356a497342bf1e9c728766808c554",  // 4 elections index
    "d0d507f7a5f9995e90804d318eb4fe2c58a0a5a10499d1743f4ae8f5e3509e45",  // 5 daemon (as since 8847dd8)
    "88be62eb8fed2e2f52041bbc56d2737852515360cf19c6fbf61ee95efce66b68",  // 6 channels.after_notification repair
    "2019d8c695abad7daaf829f4573e809317a953fc3a8b69d70e97ed247ba91bf0",  // 7 entity history (issue 7 §2)
    "89f22d612884c1dc463ab08b4529d519689511d5da194a8e97ae1aef66752e02",  // 8 persons.key, phone, change_reason (issue 9)
    "e83f37e6a94fa11651d9a67d7125671c87a2eba8644235c0be43764605e9c4ab",  // 9 users, api_tokens, web_sessions, idempotent_answers (issue 11)
    "df597a290a7b08a5e5c8f00856fd8c540a2361692ea93ff4d330ee46bc118dd7",  // 10 events_report covering index (issue 10 §3)
    "e9e2296bc89436855d8762b0b9318a5f1cc6074acf19d9a08adb14208a27d203",  // 11 case_years year-end projection, events_year (decision 0129)
};

// What is frozen: the SQL, and the skip_if query when the migration has one.
std::string checksum(const Migration& m) {
  std::string text = m.sql;
  if (m.skip_if != nullptr) text += std::string("\n-- skip_if\n") + m.skip_if;
  return sha256_hex(text);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("no migration on main has changed: every migration matches its frozen checksum",
          "[storage][migrate][freeze]") {
  const auto all = migrations();
  REQUIRE(all.size() >= kFrozen.size());  // a migration was removed: never remove one either
  for (std::size_t i = 0; i < kFrozen.size(); ++i) {
    INFO("migration " << i + 1 << " changed (its SHA-256 is now " << checksum(all[i])
                      << "). A migration that is on main never changes: databases that already "
                         "ran it would never see the edit. Revert it and add a new migration "
                         "(append to kMigrations) instead; docs/storage_format.md, Migrations.");
    CHECK(checksum(all[i]) == kFrozen[i]);
  }
  INFO("a new migration: append its checksum " << checksum(all.back())
                                               << " to kFrozen in the same commit");
  CHECK(all.size() == kFrozen.size());
}

TEST_CASE("the historical migration texts of the upgrade fixtures are the frozen ones",
          "[storage][migrate][freeze]") {
  // tests/storage/fixtures/migration_N.sql are what upgrade_test.cpp builds old databases from;
  // they must be the texts main shipped, byte for byte.
  for (std::size_t n = 1; n <= 5; ++n) {
    const auto text = slurp(std::string(DJFLOW_FIXTURES_DIR) + "/migration_" + std::to_string(n) + ".sql");
    INFO("fixtures/migration_" << n << ".sql");
    REQUIRE(!text.empty());
    CHECK(sha256_hex(text) == kFrozen[n - 1]);
  }
  // Migration 5 as it was on main at 22034c2 (before after_notification): what migration 6 repairs.
  CHECK(sha256_hex(slurp(std::string(DJFLOW_FIXTURES_DIR) + "/migration_5_22034c2.sql")) ==
        "d0174f889611f1da0d1c7719754993834ace7652ad384b2a82d42a763cc3ce1d");
}

// SHA-256 of each PostgreSQL migration (storage/pg_migrations.cpp), frozen the same way: a
// PostgreSQL database records only its version number too.
const std::vector<std::string> kFrozenPg = {
    "c66de272eb4d27d7162523a8b9dcf38639147852c506551c21dfbd61c149bf3f",  // 1 base schema
    "ea29f80ec05c1a773b063d0e1c7b8c39f4db9308de2dc586d40c3d9e22ed977b",  // 2 deadlines.on_due_event
    "8a84521a3957e16f0d5ded355eb8e36c9fcbe3aaa8aff958ae982737a2997529",  // 3 rectification ledger
    "5a13387503a40a153585b2341fae12f8b4b356a497342bf1e9c728766808c554",  // 4 elections
    "e947a303900ab30bdaec7ea190d7c0433f2bca7ff72ea7ddb1349338fb627a42",  // 5 daemon
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  // 6 empty: PostgreSQL 5 already has after_notification
    "13ef33f51bfd42b5449a04b3c349ab74b7cac947fcfc9650f9f5abaa20f07ead",  // 7 entity events
    "89f22d612884c1dc463ab08b4529d519689511d5da194a8e97ae1aef66752e02",  // 8 person keys
    "367059488bd3b2d37ab982898991fc832515e4ddd6706faf65e9233edf8c9894",  // 9 web access
    "bb15ab124e3208607ff6cf2e002d56344225ee45480bd42dcfb348ffb69a1bd9",  // 10 events_report index (issue 10 §3)
    "bdec25915f71fe0ee8def4bac333da088b98f5932d2a4e450a357578de5d19cc",  // 11 case_years year-end projection (decision 0129)
};

TEST_CASE("PostgreSQL migrations on main never change", "[storage][migrate][postgresql]") {
  const auto all = djflow::storage::pg::pg_migrations();
  REQUIRE(all.size() >= kFrozenPg.size());
  for (std::size_t i = 0; i < kFrozenPg.size(); ++i) {
    INFO("PostgreSQL migration " << i + 1 << " changed (its SHA-256 is now " << sha256_hex(all[i])
                                 << "). A migration that is on main never changes: add a new one");
    CHECK(sha256_hex(all[i]) == kFrozenPg[i]);
  }
  std::string missing;
  for (std::size_t i = kFrozenPg.size(); i < all.size(); ++i) {
    missing += "    \"" + sha256_hex(all[i]) + "\",  // " + std::to_string(i + 1) + "\n";
  }
  INFO("new PostgreSQL migrations: append to kFrozenPg in the same commit:\n" << missing);
  CHECK(all.size() == kFrozenPg.size());
}

TEST_CASE("every SQLite migration has its PostgreSQL twin under the same number",
          "[storage][migrate][postgresql]") {
  INFO("storage/pg_migrations.cpp must hold the PostgreSQL text of every migration of "
       "storage/migrations.cpp, in the same order (an empty text when nothing is to be done)");
  CHECK(djflow::storage::pg::pg_migrations().size() == migrations().size());
}
