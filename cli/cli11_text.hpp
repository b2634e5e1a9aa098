// CLI11 in the user's language: the help layout (用法, 选项, 子命令, 必填, ...) and CLI11's own
// parse errors ("A subcommand is required", "Could not convert: case = 张晓东", ...) in Chinese
// under a Chinese locale or --lang zh. The command and option descriptions themselves are written
// bilingually where they are registered (tr(cli.lang, "中文", "English")).
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/render.hpp"

namespace djflow::cli {

// Help layout in `lang`: labels, type names (文本, 整数, ...), positional names in capitals
// (placeholders: CASE, EVENT) so that they read as such among Chinese descriptions.
std::shared_ptr<CLI::Formatter> make_help_formatter(Lang lang);

// Sets the help and version flags' descriptions and renames the default "Options" and
// "Subcommands" groups of `app` and every subcommand under it. Call after all commands are
// registered.
void localise_help(CLI::App& app, Lang lang);

// A CLI11 parse error as a sentence in `lang` (English: CLI11's own message).
std::string parse_error_text(const CLI::ParseError& e, Lang lang);

// Every command path under `app` ("member apply", "notify add file", ...), one per line: the
// hidden `djflow --list-commands` behind the help scan test and the bash completion.
std::string command_paths(const CLI::App& app);

}  // namespace djflow::cli
