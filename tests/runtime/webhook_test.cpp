// Webhook delivery against a local HTTP server (Boost.Beast, 127.0.0.1, started by the test):
// the body of each preset, the DingTalk signature, robot error codes, retry after a 500 and after
// a timeout, and dead-letter after the last attempt.
#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "engine/runtime/signing.hpp"
#include "runtime/daemon_fixture.hpp"
#include "runtime/webhook_server.hpp"

using namespace djflow::testing;
using namespace std::chrono_literals;

namespace {

std::string query_param(const std::string& target, const std::string& name) {
  const auto p = target.find(name + "=");
  if (p == std::string::npos) return "";
  const auto e = target.find('&', p);
  return target.substr(p + name.size() + 1, e == std::string::npos ? std::string::npos : e - p - name.size() - 1);
}

// The DingTalk signature, computed here independently of the runtime's code.
std::string expected_dingtalk_sign(const std::string& ts, const std::string& secret) {
  const std::string msg = ts + "\n" + secret;
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), mac, &len);
  unsigned char b64[64];
  const int n = EVP_EncodeBlock(b64, mac, static_cast<int>(len));
  std::string out;
  for (int i = 0; i < n; ++i) {
    const char c = static_cast<char>(b64[i]);
    if (c == '+') out += "%2B";
    else if (c == '/') out += "%2F";
    else if (c == '=') out += "%3D";
    else out += c;
  }
  return out;
}

}  // namespace

TEST_CASE("each preset posts the body its robot expects", "[runtime][webhook]") {
  TestServer server;
  ManualClock real(local_at("2026-11-24", 9));
  std::ostringstream console;

  SECTION("wecom") {
    REQUIRE(rt::deliver_now(hook(server.url("/cgi-bin/webhook/send?key=K1"), "wecom"), one(), real, console).ok());
    const auto r = server.received().at(0);
    CHECK(r.target == "/cgi-bin/webhook/send?key=K1");
    const auto j = nlohmann::json::parse(r.body);
    CHECK(j["msgtype"] == "text");
    CHECK(j["text"]["content"] == "【发展党员】张三：派人谈话，还有 7 天");
    CHECK(r.headers.at("X-Djflow-Key") == "3:talk:2026-12-01:-7");
  }
  SECTION("dingtalk, signed") {
    auto c = hook(server.url("/robot/send?access_token=T1"), "dingtalk");
    c.secret = "SECabc";
    REQUIRE(rt::deliver_now(c, one("en"), real, console).ok());
    const auto r = server.received().at(0);
    const auto j = nlohmann::json::parse(r.body);
    CHECK(j["msgtype"] == "text");
    CHECK(j["text"]["content"] == "[member] 张三: talk, 7 days left");
    CHECK(query_param(r.target, "access_token") == "T1");
    const std::string ts = query_param(r.target, "timestamp");
    CHECK(ts == std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   real.now_precise().time_since_epoch()).count()));
    CHECK(query_param(r.target, "sign") == expected_dingtalk_sign(ts, "SECabc"));
  }
  SECTION("feishu, signed") {
    auto c = hook(server.url("/open-apis/bot/v2/hook/abc"), "feishu");
    c.secret = "S";
    server.push({200, R"({"code":0,"msg":"success"})"});
    REQUIRE(rt::deliver_now(c, one(), real, console).ok());
    const auto j = nlohmann::json::parse(server.received().at(0).body);
    CHECK(j["msg_type"] == "text");
    CHECK(j["content"]["text"] == "【发展党员】张三：派人谈话，还有 7 天");
    CHECK(j["timestamp"] == std::to_string(real.now().time_since_epoch().count()));
    CHECK(j["sign"] == rt::feishu_sign(real.now().time_since_epoch().count(), "S"));
  }
  SECTION("generic: the notification as JSON, with its key") {
    server.push({204, ""});
    REQUIRE(rt::deliver_now(hook(server.url(), "generic"), one(), real, console).ok());
    const auto r = server.received().at(0);
    const auto j = nlohmann::json::parse(r.body);
    CHECK(j["key"] == "3:talk:2026-12-01:-7");
    CHECK(j["days_left"] == 7);
    CHECK(j["channel"] == "robot");
    CHECK(r.headers.at("Idempotency-Key") == "3:talk:2026-12-01:-7");
  }
  SECTION("a robot's error code is a failed delivery, even with HTTP 200") {
    server.push({200, R"({"errcode":310000,"errmsg":"sign not match"})"});
    auto s = rt::deliver_now(hook(server.url(), "dingtalk"), one(), real, console);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.en.find("310000") != std::string::npos);
    server.push({200, R"({"StatusCode":0})"});
    CHECK(rt::deliver_now(hook(server.url(), "feishu"), one(), real, console).ok());
    server.push({200, "not json"});
    CHECK_FALSE(rt::deliver_now(hook(server.url(), "wecom"), one(), real, console).ok());
  }
}

TEST_CASE("webhook deliveries retry after a 500 and after a timeout, then go dead", "[runtime][webhook][retry]") {
  TestServer server;
  DaemonFixture f;
  auto c = hook(server.url(), "wecom");
  c.timeout_seconds = 1;
  c.max_attempts = 3;
  const auto id = f.add_channel(c);
  f.open_case("2024-01-01");
  f.clock.set(local_at("2024-01-04", 9));
  auto d = f.daemon();
  REQUIRE(d->start().ok());

  SECTION("500, then a timeout, then delivered") {
    server.push({500, "oops"});
    server.push({200, R"({"errcode":0})", 1500ms});  // answers after the 1 s timeout
    REQUIRE(DaemonFixture::run_until(*d, [&] { return d->stats().failed == 1; }));
    auto row = f.store->list_deliveries({}).value().at(0);
    CHECK(row.d.attempts == 1);
    CHECK(row.d.last_error.find("HTTP 500") != std::string::npos);
    f.clock.advance(22s);
    REQUIRE(DaemonFixture::run_until(*d, [&] { return d->stats().failed == 2; }, 5000ms));
    row = f.store->list_deliveries({}).value().at(0);
    CHECK(row.d.last_error.find("timeout") != std::string::npos);
    CHECK(row.d.status == DeliveryStatus::Pending);
    f.clock.advance(1h);
    REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["delivered"] == 1; }, 5000ms));
    CHECK(server.received().size() == 3);
    CHECK(server.received().at(2).headers["X-Djflow-Key"] == "1:finish:2024-01-11:-7");
  }
  SECTION("dead after the last attempt; outbox retry sends it again") {
    for (int i = 0; i < 3; ++i) server.push({502, "bad gateway"});
    REQUIRE(DaemonFixture::run_until(*d, [&] { return d->stats().failed == 1; }));
    f.clock.advance(1h);
    REQUIRE(DaemonFixture::run_until(*d, [&] { return d->stats().failed == 2; }));
    f.clock.advance(1h);
    REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["dead"] == 1; }));
    f.clock.advance(1h);
    d->run_for(30ms);
    CHECK(server.received().size() == 3);  // dead: no more attempts
    DeliveryFilter dead;
    dead.status = DeliveryStatus::Dead;
    dead.channel_id = id;
    REQUIRE(f.store->list_deliveries(dead).value().size() == 1);
    REQUIRE(f.store->retry_dead({}, f.clock.now()).value() == 1);
    REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["delivered"] == 1; }));
    CHECK(server.received().size() == 4);
  }
}
