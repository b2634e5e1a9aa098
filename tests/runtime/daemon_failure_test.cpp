// Issue 7 §1: the daemon never hangs and one bad row never stops delivery for everyone.
// Issue 7 §4: webhook URLs parsed strictly (no header injection, Host with its port, no
// link-local/metadata addresses by default) and secrets redacted wherever they would appear.
#include <catch2/catch.hpp>

#include <future>

#include "engine/runtime/message.hpp"
#include "runtime/webhook_server.hpp"

using namespace djflow::testing;
using namespace std::chrono_literals;

namespace {

Notification note_for(CaseId id, const std::string& key, const std::string& text) {
  Notification n;
  n.key = key;
  n.case_id = id;
  n.workflow = "toy";
  n.branch = "B1";
  n.kind = "finish";
  n.due = *Date::parse("2024-01-11");
  n.text = {text, text};
  return n;
}

}  // namespace

TEST_CASE("a notification that cannot be rendered is dead-lettered, and the others are delivered", "[runtime][failure]") {
  DaemonFixture f;
  const auto file = f.file_channel();
  const CaseId id = f.open_case("2024-01-01");
  REQUIRE(f.store->insert_notification(note_for(id, "k1", "第一条")).ok());
  REQUIRE(f.store->insert_notification(note_for(id, "k2", "bad \xff\xfe bytes")).ok());  // behind djflow's back
  REQUIRE(f.store->insert_notification(note_for(id, "k3", "第三条")).ok());
  auto d = f.daemon();
  REQUIRE(d->start().ok());
  REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["delivered"] == 2 && f.counts()["dead"] == 1; }));
  const auto lines = DaemonFixture::lines(file);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["key"] == "k1");
  CHECK(lines[1]["key"] == "k3");
  for (const auto& r : f.store->list_deliveries({}).value()) {
    if (r.n.key != "k2") continue;
    CHECK(r.d.status == DeliveryStatus::Dead);
    CHECK(r.d.last_error.find("not valid UTF-8") != std::string::npos);
  }
  CHECK_FALSE(d->finished());  // still serving
}

TEST_CASE("an exception in a loop stops the daemon with an error instead of hanging", "[runtime][failure]") {
  DaemonFixture f;
  Channel c;
  c.type = "command";
  c.target = "/bin/false";  // every attempt fails, so the dispatcher asks for jitter
  f.add_channel(c);
  f.open_case("2024-01-01");
  f.clock.set(local_at("2024-01-04", 9));
  auto o = f.options();
  o.handle_signals = true;  // the signal wait that kept run() from returning
  o.random = []() -> double { throw std::runtime_error("injected failure"); };
  auto d = f.daemon(o);
  auto done = std::async(std::launch::async, [&] { return d->run(); });
  const bool returned = done.wait_for(5s) == std::future_status::ready;
  if (!returned) {  // unblock the hung daemon so that the test can fail instead of hanging
    d->stop();
    d->stop();
  }
  REQUIRE(returned);
  const auto s = done.get();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.en.find("injected failure") != std::string::npos);
  CHECK(d->finished());
  CHECK_FALSE(f.store->find_lease().value().has_value());  // released for the restarted daemon
}

