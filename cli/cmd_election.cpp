// Organisation terms and elections (换届选举): branch term, branch show, election start,
// election list, check. Steps of an election go through `djflow record CASE EVENT --with k=v`.
#include <algorithm>

#include "cli/app.hpp"
#include "cli/election_start.hpp"
#include "cli/org_status.hpp"
#include "cli/step_checks.hpp"
#include "workflows/election/election_rules.hpp"
#include "storage/sqlite_report.hpp"
#include "workflows/report/year_report.hpp"

namespace djflow::cli {

using engine::Error;
namespace el = workflows::election;

namespace {

std::string kind_text(Lang lang, const std::string& kind) {
  if (kind == "branch") return tr(lang, "党支部", "branch");
  if (kind == "general") return tr(lang, "党总支", "general branch");
  if (kind == "committee") return tr(lang, "基层党委", "committee");
  return kind;
}

std::string locality_text(Lang lang, const std::string& l) {
  if (l == "village") return tr(lang, "村", "village");
  if (l == "community") return tr(lang, "社区", "community");
  return "";
}

std::string yes_no(Lang lang, bool v) { return v ? tr(lang, "是", "yes") : tr(lang, "否", "no"); }

std::string election_text(const Cli& cli, const OrgStatus& s) {
  if (!s.election) return tr(cli.lang, "未启动", "not started");
  const auto* wf = cli.workflows->find("election");
  return "#" + std::to_string(s.election->id) + " " +
         (wf ? tr(cli.lang, wf->state_label(s.election->state)) : s.election->state);
}

std::string days_text(const Cli& cli, const OrgStatus& s) {
  if (!s.term_end) return "";
  return days_left_text(cli.lang, cli.engine->today().days_until(*s.term_end), false);
}

// The latest term case of an organisation (open or closed), for defaults a new term inherits.
engine::Result<std::optional<el::TermFacts>> latest_term(engine::Store& store, const std::string& code) {
  engine::CaseFilter f;
  f.workflow = "term";
  f.branch = code;
  auto cases = store.list_cases(f);
  DJFLOW_TRY(cases);
  if (cases.value().empty()) return std::optional<el::TermFacts>{};
  const auto& last = *std::max_element(cases.value().begin(), cases.value().end(),
                                       [](const engine::Case& a, const engine::Case& b) { return a.id < b.id; });
  auto history = store.events(last.id);
  DJFLOW_TRY(history);
  return std::optional<el::TermFacts>{el::derive_term_facts(history.value())};
}

// One open case of `workflow` per organisation (one term in progress, one election), checked
// again inside the transaction that opens the new case, after its insert: the check before it
// reads outside that transaction, and two commands may both pass it. On PostgreSQL the insert
// took the entity-history lock (insert_case writes a tracked row; decision 0120), held to the
// commit, so a concurrent opening commits first and is seen here (READ COMMITTED reads anew);
// on SQLite the writer lock does the same. The refusal rolls the new case back.
engine::Engine::AlsoWrite one_open_per_org(const engine::WorkflowRegistry& workflows, const std::string& workflow,
                                           engine::Text what) {
  return [&workflows, workflow, what](engine::Store& store, const engine::StepOutcome& o) -> engine::Status {
    const engine::Workflow* wf = workflows.find(workflow);
    engine::CaseFilter f;
    f.workflow = workflow;
    f.branch = o.c.branch;
    auto cases = store.list_cases(f);
    DJFLOW_TRY(cases);
    for (const auto& c : cases.value()) {
      if (c.id == o.c.id || (wf != nullptr && wf->closed(c.state))) continue;
      return Error::refused({o.c.branch + "已有进行中的" + what.zh + "（事项 #" + std::to_string(c.id) + "）",
                             o.c.branch + " already has " + what.en + " in progress (case #" + std::to_string(c.id) + ")"});
    }
    return {};
  };
}

}  // namespace

engine::Result<engine::StepOutcome> start_election(engine::Engine& engine, engine::Store& store, const std::string& actor,
                                                   const NewElection& a, OrgStatus& org) {
  auto orgs = org_statuses(store, engine.workflows(), a.code);
  DJFLOW_TRY(orgs);
  org = orgs.value().front();
  if (!org.term) {
    return Error::not_found(
        {a.code + "尚未登记任期：先用 djflow branch term " + a.code + " --start 日期 登记本届任期",
         a.code + " has no term recorded: record the current term first with djflow branch term " + a.code +
             " --start DATE"});
  }
  if (org.election) {
    return Error::refused({a.code + "已有进行中的换届选举事项 #" + std::to_string(org.election->id),
                           a.code + " already has an open election case #" + std::to_string(org.election->id)});
  }
  const auto& t = org.term_facts;
  const int years = a.years ? a.years : el::default_term_years(org.branch.kind, t.locality);
  engine::StepInput in{"start", a.date,
                       {{"term-case", std::to_string(org.term->id)},
                        {"term-start", t.start.iso()},
                        {"term-end", t.original_end.iso()},
                        {"due", org.term_end.value_or(t.end()).iso()},
                        {"years", std::to_string(years)}},
                       a.note, a.ref, actor};
  if (!t.locality.empty()) in.with["locality"] = t.locality;
  if (!a.committee.empty()) in.with["committee"] = a.committee;
  engine::CaseSubject subject;
  subject.branch = a.code;
  subject.title = org.branch.name + " " + t.start.iso() + "—" + t.original_end.iso();
  return engine.start("election", subject, in,
                      one_open_per_org(engine.workflows(), "election", {"换届选举事项", "an election case"}));
}

void register_election_commands(CLI::App& app, Cli& cli) {
  CLI::App* branch = app.get_subcommand("branch");

  // --- branch term --------------------------------------------------------------------------
  {
    struct Args {
      std::string code, start, date, committee, locality, note, ref;
      int years = 0;
      bool village = false, community = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = branch->add_subcommand("term", tr(cli.lang, "登记党组织的本届任期，任期届满前自动提醒换届", "record an organisation's current term (任期); its end gets reminders"));
    cmd->add_option("code", a->code, tr(cli.lang, "党组织代码", "organisation code"))->required();
    cmd->add_option("--start", a->start, tr(cli.lang, "任期开始日（即选举日），格式 YYYY-MM-DD", "first day of the term (the election day) YYYY-MM-DD"))->required();
    cmd->add_option("--years", a->years, tr(cli.lang, "任期年数（默认按类别：基层党委 5 年，党总支、党支部 3 年；村、社区 5 年）", "term length (default by kind: committee 5, general/branch 3; village and community 5)"))
        ->check(CLI::Range(1, 10));
    cmd->add_option("--committee", a->committee, tr(cli.lang, "是否设支部委员会：yes（是）或 no（否）（默认：正式党员 7 人以上为是）", "yes | no: whether it has a committee (default: yes with 7 or more full members)"))
        ->check(CLI::IsMember({"yes", "no"}));
    auto* v = cmd->add_flag("--village", a->village, tr(cli.lang, "村党组织：任期 5 年", "a village (村) organisation: 5-year terms (E7)"));
    auto* c = cmd->add_flag("--community", a->community, tr(cli.lang, "社区党组织：任期 5 年", "a community (社区) organisation: 5-year terms (E7)"));
    auto* l = cmd->add_option("--locality", a->locality, tr(cli.lang, "所在地类别：village（村）、community（社区）或 none（其他）（默认同上届）", "village | community | none (default: as the previous term)"))
                  ->check(CLI::IsMember({"village", "community", "none"}));
    v->excludes(c);
    v->excludes(l);
    c->excludes(l);
    cmd->add_option("--date", a->date, tr(cli.lang, "登记日期（默认今天）", "date of recording (default today)"));
    cmd->add_option("--note", a->note, tr(cli.lang, "备注", "note"));
    cmd->add_option("--ref", a->ref, tr(cli.lang, "材料编号（选举结果批复等）", "record reference (the election's approval, ...)"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto start = cli.date_arg(a->start, "--start");
        if (!start) return cli.fail(start.error());
        auto date = cli.date_arg(a->date, "--date");
        if (!date) return cli.fail(date.error());
        auto orgs = org_statuses(cli, a->code);
        if (!orgs) return cli.fail(orgs.error());
        const OrgStatus& org = orgs.value().front();
        if (org.term) {
          return cli.fail(Error::refused(
              {a->code + "已有进行中的任期（事项 #" + std::to_string(org.term->id) + "，" + org.term_facts.start.iso() +
                   "起）；新一届任期由换届选举批准后自动开始，录入有误可先 djflow record " +
                   std::to_string(org.term->id) + " end --note 说明",
               a->code + " already has a term in progress (case #" + std::to_string(org.term->id) + ", from " +
                   org.term_facts.start.iso() + "); the next term begins when an election is approved; to correct "
                   "a wrong entry, end it first: djflow record " + std::to_string(org.term->id) + " end --note ..."}));
        }
        std::string locality = a->village ? "village" : a->community ? "community" : a->locality;
        if (locality == "none") locality = "";
        else if (locality.empty() && !a->village && !a->community && a->locality.empty()) {
          auto prev = latest_term(*cli.store, a->code);
          if (!prev) return cli.fail(prev.error());
          if (prev.value()) locality = prev.value()->locality;
        }
        const int years = a->years ? a->years : el::default_term_years(org.branch.kind, locality);
        const std::string committee = !a->committee.empty() ? a->committee : org.full_members >= 7 ? "yes" : "no";
        engine::StepInput in{"begin", date.value(),
                             {{"start", start->iso()}, {"years", std::to_string(years)}, {"committee", committee}},
                             a->note, a->ref, cli.actor};
        if (!locality.empty()) in.with["locality"] = locality;
        engine::CaseSubject subject;
        subject.branch = a->code;
        subject.title = org.branch.name + " " + start->iso() + "—" + el::term_end(*start, years).iso();
        auto o = cli.engine->start("term", subject, in, one_open_per_org(*cli.workflows, "term", {"任期", "a term"}));
        if (!o) return cli.fail(o.error());
        const engine::Date end = el::term_end(*start, years);
        if (cli.json) {
          cli.print_json({{"id", o->c.id}, {"branch", a->code}, {"start", start->iso()}, {"years", years},
                          {"end", end.iso()}, {"committee", committee == "yes"}, {"locality", locality},
                          {"days_left", cli.engine->today().days_until(end)}});
        } else {
          *cli.out << o->c.id << "\n";
          *cli.out << tr(cli.lang, "已登记任期 ", "term recorded ") << a->code << " " << org.branch.name << ": "
                   << start->iso() << " — " << end.iso() << " (" << years << tr(cli.lang, " 年", " years") << ", "
                   << days_left_text(cli.lang, cli.engine->today().days_until(end), false) << ")\n";
        }
        return 0;
      };
    });
  }

  // --- branch show --------------------------------------------------------------------------
  {
    auto code = std::make_shared<std::string>();
    auto as_of_text = std::make_shared<std::string>();
    auto* cmd = branch->add_subcommand("show", tr(cli.lang, "查看一个党组织：党员人数、任期、换届进展、设置提示", "one organisation: members, term, election, alerts (E1-E4)"));
    cmd->add_option("code", *code, tr(cli.lang, "党组织代码", "organisation code"))->required();
    cmd->add_option("--as-of", *as_of_text,
                    tr(cli.lang, "党员人数按此日的历史记录计算（该组织及其下级组织；默认当前）",
                       "count the members as of this date from the history (it and everything under it; default now)"));
    cmd->callback([&cli, code, as_of_text] {
      cli.action = [&cli, code, as_of_text]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto orgs = org_statuses(cli, *code);
        if (!orgs) return cli.fail(orgs.error());
        OrgStatus& s = orgs.value().front();
        // --as-of: the members as the history says they were on that day (issue 10 §2).
        std::optional<engine::Date> as_of;
        std::int64_t probationary = 0;
        if (!as_of_text->empty()) {
          auto d = cli.date_arg(*as_of_text, "--as-of");
          if (!d) return cli.fail(d.error());
          as_of = *d;
          auto reads = storage::open_report_reads(cli.db);
          if (!reads) return cli.fail(reads.error());
          auto m = workflows::report::membership_as_of(*cli.engine, *reads.value(), *code, *d);
          if (!m) return cli.fail(m.error());
          s.full_members = static_cast<int>(m->total[static_cast<int>(workflows::report::Fig::FullMembers)]);
          probationary = m->total[static_cast<int>(workflows::report::Fig::ProbationaryMembers)];
        }
        if (cli.json) {
          Json j = org_status_json(s, cli);
          if (as_of) {
            j["as_of"] = as_of->iso();
            j["probationary_members"] = probationary;
          }
          cli.print_json(j);
          return 0;
        }
        const Lang l = cli.lang;
        auto& o = *cli.out;
        o << s.branch.code << " " << s.branch.name << " (" << kind_text(l, s.branch.kind) << ")\n";
        if (!s.branch.parent.empty()) o << tr(l, "上级：", "parent: ") << s.branch.parent << "\n";
        if (as_of) {
          o << tr(l, "截至 ", "as of ") << as_of->iso() << tr(l, "（按历史记录）正式党员：", " (from the history), full members: ")
            << s.full_members << tr(l, "，预备党员：", ", probationary members: ") << probationary << "\n";
        } else {
          o << tr(l, "正式党员：", "full members: ") << s.full_members << "\n";
        }
        if (s.term) {
          o << tr(l, "本届任期：", "term: ") << s.term_facts.start.iso() << " — " << s.term_facts.original_end.iso() << " ("
            << s.term_facts.years << tr(l, " 年", " years");
          if (!s.term_facts.locality.empty()) o << ", " << locality_text(l, s.term_facts.locality);
          o << tr(l, "，事项 #", ", case #") << s.term->id << ")\n";
          if (s.term_end && *s.term_end != s.term_facts.original_end)
            o << tr(l, "经批准换届日期调整为：", "election date moved (approved) to: ") << s.term_end->iso() << "\n";
          o << tr(l, "任期届满：", "term ends: ") << (s.term_end ? s.term_end->iso() : "") << " (" << days_text(cli, s) << ")\n";
          o << tr(l, "设委员会：", "committee: ") << yes_no(l, s.term_facts.committee) << "\n";
        } else {
          o << tr(l, "任期：未登记（djflow branch term ", "term: not recorded (djflow branch term ") << s.branch.code
            << " --start DATE)\n";
        }
        o << tr(l, "换届选举：", "election: ") << election_text(cli, s) << "\n";
        print_alerts(cli, orgs.value(), o);
        return 0;
      };
    });
  }

