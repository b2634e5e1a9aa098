// Issue 11 §5: the JSON API over a real socket. The database is made by the djflow binary (the
// same commands a secretary types); the server runs in this process on a thread, with a manual
// wall clock for session expiry and rate limits, and is spoken to by a Beast client.
#include "web_fixture.hpp"

using namespace web_test;

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
  // The overview's funnel counts (count=branch,stage) agree with the cases listed, in scope only.
  for (Client* who : {&sec1, &boss}) {
    std::map<std::pair<std::string, std::string>, std::int64_t> listed;
    for (const auto& k : who->get("/api/v1/cases?workflow=member").j())
      ++listed[{k["branch"].get<std::string>(), k["stage"].get<std::string>()}];
    std::map<std::pair<std::string, std::string>, std::int64_t> counted;
    for (const auto& row : who->get("/api/v1/cases?workflow=member&count=branch,stage").j()) {
      CHECK(!row["stage_label"].get<std::string>().empty());
      counted[{row["branch"].get<std::string>(), row["stage"].get<std::string>()}] += row["count"].get<std::int64_t>();
    }
    CHECK(!counted.empty());
    CHECK(counted == listed);
  }
  for (const auto& row : sec1.get("/api/v1/cases?count=branch,stage").j()) CHECK(row["branch"] == "B01");
  // A secretary of the other branch counts only B02's case, never B01's.
  const auto theirs = sec2.get("/api/v1/cases?workflow=member&count=branch,stage").j();
  REQUIRE(theirs.size() == 1);
  CHECK(theirs[0]["branch"] == "B02");
  CHECK(theirs[0]["count"] == 1);
  CHECK(sec2.get("/api/v1/cases?count=branch,stage&org=B01").status == 404);
  // One organisation, one stage, and a search (counted from the listed cases) narrow the counts.
  const auto b02 = boss.get("/api/v1/cases?workflow=member&count=branch,stage&org=B02").j();
  REQUIRE(b02.size() == 1);
  CHECK(b02[0]["branch"] == "B02");
  const auto stage = b02[0]["stage"].get<std::string>();
  for (const auto& row : boss.get("/api/v1/cases?workflow=member&count=branch,stage&stage=" + stage).j())
    CHECK(row["stage"] == stage);
  const auto searched = boss.get("/api/v1/cases?workflow=member&count=branch,stage&q=%E8%B5%B5").j();  // 赵
  REQUIRE(searched.size() == 1);
  CHECK(searched[0]["branch"] == "B02");
  CHECK(sec1.get("/api/v1/cases?count=org").status == 400);

  // The counts are remembered only while nothing is written: a step by another process (the
  // command line) and one through the web both show in the next counts.
  auto stage_of_b02 = [&] {
    std::map<std::string, std::int64_t> out;
    for (const auto& row : boss.get("/api/v1/cases?workflow=member&count=branch,stage").j())
      if (row["branch"] == "B02") out[row["stage"].get<std::string>()] += row["count"].get<std::int64_t>();
    return out;
  };
  const auto before = stage_of_b02();
  REQUIRE(d.run({"--now=2024-06-01", "record", "2", "talk", "--date", "2023-02-20"}).code == 0);
  CHECK(stage_of_b02() == before);  // a talk leaves the stage
  REQUIRE(sec2.post("/api/v1/cases/2/steps", {{"event", "activist"}, {"date", "2023-08-01"}}).status == 201);
  const auto after = stage_of_b02();
  CHECK(after != before);
  CHECK(after.count("activist") == 1);
  // A new application in B02 by the command line: one more applicant.
  REQUIRE(d.run({"person", "add", "钱七", "--branch", "B02", "--born", "2001-01-01"}).code == 0);
  REQUIRE(d.run({"--now=2024-06-01", "member", "apply", "5", "--date", "2024-01-10"}).code == 0);
  const auto applied = stage_of_b02();
  CHECK(applied != after);
  CHECK(applied.count("activist") == 1);
  std::map<std::pair<std::string, std::string>, std::int64_t> listed, counted;
  for (const auto& k : boss.get("/api/v1/cases?workflow=member").j())
    ++listed[{k["branch"].get<std::string>(), k["stage"].get<std::string>()}];
  for (const auto& row : boss.get("/api/v1/cases?workflow=member&count=branch,stage").j())
    counted[{row["branch"].get<std::string>(), row["stage"].get<std::string>()}] += row["count"].get<std::int64_t>();
  CHECK(counted == listed);
}

