// djflow_rectify_bench: issue 4 §3, whole-process times on a ledger of 100,000 open
// rectification items (docs/performance.md, "Rectification").
//   Generates N items through the engine (Engine::start with the ledger row, as `rectify add`
//   does; then `start`), spread over 60 batches with deadlines over two years around the
//   benchmark date, so that about 40% are overdue. Then times, over 31 runs each:
//     djflow rectify list --overdue     (the ledger's overdue items)
//     djflow due --within 30            (every workflow's deadlines)
//     djflow --version                  (process start-up: the reference measured in this run)
//   and prints median and p90 in ms and the ratio of each median to the start-up reference.
// Usage: djflow_rectify_bench [--items N] [--dir DIR]
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "storage/sqlite_store.hpp"
#include "workflows/registry.hpp"

using namespace djflow;
using engine::Date;
using Clock = std::chrono::steady_clock;

namespace {

template <class R>
void check(const R& r) {
  if (!r.ok()) {
    std::cerr << "bench: " << r.error().message.en << "\n";
    std::exit(1);
  }
}

engine::TimePoint noon(Date d) { return engine::TimePoint{d.sys_days().time_since_epoch() + std::chrono::hours{4}}; }

std::vector<double> time_command(const std::string& cmd, int runs) {
  std::vector<double> out;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    const int st = std::system((cmd + " >/dev/null 2>&1").c_str());
    const auto t1 = Clock::now();
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      std::cerr << "bench: command failed: " << cmd << "\n";
      std::exit(1);
    }
    out.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  return out;
}

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int items = 100000;
  std::string dir = std::filesystem::temp_directory_path() / "djflow-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--items") items = std::atoi(argv[i + 1]);
    else if (a == "--dir") dir = argv[i + 1];
  }
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/rectify.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  const Date today = *Date::parse("2026-11-28");
  const Date registered = *Date::parse("2026-01-05");
  {
    auto store = std::move(storage::SqliteStore::open(path, storage::OpenMode::Create).value());
    engine::ManualClock clock{noon(today)};
    engine::WorkflowRegistry registry;
    workflows::register_all(registry);
    engine::Engine eng(*store, clock, registry);
    check(eng.load());
    engine::Branch b;
    b.code = "C01";
    b.name = "机关党委";
    b.kind = "committee";
    check(eng.add_branch(b));
    const auto t0 = Clock::now();
    constexpr int kBatches = 60;
    std::vector<engine::CaseId> batches;
    for (int i = 0; i < kBatches; ++i) {
      engine::CaseSubject s;
      s.branch = "C01";
      s.title = "批次" + std::to_string(i + 1);
      auto o = eng.start("rectify-batch", s,
                         engine::StepInput{"open", registered, {{"source", "theme-education"}}, "", "", "bench"},
                         [&](engine::Store& st, const engine::StepOutcome& out) -> engine::Status {
                           engine::RectifyBatch rb;
                           rb.id = out.c.id;
                           rb.source = "theme-education";
                           rb.org = "C01";
                           rb.title = s.title;
                           rb.feedback = registered;
                           return st.insert_rectify_batch(rb);
                         });
      check(o);
      batches.push_back(o->c.id);
    }
    for (int i = 0; i < items; ++i) {
      // Deadlines from 2026-01-31 over 730 days: those before 2026-11-28 (about 40%) are overdue.
      const Date deadline = Date(2026, 1, 31).add_days(i % 730);
      const std::string owner = "责任人" + std::to_string(i % 500);
      engine::Inputs in{{"problem", "问题" + std::to_string(i)}, {"measures", "整改措施"}, {"leader", "王书记"},
                        {"department", "党委办公室"}, {"owner", owner}, {"type", "deadline"},
                        {"deadline", deadline.iso()}};
      engine::CaseSubject s;
      s.branch = "C01";
      s.title = "问题" + std::to_string(i);
      const engine::CaseId batch = batches[static_cast<std::size_t>(i % kBatches)];
      auto o = eng.start("rectify", s, engine::StepInput{"register", registered, in, "", "", "bench"},
                         [&](engine::Store& st, const engine::StepOutcome& out) -> engine::Status {
                           engine::RectifyItem it;
                           it.id = out.c.id;
                           it.batch = batch;
                           it.org = "C01";
                           it.source = "theme-education";
                           it.problem = s.title;
                           it.measures = "整改措施";
                           it.leader = "王书记";
                           it.department = "党委办公室";
                           it.owner = owner;
                           it.type = "deadline";
                           it.deadline = deadline;
                           it.registered = registered;
                           auto r = st.insert_rectify_item(it);
                           DJFLOW_TRY(r);
                           return {};
                         });
      check(o);
      // Started (or last reported) within the last 45 days: the monthly progress update falls
      // due between 15 days ago and 30 days ahead, as in a ledger that is kept up to date.
      check(eng.record(o->c.id, engine::StepInput{"start", today.add_days(-(i % 45)), {}, "", "", "bench"}));
    }
    std::printf("djflow_rectify_bench: generated %d open items in %d batches in %.1f s (%s)\n\n", items, kBatches,
                std::chrono::duration<double>(Clock::now() - t0).count(), path.c_str());
  }
  const std::string base = std::string(DJFLOW_BIN_PATH) + " --db " + path + " --now 2026-11-28T10:00";
  const int runs = 31;
  auto ref = time_command(std::string(DJFLOW_BIN_PATH) + " --version", runs);
  auto overdue = time_command(base + " rectify list --overdue", runs);
  auto overdue_json = time_command(base + " --json rectify list --overdue", runs);
  auto due = time_command(base + " due --within 30", runs);
  const double r = pct(ref, 0.5);
  std::printf("whole-process times over %d runs (ms)          median      p90   median / start-up\n", runs);
  std::printf("djflow --version (start-up reference)         %7.1f  %7.1f\n", r, pct(ref, 0.9));
  std::printf("djflow rectify list --overdue                 %7.1f  %7.1f   %6.1f\n", pct(overdue, 0.5), pct(overdue, 0.9), pct(overdue, 0.5) / r);
  std::printf("djflow --json rectify list --overdue          %7.1f  %7.1f   %6.1f\n", pct(overdue_json, 0.5), pct(overdue_json, 0.9), pct(overdue_json, 0.5) / r);
  std::printf("djflow due --within 30                        %7.1f  %7.1f   %6.1f\n", pct(due, 0.5), pct(due, 0.9), pct(due, 0.5) / r);
  return 0;
}
