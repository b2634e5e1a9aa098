// Issue 7 §6: a command registers only the group of commands its first word names
// (cli::register_commands). These tests make sure that shortcut never changes what a command
// accepts: for every top-level word, the subtree built alone must equal the subtree built among
// all commands, down to every nested command's options and help text.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/cli11_text.hpp"
#include "cli/command_groups.hpp"

using djflow::cli::Cli;
using djflow::cli::command_word;
using djflow::cli::register_commands;

namespace {

// The help of a command and of every command below it, in order.
std::string subtree(const CLI::App* app) {
  std::string text = app->get_name() + "\n" + app->help() + "\n";
  for (const CLI::App* sub : app->get_subcommands({})) text += subtree(sub);
  return text;
}

std::string word_of(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return command_word(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("each command is registered alone as it is among all", "[cli][lean]") {
  for (const auto lang : {djflow::cli::Lang::Zh, djflow::cli::Lang::En}) {
    Cli all_cli;
    all_cli.lang = lang;
    CLI::App all{"djflow", "djflow"};
    all.formatter(djflow::cli::make_help_formatter(lang));  // as run() does: the help users see
    register_commands(all, all_cli, "");
    const auto words = all.get_subcommands({});
    REQUIRE(words.size() >= 30);  // init ... web: every top-level command
    for (const CLI::App* w : words) {
      INFO("command " << w->get_name());
      Cli one_cli;
      one_cli.lang = lang;
      CLI::App one{"djflow", "djflow"};
      one.formatter(djflow::cli::make_help_formatter(lang));
      register_commands(one, one_cli, w->get_name());
      const CLI::App* alone = one.get_subcommand(w->get_name());
      REQUIRE(alone != nullptr);
      CHECK(subtree(alone) == subtree(w));
    }
  }
}

TEST_CASE("a word that names no command registers every command", "[cli][lean]") {
  Cli all_cli, typo_cli;
  CLI::App all{"djflow", "djflow"}, typo{"djflow", "djflow"};
  register_commands(all, all_cli, "");
  register_commands(typo, typo_cli, "shwo");  // the typo's suggestion needs every command
  CHECK(typo.get_subcommands({}).size() == all.get_subcommands({}).size());
}

TEST_CASE("the command word skips the global options and their values", "[cli][lean]") {
  CHECK(word_of({"djflow", "show", "5"}) == "show");
  CHECK(word_of({"djflow", "--db", "show", "record", "1"}) == "record");  // a database named show
  CHECK(word_of({"djflow", "--db=x.db", "--json", "--lang", "en", "--now", "2024-01-01", "--actor", "王",
                 "due"}) == "due");
  CHECK(word_of({"djflow", "--help", "show"}).empty());  // the whole list, not show's help
  CHECK(word_of({"djflow", "--json"}).empty());
  CHECK(word_of({"djflow", "--", "show"}).empty());
}

// CLI11 keeps the options an option excludes in a set ordered by address, so its help listed
// them in whatever order the heap gave (CI saw `branch term` differ between two builds of the
// same tree). The help lists them by name.
TEST_CASE("the options an option excludes are listed by name, whatever the heap", "[cli][lean]") {
  for (int round = 0; round < 2; ++round) {
    CLI::App app{"t", "t"};
    app.formatter(djflow::cli::make_help_formatter(djflow::cli::Lang::En));
    bool a = false, b = false, c = false;
    // Declared in the opposite order to their names, the second time after a few allocations
    // so that the addresses come out the other way round.
    std::vector<std::string> spacer(round * 7, std::string(200, 'x'));
    auto* z = app.add_flag("--zulu", a, "z");
    auto* m = app.add_flag("--mike", b, "m");
    auto* l = app.add_flag("--lima", c, "l");
    z->excludes(m);
    z->excludes(l);
    INFO(app.help());
    CHECK(app.help().find("Excludes: --lima --mike") != std::string::npos);
  }
}
