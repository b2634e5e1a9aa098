// SqliteStore, part 3 (issue 3): the daemon's lease, delivery channels, the routing cursor and
// the delivery rows of the outbox, and PRAGMA data_version for change detection. Statements are
// cached by their text (StatementCache::get(std::string)), so this file adds no fixed query ids.
#include <nlohmann/json.hpp>

#include "storage/sqlite_store.hpp"

#include "storage/channel_rows.hpp"
#include "storage/codec.hpp"
#include "storage/statement.hpp"
#include "storage/statement_cache.hpp"

namespace djflow::storage {

using engine::Channel;
using engine::Delivery;
using engine::DeliveryRow;
using engine::DeliveryStatus;
using engine::Error;
using engine::Lease;
using engine::Result;
using engine::Status;
using engine::Text;
using engine::TimePoint;
using detail::decode;
using detail::from_unix;
using detail::run;
using detail::sql_limit;
using detail::sqlite_error;
using detail::Statement;
using detail::to_unix;
using detail::decode_list;
using detail::encode_list;
using detail::kDeliveryColumns;
using detail::kNotificationColumns;

namespace {

using Json = nlohmann::json;

Status decode_channel(const Statement& s, int col, Channel& c) {
  c.id = s.int64(col);
  c.name = s.string(col + 1);
  c.type = s.string(col + 2);
  c.target = s.string(col + 3);
  DJFLOW_TRY(decode_list(s.text(col + 4), "channels.args", c.args));
  c.preset = s.string(col + 5);
  c.secret = s.string(col + 6);
  c.branch = s.string(col + 7);
  DJFLOW_TRY(decode_list(s.text(col + 8), "channels.workflows", c.workflows));
  DJFLOW_TRY(decode_list(s.text(col + 9), "channels.kinds", c.kinds));
  c.digest = s.string(col + 10);
  c.rate_per_minute = static_cast<int>(s.int64(col + 11));
  c.max_attempts = static_cast<int>(s.int64(col + 12));
  c.timeout_seconds = static_cast<int>(s.int64(col + 13));
  c.lang = s.string(col + 14);
  c.active = s.int64(col + 15) != 0;
  c.created_at = from_unix(s.int64(col + 16));
  c.after_notification = s.int64(col + 17);
  return {};
}

Status decode_delivery(const Statement& s, int col, Delivery& d) {
  d.id = s.int64(col);
  d.notification_id = s.int64(col + 1);
  d.channel_id = s.int64(col + 2);
  auto st = engine::delivery_status_from(s.text(col + 3));
  if (!st) return Error::corruption({"deliveries.status 格式错误", "deliveries.status is malformed"});
  d.status = *st;
  d.attempts = static_cast<int>(s.int64(col + 4));
  d.next_attempt_at = from_unix(s.int64(col + 5));
  d.last_error = s.string(col + 6);
  if (s.is_null(col + 7)) {
    d.delivered_at.reset();
  } else {
    d.delivered_at = from_unix(s.int64(col + 7));
  }
  d.created_at = from_unix(s.int64(col + 8));
  return {};
}

Result<std::vector<DeliveryRow>> collect_rows(sqlite3* db, Statement& s, const char* what) {
  std::vector<DeliveryRow> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db, rc, what);
    DeliveryRow r;
    DJFLOW_TRY(decode_delivery(s, 0, r.d));
    DJFLOW_TRY(decode(s, kDeliveryColumns, r.n));
    r.channel = s.string(kDeliveryColumns + kNotificationColumns);
    out.push_back(std::move(r));
  }
}

const std::string kRowSelect = "SELECT " DJFLOW_DELIVERY_COLS ", " DJFLOW_NOTIFICATION_COLS
                               ", ch.name FROM deliveries dv JOIN notifications n ON "
                               "n.id = dv.notification_id JOIN channels ch ON ch.id = dv.channel_id";

}  // namespace

Result<std::int64_t> SqliteHealth::change_token() {
  static const std::string sql = "PRAGMA data_version";
  DJFLOW_STATEMENT(s, sql);
  const int rc = s.step();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "data_version");
  return s.int64(0);
}

