#include "engine/runtime/lease.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <random>

namespace djflow::engine::runtime {

std::string this_host() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string random_owner_id() {
  std::random_device rd;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) out += hex[rd() % 16];
  return out;
}

bool lease_alive(const Lease& l, TimePoint now) {
  if (l.expires_at <= now) return false;
  if (l.host == this_host() && l.pid > 0) {
    if (::kill(static_cast<pid_t>(l.pid), 0) != 0 && errno == ESRCH) return false;
  }
  return true;
}

Result<Lease> acquire_lease(Store& store, const Clock& real, const std::string& owner,
                            std::chrono::seconds ttl) {
  WriteTransaction tx(store);
  DJFLOW_TRY(tx.begin());
  auto held = store.find_lease();
  DJFLOW_TRY(held);
  const TimePoint now = real.now();
  if (held.value() && held.value()->owner != owner && lease_alive(*held.value(), now)) {
    const Lease& h = *held.value();
    const std::string who = "pid " + std::to_string(h.pid) + "@" + h.host;
    return Error::conflict(
        {"另一个 djflow serve 正在服务此数据库（" + who + "，" + format_utc(h.started_at) + " 起，租约至 " +
             format_utc(h.expires_at) + "）；同一数据库只能运行一个提醒服务",
         "another djflow serve is serving this database (" + who + ", since " + format_utc(h.started_at) +
             ", lease until " + format_utc(h.expires_at) + "); only one daemon may serve a database"});
  }
  Lease l;
  l.owner = owner;
  l.pid = ::getpid();
  l.host = this_host();
  l.started_at = now;
  l.heartbeat_at = now;
  l.expires_at = now + ttl;
  DJFLOW_TRY(store.put_lease(l));
  DJFLOW_TRY(tx.commit());
  return l;
}

Status renew_lease(Store& store, const Clock& real, const std::string& owner, std::chrono::seconds ttl) {
  WriteTransaction tx(store);
  DJFLOW_TRY(tx.begin());
  const TimePoint now = real.now();
  auto ok = store.renew_lease(owner, now, now + ttl);
  DJFLOW_TRY(ok);
  if (!ok.value())
    return Error::conflict({"提醒服务的运行权已被另一个进程接管", "the daemon lease was taken over by another process"});
  return tx.commit();
}

Status release_lease(Store& store, const std::string& owner) {
  WriteTransaction tx(store);
  DJFLOW_TRY(tx.begin());
  DJFLOW_TRY(store.release_lease(owner));
  return tx.commit();
}

}  // namespace djflow::engine::runtime
