// Routing, backoff, messages and digests, rate limits, the command channel and the outbox.
#include <catch2/catch.hpp>

#include "engine/runtime/message.hpp"
#include "engine/runtime/routing.hpp"
#include "engine/runtime/signing.hpp"
#include "runtime/daemon_fixture.hpp"

using namespace djflow::testing;
using namespace std::chrono_literals;

namespace {

Notification note(const std::string& key, const std::string& branch, int days_left,
                  const std::string& workflow = "toy", const std::string& kind = "finish") {
  Notification n;
  n.key = key;
  n.branch = branch;
  n.workflow = workflow;
  n.kind = kind;
  n.days_left = days_left;
  n.due = *Date::parse("2024-01-11");
  n.text = {"提醒" + key, "reminder " + key};
  return n;
}

}  // namespace

TEST_CASE("routing by branch (with sub-branches), workflow and kind", "[runtime][routing]") {
  const rt::BranchParents parents{{"B1", ""}, {"B11", "B1"}, {"B111", "B11"}, {"B2", ""}};
  Channel c;
  CHECK(rt::channel_matches(c, note("k", "B2", 1), parents));  // no limits: everything
  c.branch = "B1";
  CHECK(rt::channel_matches(c, note("k", "B1", 1), parents));
  CHECK(rt::channel_matches(c, note("k", "B111", 1), parents));  // two levels down
  CHECK_FALSE(rt::channel_matches(c, note("k", "B2", 1), parents));
  c.branch = "B11";
  CHECK_FALSE(rt::channel_matches(c, note("k", "B1", 1), parents));  // not upwards
  c.branch.clear();
  c.workflows = {"member"};
  CHECK_FALSE(rt::channel_matches(c, note("k", "B1", 1, "toy"), parents));
  CHECK(rt::channel_matches(c, note("k", "B1", 1, "member"), parents));
  c.kinds = {"talk", "review"};
  CHECK(rt::channel_matches(c, note("k", "B1", 1, "member", "review"), parents));
  CHECK_FALSE(rt::channel_matches(c, note("k", "B1", 1, "member", "oath"), parents));
}

TEST_CASE("backoff doubles up to the cap, with jitter from the injected source", "[runtime][retry]") {
  rt::Backoff b{30s, 600s};
  CHECK(rt::backoff_delay(b, 1, 0.0) == 15s);
  CHECK(rt::backoff_delay(b, 1, 0.999) == 29s);
  CHECK(rt::backoff_delay(b, 2, 0.0) == 30s);
  CHECK(rt::backoff_delay(b, 3, 1.0) == 120s);
  CHECK(rt::backoff_delay(b, 10, 1.0) == 600s);  // capped
  CHECK(rt::backoff_delay(b, 10, 0.0) == 300s);
}

TEST_CASE("signatures follow the DingTalk and Feishu algorithms", "[runtime][webhook]") {
  // Reference values computed independently (Python hmac/base64/urllib).
  CHECK(rt::dingtalk_sign(1700000000000, "SECtest123") == "w3RMHXzixTMdzr8OHJUmVLS4IoPJVdu%2BUt1LE48MePE%3D");
  CHECK(rt::feishu_sign(1700000000, "SECtest123") == "eHRRCyLH7Z4IJQSJlfwertHZThRUYVu2hTUH02xPXYU=");
}

TEST_CASE("URLs are shown without their secrets", "[runtime][webhook]") {
  CHECK(rt::redact_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx") ==
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***");
  CHECK(rt::redact_url("https://open.feishu.cn/open-apis/bot/v2/hook/0d9e8f7a-1234-5678-9abc-def012345678") ==
        "https://open.feishu.cn/open-apis/bot/v2/hook/***");
  CHECK(rt::redact_url("http://127.0.0.1:8080/x?a=1&b=2") == "http://127.0.0.1:8080/x?a=***&b=***");
}

TEST_CASE("a digest groups by branch, the most overdue first", "[runtime][digest]") {
  rt::Message m;
  m.digest = true;
  m.digest_date = *Date::parse("2024-01-12");
  m.lang = "en";
  m.branch_names = {{"B1", "First"}, {"B2", "Second"}};
  m.items = {note("a", "B1", 3), note("b", "B2", -2), note("c", "B1", -5), note("d", "B2", 0)};
  const std::string t = rt::message_text(m);
  CHECK(t.find("4 reminders, 2 overdue") != std::string::npos);
  // B1 holds the most overdue item (-5): it comes first, and within it c (-5) before a (3).
  const auto b1 = t.find("First (B1)"), b2 = t.find("Second (B2)");
  REQUIRE(b1 != std::string::npos);
  REQUIRE(b2 != std::string::npos);
  CHECK(b1 < b2);
  CHECK(t.find("reminder c") < t.find("reminder a"));
  CHECK(t.find("reminder b") < t.find("reminder d"));
  CHECK(t.find("[overdue] reminder c") != std::string::npos);
  const auto j = rt::message_json(m);
  CHECK(j["digest"] == true);
  CHECK(j["keys"].size() == 4);
}

TEST_CASE("a digest channel gets one message a day at its time", "[runtime][digest]") {
  DaemonFixture f;
  Channel c;
  c.type = "file";
  c.name = "daily";
  c.digest = "08:30";
  c.target = (f.dir.path() / "daily.jsonl").string();
  f.add_channel(c);
  f.open_case("2024-01-01", "B1");
  f.open_case("2024-01-01", "B2");
  f.open_case("2023-12-20", "B11");  // overdue by the time it is sent
  f.clock.set(local_at("2024-01-04", 9));
  auto d = f.daemon();
  REQUIRE(d->start().ok());
  REQUIRE(DaemonFixture::run_until(*d, [&] { return d->stats().routed >= 3; }));
  d->run_for(20ms);
  CHECK(DaemonFixture::lines(c.target).empty());  // waits for 08:30 the next day
  f.clock.set(local_at("2024-01-05", 8, 30));
  REQUIRE(DaemonFixture::run_until(*d, [&] { return DaemonFixture::lines(c.target).size() == 1; }));
  d->run_for(20ms);
  const auto l = DaemonFixture::lines(c.target);
  REQUIRE(l.size() == 1);
  CHECK(l[0]["digest"] == true);
  CHECK(l[0]["count"] == 3);
  CHECK(l[0]["items"][0]["branch"] == "B11");  // the overdue one first
  CHECK(f.counts()["delivered"] == 3);
}

TEST_CASE("a rate-limited channel waits instead of failing", "[runtime][rate]") {
  DaemonFixture f;
  Channel c;
  c.type = "console";
  c.rate_per_minute = 2;
  f.add_channel(c);
  for (int i = 0; i < 5; ++i) f.open_case("2024-01-01");
  f.clock.set(local_at("2024-01-04", 9));
  auto d = f.daemon();
  REQUIRE(d->start().ok());
  REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["delivered"] == 2; }));
  d->run_for(50ms);
  CHECK(f.counts()["delivered"] == 2);
  CHECK(f.counts()["pending"] == 3);
  CHECK(d->stats().failed == 0);
  f.real.advance(61s);
  REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["delivered"] == 4; }));
  f.real.advance(61s);
  REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["delivered"] == 5; }));
  CHECK(f.console.str().find("1:finish:2024-01-11:-7") != std::string::npos);
}

