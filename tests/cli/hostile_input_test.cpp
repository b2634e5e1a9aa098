// Issue 7 §1 and §4: bytes that are not UTF-8 text are refused at the edge (exit 2, nothing
// written); a database that already holds them (written behind djflow's back) still works and
// `verify` names the rows; settings are checked by type and range; odd inputs are exit 2.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::shell_quote;

namespace {

// One branch, one full member (1) and an applicant (2) with a member-development case (#1).
void seed(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  REQUIRE(d.run({"person", "add", "李老师", "--branch", "B01", "--born", "1980-01-01", "--status", "full",
                 "--joined", "2005-07-01"}).code == 0);
  REQUIRE(d.run({"person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"}).code == 0);
  REQUIRE(d.run({"--now=2024-01-10", "member", "apply", "2", "--date", "2024-01-10"}).code == 0);
}

// Runs SQL on the database behind djflow's back (support/cli_runner.hpp, triggers off).
void raw_sql(const Djflow& d, const std::string& sql) { REQUIRE(d.tamper(sql) == 0); }

std::size_t count(const Djflow& d, const std::vector<std::string>& list_args) {
  auto r = d.run(list_args);
  REQUIRE(r.code == 0);
  return r.json().size();
}

}  // namespace

TEST_CASE("an argument that is not UTF-8 text is refused with exit 2 naming it", "[cli][utf8]") {
  Djflow d;
  seed(d);
  const std::size_t events = d.run({"--json", "show", "1"}).json()["history"].size();

  auto bad_case = d.run({"--json", "record", "\xff", "talk"});  // aborted with exit 134 before
  CHECK(bad_case.code == 2);
  const std::string case_msg = bad_case.error_json()["error"]["message"];
  CHECK(case_msg.find("argument 5 is not valid UTF-8") != std::string::npos);  // after --db FILE --json record
  CHECK(case_msg.find("\\xFF") != std::string::npos);

  auto bad_note = d.run({"--json", "record", "1", "talk", "--date", "2024-01-20", "--note", "bad\xc3\x28"});
  CHECK(bad_note.code == 2);
  const std::string msg = bad_note.error_json()["error"]["message"];
  CHECK(msg.find("(the value of --note)") != std::string::npos);
  CHECK(msg.find("UTF-8") != std::string::npos);
  CHECK(msg.find("\\xC3") != std::string::npos);  // the bytes are shown escaped

  CHECK(d.run({"person", "add", "\xff\xfe", "--branch", "B01", "--born", "2000-01-01"}).code == 2);
  CHECK(d.run({"record", "1", "talk", "--date", "2024-01-20", "--with", "k=\xed\xa0\x80"}).code == 2);  // a surrogate
  CHECK(d.run({"record", "1", "talk", "--date", "2024-01-20", "--note", "\xc0\xaf"}).code == 2);         // an overlong '/'
  CHECK(d.run({"record", "1", "talk", "--date", "2024-01-20", "--note", std::string(70000, 'x')}).code == 2);
  CHECK(d.run({"config", "set", "member.archive_days", "3\xff"}).code == 2);

  auto zh = d.run({"--lang", "zh", "person", "add", "\xff", "--branch", "B01", "--born", "2000-01-01"});
  CHECK(zh.code == 2);
  CHECK(zh.err.find("不是有效的 UTF-8 文本") != std::string::npos);
  CHECK(zh.err.find("第 7 个命令行参数") != std::string::npos);

  // Nothing was written.
  CHECK(count(d, {"--json", "person", "list"}) == 2);
  CHECK(d.run({"--json", "show", "1"}).json()["history"].size() == events);
  CHECK(d.run({"verify"}).code == 0);
}

