// The seed's year (the branch secretary's 2023 述职报告, /work/shared/seed): a branch of 40
// members built step by step through the djflow binary: 6 developed, 8 converted, 20 activists
// determined, an election in June, 5 rectification items. `djflow report year 2023` must give
// exactly those figures, as of the year end and as of a date in the middle (before the
// conversions), in text, JSON, CSV and XLSX; the one-pass report equals the replayed one.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "engine/engine.hpp"
#include "storage/sqlite_report.hpp"
#include "storage/open_store.hpp"
#include "report_cli_support.hpp"
#include "support/cli_runner.hpp"
#include "workflows/registry.hpp"
#include "workflows/report/year_report.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;
using djflow::testing::TempDir;

namespace {

using namespace djflow::testing::reportcli;  // kNow, must, steps, apply

std::string two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

// The branch and its year. Person ids: 1-26 full members, 27-34 converted in 2023, 35-40 developed
// in 2023, 41-60 applicants of 2023 who became activists.
void build_year(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  must(d, {"branch", "add", "B01", "--name", "第一党支部"});
  for (int i = 1; i <= 26; ++i)
    must(d, {"person", "add", "党员" + two(i), "--branch", "B01", "--born", "1975-01-01", "--status", "full", "--joined",
             "2005-07-01"});
  for (int i = 1; i <= 8; ++i) must(d, {"person", "add", "转正" + two(i), "--branch", "B01", "--born", "1995-01-01"});
  for (int i = 1; i <= 6; ++i) must(d, {"person", "add", "发展" + two(i), "--branch", "B01", "--born", "1996-01-01"});
  for (int i = 1; i <= 20; ++i) must(d, {"person", "add", "积极分子" + two(i), "--branch", "B01", "--born", "2000-01-01"});

  // 8 probationary members admitted in March 2022, converted on 2023-04-20. Case k is admitted on
  // 2022-03-0k, so its probation ends (and its branch meeting on full membership is) on 2023-03-0k.
  // The superior approves all 8 conversions on 04-20: on 03-0k none of them is a full member yet,
  // though 党龄 counts from 03-0k (eligible = 26 at every meeting of March).
  for (int k = 1; k <= 8; ++k) {
    const int id = apply(d, 26 + k, "2020-03-01");
    const std::string day = "0" + std::to_string(k);
    steps(d, id, {{"talk", "2020-03-10"}, {"activist", "2020-04-01"}, {"mentors", "2020-04-02", "mentors=1,2"},
                  {"propose", "2021-04-10"}, {"sponsors", "2021-04-15", "sponsors=1,2"},
                  {"political-review", "2021-05-01", "result=pass"}, {"training", "2021-06-01", "days=3"},
                  {"pre-review", "2022-02-01"}, {"admit", "2022-03-" + day, "eligible=26", "present=20", "yes=20"},
                  {"interview", "2022-03-15"}, {"approve", "2022-04-01"}, {"oath", "2022-04-10"},
                  {"apply-full", "2023-02-01"},
                  {"convert", "2023-03-" + day, "eligible=26", "present=20", "yes=20"},
                  {"approve-full", "2023-04-20"}});
  }
  // 6 activists since 2021 determined as development candidates in January 2023 and admitted.
  for (int m = 1; m <= 6; ++m) {
    const int id = apply(d, 34 + m, "2021-09-01");
    steps(d, id, {{"talk", "2021-09-15"}, {"activist", "2021-11-01"}, {"mentors", "2021-11-02", "mentors=1,2"},
                  {"propose", "2023-01-10"}, {"sponsors", "2023-01-15", "sponsors=1,2"},
                  {"political-review", "2023-02-01", "result=pass"}, {"training", "2023-02-15", "days=3"},
                  {"pre-review", "2023-03-01"}, {"admit", "2023-03-20", "eligible=26", "present=24", "yes=24"},
                  {"interview", "2023-04-01"}, {"approve", "2023-05-15"}, {"oath", "2023-06-01"}});
  }
  // 20 applications of January 2023; two talks 10 days late; 10 activists in March, 10 in June.
  for (int a = 1; a <= 20; ++a) {
    const int id = apply(d, 40 + a, "2023-01-10");
    steps(d, id, {{"talk", a > 18 ? "2023-02-20" : "2023-01-20"}, {"activist", a <= 10 ? "2023-03-15" : "2023-06-15"}});
  }
  // The election in June: the term of 2020-06-28 renewed on time.
  must(d, {kNow, "branch", "term", "B01", "--start", "2020-06-28", "--date", "2020-06-28"});
  const int el = must(d, {kNow, "election", "start", "B01", "--date", "2023-04-01"}).json()["id"].get<int>();
  for (const auto& s : std::vector<std::vector<std::string>>{
           {"request", "2023-04-10", "--ref", "党支部〔2023〕3号"},
           {"reply", "2023-04-20", "--ref", "党委〔2023〕5号"},
           {"nominate", "2023-04-25", "--with", "count=7"},
           {"candidates", "2023-05-05", "--with", "seats=5", "--with", "nominees=甲,乙,丙,丁,戊,己"},
           {"candidates-approved", "2023-05-15"},
           {"meeting", "2023-06-20", "--with", "should-attend=34", "--with", "present=32", "--with", "issued=32",
            "--with", "returned=32", "--with", "votes=甲:30,乙:29,丙:28,丁:27,戊:26,己:10"},
           {"officers", "2023-06-21", "--with", "secretary=甲", "--with", "deputy=乙"},
           {"report", "2023-06-22"},
           {"approve", "2023-06-26", "--ref", "党委〔2023〕9号"}}) {
    std::vector<std::string> args = {kNow, "record", std::to_string(el), s[0], "--date", s[1]};
    args.insert(args.end(), s.begin() + 2, s.end());
    must(d, args);
  }
  // 5 rectification items of the themed education: 3 closed on time, 1 closed 10 days late, 1 open.
  const int batch = must(d, {"--now=2023-09-05", "rectify", "batch", "add", "--source", "theme-education", "--org", "B01",
                             "--feedback", "2023-09-01", "--title", "主题教育检视整改"})
                        .json()["id"].get<int>();
  const char* areas[] = {"执行上级组织决定", "严格组织生活", "加强党员教育管理监督", "联系服务群众", "抓好自身建设"};
  for (int i = 0; i < 5; ++i) {
    const int item = must(d, {"--now=2023-09-10", "rectify", "add", "--batch", std::to_string(batch), "--problem",
                              std::string(areas[i]) + "方面存在突出问题", "--measures", "制定整改措施并逐项落实", "--leader",
                              "甲", "--department", "党支部", "--owner", "丙", "--type", "deadline", "--deadline",
                              "2023-11-30", "--date", "2023-09-10"})
                         .json()["id"].get<int>();
    auto rec = [&](const std::string& date, const std::string& event, std::vector<std::string> extra = {}) {
      std::vector<std::string> args = {"--now=" + date, "record", std::to_string(item), event, "--date", date};
      args.insert(args.end(), extra.begin(), extra.end());
      must(d, args);
    };
    rec("2023-09-15", "start");
    if (i == 4) continue;
    const std::string submit = i < 3 ? "2023-11-20" : "2023-12-05", accept = i < 3 ? "2023-11-25" : "2023-12-10";
    rec(submit, "submit", {"--with", "evidence=整改材料"});
    rec(accept, "accept", {"--with", "verifier=乙"});
  }
  // Organisational life: the ledger from 2023-01-01, 党员01 the secretary; 12 主题党日 on the 15th
  // (every member present but 发展06, who never attends: flagged under R20 by the year end), 4 党课
  // (02-20 and 08-20 by the secretary, 05-20 and 11-20 by 党员02; 党员01-20 present), 4 talks.
  must(d, {kNow, "life", "start", "--org", "B01", "--date", "2023-01-01", "--secretary", "党员01", "--committee",
           "党员01,党员02,党员03"});
  std::string all_but_one;
  for (int i = 1; i <= 26; ++i) all_but_one += "党员" + two(i) + ",";
  for (int i = 1; i <= 8; ++i) all_but_one += "转正" + two(i) + ",";
  for (int i = 1; i <= 5; ++i) all_but_one += "发展" + two(i) + (i < 5 ? "," : "");
  for (int m = 1; m <= 12; ++m)
    must(d, {kNow, "meeting", "add", "--org", "B01", "--kind", "主题党日", "--date", "2023-" + two(m) + "-15", "--topic",
             "主题党日" + std::to_string(m) + "月", "--present", all_but_one});
  std::string first20;
  for (int i = 1; i <= 20; ++i) first20 += "党员" + two(i) + (i < 20 ? "," : "");
  for (int q = 0; q < 4; ++q)
    must(d, {kNow, "meeting", "add", "--org", "B01", "--kind", "党课", "--date", "2023-" + two(2 + 3 * q) + "-20", "--topic",
             "党课" + std::to_string(q + 1), "--speaker", q % 2 == 0 ? "党员01" : "党员02", "--present", first20});
  for (int t = 0; t < 4; ++t)
    must(d, {kNow, "talk", "add", "--with", "党员" + two(2 + t), "--by", "党员01", "--date", "2023-" + two(3 + 3 * t) + "-01"});
}

// The seed's year is built through the binary once per build (about 400 runs) and kept beside the
// test executable, keyed by the modification times of both binaries; each test process copies it.
std::filesystem::path seed_cache() {
  namespace fs = std::filesystem;
  const fs::path exe = fs::read_symlink("/proc/self/exe");
  const char* bin = std::getenv("DJFLOW_BIN");
  auto stamp = [](const fs::path& p) {
    std::error_code ec;
    const auto t = fs::last_write_time(p, ec);
    return ec ? std::string("0") : std::to_string(t.time_since_epoch().count());
  };
  return exe.parent_path() / ("report-seed-year-" + stamp(exe) + "-" + stamp(bin ? bin : "") + ".db");
}

// The SQLite file of the seed's year: built through the binary if this build has none yet.
std::filesystem::path year_file() {
  namespace fs = std::filesystem;
  const fs::path cache = seed_cache();
  if (fs::exists(cache)) return cache;
  const TempDir scratch;
  const Djflow src((scratch.path() / "year.db").string());
  build_year(src);
  // Published whole (copy, then rename), so a concurrent test never reads half a file; the
  // copies of older builds are removed.
  for (const auto& e : fs::directory_iterator(cache.parent_path()))
    if (e.path().filename().string().rfind("report-seed-year-", 0) == 0) fs::remove(e.path());
  const fs::path tmp = cache.string() + "." + std::to_string(::getpid());
  fs::copy_file(src.db(), tmp, fs::copy_options::overwrite_existing);
  fs::rename(tmp, cache);
  return cache;
}

// The seed's year on the backend under test: a copy of the file on SQLite; on PostgreSQL the
// file copied into the test's schema by `migrate-store` (hash chains included, verified by it),
// as a secretary moving to PostgreSQL would (400 runs through the binary per test were 2 minutes).
const Djflow& year() {
  static const Djflow d;
  static bool built = false;
  if (!built) {
    const auto file = year_file();
    if (d.postgres()) {
      static const TempDir scratch;  // run from a SQLite copy, as in report_postgresql_test.cpp
      const std::string copy = (scratch.path() / "year.db").string();
      std::filesystem::copy_file(file, copy);
      must(Djflow(copy), {"migrate-store", "--from", copy, "--to", d.db()});
    } else {
      std::filesystem::copy_file(file, d.db(), std::filesystem::copy_options::overwrite_existing);
    }
    built = true;
  }
  return d;
}

// The integer figures of the sections other than organisational life.
std::map<std::string, std::int64_t> figures(const nlohmann::json& j) {
  std::map<std::string, std::int64_t> out;
  for (const auto& f : j["figures"])
    if (f["section"] != "life") out[f["id"].get<std::string>()] = f["value"].get<std::int64_t>();
  return out;
}

std::map<std::string, double> life(const nlohmann::json& j) {
  std::map<std::string, double> out;
  for (const auto& f : j["figures"])
    if (f["section"] == "life") out[f["id"].get<std::string>()] = f["value"].get<double>();
  return out;
}

std::vector<std::string> names(const nlohmann::json& j, const std::string& figure) {
  std::vector<std::string> out;
  for (const auto& r : j["details"])
    if (r["figure"] == figure) out.push_back(r["name"]);
  return out;
}

}  // namespace

