// Integrity commands (issue 7): verify (replay every case and the entity history, compare with
// the store, check the schema and an anchor) and anchor (one digest over every chain head,
// appended to the anchors file). docs/cli.md, docs/invariants.md (threat model).
#include <fstream>

#include "cli/app.hpp"
#include "cli/health.hpp"
#include "storage/open_store.hpp"

namespace djflow::cli {

using engine::Error;

namespace {

// Beside the SQLite file. A PostgreSQL database has no file to put it beside (and its URL may
// hold a password): there --file is required (anchors_file).
std::string default_anchor_file(const Cli& cli) { return cli.db + ".anchors"; }

engine::Result<std::string> anchors_file(const Cli& cli, const std::string& given) {
  if (!given.empty()) return given;
  if (storage::is_postgres(cli.db))
    return Error::invalid(engine::Text{
        "PostgreSQL 数据库旁没有可存放存证文件的位置：请用 --file 指定存证文件（建议保存在另一台机器上）",
        "a PostgreSQL database has no file to keep the anchors beside: name the anchors file with --file "
        "(best kept on another machine)"});
  return default_anchor_file(cli);
}

Json anchor_json(const engine::Anchor& a, const std::string& file) {
  return {{"root", a.root},       {"at", a.at.time_since_epoch().count()},
          {"cases", a.cases},     {"events", a.events},
          {"entity_events", a.entity_events}, {"file", file}};
}

// The anchor to check: the line of `file` whose root is `arg` (a digest), or the last line of
// the file `arg`.
engine::Result<engine::Anchor> load_anchor(const std::string& arg, const std::string& file) {
  const bool digest = engine::looks_like_digest(arg);
  const std::string path = digest ? file : arg;
  std::ifstream in(path);
  if (!in)
    return Error::not_found({"无法读取存证文件：" + path, "cannot read the anchors file " + path});
  std::string line, chosen;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (!digest) {
      chosen = line;
    } else if (line.find("\"root\":\"" + arg + "\"") != std::string::npos) {
      chosen = line;
      break;
    }
  }
  if (chosen.empty()) {
    if (digest)
      return Error::not_found({"存证文件 " + path + " 中没有摘要 " + arg + "（用 --file 指定保存它的存证文件）",
                               "digest " + arg + " is not in the anchors file " + path +
                                   " (name the anchors file that holds it with --file)"});
    return Error::invalid({"存证文件为空：" + path, "the anchors file " + path + " is empty"});
  }
  auto a = engine::parse_anchor_line(chosen);
  DJFLOW_TRY(a);
  if (digest && a->root != arg) return Error::invalid({"存证记录与摘要不符", "the anchor line does not carry that digest"});
  return a;
}

}  // namespace

void register_verify_commands(CLI::App& app, Cli& cli) {
  // --- verify -------------------------------------------------------------------------------
  {
    struct Args {
      std::string anchor, file;
    };
    auto a = std::make_shared<Args>();
    auto* verify = app.add_subcommand(
        "verify", tr(cli.lang, "核验：重放全部事项和人员、设置的变更记录，与数据库比对，检查数据完整、未被篡改",
                     "replay every case and the entity history, compare with the database, check its integrity"));
    verify->add_option("--anchor", a->anchor,
                       tr(cli.lang, "存证摘要 DIGEST（在存证文件中查找）或存证文件 FILE（取其最后一条）：证明现在的记录是在存证时记录基础上的延续、之前的内容未被改动",
                          "DIGEST (looked up in the anchors file) or FILE (its last anchor): prove today's history "
                          "extends the anchored one"));
    verify->add_option("--file", a->file, tr(cli.lang, "--anchor 摘要所在的存证文件（默认为 数据库文件名.anchors）", "anchors file for --anchor DIGEST (default DB.anchors)"));
    verify->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        std::optional<engine::Anchor> anchor;
        if (!a->anchor.empty()) {
          const bool digest = engine::looks_like_digest(a->anchor);
          auto file = digest ? anchors_file(cli, a->file) : engine::Result<std::string>(a->file);
          if (!file) return cli.fail(file.error());
          auto loaded = load_anchor(a->anchor, file.value());
          if (!loaded) return cli.fail(loaded.error());
          anchor = std::move(loaded.value());
        }
        auto r = cli.engine->verify(anchor);
        if (!r) return cli.fail(r.error());
        auto& rep = r.value();
        // Stored text that is not valid UTF-8 (I13; cli/health.hpp).
        auto bad_text = invalid_text_problems(cli);
        if (!bad_text) return cli.fail(bad_text.error());
        rep.problems.insert(rep.problems.end(), bad_text->begin(), bad_text->end());
        if (cli.json) {
          Json j = {{"ok", rep.ok()},           {"cases", rep.cases},
                    {"events", rep.events},     {"entity_events", rep.entity_events},
                    {"integrity", rep.integrity}, {"problems", rep.problems}};
          if (anchor) j["anchor"] = {{"root", anchor->root}, {"at", anchor->at.time_since_epoch().count()}};
          cli.print_json(j);
        } else {
          for (const auto& p : rep.problems) *cli.out << tr(cli.lang, "问题：", "problem: ") << p << "\n";
          if (rep.integrity != "ok") *cli.out << "integrity_check: " << rep.integrity << "\n";
          if (rep.ok()) {
            *cli.out << tr(cli.lang, "校验通过：", "verified: ") << rep.cases << tr(cli.lang, " 个事项，", " cases, ")
                     << rep.events << tr(cli.lang, " 条记录，", " events, ") << rep.entity_events
                     << tr(cli.lang, " 条实体记录；重放一致，哈希链完整，数据库完好\n",
                           " entity events; replay agrees, hash chains intact, database sound\n");
            if (anchor)
              *cli.out << tr(cli.lang, "今天的历史延续了存证 ", "today's history extends the anchor ") << anchor->root
                       << "\n";
          } else {
            *cli.out << tr(cli.lang, "校验失败：历史记录或数据库已被改动\n",
                           "verification FAILED: the history or the database was altered\n");
          }
        }
        return rep.ok() ? 0 : 4;
      };
    });
  }

  // --- anchor -------------------------------------------------------------------------------
  {
    auto file = std::make_shared<std::string>();
    auto* anchor = app.add_subcommand(
        "anchor", tr(cli.lang, "存证：对全部办理记录计算一个摘要，显示并追加到存证文件（可另行打印或报上级留存）",
                     "one digest over every chain head (Merkle root), printed and appended to the anchors file"));
    anchor->add_option("--file", *file, tr(cli.lang, "存证文件（默认为数据库旁的 数据库文件名.anchors）", "anchors file (default DB.anchors, beside the database)"));
    anchor->callback([&cli, file] {
      cli.action = [&cli, file]() -> int {
        auto where = anchors_file(cli, *file);
        if (!where) return cli.fail(where.error());
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto a = cli.engine->anchor();
        if (!a) return cli.fail(a.error());
        const std::string path = where.value();
        if (auto s = engine::append_anchor(path, a.value()); !s) return cli.fail(s.error());
        if (cli.json) {
          cli.print_json(anchor_json(a.value(), path));
        } else {
          *cli.out << a->root << "\n"
                   << tr(cli.lang, "存证：", "anchored: ") << a->cases << tr(cli.lang, " 个事项，", " cases, ")
                   << a->events << tr(cli.lang, " 条记录，", " events, ") << a->entity_events
                   << tr(cli.lang, " 条实体记录；已追加到 ", " entity events; appended to ") << path << "\n";
        }
        return 0;
      };
    });
  }
}

}  // namespace djflow::cli
