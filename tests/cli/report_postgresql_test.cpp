// `djflow report` and `branch show --as-of` on PostgreSQL (storage/pg_store_report.cpp) against
// the throw-away server of the CTest fixture `postgresql`: a SQLite database with a year of
// member development (nested organisations, a case carried from 2020 to full membership in 2023,
// a withdrawal, a transfer), a term left to run out, rectification items closed on time and late
// and organisational life is copied with `djflow migrate-store`; every report prints byte for
// byte the same on both (text, Chinese, --json, --csv, --detail, one branch, a subtree, a period
// ending in the middle of the year).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>

#include "support/test_db.hpp"
#include "report_cli_support.hpp"
#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;

namespace {

using namespace djflow::testing::reportcli;  // kNow, must, steps, apply

void fill(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  must(d, {"branch", "add", "C1", "--name", "机关党委"});
  must(d, {"branch", "add", "B1", "--name", "第一支部", "--parent", "C1"});
  must(d, {"branch", "add", "G1", "--name", "第一党小组", "--parent", "B1"});
  must(d, {"branch", "add", "B2", "--name", "第二支部", "--parent", "C1"});
  must(d, {"branch", "add", "D1", "--name", "另一支部"});
  for (const auto& [name, org] : std::vector<std::pair<std::string, std::string>>{
           {"甲", "B1"}, {"乙", "G1"}, {"丙", "B2"}, {"丁", "D1"}, {"戊", "D1"}, {"己", "D1"}})  // persons 1-6
    must(d, {"person", "add", name, "--branch", org, "--born", "1975-01-01", "--status", "full", "--joined", "2005-07-01"});
  for (const auto& [name, org] : std::vector<std::pair<std::string, std::string>>{
           {"申请六", "G1"}, {"申请七", "B1"}, {"申请八", "B2"}, {"发展九", "D1"}})  // persons 7-10
    must(d, {"person", "add", name, "--branch", org, "--born", "1998-01-01"});
  steps(d, apply(d, 7, "2023-01-10"), {{"talk", "2023-01-20"}, {"activist", "2023-03-15"}});
  const int withdrawn = apply(d, 8, "2023-02-01");
  must(d, {kNow, "record", std::to_string(withdrawn), "withdraw", "--date", "2023-02-15", "--note", "本人撤回申请"});
  must(d, {kNow, "person", "transfer", "8", "--to", "G1", "--date", "2023-03-01"});
  must(d, {kNow, "person", "edit", "8", "--status", "full", "--joined", "2023-03-01", "--reason", "补登"});
  const int moved = apply(d, 9, "2022-05-01");
  steps(d, moved, {{"talk", "2022-05-10"}, {"activist", "2023-02-01"}});
  must(d, {kNow, "person", "transfer", "9", "--to", "G1", "--date", "2023-06-01"});
  const int developed = apply(d, 10, "2020-03-01");
  steps(d, developed, {{"talk", "2020-03-10"}, {"activist", "2020-04-01"}, {"mentors", "2020-04-02", "mentors=4,5"},
                       {"propose", "2021-04-10"}, {"sponsors", "2021-04-15", "sponsors=4,5"},
                       {"political-review", "2021-05-01", "result=pass"}, {"training", "2021-06-01", "days=3"},
                       {"pre-review", "2022-02-01"}, {"admit", "2022-03-01", "eligible=3", "present=3", "yes=3"},
                       {"interview", "2022-03-15"}, {"approve", "2022-04-01"}, {"oath", "2022-04-10"},
                       {"apply-full", "2023-02-01"}, {"convert", "2023-03-01", "eligible=3", "present=3", "yes=3"},
                       {"approve-full", "2023-04-20"}});
  must(d, {kNow, "person", "transfer", "10", "--to", "G1", "--date", "2023-07-01"});
  // A term of 2018 that runs out in 2023 without a renewal.
  must(d, {kNow, "branch", "term", "B2", "--start", "2018-06-28", "--date", "2018-06-28"});
  // Rectification: one item closed on time, one closed late, one left open past its deadline.
  const int batch = must(d, {"--now=2023-09-05", "rectify", "batch", "add", "--source", "theme-education", "--org", "B1",
                             "--feedback", "2023-09-01", "--title", "主题教育检视整改"})
                        .json()["id"].get<int>();
  for (int i = 0; i < 3; ++i) {
    const int item = must(d, {"--now=2023-09-10", "rectify", "add", "--batch", std::to_string(batch), "--problem",
                              "问题" + std::to_string(i), "--measures", "逐项落实", "--leader", "甲", "--department",
                              "党支部", "--owner", "乙", "--type", "deadline", "--deadline", "2023-11-30", "--date",
                              "2023-09-10"})
                         .json()["id"].get<int>();
    auto rec = [&](const std::string& date, const std::string& event, std::vector<std::string> extra = {}) {
      std::vector<std::string> args = {"--now=" + date, "record", std::to_string(item), event, "--date", date};
      args.insert(args.end(), extra.begin(), extra.end());
      must(d, args);
    };
    rec("2023-09-15", "start");
    if (i == 2) continue;
    rec(i == 0 ? "2023-11-20" : "2023-12-05", "submit", {"--with", "evidence=整改材料"});
    rec(i == 0 ? "2023-11-25" : "2023-12-10", "accept", {"--with", "verifier=甲"});
  }
  must(d, {kNow, "life", "start", "--org", "B1", "--date", "2023-01-01", "--secretary", "甲"});
  must(d, {kNow, "meeting", "add", "--org", "B1", "--kind", "theme-day", "--date", "2023-03-15", "--topic", "主题党日",
           "--present", "甲,申请七"});
  // D1's ledger records a meeting of 2022 after one of 2023: its projection rows are `mixed`, and
  // `report year 2023` reads that case whole (decision 0129) on both backends.
  must(d, {kNow, "life", "start", "--org", "D1", "--date", "2022-01-01", "--secretary", "丁"});
  must(d, {kNow, "meeting", "add", "--org", "D1", "--kind", "theme-day", "--date", "2023-05-10", "--topic", "主题党日"});
  must(d, {kNow, "meeting", "add", "--org", "D1", "--kind", "theme-day", "--date", "2022-11-20", "--topic", "主题党日"});
  // An applicant of 2022 with no step in 2023: the year's report takes its state from the
  // projection alone.
  must(d, {"person", "add", "申请十一", "--branch", "B1", "--born", "1998-01-01"});  // person 11
  steps(d, apply(d, 11, "2022-09-01"), {{"talk", "2022-09-10"}});
}

}  // namespace