TEST_CASE("report year gives the seed's figures as of the year end", "[cli][report][e2e]") {
  const Djflow& d = year();
  auto r = must(d, {kNow, "report", "year", "2023", "--org", "B01", "--detail"}).json();
  CHECK(r["from"] == "2023-01-01");
  CHECK(r["as_of"] == "2023-12-31");
  const auto f = figures(r);
  const std::map<std::string, std::int64_t> expected = {
      {"applications", 20}, {"activists_new", 20}, {"activists_at_end", 20}, {"candidates_new", 6},
      {"candidates_at_end", 0}, {"admitted", 6}, {"converted", 8}, {"extended", 0}, {"cancelled", 0},
      {"withdrawn", 0}, {"late_steps", 2}, {"terms_ended", 1}, {"terms_on_time", 1}, {"terms_late", 0},
      {"terms_postponed", 0}, {"terms_advanced", 0}, {"terms_overdue", 0}, {"rectify_registered", 5},
      {"rectify_closed_on_time", 3}, {"rectify_closed_late", 1}, {"rectify_open_overdue", 1},
      {"full_members", 34}, {"probationary_members", 6}};
  CHECK(f == expected);
  CHECK(r["late_days_total"] == 20);
  CHECK(r["late_days_max"] == 10);
  // The names behind the figures.
  CHECK(names(r, "converted") ==
        std::vector<std::string>{"转正01", "转正02", "转正03", "转正04", "转正05", "转正06", "转正07", "转正08"});
  CHECK(names(r, "admitted") == std::vector<std::string>{"发展01", "发展02", "发展03", "发展04", "发展05", "发展06"});
  CHECK(names(r, "late_steps") == std::vector<std::string>{"积极分子19", "积极分子20"});
  for (const auto& row : r["details"])
    if (row["figure"] == "late_steps") {
      CHECK(row["what"] == "talk:talk");
      CHECK(row["days"] == 10);
    }
  REQUIRE(r["rectify_by_source"].size() == 1);
  CHECK(r["rectify_by_source"][0]["source"] == "theme-education");
  CHECK(r["rectify_by_source"][0]["registered"] == 5);
  CHECK(r["rectify_by_source"][0]["open_overdue"] == 1);
  CHECK(r["rectify_by_batch"][0]["label"] == "主题教育检视整改");
  CHECK(names(r, "full_members").size() == 34);
  // Organisational life: 4 党课 (2 by the secretary), 12 主题党日, 4 talks; 发展06 flagged.
  const auto lf = life(r);
  CHECK(lf.at("life_theme_day_expected") == 12);
  CHECK(lf.at("life_theme_day_held") == 12);
  CHECK(lf.at("life_lecture_expected") == 4);
  CHECK(lf.at("life_lecture_held") == 4);
  CHECK(lf.at("life_secretary_lecture_expected") == 1);
  CHECK(lf.at("life_secretary_lecture_held") == 1);
  CHECK(lf.at("life_meetings") == 16);
  CHECK(lf.at("life_lectures_by_secretary") == 2);
  CHECK(lf.at("life_lectures_by_others") == 2);
  CHECK(lf.at("life_talks") == 4);
  CHECK(lf.at("life_attendance") == Approx((12.0 * 39 + 4 * 20) / (16 * 40)).margin(0.0001));
  CHECK(lf.at("life_flagged") == 1);
  // Monthly 支部委员会 is expected and none was held: 12 missed months, named.
  CHECK(lf.at("life_committee_meeting_expected") == 12);
  CHECK(lf.at("life_committee_meeting_held") == 0);
  CHECK(names(r, "life_committee_meeting_missed").size() == 12);
  CHECK(names(r, "life_lectures_by_secretary") == std::vector<std::string>{"党员01", "党员01"});
  CHECK(names(r, "life_lectures_by_others") == std::vector<std::string>{"党员02", "党员02"});
  CHECK(names(r, "life_theme_day_held").size() == 12);
  CHECK(names(r, "life_flagged") == std::vector<std::string>{"发展06"});
  CHECK(r["life"]["flagged"][0]["rule"] == "R20");
  CHECK(r["organisations"][0]["figures"]["life_lecture_held"] == 4);
}

