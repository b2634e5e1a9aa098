// Issue 9 §4 "Chinese first": under a Chinese locale every command's --help and CLI11's own
// messages contain no English sentence. The commands are discovered from the CLI itself (the
// hidden `djflow --list-commands` and, cross-checked, the 子命令 sections of the help pages), so a
// command added later is scanned without touching this test.
#include <algorithm>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;

namespace {

const char* kZh = "LANG=zh_CN.UTF-8";

// Names that stay as they are in Chinese text: the product, file formats, protocols.
bool allowed_word(std::string w) {
  std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::set<std::string> kAllowed{"djflow", "json", "csv",  "xlsx", "url",    "http",   "https",
                                              "pem",    "bom",  "utf",  "excel", "rfc",   "merkle", "sqlite",
                                              "webhook", "ics", "shell", "systemd", "bash"};
  return kAllowed.count(w) > 0;
}

// An English word: a whitespace-separated token that is, once surrounding punctuation is
// stripped, ASCII letters only, with a small letter (all capitals are placeholders: CASE, FILE,
// DIGEST) and not an allowed name. Option names (--date), ids with - _ . = / or digits
// (apply-full, member.archive_days, B01), value lists ({zh,en}) and tokens holding Chinese are
// never words. Returns the word's length, 0 when the token is not a word.
std::size_t english_word(const std::string& token) {
  const std::string lead = "([{\"'<", trail = ")]}\"'.,;:!?>";
  std::size_t b = 0, e = token.size();
  while (b < e && lead.find(token[b]) != std::string::npos) ++b;
  while (e > b && trail.find(token[e - 1]) != std::string::npos) --e;
  const std::string w = token.substr(b, e - b);
  if (w.empty()) return 0;
  bool lower = false;
  for (unsigned char c : w) {
    if (!std::isalpha(c)) return 0;
    if (std::islower(c)) lower = true;
  }
  return lower && !allowed_word(w) ? w.size() : 0;
}

// The lines of `text` that hold an English sentence: a run of English words in a row of which
// two or more have three letters or more ("is required", "A subcommand is required", "list
// cases"; not "zh or en").
std::vector<std::string> english_sentences(const std::string& text) {
  std::vector<std::string> found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream tokens(line);
    int run = 0;
    for (std::string t; tokens >> t;) {
      const std::size_t n = english_word(t);
      run = n == 0 ? 0 : run + (n >= 3 ? 1 : 0);
      if (run >= 2) {
        found.push_back(line);
        break;
      }
    }
  }
  return found;
}

std::vector<std::string> split_words(const std::string& path) {
  std::istringstream in(path);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The subcommand names listed in the 子命令 section(s) of a help page.
std::vector<std::string> listed_subcommands(const std::string& help) {
  std::vector<std::string> names;
  std::istringstream lines(help);
  bool in_section = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) {
      in_section = false;
      continue;
    }
    if (line == "子命令:") {
      in_section = true;
      continue;
    }
    // "  name   description"; a description's continuation lines are indented further.
    if (in_section && line.size() > 2 && line.rfind("  ", 0) == 0 && line[2] != ' ') {
      std::istringstream t(line);
      std::string name;
      t >> name;
      names.push_back(name);
    }
  }
  return names;
}

std::set<std::string> listed_commands(const Djflow& dj) {
  const RunResult r = dj.run_env(kZh, {"--list-commands"});
  REQUIRE(r.code == 0);
  std::set<std::string> paths;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) paths.insert(line);
  return paths;
}

}  // namespace

TEST_CASE("the English-sentence detector finds English and passes Chinese help", "[cli][zh]") {
  CHECK(english_sentences("  list   list cases").size() == 1);
  CHECK(english_sentences("A subcommand is required").size() == 1);
  CHECK(english_sentences("错误：Could not convert: case = 张晓东").size() == 1);
  CHECK(english_sentences("  --db 文本   数据库文件（默认取 $DJFLOW_DB，否则为 ./djflow.db）").empty());
  CHECK(english_sentences("用法: djflow record [选项] CASE EVENT").empty());
  CHECK(english_sentences("  --preset 文本:{wecom,dingtalk,feishu,generic} 必填  机器人类型").empty());
  CHECK(english_sentences("  apply-full member.archive_days B01 JSON CSV").empty());
  CHECK(english_sentences("界面语言：zh 或 en，zh or en").empty());
  CHECK(english_sentences("error: --measures is required (see djflow --help)").size() == 1);
}