TEST_CASE("report and branch show --as-of read the same figures on PostgreSQL as on the SQLite database it was "
          "copied from",
          "[cli][postgresql][report]") {
  ::setenv("DJFLOW_BIN", DJFLOW_TEST_BIN, 0);
  Djflow src{Djflow::SqliteFile{}};
  fill(src);
  djflow::storage::test::TestDb db;
  REQUIRE(db.postgres());
  Djflow dst(db.target());
  auto copy = src.run({"--json", "--lang", "en", "migrate-store", "--from", src.db(), "--to", db.target()});
  INFO(copy.out << copy.err);
  REQUIRE(copy.code == 0);

  // Not vacuous: the figures of the year are there.
  auto year = src.run({kNow, "--json", "--lang", "en", "report", "year", "2023"});
  REQUIRE(year.code == 0);
  std::map<std::string, long long> totals;
  const auto doc = year.json();
  for (const auto& f : doc["figures"]) totals[f["id"].get<std::string>()] = f["value"].get<long long>();
  INFO(year.out.substr(0, 3000));
  CHECK(totals["converted"] == 1);
  CHECK(totals["activists_new"] == 2);
  CHECK(totals["withdrawn"] == 1);
  CHECK(totals["rectify_closed_late"] == 1);

  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--lang", "en", "report", "year", "2023"},
           {"--lang", "zh", "report", "year", "2023"},
           {"--json", "report", "year", "2023"},
           {"--json", "report", "year", "2023", "--detail"},
           {"report", "year", "2023", "--csv"},
           {"--lang", "en", "report", "year", "2023", "--org", "B1", "--detail"},
           {"--json", "report", "year", "2023", "--org", "G1"},
           {"--json", "report", "year", "2023", "--org", "C1", "--detail"},
           {"--json", "report", "--from", "2022-03-01", "--to", "2023-04-10", "--detail"},
           {"--json", "report", "year", "2022"},
           {"--json", "report", "--from", "2023-01-01", "--to", "2023-12-31", "--as-of", "2023-06-30", "--detail"},
           {"--json", "branch", "show", "G1", "--as-of", "2023-04-10"},
           {"--lang", "en", "branch", "show", "G1", "--as-of", "2023-12-31"}}) {
    args.insert(args.begin(), kNow);
    auto a = src.run(args), b = dst.run(args);
    std::string cmd;
    for (const auto& x : args) cmd += x + " ";
    INFO(cmd << "\n" << a.err << b.err);
    CHECK(a.code == 0);
    CHECK(b.code == 0);
    CHECK(a.out == b.out);
    CHECK(!a.out.empty());
  }

  // `report year` on PostgreSQL reads the year-end projection (not every event): a projection row
  // changed behind djflow's back changes its figures (and verify names the row).
  const std::vector<std::string> args = {kNow, "--json", "report", "year", "2023"};
  const auto before = dst.run(args);
  REQUIRE(before.code == 0);
  db.exec_behind("UPDATE case_years SET state = 'activist', states = ',applicant,activist,' WHERE year = 2022 AND "
                 "case_id = (SELECT id FROM cases WHERE person_id = 11)");
  const auto after = dst.run(args);
  REQUIRE(after.code == 0);
  CHECK(after.out != before.out);
  const auto verify = dst.run({kNow, "--lang", "en", "verify"});
  CHECK(verify.code != 0);
  CHECK(verify.out.find("case_years: row") != std::string::npos);
}
