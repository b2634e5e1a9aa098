#include "cli/web_app.hpp"

#include "engine/retry.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <initializer_list>
#include <utility>

#include "cli/case_json.hpp"
#include "cli/web_assets.hpp"
#include "cli/web_internal.hpp"
#include "engine/access.hpp"
#include "engine/utf8.hpp"

namespace djflow::cli {

using engine::Error;
using engine::ErrorCode;
using engine::Result;
using engine::Text;
using engine::runtime::HttpRequest;
using engine::runtime::HttpResponse;

namespace web {

HttpResponse json_answer(int status, const Json& j) {
  return HttpResponse{status, "application/json; charset=utf-8",
                      j.dump(-1, ' ', false, Json::error_handler_t::replace), {}, {}};
}

namespace {
int http_status(ErrorCode c) {
  switch (c) {
    case ErrorCode::Refused: return 422;
    case ErrorCode::InvalidInput: return 400;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::Conflict: return 409;
    default: return 503;
  }
}
}  // namespace

HttpResponse error_answer(const Error& e, Lang l) { return json_answer(http_status(e.code), error_json(e, l)); }

HttpResponse plain_error(int status, std::string_view kind, const Text& msg, Lang l) {
  return json_answer(status, Json{{"error", {{"kind", kind}, {"message", msg.in(l)}}}});
}

HttpResponse not_found(Lang l) { return plain_error(404, "not_found", Text{"事项不存在", "no such case"}, l); }

std::optional<HttpResponse> require_role(const WebApp::Principal& who, engine::Role role, Lang l) {
  if (who.user.role >= role) return std::nullopt;
  return plain_error(403, "forbidden",
                     Text{"您的角色（" + engine::role_label(who.user.role).zh + "）不能办理此事",
                          "your role (" + engine::role_label(who.user.role).en + ") may not do this"},
                     l);
}

std::optional<engine::CaseId> parse_id(std::string_view s) {
  engine::CaseId id = 0;
  if (s.empty() || s.size() > 18) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc{} || p != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

Result<std::string> text_field(const Json& body, const char* name, bool required) {
  if (!body.contains(name) || body[name].is_null()) {
    if (required) return Error::invalid(Text{std::string("缺少字段 ") + name, std::string("missing field ") + name});
    return std::string();
  }
  if (!body[name].is_string())
    return Error::invalid(Text{std::string("字段 ") + name + " 应为字符串", std::string("field ") + name + " must be a string"});
  std::string v = body[name].get<std::string>();
  DJFLOW_TRY(engine::utf8::check_text(v, name));
  return v;
}

Result<std::optional<engine::Date>> date_field(const Json& body, const char* name) {
  auto v = text_field(body, name, false);
  DJFLOW_TRY(v);
  if (v.value().empty()) return std::optional<engine::Date>();
  if (auto d = engine::Date::parse(v.value())) return std::optional<engine::Date>(*d);
  return Error::invalid(Text{std::string(name) + " 应为 YYYY-MM-DD 格式的日期", std::string(name) + " must be YYYY-MM-DD"});
}

Json case_page_json(const engine::CaseView& v, engine::Date today, Lang l) {
  Json j = case_view_json(v, today, l);
  Json allowed = Json::array();
  for (const auto& e : v.allowed) allowed.push_back({{"event", e}, {"label", tr(l, v.workflow->event_label(e))}});
  j["allowed_steps"] = allowed;
  j["workflow_label"] = tr(l, v.workflow->title());
  for (auto& h : j["history"])
    if (h.contains("event") && h["event"].is_string())
      h["event_label"] = tr(l, v.workflow->event_label(h["event"].get<std::string>()));
  return j;
}

std::optional<HttpResponse> parse_body(const HttpRequest& q, Lang l, Json& out) {
  out = Json::parse(q.body, nullptr, false);
  if (out.is_discarded() || !out.is_object())
    return plain_error(400, "invalid_input", Text{"请求体应为 JSON 对象", "the body must be a JSON object"}, l);
  return std::nullopt;
}

}  // namespace web

using namespace web;

namespace {

constexpr std::string_view kCookie = "djflow_session";
// ?lang=zh|en, else the browser's first preference, else Chinese (the users' language).
Lang pick_lang(const HttpRequest& q) {
  const auto p = q.param("lang");
  if (p == "en") return Lang::En;
  if (p == "zh") return Lang::Zh;
  const auto a = q.header("accept-language");
  if (a.rfind("en", 0) == 0) return Lang::En;
  return Lang::Zh;
}

std::string cookie_value(const HttpRequest& q, std::string_view name) {
  for (const auto& [k, v] : q.headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      auto part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      const auto eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    }
  }
  return {};
}

}  // namespace

HttpResponse WebApp::handle(const HttpRequest& q) {
  const Lang lang = pick_lang(q);
  if (q.path.rfind("/api/", 0) != 0) {
    if (q.method != "GET" && q.method != "HEAD")
      return plain_error(405, "invalid", Text{"不支持的请求方法", "method not allowed"}, lang);
    const auto* a = find_web_asset(q.path == "/" ? "/index.html" : q.path);
    if (a == nullptr) return plain_error(404, "not_found", Text{"页面不存在", "no such page"}, lang);
    HttpResponse r{200, std::string(a->content_type), std::string(a->body), {}, {}};
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
  }
  Call c{q, lang, std::nullopt, {}};
  return api(c);
}

HttpResponse WebApp::api(Call& c) {
  const auto& q = c.q;
  const std::string& p = q.path;
  if (p == "/api/v1/openapi.json" && q.method == "GET") {
    const auto* a = find_web_asset("/openapi.json");
    return HttpResponse{200, "application/json; charset=utf-8", a ? std::string(a->body) : "{}", {}, {}};
  }
  if (p == "/api/v1/login") {
    if (q.method != "POST") return plain_error(405, "invalid", Text{"请用 POST 登录", "log in with POST"}, c.lang);
    return login(c);
  }
  auto who = authenticate(q);
  if (!who) return plain_error(401, "unauthenticated", Text{"请先登录", "log in first"}, c.lang);
  c.who = std::move(who.value());
  // CSRF: a browser session's state-changing request carries the session's token in a header
  // that a cross-site form cannot set (SameSite=Strict is the second line).
  const bool writes = q.method != "GET" && q.method != "HEAD";
  if (writes && c.who->session &&
      !engine::equal_secret(q.header("x-csrf-token"), c.who->session->csrf))
    return plain_error(403, "csrf", Text{"缺少或错误的 CSRF 令牌，请刷新页面", "missing or wrong CSRF token; reload the page"},
                       c.lang);
  auto scope = subtree(c.who->user.org, &c.scope_is_all);
  if (!scope) return error_answer(scope.error(), c.lang);
  c.scope = std::move(scope.value());

  if (p == "/api/v1/logout" && q.method == "POST") return logout(c);
  if (p == "/api/v1/me" && q.method == "GET") return me(c);
  if (p == "/api/v1/orgs" && q.method == "GET") return orgs(c);
  if (p == "/api/v1/cases" && q.method == "GET") return cases(c);
  if (p == "/api/v1/cases" && q.method == "POST") return start_case(c);
  if (p == "/api/v1/people" && q.method == "GET") return people(c);
  if (p == "/api/v1/due" && q.method == "GET") return due(c);
  if (p == "/api/v1/verify" && q.method == "GET") return verify_all(c);
  if (p == "/api/v1/terms" && q.method == "GET") return terms(c);
  if (p == "/api/v1/notifications" && q.method == "GET") return notifications(c);
  if (p == "/api/v1/channels" && q.method == "GET") return channels(c);
  if (p == "/api/v1/deliveries/dead" && q.method == "GET") return dead_letters(c);
  if (p == "/api/v1/deliveries/retry" && q.method == "POST") return retry_dead(c);
  if (p == "/api/v1/elections" && q.method == "POST") return start_election(c);
  constexpr std::string_view kElections = "/api/v1/elections/";
  if (p.rfind(kElections, 0) == 0 && q.method == "GET") {
    const auto id = parse_id(std::string_view(p).substr(kElections.size()));
    return id ? election(c, *id) : not_found(c.lang);
  }
  constexpr std::string_view kRectify = "/api/v1/rectify/";
  if (p.rfind(kRectify, 0) == 0) return rectify(c, std::string_view(p).substr(kRectify.size()));
  constexpr std::string_view kCases = "/api/v1/cases/";
  if (p.rfind(kCases, 0) == 0) {
    std::string_view rest = std::string_view(p).substr(kCases.size());
    const auto slash = rest.find('/');
    const auto id = parse_id(rest.substr(0, slash));
    if (!id) return not_found(c.lang);
    if (slash == std::string_view::npos && q.method == "GET") return one_case(c, *id);
    if (rest.substr(slash + 1) == "steps" && q.method == "POST") return record(c, *id);
    if (rest.substr(slash + 1) == "verify" && q.method == "GET") return verify_case(c, *id);
    if (rest.substr(slash + 1) == "timeline" && q.method == "GET") return timeline(c, *id);
  }
  return plain_error(404, "not_found", Text{"没有这个接口", "no such endpoint"}, c.lang);
}

Result<WebApp::Principal> WebApp::authenticate(const HttpRequest& q) {
  const auto now = ctx_.real.now();
  const auto auth = q.header("authorization");
  // The token or session and its user in one read, every request (nothing is remembered
  // between requests): a revoked or expired one, or an inactive user, is refused.
  if (auth.rfind("Bearer ", 0) == 0) {
    auto t = ctx_.store.find_token_user(engine::token_digest(auth.substr(7)));
    if (!t) return t.error();
    if (!t.value() || t.value()->token.revoked || t.value()->token.expires_at <= now || !t.value()->user.active)
      return Error::not_found(Text{"", ""});
    return Principal{std::move(t.value()->user), std::nullopt};
  }
  const auto token = cookie_value(q, kCookie);
  if (token.empty()) return Error::not_found(Text{"", ""});
  auto s = ctx_.store.find_session_user(engine::token_digest(token));
  if (!s) return s.error();
  if (!s.value() || s.value()->session.revoked || s.value()->session.expires_at <= now || !s.value()->user.active)
    return Error::not_found(Text{"", ""});
  return Principal{std::move(s.value()->user), std::move(s.value()->session)};
}

Result<std::vector<std::string>> WebApp::subtree(const std::string& org, bool* every) {
  auto all = ctx_.store.list_branches();
  if (!all) return all.error();
  std::vector<std::string> out{org};
  for (std::size_t i = 0; i < out.size(); ++i)
    for (const auto& b : all.value())
      if (b.parent == out[i] && std::find(out.begin(), out.end(), b.code) == out.end()) out.push_back(b.code);
  if (every != nullptr) *every = out.size() == all.value().size();
  return out;
}

bool WebApp::limited(const std::string& key, int max) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return false;
  const auto cutoff = ctx_.real.now() - ctx_.failure_window;
  while (!it->second.empty() && it->second.front() <= cutoff) it->second.pop_front();
  if (it->second.empty()) {
    failures_.erase(it);
    return false;
  }
  return static_cast<int>(it->second.size()) >= max;
}