Result<std::int64_t> SqliteHealth::write_mark() {
  auto other = change_token();
  if (!other) return other.error();
  const std::int64_t own = sqlite3_total_changes64(db_) & ((std::int64_t{1} << 40) - 1);
  return (other.value() << 40) | own;
}

// --- lease -----------------------------------------------------------------------------------------

Result<std::optional<Lease>> SqliteLease::find_lease() {
  static const std::string sql =
      "SELECT owner, pid, host, started_at, heartbeat_at, expires_at FROM daemon_lease WHERE id = 1";
  DJFLOW_STATEMENT(s, sql);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<Lease>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "find_lease");
  Lease l;
  l.owner = s.string(0);
  l.pid = s.int64(1);
  l.host = s.string(2);
  l.started_at = from_unix(s.int64(3));
  l.heartbeat_at = from_unix(s.int64(4));
  l.expires_at = from_unix(s.int64(5));
  return std::optional<Lease>(std::move(l));
}

Status SqliteLease::put_lease(const Lease& l) {
  static const std::string sql =
      "INSERT INTO daemon_lease (id, owner, pid, host, started_at, heartbeat_at, expires_at) "
      "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, "
      "pid = excluded.pid, host = excluded.host, started_at = excluded.started_at, "
      "heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, l.owner);
  s.bind(2, l.pid);
  s.bind(3, l.host);
  s.bind(4, to_unix(l.started_at));
  s.bind(5, to_unix(l.heartbeat_at));
  s.bind(6, to_unix(l.expires_at));
  return run(db_, s, "put_lease");
}

Result<bool> SqliteLease::renew_lease(const std::string& owner, TimePoint heartbeat, TimePoint expires) {
  static const std::string sql =
      "UPDATE daemon_lease SET heartbeat_at = ?2, expires_at = ?3 WHERE id = 1 AND owner = ?1";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, owner);
  s.bind(2, to_unix(heartbeat));
  s.bind(3, to_unix(expires));
  DJFLOW_TRY(run(db_, s, "renew_lease"));
  return sqlite3_changes(db_) == 1;
}

Status SqliteLease::release_lease(const std::string& owner) {
  static const std::string sql = "DELETE FROM daemon_lease WHERE id = 1 AND owner = ?1";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, owner);
  return run(db_, s, "release_lease");
}

// --- channels --------------------------------------------------------------------------------------

Result<std::int64_t> SqliteDelivery::insert_channel(const Channel& c) {
  static const std::string sql =
      "INSERT INTO channels (name, type, target, args, preset, secret, branch, workflows, kinds, "
      "digest, rate_per_minute, max_attempts, timeout_seconds, lang, active, created_at, "
      "after_notification) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, "
      "(SELECT COALESCE(MAX(id), 0) FROM notifications))";
  DJFLOW_STATEMENT(s, sql);
  const std::string args = encode_list(c.args), wfs = encode_list(c.workflows),
                    kinds = encode_list(c.kinds);
  s.bind(1, c.name);
  s.bind(2, c.type);
  s.bind(3, c.target);
  s.bind(4, args);
  s.bind(5, c.preset);
  s.bind(6, c.secret);
  s.bind(7, c.branch);
  s.bind(8, wfs);
  s.bind(9, kinds);
  s.bind(10, c.digest);
  s.bind(11, c.rate_per_minute);
  s.bind(12, c.max_attempts);
  s.bind(13, c.timeout_seconds);
  s.bind(14, c.lang);
  s.bind(15, to_unix(c.created_at));
  const int rc = s.step();
  if (detail::is_unique_violation(rc)) {
    return Error::conflict(Text{"通知渠道 " + c.name + " 已存在", "channel " + c.name + " already exists"});
  }
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_channel " + c.name);
  const auto id = static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
  DJFLOW_TRY(log_change("channel", std::to_string(id), "insert"));
  return id;
}

Result<std::vector<Channel>> SqliteDelivery::list_channels(bool include_removed) {
  static const std::string all = "SELECT " DJFLOW_CHANNEL_COLS " FROM channels ch ORDER BY ch.id";
  static const std::string active =
      "SELECT " DJFLOW_CHANNEL_COLS " FROM channels ch WHERE ch.active = 1 ORDER BY ch.id";
  DJFLOW_STATEMENT(s, include_removed ? all : active);
  std::vector<Channel> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "list_channels");
    Channel c;
    DJFLOW_TRY(decode_channel(s, 0, c));
    out.push_back(std::move(c));
  }
}

