// HTTPS webhook delivery against a local Beast HTTPS server (127.0.0.1, ephemeral port, on a
// thread of the test process) whose certificates the test makes with the OpenSSL C API
// (test_pki.hpp): a throwaway CA, a server certificate for IP:127.0.0.1 and DNS:localhost, and one
// for another host. Shows that the peer is verified against the CA file (--ca-file) on top of the
// system store, that the host name (or IP address) of the URL is checked against the certificate,
// that SNI carries DNS names only, and that a verification failure is a failed, retried attempt
// whose last_error says why, never a delivered row.
#include <netdb.h>

#include <catch2/catch.hpp>

#include "runtime/daemon_fixture.hpp"
#include "runtime/test_pki.hpp"
#include "runtime/webhook_server.hpp"

namespace {
// Minimal roots (a debootstrap chroot) may have no /etc/hosts, so "localhost" may not resolve;
// the by-name checks need the resolver, the by-IP ones do not.
bool localhost_resolves() {
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo("localhost", nullptr, nullptr, &res);
  if (res != nullptr) ::freeaddrinfo(res);
  return rc == 0;
}
}  // namespace

using namespace djflow::testing;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// Made once per test process: key generation is cheap (P-256) but there is no need to repeat it.
struct Pki {
  TempDir dir;
  pki::Authority ca{dir.path(), "djflow test CA"};
  pki::ServerFiles local = ca.issue("127.0.0.1", "IP:127.0.0.1,DNS:localhost");
  pki::ServerFiles other = ca.issue("other.example", "DNS:other.example,IP:10.0.0.1");
};

Pki& pki_files() {
  static Pki p;
  return p;
}

std::unique_ptr<asio::ssl::context> server_tls(const pki::ServerFiles& f) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->use_certificate_chain_file(f.cert);
  ctx->use_private_key_file(f.key, asio::ssl::context::pem);
  return ctx;
}

std::string why(const djflow::engine::Status& s) { return s.ok() ? "ok" : s.error().message.en; }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("https webhooks: the receiver is verified against the CA file", "[runtime][webhook][tls]") {
  auto& p = pki_files();
  auto tls = server_tls(p.local);
  TestServer server(tls.get());
  ManualClock real(local_at("2026-11-24", 9));
  std::ostringstream console;

  SECTION("with --ca-file the test CA: delivered over https, the body received") {
    const auto s = rt::deliver_now(hook(server.url("/cgi-bin/webhook/send?key=K1"), "wecom"), one(), real, console,
                                   p.ca.ca_file());
    INFO(why(s));
    REQUIRE(s.ok());
    const auto got = server.received();
    REQUIRE(got.size() == 1);
    CHECK(got[0].target == "/cgi-bin/webhook/send?key=K1");
    CHECK(nlohmann::json::parse(got[0].body)["text"]["content"] == "【发展党员】张三：派人谈话，还有 7 天");
    CHECK(got[0].headers.at("X-Djflow-Key") == "3:talk:2026-12-01:-7");
    const auto hs = server.handshakes();
    REQUIRE(hs.size() == 1);
    CHECK(hs[0].ok);
    CHECK(hs[0].server_name.empty());  // no SNI for an IP address (RFC 6066 §3)
  }
  SECTION("by host name: SNI carries the name and the certificate's DNS name is matched") {
    if (!localhost_resolves()) {
      WARN("'localhost' does not resolve on this machine (no /etc/hosts entry): by-name check skipped");
      return;
    }
    const auto s = rt::deliver_now(hook(server.url("/hook", "localhost"), "generic"), one(), real, console,
                                   p.ca.ca_file());
    INFO(why(s));
    REQUIRE(s.ok());
    REQUIRE(server.received().size() == 1);
    CHECK(nlohmann::json::parse(server.received()[0].body)["key"] == "3:talk:2026-12-01:-7");
    REQUIRE(server.handshakes().size() == 1);
    CHECK(server.handshakes()[0].server_name == "localhost");
  }
  SECTION("without the CA (system store only): the certificate is not trusted, nothing is posted") {
    const auto s = rt::deliver_now(hook(server.url(), "generic"), one(), real, console);
    REQUIRE_FALSE(s.ok());
    CHECK(contains(s.error().message.en, "TLS handshake with 127.0.0.1"));
    CHECK(contains(s.error().message.en, "certificate verify failed"));
    CHECK(contains(s.error().message.en, "unable to get local issuer certificate"));
    CHECK(server.received().empty());
    REQUIRE(server.handshakes(1).size() == 1);
    CHECK_FALSE(server.handshakes()[0].ok);  // the client aborted the handshake
  }
  SECTION("a CA file that does not exist or holds no certificate is a set-up error, not a send") {
    const auto empty = p.dir.path() / "empty.pem";
    std::ofstream(empty).put('\n');
    for (const auto& file : {p.dir.path() / "missing.pem", empty}) {
      const auto s = rt::deliver_now(hook(server.url(), "generic"), one(), real, console, file.string());
      REQUIRE_FALSE(s.ok());
      CHECK(s.error().code == djflow::engine::ErrorCode::InvalidInput);
      CHECK(contains(s.error().message.en, file.string()));
    }
    CHECK(server.handshakes().empty());
  }
}

