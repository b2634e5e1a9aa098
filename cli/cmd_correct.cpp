// Corrections without losing history (issue 9 §2): djflow correct, djflow void.
#include "cli/app.hpp"
#include "cli/people.hpp"
#include "cli/resolve.hpp"

namespace djflow::cli {

using engine::Error;

namespace {

Json deadlines_json(const std::vector<engine::Deadline>& ds) {
  Json arr = Json::array();
  for (const auto& d : ds) arr.push_back({{"kind", d.kind}, {"due", d.due.iso()}, {"milestone", d.milestone}});
  return arr;
}

void print_fix(const Cli& cli, const engine::StepOutcome& o, std::int64_t seq, bool voided) {
  const auto* wf = cli.workflows->find(o.c.workflow);
  const Lang l = cli.lang;
  auto& out = *cli.out;
  out << (voided ? tr(l, "已撤销 ", "voided ") : tr(l, "已更正 ", "corrected ")) << "#" << o.c.id << " "
      << o.c.title << tr(l, " 第 ", ": event ") << seq << tr(l, " 步", "") << " → "
      << (wf ? tr(l, wf->state_label(o.c.state)) : o.c.state) << "\n";
  for (const auto& d : o.closed)
    out << "  " << tr(l, "撤销期限：", "deadline withdrawn: ") << (wf ? tr(l, wf->deadline_label(d.kind)) : d.kind) << " "
        << d.due.iso() << "\n";
  for (const auto& d : o.opened)
    out << "  " << tr(l, "新期限：", "new deadline: ") << (wf ? tr(l, wf->deadline_label(d.kind)) : d.kind) << " "
        << d.due.iso() << "\n";
}

}  // namespace

void register_correct_commands(CLI::App& app, Cli& cli) {
  const Lang l = cli.lang;
  struct Args {
    std::string which, date, reason;
    std::int64_t seq = 0;
    std::vector<std::string> with;
  };
  for (const bool voiding : {false, true}) {
    auto a = std::make_shared<Args>();
    auto* cmd = voiding
                    ? app.add_subcommand("void", tr(l, "撤销误记的一步（保留原记录，其余步骤重新推算）",
                                                    "void a step recorded by mistake (kept in the history; the rest is replayed)"))
                    : app.add_subcommand("correct", tr(l, "更正一步的日期或内容（保留原记录，重新推算状态、期限和提醒）",
                                                       "correct a step's date or inputs (kept in the history; state, deadlines and reminders are replayed)"));
    cmd->add_option("case", a->which, tr(l, "事项编号或对象姓名", "case id or the subject's name"))->required();
    cmd->add_option("seq", a->seq, tr(l, "步骤序号（djflow history 中的 #）", "the step's number (# in djflow history)"))->required();
    if (!voiding) {
      cmd->add_option("--date", a->date, tr(l, "正确的日期 YYYY-MM-DD", "the right date YYYY-MM-DD"));
      cmd->add_option("--with", a->with, tr(l, "正确的输入 KEY=VALUE（可重复；VALUE 为空则删除）",
                                            "the right inputs KEY=VALUE (repeatable; an empty VALUE removes it)"));
    }
    cmd->add_option("--reason", a->reason, tr(l, "理由（必填）", "why (required)"))->required();
    cmd->callback([&cli, a, voiding] {
      cli.action = [&cli, a, voiding]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto id = resolve_case(cli, a->which);
        if (!id) return cli.fail(id.error());
        engine::Correction fix;
        fix.seq = a->seq;
        fix.void_event = voiding;
        fix.reason = a->reason;
        fix.actor = cli.actor;
        if (!a->date.empty()) {
          auto d = cli.date_arg(a->date, "--date");
          if (!d) return cli.fail(d.error());
          fix.date = d.value();
        }
        auto with = cli.with_args(a->with);
        if (!with) return cli.fail(with.error());
        fix.with = with.value();
        if (auto s = resolve_person_inputs(cli, id.value(), fix.with); !s) return cli.fail(s.error());
        auto o = cli.engine->correct(id.value(), fix);
        if (!o) return cli.fail(o.error());
        if (cli.json) {
          cli.print_json({{"id", o->c.id},
                          {"state", o->c.state},
                          {"seq", o->event.seq},
                          {voiding ? "voids" : "corrects", a->seq},
                          {"reason", a->reason},
                          {"deadlines_opened", deadlines_json(o->opened)},
                          {"deadlines_closed", deadlines_json(o->closed)}});
        } else {
          print_fix(cli, o.value(), a->seq, voiding);
        }
        return 0;
      };
    });
  }
}

}  // namespace djflow::cli