void WebApp::fail_login(const std::string& key) { failures_[key].push_back(ctx_.real.now()); }

HttpResponse WebApp::login(Call& c) {
  const Json body = Json::parse(c.q.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return plain_error(400, "invalid_input", Text{"请求体应为 JSON 对象", "the body must be a JSON object"}, c.lang);
  auto name = text_field(body, "name", true);
  if (!name) return error_answer(name.error(), c.lang);
  auto password = text_field(body, "password", true);
  if (!password) return error_answer(password.error(), c.lang);
  const std::string ukey = "u:" + name.value(), akey = "a:" + c.q.remote;
  if (limited(ukey, ctx_.max_failures_per_user) || limited(akey, ctx_.max_failures_per_address)) {
    auto r = plain_error(429, "rate_limited",
                         Text{"登录失败次数过多，请 15 分钟后再试", "too many failed logins; try again in 15 minutes"}, c.lang);
    r.headers.emplace_back("Retry-After", std::to_string(ctx_.failure_window.count()));
    return r;
  }
  auto u = ctx_.store.find_user(name.value());
  if (!u) return error_answer(u.error(), c.lang);
  // The same work and the same answer whether the user exists or not (no user enumeration).
  static const std::string dummy = engine::hash_password("djflow-no-such-user");
  const bool ok = engine::verify_password(password.value(), u.value() ? u.value()->password_hash : dummy) &&
                  u.value() && u.value()->active;
  if (!ok) {
    fail_login(ukey);
    fail_login(akey);
    return plain_error(401, "unauthenticated", Text{"用户名或密码错误", "wrong user name or password"}, c.lang);
  }
  failures_.erase(ukey);
  engine::Session s;
  const std::string token = engine::random_token();
  s.token_hash = engine::token_digest(token);
  s.user_id = u.value()->id;
  s.csrf = engine::random_token();
  s.created_at = ctx_.real.now();
  s.expires_at = s.created_at + ctx_.session_ttl;
  if (auto st = ctx_.store.insert_session(s); !st) return error_answer(st.error(), c.lang);
  const auto& user = *u.value();
  auto r = json_answer(200, Json{{"user",
                                  {{"name", user.name},
                                   {"org", user.org},
                                   {"role", engine::role_id(user.role)},
                                   {"role_label", tr(c.lang, engine::role_label(user.role))}}},
                                 {"csrf", s.csrf},
                                 {"expires_in", ctx_.session_ttl.count()}});
  r.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                           std::to_string(ctx_.session_ttl.count()) + (ctx_.tls ? "; Secure" : ""));
  return r;
}

