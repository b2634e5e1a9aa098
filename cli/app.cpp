#include "cli/app.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/cmd_backup.hpp"
#include "engine/timezone.hpp"
#include "storage/sqlite_store.hpp"
#include "workflows/registry.hpp"

namespace djflow::cli {

using engine::Error;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string os_user() {
  if (auto u = env("USER"); !u.empty()) return u;
  if (const passwd* pw = getpwuid(getuid())) return pw->pw_name;
  return "unknown";
}

Lang locale_lang() {
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const std::string v = env(var);
    if (!v.empty()) return engine::lang_from_locale(v, Lang::En);
  }
  return Lang::En;
}

}  // namespace

engine::Status Cli::open(bool create) {
  auto s = storage::SqliteStore::open(db, create ? storage::OpenMode::Create : storage::OpenMode::Existing);
  DJFLOW_TRY(s);
  store = std::move(s.value());
  workflows = std::make_unique<engine::WorkflowRegistry>();
  workflows::register_all(*workflows);
  if (now_text.empty()) {
    clock = std::make_unique<engine::SystemClock>();
  } else {
    clock = std::make_unique<engine::ManualClock>(engine::TimePoint{});
  }
  engine = std::make_unique<engine::Engine>(*store, *clock, *workflows);
  DJFLOW_TRY(engine->load());
  if (!now_text.empty()) {
    // --now is read in the organisation's zone, which the database knows: parse it after load().
    auto t = engine::parse_instant(now_text, engine->zone());
    if (!t) {
      return Error::invalid({"--now 应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM[:SS]：" + now_text,
                             "--now must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], got " + now_text});
    }
    static_cast<engine::ManualClock&>(*clock).set(*t);
  }
  return {};
}

int Cli::fail(const Error& e) const { return report_error(*err, e, lang, json); }

engine::Result<engine::Date> Cli::date_arg(const std::string& text, const char* what) const {
  if (text.empty()) return engine->today();
  auto d = engine::Date::parse(text);
  if (!d) {
    return Error::invalid({std::string(what) + " 应为 YYYY-MM-DD 格式的日期：" + text,
                           std::string(what) + " must be a date YYYY-MM-DD, got " + text});
  }
  return *d;
}

engine::Result<engine::Inputs> Cli::with_args(const std::vector<std::string>& pairs) const {
  engine::Inputs in;
  for (const auto& p : pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Error::invalid({"--with 应为 KEY=VALUE：" + p, "--with takes KEY=VALUE, got " + p});
    }
    const std::string key = p.substr(0, eq);
    if (in.count(key)) {
      return Error::invalid({"--with 重复的键：" + key, "--with key given twice: " + key});
    }
    in[key] = p.substr(eq + 1);
  }
  return in;
}

void Cli::print_json(const Json& j) const { *out << j.dump(2) << '\n'; }

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  Cli cli;
  cli.out = &out;
  cli.err = &err;
  cli.lang = locale_lang();

  CLI::App app{"djflow: statutory workflows and reminders for grassroots Party organisations\n"
               "(发展党员、换届选举、整改台账的流程、期限与提醒)",
               "djflow"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "djflow 0.1.0");
  cli.db = env("DJFLOW_DB").empty() ? "djflow.db" : env("DJFLOW_DB");
  cli.now_text = env("DJFLOW_NOW");
  cli.actor = os_user();
  app.add_option("--db", cli.db, "database file (default $DJFLOW_DB, else ./djflow.db)");
  app.add_option("--now", cli.now_text,
                 "the engine clock: DATE (12:00 local) or DATETIME (default $DJFLOW_NOW, else the system clock)");
  app.add_flag("--json", cli.json, "machine-readable output (errors to stderr as {\"error\":...})");
  app.add_option("--lang", cli.lang_text, "zh or en (default from the locale)")
      ->check(CLI::IsMember({"zh", "en"}));
  app.add_option("--actor", cli.actor, "who records the step (default the OS user)");

  register_admin_commands(app, cli);
  register_case_commands(app, cli);
  register_reminder_commands(app, cli);
  register_rectify_commands(app, cli);
  register_election_commands(app, cli);
  register_daemon_commands(app, cli);
  register_notify_commands(app, cli);
  register_backup_commands(app, cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp& e) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    out << "djflow 0.1.0\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    if (!cli.lang_text.empty()) cli.lang = engine::lang_from_locale(cli.lang_text);
    return report_error(err, Error::invalid({"命令行用法错误：" + std::string(e.what()) + "（见 djflow --help）",
                                             std::string(e.what()) + " (see djflow --help)"}),
                        cli.lang, cli.json);
  }
  if (!cli.lang_text.empty()) cli.lang = engine::lang_from_locale(cli.lang_text);
  if (!cli.action) {
    out << app.help();
    return 2;
  }
  try {
    return cli.action();
  } catch (const std::exception& e) {
    return report_error(err, Error::storage(std::string("internal error: ") + e.what()), cli.lang, cli.json);
  }
}

}  // namespace djflow::cli
