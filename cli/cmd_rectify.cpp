// Rectification ledger commands (整改台账): rectify batch add|list, rectify add, rectify list,
// rectify export. Items and batches are cases (workflows "rectify", "rectify-batch"); their steps
// go through `djflow record`. The ledger rows are written with the case's first event, in its
// transaction (Engine::start with an AlsoWrite).
#include <charconv>
#include <fstream>
#include <sstream>

#include "cli/app.hpp"
#include "cli/resolve.hpp"
#include "cli/private_file.hpp"
#include "cli/rectify_item.hpp"
#include "cli/rectify_ledger.hpp"
#include "sheet/sheet.hpp"
#include "engine/utf8.hpp"
#include "workflows/rectify/rectify_catalog.hpp"
#include "workflows/rectify/rectify_rules.hpp"

namespace djflow::cli {

using engine::Error;
namespace rect = workflows::rectify;

namespace {

std::vector<Choice> label_choices(std::span<const rect::Label> labels) {
  std::vector<Choice> out;
  for (const auto& l : labels) out.push_back({std::string(l.id), {std::string(l.zh), std::string(l.en)}});
  return out;
}

// The first `n` characters (code points) of a UTF-8 string, with "…" when cut.
std::string short_form(const std::string& s, std::size_t n) {
  std::size_t i = 0, count = 0;
  while (i < s.size() && count < n) {
    engine::utf8::next(s, i);  // never past the end, even on bytes that are not UTF-8
    ++count;
  }
  if (i >= s.size()) return s;
  return s.substr(0, i) + "…";
}

std::string get(const engine::Inputs& in, const char* key) {
  auto it = in.find(key);
  return it == in.end() ? std::string() : it->second;
}

}  // namespace

engine::Result<engine::StepOutcome> add_rectify_batch(engine::Engine& engine, const std::string& actor,
                                                      const NewRectifyBatch& a) {
  engine::Inputs with{{"source", a.source}, {"title", a.title}};
  if (a.months > 0) with["report-months"] = std::to_string(a.months);
  engine::CaseSubject subject;
  subject.branch = a.org;
  subject.title = a.title;
  engine::StepInput in{"open", a.feedback, with, "", "", actor};
  return engine.start("rectify-batch", subject, in,
                      [&](engine::Store& store, const engine::StepOutcome& out) -> engine::Status {
                        engine::RectifyBatch b;
                        b.id = out.c.id;
                        b.source = a.source;
                        b.org = out.c.branch;
                        b.title = a.title;
                        b.feedback = out.event.date;
                        b.report_due = engine::Date::parse(get(out.event.inputs, "report-due"));
                        return store.insert_rectify_batch(b);
                      });
}

engine::Result<engine::StepOutcome> add_rectify_item(engine::Engine& engine, const std::string& actor,
                                                     const engine::RectifyBatch& batch, const NewRectifyItem& a,
                                                     std::int64_t& seq) {
  engine::Inputs with{{"batch", std::to_string(batch.id)}, {"source", batch.source}, {"problem", a.problem},
                      {"category", a.category}, {"cause", a.cause}, {"target", a.target},
                      {"measures", a.measures}, {"leader", a.leader}, {"department", a.department},
                      {"owner", a.owner}, {"supporting", a.supporting}, {"type", a.type},
                      {"deadline", a.deadline}};
  std::string ms;
  for (const auto& m : a.milestones) ms += (ms.empty() ? "" : "\n") + m;
  with["milestones"] = ms;
  for (auto it = with.begin(); it != with.end();) it = it->second.empty() ? with.erase(it) : std::next(it);
  engine::CaseSubject subject;
  subject.branch = a.org.empty() ? batch.org : a.org;
  subject.title = a.title.empty() ? short_form(a.problem, 24) : a.title;
  engine::StepInput in{"register", a.date, with, a.note, "", actor};
  return engine.start("rectify", subject, in,
                           [&](engine::Store& store, const engine::StepOutcome& out) -> engine::Status {
                             const auto& v = out.event.inputs;
                             engine::RectifyItem it;
                             it.id = out.c.id;
                             it.batch = batch.id;
                             it.org = out.c.branch;
                             it.source = batch.source;
                             it.problem = get(v, "problem");
                             it.category = get(v, "category");
                             it.cause = get(v, "cause");
                             it.target = get(v, "target");
                             it.measures = get(v, "measures");
                             it.leader = get(v, "leader");
                             it.department = get(v, "department");
                             it.owner = get(v, "owner");
                             it.supporting = get(v, "supporting");
                             it.type = get(v, "type");
                             it.deadline = engine::Date::parse(get(v, "deadline"));
                             it.milestones = get(v, "milestones");
                             it.registered = out.event.date;
                             auto r = store.insert_rectify_item(it);
                             DJFLOW_TRY(r);
                             seq = r.value();
                             return {};
                           });
}

void register_rectify_commands(CLI::App& app, Cli& cli) {
  auto* rectify = app.add_subcommand("rectify", tr(cli.lang, "整改台账：整改批次和整改事项", "rectification ledger (整改台账): batches and items"));
  rectify->require_subcommand(1);

  // --- rectify batch add | list ---------------------------------------------------------------
  auto* batch_cmd = rectify->add_subcommand("batch", tr(cli.lang, "整改批次", "rectification batches (整改批次)"));
  batch_cmd->require_subcommand(1);
  {
    struct Args { std::string source, org, feedback, title; int months = 0; };
    auto a = std::make_shared<Args>();
    auto* add = batch_cmd->add_subcommand("add", tr(cli.lang, "登记一个整改批次（一次反馈意见），输出批次编号", "register a batch: the feedback of one source; prints its id"));
    add->add_option("--source", a->source,
                    tr(cli.lang, "问题来源：inspection（巡视）、circuit-inspection（巡察）、audit（审计）、theme-education（主题教育）、"
                                 "org-life-meeting（组织生活会）、democratic-life-meeting（民主生活会）、supervision（监督检查）、other（其他）",
                       "inspection|circuit-inspection|audit|theme-education|org-life-meeting|democratic-life-meeting|supervision|other"))
        ->required();
    add->add_option("--org", a->org, tr(cli.lang, "党组织代码", "organisation code"))->required();
    add->add_option("--feedback", a->feedback, tr(cli.lang, "收到反馈意见的日期", "date the feedback was received"))->required();
    add->add_option("--report-months", a->months, tr(cli.lang, "反馈后几个月内报送整改情况报告（巡视巡察默认 2 个月）", "report deadline in months after the feedback (inspections: default 2, Z1)"))
        ->check(CLI::Range(1, 24));
    add->add_option("--title", a->title, tr(cli.lang, "标题（默认用问题来源）", "title (default: the source)"));
    add->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto date = cli.date_arg(a->feedback, "--feedback");
        if (!date) return cli.fail(date.error());
        // The source by its id or its label (`--source 主题教育`, issue 9 §3).
        auto source = match_choice(a->source, label_choices(rect::sources()), "--source");
        if (!source) return cli.fail(source.error());
        a->source = source.value();
        const std::string title = a->title.empty() ? rect::label(rect::sources(), a->source).zh + "整改" : a->title;
        auto o = add_rectify_batch(*cli.engine, cli.actor, {a->source, a->org, title, date.value(), a->months});
        if (!o) return cli.fail(o.error());
        const std::string due = get(o->event.inputs, "report-due");
        if (cli.json) {
          cli.print_json({{"id", o->c.id}, {"source", a->source}, {"org", o->c.branch}, {"title", title},
                          {"feedback", o->event.date.iso()}, {"report_due", due.empty() ? Json(nullptr) : Json(due)}});
        } else {
          *cli.out << o->c.id << "\n";
          if (!due.empty()) *cli.out << "  " << tr(cli.lang, "整改情况报告期限：", "report due: ") << due << "\n";
        }
        return 0;
      };
    });
  }
  {
    auto* list = batch_cmd->add_subcommand("list", tr(cli.lang, "列出整改批次", "list batches"));
    list->callback([&cli] {
      cli.action = [&cli]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto rows = cli.store->list_rectify_batches();
        if (!rows) return cli.fail(rows.error());
        const Lang l = cli.lang;
        const auto* wf = cli.workflows->find("rectify-batch");
        Json arr = Json::array();
        Table t({"#", tr(l, "来源", "source"), tr(l, "组织", "org"), tr(l, "名称", "title"), tr(l, "反馈日期", "feedback"),
                 tr(l, "报告期限", "report due"), tr(l, "状态", "state")});
        for (const auto& b : rows.value()) {
          auto c = cli.store->find_case(b.id);
          if (!c) return cli.fail(c.error());
          const std::string state = c.value() ? c.value()->state : "";
          arr.push_back({{"id", b.id}, {"source", b.source}, {"org", b.org}, {"title", b.title},
                         {"feedback", b.feedback.iso()}, {"report_due", b.report_due ? Json(b.report_due->iso()) : Json(nullptr)},
                         {"state", state}});
          t.add({std::to_string(b.id), tr(l, rect::label(rect::sources(), b.source)), b.org, b.title, b.feedback.iso(),
                 b.report_due ? b.report_due->iso() : "-", tr(l, wf->state_label(state))});
        }
        if (cli.json) cli.print_json(arr);
        else t.print(*cli.out);
        return 0;
      };
    });
  }

  // --- rectify add ----------------------------------------------------------------------------
  {
    struct Args {
      std::int64_t batch = 0;
      std::string problem, category, cause, target, measures, leader, department, owner, supporting, type;
      std::string deadline, date, org, title, note;
      std::vector<std::string> milestones;
    };
    auto a = std::make_shared<Args>();
    auto* add = rectify->add_subcommand("add", tr(cli.lang, "登记一项整改事项，输出事项编号", "register a rectification item (整改事项); prints its case id"));
    add->add_option("--batch", a->batch, tr(cli.lang, "整改批次编号（登记整改批次时输出的编号）", "batch id (djflow rectify batch add)"))->required();
    add->add_option("--problem", a->problem, tr(cli.lang, "问题表现（具体问题）", "问题表现: the specific problem"))->required();
    add->add_option("--category", a->category, tr(cli.lang, "问题类别", "问题类别"));
    add->add_option("--cause", a->cause, tr(cli.lang, "原因分析", "原因分析"));
    add->add_option("--target", a->target, tr(cli.lang, "整改目标", "整改目标"));
    add->add_option("--measures", a->measures, tr(cli.lang, "整改措施", "整改措施"))->required();
    add->add_option("--leader", a->leader, tr(cli.lang, "责任领导（姓名）", "责任领导 (name)"))->required();
    add->add_option("--department", a->department, tr(cli.lang, "责任部门", "责任部门"))->required();
    add->add_option("--owner", a->owner, tr(cli.lang, "责任人（姓名）", "责任人 (name)"))->required();
    add->add_option("--supporting", a->supporting, tr(cli.lang, "配合部门", "配合部门"));
    add->add_option("--type", a->type, tr(cli.lang, "整改类型：immediate（立行立改）、deadline（限期整改）或 long-term（长期坚持）", "immediate (立行立改) | deadline (限期整改) | long-term (长期坚持)"))->required();
    add->add_option("--deadline", a->deadline, tr(cli.lang, "整改时限（限期整改必填）", "整改时限 (required for --type deadline)"));
    add->add_option("--milestone", a->milestones, tr(cli.lang, "阶段目标，格式 日期:内容（可多次给出；长期坚持必填）", "阶段目标 DATE:TEXT (repeatable; required for long-term)"));
    add->add_option("--date", a->date, tr(cli.lang, "登记日期（默认今天）", "registration date (default today)"));
    add->add_option("--org", a->org, tr(cli.lang, "党组织代码（默认同整改批次）", "organisation code (default the batch's)"));
    add->add_option("--title", a->title, tr(cli.lang, "简短标题（默认取问题表现的开头）", "short title (default the start of the problem)"));
    add->add_option("--note", a->note, tr(cli.lang, "备注", "备注"));
    add->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto date = cli.date_arg(a->date, "--date");
        if (!date) return cli.fail(date.error());
        auto b = cli.store->find_rectify_batch(a->batch);
        if (!b) return cli.fail(b.error());
        if (!b.value())
          return cli.fail(Error::not_found({"整改批次不存在：" + std::to_string(a->batch),
                                            "no rectification batch " + std::to_string(a->batch)}));
        const engine::RectifyBatch batch = *b.value();
        auto type = match_choice(a->type, label_choices(rect::item_types()), "--type");  // `--type 限期整改`
        if (!type) return cli.fail(type.error());
        a->type = type.value();
        NewRectifyItem item{a->problem, a->category, a->cause, a->target, a->measures, a->leader, a->department,
                            a->owner, a->supporting, a->type, a->deadline, a->org, a->title, a->note, a->milestones,
                            date.value()};
        std::int64_t seq = 0;
        auto o = add_rectify_item(cli, batch, item, seq);
        if (!o) return cli.fail(o.error());
        const std::string deadline = get(o->event.inputs, "deadline");
        if (cli.json) {
          cli.print_json({{"id", o->c.id}, {"batch", batch.id}, {"seq", seq}, {"state", o->c.state},
                          {"type", a->type}, {"deadline", deadline.empty() ? Json(nullptr) : Json(deadline)}});
        } else {
          *cli.out << o->c.id << "\n";
          const auto* wf = cli.workflows->find("rectify");
          for (const auto& d : o->opened)
            *cli.out << "  " << tr(cli.lang, "新期限：", "new deadline: ") << tr(cli.lang, wf->deadline_label(d.kind)) << " "
                     << d.due.iso() << "\n";
        }
        return 0;
      };
    });
  }

  // --- rectify list ---------------------------------------------------------------------------
  {
    struct Args { std::int64_t batch = 0; bool overdue = false; std::string owner, org; };
    auto a = std::make_shared<Args>();
    auto* list = rectify->add_subcommand("list", tr(cli.lang, "整改台账：各事项剩余天数或逾期天数及预警颜色", "the ledger: items with days left or overdue and the warning colour"));
    list->add_option("--batch", a->batch, tr(cli.lang, "整改批次编号", "batch id"));
    list->add_flag("--overdue", a->overdue, tr(cli.lang, "只列已超过整改时限的事项", "only items whose deadline has passed"));
    list->add_option("--owner", a->owner, tr(cli.lang, "责任人（完整姓名）", "responsible person (exact name)"));
    list->add_option("--org", a->org, tr(cli.lang, "党组织代码", "organisation code"));
    list->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        const auto today = cli.engine->today();
        engine::RectifyItemFilter f;
        if (a->batch > 0) f.batch = a->batch;
        if (!a->owner.empty()) f.owner = a->owner;
        if (!a->org.empty()) f.org = a->org;
        if (a->overdue) f.overdue_on = today;
        auto rows = cli.store->list_rectify_items(f);
        if (!rows) return cli.fail(rows.error());
        const Lang l = cli.lang;
        const auto* wf = cli.workflows->find("rectify");
        // Tens of thousands of rows: JSON is streamed, labels and day texts are memoised
        // (docs/performance.md, "Large listings").
        ListingTexts texts(l);
        if (cli.json) {
          JsonArrayWriter w(*cli.out);
          for (const auto& r : rows.value()) {
            const auto st = status_of(r, today);
            w.begin_object();
            write_item_fields(w, r, st, [&](engine::Date d) -> const std::string& { return texts.iso(d); });
            w.end_object();
          }
          w.finish();
          return 0;
        }
        if (rows.value().empty()) {
          *cli.out << tr(l, "没有符合条件的整改事项。\n", "no rectification items.\n");
          return 0;
        }
        Table t({"#", tr(l, "批次-序号", "batch-no"), tr(l, "问题", "problem"), tr(l, "责任人", "owner"),
                 tr(l, "类型", "type"), tr(l, "状态", "state"), tr(l, "时限", "deadline"), tr(l, "情况", "status"),
                 tr(l, "预警", "warning")});
        t.reserve(rows.value().size(), 160);
        TextMemo types, states, warnings;
        const std::string closed = tr(l, "已销号", "closed"), submitted = tr(l, "待验收", "awaiting verification"),
                          milestone = tr(l, "阶段目标：", "milestone: "), escalated = tr(l, "，督办：", ", escalated: ");
        std::string status, colour, batch_no;  // reused for every row
        char id[24];
        for (const auto& r : rows.value()) {
          const auto st = status_of(r, today);
          std::string_view due = r.due ? std::string_view(texts.iso(*r.due)) : std::string_view("-");
          status.clear();
          if (st.days_left) status = texts.days_left(*st.days_left, false);
          else if (r.c.state == "closed") {
            status = closed;
            if (st.closed_days_overdue)
              status.append(tr(l, engine::Text{"（" + closed_text_zh(*st.closed_days_overdue) + "）",
                                               *st.closed_days_overdue == 0
                                                   ? std::string(" (on time)")
                                                   : " (" + std::to_string(*st.closed_days_overdue) + " days late)"}));
          }
          else if (r.c.state == "submitted") status = submitted;
          else if (r.next_milestone) {
            due = texts.iso(*r.next_milestone);
            status.append(milestone).append(texts.days_left(today.days_until(*r.next_milestone), false));
          }
          if (st.colour.empty()) colour = "-";
          else colour = warnings.get(st.colour, [&] { return tr(l, rect::warning_label(st.colour)); });
          if (st.escalate) colour.append(escalated).append(r.item.leader);
          batch_no.assign(std::to_string(r.item.batch)).append(1, '-').append(std::to_string(r.item.seq));
          const auto end = std::to_chars(id, id + sizeof id, r.c.id).ptr;
          t.add_cells({std::string_view(id, static_cast<std::size_t>(end - id)), batch_no, r.c.title, r.item.owner,
                       types.get(r.item.type, [&] { return tr(l, rect::label(rect::item_types(), r.item.type)); }),
                       states.get(st.state, [&] { return tr(l, wf->state_label(st.state)); }), due, status,
                       colour});
        }
        t.print(*cli.out);
        return 0;
      };
    });
  }

  // --- rectify export -------------------------------------------------------------------------
  {
    struct Args { std::int64_t batch = 0; bool all = false, csv = false; std::string output, xlsx; };
    auto a = std::make_shared<Args>();
    const Lang l = cli.lang;
    auto* exp = rectify->add_subcommand("export", tr(l, "导出整改台账（台账标准各列）：CSV（UTF-8 带 BOM）、XLSX 或 --json",
                                                     "export the ledger (rules.md §4.2 columns): CSV (UTF-8 with BOM), XLSX or --json"));
    auto* batch_opt = exp->add_option("--batch", a->batch, tr(l, "整改批次编号", "batch id"));
    exp->add_flag("--all", a->all, tr(l, "所有批次（XLSX：每批次一个工作表；CSV：加“批次”列）",
                                      "every batch (XLSX: one worksheet per batch; CSV: a batch column first)"))
        ->excludes(batch_opt);
    exp->add_flag("--csv", a->csv, tr(l, "CSV（RFC 4180，UTF-8 带 BOM，Excel 能正确显示中文）；不给 --xlsx 和 --json 时的默认格式",
                                      "CSV, RFC 4180, UTF-8 with BOM (Excel opens Chinese correctly); the default without --xlsx and --json"));
    exp->add_option("--output", a->output, tr(l, "CSV 写到文件而不是屏幕", "write the CSV to FILE instead of stdout"));
    exp->add_option("--xlsx", a->xlsx, tr(l, "写出 XLSX 工作簿", "write an XLSX workbook"));
    exp->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        if (!a->all && a->batch == 0)
          return cli.fail(Error::invalid({"请给出 --batch ID 或 --all", "give --batch ID or --all"}));
        std::vector<engine::RectifyBatch> batches;
        if (a->all) {
          auto all = cli.store->list_rectify_batches();
          if (!all) return cli.fail(all.error());
          batches = all.value();
        } else {
          auto b = cli.store->find_rectify_batch(a->batch);
          if (!b) return cli.fail(b.error());
          if (!b.value())
            return cli.fail(Error::not_found({"整改批次不存在：" + std::to_string(a->batch),
                                              "no rectification batch " + std::to_string(a->batch)}));
          batches.push_back(*b.value());
        }
        auto built = ledger_tables(*cli.engine, *cli.store, batches);
        if (!built) return cli.fail(built.error());
        const auto& tables = built.value();
        std::size_t total = 0;
        for (const auto& t : tables) total += t.size();
        if (!a->xlsx.empty()) {
          std::vector<sheet::SheetOut> sheets;
          for (std::size_t i = 0; i < batches.size(); ++i) {
            std::string name = "批次" + std::to_string(batches[i].id) + " " + short_form(batches[i].title, 8);
            for (char& c : name)
              if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = ' ';
            sheets.push_back({short_form(name, 28), ledger_columns(), {}, tables[i], {}});
          }
          if (sheets.empty()) sheets.push_back({"整改台账", ledger_columns(), {}, {}, {}});
          if (auto s = sheet::write_xlsx(a->xlsx, sheets); !s) return cli.fail(s.error());
        }
        const bool many = a->all;
        auto [header, flat] = flat_ledger(batches, tables, many);
        const std::string csv = sheet::to_csv(header, flat);
        if (!a->output.empty())
          if (auto s = write_private_file(a->output, csv); !s) return cli.fail(s.error());  // 0600
        if (cli.json) {
          Json j = {{"columns", header}, {"rows", flat}, {"count", flat.size()}};
          if (!many) j = {{"batch", batches[0].id}, {"columns", header}, {"rows", flat}};
          if (!a->output.empty()) j["file"] = a->output;
          if (!a->xlsx.empty()) j["xlsx"] = a->xlsx;
          cli.print_json(j);
          return 0;
        }
        if (!a->output.empty() || !a->xlsx.empty()) {
          *cli.out << tr(cli.lang, "已导出 ", "exported ") << total << tr(cli.lang, " 项到 ", " items to ")
                   << (a->output.empty() ? a->xlsx : a->output) << "\n";
          return 0;
        }
        *cli.out << csv;
        return 0;
      };
    });
  }
}

}  // namespace djflow::cli
