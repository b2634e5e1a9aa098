// Issue 11 §5: the JSON API over a real socket. The database is made by the djflow binary (the
// same commands a secretary types); the server runs in this process on a thread, with a manual
// wall clock for session expiry and rate limits, and is spoken to by a Beast client.
#include <catch2/catch.hpp>

#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "cli/web_app.hpp"
#include "storage/sqlite_store.hpp"
#include "support/cli_runner.hpp"
#include "workflows/registry.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using djflow::testing::Djflow;
using nlohmann::json;

namespace {

struct Reply {
  int status = 0;
  std::string body;
  http::response<http::string_body> raw;
  json j() const { return json::parse(body); }
  std::string header(const char* name) const { return std::string(raw[name]); }
};

// A database with two branches under one committee: B01 (张三 applying, case 1; 李老师 and
// 王老师 full members) and B02 (赵六 applying, case 2); users: sec1 (secretary of B01), view1
// (viewer of B01), sec2 (secretary of B02), boss (organiser of the committee D01).
void seed(const Djflow& d) {
  const std::string now = "--now=2024-06-01";
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "D01", "--name", "机关党委", "--kind", "committee"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部", "--parent", "D01"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B02", "--name", "第二党支部", "--parent", "D01"}).code == 0);
  REQUIRE(d.run({"person", "add", "李老师", "--branch", "B01", "--born", "1980-01-01", "--status", "full", "--joined", "2005-07-01"}).code == 0);
  REQUIRE(d.run({"person", "add", "王老师", "--branch", "B01", "--born", "1982-01-01", "--status", "full", "--joined", "2008-07-01"}).code == 0);
  REQUIRE(d.run({"person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"}).code == 0);
  REQUIRE(d.run({"person", "add", "赵六", "--branch", "B02", "--born", "2001-03-01"}).code == 0);
  REQUIRE(d.run({now, "member", "apply", "3", "--date", "2023-01-10"}).code == 0);
  REQUIRE(d.run({now, "member", "apply", "4", "--date", "2023-02-10"}).code == 0);
  REQUIRE(d.run({now, "record", "1", "talk", "--date", "2023-01-20"}).code == 0);
  REQUIRE(d.run({now, "record", "1", "activist", "--date", "2023-07-01"}).code == 0);
  REQUIRE(d.run({now, "record", "1", "mentors", "--date", "2023-07-02", "--with", "mentors=1,2"}).code == 0);
  for (const auto& [name, org, role] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"sec1", "B01", "secretary"}, {"view1", "B01", "viewer"}, {"sec2", "B02", "secretary"}, {"boss", "D01", "organiser"}}) {
    const std::string cmd = "printf 'password-" + name + "\\n' | env LANG=C.UTF-8 " + djflow::testing::shell_quote(std::getenv("DJFLOW_BIN")) +
                            " --db " + djflow::testing::shell_quote(d.db()) + " user add " + name + " --org " + org + " --role " + role +
                            " >/dev/null";
    REQUIRE(Djflow::sh(cmd) == 0);
  }
}

class Server {
 public:
  explicit Server(const std::string& db)
      : real_(djflow::engine::TimePoint{std::chrono::seconds(1717200000)}),   // 2024-06-01
        business_(djflow::engine::TimePoint{std::chrono::seconds(1717200000)}) {
    auto s = djflow::storage::SqliteStore::open(db, djflow::storage::OpenMode::Existing);
    REQUIRE(s.ok());
    store_ = std::move(s.value());
    djflow::workflows::register_all(workflows_);
    engine_ = std::make_unique<djflow::engine::Engine>(*store_, business_, workflows_);
    REQUIRE(engine_->load().ok());
    app_ = std::make_unique<djflow::cli::WebApp>(
        djflow::cli::WebContext{*engine_, *store_, workflows_, real_, business_});
    djflow::engine::runtime::HttpOptions o;
    o.port = 0;
    o.handle_signals = false;
    o.body_limit = 64 * 1024;
    server_ = std::make_unique<djflow::engine::runtime::HttpServer>(
        o, [this](const djflow::engine::runtime::HttpRequest& q) { return app_->handle(q); }, nullptr);
    REQUIRE(server_->start().ok());
    thread_ = std::thread([this] { server_->run(); });
  }
  ~Server() {
    server_->stop();
    thread_.join();
  }
  unsigned short port() const { return server_->port(); }
  djflow::engine::ManualClock& real() { return real_; }

