// The web workbench's commands (issue 11): `web` serves the pages and the API; `user` and
// `token` manage who may use them. Passwords are read from the terminal without echo (twice),
// or from the first line of standard input when it is not a terminal (scripts); never from an
// argument, which other users could read in the process list.
#include <termios.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <iostream>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/app.hpp"
#include "cli/web_app.hpp"
#include "engine/access.hpp"
#include "engine/runtime/http_server.hpp"
#include "engine/utf8.hpp"
#include "storage/open_store.hpp"

namespace djflow::cli {

using engine::Error;
using engine::Text;

namespace {

constexpr std::size_t kMinPassword = 8;

std::string read_line_noecho(bool tty) {
  termios old{};
  if (tty && tcgetattr(STDIN_FILENO, &old) == 0) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

engine::Result<std::string> read_password(const Cli& cli) {
  const bool tty = isatty(STDIN_FILENO) != 0;
  if (tty) std::cerr << tr(cli.lang, "新密码：", "new password: ") << std::flush;
  std::string p = read_line_noecho(tty);
  if (tty) {
    std::cerr << tr(cli.lang, "再输入一次：", "again: ") << std::flush;
    if (read_line_noecho(tty) != p)
      return Error::invalid(Text{"两次输入的密码不一致", "the two passwords differ"});
  }
  DJFLOW_TRY(engine::utf8::check_text(p, Text{"密码", "the password"}, 1024));
  if (engine::utf8::first_invalid(p) || p.size() < kMinPassword)
    return Error::invalid(Text{"密码至少 8 个字符（从标准输入读取第一行）", "the password needs at least 8 characters (read from the first line of standard input)"});
  return p;
}

Json user_json(const Cli& cli, const engine::User& u) {
  return Json{{"id", u.id},
              {"name", u.name},
              {"org", u.org},
              {"role", engine::role_id(u.role)},
              {"role_label", tr(cli.lang, engine::role_label(u.role))},
              {"active", u.active}};
}

engine::Result<engine::User> existing_user(Cli& cli, const std::string& name) {
  auto u = cli.store->find_user(name);
  if (!u) return u.error();
  if (!u.value()) return Error::not_found(Text{"没有用户 " + name, "no user " + name});
  return *u.value();
}

int write_user(Cli& cli, engine::User u, bool insert, const char* done_zh, const char* done_en) {
  engine::WriteTransaction tx(*cli.store);
  if (auto s = tx.begin(); !s) return cli.fail(s.error());
  if (insert) {
    auto id = cli.store->insert_user(u);
    if (!id) return cli.fail(id.error());
    u.id = id.value();
  } else {
    if (auto s = cli.store->update_user(u); !s) return cli.fail(s.error());
    if (auto s = cli.store->revoke_sessions_of(u.id); !s) return cli.fail(s.error());
  }
  if (auto s = tx.commit(); !s) return cli.fail(s.error());
  if (cli.json) {
    cli.print_json(user_json(cli, u));
  } else {
    // Chinese punctuation in Chinese, ASCII in English ("user added: li (B01, secretary)").
    const bool zh = cli.lang == engine::Lang::Zh;
    *cli.out << tr(cli.lang, done_zh, done_en) << (zh ? "：" : ": ") << u.name << (zh ? "（" : " (") << u.org
             << (zh ? "，" : ", ") << tr(cli.lang, engine::role_label(u.role)) << (zh ? "）" : ")") << "\n";
  }
  return 0;
}

}  // namespace

engine::Status listen_options(const std::string& http, const std::string& cert, const std::string& key,
                              engine::runtime::HttpOptions& o) {
  const auto colon = http.rfind(':');
  int port = -1;
  if (colon != std::string::npos && colon + 1 < http.size() && http.size() - colon - 1 <= 5 &&
      http.find_first_not_of("0123456789", colon + 1) == std::string::npos)
    port = std::stoi(http.substr(colon + 1));
  if (port < 0 || port > 65535)
    return Error::invalid(Text{"--http 应为 地址:端口（如 127.0.0.1:8080）：" + engine::utf8::escape_for_message(http),
                               "--http takes ADDRESS:PORT (e.g. 127.0.0.1:8080), got " + engine::utf8::escape_for_message(http)});
  o.address = http.substr(0, colon);
  if (o.address.size() > 2 && o.address.front() == '[' && o.address.back() == ']') o.address = o.address.substr(1, o.address.size() - 2);
  o.port = static_cast<unsigned short>(port);
  o.tls_cert = cert;
  o.tls_key = key;
  return {};
}

void keep_freed_heap() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);   // glibc's largest allowed value
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

engine::Result<StepWriter> open_step_writer(const std::string& db, const engine::Clock& clock,
                                             const engine::WorkflowRegistry& workflows, const std::string& actor) {
  auto s = storage::open_store(db, storage::OpenMode::Existing);
  if (!s) return s.error();
  StepWriter w;
  w.store = std::move(s.value());
  w.store->set_change_context(&clock, actor);
  w.engine = std::make_unique<engine::Engine>(*w.store, clock, workflows);
  if (auto l = w.engine->load(); !l) return l.error();
  return w;
}

std::string listen_url(const engine::runtime::HttpServer& server, const std::string& http) {
  return std::string(server.tls() ? "https://" : "http://") + http.substr(0, http.rfind(':')) + ":" +
         std::to_string(server.port()) + "/";
}

void register_web_commands(CLI::App& app, Cli& cli) {
  const auto role_help = tr(cli.lang, "角色：viewer（查看人员）、secretary（支部书记、委员：可办理步骤）、organiser（组织员）、admin（系统管理员）",
                            "role: viewer, secretary (records steps), organiser, admin");
  auto* user = app.add_subcommand("user", tr(cli.lang, "网页工作台的用户：添加、改密码、列出、停用", "users of the web workbench: add, passwd, list, disable"));
  user->require_subcommand(1);
  {
    struct Args {
      std::string name, org, role;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = user->add_subcommand("add", tr(cli.lang, "添加用户（密码从终端输入两次，或取标准输入的第一行）",
                                              "add a user (password typed twice, or the first line of standard input)"));
    cmd->add_option("name", a->name, tr(cli.lang, "登录名", "login name"))->required();
    cmd->add_option("--org", a->org, tr(cli.lang, "所属组织代码：只能看到该组织及其下级", "organisation code: the user sees it and everything under it"))->required();
    cmd->add_option("--role", a->role, role_help)->required();
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        if (auto s = engine::utf8::check_text(a->name, Text{"用户名", "the user name"}, 100); !s) return cli.fail(s.error());
        const auto role = engine::parse_role(a->role);
        if (!role)
          return cli.fail(Error::invalid(Text{"未知角色：" + engine::utf8::escape_for_message(a->role) + "（可用：viewer、secretary、organiser、admin）",
                                              "unknown role: " + engine::utf8::escape_for_message(a->role) + " (viewer, secretary, organiser, admin)"}));
        auto p = read_password(cli);
        if (!p) return cli.fail(p.error());
        engine::User u;
        u.name = a->name;
        u.org = a->org;
        u.role = *role;
        u.password_hash = engine::hash_password(p.value());
        u.created_at = cli.clock->now();
        return write_user(cli, u, true, "已添加用户", "user added");
      };
    });
  }
  {
    auto name = std::make_shared<std::string>();
    auto* cmd = user->add_subcommand("passwd", tr(cli.lang, "修改用户密码（该用户已登录的会话全部失效）", "change a user's password (their sessions end)"));
    cmd->add_option("name", *name, tr(cli.lang, "登录名", "login name"))->required();
    cmd->callback([&cli, name] {
      cli.action = [&cli, name]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto u = existing_user(cli, *name);
        if (!u) return cli.fail(u.error());
        auto p = read_password(cli);
        if (!p) return cli.fail(p.error());
        u.value().password_hash = engine::hash_password(p.value());
        return write_user(cli, u.value(), false, "已修改密码", "password changed");
      };
    });
  }
  {
    auto name = std::make_shared<std::string>();
    auto* cmd = user->add_subcommand("disable", tr(cli.lang, "停用用户（不能再登录，会话和令牌立即失效）", "disable a user (no login; sessions and tokens stop working)"));
    cmd->add_option("name", *name, tr(cli.lang, "登录名", "login name"))->required();
    cmd->callback([&cli, name] {
      cli.action = [&cli, name]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto u = existing_user(cli, *name);
        if (!u) return cli.fail(u.error());
        u.value().active = false;
        return write_user(cli, u.value(), false, "已停用用户", "user disabled");
      };
    });
  }
  {
    auto* cmd = user->add_subcommand("list", tr(cli.lang, "列出用户", "list users"));
    cmd->callback([&cli] {
      cli.action = [&cli]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto users = cli.store->list_users();
        if (!users) return cli.fail(users.error());
        if (cli.json) {
          Json out = Json::array();
          for (const auto& u : users.value()) out.push_back(user_json(cli, u));
          cli.print_json(out);
          return 0;
        }
        const Lang l = cli.lang;
        Table t({tr(l, "用户", "user"), tr(l, "组织", "organisation"), tr(l, "角色", "role"), tr(l, "状态", "status")});
        for (const auto& u : users.value())
          t.add({u.name, u.org, tr(l, engine::role_label(u.role)), u.active ? tr(l, "正常", "active") : tr(l, "已停用", "disabled")});
        t.print(*cli.out);
        return 0;
      };
    });
  }

  auto* token = app.add_subcommand("token", tr(cli.lang, "供脚本调用接口的访问令牌", "API tokens for scripts"));
  token->require_subcommand(1);
  {
    struct Args {
      std::string user, expires, label;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = token->add_subcommand("add", tr(cli.lang, "为用户生成访问令牌（只显示这一次；库中只存其摘要）",
                                                "make an API token for a user (shown once; only its digest is stored)"));
    cmd->add_option("--user", a->user, tr(cli.lang, "令牌代表的用户", "the user the token acts as"))->required();
    cmd->add_option("--expires", a->expires, tr(cli.lang, "有效期至（YYYY-MM-DD，含当日）", "valid through this date (YYYY-MM-DD)"))->required();
    cmd->add_option("--label", a->label, tr(cli.lang, "说明（用途）", "what it is for"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto u = existing_user(cli, a->user);
        if (!u) return cli.fail(u.error());
        auto until = cli.date_arg(a->expires, "--expires");
        if (!until) return cli.fail(until.error());
        if (until.value() < cli.engine->today())
          return cli.fail(Error::invalid(Text{"--expires 已过：" + a->expires, "--expires is in the past: " + a->expires}));
        if (auto s = engine::utf8::check_text(a->label, Text{"--label", "--label"}, 200); !s) return cli.fail(s.error());
        engine::ApiToken t;
        const std::string secret = engine::random_token();
        t.token_hash = engine::token_digest(secret);
        t.user_id = u.value().id;
        t.label = a->label;
        // Valid through the whole of the given day in the organisation's time zone.
        t.expires_at = cli.engine->zone().at(until.value().add_days(1), 0);
        t.created_at = cli.clock->now();
        engine::WriteTransaction tx(*cli.store);
        if (auto s = tx.begin(); !s) return cli.fail(s.error());
        auto id = cli.store->insert_token(t);
        if (!id) return cli.fail(id.error());
        if (auto s = tx.commit(); !s) return cli.fail(s.error());
        if (cli.json) {
          cli.print_json(Json{{"id", id.value()}, {"user", u.value().name}, {"token", secret}, {"expires", until.value().iso()}});
        } else {
          *cli.out << secret << "\n";
          *cli.err << tr(cli.lang, "令牌只显示这一次，请妥善保存（请求头：Authorization: Bearer 令牌）。\n",
                         "The token is shown only once; keep it safe (header: Authorization: Bearer TOKEN).\n");
        }
        return 0;
      };
    });
  }

  {
    struct Args {
      std::string http = "127.0.0.1:8080";
      std::string tls_cert, tls_key;
      int read_timeout = 15;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("web", tr(cli.lang, "运行网页工作台和数据接口（不发提醒；提醒由提醒服务发送）",
                                             "serve the web workbench and the JSON API (no reminders; the daemon sends those)"));
    cmd->add_option("--http", a->http, tr(cli.lang, "监听地址:端口（默认 127.0.0.1:8080）", "listen ADDRESS:PORT (default 127.0.0.1:8080)"));
    cmd->add_option("--tls-cert", a->tls_cert, tr(cli.lang, "HTTPS 证书（PEM）", "HTTPS certificate (PEM)"));
    cmd->add_option("--tls-key", a->tls_key, tr(cli.lang, "HTTPS 私钥（PEM）", "HTTPS private key (PEM)"));
    cmd->add_option("--read-timeout", a->read_timeout,
                    tr(cli.lang, "一个请求须在多少秒内完整到达，否则断开连接（默认 15；停止服务时，正在接收的请求也以此为限）",
                       "seconds within which a request must arrive whole, else the connection is closed (default 15; "
                       "also the limit for a request in flight when the server stops)"))
        ->check(CLI::Range(1, 3600));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        engine::runtime::HttpOptions o;
        if (auto s = listen_options(a->http, a->tls_cert, a->tls_key, o); !s) return cli.fail(s.error());
        o.read_timeout = std::chrono::seconds(a->read_timeout);
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto log = std::make_shared<spdlog::logger>("web", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        log->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
        engine::SystemClock real;
        // Steps on their own connection, on the server's worker thread (decision 0134).
        auto steps = open_step_writer(cli.db, *cli.clock, *cli.workflows, cli.actor);
        if (!steps) return cli.fail(steps.error());
        o.worker = true;
        WebContext ctx{*cli.engine, *cli.store, *cli.workflows, real, *cli.clock, !a->tls_cert.empty(), cli.actor};
        ctx.step_engine = steps.value().engine.get();
        ctx.step_store = steps.value().store.get();
        WebApp web(ctx);
        keep_freed_heap();
        engine::runtime::HttpServer server(o, [&web](const engine::runtime::HttpRequest& q) { return web.handle(q); }, log);
        if (auto s = server.start(); !s) return cli.fail(s.error());
        const std::string url = listen_url(server, a->http);
        if (cli.json) {
          cli.print_json(Json{{"listening", url}});
        } else {
          *cli.out << tr(cli.lang, "网页工作台：", "web workbench: ") << url << "\n";
        }
        cli.out->flush();
        server.run();
        return 0;
      };
    });
  }
}

}  // namespace djflow::cli
