// The CLI's composition root: global options, the store, the clock and the engine that a command
// runs against, built after parsing. Commands live in cmd_*.cpp; each registers its CLI11
// subcommands and sets `action`, which main() runs once parsing has succeeded.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/render.hpp"
#include "engine/engine.hpp"
#include "engine/store.hpp"

namespace djflow::cli {

struct Cli {
  // Global options.
  std::string db;
  std::string now_text;
  std::string lang_text;
  std::string actor;
  bool json = false;

  Lang lang = Lang::En;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;

  // What the chosen subcommand does; returns the exit code.
  std::function<int()> action;

  // Built by open(): the store, clock, workflows and engine for this command.
  std::unique_ptr<engine::Store> store;
  std::unique_ptr<engine::Clock> clock;
  std::unique_ptr<engine::WorkflowRegistry> workflows;
  std::unique_ptr<engine::Engine> engine;

  // Opens the database (create: make or migrate it) and builds the engine. On failure returns the
  // error; the caller reports it.
  engine::Status open(bool create = false);

  // Reports an error and returns its exit code.
  int fail(const engine::Error& e) const;
  // Parses a date option ("" -> today per the engine clock).
  engine::Result<engine::Date> date_arg(const std::string& text, const char* what) const;
  // Parses "key=value" pairs of --with.
  engine::Result<engine::Inputs> with_args(const std::vector<std::string>& pairs) const;
  // Prints a JSON document to stdout.
  void print_json(const Json& j) const;
};

void register_admin_commands(CLI::App& app, Cli& cli);     // init, branch, person, config, calendar
// cmd_cases.cpp: one function per top-level command (member, record, show, history, list).
void register_member_commands(CLI::App& app, Cli& cli);
void register_record_commands(CLI::App& app, Cli& cli);
void register_show_commands(CLI::App& app, Cli& cli);
void register_history_commands(CLI::App& app, Cli& cli);
void register_list_commands(CLI::App& app, Cli& cli);
void register_reminder_commands(CLI::App& app, Cli& cli);  // due, tick, verify
void register_rectify_commands(CLI::App& app, Cli& cli);   // rectify batch|add|list|export
// branch term/show, election start/list, check. REQUIRES: register_admin_commands ran (it adds
// to the `branch` command).
void register_election_commands(CLI::App& app, Cli& cli);
void register_daemon_commands(CLI::App& app, Cli& cli);    // serve, status
void register_notify_commands(CLI::App& app, Cli& cli);    // notify, outbox
void register_verify_commands(CLI::App& app, Cli& cli);    // verify, anchor
void register_import_commands(CLI::App& app, Cli& cli);    // import roster|members|rectify|template
// export members|roster, calendar export. REQUIRES: register_admin_commands ran (`calendar`).
void register_export_commands(CLI::App& app, Cli& cli);
void register_report_commands(CLI::App& app, Cli& cli);    // report year, report --from --to
void register_life_commands(CLI::App& app, Cli& cli);      // life, meeting, talk, dues
void register_web_commands(CLI::App& app, Cli& cli);       // web, user, token (issue 11)

// Runs the CLI; returns the process exit code. Testable: streams and environment are injected.
int run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace djflow::cli
