// djflow_life_bench: issue 10 §3, what the per-period deadlines of 20,000 organisations'
// organisational-life ledgers add to `tick` (docs/performance.md, "Organisational life").
//   Builds one database with a baseline workload (N rectification items whose deadlines and
//   reminders are spread over two years, so that every day has reminders to fire) and 20,000
//   党支部, copies it, and starts a `life` ledger for every 党支部 in the copy (as
//   `djflow life start --all` does). Then, on each database, runs the daemon's day: for every day
//   from 2026-11-02 to 2026-12-01 the clock is set to 09:30 and Engine::tick(1000) is called until
//   no timer is due. Prints the time of each kind of day with and without the ledgers and the
//   ratio: an ordinary day (no ledger reminder due: the cost of the bigger deadline and timer
//   tables), and the days the ledgers' own reminders fall due (the fixed 主题党日 day, 10 days
//   before the month ends, the month's close), whose cost is the reminders themselves.
// Usage: djflow_life_bench [--orgs N] [--items N] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
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

// 09:30 in Asia/Shanghai (UTC+8) of day d.
engine::TimePoint morning(Date d) {
  return engine::TimePoint{d.sys_days().time_since_epoch() + std::chrono::minutes{90}};
}

struct World {
  std::unique_ptr<storage::SqliteStore> store;
  engine::ManualClock clock{engine::TimePoint{}};
  engine::WorkflowRegistry registry;
  std::unique_ptr<engine::Engine> eng;
  explicit World(const std::string& path, bool create) {
    store = std::move(storage::SqliteStore::open(path, create ? storage::OpenMode::Create : storage::OpenMode::Existing).value());
    workflows::register_all(registry);
    eng = std::make_unique<engine::Engine>(*store, clock, registry);
    check(eng->load());
  }
};

// Runs every tick due on day d; returns (ms, notifications).
std::pair<double, std::size_t> run_day(World& w, Date d) {
  w.clock.set(morning(d));
  const auto now = w.clock.now();
  std::size_t notes = 0;
  const auto t0 = Clock::now();
  for (;;) {
    auto next = w.store->next_timer_at();
    check(next);
    if (!next.value() || *next.value() > now) break;
    auto n = w.eng->tick(1000);
    check(n);
    notes += n.value().size();
  }
  return {std::chrono::duration<double, std::milli>(Clock::now() - t0).count(), notes};
}

}  // namespace

