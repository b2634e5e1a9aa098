#include "engine/runtime/http_server.hpp"

#include "engine/runtime/daemon.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <list>
#include <optional>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

namespace djflow::engine::runtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using tcp = asio::ip::tcp;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

Error io_fail(Text m) { return Error{ErrorCode::Storage, std::move(m), {}, {}, {}}; }

// Sent with every answer (issue 11 §2): no inline script or style, no framing, no sniffing.
void security_headers(http::response<http::string_body>& res) {
  res.set("Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set(http::field::server, "djflow");
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

HttpRequest to_request(const http::request<http::string_body>& r, std::string remote) {
  HttpRequest q;
  q.method = std::string(r.method_string());
  q.target = std::string(r.target());
  const auto qm = q.target.find('?');
  q.path = url_decode(std::string_view(q.target).substr(0, qm), false);
  if (qm != std::string::npos) {
    std::string_view rest = std::string_view(q.target).substr(qm + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const auto part = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      if (part.empty()) continue;
      const auto eq = part.find('=');
      q.query.emplace_back(url_decode(part.substr(0, eq), true),
                           eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1), true));
    }
  }
  for (const auto& f : r) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    q.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  q.body = r.body();
  q.remote = std::move(remote);
  return q;
}

http::response<http::string_body> plain(http::status st, unsigned version, std::string body) {
  http::response<http::string_body> res{st, version};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = std::move(body);
  security_headers(res);
  res.prepare_payload();
  return res;
}

}  // namespace

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

std::string HttpRequest::param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return {};
}

std::string url_decode(std::string_view s, bool query) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int a = hex(s[i + 1]), b = hex(s[i + 2]);
      if (a >= 0 && b >= 0) {
        out += static_cast<char>(a * 16 + b);
        i += 2;
        continue;
      }
    }
    out += (query && c == '+') ? ' ' : c;
  }
  return out;
}

struct HttpServer::Impl {
  HttpOptions opt;
  HttpHandler handler;
  std::shared_ptr<spdlog::logger> log;
  asio::io_context own{1};
  asio::io_context& ioc;          // own, or the daemon's (start_on)
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> ssl;
  std::optional<asio::signal_set> signals;
  std::atomic<int> stop_calls{0};
  bool stopping = false;
  // Live connections: idle ones are closed by a graceful stop, busy ones finish their answer.
  struct Conn {
    std::function<void()> close;
    bool busy = false;
  };
  std::list<Conn> conns;
  // The worker thread (HttpOptions::worker): its own queue, run by one thread, so that offloaded
  // jobs run one at a time in the order they were posted.
  std::optional<asio::io_context> work_ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_guard;
  std::thread worker;

