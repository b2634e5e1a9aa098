// Case commands: member apply, record, show, list, history.
#include <algorithm>
#include <map>

#include "cli/app.hpp"
#include "cli/case_json.hpp"
#include "cli/input_labels.hpp"
#include "cli/json_text.hpp"
#include "cli/org_status.hpp"
#include "cli/resolve.hpp"
#include "workflows/rectify/rectify_rules.hpp"

namespace djflow::cli {

using engine::Error;

namespace {

std::string flags_text(Lang lang, const engine::EventRecord& e, const engine::Workflow* wf) {
  std::string out;
  for (const auto& f : e.flags) {
    if (!out.empty()) out += ", ";
    if (f.rfind("late:", 0) == 0) {
      const std::string kind = f.substr(5);
      out += tr(lang, "逾期：", "late: ") + (wf ? tr(lang, wf->deadline_label(kind)) : kind);
    } else {
      out += wf ? tr(lang, wf->flag_label(f)) : f;
    }
  }
  return out;
}

bool is_late(const engine::EventRecord& e) {
  return std::any_of(e.flags.begin(), e.flags.end(), [](const std::string& f) { return f.rfind("late:", 0) == 0; });
}

// Issue 9 §2: which later events correct or void each event (seq -> correction seqs).
struct Fixes {
  std::map<std::int64_t, std::vector<std::int64_t>> corrected_by;
  std::map<std::int64_t, std::int64_t> voided_by;
};

Fixes fixes_of(const std::vector<engine::EventRecord>& events) {
  Fixes f;
  for (const auto& e : events) {
    if (e.event == engine::kEventCorrect) f.corrected_by[engine::corrected_seq(e)].push_back(e.seq);
    if (e.event == engine::kEventVoid) f.voided_by[engine::corrected_seq(e)] = e.seq;
  }
  return f;
}

Json event_json(const engine::EventRecord& e, const Fixes& fixes = {}) {
  Json inputs = Json::object();
  for (const auto& [k, v] : e.inputs) inputs[k] = v;
  return {{"seq", e.seq},
          {"event", e.event},
          {"date", e.date.iso()},
          {"recorded_at", engine::format_utc(e.recorded_at)},
          {"actor", e.actor},
          {"inputs", inputs},
          {"note", e.note},
          {"ref", e.ref},
          {"rule_version", e.rule_version},
          {"from", e.from_state},
          {"to", e.to_state},
          {"late", is_late(e)},
          {"flags", e.flags},
          {"corrected_by", fixes.corrected_by.count(e.seq) ? Json(fixes.corrected_by.at(e.seq)) : Json::array()},
          {"voided_by", fixes.voided_by.count(e.seq) ? Json(fixes.voided_by.at(e.seq)) : Json(nullptr)},
          {"hash", e.hash}};
}

// The step column of a correction or void: "更正第 3 步" / "correction of #3".
std::string step_text(Lang lang, const engine::EventRecord& e, const engine::Workflow* wf) {
  const std::string n = std::to_string(engine::corrected_seq(e));
  if (e.event == engine::kEventCorrect) return tr(lang, engine::Text{"更正第 " + n + " 步", "correction of #" + n});
  if (e.event == engine::kEventVoid) return tr(lang, engine::Text{"撤销第 " + n + " 步", "void of #" + n});
  return wf ? tr(lang, wf->event_label(e.event)) : e.event;
}

void print_history(const Cli& cli, const engine::Workflow* wf, const std::vector<engine::EventRecord>& events) {
  const Fixes fixes = fixes_of(events);
  Table t({"#", tr(cli.lang, "步骤", "step"), tr(cli.lang, "日期", "date"), tr(cli.lang, "状态", "state"),
           tr(cli.lang, "规则", "rules"), tr(cli.lang, "记录人", "actor"), tr(cli.lang, "标记", "flags"),
           tr(cli.lang, "备注", "note")});
  for (const auto& e : events) {
    const bool fix = engine::is_correction(e);
    std::string detail = fix ? tr(cli.lang, "理由：", "reason: ") + e.note : step_detail_text(cli, e);
    if (fix) {
      for (const auto& [k, v] : e.inputs) {
        if (k == "corrects" || k == "voids") continue;
        const std::string key = k.rfind("with:", 0) == 0 ? k.substr(5) : k;
        detail += (detail.empty() ? "" : "；") + key + "=" + v;
      }
      if (!e.ref.empty()) detail += (detail.empty() ? "" : "；") + tr(cli.lang, "材料编号 ", "ref ") + e.ref;
    }
    std::string flags = flags_text(cli.lang, e, wf);
    auto mark = [&](const std::string& m) { flags = m + (flags.empty() ? "" : ", " + flags); };
    if (auto it = fixes.corrected_by.find(e.seq); it != fixes.corrected_by.end()) {
      std::string by;
      for (auto s : it->second) by += (by.empty() ? "#" : ", #") + std::to_string(s);
      mark(tr(cli.lang, engine::Text{"已更正（见 " + by + "）", "corrected (see " + by + ")"}));
    }
    if (auto it = fixes.voided_by.find(e.seq); it != fixes.voided_by.end())
      mark(tr(cli.lang, engine::Text{"已撤销（见 #" + std::to_string(it->second) + "）", "voided (see #" + std::to_string(it->second) + ")"}));
    t.add({std::to_string(e.seq), step_text(cli.lang, e, wf), e.date.iso(),
           wf ? tr(cli.lang, wf->state_label(e.to_state)) : e.to_state, e.rule_version, e.actor, flags, detail});
  }
  t.print(*cli.out, "  ");
}

// Flags other than late:<kind> and closed-on-time (a fact shown by show and the ledger, nothing
// to act on) call for attention (calendar-unknown, small-branch, ...): one warning line each on
// stderr (text output; --json carries them in event.flags).
void warn_flags(const Cli& cli, const engine::EventRecord& e, const engine::Workflow* wf) {
  for (const auto& f : e.flags) {
    if (f.rfind("late:", 0) == 0 || f == "closed-on-time") continue;
    *cli.err << tr(cli.lang, "警告：", "warning: ") << "#" << e.case_id << " "
             << (wf ? tr(cli.lang, wf->event_label(e.event)) : e.event) << " " << e.date.iso() << ": "
             << (wf ? tr(cli.lang, wf->flag_label(f)) : f) << " [" << f << "]\n";
  }
}

Json outcome_json(const Cli& cli, const engine::StepOutcome& o) {
  const auto* wf = cli.workflows->find(o.c.workflow);
  Json opened = Json::array();
  for (const auto& d : o.opened)
    opened.push_back({{"kind", d.kind}, {"due", d.due.iso()}, {"milestone", d.milestone}});
  Json closed = Json::array();
  for (const auto& d : o.closed) closed.push_back({{"kind", d.kind}, {"due", d.due.iso()}});
  Json follow_ups = Json::array();
  for (const auto& f : o.follow_ups) follow_ups.push_back(outcome_json(cli, f));
  return {{"id", o.c.id},
          {"workflow", o.c.workflow},
          {"state", o.c.state},
          {"stage", wf ? wf->stage(o.c.state) : ""},
          {"event", event_json(o.event)},
          {"late", is_late(o.event)},
          {"deadlines_opened", opened},
          {"deadlines_closed", closed},
          {"follow_ups", follow_ups}};
}

void print_outcome(const Cli& cli, const engine::StepOutcome& o, const std::string& indent = "") {
  const auto* wf = cli.workflows->find(o.c.workflow);
  auto& out = *cli.out;
  const Lang l = cli.lang;
  out << indent << tr(l, "已记录 ", "recorded ") << "#" << o.c.id << " " << o.c.title << ": "
      << (wf ? tr(l, wf->event_label(o.event.event)) : o.event.event) << " " << o.event.date.iso() << " → "
      << (wf ? tr(l, wf->state_label(o.c.state)) : o.c.state);
  if (is_late(o.event)) out << "  [" << flags_text(l, o.event, wf) << "]";
  out << "\n";
  warn_flags(cli, o.event, wf);
  for (const auto& d : o.opened) {
    out << indent << "  " << tr(l, "新期限：", "new deadline: ") << (wf ? tr(l, wf->deadline_label(d.kind)) : d.kind) << " "
        << d.due.iso() << "\n";
  }
  // Steps on other cases this one entailed (an approved election renews the term).
  for (const auto& f : o.follow_ups) print_outcome(cli, f, indent + "  ");
}

// The membership status of a case's subject (nullopt when the case has no person subject).
std::optional<engine::MemberStatus> subject_status(const Cli& cli, engine::CaseId id) {
  auto c = cli.store->find_case(id);
  if (!c || !c.value() || !c.value()->person) return std::nullopt;
  auto p = cli.store->find_person(*c.value()->person);
  if (!p || !p.value()) return std::nullopt;
  return p.value()->status;
}

// As of `today`: a rectification item past its deadline is overdue before the tick records it,
// by the rule `rectify list` answers from (rectify::state_as_of); other cases as recorded.
std::string state_as_of(const engine::CaseView& view, engine::Date today) {
  if (view.c.workflow != "rectify") return view.c.state;
  std::optional<engine::Date> due;
  for (const auto& d : view.deadlines)
    if (d.kind == "deadline") due = d.due;
  return workflows::rectify::state_as_of(view.c.state, due, today);
}

}  // namespace

// The JSON of `show` (and of the web API's case): state as of `today`, deadlines, history with
// corrections marked, allowed steps.
Json case_view_json(const engine::CaseView& view, engine::Date today, Lang l) {
  const auto* wf = view.workflow;
  const std::string state_now = state_as_of(view, today);
  Json deadlines = Json::array();
  for (const auto& d : view.deadlines) {
    const int left = today.days_until(d.due);
    deadlines.push_back({{"kind", d.kind},
                         {"label", tr(l, wf->deadline_label(d.kind))},
                         {"due", d.due.iso()},
                         {"days_left", left},
                         {"overdue", left < 0 && !d.milestone},
                         {"milestone", d.milestone}});
  }
  Json history = Json::array();
  const Fixes fixes = fixes_of(view.history);
  for (const auto& e : view.history) history.push_back(event_json(e, fixes));
  Json j = {{"id", view.c.id},
            {"workflow", view.c.workflow},
            {"subject", view.c.title},
            {"person", view.c.person ? Json(*view.c.person) : Json(nullptr)},
            {"branch", view.c.branch},
            {"state", view.c.state},
            {"state_label", tr(l, wf->state_label(view.c.state))},
            {"state_as_of", state_now},
            {"as_of", today.iso()},
            {"stage", wf->stage(view.c.state)},
            {"stage_label", tr(l, wf->stage_label(wf->stage(view.c.state)))},
            {"version", view.c.version},
            {"deadlines", deadlines},
            {"history", history},
            {"allowed", view.allowed}};
  return j;
}

// case_view_json(...).dump() of json_answer, written straight (cli/json_text.hpp): the same
// members in the same order, with CaseJsonExtras' members where the web adds them.
std::string case_view_json_text(const engine::CaseView& view, engine::Date today, Lang l, const CaseJsonExtras& x) {
  const auto* wf = view.workflow;
  JsonText j(1024 + 640 * view.history.size());
  j.begin_object();
  j.member("id", view.c.id).member("workflow", view.c.workflow).member("subject", view.c.title);
  j.key("person");
  if (view.c.person) j.value(*view.c.person);
  else j.null();
  const std::string stage = wf->stage(view.c.state);
  j.member("branch", view.c.branch)
      .member("state", view.c.state)
      .member("state_label", tr(l, wf->state_label(view.c.state)))
      .member("state_as_of", state_as_of(view, today))
      .member("as_of", today.iso())
      .member("stage", stage)
      .member("stage_label", tr(l, wf->stage_label(stage)))
      .member("version", view.c.version);
  j.key("deadlines").begin_array();
  for (const auto& d : view.deadlines) {
    const int left = today.days_until(d.due);
    j.begin_object()
        .member("kind", d.kind)
        .member("label", tr(l, wf->deadline_label(d.kind)))
        .member("due", d.due.iso())
        .member("days_left", left)
        .member("overdue", left < 0 && !d.milestone)
        .member("milestone", d.milestone)
        .end_object();
  }
  j.end_array();
  j.key("history").begin_array();
  const Fixes fixes = fixes_of(view.history);
  for (const auto& e : view.history) {
    j.begin_object().member("seq", e.seq).member("event", e.event).member("date", e.date.iso());
    j.member("recorded_at", engine::format_utc(e.recorded_at)).member("actor", e.actor);
    j.key("inputs").begin_object();
    for (const auto& [k, v] : e.inputs) j.member(k, v);
    j.end_object();
    j.member("note", e.note).member("ref", e.ref).member("rule_version", e.rule_version);
    j.member("from", e.from_state).member("to", e.to_state).member("late", is_late(e));
    j.key("flags").begin_array();
    for (const auto& f : e.flags) j.value(f);
    j.end_array();
    j.key("corrected_by").begin_array();
    if (auto it = fixes.corrected_by.find(e.seq); it != fixes.corrected_by.end())
      for (auto s : it->second) j.value(s);
    j.end_array();
    j.key("voided_by");
    if (auto it = fixes.voided_by.find(e.seq); it != fixes.voided_by.end()) j.value(it->second);
    else j.null();
    j.member("hash", e.hash);
    if (x.page) j.member("event_label", tr(l, wf->event_label(e.event)));
    j.end_object();
  }
  j.end_array();
  j.key("allowed").begin_array();
  for (const auto& a : view.allowed) j.value(a);
  j.end_array();
  if (x.page) {
    j.key("allowed_steps").begin_array();
    for (const auto& e : view.allowed)
      j.begin_object().member("event", e).member("label", tr(l, wf->event_label(e))).end_object();
    j.end_array();
    j.member("workflow_label", tr(l, wf->title()));
  }
  if (x.recorded) {
    j.key("recorded").begin_object().member("seq", x.recorded->seq).member("event", x.recorded->event).end_object();
  }
  j.end_object();
  return j.take();
}

namespace {

struct StepArgs {
  std::string which;  // a case or person id, or a name (issue 9 §3)
  std::int64_t id = 0;
  std::string event, date, note, ref;
  std::vector<std::string> with;
};

}  // namespace

// Each top-level command of this file registers alone, so that a run builds only the options of
// the command it runs (issue 7 §6; all of them for help: cli/app.cpp kGroups).
void register_member_commands(CLI::App& app, Cli& cli) {
  // --- member apply -------------------------------------------------------------------------
  {
    auto* member = app.add_subcommand("member", tr(cli.lang, "发展党员", "member development (发展党员)"));
    member->require_subcommand(1);
    auto a = std::make_shared<StepArgs>();
    auto* apply = member->add_subcommand("apply", tr(cli.lang, "开始发展党员流程：登记递交入党申请书", "start a development case: the application (递交入党申请书)"));
    apply->add_option("person", a->which, tr(cli.lang, "人员编号或姓名（见 djflow person add）", "person id or name (djflow person add)"))->required();
    apply->add_option("--date", a->date, tr(cli.lang, "收到入党申请书的日期（默认今天）", "date the application was received (default today)"));
    apply->add_option("--note", a->note, tr(cli.lang, "备注", "note"));
    apply->add_option("--ref", a->ref, tr(cli.lang, "材料编号（文号、记录编号）", "record reference"));
    apply->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto who = resolve_person(cli, a->which);
        if (!who) return cli.fail(who.error());
        a->id = who.value();
        auto date = cli.date_arg(a->date, "--date");
        if (!date) return cli.fail(date.error());
        engine::CaseSubject subject;
        subject.person = a->id;
        engine::StepInput in{"apply", date.value(), {}, a->note, a->ref, cli.actor};
        auto o = cli.engine->start("member", subject, in);
        if (!o) return cli.fail(o.error());
        if (cli.json) cli.print_json(outcome_json(cli, o.value()));
        else {
          *cli.out << o->c.id << "\n";
          print_outcome(cli, o.value());
        }
        return 0;
      };
    });
  }

}

