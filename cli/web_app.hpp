// The web workbench and JSON API (issue 11): routes every request the HttpServer receives.
// Pages are static assets compiled into the binary (cli/web/, embedded at build time); they
// talk to /api/v1 only. The API calls the same Engine as the command line, so a step recorded
// in a browser meets the same guards and refusals.
//
// Access (docs/web.md): a browser session (cookie, HttpOnly, SameSite=Strict, CSRF token
// header on every state-changing request) or a Bearer API token. A user sees and acts only
// within the subtree of their organisation: a case outside it answers 404, exactly as one that
// does not exist (no probing by id). Viewer reads; secretary also records steps; admin also
// manages users (command line). Failed logins are limited per user and per address.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <string>

#include "cli/render.hpp"
#include "engine/engine.hpp"
#include "engine/runtime/http_server.hpp"
#include "engine/store.hpp"

namespace djflow::cli {

struct WebContext {
  engine::Engine& engine;
  engine::Store& store;
  const engine::WorkflowRegistry& workflows;
  const engine::Clock& real;       // sessions, rate limits (the engine's clock gives business dates)
  const engine::Clock& engine_clock;  // recorded_at of the entity events a step writes
  bool tls = false;                // cookies get Secure
  std::string process_actor;       // the actor of entity events outside web steps (daemon ticks)
  std::chrono::seconds session_ttl{8 * 3600};
  int max_failures_per_user = 5;   // within failure_window; then 429 until it passes
  int max_failures_per_address = 20;
  std::chrono::seconds failure_window{15 * 60};
};

class WebApp {
 public:
  explicit WebApp(WebContext ctx) : ctx_(ctx) {}
  engine::runtime::HttpResponse handle(const engine::runtime::HttpRequest& q);

 private:
  struct Principal;
  struct Call;
  engine::runtime::HttpResponse api(Call& c);
  engine::runtime::HttpResponse login(Call& c);
  engine::runtime::HttpResponse logout(Call& c);
  engine::runtime::HttpResponse me(Call& c);
  engine::runtime::HttpResponse orgs(Call& c);
  engine::runtime::HttpResponse cases(Call& c);
  engine::runtime::HttpResponse one_case(Call& c, engine::CaseId id);
  engine::runtime::HttpResponse record(Call& c, engine::CaseId id);
  engine::runtime::HttpResponse due(Call& c);

  engine::Result<Principal> authenticate(const engine::runtime::HttpRequest& q);
  engine::Result<std::vector<std::string>> subtree(const std::string& org);
  // Failed logins within the window, oldest first, per "u:NAME" and "a:ADDRESS".
  bool limited(const std::string& key, int max);
  void fail_login(const std::string& key);

  WebContext ctx_;
  std::map<std::string, std::deque<engine::TimePoint>> failures_;
};

// --http ADDRESS:PORT (and the TLS files) into server options; InvalidInput when malformed.
engine::Status listen_options(const std::string& http, const std::string& cert, const std::string& key,
                              engine::runtime::HttpOptions& o);
// "http(s)://ADDRESS:PORT/" of a started server (the port it bound, for --http ADDRESS:0).
std::string listen_url(const engine::runtime::HttpServer& server, const std::string& http);

}  // namespace djflow::cli
