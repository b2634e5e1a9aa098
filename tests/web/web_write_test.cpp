// Issue 11 §3: a stale write answers 409 (the client names the case version it saw).
#include "web_fixture.hpp"

using namespace web_test;

TEST_CASE("web: a step on a case changed since the client read it answers 409 and writes nothing", "[web][conflict]") {
  Djflow d;
  seed(d);
  Server srv(d.db());
  Client a(srv.port()), b(srv.port());
  REQUIRE(a.login("sec1", "password-sec1").status == 200);
  REQUIRE(b.login("boss", "password-boss").status == 200);
  const json before = a.get("/api/v1/cases/1").j();
  const auto version = before["version"].get<std::int64_t>();
  const auto events = before["history"].size();
  // Both read version N; the first write wins, the second acted on old facts.
  auto first = a.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-01-05"}, {"version", version}});
  REQUIRE(first.status == 201);
  CHECK(first.j()["version"] == version + 1);
  auto second = b.post("/api/v1/cases/1/steps",
                       {{"event", "review"}, {"date", "2024-01-06"}, {"version", version}},
                       {{"Idempotency-Key", "stale-1"}});
  CHECK(second.status == 409);
  const json e = second.j()["error"];
  CHECK(e["kind"] == "conflict");
  CHECK(e["code"] == 4);  // the command line's exit code for a conflict
  CHECK(e["message"].get<std::string>().find("此事项已被他人更新") != std::string::npos);
  const json after = a.get("/api/v1/cases/1").j();
  CHECK(after["history"].size() == events + 1);  // one new event: the first write's
  CHECK(after["version"] == version + 1);
  CHECK(after["history"].back()["date"] == "2024-01-05");
  // A 409 is not stored under its Idempotency-Key: after a reload (the new version) it succeeds.
  auto retried = b.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-01-06"}, {"version", version + 1}},
                        {{"Idempotency-Key", "stale-2"}});
  CHECK(retried.status == 201);
  // English on request; a malformed version is bad input; without one no check is made.
  auto en = b.post("/api/v1/cases/1/steps?lang=en", {{"event", "review"}, {"date", "2024-01-07"}, {"version", version}});
  CHECK(en.status == 409);
  CHECK(en.j()["error"]["message"].get<std::string>().find("reload") != std::string::npos);
  CHECK(b.post("/api/v1/cases/1/steps", {{"event", "review"}, {"version", "x"}}).status == 400);
  CHECK(b.post("/api/v1/cases/1/steps", {{"event", "review"}, {"date", "2024-01-07"}}).status == 201);
  CHECK(a.get("/api/v1/cases/1").j()["history"].size() == events + 3);
  // The OpenAPI description names the field and the new endpoints.
  const json api = a.get("/api/v1/openapi.json").j();
  CHECK(api["components"]["schemas"]["Step"]["properties"].contains("version"));
  CHECK(api["paths"].contains("/api/v1/verify"));
  CHECK(api["paths"].contains("/api/v1/cases/{id}/timeline"));
}

TEST_CASE("web: verify across the cases: the database for an administrator, the subtree for others", "[web][verify]") {
  Djflow d;
  seed(d);
  const std::string add_admin = "printf 'password-admin1\\n' | env LANG=C.UTF-8 " +
                                djflow::testing::shell_quote(std::getenv("DJFLOW_BIN")) + " --db " +
                                djflow::testing::shell_quote(d.db()) + " user add admin1 --org D01 --role admin >/dev/null";
  REQUIRE(Djflow::sh(add_admin) == 0);
  Server srv(d.db());
  Client admin(srv.port()), view1(srv.port()), sec1(srv.port()), sec2(srv.port());
  REQUIRE(admin.login("admin1", "password-admin1").status == 200);
  REQUIRE(view1.login("view1", "password-view1").status == 200);
  REQUIRE(sec1.login("sec1", "password-sec1").status == 200);
  REQUIRE(sec2.login("sec2", "password-sec2").status == 200);

  // A clean database: no problem, for the whole database as for a subtree; the same counts as
  // `djflow --json verify`.
  const auto cli = d.run({"--json", "verify"});
  REQUIRE(cli.code == 0);
  const json expected = json::parse(cli.out);
  auto all = admin.get("/api/v1/verify");
  REQUIRE(all.status == 200);
  CHECK(all.j()["ok"] == true);
  CHECK(all.j()["scope"] == "all");
  CHECK(all.j()["problems"].empty());
  for (const char* k : {"cases", "events", "entity_events", "integrity"}) CHECK(all.j()[k] == expected[k]);
  auto mine = view1.get("/api/v1/verify");  // a viewer may: it only reads
  REQUIRE(mine.status == 200);
  CHECK(mine.j()["ok"] == true);
  CHECK(mine.j()["scope"] == "subtree");
  CHECK(mine.j()["cases"] == 1);  // B01's case only
  CHECK(sec1.get("/api/v1/verify?org=B02").status == 404);  // outside the subtree
  CHECK(sec1.get("/api/v1/verify?org=B02").body == sec1.get("/api/v1/verify?org=X99").body);

  // Case 1's event 3 (the activist decision) moved a day behind djflow's back.
  REQUIRE(Djflow::sh("/usr/bin/python3 -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
                     "c.execute('DROP TRIGGER IF EXISTS events_no_update'); "
                     "c.execute('UPDATE events SET effective_date=\\'2023-07-02\\' WHERE case_id=1 AND seq=3'); c.commit()\" " +
                     djflow::testing::shell_quote(d.db())) == 0);
  const auto cli_bad = d.run({"--json", "verify"});
  CHECK(cli_bad.code == 4);
  const json expected_bad = json::parse(cli_bad.out);
  auto bad = admin.get("/api/v1/verify?lang=zh");
  REQUIRE(bad.status == 200);
  CHECK(bad.j()["ok"] == false);
  CHECK(bad.j()["problems"] == expected_bad["problems"]);  // the command's very report
  CHECK(bad.j()["message"].get<std::string>().find("校验失败") != std::string::npos);
  auto sub = view1.get("/api/v1/verify").j();
  CHECK(sub["ok"] == false);
  REQUIRE(!sub["problems"].empty());
  CHECK(sub["problems"][0].get<std::string>().find("case #1") != std::string::npos);
  CHECK(sec2.get("/api/v1/verify").j()["ok"] == true);  // B02 sees only its own, sound case
  CHECK(admin.get("/api/v1/verify?org=B02").j()["ok"] == true);
}

