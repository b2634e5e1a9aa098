// Several djflow processes on one PostgreSQL database (issue 12 §4), with the real binary
// against the throw-away server of the CTest fixture `postgresql`:
// - exactly once: three `djflow serve` share many due reminders, one is killed with SIGKILL
//   halfway; every reminder fires once, every notification is delivered (at least once to the
//   file, exactly once in the database);
// - load: four processes record steps on distinct cases and on the same case; every step that
//   succeeded is in the history once, the others were told (exit 4, a conflict), none is lost.
// Progress is read from the database, polled with a generous bound: nothing waits for a time.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "pg_cli_support.hpp"

namespace {

using namespace djflow::testing::pgcli;  // OneBranch, start, connect, wait_for, scalar, ok

// How many reminders fall due at once (issue 12 §4 asks for 10,000; see docs/testing.md).
constexpr int kReminders = 10000;

}  // namespace

TEST_CASE("postgresql daemons: three djflow serve share 10,000 due reminders, one is killed with SIGKILL "
          "halfway: each fires once and is delivered, none twice in the database",
          "[cli][postgresql][daemon][exactly-once]") {
  OneBranch one;
  const auto& d = one.d;
  const std::string sink = (d.dir().path() / "sink.jsonl").string();
  ok(d, {"--now=2026-01-05", "notify", "add", "file", sink});

  // The reminders: kReminders member cases, each with one open deadline and one timer due on
  // 2026-03-01 09:00 (Asia/Shanghai), written in one statement each (the engine's path would take
  // one process per case).
  auto c = connect(one.url());
  const std::string n = std::to_string(kReminders);
  REQUIRE(c->exec_script(
      "fill",
      "BEGIN;"
      "INSERT INTO cases (id, workflow, person_id, branch, title, state, version, head_hash, created_at, updated_at) "
      "  SELECT i, 'member', NULL, 'B01', 'case' || i, 'applicant', 0, '', 0, 0 FROM generate_series(1, " + n + ") i;"
      "INSERT INTO deadlines (id, case_id, kind, due_date, opened_on, milestone, overdue_every_days, open, closed_on) "
      "  SELECT i, i, 'talk', '2026-03-31', '2026-01-05', 0, 0, 1, NULL FROM generate_series(1, " + n + ") i;"
      "INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, fire_at, fired_at) "
      "  SELECT i || ':talk:2026-03-31:30', i, i, 'talk', '2026-03-31', 30, 1772326800, NULL "
      "  FROM generate_series(1, " + n + ") i;"
      "SELECT setval(pg_get_serial_sequence('cases', 'id'), " + n + ");"
      "SELECT setval(pg_get_serial_sequence('deadlines', 'id'), " + n + ");"
      "COMMIT;"));

  // Three daemons on a simulated clock from 2026-03-02 (every reminder due), 100 times faster
  // than real time, so that the delivery claims of the killed one (600 s) expire in seconds.
  std::vector<std::unique_ptr<djflow::testing::ChildProcess>> daemons;
  for (int i = 0; i < 3; ++i)
    daemons.push_back(start(one.url(), {"--now", "2026-03-02T10:00", "serve", "--speed", "100", "--batch", "100"},
                            (d.dir().path() / ("serve" + std::to_string(i) + ".log")).string()));
  const std::string fired = "SELECT count(*) FROM timers WHERE fired_at IS NOT NULL";
  const std::string delivered = "SELECT count(*) FROM deliveries WHERE status = 'delivered'";
  // Halfway through the firing: one daemon dies without a word.
  const long long at_kill = wait_for(*c, fired, kReminders / 2, std::chrono::seconds(300));
  REQUIRE(at_kill >= kReminders / 2);
  REQUIRE(daemons[0]->running());
  daemons[0]->signal(SIGKILL);
  const int killed = daemons[0]->wait();
  {
    std::ifstream log(d.dir().path() / "serve0.log");
    INFO("daemon 0 ended with wait status " << killed << "; its log:\n" << log.rdbuf());
    CHECK(WIFSIGNALED(killed));
  }
  const long long delivered_at_kill = scalar(*c, delivered);
  INFO("killed at " << at_kill << " fired, " << delivered_at_kill << " delivered");

  CHECK(wait_for(*c, fired, kReminders, std::chrono::seconds(300)) == kReminders);
  CHECK(wait_for(*c, delivered, kReminders, std::chrono::seconds(300)) == kReminders);
  for (int i = 1; i < 3; ++i) {
    daemons[i]->signal(SIGTERM);
    const int st = daemons[i]->wait();
    CHECK(WIFEXITED(st));
  }

  // Fired once: one notification per timer, no key twice, nothing pending.
  CHECK(scalar(*c, "SELECT count(*) FROM timers WHERE fired_at IS NULL") == 0);
  CHECK(scalar(*c, "SELECT count(*) FROM notifications") == kReminders);
  CHECK(scalar(*c, "SELECT count(DISTINCT key) FROM notifications") == kReminders);
  CHECK(scalar(*c, "SELECT count(DISTINCT case_id) FROM notifications") == kReminders);
  // Delivered once in the database: one row per notification, delivered, none pending or dead.
  CHECK(scalar(*c, "SELECT count(*) FROM deliveries") == kReminders);
  CHECK(scalar(*c, "SELECT count(DISTINCT notification_id) FROM deliveries WHERE status = 'delivered'") ==
        kReminders);
  CHECK(scalar(*c, "SELECT count(*) FROM deliveries WHERE status <> 'delivered' OR delivered_at IS NULL") == 0);
  // At least once in the file: every notification has a line (the killed daemon's last batch may
  // have reached the file before its outcome reached the database: then a second line).
  std::ifstream in(sink);
  std::set<long long> seen;
  long long lines = 0;
  for (std::string line; std::getline(in, line);) {
    ++lines;
    seen.insert(nlohmann::json::parse(line)["notification"].get<long long>());
  }
  CHECK(lines >= kReminders);
  CHECK(static_cast<long long>(seen.size()) == kReminders);
  CHECK(*seen.begin() == scalar(*c, "SELECT min(id) FROM notifications"));
  CHECK(*seen.rbegin() == scalar(*c, "SELECT max(id) FROM notifications"));
}

