// djflow_bench: the figures of issue 2 §5.
//   1. Steps per second through the whole engine path (Engine::record on the member workflow,
//      one transaction per step, synchronous=FULL) against raw SQLite writing the same rows in
//      the same transactions (storage::raw_sqlite_reference_steps), as a ratio. Aim >= 0.7.
//      And the same steps through the web API in this process (issue 11 §5) against
//      Engine::record, as a ratio. Aim >= 0.7.
//   2. Whole-process time of `djflow show`, `djflow record` and `djflow due --within 30` on a
//      generated database of 100,000 member cases. Aim: median <= 20 ms (show, record),
//      <= 100 ms (due).
//   3. A lean process (issue 7 §6), as ratios measured in one run, the programs interleaved so
//      that they meet the same load: `djflow --version` against /bin/true (aim <= 2), `djflow
//      show` against djflow_min_reader (bench/min_reader.cpp: opens the same database, reads the
//      case row; aim <= 2), `djflow record` against the minimal reader plus one fsync (aim <= 2).
// Usage: djflow_bench [--cases N] [--steps-cases N] [--dir DIR] [--runs N] [--reuse] [--steps-only]
//   --reuse keeps DIR/big.db if it exists (generating 100,000 cases takes minutes); the commands
//   that write run on a copy of it. --steps-cases 0 skips part 1; --steps-only runs part 1 only.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "cli/web_app.hpp"
#include "engine/access.hpp"
#include "engine/engine.hpp"
#include "engine/runtime/http_server.hpp"
#include "storage/raw_reference.hpp"
#include "storage/sqlite_store.hpp"
#include "workflows/registry.hpp"

using namespace djflow;
using engine::Date;
using Clock = std::chrono::steady_clock;

namespace {

engine::TimePoint noon(Date d) {
  return engine::TimePoint{d.sys_days().time_since_epoch() + std::chrono::hours{4}};
}

struct Db {
  std::unique_ptr<storage::SqliteStore> store;
  engine::ManualClock clock{noon(*Date::parse("2027-06-01"))};
  engine::WorkflowRegistry registry;
  std::unique_ptr<engine::Engine> eng;
  int applicants = 0;

  explicit Db(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    store = std::move(storage::SqliteStore::open(path, storage::OpenMode::Create).value());
    workflows::register_all(registry);
    eng = std::make_unique<engine::Engine>(*store, clock, registry);
    if (!eng->load()) std::abort();
    // The builtin calendar, as `djflow init` seeds it.
    if (!store->begin_write()) std::abort();
    for (const auto& r : engine::WorkCalendar::builtin_rows()) (void)store->upsert_holiday(r);
    if (!store->commit()) std::abort();
    (void)eng->load();
    engine::Branch b;
    b.code = "B01";
    b.name = "第一党支部";
    check(eng->add_branch(b));
    for (int i = 0; i < 2; ++i) {
      engine::Person m;
      m.name = "导师" + std::to_string(i);
      m.branch = "B01";
      m.born = *Date::parse("1980-01-01");
      m.status = engine::MemberStatus::Full;
      m.joined = *Date::parse("2005-07-01");
      check(eng->add_person(m));
    }
  }

  template <class R>
  static void check(const R& r) {
    if (!r.ok()) {
      std::cerr << "bench: " << r.error().message.en << "\n";
      std::exit(1);
    }
  }

  engine::CaseId new_case(Date apply) {
    engine::Person p;
    p.name = "申请人" + std::to_string(++applicants);  // names are unique in an organisation
    p.branch = "B01";
    p.born = *Date::parse("2000-01-01");
    auto id = eng->add_person(p);
    check(id);
    engine::CaseSubject s;
    s.person = id.value();
    auto o = eng->start("member", s, engine::StepInput{"apply", apply, {}, "", "", "bench"});
    check(o);
    return o->c.id;
  }