  Impl(HttpOptions o, HttpHandler h, std::shared_ptr<spdlog::logger> l, asio::io_context* external)
      : opt(std::move(o)), handler(std::move(h)), log(std::move(l)), ioc(external ? *external : own), acceptor(ioc) {}
  ~Impl() { stop_worker(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void start_worker() {
    if (!opt.worker || worker.joinable()) return;
    work_ioc.emplace(1);
    work_guard.emplace(work_ioc->get_executor());
    worker = std::thread([this] {
#if defined(__linux__)
      pthread_setname_np(pthread_self(), "djflow-worker");  // top -H, perf
#endif
      work_ioc->run();
    });
  }
  // Lets the worker finish the jobs it has (none is dropped), then joins it.
  void stop_worker() {
    if (!worker.joinable()) return;
    work_guard.reset();
    worker.join();
  }

  HttpResponse internal_error(const HttpRequest& q, const char* what) {
    if (log) log->error("http: {} {}: internal error{}{}", q.method, q.path, *what ? ": " : "", what);
    return HttpResponse{500, "application/json; charset=utf-8",
                        R"({"error":{"code":"internal","message":"internal error"}})", {}, {}};
  }

  HttpResponse call(const HttpRequest& q) {
    try {
      return handler(q);
    } catch (const std::exception& e) {
      return internal_error(q, e.what());
    } catch (...) {
      return internal_error(q, "");
    }
  }

  // An answer's offloaded job on the worker (or here, without one), then its answer on this
  // thread. An exception on either side answers 500, as the handler's does.
  awaitable<HttpResponse> offloaded(std::function<std::function<HttpResponse()>()> job, const HttpRequest& q) {
    std::function<HttpResponse()> finish;
    std::string failed;  // the job's exception, if it threw
    bool threw = false;
    auto run_job = [&] {
      try {
        finish = job();
      } catch (const std::exception& e) {
        threw = true;
        failed = e.what();
      } catch (...) {
        threw = true;
      }
    };
    if (!work_ioc) {
      run_job();
    } else {
      // The coroutine waits on this thread's loop without blocking it; the job holds the loop's
      // work so that run() does not return before its answer is sent.
      co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
          [this, &run_job](auto handler) {
            asio::post(*work_ioc, [this, &run_job, h = std::move(handler), busy = asio::make_work_guard(ioc)]() mutable {
              run_job();
              auto ex = asio::get_associated_executor(h, ioc.get_executor());
              asio::post(ex, std::move(h));
            });
          },
          asio::use_awaitable);
    }
    if (threw || !finish) co_return internal_error(q, failed.c_str());
    try {
      co_return finish();
    } catch (const std::exception& e) {
      co_return internal_error(q, e.what());
    } catch (...) {
      co_return internal_error(q, "");
    }
  }

  template <class Stream>
  awaitable<void> serve(Stream& stream, beast::tcp_stream& lower, std::string remote, std::list<Conn>::iterator me) {
    beast::flat_buffer buf;
    bool first = true;
    for (;;) {
      me->busy = false;
      if (stopping) break;
      http::request_parser<http::string_body> parser;
      parser.body_limit(opt.body_limit);
      parser.header_limit(16 * 1024);
      lower.expires_after(first ? opt.read_timeout : opt.idle_timeout);
      // Wait for the header first (idle), then give the rest read_timeout.
      auto [hec, hn] = co_await http::async_read_header(stream, buf, parser, tuple_awaitable);
      static_cast<void>(hn);
      first = false;
      if (hec == http::error::end_of_stream || hec == beast::error::timeout || hec == asio::error::operation_aborted ||
          hec == asio::error::connection_reset || hec == asio::error::eof)
        break;
      me->busy = true;
      if (hec == http::error::header_limit) {
        auto res = plain(http::status::request_header_fields_too_large, 11,
                         R"({"error":{"code":"invalid","message":"request header too large"}})");
        res.keep_alive(false);
        co_await http::async_write(stream, res, tuple_awaitable);
        break;
      }
      if (hec == http::error::body_limit) {  // a Content-Length over the limit: refused before it is read
        auto res = plain(http::status::payload_too_large, 11,
                         R"({"error":{"code":"invalid","message":"request body too large"}})");
        res.keep_alive(false);
        lower.expires_after(opt.write_timeout);
        co_await http::async_write(stream, res, tuple_awaitable);
        break;
      }
      if (hec) {
        auto res = plain(http::status::bad_request, 11, R"({"error":{"code":"invalid","message":"malformed request"}})");
        res.keep_alive(false);
        co_await http::async_write(stream, res, tuple_awaitable);
        break;
      }
      // Expect: 100-continue (curl sends it before a large body): the client may send the body.
      // It also tells the client that its request is now in flight: a graceful stop from here on
      // lets it finish (the drain test waits for it).
      if (!parser.is_done() && beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, parser.get().version()};
        lower.expires_after(opt.write_timeout);
        auto [cec, cn] = co_await http::async_write(stream, cont, tuple_awaitable);
        static_cast<void>(cn);
        if (cec) break;
      }
      lower.expires_after(opt.read_timeout);
      auto [ec, n] = co_await http::async_read(stream, buf, parser, tuple_awaitable);
      static_cast<void>(n);
      if (ec == http::error::body_limit) {
        auto res = plain(http::status::payload_too_large, parser.get().version(),
                         R"({"error":{"code":"invalid","message":"request body too large"}})");
        res.keep_alive(false);
        lower.expires_after(opt.write_timeout);
        co_await http::async_write(stream, res, tuple_awaitable);
        break;
      }
      // A body that does not arrive within read_timeout (beast::error::timeout): the stream has
      // already closed the socket when its timer expired, so no 408 can be written; the
      // connection is simply cut, as for any other read error.
      if (ec) break;
      const auto& req = parser.get();
      const HttpRequest q = to_request(req, remote);
      HttpResponse r = call(q);
      if (r.offload) r = co_await offloaded(std::move(r.offload), q);
      http::response<http::string_body> res{static_cast<http::status>(r.status), req.version()};
      res.set(http::field::content_type, r.content_type);
      for (const auto& [k, v] : r.headers) res.insert(k, v);
      if (res.find(http::field::cache_control) == res.end()) res.set(http::field::cache_control, "no-store");
      security_headers(res);
      res.body() = std::move(r.body);
      res.keep_alive(req.keep_alive() && !stopping);
      res.prepare_payload();
      lower.expires_after(opt.write_timeout);
      auto [wec, wn] = co_await http::async_write(stream, res, tuple_awaitable);
      static_cast<void>(wn);
      if (wec || !res.keep_alive()) break;
    }
    me->busy = false;
  }

