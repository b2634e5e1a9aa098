// djflow_report_bench: the figures of issue 10 §3 (report part).
//   `djflow report year 2023` on 100,000 member cases and 1,000,000 events in 20,000
//   organisations: whole-process time (aim < 1 s) and the in-process year_report(), against the
//   fastest single SQL aggregate that reads the same events (every event dated up to the year's
//   end), measured in the same run, as a ratio (aim < 3). year_report() is timed from the
//   year-end projection (migration 11) and, alternating, by the scan that read a calendar year
//   before it; both must give the same report.
// The database: 100 template cases recorded through the engine (member development under the
// 2014 rules, half of them stopped as activists, half carried to full membership, with start
// dates spread over 2020-2023 so that every figure of 2023 has names), then copied with their
// persons, events and deadlines by storage::bench_clone_cases (SQL INSERT ... SELECT).
// Usage: djflow_report_bench [--copies 1000] [--orgs 20000] [--runs 5] [--dir DIR] [--reuse 1]
// With --reuse 1 an existing DIR/report.db (made by an earlier run) is timed again, not remade.
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "storage/bench_fill.hpp"
#include "storage/sqlite_report.hpp"
#include "storage/sqlite_store.hpp"
#include "workflows/registry.hpp"
#include "workflows/report/year_report.hpp"

using namespace djflow;
using engine::Date;
using Clock = std::chrono::steady_clock;

namespace {

engine::TimePoint noon(Date d) { return engine::TimePoint{d.sys_days().time_since_epoch() + std::chrono::hours{4}}; }

template <class R>
void check(const R& r, const char* what) {
  if (!r.ok()) {
    std::cerr << "bench: " << what << ": " << r.error().message.en << "\n";
    std::exit(1);
  }
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The template: `n` member cases through the engine, even ones carried to full membership.
void make_templates(const std::string& path, int n) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto store = storage::SqliteStore::open(path, storage::OpenMode::Create);
  check(store, "open");
  engine::ManualClock clock{noon(*Date::parse("2024-01-15"))};
  engine::WorkflowRegistry registry;
  workflows::register_all(registry);
  engine::Engine eng(*store.value(), clock, registry);
  check(eng.load(), "load");
  check(store.value()->begin_write(), "begin");
  for (const auto& r : engine::WorkCalendar::builtin_rows()) (void)store.value()->upsert_holiday(r);
  check(store.value()->commit(), "commit");
  check(eng.load(), "load");
  engine::Branch c0{"C0", "机关党委", "committee", "", {}};
  check(eng.add_branch(c0), "branch");
  engine::Branch b{"B01", "模板党支部", "branch", "C0", {}};
  check(eng.add_branch(b), "branch");
  for (int i = 0; i < 5; ++i) {
    engine::Person m;
    m.name = "党员" + std::to_string(i);
    m.branch = "B01";
    m.born = *Date::parse("1975-01-01");
    m.status = engine::MemberStatus::Full;
    m.joined = *Date::parse("2005-07-01");
    check(eng.add_person(m), "person");
  }
  for (int i = 0; i < n; ++i) {
    engine::Person p;
    p.name = "申请人" + std::to_string(i);
    p.branch = "B01";
    p.born = *Date::parse("1998-01-01");
    auto pid = eng.add_person(p);
    check(pid, "person");
    const Date start = Date(2020, 1, 1).add_days((i * 13) % 1100);
    engine::CaseSubject s;
    s.person = pid.value();
    auto o = eng.start("member", s, engine::StepInput{"apply", start, {}, "", "", "bench"});
    check(o, "apply");
    const auto id = o->c.id;
    auto step = [&](const char* e, Date d, engine::Inputs with = {}, std::string note = "") {
      if (d > *Date::parse("2024-01-15")) return false;
      check(eng.record(id, engine::StepInput{e, d, std::move(with), std::move(note), "", "bench"}), e);
      return true;
    };
    const Date act = start.add_days(50);
    // Talk late for one case in ten (talk due one month after the application).
    step("talk", start.add_days(i % 10 == 0 ? 40 : 10));
    step("activist", act);
    step("mentors", act.add_days(1), {{"mentors", "1,2"}});
    if (i % 2 == 0) continue;  // stays an activist: 4 events
    const engine::Inputs vote{{"eligible", "5"}, {"present", "4"}, {"yes", "4"}};
    const Date cand = act.add_years(1).add_days(10), pre = cand.add_days(40), admit = pre.add_days(20);
    if (!step("propose", cand) || !step("sponsors", cand.add_days(2), {{"sponsors", "1,2"}}) ||
        !step("political-review", cand.add_days(10), {{"result", "pass"}}) ||
        !step("training", cand.add_days(20), {{"days", "3"}}) || !step("pre-review", pre) ||
        !step("admit", admit, vote, "人数以会议记录为准") || !step("interview", admit.add_days(5)) ||
        !step("approve", admit.add_days(30)) || !step("oath", admit.add_days(40)) ||
        !step("apply-full", admit.add_months(11)) || !step("convert", admit.add_years(1).add_days(3), vote, "人数以会议记录为准"))
      continue;
    step("approve-full", admit.add_years(1).add_days(20));
  }
}

// CPU time (user + system, ms) of the waited-for children so far.
double children_cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1000.0 + static_cast<double>(t.tv_usec) / 1000.0; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

// Wall times of `runs` runs; `cpu` gets each run's CPU time (the machine is shared: wall time
// includes waiting for a core, CPU time does not).
std::vector<double> time_command(const std::string& cmd, int runs, std::vector<double>& cpu) {
  std::vector<double> out;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    const double c0 = children_cpu_ms();
    const int st = std::system((cmd + " >/dev/null").c_str());
    out.push_back(ms_since(t0));
    cpu.push_back(children_cpu_ms() - c0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      std::cerr << "bench: command failed: " << cmd << "\n";
      std::exit(1);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int copies = 1000, orgs = 20000, runs = 5, templates = 100;
  bool reuse = false;
  std::string dir = std::filesystem::temp_directory_path() / "djflow-bench";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("usage: djflow_report_bench [--copies N (1000)] [--orgs N (20000)] [--runs N (5)] "
                  "[--dir DIR (%s)] [--reuse 0|1 (0): time DIR/report.db again instead of generating it]\n",
                  dir.c_str());
      return 0;
    }
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--copies") copies = std::atoi(argv[i + 1]);
    else if (a == "--orgs") orgs = std::atoi(argv[i + 1]);
    else if (a == "--runs") runs = std::atoi(argv[i + 1]);
    else if (a == "--dir") dir = argv[i + 1];
    else if (a == "--reuse") reuse = std::atoi(argv[i + 1]) != 0;
  }
  std::filesystem::create_directories(dir);
  const std::string db = dir + "/report.db";
  if (reuse && std::filesystem::exists(db)) {
    std::printf("djflow_report_bench: reusing %s\n\n", db.c_str());
  } else {
    auto t0 = Clock::now();
    make_templates(db, templates);
    const double t_templates = ms_since(t0);
    t0 = Clock::now();
    auto n = storage::bench_clone_cases(db, copies, orgs, "O", "C0");
    check(n, "clone");
    std::printf("djflow_report_bench: %lld cases (%d templates through the engine in %.1f s, copied %d times into %d "
                "organisations in %.1f s), %s\n\n",
                static_cast<long long>(n.value()), templates, t_templates / 1000, copies, orgs, ms_since(t0) / 1000,
                db.c_str());
  }

