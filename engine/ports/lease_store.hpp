// The daemon lease: at most one row naming the daemon that serves a database (I12). The logic
// (acquire, renew, take over an expired lease) is in engine/runtime/lease.cpp and runs inside a
// write transaction.
#pragma once

#include <optional>
#include <string>

#include "engine/delivery.hpp"
#include "engine/error.hpp"

namespace djflow::engine {

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;

  virtual Result<std::optional<Lease>> find_lease() = 0;
  virtual Status put_lease(const Lease& l) = 0;  // replaces any row
  // Moves the heartbeat and expiry of `owner`'s lease. Returns false when `owner` lost it.
  virtual Result<bool> renew_lease(const std::string& owner, TimePoint heartbeat,
                                   TimePoint expires) = 0;
  virtual Status release_lease(const std::string& owner) = 0;
};

}  // namespace djflow::engine