TEST_CASE("a database that already holds invalid bytes still works, and verify names the rows", "[cli][utf8][sqlite-only]") {
  Djflow d;
  seed(d);
  REQUIRE(d.run({"--now=2024-01-20", "record", "1", "talk", "--date", "2024-01-20", "--note", "ok"}).code == 0);
  raw_sql(d,
          "UPDATE persons SET name = CAST(X'FFFE' AS TEXT) WHERE id = 2;"
          "UPDATE events SET note = CAST(X'626164C328' AS TEXT) WHERE case_id = 1 AND seq = 2;"
          "UPDATE cases SET title = CAST(X'E4B8' AS TEXT) WHERE id = 1;");

  auto show = d.run({"--json", "show", "1"});
  CHECK(show.code == 0);
  CHECK(show.out.find("\xEF\xBF\xBD") != std::string::npos);  // U+FFFD in place of the bad bytes
  CHECK(d.run({"show", "1"}).code == 0);
  auto people = d.run({"--json", "person", "list"});
  CHECK(people.code == 0);
  CHECK(people.json()[1]["name"] == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(d.run({"person", "list"}).code == 0);
  CHECK(d.run({"--json", "list"}).code == 0);
  CHECK(d.run({"list"}).code == 0);
  CHECK(d.run({"--now=2024-01-20", "--json", "due"}).code == 0);
  CHECK(d.run({"--now=2024-01-20", "due"}).code == 0);
  auto tick = d.run({"--now=2024-06-01", "--json", "tick"});
  CHECK(tick.code == 0);
  CHECK(d.run({"history", "1"}).code == 0);

  auto verify = d.run({"--json", "verify"});
  CHECK(verify.code == 4);
  std::string problems = verify.json()["problems"].dump();
  CHECK(problems.find("persons row 2 column name") != std::string::npos);
  CHECK(problems.find("cases row 1 column title") != std::string::npos);
  CHECK(problems.find("column note") != std::string::npos);
}

TEST_CASE("settings are checked by type and range when set, and nothing bad is stored", "[cli][settings]") {
  Djflow d;
  auto init = d.run({"init", "--reminder-time", "24:61"});
  CHECK(init.code == 2);
  CHECK(init.err.find("reminder.time") != std::string::npos);
  REQUIRE(d.run({"init"}).code == 0);
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"member.archive_days", "-5"},
           {"election.lead_months", "x,y"},
           {"election.lead_months", "4,,1"},
           {"rectify.progress_days", "abc"},
           {"election.overdue_every_days", "-1"},
           {"rectify.immediate_days", "-10"},
           {"reminder.time", "9:5"},
           {"election.majority", "most"},
           {"timezone", "Mars/Olympus"},
       }) {
    INFO(key << "=" << value);
    auto r = d.run({"config", "set", key, value});
    CHECK(r.code == 2);
    CHECK(r.err.find(key) != std::string::npos);
  }
  auto unknown = d.run({"config", "set", "member.archive_day", "10"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("did you mean member.archive_days") != std::string::npos);
  const auto settings = d.run({"--json", "config", "list"}).json();
  for (const auto& [k, v] : settings.items()) {  // nothing stored
    INFO(k);
    CHECK(v["set"] == false);
  }
  CHECK(d.run({"config", "set", "election.lead_months", "6,3,1"}).code == 0);
  CHECK(d.run({"config", "set", "reminder.time", "08:30"}).code == 0);
}

TEST_CASE("a bad setting already stored warns and uses the default, and config set fixes it", "[cli][settings]") {
  Djflow d;
  seed(d);
  raw_sql(d, "INSERT INTO settings (key, value) VALUES ('reminder.time', '24:61'), ('member.archive_days', '-5'), "
             "('no.such.key', 'x');");
  auto list = d.run({"--json", "list"});
  CHECK(list.code == 0);  // exit 2 for every command before
  CHECK(list.err.find("reminder.time") != std::string::npos);
  CHECK(list.err.find("09:00") != std::string::npos);
  CHECK(list.err.find("no.such.key") != std::string::npos);
  CHECK(d.run({"--now=2024-01-20", "record", "1", "talk", "--date", "2024-01-20"}).code == 0);
  CHECK(d.run({"config", "set", "reminder.time", "08:00"}).code == 0);
  auto fixed = d.run({"config", "set", "member.archive_days", "30"});
  CHECK(fixed.code == 0);
  CHECK(fixed.err.find("24:61") == std::string::npos);  // fixed by the previous command
}

