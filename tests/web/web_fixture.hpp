// The web API tests' fixture (issue 11 §5): a seeded database made by the djflow binary, the
// server in this process on a thread (manual wall and business clocks), and a Beast client that
// keeps its cookie and CSRF token. Shared by web_api_test.cpp and web_timeline_test.cpp.
// As `djflow web` does, steps without an Idempotency-Key run on the server's worker thread with
// their own connection (decision 0134); a test's `tune` may turn that off (ctx.step_engine =
// nullptr, o.worker = false) to check the one-thread path.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <map>

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

namespace web_test {

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
inline void seed(const Djflow& d) {
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
  // `tune` may change the app's limits and the server's options before it starts.
  using Tune = std::function<void(djflow::cli::WebContext&, djflow::engine::runtime::HttpOptions&)>;
  explicit Server(const std::string& db, const Tune& tune = {})
      : real_(djflow::engine::TimePoint{std::chrono::seconds(1717200000)}),   // 2024-06-01
        business_(djflow::engine::TimePoint{std::chrono::seconds(1717200000)}) {
    auto s = djflow::storage::SqliteStore::open(db, djflow::storage::OpenMode::Existing);
    REQUIRE(s.ok());
    store_ = std::move(s.value());
    djflow::workflows::register_all(workflows_);
    engine_ = std::make_unique<djflow::engine::Engine>(*store_, business_, workflows_);
    REQUIRE(engine_->load().ok());
    auto s2 = djflow::storage::SqliteStore::open(db, djflow::storage::OpenMode::Existing);
    REQUIRE(s2.ok());
    step_store_ = std::move(s2.value());
    step_engine_ = std::make_unique<djflow::engine::Engine>(*step_store_, business_, workflows_);
    REQUIRE(step_engine_->load().ok());
    djflow::cli::WebContext ctx{.engine = *engine_,
                                .store = *store_,
                                .workflows = workflows_,
                                .real = real_,
                                .engine_clock = business_,
                                .tls = false,
                                .process_actor = {},
                                .step_engine = step_engine_.get(),
                                .step_store = step_store_.get()};
    djflow::engine::runtime::HttpOptions o;
    o.port = 0;
    o.handle_signals = false;
    o.body_limit = 64 * 1024;
    o.worker = true;
    if (tune) tune(ctx, o);
    app_ = std::make_unique<djflow::cli::WebApp>(ctx);
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
  // The engine's clock (business dates); move it between requests only.
  djflow::engine::ManualClock& business() { return business_; }
  // Call between requests only (the server's thread is then idle).
  std::int64_t autoindex_rows() const { return store_->test_autoindex_rows(); }

 private:
  djflow::engine::ManualClock real_;
  djflow::engine::ManualClock business_;
  std::unique_ptr<djflow::storage::SqliteStore> store_;
  djflow::engine::WorkflowRegistry workflows_;
  std::unique_ptr<djflow::engine::Engine> engine_;
  std::unique_ptr<djflow::storage::SqliteStore> step_store_;
  std::unique_ptr<djflow::engine::Engine> step_engine_;
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

}  // namespace web_test
