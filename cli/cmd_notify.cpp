// Delivery channels and the outbox: notify add|list|remove|test, outbox, outbox retry.
// Secrets (webhook keys in URLs, signing secrets) are never printed: URLs are redacted.
#include <cstdlib>
#include <filesystem>

#include "cli/app.hpp"
#include "cli/channel_json.hpp"
#include "engine/runtime/daemon.hpp"
#include "engine/runtime/message.hpp"
#include "engine/runtime/routing.hpp"

namespace djflow::cli {

using engine::Channel;
using engine::Error;
namespace rt = engine::runtime;

namespace {

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

struct AddArgs {
  std::string name, branch, digest, lang = "zh", preset, secret, secret_env, target;
  std::vector<std::string> workflows, kinds, command;
  int rate = -1, max_attempts = 8, timeout = 10;
  bool allow_private = false;
};

void add_common(CLI::App* cmd, AddArgs& a, const Cli& cli) {
  cmd->add_option("--name", a.name, tr(cli.lang, "渠道名称（默认用渠道类型，重名时自动编号）", "channel name (default: the type, numbered if taken)"));
  cmd->add_option("--branch", a.branch, tr(cli.lang, "只发本党组织及其下级党组织的提醒", "only this organisation and its sub-organisations"));
  cmd->add_option("--workflow", a.workflows, tr(cli.lang, "只发这些流程的提醒（可多次给出）", "only these workflows (repeatable)"));
  cmd->add_option("--kind", a.kinds, tr(cli.lang, "只发这些期限类别的提醒（可多次给出）", "only these deadline kinds (repeatable)"));
  cmd->add_option("--digest", a.digest, tr(cli.lang, "每天 HH:MM 把提醒汇总成一条消息发送", "bundle into one message a day at HH:MM local time"));
  cmd->add_option("--rate", a.rate, tr(cli.lang, "每分钟最多发送的消息条数（机器人默认 20，其他不限）", "messages per minute at most (webhook default 20, else unlimited)"))
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-attempts", a.max_attempts, tr(cli.lang, "发送失败时最多尝试的次数，超过后标记为发送失败（默认 8）", "attempts before dead-letter (default 8)"))->check(CLI::Range(1, 100));
  cmd->add_option("--timeout", a.timeout, tr(cli.lang, "每次发送的等待秒数（默认 10）", "seconds per attempt (default 10)"))->check(CLI::Range(1, 3600));
  cmd->add_option("--lang", a.lang, tr(cli.lang, "消息语言：zh（中文，默认）或 en（英文）", "language of the messages: zh (default) or en"))->check(CLI::IsMember({"zh", "en"}));
}

int add_channel(Cli& cli, const std::string& type, AddArgs& a) {
  if (auto s = cli.open(); !s) return cli.fail(s.error());
  Channel c;
  c.type = type;
  c.target = a.target;
  c.branch = a.branch;
  c.workflows = a.workflows;
  c.kinds = a.kinds;
  c.digest = a.digest;
  c.max_attempts = a.max_attempts;
  c.timeout_seconds = a.timeout;
  c.lang = a.lang;
  c.rate_per_minute = a.rate >= 0 ? a.rate : (type == "webhook" ? 20 : 0);
  int h = 0, m = 0;
  if (!c.digest.empty() && !rt::parse_hhmm(c.digest, h, m))
    return cli.fail(Error::invalid({"--digest 应为 HH:MM：" + c.digest, "--digest must be HH:MM, got " + c.digest}));
  for (const auto& w : c.workflows) {
    if (!cli.workflows->find(w)) return cli.fail(Error::invalid({"未知流程：" + w, "unknown workflow " + w}));
  }
  for (const auto& k : c.kinds) {
    // A deadline kind some workflow knows (its label is not the bare id), else the channel would
    // silently never receive anything.
    const auto all = cli.workflows->all();
    const bool known = std::any_of(all.begin(), all.end(), [&](const engine::Workflow* w) {
      return w->deadline_label(k).zh != k;
    });
    if (!known)
      return cli.fail(Error::invalid({"--kind 未知的期限类型：" + k, "--kind: unknown deadline kind " + k}));
  }
  if (type == "file") {
    if (c.target.empty())
      return cli.fail(Error::invalid({"文件渠道的路径不能为空", "the file channel's path must not be empty"}));
    std::error_code ec;
    c.target = std::filesystem::absolute(c.target, ec).string();
  } else if (type == "command") {
    c.target = a.command.front();
    c.args.assign(a.command.begin() + 1, a.command.end());
  } else if (type == "webhook") {
    if (auto u = rt::check_webhook_url(c.target, a.allow_private); !u) return cli.fail(u.error());
    if (a.allow_private) c.args = {"allow-private"};  // read by rt::allows_private
    c.preset = a.preset;
    c.secret = a.secret;
    if (!a.secret_env.empty()) {
      const char* v = std::getenv(a.secret_env.c_str());
      if (!v || !*v)
        return cli.fail(Error::invalid({"环境变量 " + a.secret_env + " 为空", "environment variable " + a.secret_env + " is empty"}));
      c.secret = v;
    }
    if (!c.secret.empty() && c.preset != "dingtalk" && c.preset != "feishu")
      return cli.fail(Error::invalid({"只有 dingtalk 和 feishu 预设使用签名密钥", "only the dingtalk and feishu presets sign with a secret"}));
  }
  engine::WriteTransaction tx(*cli.store);
  if (auto s = tx.begin(); !s) return cli.fail(s.error());
  if (!c.branch.empty()) {
    auto b = cli.store->find_branch(c.branch);
    if (!b) return cli.fail(b.error());
    if (!b.value()) return cli.fail(Error::not_found({"组织不存在：" + c.branch, "no organisation " + c.branch}));
  }
  c.name = a.name;
  if (c.name.empty()) {
    auto all = cli.store->list_channels(false);
    if (!all) return cli.fail(all.error());
    for (int i = 1;; ++i) {
      const std::string n = i == 1 ? type : type + "-" + std::to_string(i);
      if (std::none_of(all.value().begin(), all.value().end(), [&](const Channel& x) { return x.name == n; })) {
        c.name = n;
        break;
      }
    }
  }
  c.created_at = cli.clock->now();
  auto id = cli.store->insert_channel(c);
  if (!id) return cli.fail(id.error());
  if (auto s = tx.commit(); !s) return cli.fail(s.error());
  c.id = id.value();
  if (cli.json) {
    cli.print_json(channel_json(c));
  } else {
    *cli.out << tr(cli.lang, "已添加通知渠道 ", "channel added: ") << c.id << " " << c.name << " (" << c.type << " "
             << shown_target(c) << ")\n";
  }
  return 0;
}

engine::Result<Channel> find_channel(Cli& cli, const std::string& ref) {
  auto c = cli.store->find_channel(ref);
  DJFLOW_TRY(c);
  if (!c.value()) return Error::not_found({"通知渠道不存在：" + ref, "no channel " + ref});
  return *c.value();
}

}  // namespace

void register_notify_commands(CLI::App& app, Cli& cli) {
  auto* notify = app.add_subcommand("notify", tr(cli.lang, "提醒发送渠道：添加、列出、删除、测试", "delivery channels: add, list, remove, test"));
  notify->require_subcommand(1);
  {
    auto* add = notify->add_subcommand("add", tr(cli.lang, "添加发送渠道：console（屏幕）、file 文件路径、command 程序、webhook 群机器人地址", "add a channel: console, file PATH, command PROGRAM [ARGS], webhook URL"));
    add->require_subcommand(1);
    auto console = std::make_shared<AddArgs>();
    auto* cc = add->add_subcommand("console", tr(cli.lang, "提醒服务的屏幕输出（标准输出）", "the daemon's standard output"));
    add_common(cc, *console, cli);
    cc->callback([&cli, console] { cli.action = [&cli, console] { return add_channel(cli, "console", *console); }; });

    auto file = std::make_shared<AddArgs>();
    auto* fc = add->add_subcommand("file", tr(cli.lang, "追加写入文件 PATH，每条提醒一行 JSON（立即落盘）", "append one JSON object per line to PATH (fsync'd)"));
    fc->add_option("path", file->target, tr(cli.lang, "要写入的文件", "file to append to"))->required();
    add_common(fc, *file, cli);
    fc->callback([&cli, file] { cli.action = [&cli, file] { return add_channel(cli, "file", *file); }; });

    auto command = std::make_shared<AddArgs>();
    auto* xc = add->add_subcommand("command", tr(cli.lang, "运行程序 PROGRAM（不经 shell），提醒以 JSON 从标准输入传入；程序返回 0 即视为已送达", "run PROGRAM [ARGS] without a shell, JSON on stdin; exit 0 = delivered"));
    xc->add_option("program", command->command, tr(cli.lang, "程序及其参数（写在 -- 之后）", "program and its arguments (after --)"))->required()->expected(-1);
    add_common(xc, *command, cli);
    xc->callback([&cli, command] { cli.action = [&cli, command] { return add_channel(cli, "command", *command); }; });

    auto hook = std::make_shared<AddArgs>();
    auto* wc = add->add_subcommand("webhook", tr(cli.lang, "发送到群机器人（企业微信、钉钉、飞书）或其他 HTTP(S) 地址", "HTTP(S) POST to a group robot or any endpoint"));
    wc->add_option("url", hook->target, tr(cli.lang, "群机器人的 Webhook 地址", "the robot's webhook URL"))->required();
    wc->add_option("--preset", hook->preset, tr(cli.lang, "机器人类型：wecom（企业微信）、dingtalk（钉钉）、feishu（飞书）或 generic（通用 JSON）", "wecom, dingtalk, feishu or generic"))
        ->required()
        ->check(CLI::IsMember({"wecom", "dingtalk", "feishu", "generic"}));
    wc->add_option("--secret", hook->secret, tr(cli.lang, "加签密钥（钉钉、飞书机器人的加签模式）", "signing secret (dingtalk/feishu signed mode)"));
    wc->add_option("--secret-env", hook->secret_env, tr(cli.lang, "从该环境变量读取加签密钥", "read the signing secret from this environment variable"));
    wc->add_flag("--allow-private", hook->allow_private,
                 tr(cli.lang, "允许链路本地地址或云主机元数据地址（169.254.0.0/16、fe80::/10）",
                    "allow a link-local or cloud metadata address (169.254.0.0/16, fe80::/10)"));
    add_common(wc, *hook, cli);
    wc->callback([&cli, hook] { cli.action = [&cli, hook] { return add_channel(cli, "webhook", *hook); }; });
  }
  {
    auto* list = notify->add_subcommand("list", tr(cli.lang, "列出发送渠道（不显示密钥）", "list the channels (secrets hidden)"));
    list->callback([&cli] {
      cli.action = [&cli]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto cs = cli.store->list_channels(false);
        if (!cs) return cli.fail(cs.error());
        const Lang l = cli.lang;
        if (cli.json) {
          Json arr = Json::array();
          for (const auto& c : cs.value()) arr.push_back(channel_json(c));
          cli.print_json(arr);
          return 0;
        }
        if (cs.value().empty()) {
          *cli.out << tr(l, "没有通知渠道（用 djflow notify add 添加）。\n", "no channels (add one with djflow notify add).\n");
          return 0;
        }
        Table t({"#", tr(l, "名称", "name"), tr(l, "类型", "type"), tr(l, "目标", "target"), tr(l, "范围", "routing"),
                 tr(l, "汇总", "digest"), tr(l, "限速", "rate")});
        for (const auto& c : cs.value()) {
          std::string routing;
          if (!c.branch.empty()) routing += tr(l, "组织 ", "branch ") + c.branch + "+";
          if (!c.workflows.empty()) routing += (routing.empty() ? "" : "; ") + join(c.workflows, ",");
          if (!c.kinds.empty()) routing += (routing.empty() ? "" : "; ") + join(c.kinds, ",");
          std::string type = c.type + (c.preset.empty() ? "" : "/" + c.preset) + (c.secret.empty() ? "" : tr(l, "（签名）", " (signed)"));
          t.add({std::to_string(c.id), c.name, type, shown_target(c), routing.empty() ? tr(l, "全部", "all") : routing,
                 c.digest.empty() ? "-" : c.digest, c.rate_per_minute ? std::to_string(c.rate_per_minute) + "/min" : "-"});
        }
        t.print(*cli.out);
        return 0;
      };
    });
  }
  {
    auto ref = std::make_shared<std::string>();
    auto* rm = notify->add_subcommand("remove", tr(cli.lang, "删除发送渠道（其待发消息标记为发送失败）", "remove a channel (its waiting deliveries go dead)"));
    rm->add_option("channel", *ref, tr(cli.lang, "渠道编号或名称", "id or name"))->required();
    rm->callback([&cli, ref] {
      cli.action = [&cli, ref]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        engine::WriteTransaction tx(*cli.store);
        if (auto s = tx.begin(); !s) return cli.fail(s.error());
        auto c = find_channel(cli, *ref);
        if (!c) return cli.fail(c.error());
        if (auto s = cli.store->remove_channel(c->id); !s) return cli.fail(s.error());
        if (auto s = tx.commit(); !s) return cli.fail(s.error());
        if (cli.json) cli.print_json({{"removed", c->id}, {"name", c->name}});
        else *cli.out << tr(cli.lang, "已删除通知渠道 ", "channel removed: ") << c->id << " " << c->name << "\n";
        return 0;
      };
    });
  }
  {
    auto ref = std::make_shared<std::string>();
    auto ca = std::make_shared<std::string>();
    auto* test = notify->add_subcommand("test", tr(cli.lang, "立即向发送渠道发一条测试消息", "send a test message to a channel now"));
    test->add_option("channel", *ref, tr(cli.lang, "渠道编号或名称", "id or name"))->required();
    test->add_option("--ca-file", *ca, tr(cli.lang, "额外信任的 CA 证书（PEM 格式），用于 https", "extra CA certificates (PEM) for https"));
    test->callback([&cli, ref, ca] {
      cli.action = [&cli, ref, ca]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto c = find_channel(cli, *ref);
        if (!c) return cli.fail(c.error());
        engine::SystemClock real;
        engine::Notification n;
        n.key = "test:" + c->name + ":" + engine::format_utc(cli.clock->now());
        n.branch = c->branch;
        n.workflow = "test";
        n.kind = "test";
        n.due = cli.engine->today();
        n.created_at = cli.clock->now();
        n.text = {"djflow 测试消息：通知渠道 " + c->name + " 工作正常", "djflow test message: channel " + c->name + " works"};
        rt::Message m;
        m.items.push_back(n);
        m.lang = c->lang;
        m.channel = c->name;
        m.at = cli.clock->now();
        auto s = rt::deliver_now(*c, m, real, *cli.out, *ca);
        if (!s) {
          engine::Error e = s.error();  // a server may echo the URL or the key: never shown
          e.message = {rt::redact_secrets(e.message.zh, *c), rt::redact_secrets(e.message.en, *c)};
          return cli.fail(e);
        }
        if (cli.json) cli.print_json({{"delivered", true}, {"channel", c->name}, {"key", n.key}});
        else *cli.out << tr(cli.lang, "测试消息已送达 ", "test message delivered to ") << c->name << "\n";
        return 0;
      };
    });
  }

  // --- outbox ---------------------------------------------------------------------------------
  struct OutboxArgs {
    std::string status = "all", channel;
    std::size_t limit = 50;
    std::vector<std::int64_t> ids;
    bool all = false;
  };
  auto a = std::make_shared<OutboxArgs>();
  auto* outbox = app.add_subcommand("outbox", tr(cli.lang, "提醒消息的发送记录（最新的在前）", "deliveries of notifications to channels (newest first)"));
  outbox->add_option("--status", a->status, tr(cli.lang, "发送状态：pending（待发）、delivered（已送达）、dead（发送失败）或 all（全部，默认）", "pending, delivered, dead or all (default all)"))
      ->check(CLI::IsMember({"pending", "delivered", "dead", "all"}));
  outbox->add_option("--channel", a->channel, tr(cli.lang, "只列该渠道（编号或名称）", "only this channel (id or name)"));
  outbox->add_option("--limit", a->limit, tr(cli.lang, "最多列出的条数（默认 50，0 为全部）", "at most this many rows (default 50, 0: all)"));
  auto* retry = outbox->add_subcommand("retry", tr(cli.lang, "重新发送发送失败的消息（按编号，或 --all 全部）", "send dead deliveries again (by id, or --all)"));
  retry->add_option("ids", a->ids, tr(cli.lang, "消息编号", "delivery ids"));
  retry->add_flag("--all", a->all, tr(cli.lang, "全部发送失败的消息", "every dead delivery"));
  retry->callback([&cli, a] {
    cli.action = [&cli, a]() -> int {
      if (a->ids.empty() && !a->all)
        return cli.fail(Error::invalid({"请给出投递编号或 --all", "give delivery ids or --all"}));
      if (auto s = cli.open(); !s) return cli.fail(s.error());
      engine::WriteTransaction tx(*cli.store);
      if (auto s = tx.begin(); !s) return cli.fail(s.error());
      auto n = cli.store->retry_dead(a->all ? std::vector<std::int64_t>{} : a->ids, cli.clock->now());
      if (!n) return cli.fail(n.error());
      if (auto s = tx.commit(); !s) return cli.fail(s.error());
      if (cli.json) cli.print_json({{"requeued", n.value()}});
      else *cli.out << tr(cli.lang, "重新排队的投递：", "deliveries queued again: ") << n.value() << "\n";
      if (!a->all && n.value() < static_cast<std::int64_t>(a->ids.size()) && n.value() == 0)
        return cli.fail(Error::not_found({"没有可重新发送的发送失败消息", "no dead delivery with those ids"}));
      return 0;
    };
  });
  outbox->callback([&cli, a, outbox] {
    if (outbox->got_subcommand("retry")) return;
    cli.action = [&cli, a]() -> int {
      if (auto s = cli.open(); !s) return cli.fail(s.error());
      engine::DeliveryFilter f;
      if (a->status != "all") f.status = engine::delivery_status_from(a->status);
      if (!a->channel.empty()) {
        auto c = find_channel(cli, a->channel);
        if (!c) return cli.fail(c.error());
        f.channel_id = c->id;
      }
      f.limit = a->limit;
      auto rows = cli.store->list_deliveries(f);
      if (!rows) return cli.fail(rows.error());
      // Errors written by older versions may hold a channel's secrets: redacted here as well.
      auto channels = cli.store->list_channels(true);
      if (!channels) return cli.fail(channels.error());
      for (auto& r : rows.value()) {
        for (const auto& c : channels.value())
          if (c.id == r.d.channel_id) r.d.last_error = rt::redact_secrets(r.d.last_error, c);
      }
      const Lang l = cli.lang;
      const auto& z = cli.engine->zone();
      if (cli.json) {
        Json arr = Json::array();
        for (const auto& r : rows.value()) {
          arr.push_back({{"id", r.d.id},
                         {"channel", r.channel},
                         {"key", r.n.key},
                         {"notification", r.n.id},
                         {"status", engine::to_string(r.d.status)},
                         {"attempts", r.d.attempts},
                         {"next_attempt_at", engine::format_utc(r.d.next_attempt_at)},
                         {"delivered_at", r.d.delivered_at ? Json(engine::format_utc(*r.d.delivered_at)) : Json(nullptr)},
                         {"last_error", r.d.last_error}});
        }
        cli.print_json(arr);
        return 0;
      }
      if (rows.value().empty()) {
        *cli.out << tr(l, "没有发送记录。\n", "the outbox is empty.\n");
        return 0;
      }
      Table t({"#", tr(l, "渠道", "channel"), tr(l, "通知", "key"), tr(l, "状态", "status"), tr(l, "次数", "tries"),
               tr(l, "时间", "when"), tr(l, "错误", "error")});
      for (const auto& r : rows.value()) {
        const std::string st = engine::to_string(r.d.status);
        std::string status = st == "pending" ? tr(l, "待发送", "pending") : st == "delivered" ? tr(l, "已送达", "delivered") : tr(l, "发送失败", "dead");
        std::string when = r.d.delivered_at ? z.local_datetime(*r.d.delivered_at)
                                            : (r.d.status == engine::DeliveryStatus::Pending ? z.local_datetime(r.d.next_attempt_at) : "-");
        std::string err = r.d.last_error.size() > 60 ? r.d.last_error.substr(0, 57) + "..." : r.d.last_error;
        t.add({std::to_string(r.d.id), r.channel, r.n.key, status, std::to_string(r.d.attempts), when, err});
      }
      t.print(*cli.out);
      return 0;
    };
  });
}

}  // namespace djflow::cli