TEST_CASE("odd inputs are a clear exit 2", "[cli][input]") {
  Djflow d;
  seed(d);
  const auto dir = d.dir().path();
  CHECK(d.run({"calendar", "import", dir.string()}).code == 2);
  {
    std::ofstream(dir / "nul.csv", std::ios::binary) << std::string("2030-01-01,off,元旦\0x\n", 22);
    std::ofstream(dir / "quote.csv") << "2030-01-01,off,\"元旦\n";
    std::ofstream(dir / "quoted.csv") << "2030-01-01,off,\"元旦, 新年\"\n2030-01-02,work,\"说 \"\"上班\"\"\"\n";
  }
  auto nul = d.run({"calendar", "import", (dir / "nul.csv").string()});
  CHECK(nul.code == 2);
  CHECK(nul.err.find("NUL") != std::string::npos);
  auto quote = d.run({"calendar", "import", (dir / "quote.csv").string()});
  CHECK(quote.code == 2);
  CHECK(quote.err.find("line 1") != std::string::npos);
  REQUIRE(d.run({"calendar", "import", (dir / "quoted.csv").string()}).code == 0);
  auto cal = d.run({"--json", "calendar", "list", "--year", "2030"}).json();
  REQUIRE(cal.size() == 2);
  CHECK(cal[0]["name"] == "元旦, 新年");
  CHECK(cal[1]["name"] == "说 \"上班\"");

  CHECK(d.run({"notify", "add", "file", ""}).code == 2);
  CHECK(d.run({"notify", "add", "webhook", "http://127.0.0.1:9/x\r\nX-Injected: yes", "--preset", "generic"}).code == 2);
  CHECK(d.run({"notify", "add", "webhook", "http://127.0.0.1:70000/x", "--preset", "generic"}).code == 2);
  CHECK(d.run({"notify", "add", "webhook", "http://169.254.169.254/latest", "--preset", "generic"}).code == 2);
  CHECK(d.run({"notify", "add", "webhook", "http://169.254.169.254/latest", "--preset", "generic", "--name", "meta",
               "--allow-private"}).code == 0);
  REQUIRE(d.run({"notify", "add", "webhook", "https://example.com/hook/Ab3dE?Tok3n#fr4g", "--preset", "generic",
                 "--name", "robot"}).code == 0);
  auto channels = d.run({"notify", "list"});
  CHECK(channels.out.find("https://example.com/hook/***?***#***") != std::string::npos);
  for (const char* secret : {"Ab3dE", "Tok3n", "fr4g"}) CHECK(channels.out.find(secret) == std::string::npos);
  CHECK(d.run({"notify", "add", "console", "--kind", "nope"}).code == 2);
  CHECK(d.run({"notify", "add", "console", "--kind", "talk"}).code == 0);
  CHECK(d.run({"--now", "2024-01-01T10:00-99:99", "list"}).code == 2);
  CHECK(d.run({"--actor", "", "record", "1", "talk", "--date", "2024-01-20"}).code == 2);
  auto big = d.run({"show", "99999999999999999999"});
  CHECK(big.code == 2);
  CHECK(big.err.find("9223372036854775807") == std::string::npos);
  CHECK(d.run({"show", "010"}).code == 3);  // decimal ten, not octal eight
  CHECK(d.run({"show", "0x1"}).code == 2);
}

TEST_CASE("files djflow creates are 0600 whatever the umask", "[cli][files][sqlite-only]") {
  const mode_t old = ::umask(022);
  Djflow d;
  std::ofstream(d.db()).close();  // an existing empty 0644 file
  ::chmod(d.db().c_str(), 0644);
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  auto mode = [](const std::string& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777;
  };
  CHECK(mode(d.db()) == 0600);
  for (const char* suffix : {"-wal", "-shm"})
    if (std::filesystem::exists(d.db() + suffix)) CHECK(mode(d.db() + suffix) == 0600);
  REQUIRE(d.run({"--now", "2024-01-05", "rectify", "batch", "add", "--source", "inspection", "--org", "B01", "--feedback",
                 "2023-12-31"}).code == 0);
  const auto out = (d.dir().path() / "ledger.csv").string();
  std::ofstream(out).close();
  ::chmod(out.c_str(), 0644);
  REQUIRE(d.run({"rectify", "export", "--batch", "1", "--csv", "--output", out}).code == 0);
  CHECK(mode(out) == 0600);
  ::umask(old);
}

TEST_CASE("serve refuses a database whose pages are damaged, and verify reports them", "[cli][pages][sqlite-only]") {
  Djflow d;
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  for (int i = 0; i < 30; ++i)
    REQUIRE(d.run({"person", "add", "人员" + std::to_string(i), "--branch", "B01", "--born", "2000-01-01"}).code == 0);
  // Overwrite the cell pointers of the persons table's root page (checkpointed first).
  const std::string py =
      "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); "
      "root=c.execute(\"SELECT rootpage FROM sqlite_master WHERE name='persons'\").fetchone()[0]; "
      "size=c.execute('PRAGMA page_size').fetchone()[0]; c.close(); "
      "f=open(sys.argv[1],'r+b'); f.seek((root-1)*size+8); f.write(b'\\xff'*64); f.close()";
  REQUIRE(Djflow::sh("python3 -c " + shell_quote(py) + " " + shell_quote(d.db())) == 0);
  // Refuses at once (bounded by timeout(1): a daemon that started would run until killed).
  // The log file is made 0600 whatever the umask, and the reason is in it.
  const mode_t old = ::umask(022);
  const auto log = (d.dir().path() / "serve.log").string();
  CHECK(Djflow::sh("timeout 20 " + shell_quote(std::getenv("DJFLOW_BIN")) + " --db " + shell_quote(d.db()) +
                   " serve --log-file " + shell_quote(log) + " 2>/dev/null </dev/null >/dev/null") == 4);
  ::umask(old);
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("quick_check") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat(log.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto verify = d.run({"--json", "verify"});
  CHECK(verify.code == 4);
  CHECK(verify.json()["integrity"] != "ok");
}