  void step(engine::CaseId id, const char* event, Date d, engine::Inputs with = {}) {
    check(eng->record(id, engine::StepInput{event, d, std::move(with), "", "", "bench"}));
  }
};

// The steps every benchmark case goes through after `apply`, with their day offsets.
void develop(Db& db, engine::CaseId id, Date start, int steps) {
  struct S { const char* e; int day; engine::Inputs with; };
  const std::vector<S> plan = {
      {"talk", 10, {}}, {"activist", 40, {}}, {"mentors", 41, {{"mentors", "1,2"}}},
      {"review", 200, {}}, {"review", 380, {}}, {"review", 400, {}}};
  for (int i = 0; i < steps && i < static_cast<int>(plan.size()); ++i)
    db.step(id, plan[i].e, start.add_days(plan[i].day), plan[i].with);
}

// The same steps through the web API (issue 11 §5): `djflow web`'s WebApp and HttpServer on a
// thread of this process, an admin's Bearer token, one POST /api/v1/cases/ID/steps per step
// (each answered with the case as JSON, as the page gets it). Clients are made by client():
// each has its own keep-alive connection and is used by one thread.
class WebSteps {
 public:
  class Client {
   public:
    Client(unsigned short port, std::string token) : token_(std::move(token)) {
      stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    }
    ~Client() {
      boost::beast::error_code ec;
      stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
    void step(engine::CaseId id, const char* event, Date d, const engine::Inputs& with) {
      namespace http = boost::beast::http;
      nlohmann::json body = {{"event", event}, {"date", d.iso()}};
      for (const auto& [k, v] : with) body["with"][k] = v;
      http::request<http::string_body> req{http::verb::post, "/api/v1/cases/" + std::to_string(id) + "/steps", 11};
      req.set(http::field::host, "127.0.0.1");
      req.set(http::field::authorization, "Bearer " + token_);
      req.set(http::field::content_type, "application/json");
      req.body() = body.dump();
      req.prepare_payload();
      http::write(stream_, req);
      http::response<http::string_body> res;
      http::read(stream_, buf_, res);
      if (res.result_int() != 201) {
        std::cerr << "bench: web step " << event << " on case " << id << ": " << res.result_int() << " " << res.body() << "\n";
        std::exit(1);
      }
    }

   private:
    std::string token_;
    boost::asio::io_context ioc_;
    boost::beast::tcp_stream stream_{ioc_};
    boost::beast::flat_buffer buf_;
  };

  WebSteps(Db& db, const std::string& path) {
    engine::User u;
    u.name = "bench";
    u.org = "B01";
    u.role = engine::Role::Admin;
    u.password_hash = "-";
    u.created_at = db.clock.now();
    auto uid = db.store->insert_user(u);
    Db::check(uid);
    token_ = engine::random_token();
    engine::ApiToken t;
    t.token_hash = engine::token_digest(token_);
    t.user_id = uid.value();
    t.label = "bench";
    t.created_at = db.clock.now();
    t.expires_at = db.clock.now() + std::chrono::hours{24 * 365};
    Db::check(db.store->insert_token(t));
    // As `djflow web` does: steps on their own connection, on the server's worker thread
    // (decision 0134), everything else on the server's thread with db's store.
    steps_store_ = std::move(storage::SqliteStore::open(path, storage::OpenMode::Existing).value());
    steps_store_->set_change_context(&db.clock, "bench");
    steps_engine_ = std::make_unique<engine::Engine>(*steps_store_, db.clock, db.registry);
    if (!steps_engine_->load()) std::abort();
    cli::WebContext ctx{*db.eng, *db.store, db.registry, db.clock, db.clock, false, "bench"};
    ctx.step_engine = steps_engine_.get();
    ctx.step_store = steps_store_.get();
    app_ = std::make_unique<cli::WebApp>(ctx);
    engine::runtime::HttpOptions o;
    o.port = 0;
    o.handle_signals = false;
    o.worker = true;
    server_ = std::make_unique<engine::runtime::HttpServer>(
        o, [this](const engine::runtime::HttpRequest& q) { return app_->handle(q); }, nullptr);
    Db::check(server_->start());
    thread_ = std::thread([this] { server_->run(); });
  }
  ~WebSteps() {
    server_->stop();
    thread_.join();
  }
  std::unique_ptr<Client> client() { return std::make_unique<Client>(server_->port(), token_); }