 private:
  djflow::engine::ManualClock real_;
  djflow::engine::ManualClock business_;
  std::unique_ptr<djflow::storage::SqliteStore> store_;
  djflow::engine::WorkflowRegistry workflows_;
  std::unique_ptr<djflow::engine::Engine> engine_;
  std::unique_ptr<djflow::cli::WebApp> app_;
  std::unique_ptr<djflow::engine::runtime::HttpServer> server_;
  std::thread thread_;
};

// One browser (or script): keeps its cookie and CSRF token.
class Client {
 public:
  explicit Client(unsigned short port) : port_(port) {}

  Reply call(http::verb verb, const std::string& target, const std::string& body = "",
             std::vector<std::pair<std::string, std::string>> extra = {}) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!cookie_.empty()) req.set(http::field::cookie, cookie_);
    if (!csrf_.empty() && verb != http::verb::get) req.set("X-CSRF-Token", csrf_);
    for (const auto& [k, v] : extra) req.set(k, v);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    Reply r;
    http::read(stream, buf, r.raw);
    r.status = r.raw.result_int();
    r.body = r.raw.body();
    beast::error_code ec;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return r;
  }
  Reply get(const std::string& target) { return call(http::verb::get, target); }
  Reply post(const std::string& target, const json& body, std::vector<std::pair<std::string, std::string>> extra = {}) {
    return call(http::verb::post, target, body.dump(), std::move(extra));
  }
  Reply login(const std::string& name, const std::string& password) {
    auto r = post("/api/v1/login", {{"name", name}, {"password", password}});
    if (r.status == 200) {
      const auto set = r.header("Set-Cookie");
      cookie_ = set.substr(0, set.find(';'));
      csrf_ = r.j()["csrf"].get<std::string>();
    }
    return r;
  }
  void forget_csrf() { csrf_.clear(); }
  std::string cookie_;
  std::string csrf_;

 private:
  unsigned short port_;
};

}  // namespace

TEST_CASE("web: log in, read a case in scope, record a step, see a refusal with its article", "[web]") {
  Djflow d;
  seed(d);
  Server srv(d.db());
  Client sec(srv.port());

  CHECK(sec.get("/api/v1/cases/1").status == 401);                 // not logged in
  CHECK(sec.login("sec1", "wrong-password").status == 401);
  auto in = sec.login("sec1", "password-sec1");
  REQUIRE(in.status == 200);
  const auto cookie = in.header("Set-Cookie");
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(in.j()["user"]["role"] == "secretary");

  auto c = sec.get("/api/v1/cases/1?lang=zh");
  REQUIRE(c.status == 200);
  CHECK(c.j()["subject"] == "张三");
  CHECK(c.j()["state"] == "activist");
  CHECK(c.j()["history"].size() == 4);
  CHECK(c.j()["history"][1]["event_label"] == "派人谈话");
  // The same refusal as the command line: rule, article, first possible date (D12).
  auto refused = sec.post("/api/v1/cases/1/steps", {{"event", "propose"}, {"date", "2024-06-01"}});
  CHECK(refused.status == 422);
  auto e = refused.j()["error"];
  CHECK(e["rule"] == "D12");
  CHECK(e["possible_from"] == "2024-07-01");
  CHECK(e["message"].get<std::string>().find("张三") != std::string::npos);
  CHECK(e["article"].get<std::string>().find("第") != std::string::npos);
  CHECK(sec.get("/api/v1/cases/1").j()["history"].size() == 4);  // nothing written
  // A step the rules allow, recorded with the web user as the actor.
  auto ok = sec.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-01-05"}, {"note", "思想汇报 <b>"}});
  if (ok.status != 201) FAIL_CHECK(ok.body);
  auto after = sec.get("/api/v1/cases/1").j();
  REQUIRE(after["history"].size() == 5);
  CHECK(after["history"][4]["actor"] == "sec1");
  CHECK(after["history"][4]["note"] == "思想汇报 <b>");
  // Bad input: 400, unknown endpoint and unknown id: 404.
  CHECK(sec.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-02-30"}}).status == 400);
  CHECK(sec.call(http::verb::post, "/api/v1/cases/1/steps", "{not json").status == 400);
  CHECK(sec.get("/api/v1/cases/999999").status == 404);
  CHECK(sec.get("/api/v1/nothing").status == 404);
}

TEST_CASE("web: a user sees nothing outside their organisation's subtree, by list or by id", "[web]") {
  Djflow d;
  seed(d);
  Server srv(d.db());
  Client sec1(srv.port()), sec2(srv.port()), boss(srv.port());
  REQUIRE(sec1.login("sec1", "password-sec1").status == 200);
  REQUIRE(sec2.login("sec2", "password-sec2").status == 200);
  REQUIRE(boss.login("boss", "password-boss").status == 200);

  auto mine = sec1.get("/api/v1/cases").j();
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["subject"] == "张三");
  // B02's case by id guessing: the same 404 as a case that does not exist.
  auto other = sec1.get("/api/v1/cases/2");
  auto none = sec1.get("/api/v1/cases/424242");
  CHECK(other.status == 404);
  CHECK(other.body == none.body);
  CHECK(sec1.post("/api/v1/cases/2/steps", {{"event", "talk"}, {"date", "2023-02-20"}}).status == 404);
  CHECK(sec1.get("/api/v1/cases?org=B02").status == 404);
  for (const auto& item : sec1.get("/api/v1/due?days=3660").j()) CHECK(item["branch"] == "B01");
  CHECK(sec2.get("/api/v1/cases/1").status == 404);
  // The committee's organiser sees both branches.
  CHECK(boss.get("/api/v1/cases").j().size() == 2);
  CHECK(boss.get("/api/v1/orgs").j().size() == 3);
  CHECK(sec1.get("/api/v1/orgs").j().size() == 1);
}

