#include "cli/app.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "engine/retry.hpp"
#include "engine/settings.hpp"
#include "cli/cli11_text.hpp"
#include "cli/command_groups.hpp"
#include "cli/cmd_backup.hpp"
#include "cli/people.hpp"
#include "cli/resolve.hpp"
#include "engine/timezone.hpp"
#include "engine/utf8.hpp"
#include "storage/open_store.hpp"
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

// Invariant I13: every argument and every environment value djflow reads is text (valid UTF-8,
// no NUL, at most utf8::kMaxTextBytes), checked once here before CLI11 sees it, so that no
// command, no --with value, note, name or setting can carry other bytes into the database.
engine::Status check_arguments(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string n = std::to_string(i);
    const std::string prev = i > 1 ? std::string(argv[i - 1]) : std::string();
    const bool is_value = prev.rfind("-", 0) == 0 && prev != "--json" && std::string_view(argv[i]).rfind("-", 0) != 0 &&
                          engine::utf8::valid(prev);
    engine::Text what{"第 " + n + " 个命令行参数" + (is_value ? "（" + prev + " 的值）" : std::string()),
                      "argument " + n + (is_value ? " (the value of " + prev + ")" : std::string())};
    DJFLOW_TRY(engine::utf8::check_text(argv[i], what));
  }
  for (const char* var : {"DJFLOW_DB", "DJFLOW_NOW"}) {
    DJFLOW_TRY(engine::utf8::check_text(env(var), engine::Text{std::string("环境变量 ") + var,
                                                               std::string("environment variable ") + var}));
  }
  return {};
}

// CLI11 2.1 reads integers with strtoll(…, 0): "010" is octal, "0x10" hex, and a number beyond
// the type's range is silently clamped (case 99999999999999999999 became #9223372036854775807).
// Every integer option and argument is checked as plain decimal that fits a 64-bit integer
// first; CLI11 then refuses values that do not fit a narrower type.
CLI::Validator decimal_integer(bool allow_sign) {
  return CLI::Validator(
      [allow_sign](std::string& v) -> std::string {
        std::string_view t = v;
        if (allow_sign && !t.empty() && (t.front() == '-' || t.front() == '+')) t.remove_prefix(1);
        if (t.empty() || t.find_first_not_of("0123456789") != std::string_view::npos)
          return (allow_sign ? "not a decimal whole number: " : "not a decimal number without sign: ") + v;
        std::int64_t out = 0;
        const char* b = v.data() + (v.front() == '+' ? 1 : 0);
        const auto [p, ec] = std::from_chars(b, v.data() + v.size(), out);
        if (ec != std::errc{} || p != v.data() + v.size()) return "out of range: " + v;
        return {};
      },
      "");
}

void check_integer_options(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    const std::string type = opt->get_type_name();
    if (type == "INT") opt->check(decimal_integer(true));
    if (type == "UINT") opt->check(decimal_integer(false));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) check_integer_options(*sub);
}

// --json and --lang as given, read before parsing (for reporting an argument CLI11 cannot read).
void early_output_options(int argc, char** argv, bool& json, Lang& lang) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--json") json = true;
    if (a == "--lang" && i + 1 < argc) lang = engine::lang_from_locale(argv[i + 1], lang);
    if (a.rfind("--lang=", 0) == 0) lang = engine::lang_from_locale(a.substr(7), lang);
  }
}

}  // namespace

