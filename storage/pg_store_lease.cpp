// PgStore, LeaseStore: the daemon lease, one row (daemon_lease, id = 1) with the statements of
// SQLite's, so that the port means the same on both backends (conformance suite). On PostgreSQL
// several daemons share the work (timers and deliveries are claimed with SKIP LOCKED), so the
// daemon does not need the lease to be exclusive there (decision 0120, "The lease").
#include "storage/codec.hpp"
#include "storage/pg_store.hpp"

namespace djflow::storage {

using engine::Lease;
using engine::Result;
using engine::Status;
using engine::TimePoint;
using detail::from_unix;
using detail::to_unix;
using pg::Params;

// Two daemons starting on a database without a lease row: FOR UPDATE locks no row, so both
// would read "no lease" and both upsert, the second overwriting the first, which then lost its
// lease at its first heartbeat (seen with three daemons starting at once). Inside a transaction
// a transaction-level advisory lock of this schema's lease makes them take turns even then.
constexpr const char* kLeaseLock = "SELECT pg_advisory_xact_lock(1145718342, hashtext(current_schema()))";

Result<std::optional<Lease>> PgLease::find_lease() {
  if (db().in_transaction()) DJFLOW_TRY(db().exec_script("lock the lease", kLeaseLock));
  auto r = db().exec("find_lease",
                     "SELECT owner, pid, host, started_at, heartbeat_at, expires_at FROM daemon_lease WHERE id = 1 "
                     "FOR UPDATE");  // in acquire_lease's transaction: two starting daemons take turns
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<Lease>();
  Lease l;
  l.owner = r->string(0, 0);
  l.pid = r->int64(0, 1);
  l.host = r->string(0, 2);
  l.started_at = from_unix(r->int64(0, 3));
  l.heartbeat_at = from_unix(r->int64(0, 4));
  l.expires_at = from_unix(r->int64(0, 5));
  return std::optional<Lease>(std::move(l));
}

Status PgLease::put_lease(const Lease& l) {
  auto r = db().exec("put_lease",
                     "INSERT INTO daemon_lease (id, owner, pid, host, started_at, heartbeat_at, expires_at) "
                     "VALUES (1, $1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, "
                     "pid = excluded.pid, host = excluded.host, started_at = excluded.started_at, "
                     "heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at",
                     Params().text(l.owner).int64(l.pid).text(l.host).int64(to_unix(l.started_at))
                         .int64(to_unix(l.heartbeat_at)).int64(to_unix(l.expires_at)));
  if (!r) return r.error();
  return {};
}

Result<bool> PgLease::renew_lease(const std::string& owner, TimePoint heartbeat, TimePoint expires) {
  auto r = db().exec("renew_lease",
                     "UPDATE daemon_lease SET heartbeat_at = $2, expires_at = $3 WHERE id = 1 AND owner = $1",
                     Params().text(owner).int64(to_unix(heartbeat)).int64(to_unix(expires)));
  if (!r) return r.error();
  return r->affected() == 1;
}

Status PgLease::release_lease(const std::string& owner) {
  auto r = db().exec("release_lease", "DELETE FROM daemon_lease WHERE id = 1 AND owner = $1", Params().text(owner));
  if (!r) return r.error();
  return {};
}

}  // namespace djflow::storage