TEST_CASE("https webhooks: djflow notify test --ca-file, black box", "[runtime][webhook][tls][cli]") {
  auto& p = pki_files();
  auto tls = server_tls(p.local);
  TestServer server(tls.get());
  Djflow d;
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"notify", "add", "webhook", server.url(), "--preset", "generic", "--name", "oa"}).code == 0);

  const auto untrusted = d.run({"notify", "test", "oa"});
  CHECK(untrusted.code == 4);
  CHECK(contains(untrusted.err, "certificate verify failed"));
  CHECK(server.received().empty());

  const auto trusted = d.run({"--json", "notify", "test", "oa", "--ca-file", p.ca.ca_file()});
  INFO(trusted.err);
  REQUIRE(trusted.code == 0);
  CHECK(trusted.json()["delivered"] == true);
  REQUIRE(server.received().size() == 1);
  CHECK(nlohmann::json::parse(server.received()[0].body)["kind"] == "test");
}

TEST_CASE("https webhooks: a certificate for another host fails even when its CA is trusted",
          "[runtime][webhook][tls]") {
  auto& p = pki_files();
  auto tls = server_tls(p.other);
  TestServer server(tls.get());
  ManualClock real(local_at("2026-11-24", 9));
  std::ostringstream console;

  SECTION("by IP address") {
    const auto s = rt::deliver_now(hook(server.url(), "generic"), one(), real, console, p.ca.ca_file());
    REQUIRE_FALSE(s.ok());
    CHECK(contains(s.error().message.en, "certificate verify failed"));
    CHECK(contains(s.error().message.en, "IP address mismatch"));
  }
  SECTION("by host name") {
    if (!localhost_resolves()) {
      WARN("'localhost' does not resolve on this machine (no /etc/hosts entry): by-name check skipped");
      return;
    }
    const auto s = rt::deliver_now(hook(server.url("/hook", "localhost"), "generic"), one(), real, console,
                                   p.ca.ca_file());
    REQUIRE_FALSE(s.ok());
    CHECK(contains(s.error().message.en, "certificate verify failed"));
    CHECK(contains(s.error().message.en, "hostname mismatch"));
  }
  CHECK(server.received().empty());
  REQUIRE(server.handshakes(1).size() == 1);
  CHECK_FALSE(server.handshakes()[0].ok);
}

TEST_CASE("daemon: an untrusted https receiver keeps the delivery pending with the verification error",
          "[runtime][webhook][tls][retry]") {
  auto& p = pki_files();
  auto tls = server_tls(p.local);
  TestServer server(tls.get());
  DaemonFixture f;
  f.add_channel(hook(server.url(), "wecom"));
  f.open_case("2024-01-01");
  f.clock.set(local_at("2024-01-04", 9));

  {
    auto d = f.daemon();  // no --ca-file: the system store does not know the test CA
    REQUIRE(d->start().ok());
    REQUIRE(DaemonFixture::run_until(*d, [&] { return d->stats().failed == 1; }));
    auto row = f.store->list_deliveries({}).value().at(0);
    CHECK(row.d.status == DeliveryStatus::Pending);
    CHECK(row.d.attempts == 1);
    CHECK(contains(row.d.last_error, "certificate verify failed"));
    f.clock.advance(1h);  // past the back-off: retried, fails the same way
    REQUIRE(DaemonFixture::run_until(*d, [&] { return d->stats().failed == 2; }));
    row = f.store->list_deliveries({}).value().at(0);
    CHECK(row.d.status == DeliveryStatus::Pending);
    CHECK(row.d.attempts == 2);
    CHECK(contains(row.d.last_error, "certificate verify failed"));
    CHECK(f.counts()["delivered"] == 0);
    CHECK(d->stats().delivered == 0);
    CHECK(server.received().empty());
    d->stop();
    REQUIRE(DaemonFixture::run_until(*d, [&] { return d->finished(); }));
  }

  // Restarted with --ca-file: the next attempt is delivered.
  auto o = f.options();
  o.ca_file = p.ca.ca_file();
  auto d = f.daemon(o);
  REQUIRE(d->start().ok());
  f.clock.advance(1h);
  REQUIRE(DaemonFixture::run_until(*d, [&] { return f.counts()["delivered"] == 1; }));
  const auto row = f.store->list_deliveries({}).value().at(0);
  CHECK(row.d.status == DeliveryStatus::Delivered);
  CHECK(row.d.attempts == 3);
  REQUIRE(server.received().size() == 1);
  CHECK(server.received()[0].headers.at("X-Djflow-Key") == "1:finish:2024-01-11:-7");
  d->stop();
  REQUIRE(DaemonFixture::run_until(*d, [&] { return d->finished(); }));
}

TEST_CASE("daemon: a CA file that cannot be read refuses to start", "[runtime][webhook][tls]") {
  DaemonFixture f;
  auto o = f.options();
  o.ca_file = (f.dir.path() / "missing.pem").string();
  auto d = f.daemon(o);
  const auto s = d->start();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == djflow::engine::ErrorCode::InvalidInput);
  CHECK(contains(s.error().message.en, "missing.pem"));
}