engine::Status Cli::open(bool create) {
  // A postgresql:// URL opens PostgreSQL (issue 12), anything else a SQLite file.
  auto s = storage::open_store(db, create ? storage::OpenMode::Create : storage::OpenMode::Existing);
  DJFLOW_TRY(s);
  store = std::move(s.value());
  workflows = std::make_unique<engine::WorkflowRegistry>();
  workflows::register_all(*workflows);
  if (now_text.empty()) {
    clock = std::make_unique<engine::SystemClock>();
  } else {
    clock = std::make_unique<engine::ManualClock>(engine::TimePoint{});
  }
  // Entity events (settings, persons, channels, ...) record who and when (issue 7).
  store->set_change_context(clock.get(), actor);
  engine = std::make_unique<engine::Engine>(*store, *clock, *workflows);
  DJFLOW_TRY(engine->load());
  for (const auto& w : engine->setting_warnings()) *err << tr(lang, "警告：", "warning: ") << w.in(lang) << '\n';
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

// Text stored behind djflow's back may be invalid UTF-8: shown as U+FFFD, never an abort (I13).
void Cli::print_json(const Json& j) const { *out << j.dump(2, ' ', false, Json::error_handler_t::replace) << '\n'; }

namespace {

using RegisterFn = void (*)(CLI::App&, Cli&);

// Each group of commands with the top-level command words it adds to. A group whose commands
// hang under a word of register_admin_commands (`person`, `branch`, `calendar`) needs that group
// registered first. The test "each command is registered alone as it is among all" (tests/cli/
// command_groups_test.cpp) builds every word both ways and compares the whole subtree, so this
// table cannot silently fall behind a new command.
struct CommandGroup {
  RegisterFn fn;
  bool needs_admin;
  std::initializer_list<std::string_view> words;
};

const CommandGroup kGroups[] = {
    {register_admin_commands, false, {"init", "branch", "person", "config", "calendar"}},
    {register_person_commands, true, {"person"}},   // issue 9: person edit/transfer/history
    {register_correct_commands, false, {"correct", "void"}},  // issue 9
    {register_member_commands, false, {"member"}},
    {register_record_commands, false, {"record"}},
    {register_show_commands, false, {"show"}},
    {register_history_commands, false, {"history"}},
    {register_list_commands, false, {"list"}},
    {register_reminder_commands, false, {"due", "tick"}},
    {register_rectify_commands, false, {"rectify"}},
    {register_election_commands, true, {"branch", "election", "check"}},
    {register_daemon_commands, false, {"serve", "status"}},
    {register_notify_commands, false, {"notify", "outbox"}},
    {register_verify_commands, false, {"verify", "anchor"}},
    {register_backup_commands, false, {"backup"}},
    {register_migrate_store_commands, false, {"migrate-store"}},  // issue 12
    {register_import_commands, false, {"import"}},
    {register_export_commands, true, {"export", "calendar"}},
    {register_report_commands, false, {"report"}},
    {register_life_commands, false, {"life", "meeting", "talk", "dues"}},
    {register_web_commands, false, {"web", "user", "token"}},  // issue 11
};

bool has_word(const CommandGroup& g, std::string_view word) {
  return std::find(g.words.begin(), g.words.end(), word) != g.words.end();
}

}  // namespace

std::string command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a(argv[i]);
    if (a == "--") return {};
    // `djflow --help show` asks for the whole command list, not show's.
    if (a == "-h" || a == "--help" || a == "--help-all") return {};
    if (a.empty() || a[0] != '-') return std::string(a);
    // The global options that take a value as the next argument (not in their --opt=value form).
    if (a == "--db" || a == "--now" || a == "--lang" || a == "--actor") ++i;
  }
  return {};
}

void register_commands(CLI::App& app, Cli& cli, std::string_view word) {
  bool known = false;
  for (const auto& g : kGroups) known = known || has_word(g, word);
  const auto wanted = [&](const CommandGroup& g) { return !known || has_word(g, word); };
  // The admin group comes first in the table: registered when wanted or when a wanted group
  // hangs its commands under one of its words.
  bool need_admin = false;
  for (const auto& g : kGroups) need_admin = need_admin || (wanted(g) && (g.needs_admin || g.fn == register_admin_commands));
  for (const auto& g : kGroups) {
    if (g.fn == register_admin_commands ? need_admin : wanted(g)) g.fn(app, cli);
  }
}