HttpResponse WebApp::logout(Call& c) {
  if (c.who->session)
    if (auto s = ctx_.store.revoke_session(c.who->session->token_hash); !s) return error_answer(s.error(), c.lang);
  auto r = json_answer(200, Json{{"ok", true}});
  r.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                           (ctx_.tls ? "; Secure" : ""));
  return r;
}

HttpResponse WebApp::me(Call& c) {
  const auto& u = c.who->user;
  Json j = {{"name", u.name},
            {"org", u.org},
            {"role", engine::role_id(u.role)},
            {"role_label", tr(c.lang, engine::role_label(u.role))},
            {"orgs", c.scope}};
  if (c.who->session) j["csrf"] = c.who->session->csrf;
  return json_answer(200, j);
}

HttpResponse WebApp::orgs(Call& c) {
  auto all = ctx_.store.list_branches();
  if (!all) return error_answer(all.error(), c.lang);
  Json out = Json::array();
  for (const auto& b : all.value())
    if (c.in_scope(b.code))
      out.push_back({{"code", b.code}, {"name", b.name}, {"kind", b.kind}, {"parent", b.parent}});
  return json_answer(200, out);
}

namespace {

// A key for a memo: the parts of a query that shape its answer.
std::string memo_key(std::initializer_list<std::string_view> parts,
                     const std::optional<std::vector<std::string>>& orgs) {
  std::string k;
  for (auto p : parts) (k += p) += '\n';
  if (orgs)
    for (const auto& o : *orgs) (k += o) += ',';
  else
    k += "*";
  return k;
}

// The remembered value under `key` while the store's write mark is `mark`, else compute()'s
// (remembered). Without a mark (a backend that has none) nothing is remembered.
template <class T, class F>
Result<T> remembered(std::map<std::string, WebApp::Memo<T>>& memo, const Result<std::int64_t>& mark,
                     const std::string& key, F compute) {
  if (mark) {
    auto it = memo.find(key);
    if (it != memo.end() && it->second.mark == mark.value()) return it->second.value;
  }
  Result<T> v = compute();
  if (!v || !mark) return v;
  if (memo.size() >= 64) memo.clear();  // a handful of scopes in practice; bounded anyway
  memo[key] = {mark.value(), v.value()};
  return v;
}

using StageCounts = std::map<std::pair<std::string, std::string>, std::int64_t>;  // (branch, stage) -> n

Json counts_json(const engine::WorkflowRegistry& workflows, const StageCounts& counts, const std::string& wf, Lang l) {
  // Stage labels come from the workflow asked for (the overview asks for workflow=member);
  // without one, the first workflow that knows the stage names it.
  Json out = Json::array();
  for (const auto& [key, n] : counts) {
    Text label{key.second, key.second};
    for (const auto* w : workflows.all()) {
      if (!wf.empty() && w->name() != wf) continue;
      label = w->stage_label(key.second);
      break;
    }
    out.push_back({{"branch", key.first}, {"stage", key.second}, {"stage_label", tr(l, label)}, {"count", n}});
  }
  return out;
}

}  // namespace

