// Issue 11 §4: a member-development case's timeline of the 25 steps, over the real socket, with
// the business date moved on the engine's manual clock.
#include "web_fixture.hpp"

using namespace web_test;

namespace {

const json& step(const json& t, int n) { return t["steps"][static_cast<std::size_t>(n - 1)]; }

}  // namespace

TEST_CASE("web: a member case's timeline shows the 25 steps: done, late, next and from when", "[web][timeline]") {
  Djflow d;
  seed(d);
  // 孙七 (case 3): the talk a month after the application is due 2024-04-01 (D3); on 2024-05-11
  // it is 40 days late.
  REQUIRE(d.run({"person", "add", "孙七", "--branch", "B01", "--born", "1999-09-09"}).code == 0);
  REQUIRE(d.run({"--now=2024-06-01", "member", "apply", "5", "--date", "2024-03-01"}).code == 0);
  REQUIRE(d.run({"--now=2024-06-01", "record", "3", "talk", "--date", "2024-05-11"}).code == 0);
  Server srv(d.db());
  Client sec(srv.port());
  REQUIRE(sec.login("sec1", "password-sec1").status == 200);

  // Case 1 (张三): applied 2023-01-10, talk 2023-01-20, activist 2023-07-01, mentors 2023-07-02;
  // today is 2024-06-01.
  auto r = sec.get("/api/v1/cases/1/timeline?lang=zh");
  REQUIRE(r.status == 200);
  const json t = r.j();
  REQUIRE(t["steps"].size() == 25);
  for (int n = 1; n <= 25; ++n) CHECK(step(t, n)["n"] == n);
  CHECK(t["rules"] == "2014");  // no propose yet, and the 2014 text is in force today
  CHECK(step(t, 1)["label"] == "递交入党申请书");
  CHECK(step(t, 1)["status"] == "done");
  CHECK(step(t, 1)["date"] == "2023-01-10");
  CHECK(step(t, 2)["date"] == "2023-01-20");
  CHECK(step(t, 2)["late"] == false);
  CHECK(step(t, 3)["date"] == "2023-07-01");
  // 上级党委备案 has no event of its own: done with the activist decision.
  CHECK(step(t, 4)["status"] == "done");
  CHECK(step(t, 4)["with"] == "activist");
  CHECK(step(t, 4)["date"] == "2023-07-01");
  CHECK(step(t, 5)["date"] == "2023-07-02");
  // The half-year review: allowed now, possible today, its deadline (2024-01-01) overdue.
  CHECK(step(t, 6)["status"] == "next");
  CHECK(step(t, 6)["possible_now"] == true);
  CHECK(step(t, 6)["possible_from"] == "2024-06-01");
  REQUIRE(step(t, 6)["deadlines"].size() == 1);
  CHECK(step(t, 6)["deadlines"][0]["overdue"] == true);
  // 确定发展对象: next, refused today by D12, possible from a year after the activist decision,
  // as recording it answers (the same rule, article and date).
  const json& propose = step(t, 7);
  CHECK(propose["status"] == "next");
  CHECK(propose["next_event"] == "propose");
  CHECK(propose["possible_now"] == false);
  CHECK(propose["possible_from"] == "2024-07-01");
  CHECK(propose["blocked"]["rule"] == "D12");
  auto refused = sec.post("/api/v1/cases/1/steps", {{"event", "propose"}});
  REQUIRE(refused.status == 422);
  CHECK(refused.j()["error"]["possible_from"] == propose["possible_from"]);
  CHECK(refused.j()["error"]["article"] == propose["blocked"]["article"]);
  REQUIRE(propose["deadlines"].size() == 1);
  CHECK(propose["deadlines"][0]["milestone"] == true);
  // The 2014 text: step 8 is the filing with the superior committee, done with propose.
  CHECK(step(t, 8)["label"] == "报上级党委备案");
  CHECK(step(t, 8)["with"] == "propose");
  for (int n = 8; n <= 25; ++n) CHECK(step(t, n)["status"] == "later");
  CHECK(step(t, 25)["label"] == "材料归档");

  // Case 3 (孙七): the late talk, by how long.
  auto late = sec.get("/api/v1/cases/3/timeline").j();
  CHECK(step(late, 2)["status"] == "done");
  CHECK(step(late, 2)["late"] == true);
  CHECK(step(late, 2)["late_days"] == 40);
  CHECK(step(late, 3)["status"] == "next");

  // Two years on, under the 2026 text: propose is judged by it, and step 8 becomes the
  // superior committee's consent and the publicity.
  srv.business().set(djflow::engine::TimePoint{std::chrono::seconds(1780286400)});  // 2026-06-01
  auto rec = sec.post("/api/v1/cases/1/steps", {{"event", "propose"}, {"date", "2026-06-01"}});
  REQUIRE(rec.status == 201);
  auto t26 = sec.get("/api/v1/cases/1/timeline?lang=zh").j();
  CHECK(t26["rules"] == "2026");
  CHECK(step(t26, 7)["status"] == "done");
  CHECK(step(t26, 7)["date"] == "2026-06-01");
  CHECK(step(t26, 8)["label"] == "报上级党委同意并公示");
  CHECK(step(t26, 8)["events"] == json::array({"consent", "publicize"}));
  CHECK(step(t26, 8)["status"] == "next");
  CHECK(step(t26, 8)["next_event"] == "consent");
  CHECK(step(t26, 8)["possible_now"] == true);
  CHECK(t26["steps"].size() == 25);
  // English on request; out of scope and other workflows answer 404.
  CHECK(step(sec.get("/api/v1/cases/1/timeline?lang=en").j(), 1)["label"] == "submit the application");
  CHECK(sec.get("/api/v1/cases/2/timeline").status == 404);
  CHECK(sec.get("/api/v1/cases/2/timeline").body == sec.get("/api/v1/cases/424242/timeline").body);
}