TEST_CASE("web: roles, CSRF, logout, session expiry, API tokens", "[web]") {
  Djflow d;
  seed(d);
  auto tok = d.run({"--now=2024-06-01", "--json", "token", "add", "--user", "sec1", "--expires", "2024-06-30", "--label", "脚本"});
  REQUIRE(tok.code == 0);
  const std::string token = tok.json()["token"];
  Server srv(d.db());

  Client viewer(srv.port());
  REQUIRE(viewer.login("view1", "password-view1").status == 200);
  CHECK(viewer.get("/api/v1/cases/1").status == 200);
  CHECK(viewer.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-01-05"}}).status == 403);

  Client sec(srv.port());
  REQUIRE(sec.login("sec1", "password-sec1").status == 200);
  const std::string csrf = sec.csrf_;
  sec.forget_csrf();
  auto no_csrf = sec.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-01-05"}});
  CHECK(no_csrf.status == 403);
  CHECK(no_csrf.j()["error"]["kind"] == "csrf");
  CHECK(sec.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-01-05"}}, {{"X-CSRF-Token", "x" + csrf.substr(1)}}).status == 403);
  sec.csrf_ = csrf;
  CHECK(sec.get("/api/v1/me").j()["csrf"] == csrf);   // a reloaded page gets it back

  // A bearer token acts as its user without a cookie or CSRF token.
  Client script(srv.port());
  const std::pair<std::string, std::string> bearer{"Authorization", "Bearer " + token};
  CHECK(script.call(http::verb::get, "/api/v1/cases/1", "", {bearer}).status == 200);
  CHECK(script.call(http::verb::get, "/api/v1/cases/1", "", {{"Authorization", "Bearer nope"}}).status == 401);

  // Sessions end after 8 hours; tokens at the end of their last day.
  srv.real().advance(std::chrono::hours(9));
  CHECK(sec.get("/api/v1/me").status == 401);
  CHECK(viewer.get("/api/v1/me").status == 401);
  CHECK(script.call(http::verb::get, "/api/v1/me", "", {bearer}).status == 200);
  srv.real().advance(std::chrono::hours(24 * 30));
  CHECK(script.call(http::verb::get, "/api/v1/me", "", {bearer}).status == 401);

  // Logout revokes the session on the server, not only the cookie.
  Client again(srv.port());
  REQUIRE(again.login("sec1", "password-sec1").status == 200);
  const auto kept = again.cookie_;
  CHECK(again.post("/api/v1/logout", json::object()).status == 200);
  again.cookie_ = kept;
  CHECK(again.get("/api/v1/me").status == 401);
}

TEST_CASE("web: failed logins are limited per user, and the limit passes", "[web]") {
  Djflow d;
  seed(d);
  Server srv(d.db());
  Client c(srv.port());
  for (int i = 0; i < 5; ++i) CHECK(c.login("sec1", "wrong").status == 401);
  auto limited = c.login("sec1", "password-sec1");   // even the right password
  CHECK(limited.status == 429);
  CHECK(!limited.header("Retry-After").empty());
  CHECK(c.login("sec2", "password-sec2").status == 200);  // another user is not affected
  srv.real().advance(std::chrono::minutes(16));
  CHECK(c.login("sec1", "password-sec1").status == 200);
}

TEST_CASE("web: an Idempotency-Key applies a step at most once", "[web]") {
  Djflow d;
  seed(d);
  Server srv(d.db());
  Client sec(srv.port());
  REQUIRE(sec.login("sec1", "password-sec1").status == 200);
  const json step = {{"event", "review"}, {"date", "2024-01-05"}};
  auto first = sec.post("/api/v1/cases/1/steps", step, {{"Idempotency-Key", "k-1"}});
  REQUIRE(first.status == 201);
  auto second = sec.post("/api/v1/cases/1/steps", step, {{"Idempotency-Key", "k-1"}});
  CHECK(second.status == 201);
  CHECK(second.body == first.body);
  CHECK(second.header("Idempotent-Replayed") == "true");
  CHECK(sec.get("/api/v1/cases/1").j()["history"].size() == 5);
  auto reused = sec.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-01-06"}}, {{"Idempotency-Key", "k-1"}});
  CHECK(reused.status == 422);
  CHECK(sec.get("/api/v1/cases/1").j()["history"].size() == 5);
}

TEST_CASE("web: pages and answers carry the security headers, and size limits hold", "[web]") {
  Djflow d;
  seed(d);
  Server srv(d.db());
  Client c(srv.port());
  auto page = c.get("/");
  REQUIRE(page.status == 200);
  CHECK(page.header("Content-Type").find("text/html") == 0);
  CHECK(page.body.find("/app.js") != std::string::npos);
  CHECK(page.body.find("<script>") == std::string::npos);          // no inline script (CSP)
  const auto csp = page.header("Content-Security-Policy");
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(page.header("X-Content-Type-Options") == "nosniff");
  CHECK(page.header("Referrer-Policy") == "no-referrer");
  CHECK(c.get("/app.js").header("Content-Type").find("javascript") != std::string::npos);
  auto api = c.get("/api/v1/openapi.json");
  REQUIRE(api.status == 200);
  CHECK(api.j()["openapi"] == "3.0.3");
  CHECK(api.j()["paths"].contains("/api/v1/cases/{id}/steps"));
  CHECK(c.get("/api/v1/me").header("Cache-Control") == "no-store");
  // A body over the limit is refused before it is read whole.
  CHECK(c.call(http::verb::post, "/api/v1/login", std::string(100 * 1024, 'x')).status == 413);
  CHECK(c.call(http::verb::delete_, "/index.html").status == 405);
}

TEST_CASE("web: user commands refuse bad input and keep users in verify's history", "[web]") {
  Djflow d;
  seed(d);
  auto list = d.run({"--json", "user", "list"});
  REQUIRE(list.code == 0);
  CHECK(list.json().size() == 4);
  const std::string bin = djflow::testing::shell_quote(std::getenv("DJFLOW_BIN"));
  const std::string db = djflow::testing::shell_quote(d.db());
  CHECK(Djflow::sh("printf 'short\\n' | " + bin + " --db " + db + " user add x --org B01 --role viewer 2>/dev/null") == 2);
  CHECK(Djflow::sh("printf 'long-enough\\n' | " + bin + " --db " + db + " user add x --org B01 --role king 2>/dev/null") == 2);
  CHECK(Djflow::sh("printf 'long-enough\\n' | " + bin + " --db " + db + " user add x --org NOPE --role viewer 2>/dev/null") == 3);
  CHECK(Djflow::sh("printf 'long-enough\\n' | " + bin + " --db " + db + " user add sec1 --org B01 --role viewer 2>/dev/null") == 4);
  CHECK(d.run({"user", "disable", "nobody"}).code == 3);
  REQUIRE(d.run({"user", "disable", "view1"}).code == 0);
  {
    Server srv(d.db());
    Client c(srv.port());
    CHECK(c.login("view1", "password-view1").status == 401);
  }
  auto v = d.run({"verify"});
  CHECK(v.code == 0);
  // A role raised behind djflow's back is found.
  REQUIRE(Djflow::sh("/usr/bin/python3 -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
                     "c.execute('UPDATE users SET role=\\'admin\\' WHERE name=\\'view1\\''); c.commit()\" " + db) == 0);
  auto tampered = d.run({"verify"});
  CHECK(tampered.code == 4);
  CHECK(tampered.out.find("user") != std::string::npos);
}