void register_record_commands(CLI::App& app, Cli& cli) {
  // --- record -------------------------------------------------------------------------------
  {
    auto a = std::make_shared<StepArgs>();
    auto* rec = app.add_subcommand("record", tr(cli.lang, "为一件事项记录一个步骤（可办理的步骤见 djflow show 事项编号）", "record a step on a case (events: djflow show CASE)"));
    rec->add_option("case", a->which, tr(cli.lang, "事项编号或对象姓名", "case id or the subject's name"))->required();
    rec->add_option("event", a->event, tr(cli.lang, "步骤名称，中文或英文标识均可，如 谈话 / talk", "event id or its Chinese name, e.g. talk / 谈话"))->required();
    rec->add_option("--date", a->date, tr(cli.lang, "步骤实际发生的日期（默认今天）", "the business date it happened (default today)"));
    rec->add_option("--with", a->with, tr(cli.lang, "步骤所需信息 键=值（可多次给出）", "inputs KEY=VALUE (repeatable)"));
    rec->add_option("--note", a->note, tr(cli.lang, "备注", "note"));
    rec->add_option("--ref", a->ref, tr(cli.lang, "材料编号：会议记录、审批文件等", "record reference: minutes, approval document, ..."));
    rec->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto which = resolve_case(cli, a->which);
        if (!which) return cli.fail(which.error());
        a->id = which.value();
        auto date = cli.date_arg(a->date, "--date");
        if (!date) return cli.fail(date.error());
        auto with = cli.with_args(a->with);
        if (!with) return cli.fail(with.error());
        if (auto s = resolve_person_inputs(cli, a->id, with.value()); !s) return cli.fail(s.error());
        engine::StepInput in{a->event, date.value(), with.value(), a->note, a->ref, cli.actor};
        auto before = subject_status(cli, a->id);
        auto o = cli.engine->record(a->id, in);
        if (!o) return cli.fail(o.error());
        if (cli.json) cli.print_json(outcome_json(cli, o.value()));
        else print_outcome(cli, o.value());
        // A person became (or stopped being) a full member: the branch may cross E1-E4 thresholds.
        if (before && subject_status(cli, a->id) != before) warn_size_alerts(cli, o->c.branch);
        return 0;
      };
    });
  }

}

