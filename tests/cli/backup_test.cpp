// djflow backup (issue 7 §5): a consistent copy while other processes write, restored the way
// docs/operations.md says (copy the file into place) and verified.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::shell_quote;

namespace fs = std::filesystem;

namespace {

void seed(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

// Bytes 18 and 19 of a SQLite header: 1 = rollback journal, 2 = WAL.
int journal_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char h[20] = {};
  in.read(h, sizeof h);
  return h[18] == h[19] ? h[18] : -1;
}

// Restores `backup` the documented way (into a new place, nothing else beside it) and returns
// a runner on it.
struct Restored {
  Djflow d;
  explicit Restored(const std::string& backup) { fs::copy_file(backup, d.db()); }
};

}  // namespace

TEST_CASE("backup makes a 0600 single-file copy that verifies, and never overwrites", "[cli][backup][sqlite-only]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({"person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"}).code == 0);
  REQUIRE(d.run({"--now=2026-01-05", "member", "apply", "1", "--date", "2026-01-05"}).code == 0);
  const std::string file = (d.dir().path() / "copy.db").string();

  const mode_t old_mask = ::umask(0);  // even with a permissive umask
  auto r = d.run({"--json", "backup", file});
  ::umask(old_mask);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["backup"] == file);
  CHECK(r.json()["bytes"].get<long long>() == static_cast<long long>(fs::file_size(file)));
  CHECK(mode_of(file) == 0600);
  CHECK(journal_format(file) == 1);
  CHECK_FALSE(fs::exists(file + "-wal"));

  Restored back(file);
  CHECK(back.d.run({"verify"}).code == 0);
  auto show = back.d.run({"--json", "show", "1"});
  REQUIRE(show.code == 0);
  CHECK(show.json()["history"].size() == 1);

  SECTION("an existing file is refused with exit 2 and left alone") {
    { std::ofstream(file, std::ios::trunc) << "keep me"; }
    auto again = d.run({"backup", file});
    CHECK(again.code == 2);
    CHECK(again.err.find("exists") != std::string::npos);
    std::ifstream in(file);
    std::string text;
    std::getline(in, text);
    CHECK(text == "keep me");
  }
  SECTION("a missing folder is exit 2, a missing database exit 3, and neither leaves a file") {
    const auto nowhere = (d.dir().path() / "no-such-dir" / "x.db").string();
    CHECK(d.run({"backup", nowhere}).code == 2);
    Djflow empty;
    const auto target = (empty.dir().path() / "x.db").string();
    CHECK(empty.run({"backup", target}).code == 3);
    CHECK_FALSE(fs::exists(target));
    CHECK_FALSE(fs::exists(empty.db()));
  }
}

TEST_CASE("backups taken while another process records steps restore to verified databases",
          "[cli][backup][concurrency][sqlite-only]") {
  Djflow d;
  seed(d);
  const char* bin = std::getenv("DJFLOW_BIN");
  REQUIRE(bin != nullptr);
  // The writer: 25 rounds of person add, member apply and a step, each its own djflow process.
  const std::string dj = shell_quote(bin) + " --db " + shell_quote(d.db()) + " --now 2026-01-20 ";
  const std::string script = "set -e; for i in $(seq 1 25); do id=$(" + dj +
                             "person add P$i --branch B01 --born 2000-01-01); " + dj +
                             "member apply $id --date 2026-01-05 >/dev/null; " + dj +
                             "record $i talk --date 2026-01-10 >/dev/null; done";
  const pid_t writer = ::fork();
  REQUIRE(writer >= 0);
  if (writer == 0) {
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }

  std::vector<std::string> backups;
  int status = 0;
  bool running = true;
  int taken_while_running = 0;
  while (running && backups.size() < 40) {  // bounded whatever the machine's speed
    const auto file = (d.dir().path() / ("b" + std::to_string(backups.size()) + ".db")).string();
    auto r = d.run({"backup", file});
    INFO(r.err);
    REQUIRE(r.code == 0);
    running = ::waitpid(writer, &status, WNOHANG) == 0;
    if (running) ++taken_while_running;
    backups.push_back(file);
  }
  if (running) REQUIRE(::waitpid(writer, &status, 0) == writer);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(taken_while_running >= 1);
  const auto final_file = (d.dir().path() / "final.db").string();
  REQUIRE(d.run({"backup", final_file}).code == 0);
  backups.push_back(final_file);

  std::size_t last_cases = 0;
  for (const auto& b : backups) {
    Restored back(b);
    INFO(b);
    auto v = back.d.run({"verify"});
    INFO(v.out << v.err);
    CHECK(v.code == 0);
    auto list = back.d.run({"--json", "list"});
    REQUIRE(list.code == 0);
    const auto cases = list.json().size();
    CHECK(cases >= last_cases);  // each snapshot is a later state than the one before
    last_cases = cases;
    // Consistent: every person but the last may lack a case, never more (person add, then apply).
    auto persons = back.d.run({"--json", "person", "list"});
    REQUIRE(persons.code == 0);
    CHECK(persons.json().size() - cases <= 1);
  }
  CHECK(last_cases == 25);
}