TEST_CASE("every command's --help under LANG=zh_CN.UTF-8 contains no English sentence", "[cli][zh]") {
  Djflow dj;
  const std::set<std::string> commands = listed_commands(dj);
  // The listing is the CLI's own tree: it holds the commands of every area, nested ones too.
  for (const char* known : {"init", "member apply", "record", "show", "rectify batch add", "notify add webhook",
                            "election start", "branch term", "verify", "backup"})
    CHECK(commands.count(known) == 1);

  std::set<std::string> discovered;
  std::vector<std::string> queue{""};
  std::size_t scanned = 0;
  while (!queue.empty()) {
    const std::string path = queue.back();
    queue.pop_back();
    auto args = split_words(path);
    args.push_back("--help");
    const RunResult r = dj.run_env(kZh, args);
    INFO("djflow " << path << " --help\n" << r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("用法") != std::string::npos);
    // The usage line names the command ("djflow outbox retry"): command names are not sentences.
    std::string text = r.out;
    const std::string usage = "djflow " + path;
    for (auto at = text.find(usage + " "); !path.empty() && at != std::string::npos; at = text.find(usage + " "))
      text.replace(at, usage.size(), "djflow");
    CHECK(english_sentences(text) == std::vector<std::string>{});
    ++scanned;
    for (const auto& sub : listed_subcommands(r.out)) {
      const std::string child = path.empty() ? sub : path + " " + sub;
      discovered.insert(child);
      queue.push_back(child);
    }
  }
  // The help pages list every command the CLI has: none is reachable only by knowing its name.
  CHECK(discovered == commands);
  CHECK(scanned == commands.size() + 1);
}

TEST_CASE("the option --lang overrides the locale for the help texts", "[cli][zh]") {
  Djflow dj;
  const RunResult zh = dj.run_env("LANG=C.UTF-8", {"--lang", "zh", "record", "--help"});
  CHECK(zh.code == 0);
  CHECK_THAT(zh.out, Catch::Contains("为一件事项记录一个步骤"));
  CHECK(english_sentences(zh.out).empty());
  const RunResult en = dj.run_env(kZh, {"--lang=en", "record", "--help"});
  CHECK(en.code == 0);
  CHECK_THAT(en.out, Catch::Contains("record a step on a case"));
  CHECK_THAT(en.out, Catch::Contains("Usage"));
}

TEST_CASE("CLI11's own errors are Chinese under a Chinese locale", "[cli][zh]") {
  Djflow dj;
  REQUIRE(dj.run({"init"}).code == 0);
  struct Case {
    std::vector<std::string> args;
    const char* expect;
  };
  const std::vector<Case> cases{
      {{}, "缺少子命令"},
      {{"member"}, "缺少子命令"},
      {{"outbox", "--limit", "十"}, "十进制整数：十"},
      {{"show", "1", "2"}, "无法识别的参数：2"},
      {{"rectify", "add", "--batch", "1", "--problem", "p", "--leader", "L", "--department", "D", "--owner", "O",
        "--type", "deadline"},
       "缺少必填项 --measures"},
      {{"branch", "add", "B01", "--name", "第一党支部", "--kind", "club"}, "--kind 的值无效：club"},
      {{"branch", "term", "B01", "--start", "2024-01-01", "--years", "20"}, "超出范围"},
      {{"show", "0x1"}, "编号无效：0x1"},
      {{"show", "1", "--bogus"}, "未知选项 --bogus"},
      {{"branch", "term", "B01", "--start", "2024-01-01", "--village", "--community"}, "不能同时给出"},
      {{"record", "1"}, "缺少必填项 EVENT"},
  };
  for (const auto& c : cases) {
    const RunResult r = dj.run_env(kZh, c.args);
    INFO("djflow " << Catch::Detail::stringify(c.args) << "\n" << r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(c.expect));
    CHECK(english_sentences(r.err) == std::vector<std::string>{});
    // The same error in English keeps CLI11's own sentence.
    auto en_args = c.args;
    en_args.insert(en_args.begin(), {"--lang", "en"});
    const RunResult en = dj.run_env(kZh, en_args);
    CHECK(en.code == 2);
    CHECK_THAT(en.err, Catch::StartsWith("error: ") && !Catch::Contains("命令行用法错误"));
  }
}

