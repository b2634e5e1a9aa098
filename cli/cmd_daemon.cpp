// The daemon's commands: serve (the reminder daemon) and status (is it running, what is waiting).
// Loggers are created here, in the composition root, and passed to the runtime.
#include <unistd.h>

#include <iostream>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/app.hpp"
#include "storage/open_store.hpp"
#include "storage/wake.hpp"
#include "cli/health.hpp"
#include "cli/private_file.hpp"
#include "cli/web_app.hpp"
#include "engine/runtime/daemon.hpp"
#include "engine/runtime/http_server.hpp"
#include "engine/runtime/lease.hpp"

namespace djflow::cli {

using engine::Error;

namespace {

std::shared_ptr<spdlog::logger> make_logger(const std::string& file, bool verbose) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (!file.empty()) sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file));
  auto log = std::make_shared<spdlog::logger>("daemon", sinks.begin(), sinks.end());
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  log->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  log->flush_on(spdlog::level::info);
  return log;
}

}  // namespace

void register_daemon_commands(CLI::App& app, Cli& cli) {
  // --- serve ----------------------------------------------------------------------------------
  {
    struct ServeArgs {
      double speed = 1.0;
      bool verbose = false;
      std::string log_file;
      std::size_t batch = 1000;
      double poll = 0;  // seconds; 0: the default (1 s on SQLite, 10 s when woken by notifications)
      std::string ca_file;
      std::string http, tls_cert, tls_key;  // issue 11: the web beside the reminders
    };
    auto a = std::make_shared<ServeArgs>();
    auto* cmd = app.add_subcommand(
        "serve",
        tr(cli.lang,
           "运行提醒服务：每条提醒到点发出，送到各发送渠道。\n"
           "一个数据库只能运行一个提醒服务：前一个在运行时，再次启动会被拒绝（退出码 4）；\n"
           "意外退出的服务 15 秒后自动让出（同一台机器上立即让出）。\n"
           "--now 某时 --speed N：从 --now 起按 N 倍速模拟运行（用于演示和测试）。",
           "run the reminder daemon: fire every reminder at its time and deliver it to the channels.\n"
           "One daemon per database: a second serve refuses to start (exit 4) while the first holds\n"
           "its lease; a crashed daemon's lease expires after 15 s (at once on the same host).\n"
           "--now DATETIME --speed N runs on a simulated clock starting at --now, N times faster."));
    cmd->add_option("--speed", a->speed, tr(cli.lang, "模拟时钟的倍速（与 --now 同用；默认 1）", "simulated clock speed (with --now; default 1)"))->check(CLI::PositiveNumber);
    cmd->add_flag("-v,--verbose", a->verbose, tr(cli.lang, "输出详细日志", "debug logging"));
    cmd->add_option("--log-file", a->log_file, tr(cli.lang, "日志同时写入该文件", "also log to this file"));
    cmd->add_option("--batch", a->batch, tr(cli.lang, "每批处理的期限条数（默认 1000）", "deadlines per tick transaction (default 1000)"))->check(CLI::PositiveNumber);
    cmd->add_option("--poll", a->poll,
                    tr(cli.lang,
                       "最长每隔多少秒查看一次其他进程写入的变化（默认 1 秒；PostgreSQL 数据库上其他进程写入后会立即通知，默认 10 秒）",
                       "look for changes written by other processes at least every N seconds (default 1; on "
                       "PostgreSQL, where they notify the daemon at once, 10)"))
        ->check(CLI::PositiveNumber);
    cmd->add_option("--ca-file", a->ca_file, tr(cli.lang, "额外信任的 CA 证书（PEM 格式），用于 https 机器人地址", "extra CA certificates (PEM) for https webhooks"));
    cmd->add_option("--http", a->http, tr(cli.lang, "同时在此 地址:端口 提供网页工作台和数据接口（如 127.0.0.1:8080）",
                                          "also serve the web workbench and the API on ADDRESS:PORT (e.g. 127.0.0.1:8080)"));
    cmd->add_option("--tls-cert", a->tls_cert, tr(cli.lang, "网页的 HTTPS 证书（PEM）", "HTTPS certificate of the web (PEM)"));
    cmd->add_option("--tls-key", a->tls_key, tr(cli.lang, "网页的 HTTPS 私钥（PEM）", "HTTPS private key of the web (PEM)"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        engine::runtime::HttpOptions web_options;
        if (!a->http.empty())
          if (auto s = listen_options(a->http, a->tls_cert, a->tls_key, web_options); !s) return cli.fail(s.error());
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        std::shared_ptr<spdlog::logger> log;
        // The log names members and cases: 0600 before spdlog opens it for appending.
        if (!a->log_file.empty())
          if (auto s = make_private_file(a->log_file); !s) return cli.fail(s.error());
        try {
          log = make_logger(a->log_file, a->verbose);
        } catch (const spdlog::spdlog_ex& e) {
          return cli.fail(Error::invalid({std::string("无法打开日志文件：") + e.what(),
                                          std::string("cannot open the log file: ") + e.what()}));
        }
        if (auto s = check_pages(cli); !s) {  // damaged pages: refuse (exit 4), and say so in the log
          log->error("{}", s.error().message.en);
          return cli.fail(s.error());
        }
        engine::SystemClock real;
        std::unique_ptr<engine::Clock> clock;
        if (!cli.now_text.empty()) {
          clock = std::make_unique<engine::SimulatedClock>(cli.clock->now(), a->speed);
        } else if (a->speed != 1.0) {
          clock = std::make_unique<engine::SimulatedClock>(real.now(), a->speed);
        }
        const engine::Clock& use = clock ? *clock : static_cast<const engine::Clock&>(real);
        cli.store->set_change_context(&use, cli.actor);  // entity events on the daemon's clock
        engine::Engine eng(*cli.store, use, *cli.workflows);
        if (auto s = eng.load(); !s) return cli.fail(s.error());
        engine::runtime::DaemonOptions o;
        o.speed = clock ? a->speed : 1.0;
        o.batch = a->batch;
        o.console = cli.out;
        o.ca_file = a->ca_file;
        // PostgreSQL: several daemons share the database (decision 0120), and a URL has no file to
        // keep the daily anchors beside (they are still posted to anchor.channel).
        const bool shared = storage::is_postgres(cli.db);
        o.exclusive_lease = !shared;
        o.anchor_file = shared ? "" : cli.db + ".anchors";  // daily anchors (anchor.channel), as `djflow anchor`
        // PostgreSQL: other processes' steps wake the daemon (LISTEN/NOTIFY); the poll is a fallback.
        auto wake = storage::listen_for_wakes(cli.db);
        if (!wake) return cli.fail(wake.error());
        if (*wake) {
          o.wake_fd = (*wake)->fd();
          o.wake_drain = [w = wake->get()] { return w->drain(); };
          o.poll = std::chrono::seconds(10);
        }
        if (a->poll > 0) o.poll = std::chrono::milliseconds(static_cast<std::int64_t>(a->poll * 1000));
        o.max_wait = std::max(o.max_wait, o.poll);
        engine::runtime::Daemon daemon(eng, real, o, log);
        // The web on the daemon's own loop (decision 0100): the reminders and every request on
        // the loop's thread and store; steps without an Idempotency-Key on the server's worker
        // thread with their own connection (decision 0134).
        StepWriter steps;
        std::unique_ptr<WebApp> web;
        std::unique_ptr<engine::runtime::HttpServer> http;
        if (!a->http.empty()) {
          if (auto s = daemon.start(); !s) return cli.fail(s.error());  // the lease first
          auto w = open_step_writer(cli.db, use, *cli.workflows, cli.actor);
          if (!w) {
            daemon.stop();
            static_cast<void>(daemon.run());
            return cli.fail(w.error());
          }
          steps = std::move(w.value());
          web_options.worker = true;
          WebContext ctx{eng, *cli.store, *cli.workflows, real, use, !a->tls_cert.empty(), cli.actor};
          ctx.step_engine = steps.engine.get();
          ctx.step_store = steps.store.get();
          web = std::make_unique<WebApp>(ctx);
          keep_freed_heap();
          http = std::make_unique<engine::runtime::HttpServer>(
              web_options, [w = web.get()](const engine::runtime::HttpRequest& q) { return w->handle(q); }, log);
          if (auto s = http->start_on(daemon); !s) {
            daemon.stop();
            static_cast<void>(daemon.run());
            return cli.fail(s.error());
          }
          log->info("web workbench on {}", listen_url(*http, a->http));
        }
        auto s = daemon.run();
        if (!s) return cli.fail(s.error());
        return 0;
      };
    });
  }

  // --- status ---------------------------------------------------------------------------------
  {
    auto* cmd = app.add_subcommand("status", tr(cli.lang, "运行情况：提醒服务是否在运行、下一条提醒、待发和发送失败的消息、逾期期限", "is a daemon running, the next reminder, the outbox, overdue deadlines"));
    cmd->callback([&cli] {
      cli.action = [&cli]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto& store = *cli.store;
        engine::SystemClock real;
        auto lease = store.find_lease();
        if (!lease) return cli.fail(lease.error());
        const bool running = lease.value() && engine::runtime::lease_alive(*lease.value(), real.now());
        auto next = store.next_timer_at();
        if (!next) return cli.fail(next.error());
        auto counts = store.delivery_counts();
        if (!counts) return cli.fail(counts.error());
        auto cursor = store.routed_through();
        if (!cursor) return cli.fail(cursor.error());
        auto unrouted = store.notifications_since(cursor.value(), 0);
        if (!unrouted) return cli.fail(unrouted.error());
        auto overdue = cli.engine->due(std::nullopt, true);
        if (!overdue) return cli.fail(overdue.error());
        // Overdue deadlines by age (days overdue).
        const std::vector<std::pair<int, std::string>> buckets{{7, "1-7"}, {30, "8-30"}, {90, "31-90"}, {1 << 30, "90+"}};
        std::map<std::string, int> by_age;
        for (const auto& b : buckets) by_age[b.second] = 0;
        for (const auto& it : overdue.value()) {
          for (const auto& b : buckets) {
            if (-it.days_left <= b.first) {
              ++by_age[b.second];
              break;
            }
          }
        }
        const Lang l = cli.lang;
        const auto& z = cli.engine->zone();
        if (cli.json) {
          Json d = {{"running", running}};
          if (lease.value()) {
            const auto& le = *lease.value();
            d["pid"] = le.pid;
            d["host"] = le.host;
            d["since"] = engine::format_utc(le.started_at);
            d["heartbeat"] = engine::format_utc(le.heartbeat_at);
            d["lease_expires"] = engine::format_utc(le.expires_at);
          }
          Json age = Json::object();
          for (const auto& b : buckets) age[b.second] = by_age[b.second];
          cli.print_json({{"daemon", d},
                          {"next_reminder", next.value() ? Json(engine::format_utc(*next.value())) : Json(nullptr)},
                          {"notifications", {{"unrouted", unrouted.value().size()},
                                             {"pending", counts.value()["pending"]},
                                             {"delivered", counts.value()["delivered"]},
                                             {"dead", counts.value()["dead"]}}},
                          {"overdue", {{"total", overdue.value().size()}, {"by_days", age}}}});
          return 0;
        }
        auto& out = *cli.out;
        if (running) {
          const auto& le = *lease.value();
          out << tr(l, "提醒服务：运行中（进程号 ", "daemon: running (pid ") << le.pid << "@" << le.host
              << tr(l, "，自 ", ", since ") << z.local_datetime(le.started_at) << tr(l, " 起）\n", ")\n");
        } else {
          out << tr(l, "提醒服务：未运行\n", "daemon: not running\n");
        }
        out << tr(l, "下一个提醒：", "next reminder: ")
            << (next.value() ? z.local_datetime(*next.value()) : tr(l, "无", "none")) << "\n";
        out << tr(l, "提醒：待分发 ", "notifications: ") << unrouted.value().size() << tr(l, "，待发送 ", " not yet routed, ")
            << counts.value()["pending"] << tr(l, "，已送达 ", " waiting, ") << counts.value()["delivered"]
            << tr(l, "，发送失败 ", " delivered, ") << counts.value()["dead"] << tr(l, "\n", " dead\n");
        out << tr(l, "逾期期限：", "overdue deadlines: ") << overdue.value().size();
        if (!overdue.value().empty()) {
          out << " (";
          bool first = true;
          for (const auto& b : buckets) {
            out << (first ? "" : ", ") << b.second << tr(l, " 天：", " days: ") << by_age[b.second];
            first = false;
          }
          out << ")";
        }
        out << "\n";
        return 0;
      };
    });
  }
}

}  // namespace djflow::cli