void register_show_commands(CLI::App& app, Cli& cli) {
  // --- show ---------------------------------------------------------------------------------
  {
    auto which = std::make_shared<std::string>();
    auto* show = app.add_subcommand("show", tr(cli.lang, "查看一件事项：当前状态、所处阶段、未到期限、办理记录、可办理的步骤", "a case: state, stage, open deadlines, history, allowed steps"));
    show->add_option("case", *which, tr(cli.lang, "事项编号或对象姓名", "case id or the subject's name"))->required();
    show->callback([&cli, which] {
      cli.action = [&cli, which]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto id = resolve_case(cli, *which);
        if (!id) return cli.fail(id.error());
        auto v = cli.engine->show(id.value());
        if (!v) return cli.fail(v.error());
        const auto& view = v.value();
        const auto* wf = view.workflow;
        const auto today = cli.engine->today();
        const Lang l = cli.lang;
        const std::string state_now = state_as_of(view, today);
        if (cli.json) {
          cli.print_json(case_view_json(view, today, l));
          return 0;
        }
        auto& o = *cli.out;
        o << tr(l, "事项 #", "case #") << view.c.id << "  " << tr(l, wf->title()) << "  " << view.c.title << " ("
          << view.c.branch << ")\n";
        // Under Chinese the state by its name only; the id is in --json (state, state_as_of).
        o << tr(l, "状态：", "state: ") << tr(l, wf->state_label(state_now)) << (l == Lang::Zh ? "" : " [" + state_now + "]") << "  "
          << tr(l, "阶段：", "stage: ") << tr(l, wf->stage_label(wf->stage(view.c.state))) << "\n";
        if (state_now != view.c.state)
          o << "  " << tr(l, engine::Text{"（截至 " + today.iso() + " 已过整改时限；逾期由定时检查记录，当前记录状态：",
                                          "(as of " + today.iso() + " past the deadline; the tick records it; recorded state: "})
            << tr(l, wf->state_label(view.c.state)) << tr(l, "）", ")") << "\n";
        o << "\n" << tr(l, "待办期限：", "open deadlines:") << "\n";
        if (view.deadlines.empty()) o << "  " << tr(l, "（无）", "(none)") << "\n";
        else {
          Table t({tr(l, "事项", "deadline"), tr(l, "到期日", "due"), tr(l, "情况", "status")});
          for (const auto& d : view.deadlines)
            t.add({tr(l, wf->deadline_label(d.kind)), d.due.iso(), days_left_text(l, today.days_until(d.due), d.milestone)});
          t.print(o, "  ");
        }
        o << "\n" << tr(l, "办理记录：", "history:") << "\n";
        print_history(cli, wf, view.history);
        o << "\n" << tr(l, "当前可办理：", "allowed now: ");
        if (view.allowed.empty())
          o << (wf->closed(view.c.state) ? tr(l, "（无，事项已结束）", "(none: the case is closed)") : tr(l, "（无）", "(none)"));
        // Under Chinese the steps by the names `record` accepts (提出转正申请); ids in --json.
        for (std::size_t i = 0; i < view.allowed.size(); ++i) {
          if (l == Lang::Zh) o << (i ? "、" : "") << tr(l, wf->event_label(view.allowed[i]));
          else o << (i ? ", " : "") << view.allowed[i] << " (" << tr(l, wf->event_label(view.allowed[i])) << ")";
        }
        o << "\n";
        return 0;
      };
    });
  }

}