namespace {

// Runs the command's action; on PostgreSQL, again (up to engine::kWriteAttempts runs in all, with
// engine::transient_pause between them) when it failed because the database broke a conflict
// with another process's transaction (40001, 40P01: Transactions::transient_failure) in a
// transaction of the command's own, and committed nothing (decision 0128). This covers every
// command that opens its transaction itself (import, branch term, election check, rectify,
// life, dues, config, calendar, notify, user, token, ...); the engine's own writes (record,
// correct, person add, ...) are already run again by Engine::retrying, and a command whose engine
// write gave up is not run again. Each run's output is held back and only the last run's is
// written. Long-running commands (serve, web) and migrate-store run once, their output not held.
int run_retrying(Cli& cli, std::string_view word) {
  if (word == "serve" || word == "web" || word == "migrate-store") return cli.action();
  // SQLite has one writer and never reports a transient failure: its output is written as it
  // comes, never held (a 68 MB `report --json --detail` would otherwise sit in memory first).
  if (!storage::is_postgres(cli.db)) return cli.action();
  std::ostream* const out = cli.out;
  std::ostream* const err = cli.err;
  for (int attempt = 1;; ++attempt) {
    std::ostringstream held_out, held_err;
    cli.out = &held_out;
    cli.err = &held_err;
    const int give_ups = engine::transient_give_ups();
    int rc = 0;
    try {
      rc = cli.action();
    } catch (...) {
      cli.out = out;
      cli.err = err;
      *out << held_out.str();
      *err << held_err.str();
      throw;
    }
    cli.out = out;
    cli.err = err;
    const bool transient = rc != 0 && cli.store && !cli.store->in_transaction() &&
                           cli.store->transient_failure() && cli.store->committed() == 0 &&
                           engine::transient_give_ups() == give_ups;
    if (transient && attempt < engine::kWriteAttempts) {
      cli.engine.reset();
      cli.store.reset();  // the next run opens the database afresh
      engine::transient_pause(attempt);
      continue;
    }
    *out << held_out.str();
    if (!transient) {
      *err << held_err.str();
      return rc;
    }
    engine::count_give_up();
    return report_error(*err,
                        engine::gave_up_after(attempt),
                        cli.lang, cli.json);
  }
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  Cli cli;
  cli.out = &out;
  cli.err = &err;
  const Lang locale = locale_lang();
  cli.lang = locale;
  {
    bool json = false;
    Lang lang = cli.lang;
    early_output_options(argc, argv, json, lang);
    if (auto s = check_arguments(argc, argv); !s) return report_error(err, s.error(), lang, json);
    // The help texts are registered in the language of the locale, or of --lang when given.
    cli.lang = lang;
  }

  CLI::App app{tr(cli.lang, "djflow：基层党组织发展党员、换届选举、整改台账的流程、期限与提醒",
                  "djflow: statutory workflows and reminders for grassroots Party organisations\n"
                  "(发展党员、换届选举、整改台账的流程、期限与提醒)"),
               "djflow"};
  app.formatter(make_help_formatter(cli.lang));
  app.set_help_flag("-h,--help", tr(cli.lang, "显示本帮助并退出", "Print this help message and exit"));
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "djflow 0.1.0", tr(cli.lang, "显示版本号并退出", "Display program version information and exit"));
  cli.db = env("DJFLOW_DB").empty() ? "djflow.db" : env("DJFLOW_DB");
  cli.now_text = env("DJFLOW_NOW");
  cli.actor = os_user();
  app.add_option("--db", cli.db, tr(cli.lang, "数据库文件，或 PostgreSQL 数据库地址 postgresql://…（默认取 $DJFLOW_DB，否则为当前目录的 djflow.db）",
                                    "database file, or a PostgreSQL URL postgresql://... (default $DJFLOW_DB, else ./djflow.db)"));
  app.add_option("--now", cli.now_text,
                 tr(cli.lang, "把“今天”定为某日 DATE（当地 12:00）或某时 DATETIME（默认取 $DJFLOW_NOW，否则为系统时间）",
                    "the engine clock: DATE (12:00 local) or DATETIME (default $DJFLOW_NOW, else the system clock)"));
  app.add_flag("--json", cli.json, tr(cli.lang, "输出 JSON 供程序读取（错误以 {\"error\":...} 写到标准错误）",
                                      "machine-readable output (errors to stderr as {\"error\":...})"));
  app.add_option("--lang", cli.lang_text, tr(cli.lang, "界面语言：zh（中文）或 en（英文），默认随系统语言环境",
                                             "zh or en (default from the locale)"))
      ->check(CLI::IsMember({"zh", "en"}));
  app.add_option("--actor", cli.actor, tr(cli.lang, "记录人（默认为当前系统用户）", "who records the step (default the OS user)"));

  // Only the command group the arguments name (all of them for help, a typo or no command):
  // building all 300 options costs a quarter of a short command's time (issue 7 §6).
  register_commands(app, cli, command_word(argc, argv));
  check_integer_options(app);
  localise_help(app, cli.lang);
  // Hidden: every command path, one per line (the help scan test and the bash completion).
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--list-commands") {
      out << command_paths(app);
      return 0;
    }
  }

  // A typo in a command or option name: the nearest valid one (issue 9 §3).
  if (auto s = check_command_words(app, argc, argv); !s) {
    bool json = false;
    Lang lang = cli.lang;
    early_output_options(argc, argv, json, lang);
    return report_error(err, s.error(), lang, json);
  }
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
    return report_error(err, Error::invalid({"命令行用法错误：" + parse_error_text(e, Lang::Zh) + "（见 djflow --help）",
                                             std::string(e.what()) + " (see djflow --help)"}),
                        cli.lang, cli.json);
  }
  // The output language: the global --lang, else the locale (a subcommand's own --lang, as in
  // `notify add console --lang en`, only chose the language of the help texts above).
  cli.lang = cli.lang_text.empty() ? locale : engine::lang_from_locale(cli.lang_text);
  if (cli.actor.find_first_not_of(" \t") == std::string::npos) {
    return report_error(err, Error::invalid({"--actor 不能为空（记录步骤的人）", "--actor must not be empty (who records the step)"}),
                        cli.lang, cli.json);
  }
  // The default actor comes from $USER or the password database: text too (I13).
  if (auto s = engine::utf8::check_text(cli.actor, engine::Text{"记录人（--actor 或 $USER）", "the actor (--actor or $USER)"}, 200); !s)
    return report_error(err, s.error(), cli.lang, cli.json);
  if (!cli.action) {
    out << app.help();
    return 2;
  }
  try {
    return run_retrying(cli, command_word(argc, argv));
  } catch (const std::exception& e) {
    return report_error(err, Error{engine::ErrorCode::Storage, {std::string("内部错误：") + e.what(), std::string("internal error: ") + e.what()}, {}, {}, {}},
                        cli.lang, cli.json);
  }
}

}  // namespace djflow::cli
