// Cross-case rules without SQLite's single writer (issue 12 §3, decision 0120): two processes
// race to open the same case on one PostgreSQL database, many times over; exactly one succeeds
// and the other is refused (exit 1) or told of a conflict (exit 4), and the database holds one
// case. The rules are checked inside the transaction that opens the case, after its insert,
// which holds the entity-history lock to the commit, so the loser reads the winner's case.
#include <catch2/catch.hpp>

#include <latch>
#include <thread>

#include "pg_cli_support.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;

namespace {

using namespace djflow::testing::pgcli;  // OneBranch, bin, connect, scalar, ok

// How many times each race is run.
constexpr int kRounds = 15;

// Runs `args` in two processes released together; their results.
std::pair<RunResult, RunResult> race(const std::string& db, const std::vector<std::string>& args) {
  RunResult a, b;
  std::latch go(2);
  auto run = [&](RunResult& out) {
    Djflow me(db);  // its own output files
    go.arrive_and_wait();
    out = me.run(args);
  };
  std::thread ta(run, std::ref(a)), tb(run, std::ref(b));
  ta.join();
  tb.join();
  return {a, b};
}

// Exactly one of the two succeeded; the other was refused by the rule (`refused`: its exit code)
// or told of a conflict (exit 4).
void one_wins(const std::pair<RunResult, RunResult>& r, int round, int refused = 1) {
  const auto& [a, b] = r;
  INFO("round " << round << ": " << a.code << " " << a.err << " / " << b.code << " " << b.err);
  CHECK(((a.code == 0) != (b.code == 0)));
  const RunResult& loser = a.code == 0 ? b : a;
  CHECK((loser.code == refused || loser.code == 4));
}

// kRounds organisations; in each round two processes run `command(code)` for one organisation at
// once: one wins, the other is refused (exit `refused`) or gets a conflict, and exactly one case of
// `workflow` is open for that organisation. The history verifies at the end.
template <class Command>
void one_case_per_organisation(const std::string& workflow, Command command, int refused = 1) {
  bin();
  Djflow d;  // on a throw-away database of the fixture
  REQUIRE(d.postgres());
  ok(d, {"--now=2026-01-05", "init"});
  for (int i = 1; i <= kRounds; ++i)
    ok(d, {"--now=2026-01-05", "branch", "add", "B" + std::to_string(i), "--name", "第" + std::to_string(i) + "党支部"});
  auto c = connect(d.db());
  for (int i = 1; i <= kRounds; ++i) {
    const std::string code = "B" + std::to_string(i);
    one_wins(race(d.db(), command(code)), i, refused);
    CHECK(scalar(*c, "SELECT count(*) FROM cases WHERE workflow = '" + workflow + "' AND branch = '" + code + "'") == 1);
  }
  CHECK(d.run({"--now=2026-01-06", "verify"}).code == 0);
}

}  // namespace

TEST_CASE("postgresql races: two processes applying for the same person at once open one development case",
          "[cli][postgresql][races]") {
  OneBranch one;
  const auto& d = one.d;
  for (int i = 1; i <= kRounds; ++i)
    ok(d, {"--now=2026-01-05", "person", "add", "党员" + std::to_string(i), "--branch", "B01", "--born", "2000-05-01"});
  auto c = connect(one.url());
  for (int i = 1; i <= kRounds; ++i) {
    one_wins(race(one.url(), {"--lang", "en", "--now=2026-01-05", "member", "apply", std::to_string(i), "--date",
                                "2026-01-05"}),
             i);
    CHECK(scalar(*c, "SELECT count(*) FROM cases WHERE workflow = 'member' AND person_id = " + std::to_string(i)) ==
          1);
  }
  CHECK(d.run({"--now=2026-01-06", "verify"}).code == 0);
}

TEST_CASE("postgresql races: two processes recording the same organisation's term at once open one term",
          "[cli][postgresql][races]") {
  one_case_per_organisation("term", [](const std::string& code) -> std::vector<std::string> {
    return {"--lang", "en", "--now=2026-01-05", "branch", "term", code, "--start", "2025-01-10"};
  });
}

TEST_CASE("postgresql races: two processes starting the same organisation's life ledger at once open one ledger",
          "[cli][postgresql][races]") {
  // Decision 0125: the check "one ledger per organisation" is repeated inside the opening
  // transaction after the case's insert (which holds the entity-history lock to the commit).
  one_case_per_organisation(
      "life",
      [](const std::string& code) -> std::vector<std::string> {
        return {"--lang", "en", "--now=2026-01-05", "life", "start", "--org", code, "--date", "2026-01-01"};
      },
      4);
}

TEST_CASE("postgresql races: two processes adding a person of the same name to one organisation at once add one",
          "[cli][postgresql][races]") {
  // Decision 0125: add_person's same-name check is repeated after the insert, under the
  // entity-history lock; the loser is refused as the check before it would refuse it (exit 2).
  OneBranch one;
  const auto& d = one.d;
  auto c = connect(one.url());
  for (int i = 1; i <= kRounds; ++i) {
    const std::string name = "同名" + std::to_string(i);
    one_wins(race(one.url(), {"--lang", "en", "--now=2026-01-05", "person", "add", name, "--branch", "B01", "--born",
                                "2000-05-01"}),
             i, 2);
    CHECK(scalar(*c, "SELECT count(*) FROM persons WHERE name = '" + name + "'") == 1);
  }
  CHECK(d.run({"--now=2026-01-06", "verify"}).code == 0);
}
