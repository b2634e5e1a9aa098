// Helpers shared by the black-box tests that run `djflow --db postgresql://...` against the
// throw-away server of the CTest fixture `postgresql` (postgresql_daemons_test, _races_test,
// _wake_test, _retry_test): a fresh database with one branch, reading one number from it, running
// a command that must succeed, starting `djflow serve` beside the test, and polling for progress
// with a bound (nothing waits for a time).
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "storage/pg_connection.hpp"
#include "support/child_process.hpp"
#include "support/cli_runner.hpp"

namespace djflow::testing::pgcli {

// The djflow binary under test (the target's DJFLOW_TEST_BIN), also exported as DJFLOW_BIN for
// Djflow::run.
inline std::string bin() {
  ::setenv("DJFLOW_BIN", DJFLOW_TEST_BIN, 0);
  return std::getenv("DJFLOW_BIN");
}

// The single value of a one-row, one-column query; the test stops if the query fails.
inline long long scalar(storage::pg::Connection& c, const std::string& sql) {
  auto r = c.exec("test query", sql);
  INFO(sql << ": " << (r ? "" : r.error().message.en));
  REQUIRE(r);
  REQUIRE(r->size() == 1);
  return r->int64(0, 0);
}

// Runs `args`; the test stops, showing the command's output, unless it exits 0.
inline void ok(const Djflow& d, const std::vector<std::string>& args) {
  auto r = d.run(args);
  INFO(args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << r.out << r.err);
  REQUIRE(r.code == 0);
}

// A connection of the test's own to `url`, behind djflow's back; the test stops if it fails.
inline std::unique_ptr<storage::pg::Connection> connect(const std::string& url) {
  auto c = storage::pg::Connection::open(url);
  REQUIRE(c);
  return std::move(*c);
}

// A throw-away database of the fixture (its own schema), `init` run on 2026-01-05 and branch
// B01 第一党支部 registered; `d` runs djflow on it.
struct OneBranch {
  OneBranch() {
    bin();
    REQUIRE(d.postgres());
    ok(d, {"--now=2026-01-05", "init"});
    ok(d, {"--now=2026-01-05", "branch", "add", "B01", "--name", "第一党支部"});
  }
  const std::string& url() const { return d.db(); }
  Djflow d;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Asks `done` until it says yes, with a short pause between questions so that the processes
// under test get the cores (a polling interval, not a timing), for at most `limit`; its last
// answer.
template <class F>
bool eventually(F&& done, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

// Polls `sql` until it returns at least `want` (at most `limit`); the value last read.
inline long long wait_for(storage::pg::Connection& c, const std::string& sql, long long want,
                          std::chrono::seconds limit) {
  long long v = 0;
  eventually([&] { return (v = scalar(c, sql)) >= want; }, limit);
  return v;
}

// `djflow --db URL ARGS...` (usually `serve ...`) started in the background, its output appended
// to `log`; the test stops if it cannot be started. The child is killed if the test ends first.
inline std::unique_ptr<ChildProcess> start(const std::string& url, const std::vector<std::string>& args,
                                           const std::string& log) {
  std::vector<std::string> argv{bin(), "--db", url};
  argv.insert(argv.end(), args.begin(), args.end());
  auto child = std::make_unique<ChildProcess>(argv, log);
  REQUIRE(child->started());
  return child;
}

}  // namespace djflow::testing::pgcli
