#include "storage/entity_image.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "engine/history_hash.hpp"

namespace djflow::storage::detail {

using engine::EntityEvent;

const std::vector<Tracked>& tracked_entities() {
  // Not here: events (their own chains), cases' state/version/head and deadlines/timers (derived
  // by replay), deliveries, the routing cursor and the daemon lease (delivery bookkeeping that
  // decides nothing).
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
  for (const auto& t : tracked_entities())
    if (entity == t.entity) return &t;
  return nullptr;
}

std::string column_list(const Tracked& t) {
  std::string out;
  for (const auto& c : t.cols) out += std::string(out.empty() ? "" : ", ") + c.name;
  return out;
}

namespace {

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

std::string row_image(const Tracked& t, const std::function<Cell(int)>& cell) {
  nlohmann::json j = nlohmann::json::object();
  int i = 0;
  for (const auto& c : t.cols) {
    const Cell v = cell(i++);
    if (v.kind == Cell::Kind::Null) {
      if (!c.later) j[c.name] = nullptr;
    } else if (v.kind == Cell::Kind::Integer) {
      j[c.name] = v.integer;
    } else if (c.hashed) {
      j[c.name] = "sha256:" + engine::sha256_hex(v.text);
    } else if (valid_utf8(v.text)) {
      j[c.name] = std::string(v.text);
    } else {
      j[c.name] = {{"hex", hex(v.text)}};  // bytes that are not text stay distinguishable
    }
  }
  return j.dump();
}

void EntityChecker::event(EntityEvent e) {
  const std::string where = "entity history event " + std::to_string(e.seq) + " (" + e.entity + " " + e.key + ")";
  if (e.seq != out_.events + 1)
    out_.problems.push_back("entity history: event " + std::to_string(out_.events + 1) +
                            " is missing or out of order (found seq " + std::to_string(e.seq) + ")");
  if (e.prev_hash != prev_) out_.problems.push_back(where + ": chain broken (prev_hash does not match)");
  if (engine::entity_event_hash(e) != e.hash) out_.problems.push_back(where + ": content does not match its hash (edited)");
  prev_ = e.hash;
  out_.events = e.seq;
  out_.head = e.hash;
  last_[e.entity + '\x1f' + e.key] = std::move(e.data);
}

void EntityChecker::row(const Tracked& t, const std::string& key, const std::string& stored) {
  const std::string what = std::string(t.entity) + " " + key;
  auto it = last_.find(std::string(t.entity) + '\x1f' + key);
  if (it == last_.end() || it->second.empty()) {
    out_.problems.push_back(what + ": not in the entity history (written behind djflow's back)");
    if (it != last_.end()) last_.erase(it);
    return;
  }
  if (it->second != stored) out_.problems.push_back(what + " changed behind djflow's back: " + diff(it->second, stored));
  last_.erase(it);
}

engine::EntityCheck EntityChecker::finish() {
  std::vector<std::string> deleted;
  for (const auto& [k, data] : last_) {
    if (data.empty()) continue;
    const auto sep = k.find('\x1f');
    deleted.push_back(k.substr(0, sep) + " " + k.substr(sep + 1) +
                      ": deleted behind djflow's back (its history says it exists)");
  }
  std::sort(deleted.begin(), deleted.end());
  out_.problems.insert(out_.problems.end(), deleted.begin(), deleted.end());
  last_.clear();
  return std::move(out_);
}

}  // namespace djflow::storage::detail