Result<std::optional<Channel>> SqliteDelivery::find_channel(const std::string& id_or_name) {
  static const std::string sql = "SELECT " DJFLOW_CHANNEL_COLS
                                 " FROM channels ch WHERE ch.active = 1 AND "
                                 "(ch.name = ?1 OR CAST(ch.id AS TEXT) = ?1) ORDER BY ch.name = ?1 DESC LIMIT 1";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, id_or_name);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<Channel>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "find_channel");
  Channel c;
  DJFLOW_TRY(decode_channel(s, 0, c));
  return std::optional<Channel>(std::move(c));
}

Status SqliteDelivery::remove_channel(std::int64_t id) {
  {
    static const std::string sql = "UPDATE channels SET active = 0 WHERE id = ?1 AND active = 1";
    DJFLOW_STATEMENT(s, sql);
    s.bind(1, id);
    DJFLOW_TRY(run(db_, s, "remove_channel"));
    if (sqlite3_changes(db_) != 1) {
      return Error::not_found(Text{"通知渠道 " + std::to_string(id) + " 不存在",
                                   "no channel " + std::to_string(id)});
    }
  }
  DJFLOW_TRY(log_change("channel", std::to_string(id), "remove"));
  static const std::string sql =
      "UPDATE deliveries SET status = 'dead', last_error = 'channel removed' "
      "WHERE channel_id = ?1 AND status = 'pending'";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, id);
  return run(db_, s, "remove_channel deliveries");
}

// --- routing cursor -------------------------------------------------------------------------------

Result<std::int64_t> SqliteDelivery::routed_through() {
  static const std::string sql = "SELECT routed_up_to FROM outbox_cursor WHERE id = 1";
  DJFLOW_STATEMENT(s, sql);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::int64_t{0};
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "routed_through");
  return s.int64(0);
}

Status SqliteDelivery::set_routed_through(std::int64_t notification_id) {
  static const std::string sql = "UPDATE outbox_cursor SET routed_up_to = ?1 WHERE id = 1";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, notification_id);
  return run(db_, s, "set_routed_through");
}

// --- deliveries ----------------------------------------------------------------------------------

Result<bool> SqliteDelivery::insert_delivery(const Delivery& d) {
  static const std::string sql =
      "INSERT INTO deliveries (notification_id, channel_id, status, attempts, next_attempt_at, "
      "last_error, delivered_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (notification_id, channel_id) DO NOTHING";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, d.notification_id);
  s.bind(2, d.channel_id);
  s.bind(3, std::string_view(engine::to_string(d.status)));
  s.bind(4, d.attempts);
  s.bind(5, to_unix(d.next_attempt_at));
  s.bind(6, d.last_error);
  if (d.delivered_at) {
    s.bind(7, to_unix(*d.delivered_at));
  } else {
    s.bind_null(7);
  }
  s.bind(8, to_unix(d.created_at));
  const int rc = s.step();
  if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_delivery");
  return sqlite3_changes(db_) == 1;
}

Result<std::vector<DeliveryRow>> SqliteDelivery::due_deliveries(TimePoint now, std::size_t limit) {
  static const std::string sql =
      kRowSelect + " WHERE dv.status = 'pending' AND dv.next_attempt_at <= ?1 AND ch.active = 1 "
                   "ORDER BY dv.next_attempt_at, dv.id LIMIT ?2";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, to_unix(now));
  s.bind(2, sql_limit(limit));
  return collect_rows(db_, s, "due_deliveries");
}

Result<std::optional<TimePoint>> SqliteDelivery::next_delivery_at() {
  static const std::string sql =
      "SELECT dv.next_attempt_at FROM deliveries dv JOIN channels ch ON ch.id = dv.channel_id "
      "WHERE dv.status = 'pending' AND ch.active = 1 ORDER BY dv.next_attempt_at LIMIT 1";
  DJFLOW_STATEMENT(s, sql);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<TimePoint>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "next_delivery_at");
  return std::optional<TimePoint>(from_unix(s.int64(0)));
}

