// djflow::engine::runtime::Daemon: `djflow serve`. One boost::asio::io_context on the calling
// thread runs two loops that share the engine's Store (no transaction spans an await):
//   scheduler:  one timer armed for Store::next_timer_at(), each wait capped (max_wait, real time,
//               so clock jumps and suspends are caught) and cut to `poll` to watch
//               HealthStore::change_token() for other processes' commits; woken at once instead
//               when `wake_fd` is readable (PostgreSQL NOTIFY); on wake Engine::tick in
//               bounded batches (collapse rule, one transaction each), yielding between batches.
//   dispatcher: routes new notifications to matching channels (delivery rows), delivers due rows
//               (digests bundled, per-channel rate limits wait, failures back off with jitter and
//               go dead after max_attempts) and records each outcome in one transaction.
// The database is the only timer and delivery store: memory does not grow with pending rows.
// A lease row keeps a second daemon off the same database (lease.hpp). stop() or SIGINT/SIGTERM:
// no new work, the transaction and delivery in flight finish, the lease is released, run()
// returns; a second signal stops at once. This header includes no Asio (pimpl).
// Thread-safety: everything on the thread that calls start()/run()/run_for(), except stop().
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "engine/delivery.hpp"
#include "engine/engine.hpp"
#include "engine/runtime/message.hpp"
#include "engine/runtime/routing.hpp"

namespace spdlog {
class logger;
}

namespace djflow::engine::runtime {

struct DaemonOptions {
  double speed = 1.0;                          // engine seconds per real second (--speed)
  std::chrono::milliseconds max_wait{30000};   // cap of every wait, real time
  std::chrono::milliseconds poll{1000};        // change_token poll period, real time
  // Wake-ups from other processes (PostgreSQL LISTEN/NOTIFY, storage/wake.hpp): a descriptor
  // that becomes readable when one may have arrived, and what reads it (true: another process
  // changed what is due, re-plan now; an error: stop watching and rely on the poll). -1: none.
  int wake_fd = -1;
  std::function<Result<bool>()> wake_drain;
  std::size_t batch = 1000;                    // deadlines per tick transaction
  std::size_t delivery_batch = 2000;           // due deliveries fetched per pass
  std::chrono::seconds lease_ttl{15};
  // false on a database several daemons share (PostgreSQL: timers and deliveries are claimed
  // with SKIP LOCKED): a daemon that finds the lease held serves alongside its holder, takes the
  // lease over when it expires, and only the holder posts the daily anchor (decision 0120).
  bool exclusive_lease = true;
  std::chrono::seconds heartbeat{5};
  Backoff backoff;
  std::function<double()> random;              // jitter source in [0, 1); default: seeded PRNG
  bool handle_signals = true;                  // SIGINT/SIGTERM -> stop()
  std::ostream* console = nullptr;             // console channel output (default std::cout)
  std::string owner;                           // lease owner id (default random)
  std::string ca_file;                         // extra CA bundle for https webhooks
  std::string anchor_file;                     // daily anchors are appended here ("" = not kept)
};

struct DaemonStats {
  std::size_t fired = 0;      // notifications written by tick
  std::size_t routed = 0;     // notifications routed to channels
  std::size_t delivered = 0;  // delivery rows marked delivered
  std::size_t failed = 0;     // failed attempts
  std::size_t dead = 0;       // rows that went dead
};

class Daemon {
 public:
  // `engine` supplies the Store, the (possibly simulated) clock and the zone; `real` is the
  // wall clock for the lease, rate limits and signatures.
  Daemon(Engine& engine, const Clock& real, DaemonOptions options, std::shared_ptr<spdlog::logger> log);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Takes the lease (Conflict naming the holder otherwise) and starts the loops; does not block.
  Status start();
  // Runs the io_context for at most `real` time (tests).
  void run_for(std::chrono::milliseconds real);
  // start() unless started, then runs until stopped. Returns the reason it stopped (ok after a
  // graceful stop; Conflict when the lease was lost).
  Status run();
  // Graceful stop; callable from any thread. A second call stops at once.
  void stop();
  // Both loops have exited and the lease is released.
  bool finished() const;
  const DaemonStats& stats() const;
  const Lease& lease() const;

  // For HttpServer::start_on (`serve --http`: the web beside the reminders on this loop): the
  // daemon's boost::asio::io_context (opaque here: this header includes no Asio), and a hook the
  // daemon runs on its thread when it begins to stop, so the web stops with it.
  void* io_context();
  void on_stop(std::function<void()> hook);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sends one message to a channel now, outside the daemon (djflow notify test). Blocks until
// the channel answers or its timeout.
Status deliver_now(const Channel& c, const Message& m, const Clock& real, std::ostream& console,
                   const std::string& ca_file = "");

}  // namespace djflow::engine::runtime
