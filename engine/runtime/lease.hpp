// The single-daemon lease: one row in the database names the daemon that serves it (owner id,
// pid, host, start, heartbeat, expiry). A daemon takes the lease in a write transaction when the
// row is absent, expired, or held by a dead process on this host; otherwise it refuses to start
// (Conflict, exit code 4) naming the holder. It renews the lease every heartbeat and deletes it
// on a graceful exit; after SIGKILL the row expires (ttl) or is taken over at once on the same
// host because its pid is gone. Lease times are real (wall-clock) time, never the simulated clock.
#pragma once

#include <chrono>
#include <string>

#include "engine/clock.hpp"
#include "engine/delivery.hpp"
#include "engine/store.hpp"

namespace djflow::engine::runtime {

std::string this_host();
// A random owner id (hex).
std::string random_owner_id();

// True iff `l` still protects its holder at `now`: not expired, and (on this host) its pid lives.
bool lease_alive(const Lease& l, TimePoint now);

// Takes the lease for `owner` (pid = this process) or returns Conflict naming the holder.
Result<Lease> acquire_lease(Store& store, const Clock& real, const std::string& owner,
                            std::chrono::seconds ttl);
// Renews it; Conflict when another daemon took it over (ours had expired).
Status renew_lease(Store& store, const Clock& real, const std::string& owner, std::chrono::seconds ttl);
Status release_lease(Store& store, const std::string& owner);

}  // namespace djflow::engine::runtime
