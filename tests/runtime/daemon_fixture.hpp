// A file-backed database (so that a second connection can write to it), a manual engine clock and
// a manual "real" clock, the toy workflow, and helpers to run a Daemon on them for bounded real
// time. No sleeping on deadlines: tests move the manual clocks and run the io_context briefly.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "engine/runtime/daemon.hpp"
#include "storage/sqlite_store.hpp"
#include "support/cli_runner.hpp"
#include "support/engine_fixture.hpp"
#include "support/toy_workflow.hpp"

namespace djflow::testing {

namespace rt = engine::runtime;

inline TimePoint local_at(const char* date, int hour, int minute = 0, int second = 0) {
  return TimePoint{Date::parse(date)->sys_days().time_since_epoch() + std::chrono::hours{hour - 8} +
                   std::chrono::minutes{minute} + std::chrono::seconds{second}};
}

struct DaemonFixture {
  TempDir dir;
  std::string db = (dir.path() / "d.db").string();
  std::unique_ptr<storage::SqliteStore> store;
  ManualClock clock{local_at("2024-01-01", 12)};
  ManualClock real{local_at("2024-01-01", 12)};
  WorkflowRegistry registry;
  std::unique_ptr<Engine> engine;
  std::ostringstream console;

  DaemonFixture() {
    store = open_store();
    registry.add(std::make_unique<ToyWorkflow>());
    engine = std::make_unique<Engine>(*store, clock, registry);
    if (!engine->load()) throw std::runtime_error("load");
    for (auto [code, parent] : {std::pair{"B1", ""}, std::pair{"B2", ""}, std::pair{"B11", "B1"}}) {
      Branch b;
      b.code = code;
      b.name = std::string("支部") + code;
      b.parent = parent;
      if (!engine->add_branch(b)) throw std::runtime_error("branch");
    }
  }

  std::unique_ptr<storage::SqliteStore> open_store() const {
    auto s = storage::SqliteStore::open(db, storage::OpenMode::Create);
    if (!s) throw std::runtime_error(s.error().message.en);
    return std::move(s.value());
  }

  rt::DaemonOptions options() {
    rt::DaemonOptions o;
    o.max_wait = std::chrono::milliseconds(5);
    o.poll = std::chrono::milliseconds(5);
    o.handle_signals = false;
    o.console = &console;
    o.random = [] { return 0.5; };
    return o;
  }

  std::unique_ptr<rt::Daemon> daemon(rt::DaemonOptions o) {
    return std::make_unique<rt::Daemon>(*engine, real, std::move(o), quiet_logger());
  }
  std::unique_ptr<rt::Daemon> daemon() { return daemon(options()); }

  // Opens a case of the toy workflow on `date` in `branch` (deadline "finish" due 10 days later,
  // reminders 7 days before at 09:00, on the day, and 7 days after).
  CaseId open_case(const char* date, const char* branch = "B1", Engine* via = nullptr) {
    CaseSubject subj;
    subj.branch = branch;
    subj.title = std::string("事项") + date;
    auto r = (via ? via : engine.get())->start("toy", subj, StepInput{"open", *Date::parse(date), {}, "", "", "t"});
    if (!r) throw std::runtime_error(r.error().message.en);
    return r->c.id;
  }

  std::int64_t add_channel(Channel c) {
    c.created_at = clock.now();
    if (c.name.empty()) c.name = c.type;
    auto id = store->insert_channel(c);
    if (!id) throw std::runtime_error(id.error().message.en);
    return id.value();
  }

  std::string file_channel(const std::string& name = "file") {
    Channel c;
    c.type = "file";
    c.name = name;
    c.target = (dir.path() / (name + ".jsonl")).string();
    add_channel(c);
    return c.target;
  }

  static std::vector<nlohmann::json> lines(const std::string& path) {
    std::vector<nlohmann::json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  // Runs the daemon in 5 ms slices until `pred` holds or `limit` of real time passed.
  template <class Pred>
  static bool run_until(rt::Daemon& d, Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > end) return false;
      d.run_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // Tests assert on behaviour, not on log lines: log to nowhere (DJFLOW_TEST_LOG=1 to see them).
  static std::shared_ptr<spdlog::logger> quiet_logger() {
    if (std::getenv("DJFLOW_TEST_LOG")) return spdlog::default_logger();
    static auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    return log;
  }

  std::map<std::string, std::int64_t> counts() { return store->delivery_counts().value(); }
};

}  // namespace djflow::testing
