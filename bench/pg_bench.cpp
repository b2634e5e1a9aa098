// The PostgreSQL figures of issue 12 §5 (docs/performance.md, "PostgreSQL"); prints figures, is
// not a test (tests/CMakeLists.txt runs it once, tiny, for its own check of the reference).
//   1. Steps per second through the engine (Engine::record, member workflow, one transaction per
//      step) with 1, 2 and 4 processes recording on cases of their own, against raw libpq with
//      as many processes, each step one transaction, every statement prepared once per
//      connection (through storage/pg_connection, as the engine's are: decision 0128), nothing
//      read, one round trip per statement. Two references:
//      - "same rows", the aim's (>= 0.7, decision 0136): the rows the engine's steps write,
//        learnt from one case recorded through the engine (its event, the case update, the
//        deadlines it closes with their pending timers deleted, the deadlines and timers it
//        opens), replayed for every case. After each round the bench compares a digest of both
//        sides' tables and stops if they differ.
//      - "issue 2's": the rows of storage/raw_reference.hpp (one event, the case update, one
//        deadline, three timers; nothing closed or deleted), the reference of every earlier round.
//   2. Firing 100,000 due reminders with 1 and 3 real `djflow serve` processes: process start
//      to every timer fired, and to every notification delivered to a file channel.
// Each part works in a schema of its own, dropped at the end.
//
// Usage: djflow_pg_bench --db postgresql://... [--cases N] [--reminders N] [--dir DIR]
//          [--procs 1,2,4] [--rounds N] [--parts steps,firing] [--stats 1] [--pids 1]
//   (e.g. scripts/pg-test-server start /tmp/pgb prints the URL of a throw-away server)
// Besides steps per second, part 1 prints per step, for each side: the workers' own CPU time, their
// round trips, their server backends' CPU time, and the whole server's (every process of the
// server: backends, autovacuum, checkpointer, WAL writer), read from /proc (the server must run on
// this machine): figures that move less with the load than wall time does.
// --stats 1: the statements of the timed part from pg_stat_statements (with plans when the server
// has pg_stat_statements.track_planning on); --pids 1: each worker names its server backend, to
// attach a profiler to it. --rounds N: each process count runs N rounds (rounded up to a multiple
// of three) of the three sides, the side going first turning each round, and prints each round
// and the medians; the median of the rounds' ratios is the figure to judge the aim by (a single
// run of each side is decided by a second of the machine's load). Before each side's timed part
// the server is checkpointed (settle), so that neither side's clock pays for the other's set-up.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/engine.hpp"
#include "storage/pg_connection.hpp"
#include "storage/pg_store.hpp"
#include "workflows/registry.hpp"

