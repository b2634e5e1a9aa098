// Helpers shared by the black-box tests that run `djflow --db postgresql://...` against the
// throw-away server of the CTest fixture `postgresql` (postgresql_daemons_test, _races_test,
// _wake_test): read one number from the database, and run a command that must succeed.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "storage/pg_connection.hpp"
#include "support/cli_runner.hpp"

namespace djflow::testing::pgcli {

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

}  // namespace djflow::testing::pgcli
