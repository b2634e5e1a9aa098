// Runs the real djflow binary (path in $DJFLOW_BIN, set by CTest) against a temporary database,
// capturing exit code, stdout and stderr: the black-box layer of the tests.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
  Djflow() : db_((dir_.path() / "test.db").string()) {}
  // On another database: a path or a postgresql:// URL.
  explicit Djflow(std::string db) : db_(std::move(db)) {}
  const std::string& db() const { return db_; }
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
  std::string db_;
};

}  // namespace djflow::testing