namespace {

using namespace djflow;
namespace pg = storage::pg;
using engine::Date;
using Clock = std::chrono::steady_clock;

std::string base_url;
bool with_stats = false;  // --stats: statements per step from pg_stat_statements
bool show_pids = false;   // --pids: each worker names its server backend (to profile it)

template <class R>
void check(const R& r, const char* what) {
  if (!r.ok()) {
    std::cerr << "pg_bench: " << what << ": " << r.error().message.en << "\n";
    std::exit(1);
  }
}

std::unique_ptr<pg::Connection> connect(const std::string& url) {
  auto c = pg::Connection::open(url);
  check(c, "connect");
  return std::move(*c);
}

// A fresh schema; the URL that works in it.
std::string fresh_schema(const std::string& name) {
  auto c = connect(base_url);
  check(c->exec_script("schema", "DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name), "schema");
  return base_url + (base_url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + name;
}

void drop_schema(const std::string& name) {
  auto c = connect(base_url);
  static_cast<void>(c->exec_script("drop", "DROP SCHEMA IF EXISTS " + name + " CASCADE"));
}

// With --stats: pg_stat_statements emptied just before the workers are released, so that it
// counts the timed part only (the extension must be loaded: shared_preload_libraries).
void reset_stats() {
  if (!with_stats) return;
  auto c = connect(base_url);
  check(c->exec_script("stats", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()"),
        "pg_stat_statements (start the server with shared_preload_libraries = 'pg_stat_statements')");
}

// With --stats: the statements the timed part ran, per step, most frequent first.
void print_stats(const char* who, int procs, double steps) {
  if (!with_stats) return;
  auto c = connect(base_url);
  auto r = c->exec("stats",
                   // A long statement as its head and its tail (where the variants of one statement differ).
                   "SELECT calls, total_exec_time, regexp_replace(CASE WHEN length(query) > 120 THEN left(query, 70) "
                   "|| ' ... ' || right(query, 45) ELSE query END, '\\s+', ' ', 'g'), plans, "
                   "total_plan_time FROM pg_stat_statements "
                   "WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC, query");
  check(r, "stats");
  // Plans and planning time are counted when the server has pg_stat_statements.track_planning on.
  double calls = 0, ms = 0, plans = 0, plan_ms = 0;
  for (int i = 0; i < r->size(); ++i) {
    calls += static_cast<double>(r->int64(i, 0));
    ms += std::atof(r->string(i, 1).c_str());
    plans += static_cast<double>(r->int64(i, 3));
    plan_ms += std::atof(r->string(i, 4).c_str());
  }
  std::fprintf(stderr,
               "   %s, %d process%s: %.2f statements per step, %.3f ms of server execution per step, %.2f plans "
               "(%.3f ms) per step\n",
               who, procs, procs == 1 ? "" : "es", calls / steps, ms / steps, plans / steps, plan_ms / steps);
  std::fprintf(stderr, "     calls/step  exec ms/call  plans/step  plan ms/plan  statement\n");
  for (int i = 0; i < r->size(); ++i) {
    const double called = static_cast<double>(std::max<std::int64_t>(1, r->int64(i, 0)));
    const double n = static_cast<double>(std::max<std::int64_t>(1, r->int64(i, 3)));
    std::fprintf(stderr, "     %10.2f  %12.3f  %10.2f  %12.3f  %s\n", static_cast<double>(r->int64(i, 0)) / steps,
                 std::atof(r->string(i, 1).c_str()) / called, static_cast<double>(r->int64(i, 3)) / steps,
                 std::atof(r->string(i, 4).c_str()) / n, r->string(i, 2).c_str());
  }
}

// Before a timed part, on both sides: the set-up's dirty pages written out, so that neither side's
// clock runs while the server's checkpointer writes the set-up (which differs between the sides: the
// engine's makes its cases step by step). Not VACUUM ANALYZE: statistics taken of the nearly empty
// tables make the timed part's plans worse than the server's defaults, and slowed both sides.
void settle(const std::string& url) {
  auto c = connect(url);
  check(c->exec_script("checkpoint", "CHECKPOINT"), "checkpoint (the bench's user must be a superuser)");
}

engine::TimePoint noon(Date d) {
  return engine::TimePoint{d.sys_days().time_since_epoch() + std::chrono::hours{4}};
}

// The CPU time (user + system) this process has used so far, in seconds.
double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The server's CPU time so far, in seconds: the postmaster's own and its reaped children's
// (cutime, cstime) plus every live child's, read from /proc (the server must run on this machine;
// 0 when it cannot be read). Backends that exit are counted through the postmaster's cutime, so
// the difference of two readings is what the whole server (backends, WAL writer, autovacuum) used
// in between, whatever the load: a figure of the statements' cost on the server.
// A process's CPU seconds from /proc/PID/stat (with its reaped children's when `children`), its
// parent in *ppid; -1 when it cannot be read. Fields after the command's closing parenthesis:
// 4 ppid ... 14 utime 15 stime 16 cutime 17 cstime, in clock ticks.
double proc_cpu_seconds(int pid, int* ppid, bool children) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto close = all.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<std::string> fields;  // fields[0] is field 3 (state)
  std::string cur;
  for (std::size_t i = close + 2; i < all.size(); ++i) {
    if (all[i] == ' ') {
      fields.push_back(cur);
      cur.clear();
    } else {
      cur += all[i];
    }
  }
  fields.push_back(cur);
  if (fields.size() < 15) return -1;
  if (ppid != nullptr) *ppid = std::atoi(fields[1].c_str());
  double t = std::atof(fields[11].c_str()) + std::atof(fields[12].c_str());
  if (children) t += std::atof(fields[13].c_str()) + std::atof(fields[14].c_str());
  return t / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

int postmaster_pid = 0;
double server_cpu_seconds() {
  if (postmaster_pid <= 0) return 0;
  double total = proc_cpu_seconds(postmaster_pid, nullptr, true);
  if (total < 0) return 0;
  if (DIR* d = ::opendir("/proc")) {
    while (dirent* e = ::readdir(d)) {
      const int pid = std::atoi(e->d_name);
      int ppid = 0;
      if (pid <= 0 || pid == postmaster_pid) continue;
      const double t = proc_cpu_seconds(pid, &ppid, true);
      if (t >= 0 && ppid == postmaster_pid) total += t;
    }
    ::closedir(d);
  }
  return total;
}

// The server backend of this worker's connection, set by each side's `ready`: in_processes reads
// its CPU time before and after `work`, the statements' own cost on the server without the
// server's other processes (autovacuum, checkpointer, WAL writer), whose work comes and goes.
int worker_backend = 0;

// CPU seconds the workers of the last in_processes() used in `work` (their own process only, not
// the server's): a figure that does not depend on the load as wall time does.
double last_work_cpu = 0;
// Round trips to the server the workers made in `work` (pg::round_trips()).
double last_work_trips = 0;
// Server CPU seconds (server_cpu_seconds) from the release to the end of the last in_processes().
double last_server_cpu = 0;
// CPU seconds the workers' own server backends used in `work` (worker_backend).
double last_backend_cpu = 0;

// `procs` forked processes run `work(i)` once all of them are ready; wall seconds from the
// release to the last one's exit.
double in_processes(int procs, const std::function<void(int)>& ready, const std::function<void(int)>& work,
                    const std::function<void()>& before_go = {}) {
  int ready_pipe[2], go_pipe[2], cpu_pipe[2];
  if (::pipe(ready_pipe) != 0 || ::pipe(go_pipe) != 0 || ::pipe(cpu_pipe) != 0) std::exit(1);
  std::vector<pid_t> kids;
  for (int i = 0; i < procs; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(ready_pipe[0]);
      ::close(go_pipe[1]);
      ::close(cpu_pipe[0]);
      ready(i);
      char b = 1;
      if (::write(ready_pipe[1], &b, 1) != 1) ::_exit(1);
      if (::read(go_pipe[0], &b, 1) < 0) ::_exit(1);  // EOF: go
      const double cpu0 = cpu_seconds();
      const auto trips0 = pg::round_trips();
      const double backend0 = proc_cpu_seconds(worker_backend, nullptr, false);
      work(i);
      const double used[3] = {cpu_seconds() - cpu0, static_cast<double>(pg::round_trips() - trips0),
                              proc_cpu_seconds(worker_backend, nullptr, false) - backend0};
      if (::write(cpu_pipe[1], used, sizeof used) != sizeof used) ::_exit(1);
      ::_exit(0);
    }
    kids.push_back(pid);
  }
  ::close(ready_pipe[1]);
  ::close(go_pipe[0]);
  ::close(cpu_pipe[1]);
  for (int i = 0; i < procs; ++i) {
    char b;
    if (::read(ready_pipe[0], &b, 1) != 1) std::exit(1);
  }
  if (before_go) before_go();
  const double server0 = server_cpu_seconds();
  const auto t0 = Clock::now();
  ::close(go_pipe[1]);
  bool failed = false;
  for (pid_t k : kids) {
    int st = 0;
    ::waitpid(k, &st, 0);
    failed |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
  }
  const std::chrono::duration<double> dt = Clock::now() - t0;
  // The workers' backends end once their connections close: counted once the postmaster has them.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  last_server_cpu = server_cpu_seconds() - server0;
  last_work_cpu = last_work_trips = last_backend_cpu = 0;
  for (double used[3]; ::read(cpu_pipe[0], used, sizeof used) == sizeof used;) {
    last_work_cpu += used[0];
    last_work_trips += used[1];
    last_backend_cpu += used[2];
  }
  ::close(cpu_pipe[0]);
  ::close(ready_pipe[0]);
  if (failed) {
    std::cerr << "pg_bench: a worker failed\n";
    std::exit(1);
  }
  return dt.count();
}

// --- 1. steps ------------------------------------------------------------------------------------

struct EngineDb {
  std::unique_ptr<storage::PgStore> store;
  engine::ManualClock clock{noon(*Date::parse("2027-06-01"))};
  engine::WorkflowRegistry registry;
  std::unique_ptr<engine::Engine> eng;

  explicit EngineDb(const std::string& url) {
    auto s = storage::PgStore::open(url, storage::OpenMode::Create);
    check(s, "open");
    store = std::move(*s);
    workflows::register_all(registry);
    eng = std::make_unique<engine::Engine>(*store, clock, registry);
    check(eng->load(), "load");
  }
};

constexpr int kStepsPerCase = 6;

// The engine's side: the member cases (one per person) made before the clock starts, then each
// process records kStepsPerCase steps on each of its own cases.
// Steps per second, and the workers' own CPU microseconds per step.
struct Rate {
  double per_second = 0;
  double cpu_us = 0;
  double trips = 0;  // round trips per step
  double server_us = 0;  // the server's CPU microseconds per step (server_cpu_seconds)
  double backend_us = 0;  // the workers' backends' CPU microseconds per step (worker_backend)
};

// The steps each case takes in the timed part, after its `apply` (made before the clock starts).
struct PlannedStep {
  const char* event;
  int day;  // days after kApply
  engine::Inputs with;
};
const Date kApply = *Date::parse("2026-01-05");
const std::vector<PlannedStep> kPlan = {{"talk", 10, {}},   {"activist", 40, {}}, {"mentors", 41, {{"mentors", "1,2"}}},
                                        {"review", 200, {}}, {"review", 380, {}}, {"review", 400, {}}};
static_assert(kStepsPerCase == 6);

engine::StepInput plan_input(const PlannedStep& s) {
  return engine::StepInput{s.event, kApply.add_days(s.day), s.with, "", "", "bench"};
}

// The engine's database made ready for `cases` cases: holidays, a branch, two mentors, and one
// member case per applicant with its `apply` recorded.
void engine_setup(EngineDb& db, int cases) {
  check(db.store->begin_write(), "begin");
  for (const auto& r : engine::WorkCalendar::builtin_rows()) check(db.store->upsert_holiday(r), "holiday");
  check(db.store->commit(), "commit");
  check(db.eng->load(), "load");
  engine::Branch b;
  b.code = "B01";
  b.name = "第一党支部";
  check(db.eng->add_branch(b), "branch");
  for (int i = 0; i < 2; ++i) {
    engine::Person m;
    m.name = "导师" + std::to_string(i);
    m.branch = "B01";
    m.born = *Date::parse("1980-01-01");
    m.status = engine::MemberStatus::Full;
    m.joined = *Date::parse("2005-07-01");
    check(db.eng->add_person(m), "mentor");
  }
  for (int c = 0; c < cases; ++c) {
    engine::Person p;
    p.name = "申请人" + std::to_string(c + 1);
    p.branch = "B01";
    p.born = *Date::parse("2000-01-01");
    auto id = db.eng->add_person(p);
    check(id, "person");
    engine::CaseSubject s;
    s.person = id.value();
    check(db.eng->start("member", s, engine::StepInput{"apply", kApply, {}, "", "", "bench"}), "apply");
  }
}

// A side's figures from the last in_processes(), which took `secs` for `steps` steps.
Rate measured(double secs, double steps) {
  return {steps / secs, last_work_cpu * 1e6 / steps, last_work_trips / steps, last_server_cpu * 1e6 / steps,
          last_backend_cpu * 1e6 / steps};
}

// A reference side's worker, made ready: its connection in `conn`, its backend in worker_backend.
std::function<void(int)> reference_ready(std::unique_ptr<pg::Connection>& conn, const std::string& url,
                                         const char* who) {
  return [&conn, url, who](int i) {
    conn = connect(url);
    worker_backend = conn->backend_pid();
    if (show_pids) std::fprintf(stderr, "   %s worker %d: server backend pid %d\n", who, i, conn->backend_pid());
  };
}

// A reference side's branch and `cases` persons (ids 1..cases), in the caller's transaction.
std::string reference_people_sql(int cases) {
  return "INSERT INTO branches (code, name, kind, parent, created_at) VALUES ('B1', '第一党支部', 'branch', NULL, "
         "1700000000);"
         "INSERT INTO persons (id, name, branch, born, status, joined, created_at) SELECT i, '申请人' || i, 'B1', "
         "'2000-01-01', 'none', NULL, 1700000000 FROM generate_series(1, " +
         std::to_string(cases) + ") i;";
}

// What a side's timed part left in the tables both sides write (ids and hashes aside), as one
// digest per table: the engine's and the same-rows reference's must be equal (checked per round).
std::string rows_digest(const std::string& url) {
  auto c = connect(url);
  auto r = c->exec(
      "digest",
      "SELECT (SELECT count(*) || ' ' || md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (SELECT concat_ws(',', "
      "case_id, seq, event, effective_date, recorded_at, actor, inputs, note, ref, rule_version, from_state, "
      "to_state, flags) x FROM events) e), "
      "(SELECT count(*) || ' ' || md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (SELECT concat_ws(',', id, state, "
      "version) x FROM cases) k), "
      "(SELECT count(*) || ' ' || md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (SELECT concat_ws(',', case_id, "
      "kind, due_date, opened_on, milestone, overdue_every_days, open, closed_on, on_due_event) x FROM deadlines) d), "
      "(SELECT count(*) || ' ' || md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (SELECT concat_ws(',', key, "
      "case_id, kind, due_date, offset_days, fire_at, fired_at) x FROM timers) t)");
  check(r, "digest");
  return "events " + r->string(0, 0) + ", cases " + r->string(0, 1) + ", deadlines " + r->string(0, 2) + ", timers " +
         r->string(0, 3);
}
std::string last_digest;  // rows_digest of the last engine_steps or same_rows_steps

Rate engine_steps(int procs, int cases_per_proc) {
  const std::string schema = "bench_engine_" + std::to_string(procs);
  const std::string url = fresh_schema(schema);
  {
    EngineDb db(url);
    engine_setup(db, procs * cases_per_proc);
  }
  settle(url);
  std::unique_ptr<EngineDb> mine;
  const double secs = in_processes(
      procs,
      [&](int i) {
        mine = std::make_unique<EngineDb>(url);
        worker_backend = mine->store->backend_pid();
        if (show_pids) std::fprintf(stderr, "   engine worker %d: server backend pid %d\n", i, mine->store->backend_pid());
      },
      [&](int i) {
        // Case ids 1.. in the order made above; process i owns a contiguous range.
        for (int k = 0; k < cases_per_proc; ++k) {
          const engine::CaseId id = i * cases_per_proc + k + 1;
          for (const auto& s : kPlan) check(mine->eng->record(id, plan_input(s)), "record");
        }
      },
      reset_stats);
  print_stats("engine", procs, procs * cases_per_proc * kStepsPerCase);
  last_digest = rows_digest(url);
  drop_schema(schema);
  return measured(secs, procs * cases_per_proc * kStepsPerCase);
}

// A hex string of `n` characters derived from `seed`, standing in for a SHA-256 digest.
std::string fake_hex(std::uint64_t seed, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(n, '0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& ch : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ch = kHex[x & 15];
  }
  return s;
}

// The reference: the same rows as storage/raw_reference.cpp, one transaction per step.
Rate raw_steps(int procs, int cases_per_proc) {
  const std::string schema = "bench_raw_" + std::to_string(procs);
  const std::string url = fresh_schema(schema);
  const int cases = procs * cases_per_proc;
  {
    auto s = storage::PgStore::open(url, storage::OpenMode::Create);  // djflow's schema
    check(s, "open");
    auto c = connect(url);
    check(c->exec_script("setup",
                         "BEGIN;" + reference_people_sql(cases) +
                             "INSERT INTO cases (id, workflow, person_id, branch, title, state, version, head_hash, "
                             "created_at, updated_at) SELECT i, 'member', i, 'B1', '申请人' || i, 'applicant', 0, '', "
                             "1700000000, 1700000000 FROM generate_series(1, " +
                             std::to_string(cases) + ") i; COMMIT;"),
          "setup");
  }
  settle(url);
  std::unique_ptr<pg::Connection> conn;
  const double secs = in_processes(
      procs,
      reference_ready(conn, url, "raw libpq"),
      [&](int i) {
        const std::string inputs = R"({"from":"2024-03-01","to":"2024-03-08"})";
        const std::string flags = R"(["late:talk"])";
        const Date base = Date::from_days(19723);  // 2024-01-01
        for (int k = 0; k < cases_per_proc; ++k) {
          const int c = i * cases_per_proc + k + 1;
          std::string prev_hash;
          for (int s = 1; s <= kStepsPerCase; ++s) {
            const std::uint64_t n = static_cast<std::uint64_t>(c) * 1000003u + static_cast<unsigned>(s);
            const std::string hash = fake_hex(n, 64);
            const Date date = base.add_days(s * 30);
            const std::string date_text = date.iso(), due_text = date.add_days(30).iso();
            const std::int64_t now = 1704067200 + static_cast<std::int64_t>(n);
            check(conn->exec_script("begin", "BEGIN"), "begin");
            check(conn->exec("event",
                             "INSERT INTO events (case_id, seq, event, effective_date, recorded_at, actor, inputs, "
                             "note, ref, rule_version, from_state, to_state, flags, prev_hash, hash) VALUES ($1, $2, "
                             "'review', $3, $4, 'bench', $5, '支部委员会会议纪要 第12号', '纪要-2024-12', '2014', "
                             "'activist', 'activist', $6, $7, $8)",
                             pg::Params().int64(c).int64(s).text(date_text).int64(now).text(inputs).text(flags)
                                 .text(prev_hash).text(hash)),
                  "event");
            auto u = conn->exec("case",
                                "UPDATE cases SET state = 'activist', version = version + 1, head_hash = $3, "
                                "updated_at = $4 WHERE id = $1 AND version = $2",
                                pg::Params().int64(c).int64(s - 1).text(hash).int64(now));
            check(u, "case");
            if (u->affected() != 1) std::exit(1);
            auto d = conn->exec("deadline",
                                "INSERT INTO deadlines (case_id, kind, due_date, opened_on, milestone, "
                                "overdue_every_days, open, closed_on) VALUES ($1, 'review', $2, $3, 0, 7, 1, NULL) "
                                "RETURNING id",
                                pg::Params().int64(c).text(due_text).text(date_text));
            check(d, "deadline");
            const std::int64_t deadline_id = d->int64(0, 0);
            for (const int offset : {-7, 0, 7}) {
              check(conn->exec("timer",
                               "INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, fire_at, "
                               "fired_at) VALUES ($1, $2, $3, 'review', $4, $5, $6, NULL) ON CONFLICT (key) DO NOTHING",
                               pg::Params()
                                   .text(std::to_string(c) + ":review:" + due_text + ":" + std::to_string(offset))
                                   .int64(c).int64(deadline_id).text(due_text).int64(offset)
                                   .int64(now + 86400 * (30 + offset))),
                    "timer");
            }
            check(conn->exec_script("commit", "COMMIT"), "commit");
            prev_hash = hash;
          }
        }
      },
      reset_stats);
  print_stats("raw libpq", procs, procs * cases_per_proc * kStepsPerCase);
  drop_schema(schema);
  return measured(secs, procs * cases_per_proc * kStepsPerCase);
}

// --- the reference writing the engine's rows ------------------------------------------------------
// Issue 12 §5 asks for raw libpq "writing the same rows in the same transactions". The reference
// above (raw_steps) writes the rows of storage/raw_reference.hpp, fixed since issue 2: one
// deadline and three timers per step, and no deadline closed and no timer dropped. The engine's
// steps in this bench close 0.67 deadlines, drop their pending timers and open deadlines with up
// to four timers per step. The reference below writes exactly the rows the engine writes: learnt
// once from one case recorded through the engine (calibrate), then replayed for every case with
// plain single-row statements, one round trip each, nothing read (decision 0136).

struct DeadlineRow {
  std::int64_t id = 0;  // the id in the calibration's database
  std::string kind, due_date, opened_on, on_due_event;
  std::int64_t milestone = 0, overdue_every_days = 0, open = 1;
  std::optional<std::string> closed_on;
};

struct TimerRow {
  std::string key;  // as in the calibration (its case id first)
  std::int64_t deadline_id = 0;  // the calibration's
  std::string kind, due_date;
  std::int64_t offset_days = 0, fire_at = 0;
};

// One events row's columns after case_id (seq ... hash), as text.
using EventColumns = std::vector<std::string>;
constexpr const char* kEventColumns =
    "seq, event, effective_date, recorded_at, actor, inputs, note, ref, rule_version, from_state, to_state, flags, "
    "prev_hash, hash";
constexpr int kEventColumnCount = 14;

struct StepWrites {
  EventColumns event;
  std::vector<std::pair<std::int64_t, std::string>> closes;  // calibration deadline id, closed_on
  std::vector<std::int64_t> drops;  // deadlines whose pending timers the step deleted
  std::vector<DeadlineRow> opens;
  std::vector<TimerRow> timers;
};

struct CasePlan {
  std::string state, head_hash;  // the case after its apply
  std::int64_t version = 0;
  EventColumns apply;
  std::vector<DeadlineRow> deadlines;  // open after the apply
  std::vector<TimerRow> timers;
  std::vector<StepWrites> steps;  // kPlan's, in order
};

struct Snapshot {
  std::vector<DeadlineRow> deadlines;
  std::vector<TimerRow> timers;
};

Snapshot snapshot(pg::Connection& c, std::int64_t case_id) {
  Snapshot s;
  auto d = c.exec("calibrate",
                  "SELECT id, kind, due_date, opened_on, milestone, overdue_every_days, open, closed_on, on_due_event "
                  "FROM deadlines WHERE case_id = $1 ORDER BY id",
                  pg::Params().int64(case_id));
  check(d, "calibrate: deadlines");
  for (int i = 0; i < d->size(); ++i) {
    DeadlineRow r;
    r.id = d->int64(i, 0);
    r.kind = d->string(i, 1);
    r.due_date = d->string(i, 2);
    r.opened_on = d->string(i, 3);
    r.milestone = d->int64(i, 4);
    r.overdue_every_days = d->int64(i, 5);
    r.open = d->int64(i, 6);
    if (!d->is_null(i, 7)) r.closed_on = d->string(i, 7);
    r.on_due_event = d->string(i, 8);
    s.deadlines.push_back(r);
  }
  auto t = c.exec("calibrate",
                  "SELECT key, deadline_id, kind, due_date, offset_days, fire_at, fired_at FROM timers "
                  "WHERE case_id = $1 ORDER BY id",
                  pg::Params().int64(case_id));
  check(t, "calibrate: timers");
  for (int i = 0; i < t->size(); ++i) {
    if (!t->is_null(i, 6)) {
      std::cerr << "pg_bench: calibrate: a timer fired during the steps; the reference does not know that write\n";
      std::exit(1);
    }
    s.timers.push_back(TimerRow{t->string(i, 0), t->int64(i, 1), t->string(i, 2), t->string(i, 3), t->int64(i, 4),
                                t->int64(i, 5)});
  }
  return s;
}

EventColumns event_columns(pg::Connection& c, std::int64_t case_id, std::int64_t seq) {
  auto r = c.exec("calibrate", std::string("SELECT ") + kEventColumns + " FROM events WHERE case_id = $1 AND seq = $2",
                  pg::Params().int64(case_id).int64(seq));
  check(r, "calibrate: event");
  if (r->size() != 1) std::exit(1);
  EventColumns cols;
  for (int k = 0; k < kEventColumnCount; ++k) cols.push_back(r->string(0, k));
  return cols;
}

// One case through the engine, as engine_steps records it, and what each step wrote: its event,
// the deadlines it closed (and whose pending timers it deleted), the deadlines and timers it added.
// Any other change to those tables stops the bench: the reference would not write it.
CasePlan calibrate() {
  const std::string schema = "bench_calibrate";
  const std::string url = fresh_schema(schema);
  CasePlan plan;
  {
    EngineDb db(url);
    engine_setup(db, 1);
    auto c = connect(url);
    auto k = c->exec("calibrate", "SELECT id, state, version, head_hash FROM cases");
    check(k, "calibrate: case");
    const std::int64_t id = k->int64(0, 0);
    plan.state = k->string(0, 1);
    plan.version = k->int64(0, 2);
    plan.head_hash = k->string(0, 3);
    plan.apply = event_columns(*c, id, 1);
    Snapshot before = snapshot(*c, id);
    plan.deadlines = before.deadlines;
    plan.timers = before.timers;
    std::int64_t seq = 1;
    for (const auto& step : kPlan) {
      check(db.eng->record(id, plan_input(step)), "calibrate: record");
      Snapshot after = snapshot(*c, id);
      StepWrites w;
      w.event = event_columns(*c, id, ++seq);
      for (const auto& d : after.deadlines) {
        auto was = std::find_if(before.deadlines.begin(), before.deadlines.end(),
                                [&](const DeadlineRow& b) { return b.id == d.id; });
        if (was == before.deadlines.end()) {
          w.opens.push_back(d);
        } else if (was->open == 1 && d.open == 0 && d.closed_on) {
          w.closes.emplace_back(d.id, *d.closed_on);
        } else if (was->open != d.open || was->closed_on != d.closed_on || was->due_date != d.due_date) {
          std::cerr << "pg_bench: calibrate: step " << step.event << " changed deadline " << d.id
                    << " in a way the reference does not write\n";
          std::exit(1);
        }
      }
      for (const auto& t : after.timers) {
        if (std::none_of(before.timers.begin(), before.timers.end(), [&](const TimerRow& b) { return b.key == t.key; }))
          w.timers.push_back(t);
      }
      for (const auto& t : before.timers) {
        if (std::any_of(after.timers.begin(), after.timers.end(), [&](const TimerRow& a) { return a.key == t.key; }))
          continue;
        const bool closed = std::any_of(w.closes.begin(), w.closes.end(), [&](const auto& cl) { return cl.first == t.deadline_id; });
        if (!closed) {
          std::cerr << "pg_bench: calibrate: step " << step.event << " deleted timer " << t.key
                    << " of a deadline it did not close\n";
          std::exit(1);
        }
        if (std::find(w.drops.begin(), w.drops.end(), t.deadline_id) == w.drops.end()) w.drops.push_back(t.deadline_id);
      }
      plan.steps.push_back(std::move(w));
      before = std::move(after);
    }
  }
  drop_schema(schema);
  return plan;
}

// The calibration case's timer key for case `c`: its case id replaced.
std::string key_for(const std::string& key, int c) {
  return std::to_string(c) + key.substr(key.find(':'));
}

pg::Params& deadline_params(pg::Params& p, int c, const DeadlineRow& d) {
  p.int64(c).text(d.kind).text(d.due_date).text(d.opened_on).int64(d.milestone).int64(d.overdue_every_days)
      .int64(d.open);
  if (d.closed_on) {
    p.text(*d.closed_on);
  } else {
    p.null();
  }
  return p.text(d.on_due_event);
}

constexpr const char* kInsertDeadline =
    "INSERT INTO deadlines (case_id, kind, due_date, opened_on, milestone, overdue_every_days, open, closed_on, "
    "on_due_event) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
constexpr const char* kInsertTimer =
    "INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, fire_at, fired_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, NULL) ON CONFLICT (key) DO NOTHING";

std::string insert_event_sql() {
  std::string sql = std::string("INSERT INTO events (case_id, ") + kEventColumns + ") VALUES ($1";
  for (int k = 2; k <= kEventColumnCount + 1; ++k) sql += ", $" + std::to_string(k);
  return sql + ")";
}

pg::Params event_params(int c, const EventColumns& e) {
  pg::Params p;
  p.int64(c);
  for (const auto& v : e) p.text(v);
  return p;
}

void insert_timer(pg::Connection& conn, int c, const TimerRow& t, std::int64_t deadline_id) {
  check(conn.exec("same timer", kInsertTimer,
                  pg::Params().text(key_for(t.key, c)).int64(c).int64(deadline_id).text(t.kind).text(t.due_date)
                      .int64(t.offset_days).int64(t.fire_at)),
        "timer");
}

Rate same_rows_steps(int procs, int cases_per_proc, const CasePlan& plan) {
  const std::string schema = "bench_same_" + std::to_string(procs);
  const std::string url = fresh_schema(schema);
  const int cases = procs * cases_per_proc;
  const std::string event_sql = insert_event_sql();
  // Per case, the calibration's deadline ids -> this database's (filled by the set-up for the
  // deadlines open after the apply, by each worker for those its steps open).
  std::vector<std::map<std::int64_t, std::int64_t>> ids(static_cast<std::size_t>(cases) + 1);
  {
    auto s = storage::PgStore::open(url, storage::OpenMode::Create);  // djflow's schema
    check(s, "open");
    auto c = connect(url);
    check(c->exec_script("setup", "BEGIN;" + reference_people_sql(cases)), "setup");
    check(c->exec("setup",
                  "INSERT INTO cases (id, workflow, person_id, branch, title, state, version, head_hash, created_at, "
                  "updated_at) SELECT i, 'member', i, 'B1', '申请人' || i, $2, $3, $4, 1700000000, 1700000000 "
                  "FROM generate_series(1, $1::int) i",
                  pg::Params().int64(cases).text(plan.state).int64(plan.version).text(plan.head_hash)),
          "setup: cases");
    for (int k = 1; k <= cases; ++k) {
      check(c->exec("setup", event_sql, event_params(k, plan.apply)), "setup: apply");
      for (const auto& d : plan.deadlines) {
        pg::Params p;
        auto r = c->exec("setup", kInsertDeadline, deadline_params(p, k, d));
        check(r, "setup: deadline");
        ids[static_cast<std::size_t>(k)][d.id] = r->int64(0, 0);
      }
      for (const auto& t : plan.timers) insert_timer(*c, k, t, ids[static_cast<std::size_t>(k)].at(t.deadline_id));
    }
    check(c->exec_script("setup", "COMMIT"), "setup");
  }
  settle(url);
  std::unique_ptr<pg::Connection> conn;
  const double secs = in_processes(
      procs,
      reference_ready(conn, url, "raw libpq (same rows)"),
      [&](int i) {
        for (int k = 0; k < cases_per_proc; ++k) {
          const int c = i * cases_per_proc + k + 1;
          auto& mine = ids[static_cast<std::size_t>(c)];
          std::int64_t version = plan.version;
          for (const StepWrites& w : plan.steps) {
            // The columns of kEventColumns: 3 recorded_at, 10 to_state, 13 hash.
            check(conn->exec_script("begin", "BEGIN"), "begin");
            auto u = conn->exec("same case",
                                "UPDATE cases SET state = $2, version = version + 1, head_hash = $3, updated_at = $4 "
                                "WHERE id = $1 AND version = $5",
                                pg::Params().int64(c).text(w.event[10]).text(w.event[13]).text(w.event[3]).int64(version));
            check(u, "case");
            if (u->affected() != 1) std::exit(1);
            ++version;
            check(conn->exec("same event", event_sql, event_params(c, w.event)), "event");
            for (const auto& [calibrated, closed_on] : w.closes) {
              const std::int64_t id = mine.at(calibrated);
              check(conn->exec("same close", "UPDATE deadlines SET open = 0, closed_on = $2 WHERE id = $1 AND open = 1",
                               pg::Params().int64(id).text(closed_on)),
                    "close");
              if (std::find(w.drops.begin(), w.drops.end(), calibrated) != w.drops.end())
                check(conn->exec("same drop", "DELETE FROM timers WHERE deadline_id = $1 AND fired_at IS NULL",
                                 pg::Params().int64(id)),
                      "drop");
            }
            for (const auto& d : w.opens) {
              pg::Params p;
              auto r = conn->exec("same deadline", kInsertDeadline, deadline_params(p, c, d));
              check(r, "deadline");
              mine[d.id] = r->int64(0, 0);
            }
            for (const auto& t : w.timers) insert_timer(*conn, c, t, mine.at(t.deadline_id));
            check(conn->exec_script("commit", "COMMIT"), "commit");
          }
        }
      },
      reset_stats);
  print_stats("raw libpq, the engine's rows", procs, procs * cases_per_proc * kStepsPerCase);
  last_digest = rows_digest(url);
  drop_schema(schema);
  return measured(secs, procs * cases_per_proc * kStepsPerCase);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void print_rate_row(const std::string& label, const Rate& e, const Rate& s, const Rate& r, double same_ratio,
                    double old_ratio) {
  std::printf("   %9s   %6.0f %6.0f %6.0f   %5.2f   %5.2f   %4.0f %4.0f %4.0f   %5.0f %5.0f %5.0f   %5.0f %5.0f %5.0f"
              "   %4.2f %4.2f %4.2f\n",
              label.c_str(), e.per_second, s.per_second, r.per_second, same_ratio, old_ratio, e.cpu_us, s.cpu_us,
              r.cpu_us, e.backend_us, s.backend_us, r.backend_us, e.server_us, s.server_us, r.server_us, e.trips,
              s.trips, r.trips);
  std::fflush(stdout);
}

// --- 2. firing ------------------------------------------------------------------------------------

long long scalar(pg::Connection& c, const std::string& sql) {
  auto r = c.exec("bench query", sql);
  check(r, "query");
  return r->int64(0, 0);
}

void firing(int daemons, int reminders, const std::string& dir) {
  const std::string schema = "bench_fire_" + std::to_string(daemons);
  const std::string url = fresh_schema(schema);
  const std::string n = std::to_string(reminders);
  const std::string sink = dir + "/sink-" + std::to_string(daemons) + ".jsonl";
  std::filesystem::remove(sink);
  {
    auto s = storage::PgStore::open(url, storage::OpenMode::Create);
    check(s, "open");
    engine::Channel ch;
    ch.name = "file";
    ch.type = "file";
    ch.target = sink;
    ch.created_at = noon(*Date::parse("2026-01-05"));
    check((*s)->insert_channel(ch), "channel");
    auto c = connect(url);
    // As tests/cli/postgresql_daemons_test.cpp: one case, deadline and due timer per reminder.
    check(c->exec_script(
              "fill",
              "BEGIN;"
              "INSERT INTO branches (code, name, kind, parent, created_at) VALUES ('B01', '第一党支部', 'branch', "
              "NULL, 1700000000);"
              "INSERT INTO cases (id, workflow, person_id, branch, title, state, version, head_hash, created_at, "
              "updated_at) SELECT i, 'member', NULL, 'B01', 'case' || i, 'applicant', 0, '', 0, 0 FROM "
              "generate_series(1, " + n + ") i;"
              "INSERT INTO deadlines (id, case_id, kind, due_date, opened_on, milestone, overdue_every_days, open, "
              "closed_on) SELECT i, i, 'talk', '2026-03-31', '2026-01-05', 0, 0, 1, NULL FROM generate_series(1, " +
              n + ") i;"
              "INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, fire_at, fired_at) "
              "SELECT i || ':talk:2026-03-31:30', i, i, 'talk', '2026-03-31', 30, 1772326800, NULL FROM "
              "generate_series(1, " + n + ") i;"
              "SELECT setval(pg_get_serial_sequence('cases', 'id'), " + n + ");"
              "SELECT setval(pg_get_serial_sequence('deadlines', 'id'), " + n + ");"
              "COMMIT; ANALYZE"),
          "fill");
  }
  auto c = connect(url);
  const auto t0 = Clock::now();
  std::vector<pid_t> kids;
  for (int i = 0; i < daemons; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      const std::string log = dir + "/serve-" + std::to_string(daemons) + "-" + std::to_string(i) + ".log";
      if (!std::freopen(log.c_str(), "w", stderr) || !std::freopen("/dev/null", "w", stdout)) ::_exit(1);
      ::execl(DJFLOW_BIN_PATH, DJFLOW_BIN_PATH, "--db", url.c_str(), "--now", "2026-03-02T10:00", "serve",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    kids.push_back(pid);
  }
  auto wait_for = [&](const std::string& sql) {
    while (scalar(*c, sql) < reminders) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  const double fired = wait_for("SELECT count(*) FROM timers WHERE fired_at IS NOT NULL");
  const double delivered = wait_for("SELECT count(*) FROM deliveries WHERE status = 'delivered'");
  for (pid_t k : kids) ::kill(k, SIGTERM);
  for (pid_t k : kids) ::waitpid(k, nullptr, 0);
  std::printf("   %d daemon%s  fired in %6.1f s (%7.0f /s), delivered in %6.1f s (%7.0f /s)\n", daemons,
              daemons == 1 ? " " : "s", fired, reminders / fired, delivered, reminders / delivered);
  std::fflush(stdout);
  drop_schema(schema);
}

}  // namespace

int main(int argc, char** argv) {
  int cases = 40, reminders = 100000, rounds = 1;
  std::string dir = "/tmp/djflow-pg-bench";
  std::vector<int> counts = {1, 2, 4};
  bool steps = true, fire = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--db") base_url = argv[i + 1];
    else if (a == "--cases") cases = std::atoi(argv[i + 1]);
    else if (a == "--reminders") reminders = std::atoi(argv[i + 1]);
    else if (a == "--rounds") {
      // A multiple of three beyond one, so that each of the three sides runs first, second and
      // third equally often: in this machine's runs the side going later was often the slower one.
      rounds = std::max(1, std::atoi(argv[i + 1]));
      if (rounds > 1) rounds += (3 - rounds % 3) % 3;
    }
    else if (a == "--dir") dir = argv[i + 1];
    else if (a == "--pids") show_pids = std::string(argv[i + 1]) != "0";
    else if (a == "--stats") {
      with_stats = std::string(argv[i + 1]) != "0";
    } else if (a == "--procs") {
      counts.clear();
      for (const char* p = argv[i + 1]; *p != '\0';) {
        char* end = nullptr;
        const long n = std::strtol(p, &end, 10);
        if (end == p || n < 1) break;
        counts.push_back(static_cast<int>(n));
        p = *end == ',' ? end + 1 : end;
      }
    } else if (a == "--parts") {
      const std::string v = argv[i + 1];
      steps = v.find("steps") != std::string::npos;
      fire = v.find("firing") != std::string::npos;
    }
  }
  if (!pg::is_postgres_url(base_url)) {
    std::cerr << "usage: djflow_pg_bench --db postgresql://... [--cases N] [--reminders N] [--dir DIR]\n"
                 "       [--procs 1,2,4] [--rounds N] [--parts steps,firing] [--stats 1] [--pids 1]\n";
    return 2;
  }
  std::filesystem::create_directories(dir);
  {  // The server's postmaster, for its CPU time (server_cpu_seconds): the parent of a backend.
    auto c = connect(base_url);
    auto r = c->exec("backend", "SELECT pg_backend_pid()");
    check(r, "backend");
    std::ifstream f("/proc/" + r->string(0, 0) + "/stat");
    std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto close = all.rfind(')');
    if (close != std::string::npos) postmaster_pid = std::atoi(all.c_str() + close + 4);  // ") S ppid"
  }
  double load[3] = {0, 0, 0};
  if (::getloadavg(load, 3) > 0) std::printf("load average at start: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
  if (steps) {
    std::printf("1. steps per second on PostgreSQL, %d cases x %d steps per process, one transaction per step%s\n",
                cases, kStepsPerCase,
                rounds == 1 ? ""
                            : ("; " + std::to_string(rounds) +
                               " rounds per count, the sides' order turning each round, then the medians (a ratio's "
                               "median is the median of the rounds' ratios)")
                                  .c_str());
    std::printf("   same rows: raw libpq writing the rows the engine writes (the aim's reference, decision 0136);\n"
                "   issue 2's: raw libpq writing storage/raw_reference.hpp's rows (a deadline and three timers, nothing closed or dropped)\n");
    std::printf("   per step, for each side (engine, same rows, issue 2's): the workers' own CPU, their server\n"
                "   backends' CPU, the whole server's CPU (with autovacuum, checkpointer, WAL writer), round trips\n");
    std::printf("                 steps per second     ratio to     client CPU us    backend CPU us      server CPU us"
                "       round trips\n");
    std::printf("   processes   engine   same issue2    same issue2    eng same iss2    eng  same  iss2    eng  same  iss2"
                "    eng same iss2\n");
    std::fflush(stdout);
    const CasePlan plan = calibrate();
    for (int procs : counts) {
      // Each round runs the three sides, the one going first turning from round to round, and its
      // ratios compare runs made seconds apart: their median is not decided by one busy second of
      // the machine, as a single run of each side can be (in this machine's runs the side going
      // later in a round was often the slower one).
      std::vector<Rate> es, ss, rs;
      std::vector<double> same_ratios, old_ratios;
      for (int round = 0; round < rounds; ++round) {
        Rate e, sr, r;
        std::string engine_rows, same_rows;
        for (int k = 0; k < 3; ++k) {
          switch ((round + k) % 3) {
            case 0:
              e = engine_steps(procs, cases);
              engine_rows = last_digest;
              break;
            case 1:
              sr = same_rows_steps(procs, cases, plan);
              same_rows = last_digest;
              break;
            default: r = raw_steps(procs, cases); break;
          }
        }
        if (engine_rows != same_rows) {
          std::cerr << "pg_bench: the reference did not write the engine's rows:\n  engine:    " << engine_rows
                    << "\n  reference: " << same_rows << "\n";
          return 1;
        }
        es.push_back(e);
        ss.push_back(sr);
        rs.push_back(r);
        same_ratios.push_back(e.per_second / sr.per_second);
        old_ratios.push_back(e.per_second / r.per_second);
        print_rate_row(rounds == 1 ? std::to_string(procs) : std::to_string(procs) + " #" + std::to_string(round + 1),
                       e, sr, r, same_ratios.back(), old_ratios.back());
      }
      if (rounds > 1) {
        auto med = [](const std::vector<Rate>& v) {
          auto field = [&](double Rate::*f) {
            std::vector<double> x;
            for (const Rate& r : v) x.push_back(r.*f);
            return median(x);
          };
          return Rate{field(&Rate::per_second), field(&Rate::cpu_us), field(&Rate::trips), field(&Rate::server_us),
                      field(&Rate::backend_us)};
        };
        print_rate_row(std::to_string(procs) + " median", med(es), med(ss), med(rs), median(same_ratios),
                       median(old_ratios));
      }
    }
  }
  if (fire) {
    std::printf("2. firing %d due reminders to a file channel (process start -> all fired / delivered)\n", reminders);
    std::fflush(stdout);
    for (int d : {1, 3}) firing(d, reminders, dir);
  }
  if (::getloadavg(load, 3) > 0) std::printf("load average at end: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
  return 0;
}