HttpResponse WebApp::cases(Call& c) {
  engine::CaseFilter f;
  const auto wf = c.q.param("workflow");
  if (!wf.empty()) {
    if (ctx_.workflows.find(wf) == nullptr)
      return plain_error(400, "invalid_input", Text{"没有这个流程：" + engine::utf8::escape_for_message(wf),
                                                    "no such workflow: " + engine::utf8::escape_for_message(wf)},
                         c.lang);
    f.workflow = wf;
  }
  const auto org = c.q.param("org");
  if (!org.empty() && !c.in_scope(org))
    return plain_error(404, "not_found", Text{"组织不存在或不在您的权限范围内", "no such organisation in your scope"}, c.lang);
  // The user's subtree (or the one organisation asked for) is part of the query, not a filter
  // applied to every case afterwards.
  if (org.empty()) {
    f.branches = c.scope_filter();
  } else {
    f.branch = org;
  }
  const auto state = c.q.param("state");
  if (!state.empty()) f.states = std::vector<std::string>{state};
  const auto stage = c.q.param("stage");
  const auto search = c.q.param("q");
  // count=branch,stage answers the counts per branch and stage instead of the cases: what the
  // overview's funnel needs, without sending every case (100,000 cases are 23 MB of JSON).
  const auto count = c.q.param("count");
  if (!count.empty() && count != "branch,stage")
    return plain_error(400, "invalid_input", Text{"count 只能是 branch,stage", "count must be branch,stage"}, c.lang);
  if (!count.empty() && search.empty()) {
    // Counted by organisation: the subtree's codes always, so that the count searches the
    // index by organisation rather than scanning it.
    if (org.empty()) f.branches = c.scope;
    return case_counts(c, f, wf, stage);
  }
  auto all = ctx_.store.list_cases(f);
  if (!all) return error_answer(all.error(), c.lang);
  StageCounts counts;
  Json out = Json::array();
  for (const auto& k : all.value()) {
    const auto* w = ctx_.workflows.find(k.workflow);
    if (w == nullptr) continue;
    const auto st = w->stage(k.state);
    if (!stage.empty() && st != stage) continue;
    if (!search.empty() && k.title.find(search) == std::string::npos) continue;
    if (!count.empty()) {
      ++counts[{k.branch, st}];
      continue;
    }
    out.push_back({{"id", k.id},
                   {"workflow", k.workflow},
                   {"workflow_label", tr(c.lang, w->title())},
                   {"subject", k.title},
                   {"branch", k.branch},
                   {"state", k.state},
                   {"state_label", tr(c.lang, w->state_label(k.state))},
                   {"stage", st},
                   {"stage_label", tr(c.lang, w->stage_label(st))},
                   {"closed", w->closed(k.state)}});
  }
  if (!count.empty()) return json_answer(200, counts_json(ctx_.workflows, counts, wf, c.lang));
  return json_answer(200, out);
}

