// Runs the real djflow binary (path in $DJFLOW_BIN, set by CTest) against a temporary database,
// capturing exit code, stdout and stderr: the black-box layer of the tests. The database is the
// backend DJFLOW_TEST_DB names (support/test_db.hpp): a temporary SQLite file `test.db`, or a
// fresh PostgreSQL schema when the test runs under the `pg:` prefix (decision 0124).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/test_db.hpp"

namespace djflow::testing {

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
  nlohmann::json json() const { return nlohmann::json::parse(out); }
  nlohmann::json error_json() const { return nlohmann::json::parse(err); }
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("djflow-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class Djflow {
 public:
  Djflow() {
    if (storage::test::TestDb::postgres_selected()) {
      pg_ = std::make_unique<storage::test::TestDb>();
      db_ = pg_->target();
    } else {
      db_ = (dir_.path() / "test.db").string();
    }
  }
  // On a SQLite file of its own whatever DJFLOW_TEST_DB says (a migrate-store source).
  struct SqliteFile {};
  explicit Djflow(SqliteFile) : db_((dir_.path() / "test.db").string()) {}
  // On another database: a path or a postgresql:// URL.
  explicit Djflow(std::string db) : db_(std::move(db)) {}
  const std::string& db() const { return db_; }
  bool postgres() const { return pg_ != nullptr; }
  // Everything the database holds (support/test_db.hpp): equal before and after a command that
  // must write nothing. SQLite: the file's bytes.
  std::string contents() const { return pg_ ? pg_->contents() : slurp(db_); }
  const TempDir& dir() const { return dir_; }

  // Runs `djflow --db DB ARGS...` with the environment's locale cleared (LANG=C.UTF-8).
  RunResult run(const std::vector<std::string>& args) const { return run_env("LANG=C.UTF-8", args); }

  // Same, with the given environment assignments (e.g. "LANG=zh_CN.UTF-8 DJFLOW_NOW=2026-01-01").
  RunResult run_env(const std::string& assignments, const std::vector<std::string>& args) const {
    const char* bin = std::getenv("DJFLOW_BIN");
    std::string cmd = "env -u LC_ALL -u LC_MESSAGES -u DJFLOW_NOW -u DJFLOW_DB " + assignments + " ";
    cmd += shell_quote(bin ? bin : "djflow") + " --db " + shell_quote(db_);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    const auto out_file = dir_.path() / "stdout";
    const auto err_file = dir_.path() / "stderr";
    cmd += " >" + shell_quote(out_file.string()) + " 2>" + shell_quote(err_file.string()) + " </dev/null";
    const int status = std::system(cmd.c_str());
    RunResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out_file);
    r.err = slurp(err_file);
    return r;
  }

  // Runs `sql` (statements separated by ';') on the database behind djflow's back, its triggers
  // off, as someone with the file or a database login could: SQLite through python3's sqlite3
  // (the triggers dropped), PostgreSQL through libpq (support/test_db.hpp). Returns 0 when done.
  int tamper(const std::string& sql) const {
    if (pg_) {
      pg_->exec_behind(sql);
      return 0;
    }
    const std::string py =
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
        "[c.execute('DROP TRIGGER ' + r[0]) for r in c.execute(\"SELECT name FROM sqlite_master WHERE type='trigger'\").fetchall()]; "
        "c.executescript(sys.argv[2]); c.commit()";
    return sh("python3 -c " + shell_quote(py) + " " + shell_quote(db_) + " " + shell_quote(sql));
  }

  // Runs a shell command (e.g. python3 tampering with the database).
  static int sh(const std::string& cmd) {
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  static std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  TempDir dir_;
  std::unique_ptr<storage::test::TestDb> pg_;  // PostgreSQL: the fresh schema, dropped at the end
  std::string db_;
};

}  // namespace djflow::testing