TEST_CASE("report year as of a date in the middle counts what the history says then", "[cli][report][e2e]") {
  const Djflow& d = year();
  auto r = must(d, {kNow, "report", "year", "2023", "--org", "B01", "--as-of", "2023-04-10"}).json();
  CHECK(r["as_of"] == "2023-04-10");
  const auto f = figures(r);
  CHECK(f.at("applications") == 20);
  CHECK(f.at("activists_new") == 10);
  CHECK(f.at("activists_at_end") == 10);
  CHECK(f.at("candidates_new") == 6);
  CHECK(f.at("candidates_at_end") == 6);  // passed by the branch meeting, not yet approved
  CHECK(f.at("admitted") == 0);
  CHECK(f.at("converted") == 0);          // converted on 04-20
  CHECK(f.at("late_steps") == 2);
  CHECK(f.at("terms_ended") == 0);
  CHECK(f.at("rectify_registered") == 0);
  CHECK(f.at("full_members") == 26);
  CHECK(f.at("probationary_members") == 8);
  // Organisational life as of 04-10: no meeting after it counts (主题党日 of January to March, the
  // 党课 of 02-20, the talk of 03-01); only the closed periods are expected; nobody flagged yet.
  const auto lf = life(r);
  CHECK(lf.at("life_theme_day_expected") == 3);
  CHECK(lf.at("life_theme_day_held") == 3);
  CHECK(lf.at("life_lecture_expected") == 1);
  CHECK(lf.at("life_lecture_held") == 1);
  CHECK(lf.at("life_secretary_lecture_expected") == 1);  // the year's duty already met on 02-20
  CHECK(lf.at("life_secretary_lecture_held") == 1);
  CHECK(lf.at("life_meetings") == 4);
  CHECK(lf.at("life_lectures_by_secretary") == 1);
  CHECK(lf.at("life_lectures_by_others") == 0);
  CHECK(lf.at("life_talks") == 1);
  CHECK(lf.at("life_attendance") == Approx((3.0 * 39 + 20) / (4 * 40)).margin(0.0001));
  CHECK(lf.at("life_flagged") == 0);
  // --from/--to is the same report.
  auto same = must(d, {kNow, "report", "--from", "2023-01-01", "--to", "2023-04-10", "--org", "B01"}).json();
  CHECK(figures(same) == f);
  // branch show --as-of: the 8 converted on 04-20 are not full members on 04-10.
  auto before = must(d, {kNow, "branch", "show", "B01", "--as-of", "2023-04-10"}).json();
  CHECK(before["full_members"] == 26);
  CHECK(before["probationary_members"] == 8);
  auto after = must(d, {kNow, "branch", "show", "B01", "--as-of", "2023-04-20"}).json();
  CHECK(after["full_members"] == 34);
  CHECK(after["probationary_members"] == 0);
  auto now = must(d, {kNow, "branch", "show", "B01"}).json();
  CHECK(now["full_members"] == 34);
  auto text = d.run({kNow, "--lang", "zh", "branch", "show", "B01", "--as-of", "2023-04-10"});
  CHECK(text.out.find("截至 2023-04-10（按历史记录）正式党员：26，预备党员：8") != std::string::npos);
}

