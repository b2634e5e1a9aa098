// The outbox router (no I/O besides the Store): turns new notifications into one delivery row per
// matching channel, and decides when a row is first due (now, or the channel's next digest time).
// The routing cursor (last routed notification id) is advanced in the same transaction as the rows
// it covers, so a crash routes every notification exactly once. Also the retry backoff.
// One thread at a time (it uses the Store).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "engine/clock.hpp"
#include "engine/delivery.hpp"
#include "engine/store.hpp"
#include "engine/timezone.hpp"

namespace djflow::engine::runtime {

// Branch code -> parent code ("" for a top-level organisation).
using BranchParents = std::map<std::string, std::string>;
BranchParents branch_parents(const std::vector<Branch>& branches);

// True iff the channel takes this notification: its branch is the channel's branch or below it,
// and its workflow and deadline kind are in the channel's lists (an empty list takes all).
bool channel_matches(const Channel& c, const Notification& n, const BranchParents& parents);

// The first instant at or after `after` that is HH:MM local time in `zone`.
TimePoint next_local_time(const std::string& hhmm, TimePoint after, const TimeZone& zone);
// Parses "HH:MM"; false when malformed.
bool parse_hhmm(const std::string& hhmm, int& h, int& m);

class Router {
 public:
  Router(Store& store, const Clock& clock, const TimeZone& zone) : store_(store), clock_(clock), zone_(zone) {}
  // Routes at most `batch` notifications newer than the cursor, in one transaction. Returns how
  // many notifications it routed (0: nothing new).
  Result<std::size_t> route_batch(std::size_t batch);

 private:
  Store& store_;
  const Clock& clock_;
  const TimeZone& zone_;
};

// Retry delay after `attempts` failed attempts: min(cap, base * 2^(attempts-1)), with "equal
// jitter": half of it fixed, the other half scaled by `unit_random` in [0, 1).
struct Backoff {
  std::chrono::seconds base{30};
  std::chrono::seconds cap{3600};
};
std::chrono::seconds backoff_delay(const Backoff& b, int attempts, double unit_random);

}  // namespace djflow::engine::runtime