Status SqliteDelivery::update_delivery(const Delivery& d, const Delivery& as_read) {
  // Conditional: the daemon reads a row, sends (seconds, over the network), then writes the
  // outcome; a `notify remove` or `outbox retry` committed in between must not be overwritten.
  static const std::string sql =
      "UPDATE deliveries SET status = ?2, attempts = ?3, next_attempt_at = ?4, last_error = ?5, "
      "delivered_at = ?6 WHERE id = ?1 AND status = ?7 AND attempts = ?8 AND next_attempt_at = ?9";
  DJFLOW_STATEMENT(s, sql);
  s.bind(1, d.id);
  s.bind(2, std::string_view(engine::to_string(d.status)));
  s.bind(3, d.attempts);
  s.bind(4, to_unix(d.next_attempt_at));
  s.bind(5, d.last_error);
  if (d.delivered_at) {
    s.bind(6, to_unix(*d.delivered_at));
  } else {
    s.bind_null(6);
  }
  s.bind(7, std::string_view(engine::to_string(as_read.status)));
  s.bind(8, as_read.attempts);
  s.bind(9, to_unix(as_read.next_attempt_at));
  DJFLOW_TRY(run(db_, s, "update_delivery"));
  if (sqlite3_changes(db_) == 1) return {};
  static const std::string exists_sql = "SELECT 1 FROM deliveries WHERE id = ?1";
  DJFLOW_STATEMENT(e, exists_sql);
  e.bind(1, d.id);
  if (e.step() != SQLITE_ROW) {
    return Error::not_found(Text{"投递 " + std::to_string(d.id) + " 不存在",
                                 "no delivery " + std::to_string(d.id)});
  }
  return Error::conflict(Text{"投递 " + std::to_string(d.id) + " 在读取后已被修改",
                              "delivery " + std::to_string(d.id) + " changed since it was read"});
}

Result<std::vector<DeliveryRow>> SqliteDelivery::list_deliveries(const engine::DeliveryFilter& f) {
  std::string sql = kRowSelect + " WHERE 1 = 1";
  if (f.status) sql += " AND dv.status = ?";
  if (f.channel_id) sql += " AND dv.channel_id = ?";
  sql += " ORDER BY dv.id DESC LIMIT ?";
  DJFLOW_STATEMENT(s, sql);
  int i = 0;
  if (f.status) s.bind(++i, std::string_view(engine::to_string(*f.status)));
  if (f.channel_id) s.bind(++i, *f.channel_id);
  s.bind(++i, sql_limit(f.limit));
  return collect_rows(db_, s, "list_deliveries");
}

Result<std::int64_t> SqliteDelivery::retry_dead(const std::vector<std::int64_t>& ids, TimePoint now) {
  static const std::string sql =
      "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?1 "
      "WHERE status = 'dead' AND (?2 = 0 OR id = ?3) AND channel_id IN "
      "(SELECT id FROM channels WHERE active = 1)";
  std::int64_t changed = 0;
  auto one = [&](std::int64_t id) -> Status {
    DJFLOW_STATEMENT(s, sql);
    s.bind(1, to_unix(now));
    s.bind(2, std::int64_t{id == 0 ? 0 : 1});
    s.bind(3, id);
    DJFLOW_TRY(run(db_, s, "retry_dead"));
    changed += sqlite3_changes(db_);
    return {};
  };
  if (ids.empty()) {
    DJFLOW_TRY(one(0));
  } else {
    for (auto id : ids) DJFLOW_TRY(one(id));
  }
  return changed;
}

Result<std::map<std::string, std::int64_t>> SqliteDelivery::delivery_counts() {
  static const std::string sql = "SELECT status, count(*) FROM deliveries GROUP BY status";
  DJFLOW_STATEMENT(s, sql);
  std::map<std::string, std::int64_t> out{{"pending", 0}, {"delivered", 0}, {"dead", 0}};
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "delivery_counts");
    out[s.string(0)] = s.int64(1);
  }
}

}  // namespace djflow::storage
