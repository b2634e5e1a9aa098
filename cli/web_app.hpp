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
#include <functional>
#include <map>
#include <memory>
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
  // The steps' own engine and store (decision 0134): a second connection to the same database,
  // used by nothing but the steps without an Idempotency-Key, which the handler hands to the
  // server's worker thread (HttpResponse::offload). nullptr: those steps run in the handler on
  // `engine` and `store`, as every other request does.
  engine::Engine* step_engine = nullptr;
  engine::Store* step_store = nullptr;
};

// A second connection to the database `db` and an engine on it, for WebContext::step_engine and
// step_store (`djflow web`, `serve --http`): entity events on `clock`, by `actor` outside steps.
struct StepWriter {
  std::unique_ptr<engine::Store> store;
  std::unique_ptr<engine::Engine> engine;
};
engine::Result<StepWriter> open_step_writer(const std::string& db, const engine::Clock& clock,
                                             const engine::WorkflowRegistry& workflows, const std::string& actor);

class WebApp {
 public:
  explicit WebApp(WebContext ctx) : ctx_(ctx) {}
  engine::runtime::HttpResponse handle(const engine::runtime::HttpRequest& q);

 public:
  struct Principal;
  struct Call;
  // A remembered answer and the store's write mark it was read at.
  template <class T>
  struct Memo {
    std::int64_t mark = 0;
    T value;
  };

 private:
  engine::runtime::HttpResponse api(Call& c);
  engine::runtime::HttpResponse login(Call& c);
  engine::runtime::HttpResponse logout(Call& c);
  engine::runtime::HttpResponse me(Call& c);
  engine::runtime::HttpResponse orgs(Call& c);
  engine::runtime::HttpResponse cases(Call& c);
  engine::runtime::HttpResponse case_counts(Call& c, const engine::CaseFilter& f, const std::string& wf,
                                            const std::string& stage);
  engine::runtime::HttpResponse one_case(Call& c, engine::CaseId id);
  engine::runtime::HttpResponse record(Call& c, engine::CaseId id);
  engine::runtime::HttpResponse record_step(Call& c, engine::CaseId id, engine::StepInput in);
  engine::runtime::HttpResponse due(Call& c);
  // A state-changing request: the user as actor, one transaction, Idempotency-Key honoured.
  engine::runtime::HttpResponse write(Call& c, const std::function<engine::runtime::HttpResponse()>& apply);
  engine::runtime::HttpResponse write_once(Call& c, const std::function<engine::runtime::HttpResponse()>& apply);
  // /api/v1/rectify/...: the ledger (web_rectify.cpp).
  engine::runtime::HttpResponse rectify(Call& c, std::string_view rest);
  engine::runtime::HttpResponse rectify_batches(Call& c);
  engine::runtime::HttpResponse add_batch(Call& c);
  engine::runtime::HttpResponse rectify_items(Call& c);
  engine::runtime::HttpResponse rectify_item(Call& c, engine::CaseId id);
  engine::runtime::HttpResponse add_item(Call& c);
  engine::runtime::HttpResponse export_ledger(Call& c);
  // Terms and elections (web_election.cpp).
  engine::runtime::HttpResponse terms(Call& c);
  engine::runtime::HttpResponse election(Call& c, engine::CaseId id);
  engine::runtime::HttpResponse start_election(Call& c);
  // Reminders (web_notify.cpp): notifications, channels; failed deliveries and retry (admin).
  engine::runtime::HttpResponse notifications(Call& c);
  engine::runtime::HttpResponse channels(Call& c);
  engine::runtime::HttpResponse dead_letters(Call& c);
  engine::runtime::HttpResponse retry_dead(Call& c);
  // People, starting a case, one case's verify (web_cases.cpp).
  engine::runtime::HttpResponse people(Call& c);
  engine::runtime::HttpResponse start_case(Call& c);
  engine::runtime::HttpResponse verify_case(Call& c, engine::CaseId id);
  engine::runtime::HttpResponse verify_all(Call& c);
  // A member-development case's 25 steps (web_timeline.cpp).
  engine::runtime::HttpResponse timeline(Call& c, engine::CaseId id);

  engine::Result<Principal> authenticate(const engine::runtime::HttpRequest& q);
  // The organisation `org` and every organisation under it; `all` tells whether that is every one.
  engine::Result<std::vector<std::string>> subtree(const std::string& org, bool* all = nullptr);
  // Failed logins within the window, oldest first, per "u:NAME" and "a:ADDRESS".
  bool limited(const std::string& key, int max);
  void fail_login(const std::string& key);

  WebContext ctx_;
  std::map<std::string, std::deque<engine::TimePoint>> failures_;
  // Answers of the costly reads (the overview's counts over every case, the due list's total),
  // by the query's shape, kept while the store's write_mark() is unchanged (web_app.cpp).
  std::map<std::string, Memo<std::vector<engine::CaseCount>>> counts_memo_;
  std::map<std::string, Memo<std::int64_t>> totals_memo_;
};

// --http ADDRESS:PORT (and the TLS files) into server options; InvalidInput when malformed.
engine::Status listen_options(const std::string& http, const std::string& cert, const std::string& key,
                              engine::runtime::HttpOptions& o);
// For a process about to serve requests (`web`, `serve --http`): glibc keeps freed memory at the
// top of the heap (up to 64 MiB) and serves allocations up to 32 MiB from the heap, instead of
// handing them back to the kernel after every request and faulting them in again on the next.
// Without it, GET /api/v1/terms spent most of its time in brk and page faults: SQLite gives each
// of a query's temporary b-trees a page cache of 20 pages (84 KiB), two of them per organisation
// counted crossed glibc's 128 KiB trim threshold, and every request shrank and regrew the heap
// (docs/performance.md, "Third round"). A no-op without glibc.
void keep_freed_heap();
// "http(s)://ADDRESS:PORT/" of a started server (the port it bound, for --http ADDRESS:0).
std::string listen_url(const engine::runtime::HttpServer& server, const std::string& http);

}  // namespace djflow::cli
