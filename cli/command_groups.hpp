// Which commands a run registers (issue 7 §6, decision 0122): only the group of commands that
// the arguments' first word names, all of them for help, `--list-commands` or a typo.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "cli/app.hpp"

namespace djflow::cli {

// The first word of the arguments that is not a global option or its value ("" when none, or
// when --help comes first): the top-level command, or a typo of one.
std::string command_word(int argc, char** argv);
// Registers the command groups that add to the top-level command `word`, and every group when
// `word` is "" or names no command.
void register_commands(CLI::App& app, Cli& cli, std::string_view word);

}  // namespace djflow::cli