// Decision 0131: without an Idempotency-Key a step is the engine's own transaction and the case
// is read once, by the step; with one the web's transaction holds it. Both answer alike: out of
// the user's subtree or missing 404, a bad body 400 (after the 404), a stale version 409, the
// workflow's refusal 422, a recorded step 201 with the same bytes.
TEST_CASE("web: a step answers the same bytes with and without an Idempotency-Key, refusals in the same order", "[web][conflict]") {
  // Three identical databases: steps without a key on the worker thread (plain), with a key on
  // the io thread (keyed), and without a key on a server with no worker and no step engine
  // (one_thread, decision 0134's fallback).
  Djflow d1, d2, d3;
  seed(d1);
  seed(d2);
  seed(d3);
  Server s1(d1.db()), s2(d2.db());
  Server s3(d3.db(), [](djflow::cli::WebContext& ctx, djflow::engine::runtime::HttpOptions& o) {
    ctx.step_engine = nullptr;
    ctx.step_store = nullptr;
    o.worker = false;
  });
  Client plain(s1.port()), keyed(s2.port()), one_thread(s3.port());
  REQUIRE(plain.login("sec1", "password-sec1").status == 200);
  REQUIRE(keyed.login("sec1", "password-sec1").status == 200);
  REQUIRE(one_thread.login("sec1", "password-sec1").status == 200);
  int key = 0;
  const auto both = [&](const std::string& target, const std::string& body, int status) {
    INFO(target << " " << body);
    auto a = plain.call(http::verb::post, target, body);
    auto b = keyed.call(http::verb::post, target, body, {{"Idempotency-Key", "k-" + std::to_string(++key)}});
    auto c = one_thread.call(http::verb::post, target, body);
    CHECK(a.status == status);
    CHECK(b.status == status);
    CHECK(c.status == status);
    CHECK(a.body == b.body);
    CHECK(a.body == c.body);
    return a;
  };
  const std::string bad_body = "[1, 2]";
  const std::string no_event = json{{"date", "2024-01-05"}}.dump();
  const std::string review = json{{"event", "review"}, {"date", "2024-01-05"}}.dump();
  // Out of scope (B02's case) or missing: 404 whatever the body, the same answer as a missing case.
  auto other = both("/api/v1/cases/2/steps", review, 404);
  CHECK(both("/api/v1/cases/2/steps", bad_body, 404).body == other.body);
  CHECK(both("/api/v1/cases/424242/steps", no_event, 404).body == other.body);
  CHECK(both("/api/v1/cases/424242/steps?lang=en", review, 404).j()["error"]["kind"] == "not_found");
  // In scope: bad bodies 400, a stale version 409 (English too), the workflow's refusal 422.
  both("/api/v1/cases/1/steps", bad_body, 400);
  both("/api/v1/cases/1/steps", no_event, 400);
  both("/api/v1/cases/1/steps", json{{"event", "review"}, {"date", "2024-13-01"}}.dump(), 400);
  both("/api/v1/cases/1/steps", json{{"event", "review"}, {"version", -1}}.dump(), 400);
  both("/api/v1/cases/1/steps", json{{"event", "review"}, {"date", "2024-01-05"}, {"version", 2}}.dump(), 409);
  both("/api/v1/cases/1/steps?lang=en", json{{"event", "review"}, {"date", "2024-01-05"}, {"version", 9}}.dump(), 409);
  both("/api/v1/cases/1/steps", json{{"event", "oath"}, {"date", "2024-01-05"}}.dump(), 422);  // not allowed now
  auto refused = both("/api/v1/cases/1/steps", json{{"event", "propose"}, {"date", "2024-01-05"}}.dump(), 422);
  CHECK(refused.j()["error"]["rule"] == "D12");  // a year as an activist first
  both("/api/v1/cases/1/steps", json{{"event", "review"}, {"date", "2025-01-05"}}.dump(), 400);  // after today
  // Recorded: the same bytes (the case after the step), steps with inputs and a version too.
  const auto version = plain.get("/api/v1/cases/1").j()["version"].get<std::int64_t>();
  auto first = both("/api/v1/cases/1/steps", json{{"event", "review"}, {"date", "2024-01-05"}, {"note", "半年考察"}, {"version", version}}.dump(), 201);
  CHECK(first.j()["recorded"]["event"] == "review");
  both("/api/v1/cases/1/steps?lang=en", json{{"event", "review"}, {"date", "2024-05-20"}, {"ref", "纪要 7"}}.dump(), 201);
  CHECK(plain.get("/api/v1/cases/1").body == keyed.get("/api/v1/cases/1").body);
  CHECK(plain.get("/api/v1/cases/1").body == one_thread.get("/api/v1/cases/1").body);
  // Nothing else was written on any side: the refusals wrote nothing.
  CHECK(plain.get("/api/v1/cases/1").j()["history"].size() == 6);
  CHECK(d1.run({"verify"}).code == 0);
  CHECK(d2.run({"verify"}).code == 0);
  CHECK(d3.run({"verify"}).code == 0);
}
