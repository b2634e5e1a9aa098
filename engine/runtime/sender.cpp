#include "engine/runtime/sender.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

extern char** environ;

namespace djflow::engine::runtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(use_awaitable);

Error io_error(const std::string& what) { return Error::storage(what); }

// --- console and file ----------------------------------------------------------------------------

Status send_console(std::ostream& out, const std::vector<Message>& batch) {
  for (const auto& m : batch) out << message_text(m) << "  [" << message_keys(m) << "]\n";
  out.flush();
  if (!out) return io_error("console: write failed");
  return {};
}

Status send_file(const Channel& c, const std::vector<Message>& batch) {
  std::string data;
  for (const auto& m : batch) data += message_json(m).dump() + "\n";
  const int fd = ::open(c.target.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("file " + c.target + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return io_error("file " + c.target + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  // Durable before the rows are marked delivered: a crash after this re-sends, never loses.
  if (::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return io_error("file " + c.target + ": fsync: " + why);
  }
  ::close(fd);
  return {};
}

// --- command -------------------------------------------------------------------------------------

std::vector<std::string> command_env(const Channel& c, const Message& m) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "DJFLOW_", 7) != 0) env.emplace_back(*e);
  }
  const bool one = !m.digest && m.items.size() == 1;
  env.push_back("DJFLOW_CHANNEL=" + c.name);
  env.push_back("DJFLOW_DIGEST=" + std::string(one ? "0" : "1"));
  env.push_back("DJFLOW_COUNT=" + std::to_string(m.items.size()));
  env.push_back("DJFLOW_KEYS=" + message_keys(m));
  env.push_back("DJFLOW_TEXT=" + message_text(m));
  if (one) {
    const auto& n = m.items.front();
    env.push_back("DJFLOW_KEY=" + n.key);
    env.push_back("DJFLOW_CASE=" + std::to_string(n.case_id));
    env.push_back("DJFLOW_WORKFLOW=" + n.workflow);
    env.push_back("DJFLOW_BRANCH=" + n.branch);
    env.push_back("DJFLOW_KIND=" + n.kind);
    env.push_back("DJFLOW_DUE=" + n.due.iso());
    env.push_back("DJFLOW_DAYS_LEFT=" + std::to_string(n.days_left));
  }
  return env;
}

awaitable<Status> send_command(const Channel& c, const Message& m) {
  auto ex = co_await asio::this_coro::executor;
  const std::string input = message_json(m).dump() + "\n";
  // Everything the child needs is built before fork(): after it only async-signal-safe calls.
  std::vector<std::string> args{c.target};
  args.insert(args.end(), c.args.begin(), c.args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto env = command_env(c, m);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) co_return io_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(in[0]);
    ::close(in[1]);
    co_return io_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::dup2(in[0], 0);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, 1);
    ::setpgid(0, 0);
    ::execvpe(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(c.timeout_seconds);
  asio::steady_timer timer(ex);
  {
    asio::posix::stream_descriptor pipe(ex, in[1]);
    timer.expires_at(deadline);
    // The child may exit without reading: EPIPE is not an error of the delivery, its exit code is.
    co_await (asio::async_write(pipe, asio::buffer(input), tuple_awaitable) ||
              timer.async_wait(tuple_awaitable));
  }  // closes the pipe: the child sees end of input
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) co_return io_error(std::string("waitpid: ") + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      co_return io_error("command " + c.target + ": timed out after " + std::to_string(c.timeout_seconds) + " s");
    }
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(tuple_awaitable);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) co_return Status{};
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    co_return io_error("command " + c.target + ": could not be run (exit 127)");
  if (WIFEXITED(status)) co_return io_error("command " + c.target + ": exit status " + std::to_string(WEXITSTATUS(status)));
  co_return io_error("command " + c.target + ": killed by signal " + std::to_string(WTERMSIG(status)));
}

// --- webhook -------------------------------------------------------------------------------------

template <class Stream>
awaitable<Result<HttpAnswer>> exchange(Stream& stream, beast::tcp_stream& lowest,
                                       http::request<http::string_body>& req, std::chrono::milliseconds timeout) {
  lowest.expires_after(timeout);
  auto [we, wn] = co_await http::async_write(stream, req, tuple_awaitable);
  if (we) co_return io_error("HTTP write: " + we.message());
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  lowest.expires_after(timeout);
  auto [re, rn] = co_await http::async_read(stream, buffer, res, tuple_awaitable);
  if (re == beast::error::timeout) co_return io_error("HTTP timeout waiting for the answer");
  if (re) co_return io_error("HTTP read: " + re.message());
  co_return HttpAnswer{static_cast<int>(res.result_int()), res.body()};
}

// The peer must be `host`: OpenSSL checks the certificate's subjectAltName against it during
// verification (IP addresses against IP entries, names against DNS entries, wildcards in the
// leftmost label), so a mismatch fails the handshake with a verify result that names it. SNI is
// sent for names only: RFC 6066 forbids IP literals in server_name.
Status expect_peer(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (!ec) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1)
      return io_error("TLS: cannot check IP address " + host);
    return {};
  }
  if (SSL_set1_host(ssl, host.c_str()) != 1) return io_error("TLS: cannot check host name " + host);
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) return io_error("TLS: cannot set SNI host name " + host);
  return {};
}