TEST_CASE("the one-pass report equals the report replayed through the workflows", "[cli][report]") {
  const Djflow& d = year();
  auto store = djflow::storage::open_store(d.db(), djflow::storage::OpenMode::Existing);
  REQUIRE(store.ok());
  auto reads = djflow::storage::open_report_reads(d.db());
  REQUIRE(reads.ok());
  djflow::engine::ManualClock clock(djflow::engine::TimePoint{});
  djflow::engine::WorkflowRegistry registry;
  djflow::workflows::register_all(registry);
  djflow::engine::Engine eng(*store.value(), clock, registry);
  REQUIRE(eng.load().ok());
  namespace rp = djflow::workflows::report;
  for (const char* to : {"2023-04-10", "2023-12-31", "2023-03-05", "2022-06-30"}) {
    rp::Query q;
    q.from = *djflow::engine::Date::parse("2023-01-01");
    if (std::string(to) == "2022-06-30") q.from = *djflow::engine::Date::parse("2022-01-01");
    q.to = *djflow::engine::Date::parse(to);
    q.detail = true;
    auto fast = rp::year_report(eng, *reads.value(), q);
    auto replayed = rp::year_report_by_replay(eng, q);
    REQUIRE(fast.ok());
    INFO(to << ": " << (replayed.ok() ? "" : replayed.error().message.en));
    REQUIRE(replayed.ok());
    CHECK(fast->total == replayed->total);
    CHECK(fast->details.size() == replayed->details.size());
    CHECK(fast.value() == replayed.value());
  }
}

