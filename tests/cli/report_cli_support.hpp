// Helpers shared by the black-box report tests (report_e2e_test on SQLite, report_postgresql_test
// on the PostgreSQL copy): run a command that must succeed, open a member case, record its steps.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/cli_runner.hpp"

namespace djflow::testing::reportcli {

// The moment every command of these tests runs at (the dates of the steps are given apart).
inline const std::string kNow = "--now=2024-01-15";

// Runs `args` with --json; the test stops, showing the command and its errors, unless it exits 0.
inline RunResult must(const Djflow& d, std::vector<std::string> args) {
  args.insert(args.begin(), "--json");
  auto r = d.run(args);
  std::string cmd;
  for (const auto& a : args) cmd += a + " ";
  INFO(cmd << "\n" << r.err);
  REQUIRE(r.code == 0);
  return r;
}

// Records `list` ("event date [key=value ...]") on case `id`.
inline void steps(const Djflow& d, int id, const std::vector<std::vector<std::string>>& list) {
  for (const auto& s : list) {
    std::vector<std::string> args = {kNow, "record", std::to_string(id), s[0], "--date", s[1]};
    for (std::size_t i = 2; i < s.size(); ++i) {
      args.push_back("--with");
      args.push_back(s[i]);
    }
    must(d, args);
  }
}

// Opens the member development case of `person` by an application on `date`; its id.
inline int apply(const Djflow& d, int person, const std::string& date) {
  return must(d, {kNow, "member", "apply", std::to_string(person), "--date", date}).json()["id"].get<int>();
}

}  // namespace djflow::testing::reportcli