// "certificate verify failed" alone does not say what to fix: add OpenSSL's verify result.
std::string handshake_error(SSL* ssl, const boost::system::error_code& ec) {
  std::string out = ec.message();
  const long v = SSL_get_verify_result(ssl);
  if (v != X509_V_OK) out += std::string(" (") + X509_verify_cert_error_string(v) + ")";
  return out;
}

}  // namespace

Status configure_tls(asio::ssl::context& ctx, const std::string& ca_file) {
  boost::system::error_code ec;
  ctx.set_default_verify_paths(ec);  // an empty or missing system store only means fewer CAs
  if (!ca_file.empty()) {
    ctx.load_verify_file(ca_file, ec);
    if (ec)
      return Error::invalid({"无法读取 CA 证书文件 " + ca_file + "：" + ec.message(),
                             "cannot load the CA file " + ca_file + ": " + ec.message()});
  }
  ctx.set_verify_mode(asio::ssl::verify_peer);
  return {};
}

awaitable<Result<HttpAnswer>> http_post(asio::ssl::context& ssl, HttpRequestSpec spec,
                                        std::chrono::milliseconds timeout) {
  auto u = parse_url(spec.url);
  if (!u) co_return u.error();
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  asio::steady_timer timer(ex);
  timer.expires_after(timeout);
  auto resolved = co_await (resolver.async_resolve(u->host, u->port, tuple_awaitable) ||
                            timer.async_wait(tuple_awaitable));
  if (resolved.index() == 1) co_return io_error("timeout resolving " + u->host);
  auto [rec, endpoints] = std::get<0>(resolved);
  if (rec) co_return io_error("resolve " + u->host + ": " + rec.message());
  if (!spec.allow_private) {
    // A name may resolve to a metadata address (or be made to): checked on every send.
    for (const auto& e : endpoints) {
      const std::string ip = e.endpoint().address().to_string();
      if (is_link_local_or_metadata(ip))
        co_return io_error(u->host + " resolves to the link-local or metadata address " + ip +
                           " (refused; add the channel with --allow-private to allow it)");
    }
  }

  http::request<http::string_body> req{http::verb::post, u->target, 11};
  req.set(http::field::host, u->host_header());  // with the port when it is not the default
  req.set(http::field::user_agent, "djflow/0.1");
  for (const auto& [k, v] : spec.headers) req.set(k, v);
  req.body() = spec.body;
  req.prepare_payload();

  if (u->scheme == "https") {
    beast::ssl_stream<beast::tcp_stream> stream(ex, ssl);
    if (auto s = expect_peer(stream.native_handle(), u->host); !s) co_return s.error();
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(timeout);
    auto [ce, ep] = co_await lowest.async_connect(endpoints, tuple_awaitable);
    if (ce) co_return io_error("connect " + u->host + ":" + u->port + ": " + ce.message());
    lowest.expires_after(timeout);
    auto [he] = co_await stream.async_handshake(asio::ssl::stream_base::client, tuple_awaitable);
    if (he) co_return io_error("TLS handshake with " + u->host + ": " + handshake_error(stream.native_handle(), he));
    auto answer = co_await exchange(stream, lowest, req, timeout);
    lowest.expires_after(std::chrono::seconds(1));
    co_await stream.async_shutdown(tuple_awaitable);  // errors here do not matter
    co_return answer;
  }
  beast::tcp_stream stream(ex);
  stream.expires_after(timeout);
  auto [ce, ep] = co_await stream.async_connect(endpoints, tuple_awaitable);
  if (ce) co_return io_error("connect " + u->host + ":" + u->port + ": " + ce.message());
  auto answer = co_await exchange(stream, stream, req, timeout);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return answer;
}

awaitable<Status> send_messages(SendContext ctx, const Channel& c, std::vector<Message> batch) {
  if (c.type == "console") co_return send_console(*ctx.console, batch);
  if (c.type == "file") co_return send_file(c, batch);
  for (const auto& m : batch) {
    if (c.type == "command") {
      auto s = co_await send_command(c, m);
      if (!s) co_return s;
    } else if (c.type == "webhook") {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
          ctx.real->now_precise().time_since_epoch());
      auto spec = webhook_request(c, m, ms.count());
      if (!spec) co_return spec.error();
      auto answer = co_await http_post(*ctx.ssl, std::move(spec.value()), std::chrono::seconds(c.timeout_seconds));
      if (!answer) co_return answer.error();
      auto s = check_webhook_response(c.preset, answer->status, answer->body);
      if (!s) co_return s;
    } else {
      co_return Error::invalid({"未知渠道类型：" + c.type, "unknown channel type " + c.type});
    }
  }
  co_return Status{};
}

}  // namespace djflow::engine::runtime