TEST_CASE("the report's text is aligned Chinese, CSV has a BOM, an unknown org exits 3", "[cli][report]") {
  const Djflow& d = year();
  auto text = d.run({kNow, "--lang", "zh", "report", "year", "2023", "--org", "B01"});
  REQUIRE(text.code == 0);
  CHECK(text.out.find("2023年度党建工作统计") != std::string::npos);
  CHECK(text.out.find("一、发展党员") != std::string::npos);
  CHECK(text.out.find("预备党员转正") != std::string::npos);
  CHECK(text.out.find("五、组织生活") != std::string::npos);
  CHECK(text.out.find("书记讲党课") != std::string::npos);
  CHECK(text.out.find("85.6%") != std::string::npos);
  // The value column starts at the same display column on every row of a section.
  {
    std::istringstream in(text.out);
    std::string line;
    std::vector<std::size_t> cols;
    while (std::getline(in, line)) {
      if (line.rfind("  收到入党申请", 0) == 0 || line.rfind("  预备党员转正", 0) == 0 || line.rfind("  终止发展", 0) == 0) {
        const auto pos = line.find_last_of(' ');
        std::size_t width = 0;
        for (std::size_t i = 0; i <= pos; ++i) width += (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80 ? 0 : (static_cast<unsigned char>(line[i]) >= 0xE0 ? 2 : 1);
        cols.push_back(width);
      }
    }
    REQUIRE(cols.size() == 3);
    CHECK(cols[0] == cols[1]);
    CHECK(cols[1] == cols[2]);
  }
  auto csv = d.run({kNow, "--lang", "zh", "report", "year", "2023", "--org", "B01", "--csv"});
  REQUIRE(csv.code == 0);
  CHECK(csv.out.rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK(csv.out.find("发展党员,预备党员转正,converted,8,8\r\n") != std::string::npos);
  CHECK(csv.out.find("组织生活,党课：已开（完成）期数,life_lecture_held,4,4\r\n") != std::string::npos);
  CHECK(csv.out.find("组织生活,主题党日：已开（完成）期数,life_theme_day_held,12,12\r\n") != std::string::npos);
  auto detail = d.run({kNow, "report", "year", "2023", "--org", "B01", "--csv", "--detail"});
  CHECK(detail.out.find("转正08") != std::string::npos);
  CHECK(d.run({kNow, "report", "year", "2023", "--org", "B99"}).code == 3);
  CHECK(d.run({kNow, "report", "--from", "2023-05-01", "--to", "2023-04-01"}).code == 2);
  CHECK(d.run({kNow, "report"}).code == 2);
  CHECK(d.run({kNow, "report", "year", "2023", "--as-of", "2022-12-31"}).code == 2);
}

TEST_CASE("report --xlsx writes a workbook of figures, a chart and the detail lists", "[cli][report]") {
  const Djflow& d = year();
  const std::string file = (d.dir().path() / "2023.xlsx").string();
  auto r = d.run({kNow, "--lang", "zh", "report", "year", "2023", "--org", "B01", "--xlsx", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::string script = (d.dir().path() / "check.py").string();
  {
    std::ofstream py(script);
    py << "import sys, zipfile\n"
          "try:\n"
          "    import openpyxl\n"
          "except ImportError:\n"
          "    sys.exit('python3-openpyxl is missing: apt-get install python3-openpyxl')\n"
          "wb = openpyxl.load_workbook(sys.argv[1])\n"
          "names = wb.sheetnames\n"
          "assert names[0] == '统计' and names[1] == '各组织', names\n"
          "assert '预备党员转正' in names and '发展新党员（上级党委批准接收预备党员）' in names, names\n"
          "ws = wb['统计']\n"
          "rows = {r[2]: r[3] for r in ws.iter_rows(min_row=4, values_only=True)}\n"
          "assert rows['converted'] == 8 and rows['admitted'] == 6 and rows['activists_new'] == 20, rows\n"
          "assert rows['full_members'] == 34 and rows['rectify_registered'] == 5, rows\n"
          "assert rows['life_lecture_held'] == 4 and rows['life_theme_day_held'] == 12, rows\n"
          "assert '书记讲党课' in names, names\n"
          "conv = [r[2] for r in wb['预备党员转正'].iter_rows(min_row=2, values_only=True)]\n"
          "assert conv == ['转正0%d' % i for i in range(1, 9)], conv\n"
          "z = zipfile.ZipFile(sys.argv[1])\n"
          "charts = [n for n in z.namelist() if n.startswith('xl/charts/chart')]\n"
          "assert len(charts) == 1, z.namelist()\n"
          "assert b'<c:barChart>' in z.read(charts[0])\n"
          "print('ok')\n";
  }
  // The Debian package python3-openpyxl installs for /usr/bin/python3 (a python3 earlier on PATH,
  // e.g. pyenv's, may not have it); the script fails loudly when the module is missing.
  const std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  CHECK(Djflow::sh(python + " " + djflow::testing::shell_quote(script) + " " + djflow::testing::shell_quote(file)) == 0);
}

TEST_CASE("the seed's year verifies", "[cli][report]") {
  const Djflow& d = year();
  const auto v = d.run({"verify"});
  INFO(v.out << v.err);
  CHECK(v.code == 0);
}

// `--json` writes the organisations straight into a buffer instead of building one document
// (docs/performance.md): what it prints must stay byte for byte nlohmann's dump(2) of the same
// document, escapes of names, the attendance ratio (a double) and the detail lists included.
TEST_CASE("report --json is byte for byte the dump(2) of its own document", "[cli][report]") {
  auto same_as_dump = [](const std::string& out) {
    const auto doc = nlohmann::ordered_json::parse(out);
    return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n" == out;
  };
  const Djflow& d = year();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{kNow, "--json", "report", "year", "2023"},
        std::vector<std::string>{kNow, "--json", "report", "year", "2023", "--org", "B01", "--detail"},
        std::vector<std::string>{kNow, "--json", "--lang", "zh", "report", "--from", "2023-01-01", "--to", "2023-04-10"}}) {
    auto r = d.run(args);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"organisations\": [\n    {\n      \"code\": \"") != std::string::npos);
    CHECK(same_as_dump(r.out));
  }
  // Names that need escaping, two organisations, nothing recorded.
  Djflow e;
  REQUIRE(e.run({"init"}).code == 0);
  must(e, {"branch", "add", "C1", "--name", "机关\"党委\"\\一"});
  must(e, {"branch", "add", "B2", "--name", "第二\\支部", "--parent", "C1"});
  auto r = e.run({kNow, "--json", "report", "year", "2023"});
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\"name\": \"机关\\\"党委\\\"\\\\一\"") != std::string::npos);
  CHECK(same_as_dump(r.out));
}

