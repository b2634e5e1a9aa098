// djflow_import_bench: issue 9's figure. Imports N roster rows and N pipeline rows (CSV files
// written here) with `djflow import` run in this process (cli::run), against recording the same
// persons and the same steps through Engine::add_person / start / record in one process, one
// transaction per step, in the same order. Prints both times and the ratio (aim: pipeline
// import <= 2x the Engine::record time).
// Usage: djflow_import_bench [--rows N] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "engine/engine.hpp"
#include "storage/sqlite_store.hpp"
#include "workflows/registry.hpp"

using namespace djflow;
using engine::Date;
using Clock = std::chrono::steady_clock;

namespace {

const char* kNow = "2026-11-28";

// The pipeline of person i: apply, talk, activist, mentors, review, propose (2014 rules; the
// proposal 366 days after the activist step, a full year even across 29 February).
struct Step { const char* event; int offset; };
const std::vector<Step> kSteps{{"apply", 0}, {"talk", 9}, {"activist", 31}, {"mentors", 32}, {"review", 211}, {"propose", 397}};

Date apply_date(int i) { return Date::parse("2022-01-03")->add_days(i % 600); }
std::string member_name(int i) { return "党员" + std::to_string(100000 + i); }
std::string new_name(int i) { return "发展" + std::to_string(100000 + i); }

int run_cli(const std::vector<std::string>& args) {
  std::vector<std::string> a{"djflow"};
  a.insert(a.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : a) argv.push_back(s.data());
  std::ostringstream out, err;
  const int rc = cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
  if (rc != 0) std::cerr << "djflow " << args[0] << " failed (" << rc << "): " << err.str().substr(0, 2000) << "\n";
  return rc;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void check(const engine::Status& s) {
  if (!s) {
    std::cerr << s.error().message.en << "\n";
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 10000;
  std::string dir = "/tmp/djflow-import-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--rows") rows = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--dir") dir = argv[i + 1];
  }
  std::filesystem::create_directories(dir);
  {
    std::ofstream r(dir + "/roster.csv");
    r << "姓名,所在组织,出生日期,政治面貌,入党时间\n";
    for (int i = 0; i < rows; ++i) r << member_name(i) << ",B01,1970-01-01,正式党员,2000-07-01\n";
    std::ofstream m(dir + "/members.csv");
    m << "姓名,所在组织,出生日期,递交入党申请书日期,派人谈话日期,确定积极分子日期,指定培养联系人日期,培养联系人,考察日期,确定发展对象日期\n";
    for (int i = 0; i < rows; ++i) {
      const Date a = apply_date(i);
      m << new_name(i) << ",B01,2000-01-01";
      for (const auto& s : kSteps) {
        m << "," << a.add_days(s.offset).iso();
        if (std::string(s.event) == "mentors") m << "," << member_name(i) << "、" << member_name((i + 1) % rows);
      }
      m << "\n";
    }
  }
  const std::string db = dir + "/import.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  if (run_cli({"--db", db, "init"}) || run_cli({"--db", db, "branch", "add", "B01", "--name", "第一党支部"})) return 1;
  auto t0 = Clock::now();
  if (run_cli({"--db", db, "--now", kNow, "import", "roster", dir + "/roster.csv"})) return 1;
  const double roster_import = seconds_since(t0);
  t0 = Clock::now();
  if (run_cli({"--db", db, "--now", kNow, "import", "members", dir + "/members.csv"})) return 1;
  const double members_import = seconds_since(t0);

  // The same through the engine, one transaction per call, in the same (date) order.
  const std::string ref = dir + "/engine.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(ref + suffix);
  if (run_cli({"--db", ref, "init"}) || run_cli({"--db", ref, "branch", "add", "B01", "--name", "第一党支部"})) return 1;
  auto store = std::move(storage::SqliteStore::open(ref, storage::OpenMode::Existing).value());
  engine::WorkflowRegistry registry;
  workflows::register_all(registry);
  engine::ManualClock clock{engine::TimePoint{Date::parse(kNow)->sys_days().time_since_epoch() + std::chrono::hours{4}}};
  engine::Engine eng(*store, clock, registry);
  check(eng.load());
  t0 = Clock::now();
  for (int i = 0; i < rows; ++i) {
    engine::Person p;
    p.name = member_name(i);
    p.branch = "B01";
    p.born = *Date::parse("1970-01-01");
    p.status = engine::MemberStatus::Full;
    p.joined = Date::parse("2000-07-01");
    if (auto id = eng.add_person(p); !id) { std::cerr << id.error().message.en << "\n"; return 1; }
  }
  const double roster_engine = seconds_since(t0);
  t0 = Clock::now();
  std::vector<engine::PersonId> person(rows);
  for (int i = 0; i < rows; ++i) {
    engine::Person p;
    p.name = new_name(i);
    p.branch = "B01";
    p.born = *Date::parse("2000-01-01");
    auto id = eng.add_person(p);
    if (!id) return 1;
    person[i] = id.value();
  }
  struct Task { Date d; int row; std::size_t step; };
  std::vector<Task> tasks;
  for (int i = 0; i < rows; ++i)
    for (std::size_t k = 0; k < kSteps.size(); ++k) tasks.push_back({apply_date(i).add_days(kSteps[k].offset), i, k});
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) { return a.d < b.d; });
  std::vector<engine::CaseId> case_of(rows, 0);
  for (const auto& t : tasks) {
    engine::StepInput in{kSteps[t.step].event, t.d, {}, "", "", "bench"};
    if (std::string(in.event) == "mentors")
      in.with["mentors"] = std::to_string(t.row + 1) + "," + std::to_string((t.row + 1) % rows + 1);
    if (t.step == 0) {
      engine::CaseSubject s;
      s.person = person[t.row];
      auto o = eng.start("member", s, in);
      if (!o) { std::cerr << o.error().message.en << "\n"; return 1; }
      case_of[t.row] = o->c.id;
    } else {
      auto o = eng.record(case_of[t.row], in);
      if (!o) { std::cerr << o.error().message.en << "\n"; return 1; }
    }
  }
  const double members_engine = seconds_since(t0);
  std::printf("rows: %d roster, %d pipeline (%zu steps)\n", rows, rows, tasks.size());
  std::printf("roster:   import %.2f s, Engine::add_person %.2f s, ratio %.2f\n", roster_import, roster_engine,
              roster_import / roster_engine);
  std::printf("pipeline: import %.2f s, Engine::record %.2f s, ratio %.2f (aim <= 2)\n", members_import, members_engine,
              members_import / members_engine);
  return 0;
}