TEST_CASE("postgresql load: four processes record steps on distinct cases and on the same case: every success "
          "is in the history once, every failure is a conflict",
          "[cli][postgresql][load]") {
  OneBranch one;
  const auto& d = one.d;
  constexpr int kWorkers = 4, kOwn = 3, kSteps = 4;
  // Case 1 is shared; cases 2.. belong to one worker each (kOwn per worker).
  for (int i = 0; i < 1 + kWorkers * kOwn; ++i) {
    ok(d, {"--now=2026-01-05", "person", "add", "党员" + std::to_string(i + 1), "--branch", "B01", "--born",
           "2000-05-01"});
    ok(d, {"--now=2026-01-05", "member", "apply", std::to_string(i + 1), "--date", "2026-01-05"});
  }
  auto c = connect(one.url());
  const long long events_before = scalar(*c, "SELECT count(*) FROM events");

  struct Outcome {
    int ok = 0, conflict = 0, other = 0;
    std::string others;
  };
  std::vector<Outcome> shared(kWorkers), own(kWorkers);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      djflow::testing::Djflow me(one.url());  // its own output files
      auto count = [&](Outcome& o, const djflow::testing::RunResult& r) {
        if (r.code == 0) ++o.ok;
        else if (r.code == 4 && r.err.find("try again") != std::string::npos) ++o.conflict;
        else ++o.other, o.others += std::to_string(r.code) + ": " + r.err;
      };
      for (int s = 0; s < kSteps; ++s) {
        count(shared[w], me.run({"--lang", "en", "--now=2026-01-20", "record", "1", "talk", "--date", "2026-01-20"}));
        for (int k = 0; k < kOwn; ++k) {
          const std::string mine = std::to_string(2 + w * kOwn + k);
          count(own[w], me.run({"--lang", "en", "--now=2026-01-20", "record", mine, "talk", "--date", "2026-01-20"}));
        }
      }
    });
  }
  for (auto& t : workers) t.join();

  int shared_ok = 0, shared_conflicts = 0;
  for (int w = 0; w < kWorkers; ++w) {
    INFO("worker " << w << ": " << shared[w].others << own[w].others);
    CHECK(shared[w].other == 0);
    CHECK(own[w].other == 0);
    // Distinct cases never wait for each other's version: every step succeeds.
    CHECK(own[w].ok == kOwn * kSteps);
    shared_ok += shared[w].ok;
    shared_conflicts += shared[w].conflict;
  }
  CHECK(shared_ok + shared_conflicts == kWorkers * kSteps);
  CHECK(shared_ok >= kSteps);  // each worker's turn can lose only to another's success
  // Nothing lost, nothing twice: the shared case holds exactly the successful steps, its version
  // counts them, and the events are numbered without a gap.
  CHECK(scalar(*c, "SELECT count(*) FROM events WHERE case_id = 1") == 1 + shared_ok);
  CHECK(scalar(*c, "SELECT version FROM cases WHERE id = 1") == 1 + shared_ok);
  CHECK(scalar(*c, "SELECT max(seq) FROM events WHERE case_id = 1") == 1 + shared_ok);
  CHECK(scalar(*c, "SELECT count(*) FROM events") == events_before + shared_ok + kWorkers * kOwn * kSteps);
  auto verify = d.run({"--lang", "en", "--now=2026-01-21", "verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.code == 0);
}
