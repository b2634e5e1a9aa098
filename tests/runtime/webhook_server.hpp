// A local webhook receiver for the runtime tests: a blocking, one-connection-at-a-time HTTP server
// (Boost.Beast) on 127.0.0.1, ephemeral port, on its own thread; HTTPS when given a server TLS
// context (it then records each handshake's outcome and the SNI name the client sent). Replies are
// queued by the test (default 200 + errcode 0). Every blocking step ends because the client in
// the same process bounds each of its steps by the channel's timeout and closes its socket; the
// destructor shuts the acceptor down and joins the thread. Also the message and channel builders
// shared by webhook_test.cpp and tls_test.cpp. Thread-safety: push/received/handshakes any thread.
#pragma once

#include <sys/socket.h>

#include <deque>
#include <map>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "runtime/daemon_fixture.hpp"

namespace djflow::testing {

struct Reply {
  int status = 200;
  std::string body = R"({"errcode":0,"errmsg":"ok"})";
  std::chrono::milliseconds delay{0};
};

struct Received {
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;
};

struct Handshake {
  bool ok = false;
  std::string error;        // the server side's view of a failed handshake
  std::string server_name;  // SNI sent by the client ("" when none)
};

class TestServer {
 public:
  // `tls`: serve HTTPS with this server context (must outlive the server); nullptr: plain HTTP.
  explicit TestServer(boost::asio::ssl::context* tls = nullptr)
      : tls_(tls), acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~TestServer() {
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    thread_.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path = "/hook", const std::string& host = "127.0.0.1") const {
    return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port()) + path;
  }
  void push(Reply r) {
    std::lock_guard<std::mutex> g(m_);
    replies_.push_back(std::move(r));
  }
  std::vector<Received> received() {
    std::lock_guard<std::mutex> g(m_);
    return got_;
  }
  // The handshakes so far; with `at_least`, first waits (up to 10 s) until that many are recorded:
  // when the client aborts a handshake it returns before this thread has recorded the failure.
  std::vector<Handshake> handshakes(std::size_t at_least = 0) {
    std::unique_lock<std::mutex> g(m_);
    handshake_cv_.wait_for(g, std::chrono::seconds(10), [&] { return handshakes_.size() >= at_least; });
    return handshakes_;
  }

 private:
  void serve() {
    namespace asio = boost::asio;
    for (;;) {
      asio::ip::tcp::socket s(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec) return;
      if (!tls_) {
        exchange(s);
        s.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
        continue;
      }
      asio::ssl::stream<asio::ip::tcp::socket&> tls(s, *tls_);
      tls.handshake(asio::ssl::stream_base::server, ec);
      Handshake h;
      h.ok = !ec;
      if (ec) h.error = ec.message();
      if (const char* sni = SSL_get_servername(tls.native_handle(), TLSEXT_NAMETYPE_host_name)) h.server_name = sni;
      {
        std::lock_guard<std::mutex> g(m_);
        handshakes_.push_back(h);
      }
      handshake_cv_.notify_all();
      if (ec) continue;
      exchange(tls);
      tls.shutdown(ec);  // close_notify both ways (the client sends its own after the answer)
      s.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  template <class Stream>
  void exchange(Stream& stream) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    boost::system::error_code ec;
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    http::read(stream, buf, req, ec);
    if (ec) return;
    Reply r;
    {
      std::lock_guard<std::mutex> g(m_);
      Received rec{std::string(req.target()), req.body(), {}};
      for (const auto& h : req) rec.headers[std::string(h.name_string())] = std::string(h.value());
      got_.push_back(std::move(rec));
      if (!replies_.empty()) {
        r = replies_.front();
        replies_.pop_front();
      }
    }
    if (r.delay.count() > 0) std::this_thread::sleep_for(r.delay);  // the server is slow, not the test
    http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
    res.set(http::field::content_type, "application/json");
    res.body() = r.body;
    res.prepare_payload();
    http::write(stream, res, ec);
  }

  boost::asio::ssl::context* tls_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex m_;
  std::deque<Reply> replies_;
  std::vector<Received> got_;
  std::vector<Handshake> handshakes_;
  std::condition_variable handshake_cv_;
};

inline rt::Message one(const std::string& lang = "zh") {
  Notification n;
  n.id = 7;
  n.key = "3:talk:2026-12-01:-7";
  n.case_id = 3;
  n.workflow = "member";
  n.branch = "B01";
  n.kind = "talk";
  n.due = *Date::parse("2026-12-01");
  n.days_left = 7;
  n.text = {"【发展党员】张三：派人谈话，还有 7 天", "[member] 张三: talk, 7 days left"};
  rt::Message m;
  m.items.push_back(n);
  m.lang = lang;
  m.channel = "robot";
  return m;
}

inline Channel hook(const std::string& url, const std::string& preset) {
  Channel c;
  c.type = "webhook";
  c.name = "robot";
  c.target = url;
  c.preset = preset;
  c.timeout_seconds = 2;
  return c;
}

}  // namespace djflow::testing