  // --- election start / list ----------------------------------------------------------------
  auto* election = app.add_subcommand("election", tr(cli.lang, "换届选举：启动、列表；各步骤用 djflow record 记录", "branch elections (换届选举): start, list; steps via djflow record"));
  election->require_subcommand(1);
  {
    struct Args {
      std::string code, date, committee, note, ref;
      int years = 0;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = election->add_subcommand("start", tr(cli.lang, "启动党组织换届选举，输出事项编号", "start the election of an organisation's next term; prints the case id"));
    cmd->add_option("code", a->code, tr(cli.lang, "党组织代码", "organisation code"))->required();
    cmd->add_option("--date", a->date, tr(cli.lang, "委员会决定召开选举的日期（默认今天）", "date the committee decided to hold the election (default today)"));
    cmd->add_option("--years", a->years, tr(cli.lang, "下届任期年数（默认按组织类别和所在地确定）", "length of the next term (default by kind and locality, E7)"))->check(CLI::Range(1, 10));
    cmd->add_option("--committee", a->committee, tr(cli.lang, "是否选举支部委员会：yes（是）或 no（否）（默认：正式党员 7 人以上为是）", "yes | no: elect a committee (default: yes with 7 or more full members, E3)"))
        ->check(CLI::IsMember({"yes", "no"}));
    cmd->add_option("--note", a->note, tr(cli.lang, "备注", "note"));
    cmd->add_option("--ref", a->ref, tr(cli.lang, "材料编号（委员会会议记录等）", "record reference (committee minutes, ...)"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto date = cli.date_arg(a->date, "--date");
        if (!date) return cli.fail(date.error());
        OrgStatus org;
        auto o = start_election(*cli.engine, *cli.store, cli.actor,
                                {a->code, date.value(), a->years, a->committee, a->note, a->ref}, org);
        if (!o) return cli.fail(o.error());
        const auto& t = org.term_facts;
        if (cli.json) {
          cli.print_json({{"id", o->c.id}});
        } else {
          *cli.out << o->c.id << "\n";
          const bool committee = o->event.inputs.count("committee") && o->event.inputs.at("committee") == "yes";
          *cli.out << tr(cli.lang, "已启动换届选举 ", "election started ") << a->code << " " << org.branch.name << ": "
                   << tr(cli.lang, "任期届满 ", "term ends ") << org.term_end.value_or(t.end()).iso() << ", "
                   << (committee ? tr(cli.lang, "选举支部委员会", "electing a committee")
                                 : tr(cli.lang, "只选举书记（副书记）", "electing a secretary (and deputy) only"))
                   << "\n";
          for (const auto& d : o->opened) {
            const auto* wf = cli.workflows->find("election");
            *cli.out << "  " << tr(cli.lang, "新期限：", "new deadline: ") << (wf ? tr(cli.lang, wf->deadline_label(d.kind)) : d.kind)
                     << " " << d.due.iso() << "\n";
          }
        }
        return 0;
      };
    });
  }
  {
    struct Args {
      int within = -1;
      std::string branch;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = election->add_subcommand("list", tr(cli.lang, "各党组织任期届满日、剩余天数和换届进展", "every organisation's term end, days left and election progress"));
    cmd->add_option("--due-within", a->within, tr(cli.lang, "只列 DAYS 天内届满的（含已超期的）", "only terms ending within DAYS (overdue ones included)"))
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--branch", a->branch, tr(cli.lang, "只列本党组织", "only this organisation"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto orgs = org_statuses(cli, a->branch.empty() ? std::nullopt : std::optional<std::string>(a->branch));
        if (!orgs) return cli.fail(orgs.error());
        const auto today = cli.engine->today();
        std::vector<OrgStatus> rows;
        for (auto& s : orgs.value()) {
          if (a->within >= 0 && (!s.term_end || today.days_until(*s.term_end) > a->within)) continue;
          rows.push_back(std::move(s));
        }
        // Soonest term end first; organisations without a recorded term last.
        std::stable_sort(rows.begin(), rows.end(), [](const OrgStatus& x, const OrgStatus& y) {
          if (x.term_end.has_value() != y.term_end.has_value()) return x.term_end.has_value();
          return x.term_end && *x.term_end < *y.term_end;
        });
        if (cli.json) {
          Json arr = Json::array();
          for (const auto& s : rows) arr.push_back(org_status_json(s, cli));
          cli.print_json(arr);
          return 0;
        }
        const Lang l = cli.lang;
        Table t({tr(l, "代码", "code"), tr(l, "名称", "name"), tr(l, "类型", "kind"), tr(l, "正式党员", "full"),
                 tr(l, "任期开始", "term start"), tr(l, "任期届满", "term end"), tr(l, "剩余", "left"),
                 tr(l, "委员会", "committee"), tr(l, "换届进度", "election")});
        for (const auto& s : rows) {
          t.add({s.branch.code, s.branch.name, kind_text(l, s.branch.kind), std::to_string(s.full_members),
                 s.term ? s.term_facts.start.iso() : tr(l, "未登记", "not recorded"),
                 s.term_end ? s.term_end->iso() : "", days_text(cli, s),
                 s.term ? yes_no(l, s.term_facts.committee) : "", election_text(cli, s)});
        }
        if (t.empty()) *cli.out << tr(l, "没有符合条件的组织\n", "no organisations match\n");
        else t.print(*cli.out);
        print_alerts(cli, rows, *cli.out);
        return 0;
      };
    });
  }

  // --- check --------------------------------------------------------------------------------
  {
    auto notify = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("check", tr(cli.lang, "检查党组织设置（正式党员不足 3 人、7 人以上未设委员会、超过 50 人、100 人以上）和需要复核的已记录步骤（节假日未知、党员人数少、应到人数不符）", "organisation size alerts (E1-E4: fewer than 3, 7 or more without a committee, over 50, 100 or more) and recorded steps to recheck (calendar-unknown, small-branch, eligible-differs)"));
    cmd->add_flag("--notify", *notify,
                  tr(cli.lang, "同时把每条提示写入待发消息（每届任期只发一次）",
                     "also write each alert once per term to the notification outbox (on the organisation's term case)"));
    cmd->callback([&cli, notify] {
      cli.action = [&cli, notify]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto orgs = org_statuses(cli);
        if (!orgs) return cli.fail(orgs.error());
        int written = 0;
        if (*notify) {
          engine::WriteTransaction tx(*cli.store);
          if (auto s = tx.begin(); !s) return cli.fail(s.error());
          const auto today = cli.engine->today();
          for (const auto& s : orgs.value()) {
            if (!s.term) continue;  // the outbox needs a case; listed below all the same
            for (const auto& al : s.alerts) {
              engine::Notification n;
              n.key = "alert:" + std::to_string(s.term->id) + ":" + al.code;
              n.case_id = s.term->id;
              n.workflow = "term";
              n.branch = s.branch.code;
              n.kind = "size-alert:" + al.code;
              n.due = today;
              n.days_left = 0;
              n.created_at = cli.engine->clock().now();
              n.text = {"【组织设置】" + s.branch.name + "（" + s.branch.code + "）：" + al.text.zh,
                        "[organisation] " + s.branch.name + " (" + s.branch.code + "): " + al.text.en};
              auto id = cli.store->insert_notification(n);
              if (!id) return cli.fail(id.error());
              if (id.value()) ++written;
            }
          }
          if (auto s = tx.commit(); !s) return cli.fail(s.error());
        }
        auto steps = flagged_steps(cli);  // steps recorded with a flag to recheck (calendar-unknown, ...)
        if (!steps) return cli.fail(steps.error());
        if (cli.json) {
          Json arr = Json::array();
          for (const auto& s : orgs.value()) {
            if (s.alerts.empty()) continue;
            arr.push_back({{"code", s.branch.code}, {"name", s.branch.name}, {"full_members", s.full_members},
                           {"alerts", alerts_json(s, cli.lang)}});
          }
          cli.print_json({{"alerts", arr}, {"notified", written}, {"steps", flagged_steps_json(cli, steps.value())}});
          return 0;
        }
        std::size_t count = 0;
        for (const auto& s : orgs.value()) count += s.alerts.size();
        if (count == 0) *cli.out << tr(cli.lang, "没有需要提示的组织设置问题\n", "no organisation size alerts\n");
        print_alerts(cli, orgs.value(), *cli.out);
        if (*notify) *cli.out << tr(cli.lang, "已写入通知：", "notifications written: ") << written << "\n";
        print_flagged_steps(cli, steps.value(), *cli.out);
        return 0;
      };
    });
  }
}

}  // namespace djflow::cli
