// LISTEN/NOTIFY (issue 12 §3, decision 0120): a `djflow serve` on PostgreSQL whose poll fallback
// is an hour is woken by another process's step, which can only reach it through the NOTIFY
// sent when that step commits. Progress is read from the database with a generous bound.
#include <catch2/catch.hpp>

#include "pg_cli_support.hpp"

using namespace djflow::testing::pgcli;  // OneBranch, start, eventually, scalar, ok, read_file

TEST_CASE("postgresql wake-up: a step recorded by another process wakes a daemon that polls only once an hour, "
          "and its reminder due now is delivered",
          "[cli][postgresql][daemon][notify]") {
  OneBranch one;
  const auto& d = one.d;
  ok(d, {"--now=2026-01-05", "person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"});
  const std::string sink = (d.dir().path() / "sink.jsonl").string();
  ok(d, {"--now=2026-01-05", "notify", "add", "file", sink});

  // The daemon's clock is two months after the application below, so its reminders are due at
  // once; it looks for other processes' changes only every hour (and every wait is capped there).
  const std::string log = (d.dir().path() / "serve.log").string();
  auto serve = start(one.url(), {"--now", "2026-03-05T10:00", "serve", "--poll", "3600", "-v"}, log);
  // Its first plan is made (nothing pending): from here on only a wake-up makes it look again.
  const bool planned = eventually([&] { return read_file(log).find("no reminder pending") != std::string::npos; },
                                  std::chrono::seconds(60));
  INFO("serve log:\n" << read_file(log));
  REQUIRE(planned);

  auto c = connect(one.url());
  REQUIRE(scalar(*c, "SELECT count(*) FROM timers") == 0);
  // Another process: the application opens a member development case and its deadlines.
  ok(d, {"--now=2026-01-05", "member", "apply", "1", "--date", "2026-01-05"});
  // A reminder due at the daemon's clock exists; whether the daemon has already fired it is left
  // open (it may be woken and fire before this line runs: seen under ASan).
  REQUIRE(scalar(*c, "SELECT count(*) FROM timers WHERE fire_at <= "
                      "extract(epoch FROM timestamptz '2026-03-05 10:00+08')::bigint") > 0);

  const std::string delivered = "SELECT count(*) FROM deliveries WHERE status = 'delivered'";
  const bool woke = eventually([&] { return scalar(*c, delivered) > 0; }, std::chrono::seconds(60));
  INFO("serve log:\n" << read_file(log));
  CHECK(woke);
  CHECK(read_file(log).find("woken by another process") != std::string::npos);
  CHECK(read_file(sink).find("\"workflow\":\"member\"") != std::string::npos);

  serve->signal(SIGTERM);
  CHECK(WIFEXITED(serve->wait()));
}
