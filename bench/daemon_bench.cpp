// djflow_daemon_bench: the figures of issue 3 §4, measured on the real `djflow serve` process.
//   1. Resident memory (VmRSS) of the daemon with N pending reminders (default 1,000,000) against
//      an empty database, as a ratio. Aim <= 1.5.
//   2. Time for the daemon to catch up M overdue reminders (default 100,000) to the file channel:
//      from process start until every delivery row is delivered. Aim <= 10 s.
//   3. Lateness on the real clock: K reminders (default 1,000) due within a minute; each line's
//      arrival in the file channel (polled every millisecond) minus its due instant. Median and
//      p99. Aim p99 <= 50 ms.
// The rows are generated with storage::bench_fill_reminders (one transaction, no engine path).
// Usage: djflow_daemon_bench [--pending N] [--overdue M] [--late K] [--dir DIR] [--skip-late]
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "storage/bench_fill.hpp"
#include "storage/sqlite_store.hpp"

using namespace djflow;
using SteadyClock = std::chrono::steady_clock;
using WallClock = std::chrono::system_clock;  // measurement only: the daemon itself uses engine::Clock

namespace {

const char* kBin = DJFLOW_BIN_PATH;

void must(const engine::Status& s, const char* what) {
  if (!s) {
    std::cerr << what << ": " << s.error().message.en << "\n";
    std::exit(1);
  }
}

int run(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

pid_t spawn_serve(const std::string& db, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    const int lf = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(lf, 2);
    ::execl(kBin, kBin, "--db", db.c_str(), "serve", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

void stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  int st = 0;
  ::waitpid(pid, &st, 0);
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

void fresh(const std::string& path) {
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
}

engine::TimePoint wall_now() { return std::chrono::floor<std::chrono::seconds>(WallClock::now()); }

long idle_rss(const std::string& db, const std::string& log) {
  const pid_t pid = spawn_serve(db, log);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // started, idle, armed
  const long kib = rss_kib(pid);
  stop(pid);
  return kib;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t pending = 1'000'000, overdue = 100'000, late = 1000;
  bool skip_late = false;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "djflow-daemon-bench";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : "0"); };
    if (a == "--pending") pending = std::stoul(next());
    else if (a == "--overdue") overdue = std::stoul(next());
    else if (a == "--late") late = std::stoul(next());
    else if (a == "--dir") dir = next();
    else if (a == "--skip-late") skip_late = true;
  }
  std::filesystem::create_directories(dir);
  const std::string log = (dir / "serve.log").string();

  // 1. Memory.
  const std::string empty = (dir / "empty.db").string(), full = (dir / "pending.db").string();
  fresh(empty);
  fresh(full);
  must(storage::bench_fill_reminders(empty, 0, wall_now(), std::chrono::seconds(0)), "fill empty");
  auto t0 = SteadyClock::now();
  must(storage::bench_fill_reminders(full, pending, wall_now() + std::chrono::hours(24 * 365),
                                     std::chrono::hours(24 * 365)), "fill pending");
  const double fill_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  const long rss_empty = idle_rss(empty, log);
  const long rss_full = idle_rss(full, log);
  std::cout << "daemon RSS, empty database:            " << rss_empty / 1024.0 << " MiB\n"
            << "daemon RSS, " << pending << " pending reminders: " << rss_full / 1024.0 << " MiB"
            << "  (rows generated in " << fill_s << " s)\n"
            << "ratio pending/empty:                   " << static_cast<double>(rss_full) / static_cast<double>(rss_empty)
            << "  (aim <= 1.5)\n";

  // 2. Catch-up of overdue reminders to the file channel.
  const std::string back = (dir / "backlog.db").string(), out = (dir / "backlog.jsonl").string();
  fresh(back);
  std::filesystem::remove(out);
  must(storage::bench_fill_reminders(back, overdue, wall_now() - std::chrono::hours(24 * 30), std::chrono::hours(24 * 29)),
       "fill overdue");
  if (run({kBin, "--db", back, "notify", "add", "file", out}) != 0) return 1;
  {
    auto store = std::move(storage::SqliteStore::open(back, storage::OpenMode::Existing).value());
    t0 = SteadyClock::now();
    const pid_t pid = spawn_serve(back, log);
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      auto c = store->delivery_counts();
      if (c.ok() && c.value()["delivered"] >= static_cast<std::int64_t>(overdue)) break;
      if (std::chrono::duration<double>(SteadyClock::now() - t0).count() > 600) {
        std::cerr << "catch-up did not finish in 600 s\n";
        break;
      }
    }
    const double s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    stop(pid);
    std::cout << "catch-up of " << overdue << " overdue reminders to the file channel: " << s
              << " s  (" << static_cast<double>(overdue) / s << " /s; aim <= 10 s)\n";
  }

  // 3. Lateness on the real clock.
  if (skip_late) return 0;
  const std::string lat = (dir / "late.db").string(), lout = (dir / "late.jsonl").string();
  fresh(lat);
  std::filesystem::remove(lout);
  const engine::TimePoint first = wall_now() + std::chrono::seconds(5);
  must(storage::bench_fill_reminders(lat, late, first, std::chrono::seconds(60)), "fill late");
  if (run({kBin, "--db", lat, "notify", "add", "file", lout}) != 0) return 1;
  const pid_t pid = spawn_serve(lat, log);
  std::vector<double> ms;
  std::ifstream in;
  std::string pending_line;
  const auto give_up = SteadyClock::now() + std::chrono::seconds(120);
  while (ms.size() < late && SteadyClock::now() < give_up) {
    if (!in.is_open()) {
      in.open(lout);
      if (!in.is_open()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
    }
    std::string chunk;
    char c;
    bool got = false;
    while (in.get(c)) {
      if (c != '\n') {
        pending_line += c;
        continue;
      }
      const auto arrival = WallClock::now();
      // "key":"bench<i>:..." -> i -> due instant first + i * 60 / late
      const auto k = pending_line.find("\"key\":\"bench");
      if (k != std::string::npos) {
        const std::size_t i = std::stoul(pending_line.substr(k + 12));
        const auto due = first + std::chrono::seconds(60 * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(late));
        ms.push_back(std::chrono::duration<double, std::milli>(arrival - due).count());
      }
      pending_line.clear();
      got = true;
    }
    in.clear();
    if (!got) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  stop(pid);
  std::sort(ms.begin(), ms.end());
  if (ms.empty()) {
    std::cerr << "no reminders arrived\n";
    return 1;
  }
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(ms.size())))]; };
  std::cout << "lateness over " << ms.size() << " reminders due within a minute (real clock, file channel): median "
            << pct(0.5) << " ms, p99 " << pct(0.99) << " ms, max " << ms.back() << " ms  (aim p99 <= 50 ms)\n";
  return 0;
}