  awaitable<void> connection(tcp::socket sock) {
    std::string remote;
    boost::system::error_code rec;
    const auto ep = sock.remote_endpoint(rec);
    if (!rec) remote = ep.address().to_string();
    conns.push_back(Conn{});
    const auto me = std::prev(conns.end());
    if (ssl) {
      beast::ssl_stream<beast::tcp_stream> stream(std::move(sock), *ssl);
      me->close = [&stream] { beast::get_lowest_layer(stream).socket().close(); };
      beast::get_lowest_layer(stream).expires_after(opt.read_timeout);
      auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, tuple_awaitable);
      if (!ec) {
        co_await serve(stream, beast::get_lowest_layer(stream), remote, me);
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(tuple_awaitable);
      }
    } else {
      beast::tcp_stream stream(std::move(sock));
      me->close = [&stream] { stream.socket().close(); };
      co_await serve(stream, stream, remote, me);
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    conns.erase(me);
  }

  awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(tuple_awaitable);
      if (ec == asio::error::operation_aborted || stopping) co_return;
      if (ec) {
        if (log) log->warn("http: accept: {}", ec.message());
        continue;
      }
      asio::co_spawn(ioc, connection(std::move(sock)), asio::detached);
    }
  }

  void begin_stop() {
    if (stop_calls.fetch_add(1) > 0) {
      for (auto& c : conns)
        if (c.close) c.close();
      return;
    }
    stopping = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    if (signals) signals->cancel(ignored);
    std::size_t busy = 0;
    for (auto& c : conns) {
      if (c.busy) ++busy;
      else if (c.close) c.close();
    }
    // Logged after the listener is closed: from this line on, a new connection is refused.
    if (log) log->info("http: stopping: no new connections; {} request(s) in flight are finished (each within the read timeout of {} ms)",
                       busy, opt.read_timeout.count());
  }
};

HttpServer::HttpServer(HttpOptions options, HttpHandler handler, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(log), nullptr)) {}

Status HttpServer::start_on(Daemon& daemon) {
  auto* ioc = static_cast<asio::io_context*>(daemon.io_context());
  impl_ = std::make_unique<Impl>(std::move(impl_->opt), std::move(impl_->handler), std::move(impl_->log), ioc);
  impl_->opt.handle_signals = false;  // the daemon's
  daemon.on_stop([impl = impl_.get()] { impl->begin_stop(); });
  return start();
}

HttpServer::~HttpServer() = default;

Status HttpServer::start() {
  auto& m = *impl_;
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(m.opt.address, ec);
  if (ec) return Error::invalid(Text{"监听地址 " + m.opt.address + " 无效", "invalid listen address " + m.opt.address});
  if (m.opt.tls_cert.empty() != m.opt.tls_key.empty())
    return Error::invalid(Text{"--tls-cert 与 --tls-key 须同时给出", "--tls-cert and --tls-key go together"});
  if (!m.opt.tls_cert.empty()) {
    m.ssl.emplace(asio::ssl::context::tls_server);
    m.ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    m.ssl->use_certificate_chain_file(m.opt.tls_cert, ec);
    if (ec) return io_fail(Text{"无法读取证书 " + m.opt.tls_cert + "：" + ec.message(),
                                       "cannot read certificate " + m.opt.tls_cert + ": " + ec.message()});
    m.ssl->use_private_key_file(m.opt.tls_key, asio::ssl::context::pem, ec);
    if (ec) return io_fail(Text{"无法读取私钥 " + m.opt.tls_key + "：" + ec.message(),
                                       "cannot read private key " + m.opt.tls_key + ": " + ec.message()});
  }
  const tcp::endpoint ep(addr, m.opt.port);
  m.acceptor.open(ep.protocol(), ec);
  if (!ec) m.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(ep, ec);
  if (!ec) m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return io_fail(Text{"无法监听 " + m.opt.address + ":" + std::to_string(m.opt.port) + "：" + ec.message(),
                               "cannot listen on " + m.opt.address + ":" + std::to_string(m.opt.port) + ": " +
                                   ec.message()});
  if (m.opt.handle_signals) {
    m.signals.emplace(m.ioc, SIGINT, SIGTERM);
    m.signals->async_wait([this](const boost::system::error_code& e, int) {
      if (!e) impl_->begin_stop();
    });
  }
  m.start_worker();
  asio::co_spawn(m.ioc, m.accept_loop(), asio::detached);
  return {};
}

unsigned short HttpServer::port() const {
  boost::system::error_code ec;
  const auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? impl_->opt.port : ep.port();
}

bool HttpServer::tls() const { return impl_->ssl.has_value(); }

void HttpServer::run() { impl_->ioc.run(); }

void HttpServer::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

}  // namespace djflow::engine::runtime
