// Waking a daemon when another process changes what is due (issue 12 §3, decision 0120): on
// PostgreSQL a write that makes a timer the earliest pending one (or makes dead deliveries due
// again) sends `NOTIFY djflow_wake` in its transaction, so it is sent only if it commits; a
// daemon LISTENs on a connection of its own and watches its socket from its event loop. The
// runtime sees only a file descriptor and a function (engine/runtime/daemon.hpp, no libpq).
// SQLite has no such thing: one machine, and its daemon polls data_version.
#pragma once

#include <memory>
#include <string>

#include "engine/error.hpp"

namespace djflow::storage {

class WakeListener {
 public:
  virtual ~WakeListener() = default;
  // Readable when notifications may have arrived.
  virtual int fd() const = 0;
  // Reads what arrived, without blocking: true when a wake-up for this database was among it.
  // Storage error when the connection broke (the daemon then falls back to polling).
  virtual engine::Result<bool> drain() = 0;
};

// A listener on `db` (LISTEN before it returns, so nothing committed afterwards is missed);
// nullptr for a SQLite database.
engine::Result<std::unique_ptr<WakeListener>> listen_for_wakes(const std::string& db);

}  // namespace djflow::storage