  const std::string until = "2023-12-31";
  auto count_ms = storage::bench_time_query(db, "SELECT count(*) FROM events", "", 1);
  check(count_ms, "count");
  struct Q {
    const char* name;
    const char* sql;
  };
  const Q queries[] = {
      {"count(*) of the events up to the date", "SELECT count(*) FROM events WHERE effective_date <= ?1"},
      {"count per event id (GROUP BY event)", "SELECT count(*) FROM events WHERE effective_date <= ?1 GROUP BY event"},
      {"count per state reached (GROUP BY to_state)",
       "SELECT count(*) FROM events WHERE effective_date <= ?1 GROUP BY to_state"},
      {"count per case (GROUP BY case_id)", "SELECT count(*) FROM events WHERE effective_date <= ?1 GROUP BY case_id"},
  };
  double fastest = 1e300;
  std::printf("single SQL aggregates over the events dated up to %s (best of %d, ms):\n", until.c_str(), runs);
  for (const auto& q : queries) {
    auto t = storage::bench_time_query(db, q.sql, until, runs);
    check(t, q.name);
    fastest = std::min(fastest, t.value());
    std::printf("  %-48s %8.1f\n", q.name, t.value());
  }

  // In process: year_report() on its own store, as the CLI runs it: from the year-end projection
  // (migration 11, decision 0129), and, alternating with it, by the scan of every event up to the
  // year's end that a calendar year was read by before (open_report_reads(db, false)).
  std::vector<double> in_process, in_process_cpu, scanned, scanned_cpu;
  workflows::report::Report last, last_scanned;
  {
    auto store = storage::SqliteStore::open(db, storage::OpenMode::Existing);
    check(store, "open");
    auto reads = storage::open_report_reads(db);
    check(reads, "open reads");
    auto scan_reads = storage::open_report_reads(db, false);
    check(scan_reads, "open reads (scan)");
    engine::ManualClock clock{noon(*Date::parse("2024-01-15"))};
    engine::WorkflowRegistry registry;
    workflows::register_all(registry);
    engine::Engine eng(*store.value(), clock, registry);
    check(eng.load(), "load");
    workflows::report::Query q;
    q.from = *Date::parse("2023-01-01");
    q.to = *Date::parse(until);
    for (int i = 0; i < 2 * runs; ++i) {
      const bool scan = i % 2 == 1;
      const auto t = Clock::now();
      const std::clock_t c = std::clock();
      auto r = workflows::report::year_report(eng, scan ? *scan_reads.value() : *reads.value(), q);
      (scan ? scanned : in_process).push_back(ms_since(t));
      (scan ? scanned_cpu : in_process_cpu).push_back(1000.0 * static_cast<double>(std::clock() - c) / CLOCKS_PER_SEC);
      check(r, "report");
      (scan ? last_scanned : last) = std::move(r.value());
    }
  }
  if (!(last == last_scanned)) {
    std::cerr << "bench: the report from the projection differs from the one by the scan\n";
    return 1;
  }
  namespace rp = workflows::report;
  std::printf("\nreport of 2023: applications %lld, activists %lld, admitted %lld, converted %lld, "
              "late steps %lld, full members %lld, probationary %lld\n",
              static_cast<long long>(last.total[static_cast<int>(rp::Fig::Applications)]),
              static_cast<long long>(last.total[static_cast<int>(rp::Fig::ActivistsNew)]),
              static_cast<long long>(last.total[static_cast<int>(rp::Fig::Admitted)]),
              static_cast<long long>(last.total[static_cast<int>(rp::Fig::Converted)]),
              static_cast<long long>(last.total[static_cast<int>(rp::Fig::LateSteps)]),
              static_cast<long long>(last.total[static_cast<int>(rp::Fig::FullMembers)]),
              static_cast<long long>(last.total[static_cast<int>(rp::Fig::ProbationaryMembers)]));
  const std::string bin = DJFLOW_BIN_PATH;
  const std::string base = bin + " --db " + db + " --now 2024-01-15T10:00 ";
  std::vector<double> whole_cpu, org_cpu, json_cpu;
  auto whole = time_command(base + "report year 2023", runs, whole_cpu);
  auto whole_org = time_command(base + "report year 2023 --org O00042", runs, org_cpu);
  auto whole_json = time_command(base + "--json report year 2023", runs, json_cpu);
  const double best_in = *std::min_element(in_process.begin(), in_process.end());
  auto best = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
  std::printf("\n%-56s %8s %8s %12s\n", "(ms)", "median", "best", "CPU median");
  const double best_scan = *std::min_element(scanned.begin(), scanned.end());
  std::printf("%-56s %8.1f %8.1f %12.1f\n", "year_report() in process (year-end projection)", median(in_process),
              best_in, median(in_process_cpu));
  std::printf("%-56s %8.1f %8.1f %12.1f\n", "year_report() in process (scan, as before migration 11)",
              median(scanned), best_scan, median(scanned_cpu));
  std::printf("%-56s %8.1f %8.1f %12.1f   (aim < 1000)\n", "djflow report year 2023 (whole process, text)",
              median(whole), best(whole), median(whole_cpu));
  std::printf("%-56s %8.1f %8.1f %12.1f\n", "djflow --json report year 2023", median(whole_json), best(whole_json),
              median(json_cpu));
  std::printf("%-56s %8.1f %8.1f %12.1f\n", "djflow report year 2023 --org O00042 (one branch)", median(whole_org),
              best(whole_org), median(org_cpu));
  std::printf("%-56s %8.1f\n", "fastest single SQL aggregate", fastest);
  std::printf("ratio year_report() / fastest aggregate: %.2f   (aim < 3; by the scan: %.2f)\n", best_in / fastest,
              best_scan / fastest);
  std::printf("ratio year_report() median / fastest aggregate: %.2f   (by the scan: %.2f)\n", median(in_process) / fastest,
              median(scanned) / fastest);
  std::printf("ratio whole process (median) / fastest aggregate: %.2f\n", median(whole) / fastest);
  return 0;
}