 private:
  std::string token_;
  std::unique_ptr<storage::SqliteStore> steps_store_;
  std::unique_ptr<engine::Engine> steps_engine_;
  std::unique_ptr<cli::WebApp> app_;
  std::unique_ptr<engine::runtime::HttpServer> server_;
  std::thread thread_;
};

// develop()'s steps through the API.
void develop_web(WebSteps::Client& web, engine::CaseId id, Date start, int steps) {
  struct S { const char* e; int day; engine::Inputs with; };
  const std::vector<S> plan = {
      {"talk", 10, {}}, {"activist", 40, {}}, {"mentors", 41, {{"mentors", "1,2"}}},
      {"review", 200, {}}, {"review", 380, {}}, {"review", 400, {}}};
  for (int i = 0; i < steps && i < static_cast<int>(plan.size()); ++i)
    web.step(id, plan[i].e, start.add_days(plan[i].day), plan[i].with);
}

double median_ms(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
double pct_ms(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}


// Starts args[0] with args, without a shell (a shell would add its own start-up to every figure),
// with the given file actions; returns the child's pid, or -1 if it could not be started.
pid_t spawn(const std::vector<std::string>& args, const posix_spawn_file_actions_t& fa) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  return posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0 ? pid : -1;
}

// Runs args once, output to /dev/null; returns the wall time in ms. Exits the benchmark if the
// command fails.
double time_once(const std::vector<std::string>& args) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  const auto t0 = Clock::now();
  const pid_t pid = spawn(args, fa);
  int st = 0;
  const bool ok = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  const auto t1 = Clock::now();
  posix_spawn_file_actions_destroy(&fa);
  if (!ok) {
    std::cerr << "bench: command failed:";
    for (const auto& a : args) std::cerr << ' ' << a;
    std::cerr << "\n";
    std::exit(1);
  }
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Runs a command (split on spaces, no shell) `runs` times and returns the wall times in ms.
std::vector<double> time_command(const std::string& cmd, int runs) {
  std::vector<double> out;
  for (int i = 0; i < runs; ++i) out.push_back(time_once(words(cmd)));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int big_cases = 100000;
  int step_cases = 300;
  std::string dir = std::filesystem::temp_directory_path() / "djflow-bench";
  int lean_runs = 201;
  bool reuse = false;
  bool steps_only = false;  // part 1 only (the step rates)
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : "0";
    if (a == "--help" || a == "-h") {
      std::printf("usage: djflow_bench [--cases N (100000)] [--steps-cases N (300)] [--dir DIR] [--runs N (201)]\n"
                  "                    [--reuse] [--steps-only]\n");
      return 0;
    }
    if (a == "--reuse") { reuse = true; continue; }
    if (a == "--steps-only") { steps_only = true; continue; }
    if (a == "--cases") big_cases = std::atoi(v);
    else if (a == "--steps-cases") step_cases = std::atoi(v);
    else if (a == "--dir") dir = v;
    else if (a == "--runs") lean_runs = std::max(3, std::atoi(v));
    ++i;
  }
  std::filesystem::create_directories(dir);
  std::cout << "djflow_bench: cases for the step rate " << step_cases << ", generated database "
            << big_cases << " cases, in " << dir << "\n\n";