int main(int argc, char** argv) {
  int orgs = 20000;
  int items = 20000;
  std::string dir = std::filesystem::temp_directory_path() / "djflow-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--orgs") orgs = std::atoi(argv[i + 1]);
    else if (a == "--items") items = std::atoi(argv[i + 1]);
    else if (a == "--dir") dir = argv[i + 1];
  }
  std::filesystem::create_directories(dir);
  const std::string without = dir + "/life-without.db";
  const std::string with = dir + "/life-with.db";
  for (const auto& p : {without, with})
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
  const Date start = *Date::parse("2026-11-01");
  const Date registered = *Date::parse("2026-01-05");
  {
    World w(without, true);
    w.clock.set(morning(start));
    engine::Branch c;
    c.code = "C01";
    c.name = "机关党委";
    c.kind = "committee";
    check(w.eng->add_branch(c));
    for (int i = 0; i < orgs; ++i) {
      engine::Branch b;
      b.code = "B" + std::to_string(10000 + i);
      b.name = "第" + std::to_string(i + 1) + "党支部";
      b.parent = "C01";
      check(w.eng->add_branch(b));
    }
    const auto t0 = Clock::now();
    engine::CaseSubject bs;
    bs.branch = "C01";
    bs.title = "批次";
    auto batch = w.eng->start("rectify-batch", bs, {"open", registered, {{"source", "theme-education"}}, "", "", "bench"},
                              [&](engine::Store& st, const engine::StepOutcome& out) -> engine::Status {
                                engine::RectifyBatch rb;
                                rb.id = out.c.id;
                                rb.source = "theme-education";
                                rb.org = "C01";
                                rb.title = "批次";
                                rb.feedback = registered;
                                return st.insert_rectify_batch(rb);
                              });
    check(batch);
    for (int i = 0; i < items; ++i) {
      // Deadlines over two years from 2026-06-01: every day some reminder (-30, -7, 0, overdue)
      // of some item falls due.
      const Date deadline = Date(2026, 6, 1).add_days(i % 730);
      engine::Inputs in{{"problem", "问题" + std::to_string(i)}, {"measures", "整改措施"}, {"leader", "王书记"},
                        {"department", "党委办公室"}, {"owner", "责任人"}, {"type", "deadline"}, {"deadline", deadline.iso()}};
      engine::CaseSubject s;
      s.branch = "C01";
      s.title = "问题" + std::to_string(i);
      auto o = w.eng->start("rectify", s, {"register", registered, in, "", "", "bench"},
                            [&](engine::Store& st, const engine::StepOutcome& out) -> engine::Status {
                              engine::RectifyItem it;
                              it.id = out.c.id;
                              it.batch = batch->c.id;
                              it.org = "C01";
                              it.source = "theme-education";
                              it.problem = s.title;
                              it.measures = "整改措施";
                              it.leader = "王书记";
                              it.department = "党委办公室";
                              it.owner = "责任人";
                              it.type = "deadline";
                              it.deadline = deadline;
                              it.registered = registered;
                              auto r = st.insert_rectify_item(it);
                              DJFLOW_TRY(r);
                              return {};
                            });
      check(o);
    }
    // Everything due before the benchmark's first day has fired (a daemon that kept up).
    check(w.eng->tick(0));
    std::printf("djflow_life_bench: baseline of %d rectification items and %d organisations in %.1f s\n", items, orgs,
                std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::filesystem::copy_file(without, with);
  {
    World w(with, false);
    w.clock.set(morning(start));
    const auto t0 = Clock::now();
    for (int i = 0; i < orgs; ++i) {
      engine::CaseSubject s;
      s.branch = "B" + std::to_string(10000 + i);
      s.title = s.branch + "组织生活";
      check(w.eng->start("life", s, {"start", start, {{"period:group-meeting", "none"}}, "", "", "bench"}));
    }
    check(w.eng->tick(0));
    std::size_t deadlines = 0, timers = 0;
    engine::DeadlineFilter f;
    f.workflow = "life";
    auto open = w.store->list_open_deadlines(f);
    check(open);
    deadlines = open.value().size();
    for (const auto& row : open.value()) {
      auto p = w.store->pending_timers(row.deadline.id);
      check(p);
      timers += p.value().size();
    }
    std::printf("started %d ledgers in %.1f s: %zu open ledger deadlines, %zu pending ledger timers\n\n", orgs,
                std::chrono::duration<double>(Clock::now() - t0).count(), deadlines, timers);
  }
  World a(without, false), b(with, false);
  std::printf("day          without (ms, notes)   with (ms, notes)   ratio\n");
  double ordinary_a = 0, ordinary_b = 0, all_a = 0, all_b = 0;
  int ordinary_days = 0;
  for (Date d = start.add_days(1); d <= Date(2026, 12, 1); d = d.add_days(1)) {
    const auto [ta, na] = run_day(a, d);
    const auto [tb, nb] = run_day(b, d);
    all_a += ta;
    all_b += tb;
    const bool ledger_day = nb > na;
    if (!ledger_day) {
      ordinary_a += ta;
      ordinary_b += tb;
      ++ordinary_days;
    }
    std::printf("%s   %8.1f %6zu        %8.1f %6zu      %5.2f%s\n", d.iso().c_str(), ta, na, tb, nb, tb / ta,
                ledger_day ? "  (ledger reminders due)" : "");
  }
  std::printf("\nordinary days (%d): without %.1f ms, with %.1f ms, ratio %.3f\n", ordinary_days, ordinary_a, ordinary_b,
              ordinary_b / ordinary_a);
  std::printf("whole month:        without %.1f ms, with %.1f ms, ratio %.3f\n", all_a, all_b, all_b / all_a);
  return 0;
}
