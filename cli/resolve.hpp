// Issue 9 §3: a person or a case named by its number or by a name unique in scope. An ambiguous
// name lists the matches (exit 2); an unknown one is not found (exit 3). Typos get the nearest
// valid word suggested (commands, options, setting keys, organisation codes, workflow names).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/app.hpp"

namespace djflow::cli {

// "12" or "#12" -> 12; a name -> the one person of that name (within `branch` when several
// organisations have one and `branch` is given).
engine::Result<engine::PersonId> resolve_person(Cli& cli, const std::string& text,
                                                const std::string& branch = "");
// "12" or "#12" -> 12; a name -> the one case whose subject has that name (its open case when
// the person has several), or whose title is that name.
engine::Result<engine::CaseId> resolve_case(Cli& cli, const std::string& text);
// Person references inside step inputs (mentors=, sponsors=): each comma-separated name becomes
// the person's id, within the case's organisation when a name is ambiguous elsewhere.
engine::Status resolve_person_inputs(Cli& cli, engine::CaseId id, engine::Inputs& inputs);

// Levenshtein distance over code points.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate nearest to `word` when it is close enough to be a likely typo.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);
// " Did you mean X?" / "（是否要输入 X？）" text, empty when nothing is near.
engine::Text suggestion(std::string_view word, const std::vector<std::string>& candidates);

// An option value given as the stable value or one of its labels (中文 or English):
// `--kind 党总支` is `general`. InvalidInput naming the option, the valid values and the nearest.
struct Choice {
  std::string value;
  engine::Text label;
  std::vector<std::string> aliases = {};
};
engine::Result<std::string> match_choice(const std::string& text, const std::vector<Choice>& choices,
                                         const char* option);
// An organisation code that exists (NotFound suggesting the nearest code otherwise).
engine::Status check_branch_code(Cli& cli, const std::string& code, const char* option);

// Every command word and option name on the command line exists (InvalidInput suggesting the
// nearest one otherwise: `djflow lsit`, `due --brnach`), checked before CLI11 parses.
engine::Status check_command_words(const CLI::App& app, int argc, char** argv);

}  // namespace djflow::cli
