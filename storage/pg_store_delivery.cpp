// PgStore, DeliveryStore: channels, the routing cursor and the delivery rows of the outbox, the
// twin of the delivery part of sqlite_store_daemon.cpp, for several daemons sharing one database:
// - due_deliveries claims its rows: FOR UPDATE SKIP LOCKED picks rows no other daemon is
//   claiming, and the same statement moves their next_attempt_at to now + kClaimSeconds, so the
//   claim outlives the statement: another daemon does not see them due while this one sends.
//   The rows are returned as claimed, which is what update_delivery's condition compares: a
//   daemon that outlived its claim (and whose rows another daemon claimed since) gets Conflict
//   and writes nothing. A daemon killed while sending leaves its rows due again after the claim.
// - routed_through locks the cursor row inside a transaction, so two daemons route one after
//   the other, and set_routed_through never moves it back.
#include <nlohmann/json.hpp>

#include "storage/channel_rows.hpp"
#include "storage/pg_codec.hpp"
#include "storage/pg_store.hpp"

namespace djflow::storage {

using engine::Channel;
using engine::Delivery;
using engine::DeliveryRow;
using engine::Error;
using engine::Result;
using engine::Status;
using engine::Text;
using engine::TimePoint;
using detail::from_unix;
using detail::to_unix;
using detail::decode_list;
using detail::encode_list;
using detail::kDeliveryColumns;
using detail::kNotificationColumns;
using pg::Params;
using pg::Rows;

namespace {

using Json = nlohmann::json;

// How long a claimed delivery stays away from the other daemons: longer than any send (a
// channel's timeout is seconds; a digest or a file write is one unit).
constexpr std::int64_t kClaimSeconds = 600;

Status decode_channel(const Rows& r, int row, Channel& c) {
  c.id = r.int64(row, 0);
  c.name = r.string(row, 1);
  c.type = r.string(row, 2);
  c.target = r.string(row, 3);
  DJFLOW_TRY(decode_list(r.text(row, 4), "channels.args", c.args));
  c.preset = r.string(row, 5);
  c.secret = r.string(row, 6);
  c.branch = r.string(row, 7);
  DJFLOW_TRY(decode_list(r.text(row, 8), "channels.workflows", c.workflows));
  DJFLOW_TRY(decode_list(r.text(row, 9), "channels.kinds", c.kinds));
  c.digest = r.string(row, 10);
  c.rate_per_minute = static_cast<int>(r.int64(row, 11));
  c.max_attempts = static_cast<int>(r.int64(row, 12));
  c.timeout_seconds = static_cast<int>(r.int64(row, 13));
  c.lang = r.string(row, 14);
  c.active = r.int64(row, 15) != 0;
  c.created_at = from_unix(r.int64(row, 16));
  c.after_notification = r.int64(row, 17);
  return {};
}

Status decode_delivery(const Rows& r, int row, Delivery& d) {
  d.id = r.int64(row, 0);
  d.notification_id = r.int64(row, 1);
  d.channel_id = r.int64(row, 2);
  auto st = engine::delivery_status_from(r.text(row, 3));
  if (!st) return Error::corruption({"deliveries.status 格式错误", "deliveries.status is malformed"});
  d.status = *st;
  d.attempts = static_cast<int>(r.int64(row, 4));
  d.next_attempt_at = from_unix(r.int64(row, 5));
  d.last_error = r.string(row, 6);
  d.delivered_at.reset();
  if (!r.is_null(row, 7)) d.delivered_at = from_unix(r.int64(row, 7));
  d.created_at = from_unix(r.int64(row, 8));
  return {};
}

Result<std::vector<DeliveryRow>> collect_rows(const Result<Rows>& r) {
  if (!r) return r.error();
  std::vector<DeliveryRow> out(static_cast<std::size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) {
    auto& row = out[static_cast<std::size_t>(i)];
    DJFLOW_TRY(decode_delivery(*r, i, row.d));
    DJFLOW_TRY(pg::decode(*r, i, kDeliveryColumns, row.n));
    row.channel = r->string(i, kDeliveryColumns + kNotificationColumns);
  }
  return out;
}

const std::string kRowSelect = "SELECT " DJFLOW_DELIVERY_COLS ", " DJFLOW_NOTIFICATION_COLS
                               ", ch.name FROM deliveries dv JOIN notifications n ON "
                               "n.id = dv.notification_id JOIN channels ch ON ch.id = dv.channel_id";

Params& opt_instant(Params& p, const std::optional<TimePoint>& t) {
  return t ? p.int64(to_unix(*t)) : p.null();
}

Error no_channel(std::int64_t id) {
  return Error::not_found(Text{"通知渠道 " + std::to_string(id) + " 不存在", "no channel " + std::to_string(id)});
}

}  // namespace

// --- channels --------------------------------------------------------------------------------------

Result<std::int64_t> PgDelivery::insert_channel(const Channel& c) {
  Params p;
  p.text(c.name).text(c.type).text(c.target).text(encode_list(c.args)).text(c.preset).text(c.secret)
      .text(c.branch).text(encode_list(c.workflows)).text(encode_list(c.kinds)).text(c.digest)
      .int64(c.rate_per_minute).int64(c.max_attempts).int64(c.timeout_seconds).text(c.lang)
      .int64(to_unix(c.created_at));
  // The newest notification is read under the entity-history lock, which every notification
  // insert takes first: none can commit with a smaller id afterwards.
  DJFLOW_TRY(lock_entity_chain());
  auto r = db().exec_guarded(
      "insert_channel",
      "INSERT INTO channels (name, type, target, args, preset, secret, branch, workflows, kinds, "
      "digest, rate_per_minute, max_attempts, timeout_seconds, lang, active, created_at, "
      "after_notification) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, "
      "(SELECT coalesce(max(id), 0) FROM notifications)) RETURNING id",
      p);
  if (!r) {
    if (db().last_sqlstate() == pg::kUniqueViolation)
      return Error::conflict(Text{"通知渠道 " + c.name + " 已存在", "channel " + c.name + " already exists"});
    return r.error();
  }
  const std::int64_t id = r->int64(0, 0);
  DJFLOW_TRY(log_change("channel", std::to_string(id), "insert"));
  return id;
}

Result<std::vector<Channel>> PgDelivery::list_channels(bool include_removed) {
  auto r = db().exec("list_channels", include_removed
                                          ? "SELECT " DJFLOW_CHANNEL_COLS " FROM channels ch ORDER BY ch.id"
                                          : "SELECT " DJFLOW_CHANNEL_COLS
                                            " FROM channels ch WHERE ch.active = 1 ORDER BY ch.id");
  if (!r) return r.error();
  std::vector<Channel> out(static_cast<std::size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) DJFLOW_TRY(decode_channel(*r, i, out[static_cast<std::size_t>(i)]));
  return out;
}

Result<std::optional<Channel>> PgDelivery::find_channel(const std::string& id_or_name) {
  auto r = db().exec("find_channel",
                     "SELECT " DJFLOW_CHANNEL_COLS " FROM channels ch WHERE ch.active = 1 AND "
                     "(ch.name = $1 OR ch.id::text = $1) ORDER BY (ch.name = $1) DESC LIMIT 1",
                     Params().text(id_or_name));
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<Channel>();
  Channel c;
  DJFLOW_TRY(decode_channel(*r, 0, c));
  return std::optional<Channel>(std::move(c));
}

Status PgDelivery::remove_channel(std::int64_t id) {
  auto r = db().exec("remove_channel", "UPDATE channels SET active = 0 WHERE id = $1 AND active = 1",
                     Params().int64(id));
  if (!r) return r.error();
  if (r->affected() != 1) return no_channel(id);
  DJFLOW_TRY(log_change("channel", std::to_string(id), "remove"));
  auto d = db().exec("remove_channel deliveries",
                     "UPDATE deliveries SET status = 'dead', last_error = 'channel removed' "
                     "WHERE channel_id = $1 AND status = 'pending'",
                     Params().int64(id));
  if (!d) return d.error();
  return {};
}

// --- routing cursor ------------------------------------------------------------------------------

Result<std::int64_t> PgDelivery::routed_through() {
  // In a transaction (the router's), the cursor row stays locked to its commit: a second
  // daemon's router waits, then reads the cursor the first one moved.
  auto r = db().exec("routed_through", db().in_transaction()
                                           ? "SELECT routed_up_to FROM outbox_cursor WHERE id = 1 FOR UPDATE"
                                           : "SELECT routed_up_to FROM outbox_cursor WHERE id = 1");
  if (!r) return r.error();
  return r->size() == 0 ? std::int64_t{0} : r->int64(0, 0);
}

Status PgDelivery::set_routed_through(std::int64_t notification_id) {
  auto r = db().exec("set_routed_through",
                     "UPDATE outbox_cursor SET routed_up_to = greatest(routed_up_to, $1) WHERE id = 1",
                     Params().int64(notification_id));
  if (!r) return r.error();
  return {};
}

// --- deliveries ----------------------------------------------------------------------------------

Result<bool> PgDelivery::insert_delivery(const Delivery& d) {
  Params p;
  p.int64(d.notification_id).int64(d.channel_id).text(engine::to_string(d.status)).int64(d.attempts)
      .int64(to_unix(d.next_attempt_at)).text(d.last_error);
  opt_instant(p, d.delivered_at).int64(to_unix(d.created_at));
  auto r = db().exec("insert_delivery",
                     "INSERT INTO deliveries (notification_id, channel_id, status, attempts, next_attempt_at, "
                     "last_error, delivered_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                     "ON CONFLICT (notification_id, channel_id) DO NOTHING",
                     p);
  if (!r) return r.error();
  return r->affected() == 1;
}

Result<std::vector<DeliveryRow>> PgDelivery::due_deliveries(TimePoint now, std::size_t limit) {
  Params p;
  p.int64(to_unix(now));
  pg::limit(p, limit);
  p.int64(to_unix(now) + kClaimSeconds);
  return collect_rows(db().exec(
      "due_deliveries",
      "WITH due AS (SELECT dv.id, dv.next_attempt_at AS was_due FROM deliveries dv JOIN channels ch ON ch.id = dv.channel_id "
      "  WHERE dv.status = 'pending' AND dv.next_attempt_at <= $1 AND ch.active = 1 "
      "  ORDER BY dv.next_attempt_at, dv.id LIMIT $2 FOR UPDATE OF dv SKIP LOCKED), "
      "claimed AS (UPDATE deliveries c SET next_attempt_at = $3 FROM due WHERE c.id = due.id "
      "  AND c.status = 'pending' RETURNING c.*, due.was_due) "
      "SELECT dv.id, dv.notification_id, dv.channel_id, dv.status, dv.attempts, dv.next_attempt_at, "
      "dv.last_error, dv.delivered_at, dv.created_at, " DJFLOW_NOTIFICATION_COLS ", ch.name "
      "FROM claimed dv JOIN notifications n ON n.id = dv.notification_id "
      "JOIN channels ch ON ch.id = dv.channel_id ORDER BY dv.was_due, dv.id",
      p));
}

Result<std::optional<TimePoint>> PgDelivery::next_delivery_at() {
  auto r = db().exec("next_delivery_at",
                     "SELECT dv.next_attempt_at FROM deliveries dv JOIN channels ch ON ch.id = dv.channel_id "
                     "WHERE dv.status = 'pending' AND ch.active = 1 ORDER BY dv.next_attempt_at LIMIT 1");
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<TimePoint>();
  return std::optional<TimePoint>(from_unix(r->int64(0, 0)));
}

Status PgDelivery::update_delivery(const Delivery& d, const Delivery& as_read) {
  // Conditional, as on SQLite: the row must still be as read (for a claimed row: as claimed).
  Params p;
  p.int64(d.id).text(engine::to_string(d.status)).int64(d.attempts).int64(to_unix(d.next_attempt_at))
      .text(d.last_error);
  opt_instant(p, d.delivered_at)
      .text(engine::to_string(as_read.status))
      .int64(as_read.attempts)
      .int64(to_unix(as_read.next_attempt_at));
  auto r = db().exec("update_delivery",
                     "UPDATE deliveries SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5, "
                     "delivered_at = $6 WHERE id = $1 AND status = $7 AND attempts = $8 AND next_attempt_at = $9",
                     p);
  if (!r) return r.error();
  if (r->affected() == 1) return {};
  auto e = db().exec("update_delivery", "SELECT 1 FROM deliveries WHERE id = $1", Params().int64(d.id));
  if (!e) return e.error();
  if (e->size() == 0)
    return Error::not_found(Text{"投递 " + std::to_string(d.id) + " 不存在", "no delivery " + std::to_string(d.id)});
  return Error::conflict(Text{"投递 " + std::to_string(d.id) + " 在读取后已被修改",
                              "delivery " + std::to_string(d.id) + " changed since it was read"});
}

Result<std::vector<DeliveryRow>> PgDelivery::list_deliveries(const engine::DeliveryFilter& f) {
  std::string sql = kRowSelect + " WHERE true";
  Params p;
  auto next = [&p] { return "$" + std::to_string(p.size()); };
  if (f.status) sql += " AND dv.status = " + (p.text(engine::to_string(*f.status)), next());
  if (f.channel_id) sql += " AND dv.channel_id = " + (p.int64(*f.channel_id), next());
  pg::limit(p, f.limit);
  sql += " ORDER BY dv.id DESC LIMIT " + next();
  return collect_rows(db().exec("list_deliveries", sql, p));
}

Result<std::int64_t> PgDelivery::retry_dead(const std::vector<std::int64_t>& ids, TimePoint now) {
  std::int64_t changed = 0;
  auto one = [&](std::int64_t id) -> Status {
    auto r = db().exec("retry_dead",
                       "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1 "
                       "WHERE status = 'dead' AND ($2::bigint = 0 OR id = $2::bigint) AND channel_id IN "
                       "(SELECT id FROM channels WHERE active = 1)",
                       Params().int64(to_unix(now)).int64(id));
    if (!r) return r.error();
    changed += r->affected();
    return {};
  };
  if (ids.empty()) {
    DJFLOW_TRY(one(0));
  } else {
    for (auto id : ids) DJFLOW_TRY(one(id));
  }
  if (changed > 0) DJFLOW_TRY(notify_wake());  // due now: the daemons deliver them at once
  return changed;
}

Result<std::map<std::string, std::int64_t>> PgDelivery::delivery_counts() {
  auto r = db().exec("delivery_counts", "SELECT status, count(*) FROM deliveries GROUP BY status");
  if (!r) return r.error();
  std::map<std::string, std::int64_t> out{{"pending", 0}, {"delivered", 0}, {"dead", 0}};
  for (int i = 0; i < r->size(); ++i) out[r->string(i, 0)] = r->int64(i, 1);
  return out;
}

}  // namespace djflow::storage
