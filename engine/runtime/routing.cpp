#include "engine/runtime/routing.hpp"

#include <algorithm>
#include <cstdio>

namespace djflow::engine::runtime {

BranchParents branch_parents(const std::vector<Branch>& branches) {
  BranchParents out;
  for (const auto& b : branches) out[b.code] = b.parent;
  return out;
}

bool channel_matches(const Channel& c, const Notification& n, const BranchParents& parents) {
  auto listed = [](const std::vector<std::string>& v, const std::string& x) {
    return v.empty() || std::find(v.begin(), v.end(), x) != v.end();
  };
  if (!listed(c.workflows, n.workflow) || !listed(c.kinds, n.kind)) return false;
  if (c.branch.empty()) return true;
  std::string b = n.branch;
  for (std::size_t depth = 0; depth < 64 && !b.empty(); ++depth) {  // bounded: no cycles
    if (b == c.branch) return true;
    const auto it = parents.find(b);
    if (it == parents.end()) return false;
    b = it->second;
  }
  return false;
}

bool parse_hhmm(const std::string& hhmm, int& h, int& m) {
  char extra = 0;
  return hhmm.size() == 5 && std::sscanf(hhmm.c_str(), "%2d:%2d%c", &h, &m, &extra) == 2 && h >= 0 &&
         h <= 23 && m >= 0 && m <= 59;
}

TimePoint next_local_time(const std::string& hhmm, TimePoint after, const TimeZone& zone) {
  int h = 9, m = 0;
  parse_hhmm(hhmm, h, m);
  Date d = zone.local_date(after);
  TimePoint t = zone.at(d, h, m);
  while (t < after) {
    d = d.add_days(1);
    t = zone.at(d, h, m);
  }
  return t;
}

Result<std::size_t> Router::route_batch(std::size_t batch) {
  WriteTransaction tx(store_);
  DJFLOW_TRY(tx.begin());
  auto cursor = store_.routed_through();
  DJFLOW_TRY(cursor);
  auto fresh = store_.notifications_since(cursor.value(), batch);
  DJFLOW_TRY(fresh);
  if (fresh.value().empty()) return std::size_t{0};
  auto channels = store_.list_channels(false);
  DJFLOW_TRY(channels);
  BranchParents parents;
  if (std::any_of(channels.value().begin(), channels.value().end(),
                  [](const Channel& c) { return !c.branch.empty(); })) {
    auto branches = store_.list_branches();
    DJFLOW_TRY(branches);
    parents = branch_parents(branches.value());
  }
  const TimePoint now = clock_.now();
  for (const auto& n : fresh.value()) {
    for (const auto& c : channels.value()) {
      if (n.id <= c.after_notification) continue;  // fired before the channel existed
      if (!channel_matches(c, n, parents)) continue;
      Delivery d;
      d.notification_id = n.id;
      d.channel_id = c.id;
      d.created_at = now;
      d.next_attempt_at = c.digest.empty() ? now : next_local_time(c.digest, now, zone_);
      auto r = store_.insert_delivery(d);
      DJFLOW_TRY(r);
    }
  }
  DJFLOW_TRY(store_.set_routed_through(fresh.value().back().id));
  DJFLOW_TRY(tx.commit());
  return fresh.value().size();
}

std::chrono::seconds backoff_delay(const Backoff& b, int attempts, double unit_random) {
  const int shift = std::clamp(attempts - 1, 0, 30);
  const double raw = std::min<double>(static_cast<double>(b.cap.count()),
                                      static_cast<double>(b.base.count()) * static_cast<double>(1LL << shift));
  const double r = std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::seconds{static_cast<std::int64_t>(raw / 2 + r * raw / 2)};
}

}  // namespace djflow::engine::runtime