// Nested organisations: C1 > B1 > G1, C1 > B2, and D1 apart. `--org` of fewer than half of the
// organisations reads only its subtree (cases_branch, persons_branch, one events seek per case);
// its figures must be those of the report that reads everything and filters.
TEST_CASE("report --org reads only its subtree and gives the figures of the whole history filtered", "[cli][report]") {
  Djflow d;
  REQUIRE(d.run({"init"}).code == 0);
  must(d, {"branch", "add", "C1", "--name", "机关党委"});
  must(d, {"branch", "add", "B1", "--name", "第一支部", "--parent", "C1"});
  must(d, {"branch", "add", "G1", "--name", "第一党小组", "--parent", "B1"});
  must(d, {"branch", "add", "B2", "--name", "第二支部", "--parent", "C1"});
  must(d, {"branch", "add", "D1", "--name", "另一支部"});
  const std::vector<std::pair<std::string, std::string>> full = {{"甲", "B1"}, {"乙", "G1"}, {"丙", "B2"}, {"丁", "D1"}, {"戊", "D1"}, {"己", "D1"}};
  for (const auto& [name, org] : full)  // persons 1-6
    must(d, {"person", "add", name, "--branch", org, "--born", "1975-01-01", "--status", "full", "--joined", "2005-07-01"});
  const std::vector<std::pair<std::string, std::string>> applicants = {{"申请六", "G1"}, {"申请七", "B1"}, {"申请八", "B2"}, {"发展九", "D1"}};
  for (const auto& [name, org] : applicants)  // persons 7-10
    must(d, {"person", "add", name, "--branch", org, "--born", "1998-01-01"});
  steps(d, apply(d, 7, "2023-01-10"), {{"talk", "2023-01-20"}, {"activist", "2023-03-15"}});
  // Withdrawn (closed: stays in B1), then transferred to G1 and registered as a member: a person of
  // G1 whose member case is in another organisation (not counted from the registration).
  const int withdrawn = apply(d, 8, "2023-02-01");
  must(d, {kNow, "record", std::to_string(withdrawn), "withdraw", "--date", "2023-02-15", "--note", "本人撤回申请"});
  must(d, {kNow, "person", "transfer", "8", "--to", "G1", "--date", "2023-03-01"});
  must(d, {kNow, "person", "edit", "8", "--status", "full", "--joined", "2023-03-01", "--reason", "补登"});
  const int moved = apply(d, 9, "2023-05-01");
  steps(d, moved, {{"talk", "2023-05-10"}});
  must(d, {kNow, "person", "transfer", "9", "--to", "G1", "--date", "2023-06-01"});  // the open case moves along
  // Developed to full membership in D1, then transferred to G1 (the case moves along).
  const int developed = apply(d, 10, "2020-03-01");
  steps(d, developed, {{"talk", "2020-03-10"}, {"activist", "2020-04-01"}, {"mentors", "2020-04-02", "mentors=4,5"},
                       {"propose", "2021-04-10"}, {"sponsors", "2021-04-15", "sponsors=4,5"},
                       {"political-review", "2021-05-01", "result=pass"}, {"training", "2021-06-01", "days=3"},
                       {"pre-review", "2022-02-01"}, {"admit", "2022-03-01", "eligible=3", "present=3", "yes=3"},
                       {"interview", "2022-03-15"}, {"approve", "2022-04-01"}, {"oath", "2022-04-10"},
                       {"apply-full", "2023-02-01"}, {"convert", "2023-03-01", "eligible=3", "present=3", "yes=3"},
                       {"approve-full", "2023-04-20"}});
  must(d, {kNow, "person", "transfer", "10", "--to", "G1", "--date", "2023-07-01"});

  // D1's organisational-life ledger, its meetings recorded in any order: dates out of seq order,
  // and one after the end of a period among the leading ones (2022-03-10 to 2023-04-10: seq 2 is
  // after it, seq 3 is in it). The summing up inside the scan must give what the whole read gives.
  must(d, {"--now=2024-03-01", "life", "start", "--org", "D1", "--date", "2022-01-01"});
  for (const char* date : {"2023-05-01", "2022-11-01", "2024-02-01", "2022-06-01", "2023-02-01"})
    must(d, {"--now=2024-03-01", "meeting", "add", "--org", "D1", "--kind", "支部委员会会议", "--date", date, "--topic", "学习"});

  // The store's subtree read gives each case of the subtree with the events of the whole read.
  auto reads = djflow::storage::open_report_reads(d.db());
  REQUIRE(reads.ok());
  using Rows = std::vector<std::tuple<djflow::engine::CaseId, std::string, std::string, std::string>>;
  auto read = [&](const djflow::engine::ReportScope& scope, const std::vector<std::string>& keep) {
    Rows out;
    std::string branch;
    const auto status = reads.value()->for_each_report_case(
        *djflow::engine::Date::parse("2023-12-31"), scope, false,
        [&](const djflow::engine::ReportCase& c) {
          branch = std::find(keep.begin(), keep.end(), c.branch) != keep.end() ? c.branch : "";
          if (!branch.empty()) out.emplace_back(c.id, branch, "", "");
        },
        [&](const djflow::engine::ReportEvent& e) {
          if (!branch.empty()) out.emplace_back(e.case_id, branch, std::string(e.event), std::string(e.date));
        });
    REQUIRE(status.ok());
    return out;
  };
  const std::vector<std::string> b1 = {"B1", "G1"};
  const Rows scoped = read(djflow::engine::ReportScope{false, b1}, b1);
  CHECK(scoped == read(djflow::engine::ReportScope{}, b1));
  std::set<djflow::engine::CaseId> ids;
  for (const auto& row : scoped) ids.insert(std::get<0>(row));
  CHECK(ids == std::set<djflow::engine::CaseId>{1, 2, 3, 4});  // all four cases are in B1 or G1 now
  CHECK(scoped.size() > 4 + 15);
  // The shortened read for a period (for_each_report_case_in): each case's leading events dated
  // before the period come as one summary (the last one's date and state, a marker state reached);
  // with the summary put back, it is the whole read. Periods: the year, one ending in the middle,
  // one after every event (every case summed up entirely).
  using Steps = std::vector<std::tuple<std::string, std::string, std::string>>;  // event, date, state
  const std::vector<std::string> markers = {"activist"};
  int summed = 0;
  for (const auto& [from, until] : std::vector<std::pair<std::string, std::string>>{
           {"2023-01-01", "2023-12-31"}, {"2022-03-10", "2023-04-10"}, {"2024-01-01", "2024-01-10"}}) {
    std::map<djflow::engine::CaseId, Steps> whole, rest;
    std::map<djflow::engine::CaseId, std::tuple<bool, std::string, std::string, bool>> before;
    djflow::engine::CaseId at = 0;
    REQUIRE(reads.value()
                ->for_each_report_case(
                    *djflow::engine::Date::parse(until), djflow::engine::ReportScope{}, false,
                    [&](const djflow::engine::ReportCase& c) {
                      at = c.id;
                      whole[c.id];
                    },
                    [&](const djflow::engine::ReportEvent& e) {
                      whole[at].emplace_back(std::string(e.event), std::string(e.date), std::string(e.to_state));
                    })
                .ok());
    REQUIRE(reads.value()
                ->for_each_report_case_in(
                    *djflow::engine::Date::parse(from), *djflow::engine::Date::parse(until), markers,
                    djflow::engine::ReportScope{}, false,
                    [&](const djflow::engine::ReportCase& c) {
                      at = c.id;
                      rest[c.id];
                      before[c.id] = {c.has_before, std::string(c.before_date), std::string(c.before_state),
                                      c.before_marker};
                    },
                    [&](const djflow::engine::ReportEvent& e) {
                      rest[at].emplace_back(std::string(e.event), std::string(e.date), std::string(e.to_state));
                    })
                .ok());
    REQUIRE(rest.size() == whole.size());
    for (const auto& [id, all] : whole) {
      INFO("case " << id << ", period " << from << " to " << until);
      std::size_t k = 0;
      bool marker = false;
      while (k < all.size() && std::get<1>(all[k]) < from) {
        marker = marker || std::find(markers.begin(), markers.end(), std::get<2>(all[k])) != markers.end();
        ++k;
      }
      const auto& [has, date, state, mark] = before.at(id);
      // The port lets a store stream every event unshortened: PgReport does, except for a year
      // (a period from a January 1 to a day of that year), which it reads from the year-end
      // projection as SQLite does (decision 0132).
      const bool year = from.substr(4) == "-01-01" && until.substr(0, 4) == from.substr(0, 4);
      if (d.postgres() && !year) {
        CHECK_FALSE(has);
        CHECK(rest.at(id) == all);
        continue;
      }
      CHECK(has == (k > 0));
      if (k > 0) {
        ++summed;
        CHECK(date == std::get<1>(all[k - 1]));
        CHECK(state == std::get<2>(all[k - 1]));
        CHECK(mark == marker);
      }
      CHECK(rest.at(id) == Steps(all.begin() + static_cast<std::ptrdiff_t>(k), all.end()));
    }
  }
  CHECK(summed >= (d.postgres() ? 3 : 6));  // not vacuous: cases summed up in each period (PostgreSQL: the years)

  auto persons = reads.value()->report_persons(djflow::engine::ReportScope{false, b1}, true);
  REQUIRE(persons.ok());
  CHECK(persons->size() == 6);  // 甲 乙 and the four applicants
  auto with_case = reads.value()->report_member_case_persons(djflow::engine::ReportScope{false, {"G1"}});
  REQUIRE(with_case.ok());
  CHECK(with_case.value() == std::vector<djflow::engine::PersonId>{7, 8, 9, 10});

  // year_report() (subtree reads for B1, G1, B2, D1; everything for "" and C1) equals the report
  // replayed through the workflows, which reads every case and filters.
  auto store = djflow::storage::open_store(d.db(), djflow::storage::OpenMode::Existing);
  REQUIRE(store.ok());
  djflow::engine::ManualClock clock(djflow::engine::TimePoint{});
  djflow::engine::WorkflowRegistry registry;
  djflow::workflows::register_all(registry);
  djflow::engine::Engine eng(*store.value(), clock, registry);
  REQUIRE(eng.load().ok());
  namespace rp = djflow::workflows::report;
  for (const char* org : {"", "C1", "B1", "G1", "B2", "D1"}) {
    for (const char* to : {"2023-12-31", "2023-04-10", "2023-03-05"}) {
      rp::Query q;
      q.from = *djflow::engine::Date::parse("2023-01-01");
      q.to = *djflow::engine::Date::parse(to);
      q.org = org;
      q.detail = true;
      auto fast = rp::year_report(eng, *reads.value(), q);
      auto replayed = rp::year_report_by_replay(eng, q);
      INFO(org << " as of " << to);
      REQUIRE(fast.ok());
      REQUIRE(replayed.ok());
      CHECK(fast.value() == replayed.value());
    }
  }
  // And what the secretary reads: B1's subtree counts G1's applications, not B2's or D1's.
  auto b1_report = figures(must(d, {kNow, "report", "year", "2023", "--org", "B1"}).json());
  CHECK(b1_report["applications"] == 3);
  CHECK(b1_report["activists_new"] == 1);
  auto all_report = figures(must(d, {kNow, "report", "year", "2023"}).json());
  CHECK(all_report["applications"] == 3);
  CHECK(all_report["converted"] == 1);
  auto g1_report = figures(must(d, {kNow, "report", "year", "2023", "--org", "G1"}).json());
  CHECK(g1_report["converted"] == 1);
  CHECK(g1_report["full_members"] == 2);  // 乙 and 发展 (converted); 申请八's registration does not count
  CHECK(figures(must(d, {kNow, "report", "year", "2023", "--org", "D1"}).json())["full_members"] == 3);
}
