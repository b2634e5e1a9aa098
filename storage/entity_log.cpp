#include "storage/entity_log.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/history_hash.hpp"
#include "storage/codec.hpp"
#include "storage/statement.hpp"
#include "storage/statement_cache.hpp"

namespace djflow::storage::detail {

using engine::EntityEvent;
using engine::Error;
using engine::Result;
using engine::Status;

namespace {

struct Column {
  const char* name;
  bool hashed = false;  // the image keeps SHA-256 of the value (secrets, long texts)
  // A column added after the table's first image (migration 8: persons.key, phone,
  // change_reason): left out of the image while NULL, so the images written before it existed
  // still equal the rows' images, and the genesis of migration 7 needs no column it lacks.
  bool later = false;
};

struct Tracked {
  const char* entity;  // name in entity_events and in problems
  const char* table;
  const char* key;     // primary key column
  std::vector<Column> cols;
};

// What verify covers through the entity history. Not here: events (their own chains), cases'
// state/version/head and deadlines/timers (derived by replay), deliveries, the routing cursor
// and the daemon lease (delivery bookkeeping that decides nothing).
const std::vector<Tracked>& tracked() {
  static const std::vector<Tracked> t = {
      {"setting", "settings", "key", {{"value"}}},
      {"holiday", "holidays", "date", {{"kind"}, {"name"}}},
      {"branch", "branches", "code", {{"name"}, {"kind"}, {"parent"}, {"created_at"}}},
      {"person", "persons", "id",
       {{"name"}, {"branch"}, {"born"}, {"status"}, {"joined"}, {"created_at"}, {"key", false, true},
        {"phone", false, true}, {"change_reason", false, true}}},
      {"case", "cases", "id", {{"workflow"}, {"person_id"}, {"branch"}, {"title"}, {"created_at"}}},
      {"channel", "channels", "id",
       {{"name"}, {"type"}, {"target"}, {"args"}, {"preset"}, {"secret", true}, {"branch"}, {"workflows"},
        {"kinds"}, {"digest"}, {"rate_per_minute"}, {"max_attempts"}, {"timeout_seconds"}, {"lang"},
        {"active"}, {"created_at"}, {"after_notification"}}},
      {"notification", "notifications", "id",
       {{"key"}, {"case_id"}, {"workflow"}, {"branch"}, {"kind"}, {"due_date"}, {"days_left"},
        {"created_at"}, {"text_zh", true}, {"text_en", true}}},
      {"rectify-batch", "rectify_batches", "case_id",
       {{"source"}, {"org"}, {"title"}, {"feedback"}, {"report_due"}}},
      {"rectify-item", "rectify_items", "case_id",
       {{"batch_id"}, {"seq"}, {"org"}, {"source"}, {"problem"}, {"category"}, {"cause"}, {"target"},
        {"measures"}, {"leader"}, {"department"}, {"owner"}, {"supporting"}, {"type"}, {"deadline"},
        {"milestones"}, {"registered"}}},
      // Issue 11: tables made empty by a later migration (genesis skips a table not there yet).
      {"user", "users", "id",
       {{"name"}, {"org"}, {"role"}, {"password_hash", true}, {"active"}, {"created_at"}}},
      {"api-token", "api_tokens", "id",
       {{"token_hash", true}, {"user_id"}, {"label"}, {"expires_at"}, {"revoked"}, {"created_at"}}},
  };
  return t;
}

const Tracked* find_tracked(std::string_view entity) {
  for (const auto& t : tracked())
    if (entity == t.entity) return &t;
  return nullptr;
}

std::string column_list(const Tracked& t) {
  std::string out;
  for (const auto& c : t.cols) out += std::string(out.empty() ? "" : ", ") + c.name;
  return out;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += len;
  }
  return true;
}

std::string hex(std::string_view s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
  return out;
}

// The image of the row `s` is on, reading t.cols from column `first`: compact JSON, sorted keys.
std::string image(const Statement& s, const Tracked& t, int first) {
  nlohmann::json j = nlohmann::json::object();
  int col = first;
  for (const auto& c : t.cols) {
    const int type = sqlite3_column_type(s.get(), col);
    if (type == SQLITE_NULL) {
      if (!c.later) j[c.name] = nullptr;
    } else if (type == SQLITE_INTEGER) {
      j[c.name] = s.int64(col);
    } else {
      const auto text = s.text(col);
      if (c.hashed) j[c.name] = "sha256:" + engine::sha256_hex(text);
      else if (valid_utf8(text)) j[c.name] = std::string(text);
      else j[c.name] = {{"hex", hex(text)}};  // bytes that are not text stay distinguishable
    }
    ++col;
  }
  return j.dump();
}

Status append(sqlite3* db, StatementCache& cache, EntityEvent e) {
  {
    auto head = cache.get("SELECT seq, hash FROM entity_events ORDER BY seq DESC LIMIT 1");
    if (!head.ok()) return head.error();
    Statement& s = **head;
    Use use(s);
    const int rc = s.step();
    if (rc == SQLITE_ROW) {
      e.seq = s.int64(0) + 1;
      e.prev_hash = s.string(1);
    } else if (rc == SQLITE_DONE) {
      e.seq = 1;
    } else {
      return sqlite_error(db, rc, "entity_events head");
    }
  }
  e.hash = engine::entity_event_hash(e);
  auto ins = cache.get(
      "INSERT INTO entity_events (seq, entity, key, action, data, actor, recorded_at, prev_hash, hash) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!ins.ok()) return ins.error();
  Statement& s = **ins;
  Use use(s);
  s.bind(1, e.seq);
  s.bind(2, e.entity);
  s.bind(3, e.key);
  s.bind(4, e.action);
  s.bind(5, e.data);
  s.bind(6, e.actor);
  s.bind(7, to_unix(e.recorded_at));
  s.bind(8, e.prev_hash);
  s.bind(9, e.hash);
  return run(db, s, "append entity event");
}

// "field: history X, stored Y" for every field that differs between two images.
std::string diff(const std::string& history, const std::string& stored) {
  const auto h = nlohmann::json::parse(history, nullptr, false);
  const auto s = nlohmann::json::parse(stored, nullptr, false);
  if (!h.is_object() || !s.is_object()) return "image differs";
  std::string out;
  for (const auto& [k, v] : s.items()) {
    const auto hv = h.contains(k) ? h[k] : nlohmann::json();
    if (hv != v) out += std::string(out.empty() ? "" : "; ") + k + ": history " + hv.dump() + ", stored " + v.dump();
  }
  return out.empty() ? "image differs" : out;
}

}  // namespace

Status log_row(sqlite3* db, StatementCache& cache, const ChangeContext& ctx, const char* entity,
               const std::string& key, const char* action) {
  const Tracked* t = find_tracked(entity);
  if (!t) return Error::storage(std::string("entity history: unknown entity ") + entity);
  EntityEvent e;
  e.entity = t->entity;
  e.key = key;
  e.action = action;
  e.actor = ctx.actor;
  if (ctx.clock) e.recorded_at = ctx.clock->now();
  {
    auto st = cache.get(std::string("SELECT ") + column_list(*t) + " FROM " + t->table + " WHERE " + t->key + " = ?1");
    if (!st.ok()) return st.error();
    Statement& s = **st;
    Use use(s);
    s.bind(1, key);
    const int rc = s.step();
    if (rc == SQLITE_ROW) e.data = image(s, *t, 0);
    else if (rc != SQLITE_DONE) return sqlite_error(db, rc, "entity image");
  }
  return append(db, cache, std::move(e));
}

namespace {

// `t` without the later columns its table does not have yet (the genesis of migration 7 runs
// before migration 8 adds them).
Result<Tracked> present_columns(sqlite3* db, const Tracked& t) {
  Tracked out = t;
  out.cols.clear();
  for (const auto& c : t.cols) {
    if (c.later) {
      auto st = Statement::prepare(db, std::string("SELECT 1 FROM pragma_table_info('") + t.table +
                                           "') WHERE name = '" + c.name + "'");
      if (!st) return st.error();
      const int rc = st->step();
      if (rc == SQLITE_DONE) continue;
      if (rc != SQLITE_ROW) return sqlite_error(db, rc, "genesis columns");
    }
    out.cols.push_back(c);
  }
  return out;
}

}  // namespace

Status genesis(sqlite3* db) {
  StatementCache cache(db);
  for (const auto& all : tracked()) {
    {  // a tracked table that a later migration creates (empty then: no genesis to write)
      auto st = Statement::prepare(db, std::string("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '") +
                                           all.table + "'");
      if (!st) return st.error();
      const int rc = st->step();
      if (rc == SQLITE_DONE) continue;
      if (rc != SQLITE_ROW) return sqlite_error(db, rc, "genesis tables");
    }
    auto present = present_columns(db, all);
    if (!present.ok()) return present.error();
    const Tracked& t = present.value();
    auto st = Statement::prepare(db, std::string("SELECT CAST(") + t.key + " AS TEXT), " + column_list(t) +
                                         " FROM " + t.table + " ORDER BY " + t.key);
    if (!st) return st.error();
    for (;;) {
      const int rc = st->step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqlite_error(db, rc, std::string("genesis ") + t.table);
      EntityEvent e;
      e.entity = t.entity;
      e.key = st->string(0);
      e.action = "genesis";
      e.data = image(*st, t, 1);
      e.actor = "migration";
      DJFLOW_TRY(append(db, cache, std::move(e)));
    }
  }
  return {};
}

Result<engine::EntityCheck> check(sqlite3* db) {
  engine::EntityCheck out;
  // (entity, key) -> last image ("" once deleted), and the seq that wrote it.
  std::unordered_map<std::string, std::string> last;
  {
    auto st = Statement::prepare(
        db, "SELECT seq, entity, key, action, data, actor, recorded_at, prev_hash, hash FROM entity_events ORDER BY seq");
    if (!st) return st.error();
    std::string prev;
    for (;;) {
      const int rc = st->step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqlite_error(db, rc, "entity_events");
      EntityEvent e;
      e.seq = st->int64(0);
      e.entity = st->string(1);
      e.key = st->string(2);
      e.action = st->string(3);
      e.data = st->string(4);
      e.actor = st->string(5);
      e.recorded_at = from_unix(st->int64(6));
      e.prev_hash = st->string(7);
      e.hash = st->string(8);
      const std::string where = "entity history event " + std::to_string(e.seq) + " (" + e.entity + " " + e.key + ")";
      if (e.seq != out.events + 1)
        out.problems.push_back("entity history: event " + std::to_string(out.events + 1) +
                               " is missing or out of order (found seq " + std::to_string(e.seq) + ")");
      if (e.prev_hash != prev) out.problems.push_back(where + ": chain broken (prev_hash does not match)");
      if (engine::entity_event_hash(e) != e.hash) out.problems.push_back(where + ": content does not match its hash (edited)");
      prev = e.hash;
      out.events = e.seq;
      out.head = e.hash;
      last[e.entity + '\x1f' + e.key] = std::move(e.data);
    }
  }
  for (const auto& t : tracked()) {
    auto st = Statement::prepare(db, std::string("SELECT CAST(") + t.key + " AS TEXT), " + column_list(t) +
                                         " FROM " + t.table + " ORDER BY " + t.key);
    if (!st) return st.error();
    for (;;) {
      const int rc = st->step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqlite_error(db, rc, std::string("check ") + t.table);
      const std::string key = st->string(0);
      const std::string stored = image(*st, t, 1);
      const std::string what = std::string(t.entity) + " " + key;
      auto it = last.find(std::string(t.entity) + '\x1f' + key);
      if (it == last.end() || it->second.empty()) {
        out.problems.push_back(what + ": not in the entity history (written behind djflow's back)");
        if (it != last.end()) last.erase(it);
        continue;
      }
      if (it->second != stored) out.problems.push_back(what + " changed behind djflow's back: " + diff(it->second, stored));
      last.erase(it);
    }
  }
  std::vector<std::string> deleted;
  for (const auto& [k, data] : last) {
    if (data.empty()) continue;
    const auto sep = k.find('\x1f');
    deleted.push_back(k.substr(0, sep) + " " + k.substr(sep + 1) +
                      ": deleted behind djflow's back (its history says it exists)");
  }
  std::sort(deleted.begin(), deleted.end());
  out.problems.insert(out.problems.end(), deleted.begin(), deleted.end());
  return out;
}

}  // namespace djflow::storage::detail