TEST_CASE("web: the due list's first N, with the total in scope in X-Total-Count", "[web]") {
  Djflow d;
  seed(d);
  Server srv(d.db());
  Client sec1(srv.port()), boss(srv.port());
  REQUIRE(sec1.login("sec1", "password-sec1").status == 200);
  REQUIRE(boss.login("boss", "password-boss").status == 200);
  const auto all = boss.get("/api/v1/due?days=3660");
  REQUIRE(all.status == 200);
  const auto every = all.j();
  REQUIRE(every.size() >= 2);
  CHECK(all.header("X-Total-Count") == std::to_string(every.size()));
  const auto first = boss.get("/api/v1/due?days=3660&limit=1");
  REQUIRE(first.j().size() == 1);
  CHECK(first.j()[0] == every[0]);
  CHECK(first.header("X-Total-Count") == std::to_string(every.size()));
  // The secretary's total counts B01's deadlines only.
  std::size_t b01 = 0;
  for (const auto& item : every) b01 += item["branch"] == "B01" ? 1 : 0;
  REQUIRE(b01 >= 1);
  const auto mine = sec1.get("/api/v1/due?days=3660&limit=1");
  REQUIRE(mine.j().size() == 1);
  CHECK(mine.j()[0]["branch"] == "B01");
  CHECK(mine.header("X-Total-Count") == std::to_string(b01));
  // Overdue only: no milestone among them, and the total agrees with the full list.
  const auto overdue = boss.get("/api/v1/due?overdue=1").j();
  for (const auto& item : overdue) CHECK(item["overdue"] == true);
  CHECK(boss.get("/api/v1/due?overdue=1&limit=1").header("X-Total-Count") == std::to_string(overdue.size()));
  CHECK(boss.get("/api/v1/due?limit=x").status == 400);
  CHECK(boss.get("/api/v1/due?limit=-1").status == 400);
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

TEST_CASE("web: failed logins are limited per address too, whoever the user", "[web]") {
  Djflow d;
  seed(d);
  Server srv(d.db(), [](djflow::cli::WebContext& ctx, djflow::engine::runtime::HttpOptions&) {
    ctx.max_failures_per_address = 3;   // 20 by default; each failure costs a full PBKDF2
  });
  Client c(srv.port());
  // Three different names (two unknown): no single user reaches its limit of 5.
  CHECK(c.login("nobody-1", "wrong").status == 401);
  CHECK(c.login("nobody-2", "wrong").status == 401);
  CHECK(c.login("sec2", "wrong").status == 401);
  auto limited = c.login("sec1", "password-sec1");   // the right password of a fourth user
  CHECK(limited.status == 429);
  CHECK(limited.header("Retry-After") == "900");
  CHECK(limited.j()["error"]["kind"] == "rate_limited");
  srv.real().advance(std::chrono::minutes(16));
  CHECK(c.login("sec1", "password-sec1").status == 200);
}

TEST_CASE("web: keep-alive serves several requests on one connection, oversized headers get 431, slow bodies are cut", "[web]") {
  Djflow d;
  seed(d);
  Server srv(d.db(), [](djflow::cli::WebContext&, djflow::engine::runtime::HttpOptions& o) {
    o.read_timeout = std::chrono::milliseconds(300);
  });
  asio::io_context ioc;
  const asio::ip::tcp::endpoint at(asio::ip::make_address("127.0.0.1"), srv.port());
  const auto exchange = [](beast::tcp_stream& stream, http::request<http::string_body>& req) {
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    return res;
  };
  {  // keep-alive: three requests, one connection, each answered and the connection kept
    beast::tcp_stream stream(ioc);
    stream.connect(at);
    for (const char* target : {"/", "/app.js", "/api/v1/openapi.json"}) {
      http::request<http::string_body> req{http::verb::get, target, 11};
      req.set(http::field::host, "127.0.0.1");
      auto res = exchange(stream, req);
      CHECK(res.result_int() == 200);
      CHECK(res.keep_alive());
    }
  }
  {  // a header over 16 KiB: 431 and the connection closed
    beast::tcp_stream stream(ioc);
    stream.connect(at);
    http::request<http::string_body> req{http::verb::get, "/", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set("X-Padding", std::string(20 * 1024, 'x'));
    auto res = exchange(stream, req);
    CHECK(res.result_int() == 431);
    CHECK(!res.keep_alive());
  }
  {  // a body announced but never sent: once the read timeout passes the connection is cut,
     // with no answer (the stream closes the socket when its timer expires)
    beast::tcp_stream stream(ioc);
    stream.connect(at);
    const std::string head = "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             "Content-Length: 100\r\n\r\n{\"name\":";
    asio::write(stream.socket(), asio::buffer(head));
    char byte = 0;
    beast::error_code ec;
    const auto n = stream.socket().read_some(asio::buffer(&byte, 1), ec);
    CHECK(n == 0);
    CHECK((ec == asio::error::eof || ec == asio::error::connection_reset));
  }
  // The server still answers after all that.
  Client c(srv.port());
  CHECK(c.login("sec1", "password-sec1").status == 200);
}

TEST_CASE("web: a step while another process holds the database answers 503, and nothing is written", "[web]") {
  Djflow d;
  seed(d);
  Server srv(d.db());
  Client sec(srv.port());
  REQUIRE(sec.login("sec1", "password-sec1").status == 200);
  const auto steps = [&] { return sec.get("/api/v1/cases/1").j()["history"].size(); };
  const auto before = steps();
  {
    // Another process's write transaction, held past the server's busy timeout (5 s).
    auto other = djflow::storage::SqliteStore::open(d.db(), djflow::storage::OpenMode::Existing);
    REQUIRE(other.ok());
    REQUIRE(other.value()->begin_write().ok());
    auto busy = sec.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-01-05"}}, {{"Idempotency-Key", "k-busy"}});
    CHECK(busy.status == 503);
    CHECK(busy.j()["error"]["kind"] == "storage");
    other.value()->rollback();
  }
  CHECK(steps() == before);
  // Not stored under its Idempotency-Key: the retry is applied.
  auto retry = sec.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-01-05"}}, {{"Idempotency-Key", "k-busy"}});
  CHECK(retry.status == 201);
  CHECK(steps() == before + 1);
}

TEST_CASE("web: the overview's reads build no automatic index, in a subtree or in all", "[web]") {
  // docs/performance.md "Third round": an automatic index SQLite built per execution (on
  // branches.parent, for the full members of each organisation) made GET /api/v1/terms 2.3 ms a
  // count on the 100,000-case database.
  Djflow d;
  seed(d);
  Server srv(d.db());
  for (const auto& [user, orgs] : std::vector<std::pair<std::string, std::size_t>>{{"sec1", 1}, {"boss", 3}}) {
    Client c(srv.port());
    REQUIRE(c.login(user, "password-" + user).status == 200);
    auto terms = c.get("/api/v1/terms");
    REQUIRE(terms.status == 200);
    CHECK(terms.j().size() == orgs);
    for (const auto& t : terms.j())
      if (t["code"] == "B01") CHECK(t["full_members"] == 2);
      else if (t["code"] == "D01") CHECK(t["full_members"] == 2);   // counted down its tree
      else CHECK(t["full_members"] == 0);
    for (const char* path : {"/api/v1/cases?workflow=member&count=branch,stage", "/api/v1/due?days=30&limit=20",
                             "/api/v1/terms?within=183", "/api/v1/rectify/batches", "/api/v1/cases/1", "/api/v1/people"})
      CHECK(c.get(path).status == 200);
  }
  CHECK(srv.autoindex_rows() == 0);
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
  // English output with ASCII punctuation, Chinese with Chinese.
  auto off = d.run({"--lang", "en", "user", "disable", "view1"});
  REQUIRE(off.code == 0);
  CHECK(off.out == "user disabled: view1 (B01, viewer)\n");
  auto again = d.run({"--lang", "zh", "user", "disable", "view1"});
  REQUIRE(again.code == 0);
  CHECK(again.out == "已停用用户：view1（B01，查看人员）\n");
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

namespace {

struct Ledger {
  int batch_a = 0, item_a = 0, item_a2 = 0;  // B01's inspection and two of its items
  int batch_b = 0, item_b = 0;               // B02's
};

// The ledger by the command line, as an office keeps it: one inspection per branch.
Ledger seed_rectify(const Djflow& d) {
  auto json_of = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--json", "--now=2024-06-01"});
    auto r = d.run(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return r.json();
  };
  Ledger l;
  l.batch_a = json_of({"rectify", "batch", "add", "--source", "circuit-inspection", "--org", "B01", "--feedback", "2024-05-01"})["id"];
  l.batch_b = json_of({"rectify", "batch", "add", "--source", "audit", "--org", "B02", "--feedback", "2024-05-02"})["id"];
  auto item = [&](int batch, const std::string& problem, const std::string& owner, const std::string& deadline) {
    return json_of({"rectify", "add", "--batch", std::to_string(batch), "--problem", problem, "--measures", "逐项整改",
                    "--leader", "王书记", "--department", "党办", "--owner", owner, "--type", "deadline", "--deadline",
                    deadline, "--date", "2024-05-10"})["id"]
        .get<int>();
  };
  l.item_a = item(l.batch_a, "三会一课记录不全", "李老师", "2024-06-20");
  l.item_a2 = item(l.batch_a, "<script>alert(1)</script>党费台账", "王老师", "2024-12-31");
  l.item_b = item(l.batch_b, "第二支部的问题", "赵六", "2024-07-01");
  return l;
}

}  // namespace

TEST_CASE("web: the rectification ledger is read within the user's subtree", "[web][rectify]") {
  Djflow d;
  seed(d);
  const auto l = seed_rectify(d);
  Server srv(d.db());
  Client sec1(srv.port()), sec2(srv.port()), boss(srv.port());
  REQUIRE(sec1.login("sec1", "password-sec1").status == 200);
  REQUIRE(sec2.login("sec2", "password-sec2").status == 200);
  REQUIRE(boss.login("boss", "password-boss").status == 200);

  auto batches = sec1.get("/api/v1/rectify/batches?lang=zh").j();
  REQUIRE(batches.size() == 1);
  CHECK(batches[0]["id"] == l.batch_a);
  CHECK(batches[0]["source_label"] == "巡察");
  CHECK(batches[0]["items"] == 2);
  CHECK(batches[0]["closed"] == 0);
  CHECK(boss.get("/api/v1/rectify/batches").j().size() == 2);

  // The list: the command line's fields (rectify list --json) with labels, only B01's items.
  auto items = sec1.get("/api/v1/rectify/items?lang=zh").j();
  REQUIRE(items.size() == 2);
  CHECK(items[0]["id"] == l.item_a);
  CHECK(items[0]["days_left"] == 19);
  CHECK(items[0]["deadline"] == "2024-06-20");
  CHECK(items[0]["owner"] == "李老师");
  CHECK(items[0]["state_label"] == "已登记");
  CHECK(items[1]["problem"] == "<script>alert(1)</script>党费台账");   // stored and answered as text
  CHECK(sec1.get("/api/v1/rectify/items?owner=王老师").j().size() == 1);
  CHECK(sec1.get("/api/v1/rectify/items?status=open").j().size() == 2);
  CHECK(sec1.get("/api/v1/rectify/items?status=closed").j().empty());
  CHECK(sec1.get("/api/v1/rectify/items?batch=" + std::to_string(l.batch_a)).j().size() == 2);
  CHECK(sec1.get("/api/v1/rectify/items?status=bogus").status == 400);
  CHECK(sec1.get("/api/v1/rectify/items?batch=x").status == 400);
  CHECK(sec1.get("/api/v1/rectify/items?org=B02").status == 404);
  CHECK(boss.get("/api/v1/rectify/items?org=B02").j().size() == 1);

  // One item: registration, progress, evidence, extensions, the ledger row and the case.
  auto one = sec1.get("/api/v1/rectify/items/" + std::to_string(l.item_a) + "?lang=zh");
  REQUIRE(one.status == 200);
  CHECK(one.j()["item"]["measures"] == "逐项整改");
  CHECK(one.j()["batch"]["id"] == l.batch_a);
  CHECK(one.j()["ledger"]["责任人"] == "李老师");
  CHECK(one.j()["case"]["history"][0]["event_label"] == "登记整改事项");
  CHECK(one.j()["progress"].empty());

  // B02's item by id guessing, a member case as an item, an id that does not exist: one 404.
  auto other = sec1.get("/api/v1/rectify/items/" + std::to_string(l.item_b));
  auto none = sec1.get("/api/v1/rectify/items/987654");
  CHECK(other.status == 404);
  CHECK(other.body == none.body);
  CHECK(sec1.get("/api/v1/rectify/items/1").status == 404);
  CHECK(sec2.get("/api/v1/rectify/items/" + std::to_string(l.item_b)).status == 200);
  CHECK(sec1.get("/api/v1/cases/" + std::to_string(l.item_b)).status == 404);
}

TEST_CASE("web: the ledger exports as the command line's CSV, within the subtree", "[web][rectify]") {
  Djflow d;
  seed(d);
  const auto l = seed_rectify(d);
  Server srv(d.db());
  Client sec1(srv.port()), boss(srv.port());
  REQUIRE(sec1.login("sec1", "password-sec1").status == 200);
  REQUIRE(boss.login("boss", "password-boss").status == 200);

  auto all = sec1.get("/api/v1/rectify/export.csv");
  REQUIRE(all.status == 200);
  CHECK(all.header("Content-Type").find("text/csv") == 0);
  CHECK(all.header("Content-Disposition").find("attachment") == 0);
  CHECK(all.body.rfind("\xEF\xBB\xBF", 0) == 0);                      // UTF-8 with BOM
  CHECK(all.body.find("批次,序号,问题来源") != std::string::npos);        // as rectify export --all
  CHECK(all.body.find("三会一课记录不全") != std::string::npos);
  CHECK(all.body.find("第二支部的问题") == std::string::npos);           // B02's item: not in B01's export

  // One batch: byte for byte what `djflow rectify export --batch ID` writes.
  auto one = boss.get("/api/v1/rectify/export.csv?batch=" + std::to_string(l.batch_b));
  REQUIRE(one.status == 200);
  auto cli = d.run({"--now=2024-06-01", "rectify", "export", "--batch", std::to_string(l.batch_b)});
  REQUIRE(cli.code == 0);
  CHECK(one.body == cli.out);
  CHECK(sec1.get("/api/v1/rectify/export.csv?batch=" + std::to_string(l.batch_b)).status == 404);
  CHECK(sec1.get("/api/v1/rectify/export.csv?batch=nope").status == 400);
}

TEST_CASE("web: ledger writes: registration and steps with the command line's refusals and access", "[web][rectify]") {
  Djflow d;
  seed(d);
  const auto l = seed_rectify(d);
  Server srv(d.db());
  Client sec1(srv.port()), viewer(srv.port());
  REQUIRE(sec1.login("sec1", "password-sec1").status == 200);
  REQUIRE(viewer.login("view1", "password-view1").status == 200);
  const json item = {{"batch", l.batch_a}, {"problem", "主题党日未按月开展"}, {"measures", "制定年度计划"},
                     {"leader", "王书记"}, {"department", "党办"}, {"owner", "李老师"}, {"type", "限期整改"},
                     {"deadline", "2024-09-30"}, {"date", "2024-06-01"}};

  // Access: a viewer 403, no CSRF token 403, another branch's batch or organisation 404.
  CHECK(viewer.post("/api/v1/rectify/items", item).status == 403);
  CHECK(viewer.post("/api/v1/rectify/batches", {{"source", "audit"}, {"org", "B01"}, {"feedback", "2024-06-01"}}).status == 403);
  const auto csrf = sec1.csrf_;
  sec1.forget_csrf();
  CHECK(sec1.post("/api/v1/rectify/items", item).status == 403);
  sec1.csrf_ = csrf;
  json theirs = item;
  theirs["batch"] = l.batch_b;
  CHECK(sec1.post("/api/v1/rectify/items", theirs).status == 404);
  json elsewhere = item;
  elsewhere["org"] = "B02";
  CHECK(sec1.post("/api/v1/rectify/items", elsewhere).status == 404);
  CHECK(sec1.post("/api/v1/rectify/batches", {{"source", "audit"}, {"org", "B02"}, {"feedback", "2024-06-01"}}).status == 404);

  // Bad input 400; the rule's refusal 422 with rule and article, as `rectify add` (Z-ITEM).
  CHECK(sec1.post("/api/v1/rectify/items", {{"batch", l.batch_a}}).status == 400);
  json no_deadline = item;
  no_deadline.erase("deadline");
  auto refused = sec1.post("/api/v1/rectify/items", no_deadline);
  CHECK(refused.status == 422);
  CHECK(refused.j()["error"]["rule"] == "Z-ITEM");
  CHECK(sec1.get("/api/v1/rectify/items").j().size() == 2);   // nothing written

  // Registered, once, with an Idempotency-Key.
  auto added = sec1.post("/api/v1/rectify/items", item, {{"Idempotency-Key", "item-1"}});
  REQUIRE(added.status == 201);
  CHECK(added.j()["seq"] == 3);
  auto again = sec1.post("/api/v1/rectify/items", item, {{"Idempotency-Key", "item-1"}});
  CHECK(again.body == added.body);
  CHECK(again.header("Idempotent-Replayed") == "true");
  CHECK(sec1.get("/api/v1/rectify/items").j().size() == 3);
  const std::string id = std::to_string(added.j()["id"].get<int>());
  auto batch = sec1.post("/api/v1/rectify/batches", {{"source", "组织生活会"}, {"org", "B01"}, {"feedback", "2024-05-30"}});
  REQUIRE(batch.status == 201);
  CHECK(batch.j()["source"] == "org-life-meeting");
  CHECK(batch.j()["title"] == "组织生活会整改");

  // The item's steps: start, progress with evidence, an extension requested and approved; the
  // approver may not be the responsible person (the command line's refusal).
  const std::string steps = "/api/v1/cases/" + id + "/steps";
  REQUIRE(sec1.post(steps, {{"event", "start"}, {"date", "2024-06-01"}}).status == 201);
  REQUIRE(sec1.post(steps, {{"event", "progress"}, {"date", "2024-06-01"}, {"note", "已制定计划"}, {"with", {{"evidence", "计划文件"}}}}).status == 201);
  REQUIRE(sec1.post(steps, {{"event", "request-extension"}, {"date", "2024-06-01"}, {"note", "需上级审批"}, {"with", {{"to", "2024-10-31"}}}}).status == 201);
  auto by_owner = sec1.post(steps, {{"event", "approve-extension"}, {"date", "2024-06-01"}, {"with", {{"approver", "李老师"}}}});
  CHECK(by_owner.status == 422);
  CHECK(by_owner.j()["error"]["rule"] == "Z-ITEM");
  CHECK(by_owner.j()["error"]["article"].is_string());
  CHECK(viewer.post(steps, {{"event", "approve-extension"}, {"date", "2024-06-01"}, {"with", {{"approver", "王书记"}}}}).status == 403);
  REQUIRE(sec1.post(steps, {{"event", "approve-extension"}, {"date", "2024-06-01"}, {"with", {{"approver", "王书记"}}}}).status == 201);
  auto page = sec1.get("/api/v1/rectify/items/" + id).j();
  CHECK(page["item"]["deadline"] == "2024-10-31");
  REQUIRE(page["progress"].size() == 1);
  CHECK(page["progress"][0]["actor"] == "sec1");
  CHECK(page["evidence"][0]["evidence"] == "计划文件");
  REQUIRE(page["extensions"].size() == 2);
  CHECK(page["extensions"][0]["to"] == "2024-10-31");
  CHECK(page["extensions"][1]["approver"] == "王书记");
  CHECK(d.run({"verify"}).code == 0);
}

TEST_CASE("web: terms and elections: days left, an election's counts, the command line's refusals", "[web][election]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({"--now=2024-06-01", "branch", "term", "B01", "--start", "2021-06-10"}).code == 0);   // ends 2024-06-10
  REQUIRE(d.run({"--now=2024-06-01", "branch", "term", "B02", "--start", "2022-01-01"}).code == 0);   // ends 2025-01-01
  Server srv(d.db());
  Client sec1(srv.port()), sec2(srv.port()), viewer(srv.port()), boss(srv.port());
  REQUIRE(sec1.login("sec1", "password-sec1").status == 200);
  REQUIRE(sec2.login("sec2", "password-sec2").status == 200);
  REQUIRE(viewer.login("view1", "password-view1").status == 200);
  REQUIRE(boss.login("boss", "password-boss").status == 200);

  // Terms: as `election list --json`, in scope, with a colour by days left.
  auto mine = sec1.get("/api/v1/terms").j();
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["code"] == "B01");
  CHECK(mine[0]["term"]["end"] == "2024-06-10");
  CHECK(mine[0]["term"]["days_left"] == 9);
  CHECK(mine[0]["term"]["colour"] == "yellow");
  auto all = boss.get("/api/v1/terms").j();
  REQUIRE(all.size() == 3);
  CHECK(all[1]["term"]["colour"] == "green");    // B02: 214 days, over 6 months
  CHECK(all[2]["term"].is_null());                // D01: no term recorded, last
  CHECK(boss.get("/api/v1/terms?within=30").j().size() == 1);
  CHECK(boss.get("/api/v1/terms?within=x").status == 400);

  // Starting an election: secretary or above, own subtree only, the command line's refusals.
  CHECK(viewer.post("/api/v1/elections", {{"org", "B01"}}).status == 403);
  CHECK(sec1.post("/api/v1/elections", {{"org", "B02"}}).status == 404);
  CHECK(sec1.post("/api/v1/elections", {{"org", "D01"}}).status == 404);
  CHECK(boss.post("/api/v1/elections", {{"org", "D01"}}).status == 404);   // no term recorded
  CHECK(sec1.post("/api/v1/elections", {{"org", "B01"}, {"committee", "maybe"}}).status == 400);
  const auto csrf = sec1.csrf_;
  sec1.forget_csrf();
  CHECK(sec1.post("/api/v1/elections", {{"org", "B01"}}).status == 403);
  sec1.csrf_ = csrf;
  auto started = sec1.post("/api/v1/elections", {{"org", "B01"}, {"date", "2024-03-01"}});
  REQUIRE(started.status == 201);
  CHECK(started.j()["state"] == "preparing");
  CHECK(sec1.post("/api/v1/elections", {{"org", "B01"}, {"date", "2024-03-02"}}).status == 422);  // already open
  const std::string id = std::to_string(started.j()["id"].get<int>());
  CHECK(sec1.get("/api/v1/terms").j()[0]["election"]["case"] == started.j()["id"]);

  // Its steps, with the rules' refusals (a branch without a committee elects 1 or 2: E3).
  const std::string steps = "/api/v1/cases/" + id + "/steps";
  REQUIRE(sec1.post(steps, {{"event", "request"}, {"date", "2024-03-05"}, {"ref", "支〔2024〕1号"}}).status == 201);
  REQUIRE(sec1.post(steps, {{"event", "reply"}, {"date", "2024-03-15"}, {"ref", "委〔2024〕2号"}}).status == 201);
  REQUIRE(sec1.post(steps, {{"event", "nominate"}, {"date", "2024-03-20"}}).status == 201);
  auto too_many = sec1.post(steps, {{"event", "candidates"}, {"date", "2024-04-01"}, {"with", {{"seats", "3"}, {"nominees", "李老师,王老师,张三,赵六"}}}});
  CHECK(too_many.status == 422);
  CHECK(too_many.j()["error"]["rule"] == "E3");
  CHECK(too_many.j()["error"]["article"].get<std::string>().find("第") != std::string::npos);
  REQUIRE(sec1.post(steps, {{"event", "candidates"}, {"date", "2024-04-01"}, {"with", {{"seats", "1"}, {"nominees", "李老师,王老师"}}}}).status == 201);
  REQUIRE(sec1.post(steps, {{"event", "candidates-approved"}, {"date", "2024-04-10"}, {"ref", "委〔2024〕3号"}}).status == 201);
  auto voted = sec1.post(steps, {{"event", "meeting"}, {"date", "2024-06-01"},
                                 {"with", {{"should-attend", "2"}, {"present", "2"}, {"issued", "2"}, {"returned", "2"}, {"votes", "李老师:2,王老师:0"}}}});
  if (voted.status != 201) FAIL_CHECK(voted.body);

  // The election's page: its facts and each meeting's counts with the result.
  auto page = sec1.get("/api/v1/elections/" + id + "?lang=zh");
  REQUIRE(page.status == 200);
  auto j = page.j();
  CHECK(j["facts"]["seats"] == 1);
  CHECK(j["facts"]["nominees"].size() == 2);
  CHECK(j["facts"]["elected"] == json::array({"李老师"}));
  REQUIRE(j["meetings"].size() == 1);
  CHECK(j["meetings"][0]["present"] == 2);
  CHECK(j["meetings"][0]["votes"][0] == json({{"name", "李老师"}, {"yes", 2}}));
  CHECK(j["meetings"][0]["elected"] == json::array({"李老师"}));
  CHECK(j["case"]["history"].back()["actor"] == "sec1");
  // Another branch by id guessing, a term or member case as an election: one 404.
  auto other = sec2.get("/api/v1/elections/" + id);
  CHECK(other.status == 404);
  CHECK(other.body == sec2.get("/api/v1/elections/987654").body);
  CHECK(sec1.get("/api/v1/elections/1").status == 404);
  auto verified = d.run({"verify"});
  INFO(verified.out << verified.err);
  CHECK(verified.code == 0);
}

TEST_CASE("web: reminders: notifications in scope, channels, failed deliveries and retry for admins only", "[web][notify]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({"--now=2024-06-01T09:00", "tick"}).code == 0);   // the reminders due by then
  REQUIRE(d.run({"notify", "add", "file", d.db() + ".reminders.jsonl", "--name", "台账文件"}).code == 0);
  const std::string admin_cmd = "printf 'password-root\\n' | env LANG=C.UTF-8 " +
                                djflow::testing::shell_quote(std::getenv("DJFLOW_BIN")) + " --db " +
                                djflow::testing::shell_quote(d.db()) + " user add root --org D01 --role admin >/dev/null";
  REQUIRE(Djflow::sh(admin_cmd) == 0);
  // One delivery that failed for good (what the daemon writes after its last attempt).
  std::int64_t dead_id = 0;
  {
    auto s = djflow::storage::SqliteStore::open(d.db(), djflow::storage::OpenMode::Existing);
    REQUIRE(s.ok());
    auto notes = s.value()->notifications_since(0, 0);
    REQUIRE(notes.ok());
    REQUIRE(!notes.value().empty());
    auto chans = s.value()->list_channels(false);
    REQUIRE(chans.ok());
    djflow::engine::Delivery dl;
    dl.notification_id = notes.value().front().id;
    dl.channel_id = chans.value().front().id;
    dl.status = djflow::engine::DeliveryStatus::Dead;
    dl.attempts = 8;
    dl.last_error = "disk full";
    REQUIRE(s.value()->insert_delivery(dl).ok());
    auto rows = s.value()->list_deliveries({});
    REQUIRE(rows.ok());
    dead_id = rows.value().front().d.id;
  }
  Server srv(d.db());
  Client sec1(srv.port()), sec2(srv.port()), root(srv.port());
  REQUIRE(sec1.login("sec1", "password-sec1").status == 200);
  REQUIRE(sec2.login("sec2", "password-sec2").status == 200);
  REQUIRE(root.login("root", "password-root").status == 200);

  auto mine = sec1.get("/api/v1/notifications?lang=zh").j();
  REQUIRE(!mine.empty());
  for (const auto& n : mine) CHECK(n["branch"] == "B01");
  CHECK(mine[0]["text"].get<std::string>().find("张三") != std::string::npos);
  for (const auto& n : sec2.get("/api/v1/notifications").j()) CHECK(n["branch"] == "B02");
  CHECK(sec1.get("/api/v1/notifications?limit=0").status == 400);

  auto chans = sec1.get("/api/v1/channels").j();
  REQUIRE(chans.size() == 1);
  CHECK(chans[0]["name"] == "台账文件");
  CHECK(chans[0]["dead"] == 1);
  CHECK(chans[0]["state"] == "failing");
  CHECK(!chans[0].contains("target"));                       // only an admin sees where it goes
  CHECK(root.get("/api/v1/channels").j()[0].contains("target"));

  // Failed deliveries and their retry: admin only (others 403), with CSRF.
  CHECK(sec1.get("/api/v1/deliveries/dead").status == 403);
  CHECK(sec1.post("/api/v1/deliveries/retry", {{"all", true}}).status == 403);
  auto dead = root.get("/api/v1/deliveries/dead");
  REQUIRE(dead.status == 200);
  REQUIRE(dead.j().size() == 1);
  CHECK(dead.j()[0]["last_error"] == "disk full");
  const auto csrf = root.csrf_;
  root.forget_csrf();
  CHECK(root.post("/api/v1/deliveries/retry", {{"ids", {dead_id}}}).status == 403);
  root.csrf_ = csrf;
  CHECK(root.post("/api/v1/deliveries/retry", json::object()).status == 400);
  auto retried = root.post("/api/v1/deliveries/retry", {{"ids", {dead_id}}});
  REQUIRE(retried.status == 200);
  CHECK(retried.j()["requeued"] == 1);
  CHECK(root.get("/api/v1/deliveries/dead").j().empty());
  CHECK(root.get("/api/v1/channels").j()[0]["pending"] == 1);
  CHECK(root.post("/api/v1/deliveries/retry", {{"ids", {dead_id}}}).status == 404);   // nothing dead any more
}

TEST_CASE("web: one case's verify status finds that case's tampering only", "[web][verify]") {
  Djflow d;
  seed(d);
  Server srv(d.db());
  Client sec1(srv.port()), sec2(srv.port());
  REQUIRE(sec1.login("sec1", "password-sec1").status == 200);
  REQUIRE(sec2.login("sec2", "password-sec2").status == 200);
  auto good = sec1.get("/api/v1/cases/1/verify?lang=zh");
  REQUIRE(good.status == 200);
  CHECK(good.j()["ok"] == true);
  CHECK(good.j()["chain_ok"] == true);
  CHECK(good.j()["replay_ok"] == true);
  CHECK(good.j()["events"] == 4);
  CHECK(sec1.get("/api/v1/cases/2/verify").status == 404);   // B02's case by id guessing
  CHECK(sec1.get("/api/v1/cases/2/verify").body == sec1.get("/api/v1/cases/424242/verify").body);
  // A note edited behind djflow's back breaks case 1's chain, and only case 1's.
  REQUIRE(Djflow::sh("/usr/bin/python3 -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
                     "c.execute('DROP TRIGGER IF EXISTS events_no_update'); "
                     "c.execute('UPDATE events SET note=\\'改过\\' WHERE case_id=1 AND seq=2'); c.commit()\" " +
                     djflow::testing::shell_quote(d.db())) == 0);
  auto bad = sec1.get("/api/v1/cases/1/verify").j();
  CHECK(bad["ok"] == false);
  CHECK(bad["chain_ok"] == false);
  REQUIRE(!bad["problems"].empty());
  CHECK(bad["problems"][0].get<std::string>().find("event 2") != std::string::npos);
  CHECK(sec2.get("/api/v1/cases/2/verify").j()["ok"] == true);
}

TEST_CASE("web: starting a member development case: people in scope, the command line's refusals", "[web][start]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({"person", "add", "孙七", "--branch", "B01", "--born", "2001-04-01"}).code == 0);    // person 5
  REQUIRE(d.run({"person", "add", "小王", "--branch", "B01", "--born", "2010-01-01"}).code == 0);    // person 6: 14
  Server srv(d.db());
  Client sec1(srv.port()), viewer(srv.port());
  REQUIRE(sec1.login("sec1", "password-sec1").status == 200);
  REQUIRE(viewer.login("view1", "password-view1").status == 200);

  auto people = sec1.get("/api/v1/people").j();
  CHECK(people.size() == 5);                                  // B01's only
  for (const auto& p : people) CHECK(p["branch"] == "B01");
  CHECK(sec1.get("/api/v1/people?q=孙").j().size() == 1);
  CHECK(sec1.get("/api/v1/people?org=B02").status == 404);

  CHECK(viewer.post("/api/v1/cases", {{"person", 5}}).status == 403);
  CHECK(sec1.post("/api/v1/cases", {{"person", 4}}).status == 404);          // 赵六, B02
  CHECK(sec1.post("/api/v1/cases", {{"person", 5}, {"workflow", "rectify"}}).status == 400);
  CHECK(sec1.post("/api/v1/cases", {{"person", "孙七"}}).status == 400);
  const auto csrf = sec1.csrf_;
  sec1.forget_csrf();
  CHECK(sec1.post("/api/v1/cases", {{"person", 5}}).status == 403);
  sec1.csrf_ = csrf;
  // Under 18: the same refusal as `member apply` (rule and article).
  auto young = sec1.post("/api/v1/cases", {{"person", 6}, {"date", "2024-05-20"}});
  CHECK(young.status == 422);
  CHECK(young.j()["error"]["article"].get<std::string>().find("第") != std::string::npos);
  CHECK(young.j()["error"]["rule"] == "D1");
  CHECK(young.j()["error"]["possible_from"] == "2028-01-01");
  CHECK(d.run({"member", "apply", "6", "--date", "2024-05-20"}).code == 1);   // the command line agrees
  auto started = sec1.post("/api/v1/cases", {{"person", 5}, {"date", "2024-05-20"}, {"note", "递交入党申请书"}},
                           {{"Idempotency-Key", "apply-5"}});
  REQUIRE(started.status == 201);
  CHECK(started.j()["state"] == "applicant");
  CHECK(started.j()["history"][0]["actor"] == "sec1");
  CHECK(sec1.post("/api/v1/cases", {{"person", 5}, {"date", "2024-05-20"}, {"note", "递交入党申请书"}},
                  {{"Idempotency-Key", "apply-5"}}).body == started.body);
  CHECK(sec1.post("/api/v1/cases", {{"person", 5}, {"date", "2024-05-21"}}).status == 422);   // already open
  CHECK(sec1.get("/api/v1/cases?workflow=member").j().size() == 2);
}

// The token or session and its user are read together on every request (issue 11 §5): a user
// disabled behind the web's back, a revoked token or session, are refused at the next request,
// and a user enabled again is let in again (nothing about them is remembered between requests).
TEST_CASE("web: a disabled user, a revoked token or session, are refused at the next request", "[web]") {
  Djflow d;
  seed(d);
  auto tok = d.run({"--now=2024-06-01", "--json", "token", "add", "--user", "sec1", "--expires", "2024-06-30", "--label", "脚本"});
  REQUIRE(tok.code == 0);
  const std::pair<std::string, std::string> bearer{"Authorization", "Bearer " + tok.json()["token"].get<std::string>()};
  Server srv(d.db());
  Client browser(srv.port()), script(srv.port());
  REQUIRE(browser.login("sec1", "password-sec1").status == 200);
  const auto sql = [&](const std::string& statement) {
    REQUIRE(Djflow::sh("/usr/bin/python3 -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()\" " +
                       djflow::testing::shell_quote(d.db()) + " " + djflow::testing::shell_quote(statement)) == 0);
  };
  const auto me = [&](Client& c, bool token) {
    return token ? c.call(http::verb::get, "/api/v1/me", "", {bearer}) : c.get("/api/v1/me");
  };
  const json step = {{"event", "review"}, {"date", "2024-01-05"}};
  CHECK(me(browser, false).j()["name"] == "sec1");
  CHECK(me(script, true).j()["role"] == "secretary");

  sql("UPDATE users SET active = 0 WHERE name = 'sec1'");
  CHECK(me(browser, false).status == 401);
  CHECK(me(script, true).status == 401);
  CHECK(browser.post("/api/v1/cases/1/steps", step).status == 401);
  CHECK(script.call(http::verb::post, "/api/v1/cases/1/steps", step.dump(), {bearer}).status == 401);
  sql("UPDATE users SET active = 1 WHERE name = 'sec1'");
  CHECK(me(browser, false).status == 200);
  CHECK(me(script, true).status == 200);
  // A role changed behind the web's back applies at the next request.
  sql("UPDATE users SET role = 'viewer' WHERE name = 'sec1'");
  CHECK(script.call(http::verb::post, "/api/v1/cases/1/steps", step.dump(), {bearer}).status == 403);
  sql("UPDATE users SET role = 'secretary' WHERE name = 'sec1'");

  sql("UPDATE api_tokens SET revoked = 1");
  CHECK(me(script, true).status == 401);
  CHECK(me(browser, false).status == 200);
  sql("UPDATE web_sessions SET revoked = 1");
  CHECK(me(browser, false).status == 401);
  CHECK(browser.post("/api/v1/cases/1/steps", step).status == 401);
  // Nothing was recorded by any refused request.
  Client boss(srv.port());
  REQUIRE(boss.login("boss", "password-boss").status == 200);
  CHECK(boss.get("/api/v1/cases/1").j()["history"].size() == 4);
  // `user disable` refuses the user's token too (its sessions it revokes).
  sql("UPDATE api_tokens SET revoked = 0");
  CHECK(me(script, true).status == 200);
  REQUIRE(d.run({"user", "disable", "sec1"}).code == 0);
  CHECK(me(script, true).status == 401);
}