void register_history_commands(CLI::App& app, Cli& cli) {
  // --- history ------------------------------------------------------------------------------
  {
    auto which = std::make_shared<std::string>();
    auto* hist = app.add_subcommand("history", tr(cli.lang, "一件事项的完整办理记录（带防篡改校验）", "the full, hash-chained history of a case"));
    hist->add_option("case", *which, tr(cli.lang, "事项编号或对象姓名", "case id or the subject's name"))->required();
    hist->callback([&cli, which] {
      cli.action = [&cli, which]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto resolved = resolve_case(cli, *which);
        if (!resolved) return cli.fail(resolved.error());
        const auto id = std::make_shared<std::int64_t>(resolved.value());
        auto c = cli.store->find_case(*id);
        if (!c) return cli.fail(c.error());
        if (!c.value()) return cli.fail(Error::not_found({"事项不存在：#" + std::to_string(*id), "no case #" + std::to_string(*id)}));
        auto events = cli.store->events(*id);
        if (!events) return cli.fail(events.error());
        if (cli.json) {
          Json arr = Json::array();
          const Fixes fixes = fixes_of(events.value());
          for (const auto& e : events.value()) arr.push_back(event_json(e, fixes));
          cli.print_json(arr);
          return 0;
        }
        const auto* wf = cli.workflows->find(c.value()->workflow);
        print_history(cli, wf, events.value());
        for (const auto& e : events.value())
          *cli.out << "  #" << e.seq << " " << tr(cli.lang, "记录于 ", "recorded ") << cli.engine->zone().local_datetime(e.recorded_at)
                   << "  sha256 " << e.hash.substr(0, 16) << "…\n";
        return 0;
      };
    });
  }

}

