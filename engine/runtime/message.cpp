#include "engine/runtime/message.hpp"

#include <algorithm>

#include "engine/runtime/signing.hpp"

namespace djflow::engine::runtime {

namespace {

const std::string& pick(const Text& t, const std::string& lang) { return lang == "en" ? t.en : t.zh; }

std::vector<std::pair<std::string, std::vector<const Notification*>>> digest_groups(const Message& m);

bool is_robot(const std::string& preset) {
  return preset == "wecom" || preset == "dingtalk" || preset == "feishu";
}

}  // namespace

MessageJson notification_json(const Notification& n, const std::string& lang) {
  return {{"key", n.key},         {"id", n.case_id},          {"kind", n.kind},
          {"due", n.due.iso()},   {"days_left", n.days_left}, {"text", pick(n.text, lang)},
          {"text_zh", n.text.zh}, {"text_en", n.text.en},     {"workflow", n.workflow},
          {"branch", n.branch},   {"notification", n.id},     {"created_at", format_utc(n.created_at)}};
}

MessageJson message_json(const Message& m) {
  if (!m.digest && m.items.size() == 1) {
    MessageJson j = notification_json(m.items.front(), m.lang);
    j["delivered_at"] = format_utc(m.at);
    j["channel"] = m.channel;
    return j;
  }
  MessageJson items = MessageJson::array();
  MessageJson keys = MessageJson::array();
  for (const auto& g : digest_groups(m)) {
    for (const auto* n : g.second) {
      items.push_back(notification_json(*n, m.lang));
      keys.push_back(n->key);
    }
  }
  return {{"digest", true},     {"date", m.digest_date.iso()},          {"channel", m.channel},
          {"keys", keys},       {"count", m.items.size()},              {"text", message_text(m)},
          {"items", items},     {"delivered_at", format_utc(m.at)}};
}

namespace {

using Group = std::pair<std::string, std::vector<const Notification*>>;

// Digest order: by branch, the branch with the most overdue item first; items overdue first.
std::vector<Group> digest_groups(const Message& m) {
  std::map<std::string, std::vector<const Notification*>> groups;
  for (const auto& n : m.items) groups[n.branch].push_back(&n);
  std::vector<Group> order(groups.begin(), groups.end());
  for (auto& g : order) {
    std::stable_sort(g.second.begin(), g.second.end(), [](const Notification* a, const Notification* b) {
      if (a->days_left != b->days_left) return a->days_left < b->days_left;
      return a->key < b->key;
    });
  }
  std::stable_sort(order.begin(), order.end(), [](const Group& a, const Group& b) {
    return a.second.front()->days_left < b.second.front()->days_left;
  });
  return order;
}

}  // namespace

std::string message_text(const Message& m) {
  if (!m.digest && m.items.size() == 1) return pick(m.items.front().text, m.lang);
  const bool zh = m.lang != "en";
  std::size_t overdue = 0;
  for (const auto& n : m.items) overdue += n.days_left < 0 ? 1 : 0;
  std::string out = zh ? "djflow 提醒汇总 " + m.digest_date.iso() + "：共 " + std::to_string(m.items.size()) +
                             " 条，其中逾期 " + std::to_string(overdue) + " 条"
                       : "djflow digest " + m.digest_date.iso() + ": " + std::to_string(m.items.size()) +
                             " reminders, " + std::to_string(overdue) + " overdue";
  for (const auto& [code, list] : digest_groups(m)) {
    const auto it = m.branch_names.find(code);
    const std::string name = it == m.branch_names.end() ? code : it->second + " (" + code + ")";
    out += "\n\n" + name;
    for (const auto* n : list) {
      const std::string mark = n->days_left < 0 ? (zh ? "【逾期】" : "[overdue] ") : "";
      out += "\n- " + mark + pick(n->text, m.lang);
    }
  }
  return out;
}

std::string message_keys(const Message& m) {
  std::string out;
  for (const auto& n : m.items) out += (out.empty() ? "" : ",") + n.key;
  return out;
}

Result<HttpRequestSpec> webhook_request(const Channel& c, const Message& m, std::int64_t timestamp_ms) {
  HttpRequestSpec r;
  r.url = c.target;
  r.allow_private = allows_private(c);
  r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  r.headers.emplace_back("X-Djflow-Key", message_keys(m));
  const std::string text = message_text(m);
  if (c.preset == "wecom") {
    r.body = MessageJson{{"msgtype", "text"}, {"text", {{"content", text}}}}.dump();
  } else if (c.preset == "dingtalk") {
    r.body = MessageJson{{"msgtype", "text"}, {"text", {{"content", text}}}}.dump();
    if (!c.secret.empty()) {
      r.url += (r.url.find('?') == std::string::npos ? "?" : "&");
      r.url += "timestamp=" + std::to_string(timestamp_ms) + "&sign=" + dingtalk_sign(timestamp_ms, c.secret);
    }
  } else if (c.preset == "feishu") {
    MessageJson j;
    if (!c.secret.empty()) {
      const std::int64_t ts = timestamp_ms / 1000;
      j["timestamp"] = std::to_string(ts);
      j["sign"] = feishu_sign(ts, c.secret);
    }
    j["msg_type"] = "text";
    j["content"] = {{"text", text}};
    r.body = j.dump();
  } else if (c.preset == "generic") {
    r.body = message_json(m).dump();
    r.headers.emplace_back("Idempotency-Key", message_keys(m));
  } else {
    return Error::invalid({"未知的 webhook 预设：" + c.preset, "unknown webhook preset " + c.preset});
  }
  return r;
}

Status check_webhook_response(const std::string& preset, int status, const std::string& body) {
  const std::string snippet = body.substr(0, 200);
  if (status < 200 || status > 299) {
    return Error::storage("HTTP " + std::to_string(status) + (snippet.empty() ? "" : ": " + snippet));
  }
  if (!is_robot(preset)) return {};
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Error::storage("HTTP " + std::to_string(status) + " but not a JSON answer: " + snippet);
  for (const char* field : {"errcode", "code", "StatusCode"}) {
    if (j.contains(field) && j[field].is_number_integer()) {
      if (j[field].get<std::int64_t>() == 0) return {};
      return Error::storage(std::string("robot refused: ") + field + " " +
                            std::to_string(j[field].get<std::int64_t>()) + ": " + snippet);
    }
  }
  return Error::storage("HTTP " + std::to_string(status) + " without errcode/code: " + snippet);
}

}  // namespace djflow::engine::runtime