// The funnel's counts from the store's GROUP BY (branch, workflow, state): a few dozen rows for
// 100,000 cases; the stage is a function of the state.
HttpResponse WebApp::case_counts(Call& c, const engine::CaseFilter& f, const std::string& wf, const std::string& stage) {
  const std::string key = memo_key({f.workflow.value_or(""), f.branch.value_or(""), f.states ? f.states->front() : ""},
                                   f.branches);
  auto rows = remembered(counts_memo_, ctx_.store.write_mark(), key, [&] { return ctx_.store.count_cases(f); });
  if (!rows) return error_answer(rows.error(), c.lang);
  StageCounts counts;
  for (const auto& r : rows.value()) {
    const auto* w = ctx_.workflows.find(r.workflow);
    if (w == nullptr) continue;
    const auto st = w->stage(r.state);
    if (!stage.empty() && st != stage) continue;
    counts[{r.branch, st}] += r.count;
  }
  return json_answer(200, counts_json(ctx_.workflows, counts, wf, c.lang));
}


HttpResponse WebApp::one_case(Call& c, engine::CaseId id) {
  auto found = ctx_.store.find_case(id);
  if (!found) return error_answer(found.error(), c.lang);
  // Outside the user's subtree answers exactly as a case that does not exist.
  if (!found.value() || !c.in_scope(found.value()->branch))
    return not_found(c.lang);
  auto v = ctx_.engine.show(id);
  if (!v) return error_answer(v.error(), c.lang);
  CaseJsonExtras x;
  x.page = true;  // case_page_json's shape, written straight
  return HttpResponse{200, "application/json; charset=utf-8",
                      case_view_json_text(v.value(), ctx_.engine.today(), c.lang, x), {}, {}};
}

