// djflow::engine::runtime::HttpServer: the HTTP/1.1 server of the web workbench and the API
// (issue 11 §1), on Boost.Beast. It knows nothing of djflow's pages: every request goes to one
// handler (cli/web_app.cpp routes it), which runs on the server's thread and may use the Store.
// An answer may hand part of its work to the server's one worker thread (HttpResponse::offload,
// HttpOptions::worker): the io thread meanwhile reads, parses and answers other requests.
// What the server owns: keep-alive, a body limit (413), a header limit (431), timeouts for slow
// clients (the connection is closed), the security headers on every answer, and a graceful stop (no new
// connections; a request being answered is finished; idle keep-alive connections are closed).
// This header includes no Asio (pimpl).
// Thread-safety: everything on the thread that calls run(), except stop() and the offloaded work,
// which runs on the worker thread, one job at a time in the order the requests were handled.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/error.hpp"

namespace spdlog {
class logger;
}

namespace djflow::engine::runtime {

class Daemon;

struct HttpRequest {
  std::string method;                                       // "GET", "POST", ...
  std::string target;                                       // as sent: path and query
  std::string path;                                         // percent-decoded path
  std::vector<std::pair<std::string, std::string>> query;   // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers; // names lower-case
  std::string body;
  std::string remote;                                       // peer address (rate limits, log)

  // The first header / query value with that name, or "".
  std::string header(std::string_view name) const;
  std::string param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra (Set-Cookie, Location, ...)
  // Work to do before the answer is known (the other members are then ignored): `offload` runs on
  // the worker thread (HttpOptions::worker; without one, on the io thread at once), one job at a
  // time in the order they were handed over, and returns the function that makes the answer,
  // which runs on the io thread afterwards. The connection counts as busy meanwhile (a graceful
  // stop waits for it). It must not touch what the io thread's handler uses, and must copy what
  // it needs from the request: the request is gone when it runs.
  std::function<std::function<HttpResponse()>()> offload;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;                       // 0: any free port (tests; see port())
  std::size_t body_limit = 1 << 20;                 // 413 above
  std::chrono::milliseconds read_timeout{15000};    // a request must arrive whole within this
  std::chrono::milliseconds idle_timeout{60000};    // keep-alive connection with no request
  std::chrono::milliseconds write_timeout{30000};
  bool handle_signals = true;                       // SIGINT/SIGTERM -> stop()
  std::string tls_cert;                             // PEM files: both or neither (HTTPS)
  std::string tls_key;
  // A worker thread for HttpResponse::offload (started by start()/start_on(), joined by the
  // destructor). false: offloaded work runs on the io thread, where it was handed over.
  bool worker = false;
};

class HttpServer {
 public:
  HttpServer(HttpOptions options, HttpHandler handler, std::shared_ptr<spdlog::logger> log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens (InvalidInput for a bad address, Storage when the port is taken or the
  // TLS files cannot be read); does not block.
  Status start();
  // As start(), on the daemon's loop instead of the server's own (`serve --http`): the daemon's
  // run() serves both, and the server stops when the daemon begins to stop. Signals are the
  // daemon's. Call before daemon.run().
  Status start_on(Daemon& daemon);
  unsigned short port() const;  // the bound port (after start)
  // Serves until stop(). Returns after the graceful stop completed.
  void run();
  // Graceful stop; callable from any thread (and by SIGINT/SIGTERM). A second call closes
  // every connection at once.
  void stop();
  bool tls() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Percent-decoding of a path or query component ('+' is a space in a query). nullopt-free:
// malformed escapes are kept as they are.
std::string url_decode(std::string_view s, bool query);

}  // namespace djflow::engine::runtime
