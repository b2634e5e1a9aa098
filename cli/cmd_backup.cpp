// djflow backup FILE: a consistent copy of the database while it is in use (docs/cli.md,
// docs/operations.md "Backup and restore").
#include "cli/cmd_backup.hpp"

#include "cli/app.hpp"
#include "storage/backup.hpp"

namespace djflow::cli {

void register_backup_commands(CLI::App& app, Cli& cli) {
  auto file = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "backup",
      tr(cli.lang,
         "把数据库备份到新文件 FILE（仅本人可读写）；提醒服务和其他命令运行时也能得到完整一致的副本；\n"
         "不会覆盖已有文件。恢复方法见 docs/operations.md",
         "copy the database into a new file FILE (0600), consistent while the daemon and other\n"
         "commands write; never overwrites. Restore: docs/operations.md"));
  cmd->add_option("file", *file, tr(cli.lang, "新的备份文件", "the new backup file"))->required();
  cmd->callback([&cli, file] {
    cli.action = [&cli, file]() -> int {
      auto r = storage::backup_database(cli.db, *file);
      if (!r) return cli.fail(r.error());
      if (cli.json) {
        cli.print_json({{"db", cli.db},
                        {"backup", *file},
                        {"bytes", r->bytes},
                        {"schema_version", r->schema_version}});
      } else {
        *cli.out << tr(cli.lang, "已备份到 ", "backed up to ") << *file << " (" << r->bytes
                 << tr(cli.lang, " 字节，结构版本 ", " bytes, schema version ") << r->schema_version
                 << ")\n";
      }
      return 0;
    };
  });
}

}  // namespace djflow::cli
