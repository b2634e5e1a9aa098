// djflow migrate-store --from FILE.db --to postgresql://...: copies a SQLite database into an
// empty PostgreSQL database and verifies the copy (issue 12 §3; docs/cli.md,
// docs/operations.md "Moving to PostgreSQL").
#include "cli/app.hpp"
#include "cli/cmd_backup.hpp"
#include "cli/health.hpp"
#include "storage/migrate_store.hpp"
#include "storage/open_store.hpp"

namespace djflow::cli {

void register_migrate_store_commands(CLI::App& app, Cli& cli) {
  struct Args {
    std::string from, to;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "migrate-store",
      tr(cli.lang,
         "把 SQLite 数据库文件中的全部数据（事项、办理记录及其哈希链、人员、组织、提醒、通知、设置……）\n"
         "复制到一个空的 PostgreSQL 数据库，在一个事务中完成，然后对副本进行核验。目标数据库不是空的则拒绝、不写入任何数据。\n"
         "步骤见 docs/operations.md",
         "copy everything in a SQLite database (cases, events with their hash chains, people,\n"
         "organisations, reminders, notifications, settings, ...) into an empty PostgreSQL database in\n"
         "one transaction, then verify the copy. A target that is not empty is refused, nothing written.\n"
         "Steps: docs/operations.md"));
  cmd->add_option("--from", a->from, tr(cli.lang, "源 SQLite 数据库文件（须已是本版本的结构：先运行 djflow init）",
                                        "the SQLite database file to copy (at this version's schema: run djflow init first)"))
      ->required();
  cmd->add_option("--to", a->to, tr(cli.lang, "目标 PostgreSQL 数据库地址 postgresql://用户@主机/库名（密码不会显示）",
                                    "the PostgreSQL database, postgresql://user@host/dbname (a password is never shown)"))
      ->required();
  cmd->callback([&cli, a] {
    cli.action = [&cli, a]() -> int {
      auto r = storage::migrate_store(a->from, a->to);
      if (!r) return cli.fail(r.error());
      // Verify the copy as `djflow --db TO verify` would.
      cli.db = a->to;
      if (auto s = cli.open(); !s) return cli.fail(s.error());
      auto v = cli.engine->verify(std::nullopt);
      if (!v) return cli.fail(v.error());
      auto& rep = v.value();
      auto bad_text = invalid_text_problems(cli);
      if (!bad_text) return cli.fail(bad_text.error());
      rep.problems.insert(rep.problems.end(), bad_text->begin(), bad_text->end());
      std::int64_t rows = 0;
      for (const auto& t : r->tables) rows += t.rows;
      if (cli.json) {
        Json tables = Json::object();
        for (const auto& t : r->tables) tables[t.name] = t.rows;
        cli.print_json({{"from", a->from},
                        {"to", storage::display_db(a->to)},
                        {"schema_version", r->schema_version},
                        {"tables", tables},
                        {"rows", rows},
                        {"verify",
                         {{"ok", rep.ok()},
                          {"cases", rep.cases},
                          {"events", rep.events},
                          {"entity_events", rep.entity_events},
                          {"integrity", rep.integrity},
                          {"problems", rep.problems}}}});
      } else {
        *cli.out << tr(cli.lang, "已复制 ", "copied ") << r->tables.size() << tr(cli.lang, " 张数据表、共 ", " tables, ")
                 << rows << tr(cli.lang, " 行到 ", " rows into ") << storage::display_db(a->to) << "\n";
        for (const auto& t : r->tables) *cli.out << "  " << t.name << ": " << t.rows << "\n";
        for (const auto& p : rep.problems) *cli.out << tr(cli.lang, "问题：", "problem: ") << p << "\n";
        if (rep.ok()) {
          *cli.out << tr(cli.lang, "副本校验通过：", "the copy verifies: ") << rep.cases
                   << tr(cli.lang, " 个事项，", " cases, ") << rep.events << tr(cli.lang, " 条记录，", " events, ")
                   << rep.entity_events
                   << tr(cli.lang, " 条实体记录；重放一致，哈希链完整\n", " entity events; replay agrees, hash chains intact\n");
        } else {
          *cli.out << tr(cli.lang, "副本校验失败：请勿使用该副本，保留源数据库并报告此问题\n",
                         "verification of the copy FAILED: do not use it; keep the source and report this\n");
        }
      }
      return rep.ok() ? 0 : 4;
    };
  });
}

}  // namespace djflow::cli
