// Internal to engine/runtime/ (includes Asio): sends messages to a channel, asynchronously on the
// daemon's io_context. console writes to a stream; file appends JSON lines and fsyncs once per
// batch before returning (so a row is marked delivered only once its line is on disk); command
// forks and execs the program without a shell, with the JSON on stdin and the main fields in
// DJFLOW_* environment variables, killed after the channel's timeout; webhook POSTs through
// Boost.Beast (HTTP, or HTTPS via OpenSSL with peer and host-name verification), each step under
// the channel's timeout. Returns ok iff the receiver accepted every message of the batch.
// One thread (the io_context's).
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include "engine/clock.hpp"
#include "engine/delivery.hpp"
#include "engine/error.hpp"
#include "engine/runtime/message.hpp"

namespace djflow::engine::runtime {

struct SendContext {
  boost::asio::ssl::context* ssl = nullptr;
  std::ostream* console = nullptr;
  const Clock* real = nullptr;  // wall-clock time for webhook signatures
};

// Sends `batch` (several messages only for the file channel; one otherwise).
boost::asio::awaitable<Status> send_messages(SendContext ctx, const Channel& c, std::vector<Message> batch);

struct HttpAnswer {
  int status = 0;
  std::string body;
};
// One POST with a timeout on each step (resolve, connect, TLS handshake, write, read).
boost::asio::awaitable<Result<HttpAnswer>> http_post(boost::asio::ssl::context& ssl, HttpRequestSpec spec,
                                                     std::chrono::milliseconds timeout);

// Makes a TLS client context that verifies peers against the system store and, if not empty,
// the PEM certificates in `ca_file` (InvalidInput naming the file if it cannot be loaded).
// Each connection also checks the URL's host against the certificate (http_post).
Status configure_tls(boost::asio::ssl::context& ctx, const std::string& ca_file);

}  // namespace djflow::engine::runtime
