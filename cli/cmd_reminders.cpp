// Deadline and reminder commands: due, tick.
#include <charconv>

#include "cli/app.hpp"
#include "cli/health.hpp"
#include "cli/resolve.hpp"

namespace djflow::cli {

using engine::Error;

namespace {

Json notification_json(const Cli& cli, const engine::Notification& n) {
  const auto* wf = cli.workflows->find(n.workflow);
  return {{"key", n.key},           {"id", n.case_id},          {"kind", n.kind},
          {"due", n.due.iso()},     {"days_left", n.days_left}, {"text", n.text.in(cli.lang)},
          {"text_zh", n.text.zh},   {"text_en", n.text.en},     {"workflow", n.workflow},
          {"branch", n.branch},     {"notification", n.id},
          {"escalate", wf != nullptr && wf->escalates(n.kind, n.days_left)}};
}

// --from/--to/--month as dates (nullopt: open end). InvalidInput for a malformed one.
engine::Result<std::pair<std::optional<engine::Date>, std::optional<engine::Date>>> due_window(
    const Cli& cli, const std::string& from, const std::string& to, const std::string& month) {
  std::pair<std::optional<engine::Date>, std::optional<engine::Date>> w;
  if (!month.empty()) {
    if (!from.empty() || !to.empty())
      return Error::invalid({"--month 不能与 --from、--to 同用", "--month cannot be combined with --from or --to"});
    auto first = engine::Date::parse(month + "-01");
    if (month.size() != 7 || !first)
      return Error::invalid({"--month 应为 YYYY-MM：" + month, "--month must be YYYY-MM, got " + month});
    w.first = *first;
    w.second = first->add_months(1).add_days(-1);
    return w;
  }
  if (!from.empty()) {
    auto d = cli.date_arg(from, "--from");
    if (!d) return d.error();
    w.first = d.value();
  }
  if (!to.empty()) {
    auto d = cli.date_arg(to, "--to");
    if (!d) return d.error();
    w.second = d.value();
  }
  if (w.first && w.second && *w.second < *w.first)
    return Error::invalid({"--to 早于 --from", "--to is before --from"});
  return w;
}

}  // namespace

void register_reminder_commands(CLI::App& app, Cli& cli) {
  // --- due ----------------------------------------------------------------------------------
  {
    struct DueArgs {
      int within = -1;
      bool overdue = false;
      std::string branch, workflow, from, to, month;
    };
    auto a = std::make_shared<DueArgs>();
    auto* due = app.add_subcommand("due", tr(cli.lang, "未办结的期限，逾期的排在前面", "open deadlines, overdue first"));
    due->add_option("--within", a->within, tr(cli.lang, "只列今后 DAYS 天内到期的", "only those due within DAYS from today"))->check(CLI::NonNegativeNumber);
    due->add_flag("--overdue", a->overdue, tr(cli.lang, "只列已逾期的", "only overdue ones"));
    due->add_option("--branch", a->branch, tr(cli.lang, "党组织代码", "organisation code"));
    due->add_option("--workflow", a->workflow, tr(cli.lang, "流程类别，如 member（发展党员）、election（换届选举）、rectify（整改）", "e.g. member"));
    due->add_option("--from", a->from,
                    tr(cli.lang, "只看此日（含）以后到期的 YYYY-MM-DD（默认今天；不含已逾期的，--overdue 另加）",
                       "only those due on or after DATE (default today; overdue ones only with --overdue)"));
    due->add_option("--to", a->to, tr(cli.lang, "只看此日（含）以前到期的 YYYY-MM-DD", "only those due on or before DATE"));
    due->add_option("--month", a->month,
                    tr(cli.lang, "只看该月到期的，如 2026-12（不含已逾期的，--overdue 另加）",
                       "only those due in that month, e.g. 2026-12 (overdue ones only with --overdue)"));
    due->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        engine::DeadlineFilter f;
        if (!a->branch.empty()) {
          if (auto s = check_branch_code(cli, a->branch, "--branch"); !s) return cli.fail(s.error());
          f.branch = a->branch;
        }
        if (!a->workflow.empty()) {
          std::vector<Choice> names;
          for (const auto* wf : cli.workflows->all()) names.push_back({std::string(wf->name()), wf->title()});
          auto name = match_choice(a->workflow, names, "--workflow");
          if (!name) return cli.fail(name.error());
          f.workflow = name.value();
        }
        // A window (--from/--to/--month, issue 9 §3): what falls due in it, without the overdue
        // flood unless --overdue adds it.
        auto window = due_window(cli, a->from, a->to, a->month);
        if (!window) return cli.fail(window.error());
        const bool windowed = window->first || window->second;
        if (windowed && window->second) f.due_on_or_before = *window->second;
        auto items = cli.engine->due(windowed ? std::nullopt
                                              : (a->within >= 0 ? std::optional<int>(a->within) : std::nullopt),
                                     windowed ? false : a->overdue, f);
        if (!items) return cli.fail(items.error());
        if (windowed) {
          const engine::Date from = window->first.value_or(cli.engine->today());
          std::erase_if(items.value(), [&](const engine::DueItem& it) {
            const bool overdue = it.days_left < 0 && !it.deadline.milestone;
            return it.deadline.due < from && !(a->overdue && overdue);
          });
        }
        const Lang l = cli.lang;
        // Tens of thousands of rows: labels and day texts are memoised, JSON is streamed, and the
        // table keeps each cell once (measured in docs/performance.md, "Large listings").
        TextMemo labels;
        std::string key;
        auto label_of = [&](const engine::DueItem& it) -> const std::string& {
          key.assign(it.c.workflow).append(1, '\0').append(it.deadline.kind);
          return labels.get(key, [&] {
            const auto* wf = cli.workflows->find(it.c.workflow);
            return wf ? tr(l, wf->deadline_label(it.deadline.kind)) : it.deadline.kind;
          });
        };
        ListingTexts texts(l);
        if (cli.json) {
          JsonArrayWriter w(*cli.out);
          for (const auto& it : items.value()) {
            w.begin_object();
            w.integer("id", it.c.id);
            w.string("kind", it.deadline.kind);
            w.string("due", texts.iso(it.deadline.due));
            w.integer("days_left", it.days_left);
            w.boolean("overdue", it.days_left < 0 && !it.deadline.milestone);
            w.boolean("milestone", it.deadline.milestone);
            w.string("workflow", it.c.workflow);
            w.string("subject", it.c.title);
            w.string("branch", it.c.branch);
            w.string("label", label_of(it));
            w.end_object();
          }
          w.finish();
          return 0;
        }
        if (items.value().empty()) {
          *cli.out << tr(l, "没有待办期限。\n", "no open deadlines.\n");
          return 0;
        }
        Table t({"#", tr(l, "对象", "subject"), tr(l, "组织", "branch"), tr(l, "事项", "deadline"),
                 tr(l, "到期日", "due"), tr(l, "情况", "status")});
        t.reserve(items.value().size());
        char id[24];
        for (const auto& it : items.value()) {
          const auto end = std::to_chars(id, id + sizeof id, it.c.id).ptr;
          t.add_cells({std::string_view(id, static_cast<std::size_t>(end - id)), it.c.title, it.c.branch,
                       label_of(it), texts.iso(it.deadline.due), texts.days_left(it.days_left, it.deadline.milestone)});
        }
        t.print(*cli.out);
        return 0;
      };
    });
  }

  // --- tick ---------------------------------------------------------------------------------
  {
    auto* tick = app.add_subcommand("tick", tr(cli.lang, "立即发出截至现在应发的提醒（每条只发一次），并显示提醒内容", "fire every reminder due by now, once, and print the notifications"));
    tick->callback([&cli] {
      cli.action = [&cli]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        std::vector<engine::Notification> all;
        // Bounded batches, each its own transaction, so that a large backlog never holds the
        // write lock for long.
        for (;;) {
          auto batch = cli.engine->tick(1000);
          if (!batch) return cli.fail(batch.error());
          if (batch.value().empty()) break;
          for (auto& n : batch.value()) all.push_back(std::move(n));
        }
        if (cli.json) {
          Json arr = Json::array();
          for (const auto& n : all) arr.push_back(notification_json(cli, n));
          cli.print_json({{"notifications", arr}});
          return 0;
        }
        if (all.empty()) *cli.out << tr(cli.lang, "没有到期的提醒。\n", "no reminders due.\n");
        for (const auto& n : all) *cli.out << n.text.in(cli.lang) << "\n";
        return 0;
      };
    });
  }
}

}  // namespace djflow::cli