TEST_CASE("webhook URLs are parsed strictly", "[runtime][webhook][url]") {
  CHECK_FALSE(rt::parse_url("http://127.0.0.1:8080/x\r\nX-Injected: yes"));
  CHECK_FALSE(rt::parse_url("http://127.0.0.1:8080/x\nX-Injected: yes"));
  CHECK_FALSE(rt::parse_url("http://exa mple.com/x"));
  CHECK_FALSE(rt::parse_url("http://example.com:65536/x"));
  CHECK_FALSE(rt::parse_url("http://example.com:0/x"));
  CHECK_FALSE(rt::parse_url("http://user:pw@example.com/x"));
  CHECK_FALSE(rt::parse_url("ftp://example.com/x"));
  CHECK_FALSE(rt::parse_url("http://ex%0d%0aample.com/x"));
  auto u = rt::parse_url("HTTPS://Example.COM:8443/a/b?c=d#frag");
  REQUIRE(u);
  CHECK(u->host == "example.com");
  CHECK(u->port == "8443");
  CHECK(u->target == "/a/b?c=d");
  CHECK(u->host_header() == "example.com:8443");
  CHECK(rt::parse_url("https://example.com/x")->host_header() == "example.com");
  CHECK(rt::parse_url("http://[::1]:8080/x")->host_header() == "[::1]:8080");

  CHECK(rt::is_link_local_or_metadata("169.254.169.254"));
  CHECK(rt::is_link_local_or_metadata("fe80::1"));
  CHECK(rt::is_link_local_or_metadata("::ffff:169.254.169.254"));
  CHECK(rt::is_link_local_or_metadata("fd00:ec2::254"));
  CHECK_FALSE(rt::is_link_local_or_metadata("127.0.0.1"));
  CHECK_FALSE(rt::is_link_local_or_metadata("10.0.0.1"));
  CHECK_FALSE(rt::check_webhook_url("http://169.254.169.254/latest/meta-data", false));
  CHECK(rt::check_webhook_url("http://169.254.169.254/latest/meta-data", true));
}

TEST_CASE("CR/LF in a URL never reaches the request, and Host carries the port", "[runtime][webhook][url]") {
  TestServer server;
  DaemonFixture f;
  f.add_channel(hook(server.url("/hook\r\nX-Injected: yes"), "generic"));  // stored behind the CLI's back
  auto good = hook(server.url("/ok"), "generic");
  good.name = "good";
  f.add_channel(good);
  f.open_case("2024-01-01");
  f.clock.set(local_at("2024-01-04", 9));
  auto d = f.daemon();
  REQUIRE(d->start().ok());
  REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["delivered"] == 1 && d->stats().failed >= 1; }, 5000ms));
  const auto got = server.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0].target == "/ok");
  CHECK(got[0].headers.count("X-Injected") == 0);
  CHECK(got[0].headers.at("Host") == "127.0.0.1:" + std::to_string(server.port()));
}

TEST_CASE("a channel's secrets are redacted from URLs and from any text", "[runtime][webhook][secrets]") {
  CHECK(rt::redact_url("https://example.com/hook/Ab3dE") == "https://example.com/hook/***");      // short token
  CHECK(rt::redact_url("https://example.com/hook?Tok3nXYZ") == "https://example.com/hook?***");   // bare query
  CHECK(rt::redact_url("https://example.com/hook#s3cr3tfrag") == "https://example.com/hook#***");  // fragment
  Channel c;
  c.type = "webhook";
  c.target = "https://example.com/hook/Ab3dE?key=K3y-value#s3cr3tfrag";
  c.secret = "SECabcdef";
  const std::string echoed = "HTTP 403: bad key K3y-value for /hook/Ab3dE (sign with SECabcdef) #s3cr3tfrag";
  const std::string r = rt::redact_secrets(echoed, c);
  for (const char* s : {"K3y-value", "Ab3dE", "SECabcdef", "s3cr3tfrag"}) CHECK(r.find(s) == std::string::npos);
  CHECK(r.find("HTTP 403") != std::string::npos);
}

TEST_CASE("a server echoing the key never puts it in the outbox", "[runtime][webhook][secrets]") {
  TestServer server;
  DaemonFixture f;
  auto c = hook(server.url("/hook/T0ken9") + "?key=S3cretKey", "wecom");
  c.max_attempts = 1;
  f.add_channel(c);
  f.open_case("2024-01-01");
  f.clock.set(local_at("2024-01-04", 9));
  server.push({200, R"({"errcode":93000,"errmsg":"invalid key S3cretKey at /hook/T0ken9"})"});
  auto d = f.daemon();
  REQUIRE(d->start().ok());
  REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["dead"] == 1; }, 5000ms));
  const auto row = f.store->list_deliveries({}).value().at(0);
  CHECK(row.d.last_error.find("93000") != std::string::npos);
  CHECK(row.d.last_error.find("S3cretKey") == std::string::npos);
  CHECK(row.d.last_error.find("T0ken9") == std::string::npos);
}