void register_list_commands(CLI::App& app, Cli& cli) {
  // --- list ---------------------------------------------------------------------------------
  {
    struct ListArgs { std::string workflow, stage, branch; };
    auto a = std::make_shared<ListArgs>();
    auto* list = app.add_subcommand("list", tr(cli.lang, "列出事项", "list cases"));
    list->add_option("--workflow", a->workflow, tr(cli.lang, "流程类别，如 member（发展党员）、election（换届选举）、rectify（整改）", "e.g. member"));
    list->add_option("--stage", a->stage, tr(cli.lang, "所处阶段，发展党员流程可选 applicant（入党申请人）、activist（入党积极分子）、candidate（发展对象）、probationary（预备党员）、full（正式党员）、closed（已结束）", "member: applicant, activist, candidate, probationary, full, closed"));
    list->add_option("--branch", a->branch, tr(cli.lang, "党组织代码", "organisation code"));
    list->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        engine::CaseFilter f;
        if (!a->workflow.empty()) {
          std::vector<Choice> names;
          for (const auto* wf : cli.workflows->all()) names.push_back({std::string(wf->name()), wf->title()});
          auto name = match_choice(a->workflow, names, "--workflow");
          if (!name) return cli.fail(name.error());
          f.workflow = name.value();
        }
        if (!a->branch.empty()) {
          if (auto s = check_branch_code(cli, a->branch, "--branch"); !s) return cli.fail(s.error());
          f.branch = a->branch;
        }
        if (!a->stage.empty()) {
          // A stage by its id or its label (`--stage 积极分子`), of the chosen workflow or any.
          std::vector<Choice> stages;
          for (const auto* wf : cli.workflows->all()) {
            if (f.workflow && wf->name() != *f.workflow) continue;
            for (const auto& s : wf->states()) {
              const std::string st = wf->stage(s);
              if (std::none_of(stages.begin(), stages.end(), [&](const Choice& c) { return c.value == st; }))
                stages.push_back({st, wf->stage_label(st)});
            }
          }
          auto stage = match_choice(a->stage, stages, "--stage");
          if (!stage) return cli.fail(stage.error());
          std::vector<std::string> states;
          for (const auto* wf : cli.workflows->all()) {
            if (f.workflow && wf->name() != *f.workflow) continue;
            for (const auto& s : wf->states())
              if (wf->stage(s) == stage.value()) states.push_back(s);
          }
          f.states = states;
        }
        auto rows = cli.store->list_cases(f);
        if (!rows) return cli.fail(rows.error());
        const Lang l = cli.lang;
        if (cli.json) {
          Json arr = Json::array();
          for (const auto& c : rows.value()) {
            const auto* wf = cli.workflows->find(c.workflow);
            arr.push_back({{"id", c.id}, {"workflow", c.workflow}, {"subject", c.title}, {"branch", c.branch},
                           {"state", c.state}, {"stage", wf ? wf->stage(c.state) : ""}});
          }
          cli.print_json(arr);
          return 0;
        }
        Table t({"#", tr(l, "流程", "workflow"), tr(l, "对象", "subject"), tr(l, "组织", "branch"),
                 tr(l, "阶段", "stage"), tr(l, "状态", "state")});
        for (const auto& c : rows.value()) {
          const auto* wf = cli.workflows->find(c.workflow);
          t.add({std::to_string(c.id), wf ? tr(l, wf->title()) : c.workflow, c.title, c.branch,
                 wf ? tr(l, wf->stage_label(wf->stage(c.state))) : "", wf ? tr(l, wf->state_label(c.state)) : c.state});
        }
        t.print(*cli.out);
        return 0;
      };
    });
  }
}

}  // namespace djflow::cli
