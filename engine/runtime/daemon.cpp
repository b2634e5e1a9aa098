#include "engine/runtime/daemon.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <iostream>
#include <map>
#include <optional>
#include <random>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <spdlog/spdlog.h>

#include "engine/runtime/lease.hpp"
#include "engine/runtime/sender.hpp"
#include "engine/utf8.hpp"

namespace djflow::engine::runtime {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using namespace std::chrono_literals;

namespace {
constexpr auto tuple_awaitable = asio::as_tuple(use_awaitable);
}  // namespace

struct Daemon::Impl {
  Impl(Engine& e, const Clock& r, DaemonOptions o, std::shared_ptr<spdlog::logger> l)
      : engine(e),
        store(e.store()),
        clock(e.clock()),
        real(r),
        opt(std::move(o)),
        log(std::move(l)),
        router(store, clock, e.zone()) {
    if (!log) log = spdlog::default_logger();
    if (!opt.random) {
      auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
      opt.random = [rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(*rng); };
    }
    if (!opt.console) opt.console = &std::cout;
    owner = opt.owner.empty() ? random_owner_id() : opt.owner;
    if (opt.speed <= 0) opt.speed = 1.0;
  }

  ~Impl() {
    if (holds_lease) static_cast<void>(release_lease(store, owner));
  }

  Engine& engine;
  Store& store;
  const Clock& clock;
  const Clock& real;
  DaemonOptions opt;
  std::shared_ptr<spdlog::logger> log;
  Router router;

  asio::io_context ioc{1};
  asio::ssl::context ssl{asio::ssl::context::tls_client};
  asio::steady_timer sched_timer{ioc};
  asio::steady_timer disp_timer{ioc};
  std::optional<asio::signal_set> signals;
  std::optional<asio::posix::stream_descriptor> wake_sd;  // opt.wake_fd (a dup: ours to close)
  bool woken = false;                                    // a wake-up arrived: re-plan now
  std::chrono::steady_clock::time_point next_poll{};     // the next change_token read (the timers' clock)
  std::optional<asio::steady_timer> force_timer;  // armed when a loop threw
  std::vector<std::function<void()>> stop_hooks;  // the web server beside the loops (on_stop)

  std::string owner;
  Lease lease;
  bool holds_lease = false;
  bool started = false;
  bool stopping = false;
  int loops = 0;
  bool done = false;
  Status result;
  DaemonStats stats;
  TimePoint next_heartbeat{};
  std::map<std::int64_t, std::deque<TimePoint>> sent;  // rate limiter: real send times
  std::optional<Date> anchored_on;                      // business day of the last daily anchor

  // --- time ------------------------------------------------------------------------------------

  // Real time to wait until engine instant `t`, capped.
  std::chrono::microseconds real_until(TimePoint t) const {
    const auto engine_left = PreciseTimePoint(t) - clock.now_precise();
    if (engine_left.count() <= 0) return 0us;
    const auto real_left = std::chrono::duration<double, std::micro>(engine_left) / opt.speed;
    const auto capped = std::min<double>(real_left.count(), static_cast<double>(std::chrono::microseconds(opt.max_wait).count()));
    return std::chrono::microseconds(static_cast<std::int64_t>(capped) + 1);
  }

  std::chrono::microseconds base_wait() const {
    return std::chrono::microseconds(std::min(opt.max_wait, opt.poll));
  }

  // --- lifecycle -------------------------------------------------------------------------------

  void begin_stop(const char* why) {
    if (stopping) return;
    stopping = true;
    log->info("stopping ({}): finishing the work in flight", why);
    sched_timer.cancel();
    disp_timer.cancel();
    stop_watching_wakes();
    for (auto& hook : stop_hooks) hook();
  }

  // --- wake-ups from other processes (PostgreSQL NOTIFY) ------------------------------------------

  void watch_wakes() {
    wake_sd->async_wait(asio::posix::descriptor_base::wait_read, [this](const boost::system::error_code& ec) {
      if (ec || stopping || !wake_sd) return;
      auto r = opt.wake_drain();
      if (!r) {
        log->warn("notifications from other processes are lost ({}): looking for their changes every {} ms",
                  r.error().message.en, opt.poll.count());
        stop_watching_wakes();
        return;
      }
      if (r.value()) {
        log->debug("woken by another process: re-planning");
        woken = true;
        sched_timer.cancel();
        disp_timer.cancel();
      }
      watch_wakes();
    });
  }