TEST_CASE("the command channel: JSON on stdin, fields in the environment, exit 0 = delivered", "[runtime][command]") {
  DaemonFixture f;
  const auto out = (f.dir.path() / "cmd.out").string();
  Channel c;
  c.type = "command";
  c.target = "/bin/sh";
  c.args = {"-c", "cat > \"$0\"; printf '%s %s %s' \"$DJFLOW_KEY\" \"$DJFLOW_KIND\" \"$DJFLOW_DAYS_LEFT\" > \"$0.env\"", out};
  f.add_channel(c);
  f.open_case("2024-01-01");
  f.clock.set(local_at("2024-01-04", 9));
  auto d = f.daemon();
  REQUIRE(d->start().ok());
  REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["delivered"] == 1; }));
  const auto l = DaemonFixture::lines(out);
  REQUIRE(l.size() == 1);
  CHECK(l[0]["key"] == "1:finish:2024-01-11:-7");
  std::ifstream env(out + ".env");
  std::string line;
  std::getline(env, line);
  CHECK(line == "1:finish:2024-01-11:-7 finish 7");
}

TEST_CASE("a failing command retries with backoff, goes dead, and outbox retry requeues it", "[runtime][retry]") {
  DaemonFixture f;
  Channel c;
  c.type = "command";
  c.target = "/bin/sh";
  const auto flag = (f.dir.path() / "ok").string();
  c.args = {"-c", "test -e \"$0\"", flag};  // fails until the file exists
  c.max_attempts = 3;
  f.add_channel(c);
  f.open_case("2024-01-01");
  f.clock.set(local_at("2024-01-04", 9));
  auto d = f.daemon();
  REQUIRE(d->start().ok());
  REQUIRE(DaemonFixture::run_until(*d, [&] { return d->stats().failed == 1; }));
  auto rows = f.store->list_deliveries({}).value();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].d.status == DeliveryStatus::Pending);
  CHECK(rows[0].d.attempts == 1);
  CHECK(rows[0].d.next_attempt_at == f.clock.now() + 22s);  // 30 s * (1/2 + 0.5/2)
  CHECK(rows[0].d.last_error.find("exit status 1") != std::string::npos);
  d->run_for(30ms);
  CHECK(d->stats().failed == 1);  // not before its time
  f.clock.advance(22s);
  REQUIRE(DaemonFixture::run_until(*d, [&] { return d->stats().failed == 2; }));
  f.clock.advance(1h);
  REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["dead"] == 1; }));
  d->run_for(30ms);
  CHECK(d->stats().failed == 3);

  std::ofstream(flag) << "";
  REQUIRE(f.store->retry_dead({}, f.clock.now()).value() == 1);
  REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["delivered"] == 1; }));
}

TEST_CASE("a channel added later gets only the notifications fired after it", "[runtime][routing]") {
  DaemonFixture f;
  const CaseId id = f.open_case("2024-01-01");  // "finish" due 2024-01-11, reminder on 01-04
  f.clock.set(local_at("2024-01-04", 9));
  auto before = f.engine->tick();  // fired by `djflow tick` before any channel existed
  REQUIRE(before);
  REQUIRE(before->size() == 1);
  const std::string file = f.file_channel("late");
  f.clock.set(local_at("2024-01-11", 9));  // the on-the-day reminder falls due
  auto d = f.daemon();
  REQUIRE(d->start().ok());
  REQUIRE(DaemonFixture::run_until(*d, [&] { return DaemonFixture::lines(file).size() == 1; }));
  d->run_for(20ms);
  const auto l = DaemonFixture::lines(file);
  REQUIRE(l.size() == 1);
  CHECK(l[0]["key"] == std::to_string(id) + ":finish:2024-01-11:0");
  CHECK(f.counts()["delivered"] == 1);
}
