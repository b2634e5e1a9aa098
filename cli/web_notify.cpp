// Reminders in the web API (提醒, issue 11 §3/§4): recent notifications in the user's subtree,
// the delivery channels and their state, and (admin only) the failed deliveries with a retry,
// as `djflow outbox --status dead` and `djflow outbox retry`.
#include <charconv>
#include <map>

#include "cli/channel_json.hpp"
#include "cli/web_internal.hpp"
#include "engine/runtime/message.hpp"

namespace djflow::cli {

using engine::Text;
using engine::runtime::HttpResponse;
using namespace web;

namespace {

std::optional<int> limit_param(const std::string& v, int fallback) {
  if (v.empty()) return fallback;
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || n < 1 || n > 1000) return std::nullopt;
  return n;
}

}  // namespace

HttpResponse WebApp::notifications(Call& c) {
  const auto limit = limit_param(c.q.param("limit"), 50);
  if (!limit) return plain_error(400, "invalid_input", Text{"limit 应为 1 到 1000 的整数", "limit must be an integer 1..1000"}, c.lang);
  auto all = ctx_.store.notifications_since(0, 0);
  if (!all) return error_answer(all.error(), c.lang);
  Json out = Json::array();
  for (auto it = all.value().rbegin(); it != all.value().rend() && static_cast<int>(out.size()) < *limit; ++it) {
    const auto& n = *it;
    if (!c.in_scope(n.branch)) continue;
    const auto* w = ctx_.workflows.find(n.workflow);
    out.push_back({{"id", n.id},
                   {"case", n.case_id},
                   {"workflow", n.workflow},
                   {"workflow_label", w ? tr(c.lang, w->title()) : n.workflow},
                   {"branch", n.branch},
                   {"kind", n.kind},
                   {"label", w ? tr(c.lang, w->deadline_label(n.kind)) : n.kind},
                   {"due", n.due.iso()},
                   {"days_left", n.days_left},
                   {"created_at", engine::format_utc(n.created_at)},
                   {"text", tr(c.lang, n.text)}});
  }
  return json_answer(200, out);
}

HttpResponse WebApp::channels(Call& c) {
  auto cs = ctx_.store.list_channels(false);
  if (!cs) return error_answer(cs.error(), c.lang);
  auto rows = ctx_.store.list_deliveries({});
  if (!rows) return error_answer(rows.error(), c.lang);
  struct State {
    std::map<std::string, std::int64_t> counts{{"pending", 0}, {"delivered", 0}, {"dead", 0}};
    std::optional<engine::TimePoint> last_delivered;
  };
  std::map<std::int64_t, State> states;
  for (const auto& r : rows.value()) {
    auto& s = states[r.d.channel_id];
    ++s.counts[engine::to_string(r.d.status)];
    if (r.d.delivered_at && (!s.last_delivered || *r.d.delivered_at > *s.last_delivered)) s.last_delivered = r.d.delivered_at;
  }
  const bool admin = c.who->user.role >= engine::Role::Admin;
  Json out = Json::array();
  for (const auto& ch : cs.value()) {
    Json j = channel_json(ch);
    if (!admin) j.erase("target");  // where reminders go is the administrator's business
    const auto& s = states[ch.id];
    j["pending"] = s.counts.at("pending");
    j["delivered"] = s.counts.at("delivered");
    j["dead"] = s.counts.at("dead");
    j["last_delivered_at"] = s.last_delivered ? Json(engine::format_utc(*s.last_delivered)) : Json(nullptr);
    j["state"] = s.counts.at("dead") > 0 ? "failing" : s.counts.at("pending") > 0 ? "sending" : "ok";
    out.push_back(std::move(j));
  }
  return json_answer(200, out);
}

HttpResponse WebApp::dead_letters(Call& c) {
  if (auto no = require_role(*c.who, engine::Role::Admin, c.lang)) return *no;
  const auto limit = limit_param(c.q.param("limit"), 200);
  if (!limit) return plain_error(400, "invalid_input", Text{"limit 应为 1 到 1000 的整数", "limit must be an integer 1..1000"}, c.lang);
  engine::DeliveryFilter f;
  f.status = engine::DeliveryStatus::Dead;
  f.limit = static_cast<std::size_t>(*limit);
  auto rows = ctx_.store.list_deliveries(f);
  if (!rows) return error_answer(rows.error(), c.lang);
  auto chans = ctx_.store.list_channels(true);
  if (!chans) return error_answer(chans.error(), c.lang);
  Json out = Json::array();
  for (const auto& r : rows.value()) {
    std::string error = r.d.last_error;  // errors of older versions may hold a secret: redacted
    for (const auto& ch : chans.value())
      if (ch.id == r.d.channel_id) error = engine::runtime::redact_secrets(error, ch);
    out.push_back({{"id", r.d.id},
                   {"channel", r.channel},
                   {"notification", r.n.id},
                   {"case", r.n.case_id},
                   {"branch", r.n.branch},
                   {"key", r.n.key},
                   {"text", tr(c.lang, r.n.text)},
                   {"attempts", r.d.attempts},
                   {"last_error", error}});
  }
  return json_answer(200, out);
}

HttpResponse WebApp::retry_dead(Call& c) {
  if (auto no = require_role(*c.who, engine::Role::Admin, c.lang)) return *no;
  Json body;
  if (auto bad = parse_body(c.q, c.lang, body)) return *bad;
  std::vector<std::int64_t> ids;
  const bool all = body.contains("all") && body["all"] == true;
  if (body.contains("ids")) {
    if (!body["ids"].is_array())
      return plain_error(400, "invalid_input", Text{"ids 应为投递编号的数组", "ids must be an array of delivery ids"}, c.lang);
    for (const auto& v : body["ids"]) {
      if (!v.is_number_integer() || v.get<std::int64_t>() <= 0)
        return plain_error(400, "invalid_input", Text{"ids 应为投递编号的数组", "ids must be an array of delivery ids"}, c.lang);
      ids.push_back(v.get<std::int64_t>());
    }
  }
  if (ids.empty() && !all)
    return plain_error(400, "invalid_input", Text{"请给出 ids 或 all: true", "give ids or all: true"}, c.lang);
  return write(c, [&]() -> HttpResponse {
    auto n = ctx_.store.retry_dead(all ? std::vector<std::int64_t>{} : ids, ctx_.engine_clock.now());
    if (!n) return error_answer(n.error(), c.lang);
    if (!all && n.value() == 0)
      return plain_error(404, "not_found", Text{"没有可重新发送的发送失败消息", "no dead delivery with those ids"}, c.lang);
    return json_answer(200, {{"requeued", n.value()}});
  });
}

}  // namespace djflow::cli
