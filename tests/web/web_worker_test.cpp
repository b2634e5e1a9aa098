// Decision 0134: steps without an Idempotency-Key run on the server's worker thread with their
// own connection, while the io thread serves other requests. The server's side (any offloaded
// job: order, the io thread free meanwhile, a stop waiting for the job in flight, a job that
// throws) and the web's (steps, keyed steps and reads from several clients at once: every answer
// whole and in scope, every step written once, the history verifies).
#include <condition_variable>
#include <mutex>
#include <thread>

#include "web_fixture.hpp"

using namespace web_test;
namespace rt = djflow::engine::runtime;

namespace {

// A one-shot gate between threads (no sleeps: each side waits for the other's signal).
class Gate {
 public:
  void open() {
    std::lock_guard<std::mutex> l(m_);
    open_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [this] { return open_; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool open_ = false;
};

// A raw keep-alive connection: sends a request, reads its answer (headers and body).
struct Conn {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buf;
  explicit Conn(unsigned short port) {
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  http::response<http::string_body> get(const std::string& target) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    return res;
  }
};

}  // namespace

TEST_CASE("http: offloaded jobs run on the worker in order while the io thread answers, and a stop waits for the job in flight",
          "[web][http]") {
  std::mutex m;
  std::vector<std::string> ran;  // the jobs, in the order the worker ran them
  std::thread::id io_thread, worker_thread;
  Gate started, release;
  rt::HttpOptions o;
  o.port = 0;
  o.handle_signals = false;
  o.worker = true;
  rt::HttpServer server(
      o,
      [&](const rt::HttpRequest& q) -> rt::HttpResponse {
        io_thread = std::this_thread::get_id();
        if (q.path == "/fast") return rt::HttpResponse{200, "text/plain", "fast", {}, {}};
        if (q.path == "/throw") {
          rt::HttpResponse r;
          r.offload = []() -> std::function<rt::HttpResponse()> { throw std::runtime_error("job failed"); };
          return r;
        }
        rt::HttpResponse r;
        r.offload = [&, name = q.path]() -> std::function<rt::HttpResponse()> {
          {
            std::lock_guard<std::mutex> l(m);
            worker_thread = std::this_thread::get_id();
            ran.push_back(name);
          }
          if (name == "/slow") {
            started.open();
            release.wait();
          }
          // The answer is made back on the io thread.
          return [&, name] {
            CHECK(std::this_thread::get_id() == io_thread);
            return rt::HttpResponse{200, "text/plain", "done " + name, {}, {}};
          };
        };
        return r;
      },
      nullptr);
  REQUIRE(server.start().ok());
  std::thread loop([&] { server.run(); });

  // Jobs run in the order they were handed over, off the io thread.
  Conn c(server.port());
  CHECK(c.get("/one").body() == "done /one");
  CHECK(c.get("/two").body() == "done /two");
  CHECK(worker_thread != io_thread);
  // A job that throws answers 500; the server goes on.
  CHECK(c.get("/throw").result_int() == 500);
  CHECK(c.get("/three").body() == "done /three");

  // While a job is held on the worker, the io thread still answers other connections.
  http::response<http::string_body> slow_answer;
  std::thread slow_client([&] {
    Conn s(server.port());
    slow_answer = s.get("/slow");
  });
  started.wait();
  Conn other(server.port());
  CHECK(other.get("/fast").body() == "fast");

  // A stop while the job is in flight: the job finishes, its answer is sent whole and closes the
  // connection, and run() returns only then.
  server.stop();
  release.open();
  slow_client.join();
  CHECK(slow_answer.result_int() == 200);
  CHECK(slow_answer.body() == "done /slow");
  CHECK_FALSE(slow_answer.keep_alive());
  loop.join();
  CHECK(ran == std::vector<std::string>{"/one", "/two", "/three", "/slow"});
}

TEST_CASE("http: without a worker an offloaded job runs at once on the io thread", "[web][http]") {
  std::thread::id handler_thread, job_thread;
  rt::HttpOptions o;
  o.port = 0;
  o.handle_signals = false;
  rt::HttpServer server(
      o,
      [&](const rt::HttpRequest&) {
        handler_thread = std::this_thread::get_id();
        rt::HttpResponse r;
        r.offload = [&]() -> std::function<rt::HttpResponse()> {
          job_thread = std::this_thread::get_id();
          return [] { return rt::HttpResponse{201, "text/plain", "ok", {}, {}}; };
        };
        return r;
      },
      nullptr);
  REQUIRE(server.start().ok());
  std::thread loop([&] { server.run(); });
  {
    Conn c(server.port());
    const auto r = c.get("/x");
    CHECK(r.result_int() == 201);
    CHECK(r.body() == "ok");
  }
  server.stop();
  loop.join();
  CHECK(job_thread == handler_thread);
}

TEST_CASE("web: steps on the worker, keyed steps and reads from several clients at once: each written once, every answer whole",
          "[web][conflict]") {
  Djflow d;
  seed(d);
  // Six more applicants in B01 (persons 5-10, cases 3-8) and one in B02 (person 11, case 9).
  const std::string now = "--now=2024-06-01";
  for (int i = 0; i < 6; ++i) {
    REQUIRE(d.run({"person", "add", "申请人" + std::to_string(i), "--branch", "B01", "--born", "2000-01-01"}).code == 0);
    REQUIRE(d.run({now, "member", "apply", std::to_string(5 + i), "--date", "2023-01-02"}).code == 0);
  }
  REQUIRE(d.run({"person", "add", "申请人B", "--branch", "B02", "--born", "2000-01-01"}).code == 0);
  REQUIRE(d.run({now, "member", "apply", "11", "--date", "2023-01-02"}).code == 0);
  Server srv(d.db());
  const std::vector<std::pair<std::string, std::string>> plan = {
      {"talk", "2023-01-12"}, {"activist", "2023-02-11"}, {"mentors", "2023-02-12"}, {"review", "2023-07-20"}};
  std::vector<std::thread> threads;
  std::mutex m;
  std::vector<std::string> failures;
  auto failed = [&](const std::string& what) {
    std::lock_guard<std::mutex> l(m);
    failures.push_back(what);
  };
  // Six secretaries' clients record each case's four steps, three of them with an Idempotency-Key
  // (the io thread's connection) and three without (the worker's), all at once.
  for (int k = 0; k < 6; ++k)
    threads.emplace_back([&, k] {
      Client c(srv.port());
      if (c.login("sec1", "password-sec1").status != 200) return failed("login");
      const int id = 3 + k;
      for (std::size_t i = 0; i < plan.size(); ++i) {
        json body = {{"event", plan[i].first}, {"date", plan[i].second}, {"version", static_cast<int>(i) + 1}};
        if (plan[i].first == "mentors") body["with"] = {{"mentors", "1,2"}};
        std::vector<std::pair<std::string, std::string>> extra;
        if (k % 2 == 1) extra.emplace_back("Idempotency-Key", "k" + std::to_string(id) + "-" + std::to_string(i));
        const auto r = c.post("/api/v1/cases/" + std::to_string(id) + "/steps", body, extra);
        if (r.status != 201) return failed("case " + std::to_string(id) + " " + plan[i].first + ": " + r.body);
        const json j = r.j();
        if (j["version"] != static_cast<int>(i) + 2 || j["history"].size() != i + 2 || j["recorded"]["event"] != plan[i].first)
          return failed("case " + std::to_string(id) + " answered " + r.body);
      }
      // A step on another branch's case is 404, on the worker as on the io thread.
      if (c.post("/api/v1/cases/9/steps", {{"event", "talk"}, {"date", "2023-01-12"}}).status != 404)
        failed("case 9 was not 404 for sec1");
    });
  // Meanwhile a reader of every case: each answer is a whole case, its version its history's length.
  threads.emplace_back([&] {
    Client c(srv.port());
    if (c.login("boss", "password-boss").status != 200) return failed("login boss");
    for (int round = 0; round < 10; ++round)
      for (int id = 3; id <= 8; ++id) {
        const auto r = c.get("/api/v1/cases/" + std::to_string(id));
        if (r.status != 200) return failed("GET case " + std::to_string(id) + ": " + r.body);
        const json j = r.j();
        if (j["version"] != j["history"].size()) failed("GET case " + std::to_string(id) + " torn: " + r.body);
      }
  });
  for (auto& t : threads) t.join();
  CHECK(failures.empty());
  for (const auto& f : failures) UNSCOPED_INFO(f);

  Client boss(srv.port());
  REQUIRE(boss.login("boss", "password-boss").status == 200);
  for (int id = 3; id <= 8; ++id) {
    const json j = boss.get("/api/v1/cases/" + std::to_string(id)).j();
    CHECK(j["history"].size() == plan.size() + 1);  // apply and the four steps, each once
    CHECK(j["history"].back()["actor"] == "sec1");
  }
  CHECK(boss.get("/api/v1/cases/9").j()["history"].size() == 1);
  const json v = boss.get("/api/v1/verify").j();
  CHECK(v["ok"] == true);
}