  void stop_watching_wakes() {
    if (!wake_sd) return;
    boost::system::error_code ec;
    wake_sd->close(ec);
    wake_sd.reset();
  }

  // The io_context stops after `grace` unless both loops have finished by then.
  void force_stop_after(std::chrono::milliseconds grace) {
    if (force_timer) return;
    force_timer.emplace(ioc, grace);
    force_timer->async_wait([this](const boost::system::error_code& ec) {
      if (ec || done) return;
      log->error("the loops did not finish within the grace period: stopping now");
      ioc.stop();
    });
  }

  void loop_exited() {
    if (--loops > 0) return;
    if (holds_lease) {
      if (auto s = release_lease(store, owner); !s) log->warn("could not release the lease: {}", s.error().message.en);
      holds_lease = false;
    }
    if (signals) {
      boost::system::error_code ec;
      signals->cancel(ec);
    }
    stop_watching_wakes();
    if (force_timer) force_timer->cancel();
    done = true;
    log->info("stopped: {} fired, {} delivered, {} failed attempts, {} dead", stats.fired, stats.delivered,
              stats.failed, stats.dead);
  }

  void wait_signal() {
    signals->async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (stopping) {
        log->warn("second signal {}: stopping now", sig);
        ioc.stop();
        return;
      }
      begin_stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
      wait_signal();
    });
  }

  void heartbeat_if_due() {
    if (!holds_lease && !opt.exclusive_lease && real.now() >= next_heartbeat) {
      // A shared database: take the lease over once its holder's has expired.
      next_heartbeat = real.now() + opt.heartbeat;
      if (auto l = acquire_lease(store, real, owner, opt.lease_ttl); l.ok()) {
        lease = l.value();
        holds_lease = true;
        log->info("took the lease over (owner {})", owner);
      }
      return;
    }
    if (!holds_lease || real.now() < next_heartbeat) return;
    auto s = renew_lease(store, real, owner, opt.lease_ttl);
    if (!s) {
      if (s.error().code == ErrorCode::Conflict && !opt.exclusive_lease) {
        // A shared database (PostgreSQL): the lease only names one live daemon for `status`, and
        // another took it over (ours looked expired to it). Serve on alongside, as a daemon that
        // started second does, and take it back once it is free.
        log->warn("{}: serving alongside it", s.error().message.en);
        holds_lease = false;
        next_heartbeat = real.now() + opt.heartbeat;
        return;
      }
      if (s.error().code == ErrorCode::Conflict) {
        log->error("{}", s.error().message.en);
        holds_lease = false;
        result = s.error();
        begin_stop("lease lost");
        return;
      }
      log->warn("lease renewal failed (will retry): {}", s.error().message.en);
      next_heartbeat = real.now() + 1s;
      return;
    }
    next_heartbeat = real.now() + opt.heartbeat;
  }

  std::chrono::microseconds until_poll() const {
    const auto left = next_poll - std::chrono::steady_clock::now();
    return left.count() <= 0 ? 0us : std::chrono::duration_cast<std::chrono::microseconds>(left);
  }

  std::chrono::microseconds until_heartbeat() const {
    const auto left = next_heartbeat - real.now();
    return left.count() <= 0 ? 0us : std::chrono::microseconds(left);
  }

  // --- scheduler ---------------------------------------------------------------------------------

  awaitable<void> scheduler_loop() {
    std::optional<std::int64_t> version;
    std::optional<TimePoint> next_due;
    bool check = true;
    while (!stopping) {
      heartbeat_if_due();
      if (stopping) break;
      co_await anchor_if_due();  // cheap unless the business day changed
      // Other processes' commits: a wake-up says so at once (PostgreSQL); the change token is
      // read at every poll period (and after a wake-up, so that the next poll does not re-plan).
      const bool poll_due = std::chrono::steady_clock::now() >= next_poll;
      if (woken) {
        woken = false;
        check = true;
      }
      if (poll_due || check) {
        if (poll_due) next_poll = std::chrono::steady_clock::now() + opt.poll;
        if (auto v = store.change_token(); v.ok() && version != v.value()) {
          if (version) log->debug("another process committed (change token {}): re-arming", v.value());
          version = v.value();
          check = true;
        }
      }
      bool stuck = false;
      if (check || (next_due && clock.now() >= *next_due)) {
        check = false;
        std::size_t fired_now = 0;
        while (!stopping) {
          auto batch = engine.tick(opt.batch);
          if (!batch) {
            log->warn("tick failed (will retry): {}", batch.error().message.en);
            check = true;
            break;
          }
          if (batch.value().empty()) break;
          for (const auto& n : batch.value()) {
            log->info("timer fired key={} case=#{} kind={} due={} days_left={} notification={}", n.key, n.case_id,
                      n.kind, n.due.iso(), n.days_left, n.id);
          }
          fired_now += batch.value().size();
          stats.fired += batch.value().size();
          disp_timer.cancel();  // wake the dispatcher
          heartbeat_if_due();
          co_await asio::post(ioc, use_awaitable);  // let the dispatcher and the CLI in
        }
        auto nx = store.next_timer_at();
        if (!nx) {
          log->warn("next_timer_at failed (will retry): {}", nx.error().message.en);
          check = true;
        } else {
          next_due = nx.value();
          if (next_due) log->debug("next reminder at {}", format_utc(*next_due));
          else log->debug("no reminder pending");
          stuck = fired_now == 0 && next_due && *next_due <= clock.now();
        }
      }
      auto wait = std::min({std::chrono::microseconds(opt.max_wait), until_poll(), until_heartbeat()});
      if (next_due && !stuck) wait = std::min(wait, real_until(*next_due));
      sched_timer.expires_after(wait);
      co_await sched_timer.async_wait(tuple_awaitable);
    }
  }

  // --- daily anchor (issue 7) -------------------------------------------------------------------

  // Once per business day the daemon serves, when the setting anchor.channel names an active
  // channel: the anchor of today's history is appended to the anchors file and posted there.
  awaitable<void> anchor_if_due() {
    const Date today = engine.today();
    if (anchored_on == today || !holds_lease) co_return;  // shared database: the holder posts it
    anchored_on = today;  // the setting is read once a day: set it, and tomorrow's anchor is posted
    auto name = store.setting(kSettingAnchorChannel);
    if (!name.ok() || !name.value() || name.value()->empty()) co_return;
    auto a = engine.anchor();
    if (!a) {
      log->warn("anchor failed: {}", a.error().message.en);
      co_return;
    }
    if (!opt.anchor_file.empty())
      if (auto s = append_anchor(opt.anchor_file, a.value()); !s) log->warn("{}", s.error().message.en);
    auto ch = store.find_channel(*name.value());
    if (!ch.ok() || !ch.value()) {
      log->warn("anchor.channel {} is not an active channel: anchor {} not posted", *name.value(), a->root);
      co_return;
    }
    Notification n;
    n.key = "anchor:" + today.iso();
    n.workflow = n.kind = "anchor";
    n.due = today;
    n.created_at = clock.now();
    const std::string counts = std::to_string(a->cases) + " / " + std::to_string(a->events) + " / " +
                               std::to_string(a->entity_events);
    n.text = {"【办理记录存证】" + today.iso() + " 摘要 " + a->root + "（事项/记录/实体记录 " + counts + "）",
              "[history anchor] " + today.iso() + " root " + a->root + " (cases/events/entity events " + counts + ")"};
    Message m;
    m.items.push_back(std::move(n));
    m.lang = ch.value()->lang;
    m.channel = ch.value()->name;
    m.at = clock.now();
    const Channel c = *ch.value();
    const std::string root = a->root;
    std::vector<Message> batch;
    batch.push_back(std::move(m));
    SendContext ctx{&ssl, opt.console, &real};
    const Status st = co_await send_messages(ctx, c, std::move(batch));
    if (st.ok()) log->info("anchor posted channel={} root={}", c.name, root);
    else log->warn("anchor not posted channel={}: {}", c.name, st.error().message.en);
  }

  // --- dispatcher --------------------------------------------------------------------------------

  bool rate_ok(const Channel& c, std::optional<TimePoint>& wake) {
    if (c.rate_per_minute <= 0) return true;
    auto& q = sent[c.id];
    const TimePoint now = real.now();
    while (!q.empty() && q.front() + 60s <= now) q.pop_front();
    if (static_cast<int>(q.size()) < c.rate_per_minute) return true;
    const TimePoint w = q.front() + 60s;
    if (!wake || w < *wake) wake = w;
    return false;
  }

  // Writes each row's outcome (set by `update` on a copy of the row as read) in one transaction.
  // The update is conditional: a row that changed meanwhile (`notify remove`, `outbox retry`) is
  // left as the other command wrote it.
  template <class Update>
  Status record_outcomes(const std::vector<DeliveryRow>& rows, Update&& update) {
    WriteTransaction tx(store);
    DJFLOW_TRY(tx.begin());
    for (const auto& r : rows) {
      Delivery d = r.d;
      update(d);
      if (auto s = store.update_delivery(d, r.d); !s) {
        if (s.error().code != ErrorCode::Conflict) return s;
        log->info("delivery {} changed while it was being sent: its new state is kept", r.d.id);
      }
    }
    return tx.commit();
  }

  // Dead-letters the rows whose notification cannot be rendered (text that is not UTF-8, stored
  // behind djflow's back), so that they never stop delivery for the others; returns the rest.
  std::vector<DeliveryRow> drop_unrenderable(const Channel& c, std::vector<DeliveryRow> rows) {
    std::vector<DeliveryRow> ok, bad;
    for (auto& r : rows) {
      const Notification& n = r.n;
      const bool renders = utf8::valid(n.key) && utf8::valid(n.kind) && utf8::valid(n.workflow) &&
                           utf8::valid(n.branch) && utf8::valid(n.text.zh) && utf8::valid(n.text.en);
      (renders ? ok : bad).push_back(std::move(r));
    }
    if (bad.empty()) return ok;
    const std::string reason = "cannot render: the notification's text is not valid UTF-8";
    const Status s = record_outcomes(bad, [&](Delivery& d) {
      d.attempts += 1;
      d.status = DeliveryStatus::Dead;
      d.last_error = reason;
    });
    if (!s) {
      log->error("could not dead-letter {} unrenderable deliveries on channel={}: {}", bad.size(), c.name,
                 s.error().message.en);
      return ok;  // they stay pending and are tried (and dropped) again on the next pass
    }
    stats.dead += bad.size();
    for (const auto& r : bad)
      log->error("delivery dead channel={} notification={} delivery={}: {}", c.name, r.n.id, r.d.id, reason);
    return ok;
  }

  awaitable<void> deliver(const Channel& c, std::vector<DeliveryRow> rows,
                          const std::map<std::string, std::string>& branch_names) {
    rows = drop_unrenderable(c, std::move(rows));
    if (rows.empty()) co_return;
    const TimePoint now = clock.now();
    std::vector<Message> batch;
    if (!c.digest.empty()) {
      Message m;
      m.digest = true;
      m.digest_date = engine.zone().local_date(now);
      m.lang = c.lang;
      m.channel = c.name;
      m.at = now;
      m.branch_names = branch_names;
      for (const auto& r : rows) m.items.push_back(r.n);
      batch.push_back(std::move(m));
    } else {
      for (const auto& r : rows) {
        Message m;
        m.items.push_back(r.n);
        m.lang = c.lang;
        m.channel = c.name;
        m.at = now;
        batch.push_back(std::move(m));
      }
    }
    int attempt = 0;
    for (const auto& r : rows) attempt = std::max(attempt, r.d.attempts + 1);
    std::string keys;
    for (const auto& r : rows) keys += (keys.empty() ? "" : ",") + r.n.key;
    if (rows.size() > 3) keys = rows.front().n.key + ",... (" + std::to_string(rows.size()) + " keys)";
    SendContext ctx{&ssl, opt.console, &real};
    // A message that cannot be rendered or sent (an exception, not a refusal by the receiver) is
    // dead-lettered at once with the reason: retrying would fail the same way (docs/daemon.md).
    Status st;
    bool permanent = false;
    try {
      st = co_await send_messages(ctx, c, std::move(batch));
    } catch (const std::exception& e) {
      st = Error::storage(std::string("cannot render or send: ") + e.what());
      permanent = true;
    }
    // The reason is stored and logged: never with the channel's secrets (a server may echo them).
    const std::string reason = st.ok() ? std::string() : redact_secrets(st.error().message.en, c);
    if (c.rate_per_minute > 0) sent[c.id].push_back(real.now());
    const TimePoint after = clock.now();

    int went_dead = 0;
    std::chrono::seconds delay{0};
    if (!st.ok() && !permanent) delay = backoff_delay(opt.backoff, attempt, opt.random());
    const Status rs = record_outcomes(rows, [&](Delivery& d) {
      d.attempts += 1;
      if (st.ok()) {
        d.status = DeliveryStatus::Delivered;
        d.delivered_at = after;
        d.last_error.clear();
      } else {
        d.last_error = reason;
        if (permanent || d.attempts >= c.max_attempts) {
          d.status = DeliveryStatus::Dead;
          ++went_dead;
        } else {
          d.next_attempt_at = after + delay;
        }
      }
    });
    if (!rs) {
      // Sent but not recorded: it will be sent again (at least once; receivers drop it by key).
      log->error("delivery outcome not recorded channel={} keys={}: {}", c.name, keys, rs.error().message.en);
      co_return;
    }
    if (st.ok()) {
      stats.delivered += rows.size();
      log->info("delivered channel={} keys={} attempt={}", c.name, keys, attempt);
    } else {
      stats.failed += 1;
      stats.dead += static_cast<std::size_t>(went_dead);
      if (went_dead > 0) {
        log->error("delivery dead channel={} keys={} attempt={}/{}: {}", c.name, keys, attempt, c.max_attempts, reason);
      } else {
        log->warn("delivery failed channel={} keys={} attempt={}/{} retry_in={}s: {}", c.name, keys, attempt,
                  c.max_attempts, delay.count(), reason);
      }
    }
  }

  awaitable<void> dispatcher_loop() {
    while (!stopping) {
      // Route what tick (ours or another process's) wrote since the last pass: one bounded batch
      // per pass, so that delivery runs alongside a long catch-up instead of after it.
      bool progressed = false;
      if (auto r = router.route_batch(opt.batch); !r) {
        log->warn("routing failed (will retry): {}", r.error().message.en);
      } else if (r.value() > 0) {
        stats.routed += r.value();
        progressed = true;
        co_await asio::post(ioc, use_awaitable);
      }
      std::optional<TimePoint> rate_wake;
      auto rows = store.due_deliveries(clock.now(), opt.delivery_batch);
      if (!rows) log->warn("reading the outbox failed (will retry): {}", rows.error().message.en);
      if (rows.ok() && !rows.value().empty()) {
        std::map<std::int64_t, Channel> channels;
        if (auto cs = store.list_channels(false); cs.ok()) {
          for (auto& c : cs.value()) channels.emplace(c.id, std::move(c));
        }
        std::map<std::string, std::string> names;
        if (auto bs = store.list_branches(); bs.ok()) {
          for (const auto& b : bs.value()) names[b.code] = b.name;
        }
        std::vector<std::pair<std::int64_t, std::vector<DeliveryRow>>> groups;
        for (auto& r : rows.value()) {
          auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == r.d.channel_id; });
          if (it == groups.end()) {
            groups.emplace_back(r.d.channel_id, std::vector<DeliveryRow>{});
            it = std::prev(groups.end());
          }
          it->second.push_back(std::move(r));
        }
        for (auto& [channel_id, list] : groups) {
          if (stopping) break;
          const auto cit = channels.find(channel_id);
          if (cit == channels.end()) continue;
          const Channel& c = cit->second;
          std::vector<std::vector<DeliveryRow>> units;
          if (!c.digest.empty() || c.type == "file") {
            units.push_back(std::move(list));
          } else {
            for (auto& r : list) units.push_back({std::move(r)});
          }
          for (auto& unit : units) {
            if (stopping) break;
            if (!rate_ok(c, rate_wake)) {
              log->debug("channel {} is at its rate limit ({}/min): waiting", c.name, c.rate_per_minute);
              break;
            }
            co_await deliver(c, std::move(unit), names);
            progressed = true;
          }
        }
      }
      if (stopping) break;
      if (progressed) continue;
      auto wait = base_wait();
      if (rate_wake) {
        const auto left = *rate_wake - real.now();
        wait = std::min<std::chrono::microseconds>(wait, left.count() > 0 ? std::chrono::microseconds(left) : 0us);
      } else if (auto nx = store.next_delivery_at(); nx.ok() && nx.value()) {
        wait = std::min(wait, real_until(*nx.value()));
      }
      disp_timer.expires_after(wait);
      co_await disp_timer.async_wait(tuple_awaitable);
    }
    // Stopping: what the scheduler fired before the stop is routed now (routing only writes the
    // outbox rows; nothing is sent), so that a stop between a tick and the next routing pass does
    // not leave fired notifications unrouted until the next start. Delivery waits for that start.
    for (int pass = 0; pass < 100; ++pass) {
      auto r = router.route_batch(opt.batch);
      if (!r) {
        log->warn("routing at stop failed (the next start routes it): {}", r.error().message.en);
        break;
      }
      if (r.value() == 0) break;
      stats.routed += r.value();
    }
  }

  Status start() {
    if (started) return {};
    DJFLOW_TRY(configure_tls(ssl, opt.ca_file));  // a bad --ca-file refuses before the lease is taken
    auto l = acquire_lease(store, real, owner, opt.lease_ttl);
    if (l) {
      lease = l.value();
      holds_lease = true;
    } else if (!opt.exclusive_lease && l.error().code == ErrorCode::Conflict) {
      lease.owner = owner;  // not the holder: serving alongside it
      lease.pid = ::getpid();
      log->info("another daemon holds the lease: serving alongside it (shared database)");
    } else {
      return l.error();
    }
    next_heartbeat = real.now() + opt.heartbeat;
    started = true;
    ::signal(SIGPIPE, SIG_IGN);
    if (opt.handle_signals) {
      signals.emplace(ioc, SIGINT, SIGTERM);
      wait_signal();
    }
    if (opt.wake_fd >= 0 && opt.wake_drain) {
      const int fd = ::dup(opt.wake_fd);
      if (fd >= 0) {
        wake_sd.emplace(ioc, fd);
        watch_wakes();
      } else {
        log->warn("cannot watch for other processes' notifications: polling every {} ms", opt.poll.count());
      }
    }
    log->info("serving (pid {}, owner {}); clock {}{}", lease.pid, owner, format_utc(clock.now()),
              opt.speed != 1.0 ? fmt::format(" x{}", opt.speed) : std::string());
    loops = 2;
    // Runs when a loop ends, normally or by an exception. An exception stops the whole daemon:
    // the other loop is told to stop, and if it has not finished within a second the io_context
    // is stopped, so that run() returns an error (serve exits non-zero and systemd restarts it)
    // instead of waiting for a signal forever.
    auto on_exit = [this](std::exception_ptr e) {
      if (e) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          what = ex.what();
        } catch (...) {
        }
        log->error("internal error: {}", what);
        if (result.ok()) result = Error::storage(std::string("internal error: ") + what);
        begin_stop("internal error");
        force_stop_after(1s);
      }
      loop_exited();
    };
    asio::co_spawn(ioc, scheduler_loop(), on_exit);
    asio::co_spawn(ioc, dispatcher_loop(), on_exit);
    return {};
  }
};