TEST_CASE("show under Chinese: state and steps by name, the 备注 column by meaning and people by name", "[cli][zh]") {
  Djflow dj;
  const std::string env = std::string(kZh) + " DJFLOW_NOW=2025-06-01";
  REQUIRE(dj.run_env(env, {"init"}).code == 0);
  REQUIRE(dj.run_env(env, {"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  REQUIRE(dj.run_env(env, {"person", "add", "李明", "--branch", "B01", "--born", "1975-03-02", "--status", "full",
                           "--joined", "2001-07-01"}).code == 0);
  REQUIRE(dj.run_env(env, {"person", "add", "王芳", "--branch", "B01", "--born", "1982-11-20", "--status", "full",
                           "--joined", "2006-06-15"}).code == 0);
  REQUIRE(dj.run_env(env, {"person", "add", "张三", "--branch", "B01", "--born", "2001-09-10"}).code == 0);
  REQUIRE(dj.run_env(env, {"member", "apply", "3", "--date", "2025-03-01"}).code == 0);
  REQUIRE(dj.run_env(env, {"record", "1", "谈话", "--date", "2025-03-20"}).code == 0);
  REQUIRE(dj.run_env(env, {"record", "1", "activist", "--date", "2025-04-15"}).code == 0);
  REQUIRE(dj.run_env(env, {"record", "1", "mentors", "--date", "2025-04-16", "--with", "mentors=1,2", "--ref", "支委会记录"})
              .code == 0);

  const RunResult zh = dj.run_env(env, {"show", "1"});
  REQUIRE(zh.code == 0);
  CHECK_THAT(zh.out, Catch::Contains("事项 #1"));
  CHECK_THAT(zh.out, Catch::Contains("培养联系人：李明、王芳；材料编号：支委会记录"));
  CHECK_THAT(zh.out, !Catch::Contains("mentors=") && !Catch::Contains("[activist]") && !Catch::Contains("案件"));
  std::string allowed;
  std::istringstream lines(zh.out);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("当前可办理：", 0) == 0) allowed = line;
  CHECK_THAT(allowed, Catch::Contains("半年考察"));
  for (char c : allowed) CHECK_FALSE(std::isalpha(static_cast<unsigned char>(c)));  // no English id
  CHECK(english_sentences(zh.out).empty());
  // The Chinese step names shown are what record accepts.
  CHECK(dj.run_env(env, {"record", "1", "半年考察", "--date", "2025-05-30"}).code == 0);

  const RunResult en = dj.run_env(env, {"--lang", "en", "show", "1"});
  CHECK_THAT(en.out, Catch::Contains("mentors=1,2; ref=支委会记录"));
  CHECK_THAT(en.out, Catch::Contains("[activist]"));

  // A rectification batch: its source and type by meaning.
  REQUIRE(dj.run_env(env, {"rectify", "batch", "add", "--source", "theme-education", "--org", "B01", "--feedback",
                           "2025-05-01"}).code == 0);
  const RunResult batch = dj.run_env(env, {"show", "2"});
  CHECK_THAT(batch.out, Catch::Contains("问题来源：主题教育"));
  CHECK_THAT(batch.out, !Catch::Contains("source="));
}

TEST_CASE("refusals cite the statute by its full name and the article in words, the rule id in --json", "[cli][zh]") {
  Djflow dj;
  const std::string env = std::string(kZh) + " DJFLOW_NOW=2025-06-01";
  REQUIRE(dj.run_env(env, {"init"}).code == 0);
  REQUIRE(dj.run_env(env, {"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  REQUIRE(dj.run_env(env, {"person", "add", "张三", "--branch", "B01", "--born", "2001-09-10"}).code == 0);
  REQUIRE(dj.run_env(env, {"member", "apply", "1", "--date", "2025-03-01"}).code == 0);
  REQUIRE(dj.run_env(env, {"record", "1", "谈话", "--date", "2025-03-20"}).code == 0);
  REQUIRE(dj.run_env(env, {"record", "1", "activist", "--date", "2025-04-15"}).code == 0);
  const RunResult r = dj.run_env(env, {"record", "1", "确定发展对象", "--date", "2025-05-30"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("《中国共产党发展党员工作细则》第十三条"));
  CHECK_THAT(r.err, !Catch::Contains("D12") && !Catch::Contains("细则第十三条，") && !Catch::Contains("§"));
  const RunResult j = dj.run_env(env, {"--json", "record", "1", "确定发展对象", "--date", "2025-05-30"});
  CHECK(j.error_json()["error"]["rule"] == "D12");
  CHECK(j.error_json()["error"]["article"] == "《中国共产党发展党员工作细则》第十三条");
}