  // --- 1. steps per second: engine vs raw SQLite ---------------------------------------------
  constexpr int kStepsPerCase = 6;
  // The same steps on as many cases through the web API, in this process, interleaved case by
  // case with the engine's so that both meet the same load on a shared machine.
  // Two figures for the API: one connection, each step waiting for the answer to the one before
  // (so the rate includes the client's round trip: two thread wake-ups per step), and
  // kWebClients connections on their own threads and cases at once, which keeps the single
  // server thread busy: the server's own rate, the figure the aim is about (docs/performance.md).
  constexpr int kWebClients = 4;
  constexpr std::size_t kGroup = 5 * kWebClients;  // cases per interleaved round
  double engine_rate = 0, web_rate = 0, web4_rate = 0, engine_cpu = 0, web_cpu = 0, web4_cpu = 0;
  if (step_cases > 0) {
    Db db(dir + "/steps.db");
    Db wdb(dir + "/web.db");
    const Date start = *Date::parse("2024-01-01");
    std::vector<engine::CaseId> ids, wids, cids;
    for (int i = 0; i < step_cases; ++i) ids.push_back(db.new_case(start));
    for (int i = 0; i < step_cases; ++i) wids.push_back(wdb.new_case(start));
    for (int i = 0; i < step_cases; ++i) cids.push_back(wdb.new_case(start));
    WebSteps web(wdb, dir + "/web.db");
    std::vector<std::unique_ptr<WebSteps::Client>> clients;
    for (int k = 0; k < kWebClients; ++k) clients.push_back(web.client());
    double engine_secs = 0, web_secs = 0, web4_secs = 0;
    auto timed = [](double& secs, double& cpu, auto&& fn) {
      const auto t0 = Clock::now();
      const auto c0 = std::clock();
      fn();
      secs += std::chrono::duration<double>(Clock::now() - t0).count();
      cpu += static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;  // every thread of the process
    };
    // Interleaved in rounds of kGroup cases, so that the three meet the same load on a shared machine.
    for (std::size_t g = 0; g < ids.size(); g += kGroup) {
      const std::size_t end = std::min(ids.size(), g + kGroup);
      timed(engine_secs, engine_cpu, [&] {
        for (std::size_t i = g; i < end; ++i) develop(db, ids[i], start, kStepsPerCase);
      });
      timed(web_secs, web_cpu, [&] {
        for (std::size_t i = g; i < end; ++i) develop_web(*clients[0], wids[i], start, kStepsPerCase);
      });
      timed(web4_secs, web4_cpu, [&] {
        std::vector<std::thread> threads;
        for (int k = 0; k < kWebClients; ++k)
          threads.emplace_back([&, k] {
            for (std::size_t i = g + static_cast<std::size_t>(k); i < end; i += kWebClients)
              develop_web(*clients[static_cast<std::size_t>(k)], cids[i], start, kStepsPerCase);
          });
        for (auto& t : threads) t.join();
      });
    }
    engine_rate = step_cases * kStepsPerCase / engine_secs;
    web_rate = step_cases * kStepsPerCase / web_secs;
    web4_rate = step_cases * kStepsPerCase / web4_secs;
  }
  const double raw_rate = step_cases > 0 ?
      storage::raw_sqlite_reference_steps(dir + "/raw.db", step_cases, kStepsPerCase) : 1;
  if (step_cases > 0) std::printf("1. steps per second (one transaction per step, WAL, synchronous=FULL)\n");
  if (step_cases > 0) std::printf("   engine (Engine::record, member workflow)  %10.0f steps/s  (process CPU %.2f s)\n", engine_rate, engine_cpu);
  if (step_cases > 0) std::printf("   raw SQLite, same rows, same transactions  %10.0f steps/s\n", raw_rate);
  if (step_cases > 0) std::printf("   ratio engine/raw                          %10.2f   (aim >= 0.70)\n",
              engine_rate / raw_rate);
  if (step_cases > 0) {
    std::printf("   web API (POST /api/v1/cases/ID/steps), one connection waiting for each answer\n");
    std::printf("                                             %10.0f steps/s  (process CPU %.2f s)\n", web_rate, web_cpu);
    std::printf("   ratio one connection/Engine::record       %10.2f\n", web_rate / engine_rate);
    std::printf("   web API, %d connections at once (the server's rate)\n", kWebClients);
    std::printf("                                             %10.0f steps/s  (process CPU %.2f s)\n", web4_rate, web4_cpu);
    std::printf("   ratio server's rate/Engine::record        %10.2f   (aim >= 0.70)\n\n", web4_rate / engine_rate);
  }
  if (steps_only) return 0;