Daemon::Daemon(Engine& engine, const Clock& real, DaemonOptions options, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_unique<Impl>(engine, real, std::move(options), std::move(log))) {}

Daemon::~Daemon() = default;

Status Daemon::start() { return impl_->start(); }

void Daemon::run_for(std::chrono::milliseconds real) {
  if (impl_->ioc.stopped()) impl_->ioc.restart();
  impl_->ioc.run_for(real);
}

Status Daemon::run() {
  DJFLOW_TRY(impl_->start());
  if (impl_->ioc.stopped()) impl_->ioc.restart();
  impl_->ioc.run();
  return impl_->result;
}

void Daemon::stop() {
  asio::post(impl_->ioc, [impl = impl_.get()] {
    if (impl->stopping) {
      impl->ioc.stop();
      return;
    }
    impl->begin_stop("stop requested");
  });
}

bool Daemon::finished() const { return impl_->done; }
void* Daemon::io_context() { return &impl_->ioc; }
void Daemon::on_stop(std::function<void()> hook) { impl_->stop_hooks.push_back(std::move(hook)); }
const DaemonStats& Daemon::stats() const { return impl_->stats; }
const Lease& Daemon::lease() const { return impl_->lease; }

Status deliver_now(const Channel& c, const Message& m, const Clock& real, std::ostream& console,
                   const std::string& ca_file) {
  asio::io_context ioc{1};
  asio::ssl::context ssl{asio::ssl::context::tls_client};
  ::signal(SIGPIPE, SIG_IGN);
  DJFLOW_TRY(configure_tls(ssl, ca_file));
  Status out = Error::storage("not sent");
  SendContext ctx{&ssl, &console, &real};
  asio::co_spawn(ioc, send_messages(ctx, c, {m}), [&](std::exception_ptr e, Status s) {
    out = e ? Status(Error::storage("internal error")) : std::move(s);
  });
  ioc.run();
  return out;
}

}  // namespace djflow::engine::runtime
