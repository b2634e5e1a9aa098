// Deadline and reminder commands: due, tick.
#include <charconv>

#include "cli/app.hpp"
#include "cli/health.hpp"

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

}  // namespace

void register_reminder_commands(CLI::App& app, Cli& cli) {
  // --- due ----------------------------------------------------------------------------------
  {
    struct DueArgs {
      int within = -1;
      bool overdue = false;
      std::string branch, workflow;
    };
    auto a = std::make_shared<DueArgs>();
    auto* due = app.add_subcommand("due", tr(cli.lang, "未办结的期限，逾期的排在前面", "open deadlines, overdue first"));
    due->add_option("--within", a->within, tr(cli.lang, "只列今后 DAYS 天内到期的", "only those due within DAYS from today"))->check(CLI::NonNegativeNumber);
    due->add_flag("--overdue", a->overdue, tr(cli.lang, "只列已逾期的", "only overdue ones"));
    due->add_option("--branch", a->branch, tr(cli.lang, "党组织代码", "organisation code"));
    due->add_option("--workflow", a->workflow, tr(cli.lang, "流程类别，如 member（发展党员）、election（换届选举）、rectify（整改）", "e.g. member"));
    due->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        engine::DeadlineFilter f;
        if (!a->branch.empty()) f.branch = a->branch;
        if (!a->workflow.empty()) f.workflow = a->workflow;
        auto items = cli.engine->due(a->within >= 0 ? std::optional<int>(a->within) : std::nullopt, a->overdue, f);
        if (!items) return cli.fail(items.error());
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