  // --- 2. whole-process times on a large database --------------------------------------------
  // A realistic ledger: case i applied `i % 730` days before today and every step since then
  // happened on time (talk after 10 days, activist after 40, mentors, the half-year review,
  // proposal as a candidate soon after a year), so deadlines spread over the calendar the way a
  // working organisation's do. The pathological ledger where every deadline was missed is
  // measured too ("--overdue" below lists tens of thousands of rows).
  const std::string pristine = dir + "/big.db";
  const Date today = *Date::parse("2026-11-28");
  if (!reuse || !std::filesystem::exists(pristine)) {
    const auto t0 = Clock::now();
    Db db(pristine);
    db.clock.set(noon(today));
    // Generated in outer transactions of 2,000 cases (each engine call is then a savepoint,
    // decision 0080): one fsync per batch instead of about six per case, so that 100,000 cases
    // take minutes, not an hour. The measured commands below commit one by one as usual.
    for (int i = 0; i < big_cases; ++i) {
      if (i % 2000 == 0) {
        if (i > 0 && !db.store->commit()) std::abort();
        if (!db.store->begin_write()) std::abort();
      }
      const Date start = today.add_days(-(i % 730));
      auto id = db.new_case(start);
      const Date activist = start.add_days(40);
      const struct { const char* e; Date d; engine::Inputs with; } plan[] = {
          {"talk", start.add_days(10), {}},
          {"activist", activist, {}},
          {"mentors", activist.add_days(1), {{"mentors", "1,2"}}},
          {"review", activist.add_months(6), {}},
          {"propose", activist.add_years(1).add_days(5), {}},
      };
      for (const auto& st : plan) {
        if (st.d > today) break;
        db.step(id, st.e, st.d, st.with);
      }
    }
    if (big_cases > 0 && !db.store->commit()) std::abort();
    std::printf("2. generated %d cases in %.1f s\n", big_cases,
                std::chrono::duration<double>(Clock::now() - t0).count());
  }
  // The commands run on a copy, so that --reuse finds the generated ledger unchanged.
  const std::string big = dir + "/run.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(big + suffix);
  std::filesystem::copy_file(pristine, big);
  const std::string bin = DJFLOW_BIN_PATH;
  const std::string base = bin + " --db " + big + " --now 2026-11-28T10:00";
  const int runs = 31;
  const std::string mid = std::to_string(big_cases / 2 + 1);
  auto show = time_command(base + " show " + mid, runs);
  auto due = time_command(base + " due --within 30", runs);
  auto due_json = time_command(base + " --json due --within 30", runs);
  // record: one review on each of `runs` different activists (cases that applied 150 days ago).
  std::vector<double> record;
  for (int i = 0; i < runs; ++i) {
    const int m = std::max(1, big_cases / 730);  // complete 730-day cycles in the ledger
    const int idx = 730 * (i % m) + 150 + i / m;
    auto t = time_command(base + " record " + std::to_string(idx + 1) + " review --date 2026-11-28", 1);
    record.push_back(t[0]);
  }
  std::printf("   whole-process times over %d runs (ms)      median      p90\n", runs);
  std::printf("   djflow show CASE                          %7.1f  %7.1f   (aim median <= 20)\n", median_ms(show), pct_ms(show, 0.9));
  std::printf("   djflow record CASE review                 %7.1f  %7.1f   (aim median <= 20)\n", median_ms(record), pct_ms(record, 0.9));
  std::printf("   djflow due --within 30                    %7.1f  %7.1f   (aim median <= 100)\n", median_ms(due), pct_ms(due, 0.9));
  std::printf("   djflow --json due --within 30             %7.1f  %7.1f\n", median_ms(due_json), pct_ms(due_json, 0.9));