namespace {

// The body of POST /api/v1/cases/{id}/steps read into the step's input and the version the
// client saw; the 400 answer when it is not one.
std::optional<HttpResponse> step_body(const HttpRequest& q, engine::Engine& engine, Lang lang, engine::StepInput& in,
                                      std::optional<std::int64_t>& seen) {
  const Json body = Json::parse(q.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return plain_error(400, "invalid_input", Text{"请求体应为 JSON 对象", "the body must be a JSON object"}, lang);
  auto event = text_field(body, "event", true);
  if (!event) return error_answer(event.error(), lang);
  in.event = event.value();
  auto date = text_field(body, "date", false);
  if (!date) return error_answer(date.error(), lang);
  if (date.value().empty()) {
    in.date = engine.today();
  } else if (auto d = engine::Date::parse(date.value())) {
    in.date = *d;
  } else {
    return plain_error(400, "invalid_input", Text{"date 应为 YYYY-MM-DD 格式的日期", "date must be YYYY-MM-DD"}, lang);
  }
  for (const char* f : {"note", "ref"}) {
    auto v = text_field(body, f, false);
    if (!v) return error_answer(v.error(), lang);
    (std::string_view(f) == "note" ? in.note : in.ref) = v.value();
  }
  if (body.contains("with")) {
    if (!body["with"].is_object())
      return plain_error(400, "invalid_input", Text{"with 应为对象 {键: 值}", "with must be an object {key: value}"}, lang);
    for (const auto& [k, v] : body["with"].items()) {
      if (!v.is_string() && !v.is_number_integer())
        return plain_error(400, "invalid_input", Text{"with." + k + " 应为字符串或整数", "with." + k + " must be a string or an integer"},
                           lang);
      const std::string value = v.is_string() ? v.get<std::string>() : std::to_string(v.get<long long>());
      if (auto s = engine::utf8::check_text(k, "with"); !s) return error_answer(s.error(), lang);
      if (auto s = engine::utf8::check_text(value, "with." + k); !s) return error_answer(s.error(), lang);
      in.with[k] = value;
    }
  }
  // "version": the case's version the client saw (the page sends the one it rendered). A step
  // on a case changed meanwhile answers 409 and writes nothing (optimistic concurrency: SQLite's
  // writer lock only makes a second writer wait, it never tells it that it acted on old facts).
  if (body.contains("version") && !body["version"].is_null()) {
    if (!body["version"].is_number_integer() || body["version"].get<std::int64_t>() < 0)
      return plain_error(400, "invalid_input", Text{"version 应为非负整数", "version must be a non-negative integer"}, lang);
    seen = body["version"].get<std::int64_t>();
  }
  return std::nullopt;
}

HttpResponse stale_version(std::int64_t seen, std::int64_t now, Lang lang) {
  return error_answer(engine::Error::conflict(Text{
                          "此事项已被他人更新（您看到的是第" + std::to_string(seen) + "版，现为第" + std::to_string(now) +
                              "版），请刷新后重试",
                          "the case was updated by someone else (you saw version " + std::to_string(seen) +
                              ", it is now version " + std::to_string(now) + "); reload and try again"}),
                      lang);
}

// The answer to a recorded step: case_view_json and "recorded": {seq, event}, written straight
// (no tree of values).
HttpResponse step_answer(const engine::CaseView& v, const engine::EventRecord& recorded, engine::Date today, Lang lang) {
  CaseJsonExtras x;
  x.recorded = &recorded;
  return HttpResponse{201, "application/json; charset=utf-8", case_view_json_text(v, today, lang, x), {}, {}};
}

}  // namespace

HttpResponse WebApp::record(Call& c, engine::CaseId id) {
  if (auto no = require_role(*c.who, engine::Role::Secretary, c.lang)) return *no;
  engine::StepInput in;
  std::optional<std::int64_t> seen;
  in.actor = c.who->user.name;
  if (c.q.header("idempotency-key").empty()) return record_step(c, id, std::move(in));
  // With an Idempotency-Key: the step runs inside the web's transaction, which stores the answer
  // (write_once); the case is checked for the user's subtree first, as ever.
  auto found = ctx_.store.find_case(id);
  if (!found) return error_answer(found.error(), c.lang);
  if (!found.value() || !c.in_scope(found.value()->branch))
    return not_found(c.lang);
  if (auto bad = step_body(c.q, ctx_.engine, c.lang, in, seen)) return *bad;
  return write(c, [&]() -> HttpResponse {
    if (seen) {
      auto now = ctx_.store.find_case(id);  // inside the write transaction: no one writes between
      if (!now) return error_answer(now.error(), c.lang);
      if (now.value() && now.value()->version != *seen) return stale_version(*seen, now.value()->version, c.lang);
    }
    engine::CaseView v;
    auto out = ctx_.engine.record(id, in, v);  // the case as show() reads it after the step
    if (!out) return error_answer(out.error(), c.lang);
    return step_answer(v, out.value().event, ctx_.engine.today(), c.lang);
  });
}

// A step without an Idempotency-Key (decision 0131): nothing to store beside it, so the step is
// the engine's own transaction (no savepoint inside the web's), and the case is read once, by
// the step: the checks run on that read, in the order they always answered in: outside the
// user's subtree or missing 404, a bad body 400, a version not the case's 409; then the
// engine's verdict. The answer's view comes from the same transaction.
// With a step engine (decision 0134) the step runs on the server's worker thread, on its own
// connection, while this thread serves other requests; the answer's text is written back here.
// The job holds copies of everything it needs (the request is gone by then) and touches nothing
// of this thread's: not `store`, not `engine`, not the memos or the login limiter.
namespace {

struct StepJob {
  engine::CaseId id = 0;
  engine::StepInput in;
  std::optional<std::int64_t> seen;
  std::optional<HttpResponse> bad_body;  // the body's 400, answered once the case is in scope
  std::vector<std::string> scope;        // the user's subtree, as the request read it
  std::string actor;                     // the web user
  Lang lang = Lang::Zh;
  // What the step did.
  std::optional<HttpResponse> refused;  // the answer of a check that refused the step
  std::optional<engine::Error> error;   // the engine's refusal or failure
  engine::CaseView view;
  engine::EventRecord recorded;
  engine::Date today;
};

void run_step(const WebContext& ctx, engine::Engine& eng, engine::Store& store, StepJob& j) {
  const engine::Engine::Admit admit = [&j](const engine::Case* now) -> engine::Status {
    if (now == nullptr || std::find(j.scope.begin(), j.scope.end(), now->branch) == j.scope.end())
      j.refused = not_found(j.lang);
    else if (j.bad_body) j.refused = *j.bad_body;
    else if (j.seen && now->version != *j.seen) j.refused = stale_version(*j.seen, now->version, j.lang);
    else return {};
    return engine::Error::refused(Text{"", ""});
  };
  store.set_change_context(&ctx.engine_clock, j.actor);  // the web user is the actor
  struct RestoreActor {
    const WebContext& ctx;
    engine::Store& store;
    ~RestoreActor() { store.set_change_context(&ctx.engine_clock, ctx.process_actor); }
  } restore{ctx, store};
  auto out = eng.record(j.id, std::move(j.in), j.view, admit);
  j.today = eng.today();
  if (j.refused) return;
  if (!out) {
    j.error = out.error();
    return;
  }
  j.recorded = std::move(out.value().event);
}

HttpResponse step_done(const StepJob& j) {
  if (j.refused) return *j.refused;
  if (j.error) return error_answer(*j.error, j.lang);
  return step_answer(j.view, j.recorded, j.today, j.lang);
}

}  // namespace

HttpResponse WebApp::record_step(Call& c, engine::CaseId id, engine::StepInput in) {
  auto job = std::make_shared<StepJob>();
  job->bad_body = step_body(c.q, ctx_.engine, c.lang, in, job->seen);
  job->id = id;
  job->in = std::move(in);
  job->scope = c.scope;
  job->actor = c.who->user.name;
  job->lang = c.lang;
  if (ctx_.step_engine == nullptr || ctx_.step_store == nullptr) {
    run_step(ctx_, ctx_.engine, ctx_.store, *job);
    return step_done(*job);
  }
  HttpResponse r;
  r.offload = [job, &ctx = std::as_const(ctx_)]() -> std::function<HttpResponse()> {
    run_step(ctx, *ctx.step_engine, *ctx.step_store, *job);  // the worker thread
    return [job] { return step_done(*job); };                // the io thread
  };
  return r;
}

HttpResponse WebApp::write(Call& c, const std::function<HttpResponse()>& apply) {
  // The whole write (its transaction, the idempotency answer, the engine calls inside it) runs
  // again when PostgreSQL broke it off for a concurrent transaction (40001, 40P01), up to
  // engine::kWriteAttempts times, as every command does (engine/retry.hpp, decision 0128).
  for (int attempt = 1;; ++attempt) {
    HttpResponse r = write_once(c, apply);
    if (r.status != 409 || ctx_.store.in_transaction() || !ctx_.store.transient_failure()) return r;
    if (attempt >= engine::kWriteAttempts) {
      engine::count_give_up();
      return error_answer(engine::gave_up_after(attempt), c.lang);
    }
    engine::transient_pause(attempt);
  }
}

HttpResponse WebApp::write_once(Call& c, const std::function<HttpResponse()>& apply) {
  // The web user is the actor of the step and of every entity event it writes; afterwards the
  // process's own actor again (a daemon's ticks on the same store).
  ctx_.store.set_change_context(&ctx_.engine_clock, c.who->user.name);
  struct RestoreActor {
    WebContext& ctx;
    ~RestoreActor() { ctx.store.set_change_context(&ctx.engine_clock, ctx.process_actor); }
  } restore{ctx_};

  // Idempotency-Key: the answer is stored in the write's own transaction, so a retry after a
  // lost answer (or a crash) gets the first answer and the write is applied at most once.
  const auto key = c.q.header("idempotency-key");
  if (!key.empty())
    if (auto s = engine::utf8::check_text(key, "Idempotency-Key", 200); !s) return error_answer(s.error(), c.lang);
  const std::string digest = engine::token_digest(c.q.method + " " + c.q.path + "\n" + c.q.body);
  engine::WriteTransaction tx(ctx_.store);
  if (auto s = tx.begin(); !s) return error_answer(s.error(), c.lang);
  if (!key.empty()) {
    auto prior = ctx_.store.find_answer(c.who->user.id, key);
    if (!prior) return error_answer(prior.error(), c.lang);
    if (prior.value()) {
      if (prior.value()->request_digest != digest)
        return plain_error(422, "idempotency_key_reused",
                           Text{"该 Idempotency-Key 已用于另一个请求", "the Idempotency-Key was used for another request"}, c.lang);
      auto r = HttpResponse{prior.value()->status, "application/json; charset=utf-8", prior.value()->body, {}, {}};
      r.headers.emplace_back("Idempotent-Replayed", "true");
      return r;
    }
  }
  HttpResponse r = apply();
  if (r.status >= 500 || r.status == 409) return r;  // not stored: a retry may succeed
  if (!key.empty())
    if (auto s = ctx_.store.insert_answer(c.who->user.id, key, {digest, r.status, r.body}, ctx_.real.now()); !s)
      return error_answer(s.error(), c.lang);
  if (auto s = tx.commit(); !s) return error_answer(s.error(), c.lang);
  return r;
}

HttpResponse WebApp::due(Call& c) {
  int days = 30;
  if (const auto d = c.q.param("days"); !d.empty()) {
    auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), days);
    if (ec != std::errc{} || p != d.data() + d.size() || days < 0 || days > 3660)
      return plain_error(400, "invalid_input", Text{"days 应为 0 到 3660 的整数", "days must be an integer 0..3660"}, c.lang);
  }
  // limit=N: the first N by due date (the overview's list); the header X-Total-Count says how
  // many there are in all. 0 or absent: all of them.
  std::size_t limit = 0;
  if (const auto n = c.q.param("limit"); !n.empty()) {
    auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), limit);
    if (ec != std::errc{} || p != n.data() + n.size() || limit > 100000)
      return plain_error(400, "invalid_input", Text{"limit 应为 0 到 100000 的整数", "limit must be an integer 0..100000"},
                         c.lang);
  }
  const bool overdue = c.q.param("overdue") == "1";
  engine::DeadlineFilter f;
  f.branches = c.scope_filter();  // in the query: the user's subtree only
  f.limit = limit;
  f.skip_milestones = overdue;  // a milestone is never overdue (and takes no place in the first N)
  auto items = ctx_.engine.due(days, overdue, f);
  if (!items) return error_answer(items.error(), c.lang);
  std::int64_t total = static_cast<std::int64_t>(items.value().size());
  if (limit != 0 && items.value().size() == limit) {
    // The same window as Engine::due's.
    f.limit = 0;
    f.due_on_or_before = ctx_.engine.today().add_days(overdue ? -1 : days);
    const std::string key = memo_key({f.due_on_or_before->iso(), overdue ? "overdue" : ""}, f.branches);
    auto n = remembered(totals_memo_, ctx_.store.write_mark(), key, [&] { return ctx_.store.count_open_deadlines(f); });
    if (!n) return error_answer(n.error(), c.lang);
    total = n.value();
  }
  Json out = Json::array();
  for (const auto& it : items.value()) {
    if (!c.in_scope(it.c.branch)) continue;
    const auto* w = ctx_.workflows.find(it.c.workflow);
    if (w == nullptr) continue;
    out.push_back({{"case", it.c.id},
                   {"workflow", it.c.workflow},
                   {"workflow_label", tr(c.lang, w->title())},
                   {"subject", it.c.title},
                   {"branch", it.c.branch},
                   {"kind", it.deadline.kind},
                   {"label", tr(c.lang, w->deadline_label(it.deadline.kind))},
                   {"due", it.deadline.due.iso()},
                   {"days_left", it.days_left},
                   {"overdue", it.days_left < 0 && !it.deadline.milestone}});
  }
  auto r = json_answer(200, out);
  r.headers.emplace_back("X-Total-Count", std::to_string(total));
  return r;
}

}  // namespace djflow::cli