  // --- 3. a lean process: ratios in one run, the programs interleaved ----------------------
  const std::string reader = DJFLOW_MIN_READER_PATH;
  const std::string fsync_file = dir + "/fsync.bin";
  std::vector<double> t_true, t_version, t_reader, t_show, t_reader_fsync, t_record;
  for (int i = 0; i < lean_runs; ++i) {
    const int m = std::max(1, big_cases / 730);
    const std::string rec = std::to_string(730 * (i % m) + 160 + i / m + 1);
    t_true.push_back(time_once({"/bin/true"}));
    t_version.push_back(time_once({bin, "--version"}));
    t_reader.push_back(time_once({reader, big, mid}));
    t_show.push_back(time_once({bin, "--db", big, "--now", "2026-11-28T10:00", "show", mid}));
    t_reader_fsync.push_back(time_once({reader, big, rec, "--fsync", fsync_file}));
    t_record.push_back(time_once({bin, "--db", big, "--now", "2026-11-28T10:00", "record", rec, "review",
                                  "--date", "2026-11-28"}));
  }
  // The same record while another connection keeps the database open, as `djflow serve` does in
  // the set-up the README recommends: the command's close then neither checkpoints the WAL into
  // the database (two syncs and the pages written twice) nor deletes and re-creates the WAL (a
  // header sync and a directory sync). Alone, a command leaves djflow.db complete by itself
  // (decision 0123); both figures are printed.
  std::vector<double> t_reader_fsync_held, t_record_held;
  {
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) std::abort();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
    posix_spawn_file_actions_addclose(&fa, to_child[1]);
    posix_spawn_file_actions_addclose(&fa, from_child[0]);
    const pid_t holder = spawn({reader, big, mid, "--hold"}, fa);
    if (holder <= 0) std::abort();
    posix_spawn_file_actions_destroy(&fa);
    ::close(to_child[0]);
    ::close(from_child[1]);
    std::string got;
    char c = 0;
    while (got.find("ready\n") == std::string::npos && ::read(from_child[0], &c, 1) == 1) got += c;
    if (got.find("ready\n") == std::string::npos) {
      std::cerr << "bench: the holding reader did not start\n";
      std::exit(1);
    }
    for (int i = 0; i < lean_runs; ++i) {
      const int m = std::max(1, big_cases / 730);
      const std::string rec = std::to_string(730 * (i % m) + 190 + i / m + 1);
      t_reader_fsync_held.push_back(time_once({reader, big, rec, "--fsync", fsync_file}));
      t_record_held.push_back(time_once({bin, "--db", big, "--now", "2026-11-28T10:00", "record", rec, "review",
                                         "--date", "2026-11-28"}));
    }
    ::close(to_child[1]);
    ::close(from_child[0]);
    int st = 0;
    ::waitpid(holder, &st, 0);
  }
  std::filesystem::remove(fsync_file);
  const auto row = [](const char* name, const std::vector<double>& v, const std::vector<double>& ref,
                      const char* ref_name) {
    std::printf("   %-28s %7.2f %7.2f   %-30s %5.2f   (aim <= 2)\n", name, median_ms(v), pct_ms(v, 0.9),
                ref_name, median_ms(v) / median_ms(ref));
  };
  std::printf("\n3. a lean process: %d interleaved runs each (ms)   median     p90   ratio of medians\n", lean_runs);
  std::printf("   %-28s %7.2f %7.2f\n", "/bin/true", median_ms(t_true), pct_ms(t_true, 0.9));
  std::printf("   %-28s %7.2f %7.2f\n", "min reader (read case row)", median_ms(t_reader), pct_ms(t_reader, 0.9));
  std::printf("   %-28s %7.2f %7.2f\n", "min reader + one fsync", median_ms(t_reader_fsync), pct_ms(t_reader_fsync, 0.9));
  row("djflow --version", t_version, t_true, "÷ /bin/true");
  row("djflow show CASE", t_show, t_reader, "÷ min reader");
  row("djflow record CASE review", t_record, t_reader_fsync, "÷ min reader + fsync");
  std::printf("   while another connection holds the database (as the daemon does):\n");
  std::printf("   %-28s %7.2f %7.2f\n", "min reader + one fsync", median_ms(t_reader_fsync_held),
              pct_ms(t_reader_fsync_held, 0.9));
  row("djflow record CASE review", t_record_held, t_reader_fsync_held, "÷ min reader + fsync");
  return 0;
}
