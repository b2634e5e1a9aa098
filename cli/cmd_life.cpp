// Organisational life (组织生活): life start|configure|status|flags|grade, meeting add|list|show,
// talk add, dues pay|import|arrears|base|relief|standard. Everything is a step on the organisation's `life` case
// (workflows/life, docs/workflows/life.md); the figures come from engine/life.hpp.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cli/app.hpp"
#include "engine/dues.hpp"
#include "engine/life.hpp"
#include "engine/life_figures.hpp"

namespace djflow::cli {

using engine::Error;
namespace L = engine::life;

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() < 18 && s.find_first_not_of("0123456789") == std::string::npos;
}

// The organisation's ledger (its `life` case).
engine::Result<engine::Case> life_case(Cli& cli, const std::string& org) {
  auto b = cli.store->find_branch(org);
  DJFLOW_TRY(b);
  if (!b.value()) return Error::not_found({"组织不存在：" + org, "no organisation " + org});
  engine::CaseFilter f;
  f.workflow = L::kWorkflow;
  f.branch = org;
  auto cases = cli.store->list_cases(f);
  DJFLOW_TRY(cases);
  if (cases.value().empty())
    return Error::not_found({"组织 " + org + " 尚未开始记录组织生活（先运行 djflow life start --org " + org + "）",
                             "organisation " + org + " has no organisational-life ledger yet (run djflow life start --org " + org + ")"});
  return cases.value().front();
}

// One ledger per organisation, checked again inside the opening transaction after its insert
// (decision 0125): the insert took the entity-history lock to the commit (PostgreSQL; the writer
// lock on SQLite), so of two concurrent `life start` for one organisation the second sees the
// first's case here and is refused as the check before it would have refused it.
engine::Engine::AlsoWrite one_ledger(const std::string& org) {
  return [org](engine::Store& store, const engine::StepOutcome& o) -> engine::Status {
    engine::CaseFilter f;
    f.workflow = L::kWorkflow;
    f.branch = org;
    auto cases = store.list_cases(f);
    DJFLOW_TRY(cases);
    for (const auto& c : cases.value())
      if (c.id != o.c.id)
        return Error::conflict({"组织 " + org + " 已在记录组织生活（#" + std::to_string(c.id) + "）",
                                "organisation " + org + " already has a ledger (#" + std::to_string(c.id) + ")"});
    return {};
  };
}

// A person by id or by name: a name is looked up in `org` first, then everywhere (unique).
engine::Result<engine::Person> find_person(Cli& cli, const std::string& org, const std::string& token) {
  if (all_digits(token)) {
    auto p = cli.store->find_person(std::stoll(token));
    DJFLOW_TRY(p);
    if (p.value()) return *p.value();
  }
  for (const bool local : {true, false}) {
    if (local && org.empty()) continue;
    auto rows = cli.store->list_persons(local ? std::optional<std::string>(org) : std::nullopt);
    DJFLOW_TRY(rows);
    std::vector<engine::Person> hits;
    for (const auto& p : rows.value())
      if (p.name == token) hits.push_back(p);
    if (hits.size() == 1) return hits.front();
    if (hits.size() > 1)
      return Error::invalid({"有多人名为“" + token + "”，请用人员编号", "more than one person is named '" + token + "': use the id"});
  }
  return Error::not_found({"人员不存在：" + token, "no person " + token});
}

// What a dues or grading command about one member starts from, in this order (so the first
// error is the same): the database, the --date argument, the member, their organisation's
// life case (--org, else the member's own).
struct MemberStep {
  engine::Date date;
  engine::Person person;
  engine::Case life;
};

engine::Result<MemberStep> member_step(Cli& cli, const std::string& org, const std::string& person,
                                       const std::string& date) {
  if (auto s = cli.open(); !s) return s.error();
  auto d = cli.date_arg(date, "--date");
  DJFLOW_TRY(d);
  auto p = find_person(cli, org, person);
  DJFLOW_TRY(p);
  auto c = life_case(cli, org.empty() ? p.value().branch : org);
  DJFLOW_TRY(c);
  return MemberStep{d.value(), p.value(), c.value()};
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  std::size_t i = 0;
  while (i <= s.size()) {
    // Separators: ',', '，', '、' (what a secretary types).
    if (i == s.size() || s[i] == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      ++i;
      continue;
    }
    if (s.compare(i, 3, "，") == 0 || s.compare(i, 3, "、") == 0) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      i += 3;
      continue;
    }
    cur += s[i++];
  }
  for (auto& x : out) {
    while (!x.empty() && x.front() == ' ') x.erase(0, 1);
    while (!x.empty() && x.back() == ' ') x.pop_back();
  }
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

// --period KIND=PERIOD, --theme-day, --secretary, --committee -> the inputs of start/configure.
struct ConfigArgs {
  std::vector<std::string> periods;
  int theme_day = 0;
  std::string secretary;
  std::string committee;
};
void add_config_options(CLI::App* cmd, ConfigArgs& a, Lang l) {
  cmd->add_option("--period", a.periods,
                  tr(l, "某类组织生活的周期，类别=month|quarter|half|year|none（可重复）",
                     "a kind's period, KIND=month|quarter|half|year|none (repeatable)"));
  cmd->add_option("--theme-day", a.theme_day, tr(l, "主题党日的固定日期（每月几号，1-28）", "the themed Party day's fixed day of the month (1-28)"))
      ->check(CLI::Range(1, 28));
  cmd->add_option("--secretary", a.secretary, tr(l, "支部书记（姓名或编号）", "the branch secretary (name or id)"));
  cmd->add_option("--committee", a.committee, tr(l, "支部委员（姓名或编号，逗号分隔）", "committee members (names or ids, comma-separated)"));
}
engine::Result<engine::Inputs> config_inputs(Cli& cli, const std::string& org, const ConfigArgs& a) {
  engine::Inputs in;
  for (const auto& p : a.periods) {
    const auto eq = p.find('=');
    auto kind = eq == std::string::npos ? std::nullopt : L::resolve_kind(p.substr(0, eq));
    if (!kind) return Error::invalid({"--period 应为 类别=周期：" + p, "--period takes KIND=PERIOD, got " + p});
    auto period = L::period_from(p.substr(eq + 1));
    if (!period) return Error::invalid({"周期应为 month、quarter、half、year 或 none：" + p, "a period is month, quarter, half, year or none: " + p});
    in["period:" + *kind] = std::string(L::to_string(*period));
  }
  if (a.theme_day) in["theme-day"] = std::to_string(a.theme_day);
  if (!a.secretary.empty()) {
    auto p = find_person(cli, org, a.secretary);
    DJFLOW_TRY(p);
    in["secretary"] = std::to_string(p.value().id);
  }
  if (!a.committee.empty()) {
    std::vector<engine::PersonId> ids;
    for (const auto& n : split_list(a.committee)) {
      auto p = find_person(cli, org, n);
      DJFLOW_TRY(p);
      ids.push_back(p.value().id);
    }
    in["committee"] = L::join_ids(ids);
  }
  return in;
}

std::string kinds_text(Lang l, const std::vector<std::string>& kinds) {
  std::string out;
  for (const auto& k : kinds) {
    const L::Kind* kind = L::find_kind(k);
    out += (out.empty() ? "" : tr(l, "、", ", ")) + (kind ? tr(l, kind->zh, kind->en) : k);
  }
  return out;
}

std::string person_name(Cli& cli, engine::PersonId id) {
  auto p = cli.store->find_person(id);
  if (p.ok() && p.value()) return p.value()->name;
  return "#" + std::to_string(id);
}

engine::Result<std::vector<engine::EventRecord>> ledger(Cli& cli, const engine::Case& c) { return cli.store->events(c.id); }

// Organisations with a ledger: `org` alone, or every one.
engine::Result<std::vector<engine::Case>> ledgers(Cli& cli, const std::string& org) {
  if (!org.empty()) {
    auto c = life_case(cli, org);
    DJFLOW_TRY(c);
    return std::vector<engine::Case>{c.value()};
  }
  engine::CaseFilter f;
  f.workflow = L::kWorkflow;
  return cli.store->list_cases(f);
}

int print_step(Cli& cli, const engine::Result<engine::StepOutcome>& o, const Json& extra) {
  if (!o) return cli.fail(o.error());
  if (cli.json) {
    Json j = {{"case", o->c.id}, {"org", o->c.branch}, {"seq", o->event.seq}, {"event", o->event.event},
              {"date", o->event.date.iso()}};
    for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
    cli.print_json(j);
  } else {
    *cli.out << tr(cli.lang, "已记录：", "recorded: ") << o->c.branch << " #" << o->c.id << "." << o->event.seq << " "
             << o->event.date.iso() << "\n";
  }
  return 0;
}

void register_review(CLI::App* life, Cli& cli);

void register_life(CLI::App& app, Cli& cli) {
  const Lang l = cli.lang;
  auto* life = app.add_subcommand("life", tr(l, "组织生活：开始记录、设置、完成情况、党章第九条预警、民主评议",
                                             "organisational life: ledger, settings, expected vs held, R20 flags, appraisal"));
  life->require_subcommand(1);
  register_review(life, cli);
  {
    struct Args { std::string org, date; bool all = false; ConfigArgs cfg; };
    auto a = std::make_shared<Args>();
    auto* cmd = life->add_subcommand("start", tr(l, "开始记录一个组织的组织生活（此后按期提醒）",
                                                 "start an organisation's organisational-life ledger (reminders from then on)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码", "organisation code"));
    cmd->add_flag("--all", a->all, tr(l, "所有尚未开始记录的党支部", "every branch (党支部) without a ledger"));
    cmd->add_option("--date", a->date, tr(l, "开始日期（默认今天）", "start date (default today)"));
    add_config_options(cmd, a->cfg, l);
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto date = cli.date_arg(a->date, "--date");
        if (!date) return cli.fail(date.error());
        std::vector<std::string> orgs;
        if (a->all) {
          auto bs = cli.store->list_branches();
          if (!bs) return cli.fail(bs.error());
          engine::CaseFilter f;
          f.workflow = L::kWorkflow;
          auto have = cli.store->list_cases(f);
          if (!have) return cli.fail(have.error());
          std::set<std::string> started;
          for (const auto& c : have.value()) started.insert(c.branch);
          for (const auto& b : bs.value())
            if (b.kind == "branch" && !started.count(b.code)) orgs.push_back(b.code);
        } else if (!a->org.empty()) {
          orgs.push_back(a->org);
        } else {
          return cli.fail(Error::invalid({"须指定 --org 或 --all", "give --org or --all"}));
        }
        Json arr = Json::array();
        for (const auto& org : orgs) {
          if (auto c = life_case(cli, org); c.ok())
            return cli.fail(Error::conflict({"组织 " + org + " 已在记录组织生活（#" + std::to_string(c.value().id) + "）",
                                             "organisation " + org + " already has a ledger (#" + std::to_string(c.value().id) + ")"}));
          auto b = cli.store->find_branch(org);
          if (!b) return cli.fail(b.error());
          if (!b.value()) return cli.fail(Error::not_found({"组织不存在：" + org, "no organisation " + org}));
          auto with = config_inputs(cli, org, a->cfg);
          if (!with) return cli.fail(with.error());
          engine::CaseSubject subject;
          subject.branch = org;
          subject.title = b.value()->name + "组织生活";
          auto o = cli.engine->start(L::kWorkflow, subject, {"start", date.value(), with.value(), "", "", cli.actor},
                                     one_ledger(org));
          if (!o) return cli.fail(o.error());
          arr.push_back({{"org", org}, {"case", o->c.id}, {"from", date->iso()}});
          if (!cli.json) *cli.out << org << " #" << o->c.id << "\n";
        }
        if (cli.json) cli.print_json(arr);
        return 0;
      };
    });
  }
  {
    struct Args { std::string org, date; ConfigArgs cfg; };
    auto a = std::make_shared<Args>();
    auto* cmd = life->add_subcommand("configure", tr(l, "调整一个组织的组织生活周期、主题党日、书记和支委（记入历史）",
                                                     "change an organisation's periods, themed day, secretary, committee (recorded)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码", "organisation code"))->required();
    cmd->add_option("--date", a->date, tr(l, "生效日期（默认今天）", "effective date (default today)"));
    add_config_options(cmd, a->cfg, l);
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto date = cli.date_arg(a->date, "--date");
        if (!date) return cli.fail(date.error());
        auto c = life_case(cli, a->org);
        if (!c) return cli.fail(c.error());
        auto with = config_inputs(cli, a->org, a->cfg);
        if (!with) return cli.fail(with.error());
        if (with->empty()) return cli.fail(Error::invalid({"没有要调整的设置", "nothing to change"}));
        return print_step(cli, cli.engine->record(c->id, {"configure", date.value(), with.value(), "", "", cli.actor}), Json::object());
      };
    });
  }
  {
    struct Args { std::string org; int year = 0; };
    auto a = std::make_shared<Args>();
    auto* cmd = life->add_subcommand("status", tr(l, "各类组织生活应开与已开次数（截至今天）", "expected vs held per kind (as of today)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码（默认所有已记录的组织）", "organisation code (default: every ledger)"));
    cmd->add_option("--year", a->year, tr(l, "年度（默认今年）", "year (default this year)"))->check(CLI::Range(1900, 9999));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        const Lang lg = cli.lang;
        const engine::Date today = cli.engine->today();
        const int year = a->year ? a->year : today.year();
        auto cases = ledgers(cli, a->org);
        if (!cases) return cli.fail(cases.error());
        Json arr = Json::array();
        Table t({tr(lg, "组织", "org"), tr(lg, "类别", "kind"), tr(lg, "周期", "period"), tr(lg, "应开", "expected"),
                 tr(lg, "已开", "held"), tr(lg, "未开期间", "missed"), tr(lg, "依据", "article")});
        for (const auto& c : cases.value()) {
          auto h = ledger(cli, c);
          if (!h) return cli.fail(h.error());
          const auto f = L::facts(h.value());
          for (const auto& k : L::expected_held(f, cli.engine->config(), engine::Date(year, 1, 1), engine::Date(year, 12, 31), today)) {
            const L::Kind* kind = L::find_kind(k.kind);
            std::string missed;
            for (const auto& m : k.missed) missed += (missed.empty() ? "" : " ") + m;
            arr.push_back({{"org", c.branch}, {"kind", k.kind}, {"period", std::string(L::to_string(k.period))},
                           {"expected", k.expected}, {"held", k.held}, {"missed", k.missed},
                           {"article", kind->article_zh}, {"rule", kind->rule}});
            t.add({c.branch, tr(lg, kind->zh, kind->en), tr(lg, L::period_label(k.period)), std::to_string(k.expected),
                   std::to_string(k.held), missed.empty() ? "-" : missed, tr(lg, kind->article_zh, kind->article_en)});
          }
        }
        if (cli.json) cli.print_json(arr);
        else t.print(*cli.out);
        return 0;
      };
    });
  }
  {
    struct Args { std::string org; };
    auto a = std::make_shared<Args>();
    auto* cmd = life->add_subcommand("flags", tr(l, "连续六个月不参加组织生活或不交党费的党员（《中国共产党章程》第九条）",
                                                 "members with 6 months without organisational life or dues (《中国共产党章程》第九条)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码（默认所有已记录的组织）", "organisation code (default: every ledger)"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        const Lang lg = cli.lang;
        const engine::Date today = cli.engine->today();
        auto cases = ledgers(cli, a->org);
        if (!cases) return cli.fail(cases.error());
        Json arr = Json::array();
        Table t({tr(lg, "组织", "org"), "#", tr(lg, "姓名", "name"), tr(lg, "情形", "reason"), tr(lg, "依据", "article")});
        for (const auto& c : cases.value()) {
          auto h = ledger(cli, c);
          if (!h) return cli.fail(h.error());
          auto people = cli.store->list_persons(c.branch);
          if (!people) return cli.fail(people.error());
          for (const auto& fl : L::lapse_flags(L::facts(h.value()), people.value(), today)) {
            std::string why;
            if (fl.attendance)
              why = tr(lg, "连续六个月未参加组织生活", "6 months without organisational life") +
                    (fl.last_seen ? tr(lg, "（最近一次：", " (last: ") + fl.last_seen->iso() + tr(lg, "）", ")") : std::string());
            if (fl.dues)
              why += (why.empty() ? "" : tr(lg, "；", "; ")) + tr(lg, "连续", "") + std::to_string(fl.unpaid_months) +
                     tr(lg, " 个月未交纳党费", " months of unpaid dues");
            arr.push_back({{"org", c.branch}, {"person", fl.person}, {"name", person_name(cli, fl.person)},
                           {"attendance", fl.attendance}, {"dues", fl.dues}, {"unpaid_months", fl.unpaid_months},
                           {"last_seen", fl.last_seen ? Json(fl.last_seen->iso()) : Json(nullptr)},
                           {"article", "《中国共产党章程》第九条"}, {"rule", "R20"}});
            t.add({c.branch, std::to_string(fl.person), person_name(cli, fl.person), why,
                   tr(lg, "《中国共产党章程》第九条", "《中国共产党章程》第九条")});
          }
        }
        if (cli.json) cli.print_json(arr);
        else if (t.empty()) *cli.out << tr(lg, "无\n", "none\n");
        else t.print(*cli.out);
        return 0;
      };
    });
  }
  {
    struct Args { std::string org, date; std::vector<std::string> grades; };
    auto a = std::make_shared<Args>();
    auto* cmd = life->add_subcommand("grade", tr(l, "记录民主评议党员的等次（优秀/合格/基本合格/不合格）",
                                                 "record democratic-appraisal grades (excellent/qualified/basic/unqualified)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码", "organisation code"))->required();
    cmd->add_option("--date", a->date, tr(l, "评议日期（默认今天）", "date of the appraisal (default today)"));
    cmd->add_option("--grade", a->grades, tr(l, "姓名:等次（可重复）", "NAME:GRADE (repeatable)"))->required();
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto date = cli.date_arg(a->date, "--date");
        if (!date) return cli.fail(date.error());
        auto c = life_case(cli, a->org);
        if (!c) return cli.fail(c.error());
        engine::Inputs with;
        std::vector<std::string> unqualified;
        for (const auto& g : a->grades) {
          const auto colon = g.rfind(':');
          if (colon == std::string::npos) return cli.fail(Error::invalid({"--grade 应为 姓名:等次：" + g, "--grade takes NAME:GRADE, got " + g}));
          auto p = find_person(cli, a->org, g.substr(0, colon));
          if (!p) return cli.fail(p.error());
          with["grade:" + std::to_string(p->id)] = g.substr(colon + 1);
          if (L::resolve_grade(g.substr(colon + 1)).value_or("") == "unqualified") unqualified.push_back(p->name);
        }
        auto o = cli.engine->record(c->id, {"grades", date.value(), with, "", "", cli.actor});
        const int rc = print_step(cli, o, {{"unqualified", unqualified}});
        if (rc == 0 && !unqualified.empty() && !cli.json) {
          const int months = cli.engine->config().get_int(L::kSettingCorrectMonths, 6);
          *cli.out << tr(cli.lang, engine::Text{"评为不合格的党员限期 " + std::to_string(months) +
                                                    " 个月改正（djflow life correct 记录处置；经教育仍无转变的，应当劝其退党：《中国共产党章程》第九条）：",
                                                "members graded unqualified are to correct within " + std::to_string(months) +
                                                    " months (record the follow-up with djflow life correct; if unchanged, "
                                                    "persuasion to leave: 《中国共产党章程》第九条): "});
          for (std::size_t i = 0; i < unqualified.size(); ++i) *cli.out << (i ? "、" : "") << unqualified[i];
          *cli.out << "\n";
        }
        return rc;
      };
    });
  }
  {
    struct Args { std::string org, person, outcome, date, ref; };
    auto a = std::make_shared<Args>();
    auto* cmd = life->add_subcommand("correct", tr(l, "记录不合格党员的处置：已改正、劝其退党、除名、上级批准或不批准",
                                                   "record the follow-up of an unqualified member: corrected, persuade, remove, approved, rejected"));
    cmd->add_option("--person", a->person, tr(l, "党员（姓名或编号）", "member (name or id)"))->required();
    cmd->add_option("--outcome", a->outcome,
                    tr(l, "corrected（经教育已改正）、persuade（支部党员大会决定劝其退党）、remove（劝而不退，支部党员大会决定除名）、approved（上级党组织批准）、rejected（上级党组织不批准）",
                       "corrected, persuade (general meeting), remove (general meeting, after a refused persuasion), approved or rejected (the superior)"))
        ->required();
    cmd->add_option("--date", a->date, tr(l, "日期（默认今天）", "date (default today)"));
    cmd->add_option("--ref", a->ref, tr(l, "会议记录或批准文件（决定和批准必填）", "minutes or approval (required for decisions and answers)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码（默认该党员所在组织）", "organisation code (default: the member's)"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        auto step = member_step(cli, a->org, a->person, a->date);
        if (!step) return cli.fail(step.error());
        engine::Inputs with{{"person", std::to_string(step->person.id)}, {"outcome", a->outcome}};
        auto o = cli.engine->record(step->life.id, {"correction", step->date, with, "", a->ref, cli.actor});
        std::string state;
        if (o) {
          auto h = ledger(cli, o->c);
          if (!h) return cli.fail(h.error());
          for (const auto& u : L::unqualified(L::facts(h.value())))
            if (u.person == step->person.id) state = u.state;
        }
        return print_step(cli, o, {{"person", step->person.id}, {"state", state}});
      };
    });
  }
}

// Opens the rectification batch of an organisational-life meeting (source org-life-meeting, Z5),
// with the meeting as its reference; returns the batch id.
engine::Result<engine::CaseId> open_life_batch(Cli& cli, const engine::StepOutcome& meeting, const std::string& topic) {
  const std::string title = meeting.event.date.iso() + " 组织生活会整改（" + topic + "）";
  const std::string ref = "组织生活会 " + meeting.c.branch + " #" + std::to_string(meeting.c.id) + "." + std::to_string(meeting.event.seq);
  engine::CaseSubject subject;
  subject.branch = meeting.c.branch;
  subject.title = title;
  engine::StepInput in{"open", meeting.event.date, {{"source", "org-life-meeting"}, {"title", title}}, "", ref, cli.actor};
  auto o = cli.engine->start("rectify-batch", subject, in, [&](engine::Store& store, const engine::StepOutcome& out) -> engine::Status {
    engine::RectifyBatch b;
    b.id = out.c.id;
    b.source = "org-life-meeting";
    b.org = out.c.branch;
    b.title = title;
    b.feedback = out.event.date;
    return store.insert_rectify_batch(b);
  });
  DJFLOW_TRY(o);
  return o->c.id;
}

void register_review(CLI::App* life, Cli& cli) {
  const Lang l = cli.lang;
  auto* review = life->add_subcommand("review", tr(l, "自行脱党审查（《中国共产党章程》第九条）", "self-lapse review (《中国共产党章程》第九条)"));
  review->require_subcommand(1);
  struct Args { std::string person, reason, date, note; };
  auto a = std::make_shared<Args>();
  auto* cmd = review->add_subcommand("open", tr(l, "对一名党员启动自行脱党审查；此后用 djflow record 办理 notify、decide、approve",
                                                "open a self-lapse review of a member; then djflow record notify, decide, approve"));
  cmd->add_option("--person", a->person, tr(l, "党员（姓名或编号）", "member (name or id)"))->required();
  cmd->add_option("--reason", a->reason, tr(l, "情形：attendance（不参加组织生活）、dues（不交纳党费）、work（不做分配的工作）",
                                           "reason: attendance, dues or work"))->required();
  cmd->add_option("--date", a->date, tr(l, "日期（默认今天）", "date (default today)"));
  cmd->add_option("--note", a->note, tr(l, "备注", "note"));
  cmd->callback([&cli, a] {
    cli.action = [&cli, a]() -> int {
      if (auto s = cli.open(); !s) return cli.fail(s.error());
      auto date = cli.date_arg(a->date, "--date");
      if (!date) return cli.fail(date.error());
      auto p = find_person(cli, "", a->person);
      if (!p) return cli.fail(p.error());
      if (p->status == engine::MemberStatus::None)
        return cli.fail(Error::invalid({p->name + " 不是党员，不能进行自行脱党审查", p->name + " is not a Party member"}));
      engine::CaseSubject subject;
      subject.person = p->id;
      auto o = cli.engine->start("lapse", subject, {"open", date.value(), {{"reason", a->reason}}, a->note, "", cli.actor});
      return print_step(cli, o, {{"person", p->id}});
    };
  });
}

void register_meeting(CLI::App& app, Cli& cli) {
  const Lang l = cli.lang;
  auto* meeting = app.add_subcommand("meeting", tr(l, "三会一课、主题党日、组织生活会等会议记录", "meetings: 三会一课, themed Party days, organisational-life meetings"));
  meeting->require_subcommand(1);
  {
    struct Args { std::string org, date, topic, present, minutes, speaker; std::vector<std::string> kinds, absent; bool rectify = false; };
    auto a = std::make_shared<Args>();
    auto* cmd = meeting->add_subcommand("add", tr(l, "记录一次会议（可同时计入可合并的几类）", "record a meeting (it may count for several combinable kinds)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码", "organisation code"))->required();
    cmd->add_option("--kind", a->kinds,
                    tr(l, "类别：支部党员大会、支部委员会会议、党小组会、党课、主题党日、组织生活会、民主评议党员（可重复）",
                       "kind: general-meeting, committee-meeting, group-meeting, lecture, theme-day, life-meeting, appraisal (repeatable)"))
        ->required();
    cmd->add_option("--date", a->date, tr(l, "会议日期", "date of the meeting"))->required();
    cmd->add_option("--topic", a->topic, tr(l, "会议主题", "topic"))->required();
    cmd->add_option("--present", a->present, tr(l, "出席人员（姓名或编号，逗号分隔）", "present (names or ids, comma-separated)"));
    cmd->add_option("--absent", a->absent, tr(l, "缺席人员及原因，姓名:原因（可重复）", "absent with reason, NAME:REASON (repeatable)"));
    cmd->add_option("--minutes-ref", a->minutes, tr(l, "会议记录编号", "minutes reference"));
    cmd->add_option("--speaker", a->speaker, tr(l, "党课讲课人", "who gave the party lecture"));
    cmd->add_flag("--rectify", a->rectify, tr(l, "组织生活会：随即建立整改批次（问题来源：组织生活会）",
                                             "organisational-life meeting: open its rectification batch (source org-life-meeting)"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto date = engine::Date::parse(a->date);
        if (!date) return cli.fail(Error::invalid({"--date 应为 YYYY-MM-DD 格式的日期：" + a->date, "--date must be a date YYYY-MM-DD, got " + a->date}));
        auto c = life_case(cli, a->org);
        if (!c) return cli.fail(c.error());
        engine::Inputs with{{"topic", a->topic}};
        std::string kinds;
        for (const auto& k : a->kinds)
          for (const auto& part : split_list(k)) kinds += (kinds.empty() ? "" : ",") + part;
        with["kinds"] = kinds;
        std::vector<engine::PersonId> present;
        for (const auto& n : split_list(a->present)) {
          auto p = find_person(cli, a->org, n);
          if (!p) return cli.fail(p.error());
          present.push_back(p->id);
        }
        if (!present.empty()) with["present"] = L::join_ids(present);
        for (const auto& ab : a->absent) {
          const auto colon = ab.find(':');
          auto p = find_person(cli, a->org, ab.substr(0, colon));
          if (!p) return cli.fail(p.error());
          with["absent:" + std::to_string(p->id)] = colon == std::string::npos ? "" : ab.substr(colon + 1);
        }
        if (!a->speaker.empty()) {
          auto p = find_person(cli, a->org, a->speaker);
          with["speaker"] = p ? p->name : a->speaker;  // a speaker from outside is kept by name
        }
        const auto kind_list = split_list(kinds);
        if (a->rectify && std::none_of(kind_list.begin(), kind_list.end(), [](const std::string& k) {
              return L::resolve_kind(k).value_or("") == "life-meeting";
            }))
          return cli.fail(Error::invalid({"--rectify 只用于组织生活会", "--rectify is for an organisational-life meeting only"}));
        auto o = cli.engine->record(c->id, {"meeting", *date, with, "", a->minutes, cli.actor});
        if (!o) return cli.fail(o.error());
        Json extra = {{"kinds", split_list(o->event.inputs.at("kinds"))}};
        if (a->rectify) {
          // Z5 (《中国共产党支部工作条例（试行）》第十七条): the meeting's problems are rectified item
          // by item; the batch's reference is the meeting. A separate step after the meeting: if it
          // fails, the meeting stays recorded and `rectify batch add` can be run by hand.
          auto batch = open_life_batch(cli, o.value(), a->topic);
          if (!batch) return cli.fail(batch.error());
          extra["batch"] = batch.value();
          if (!cli.json) *cli.out << tr(cli.lang, "整改批次：", "rectification batch: ") << batch.value() << "\n";
        }
        return print_step(cli, o, extra);
      };
    });
  }
  {
    struct Args { std::string org, kind; int year = 0; };
    auto a = std::make_shared<Args>();
    auto* cmd = meeting->add_subcommand("list", tr(l, "列出会议", "list meetings"));
    cmd->add_option("--org", a->org, tr(l, "组织代码（默认所有）", "organisation code (default all)"));
    cmd->add_option("--kind", a->kind, tr(l, "只列此类", "only this kind"));
    cmd->add_option("--year", a->year, tr(l, "年度", "year"))->check(CLI::Range(1900, 9999));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        const Lang lg = cli.lang;
        std::string kind;
        if (!a->kind.empty()) {
          auto k = L::resolve_kind(a->kind);
          if (!k) return cli.fail(Error::invalid({"未知的会议类别：" + a->kind, "unknown kind " + a->kind}));
          kind = *k;
        }
        auto cases = ledgers(cli, a->org);
        if (!cases) return cli.fail(cases.error());
        Json arr = Json::array();
        Table t({tr(lg, "组织", "org"), tr(lg, "编号", "no."), tr(lg, "日期", "date"), tr(lg, "类别", "kind"), tr(lg, "主题", "topic"),
                 tr(lg, "出席", "present"), tr(lg, "应到", "expected"), tr(lg, "讲课人", "speaker")});
        for (const auto& c : cases.value()) {
          auto h = ledger(cli, c);
          if (!h) return cli.fail(h.error());
          for (const auto& m : L::facts(h.value()).meetings) {
            if (a->year && m.date.year() != a->year) continue;
            if (!kind.empty() && std::find(m.kinds.begin(), m.kinds.end(), kind) == m.kinds.end()) continue;
            arr.push_back({{"org", c.branch}, {"case", c.id}, {"no", m.seq}, {"date", m.date.iso()}, {"kinds", m.kinds},
                           {"topic", m.topic}, {"present", m.present.size()}, {"should_attend", m.should_attend},
                           {"speaker", m.speaker}, {"by_secretary", m.by_secretary}, {"minutes", m.minutes}});
            t.add({c.branch, std::to_string(m.seq), m.date.iso(), kinds_text(lg, m.kinds), m.topic, std::to_string(m.present.size()),
                   std::to_string(m.should_attend), m.speaker + (m.by_secretary ? tr(lg, "（书记）", " (secretary)") : "")});
          }
        }
        if (cli.json) cli.print_json(arr);
        else t.print(*cli.out);
        return 0;
      };
    });
  }
  {
    struct Args { std::string org; std::int64_t no = 0; };
    auto a = std::make_shared<Args>();
    auto* cmd = meeting->add_subcommand("show", tr(l, "显示一次会议（组织代码和会议编号，编号见会议列表）", "show a meeting (org and its no. from meeting list)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码", "organisation code"))->required();
    cmd->add_option("no", a->no, tr(l, "会议编号", "meeting no."))->required();
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        const Lang lg = cli.lang;
        auto c = life_case(cli, a->org);
        if (!c) return cli.fail(c.error());
        auto h = ledger(cli, c.value());
        if (!h) return cli.fail(h.error());
        for (const auto& m : L::facts(h.value()).meetings) {
          if (m.seq != a->no) continue;
          Json absent = Json::array();
          std::vector<std::string> present;
          for (auto id : m.present) present.push_back(person_name(cli, id));
          std::string absent_text;
          for (const auto& [id, why] : m.absent) {
            absent.push_back({{"person", id}, {"name", person_name(cli, id)}, {"reason", why}});
            absent_text += (absent_text.empty() ? "" : tr(lg, "；", "; ")) + person_name(cli, id) +
                           (why.empty() ? tr(lg, "（未说明原因）", " (no reason)") : tr(lg, "（", " (") + why + tr(lg, "）", ")"));
          }
          if (cli.json) {
            cli.print_json({{"org", a->org}, {"no", m.seq}, {"date", m.date.iso()}, {"kinds", m.kinds}, {"topic", m.topic},
                            {"present", present}, {"absent", absent}, {"should_attend", m.should_attend},
                            {"speaker", m.speaker}, {"by_secretary", m.by_secretary}, {"minutes", m.minutes}});
          } else {
            std::string pr;
            for (const auto& n : present) pr += (pr.empty() ? "" : tr(lg, "、", ", ")) + n;
            *cli.out << tr(lg, "组织：", "org: ") << a->org << "\n"
                     << tr(lg, "日期：", "date: ") << m.date.iso() << "\n"
                     << tr(lg, "类别：", "kind: ") << kinds_text(lg, m.kinds) << "\n"
                     << tr(lg, "主题：", "topic: ") << m.topic << "\n"
                     << tr(lg, "出席：", "present: ") << m.present.size() << "/" << m.should_attend << " " << pr << "\n"
                     << tr(lg, "缺席：", "absent: ") << (absent_text.empty() ? "-" : absent_text) << "\n";
            if (!m.speaker.empty())
              *cli.out << tr(lg, "讲课人：", "speaker: ") << m.speaker << (m.by_secretary ? tr(lg, "（书记）", " (secretary)") : "") << "\n";
            if (!m.minutes.empty()) *cli.out << tr(lg, "会议记录：", "minutes: ") << m.minutes << "\n";
          }
          return 0;
        }
        return cli.fail(Error::not_found({"组织 " + a->org + " 没有编号为 " + std::to_string(a->no) + " 的会议",
                                          "organisation " + a->org + " has no meeting no. " + std::to_string(a->no)}));
      };
    });
  }
}

void register_talk(CLI::App& app, Cli& cli) {
  const Lang l = cli.lang;
  auto* talk = app.add_subcommand("talk", tr(l, "谈心谈话", "heart-to-heart talks"));
  talk->require_subcommand(1);
  struct Args { std::string org, with, by, date, topic; };
  auto a = std::make_shared<Args>();
  auto* cmd = talk->add_subcommand("add", tr(l, "记录一次谈心谈话", "record a talk"));
  cmd->add_option("--with", a->with, tr(l, "谈话对象（姓名或编号）", "talked with (name or id)"))->required();
  cmd->add_option("--by", a->by, tr(l, "谈话人（姓名或编号）", "talked by (name or id)"))->required();
  cmd->add_option("--date", a->date, tr(l, "日期", "date"))->required();
  cmd->add_option("--topic", a->topic, tr(l, "谈话内容", "topic"));
  cmd->add_option("--org", a->org, tr(l, "组织代码（默认谈话对象所在组织）", "organisation code (default: that of --with)"));
  cmd->callback([&cli, a] {
    cli.action = [&cli, a]() -> int {
      if (auto s = cli.open(); !s) return cli.fail(s.error());
      auto date = engine::Date::parse(a->date);
      if (!date) return cli.fail(Error::invalid({"--date 应为 YYYY-MM-DD 格式的日期：" + a->date, "--date must be a date YYYY-MM-DD, got " + a->date}));
      auto with = find_person(cli, a->org, a->with);
      if (!with) return cli.fail(with.error());
      const std::string org = a->org.empty() ? with->branch : a->org;
      auto by = find_person(cli, org, a->by);
      if (!by) return cli.fail(by.error());
      auto c = life_case(cli, org);
      if (!c) return cli.fail(c.error());
      engine::Inputs in{{"with", std::to_string(with->id)}, {"by", std::to_string(by->id)}};
      if (!a->topic.empty()) in["topic"] = a->topic;
      auto o = cli.engine->record(c->id, {"talk", *date, in, "", "", cli.actor});
      return print_step(cli, o, {{"covers_all", o && o->event.inputs.count("covers") > 0}});
    };
  });
}

void register_dues(CLI::App& app, Cli& cli) {
  const Lang l = cli.lang;
  auto* dues = app.add_subcommand("dues", tr(l, "党费：交纳记录、导入、欠交", "party dues: payments, import, arrears"));
  dues->require_subcommand(1);
  {
    struct Args { std::string person, months, amount, date, org; };
    auto a = std::make_shared<Args>();
    auto* cmd = dues->add_subcommand("pay", tr(l, "记录一名党员交纳党费（可一次交多个月）", "record a member's payment (one or more months)"));
    cmd->add_option("--person", a->person, tr(l, "党员（姓名或编号）", "member (name or id)"))->required();
    cmd->add_option("--month", a->months, tr(l, "所交月份 YYYY-MM（逗号分隔）", "months paid for, YYYY-MM (comma-separated)"))->required();
    cmd->add_option("--amount", a->amount, tr(l, "每月金额（元）", "amount per month (yuan)"))->required();
    cmd->add_option("--date", a->date, tr(l, "交纳日期（默认今天）", "date paid (default today)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码（默认该党员所在组织）", "organisation code (default: the member's)"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        auto step = member_step(cli, a->org, a->person, a->date);
        if (!step) return cli.fail(step.error());
        engine::Inputs with;
        const auto months = split_list(a->months);
        for (const auto& m : months) with["dues:" + std::to_string(step->person.id) + ":" + m] = a->amount;
        auto o = cli.engine->record(step->life.id, {"dues", step->date, with, "", "", cli.actor});
        // R19 (rules.md [S], "generally"): arrears are made up at most life.dues.makeup_months back.
        Json late = Json::array();
        if (o) {
          const int limit = cli.engine->config().get_int(engine::dues::kSettingMakeupMonths, 6);
          for (const auto& m : months)
            if (m.size() == 7 && engine::dues::months_between(m, step->date.iso().substr(0, 7)) > limit) late.push_back(m);
          if (!late.empty() && !cli.json)
            *cli.err << tr(cli.lang, engine::Text{"提示：补交超过 " + std::to_string(limit) + " 个月前的党费（",
                                                  "note: dues made up more than " + std::to_string(limit) + " months back ("})
                     << late.dump() << tr(cli.lang, "）；补交党费的时间一般不超过6个月：", "); arrears are generally made up at most 6 months back: ")
                     << tr(cli.lang, engine::dues::article("R19")) << "\n";
        }
        const bool central = o && std::find(o->event.flags.begin(), o->event.flags.end(), "dues-to-central") != o->event.flags.end();
        if (central && !cli.json)
          *cli.err << tr(cli.lang, "提示：自愿一次多交纳1000元以上的党费，全部上缴中央：", "note: a voluntary extra of 1,000 yuan or more goes to the Central Committee: ")
                   << tr(cli.lang, engine::dues::article("R18-central")) << "\n";
        return print_step(cli, o, {{"person", o ? step->person.id : 0}, {"made_up_late", late}, {"to_central", central}});
      };
    });
  }
  {
    struct Args { std::string file, org; };
    auto a = std::make_shared<Args>();
    auto* cmd = dues->add_subcommand("import", tr(l, "从 CSV 导入党费记录（姓名或编号,月份,金额,交纳日期），全部成功或全部不写入",
                                                  "import payments from CSV (person,month,amount,date paid): all or nothing"));
    cmd->add_option("file", a->file, tr(l, "CSV 文件", "CSV file"))->required();
    cmd->add_option("--org", a->org, tr(l, "组织代码", "organisation code"))->required();
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        std::ifstream in(a->file);
        if (!in) return cli.fail(Error::not_found({"无法读取文件：" + a->file, "cannot read " + a->file}));
        auto c = life_case(cli, a->org);
        if (!c) return cli.fail(c.error());
        engine::Inputs with;
        std::optional<engine::Date> latest;
        std::string line;
        int n = 0, rows = 0;
        while (std::getline(in, line)) {
          ++n;
          if (!line.empty() && line.back() == '\r') line.pop_back();
          if (line.empty()) continue;
          std::vector<std::string> cells;
          std::stringstream ss(line);
          for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
          if (n == 1 && !cells.empty() && (cells[0] == "person" || cells[0] == "姓名" || cells[0] == "党员")) continue;
          const std::string where = a->file + ":" + std::to_string(n);
          if (cells.size() != 4)
            return cli.fail(Error::invalid({where + "：每行应为 姓名或编号,月份,金额,交纳日期", where + ": each row is person,month,amount,date paid"}));
          auto p = find_person(cli, a->org, cells[0]);
          if (!p) return cli.fail(Error{p.error().code, {where + "：" + p.error().message.zh, where + ": " + p.error().message.en}, {}, {}, {}});
          auto paid = engine::Date::parse(cells[3]);
          if (!paid) return cli.fail(Error::invalid({where + "：交纳日期无效：" + cells[3], where + ": bad date paid " + cells[3]}));
          const std::string key = "dues:" + std::to_string(p->id) + ":" + cells[1];
          if (with.count(key)) return cli.fail(Error::invalid({where + "：重复的记录", where + ": duplicate row"}));
          with[key] = cells[2] + "@" + paid->iso();
          if (!latest || *paid > *latest) latest = *paid;
          ++rows;
        }
        if (!rows) return cli.fail(Error::invalid({a->file + "：没有记录", a->file + ": no rows"}));
        return print_step(cli, cli.engine->record(c->id, {"dues", *latest, with, "", a->file, cli.actor}), {{"rows", rows}});
      };
    });
  }
  {
    struct Args { std::string org; int min = 1; };
    auto a = std::make_shared<Args>();
    auto* cmd = dues->add_subcommand("arrears", tr(l, "欠交党费的党员（截至上月）", "members with unpaid months (up to last month)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码（默认所有已记录的组织）", "organisation code (default: every ledger)"));
    cmd->add_option("--min", a->min, tr(l, "至少欠交几个月（默认 1）", "at least this many unpaid months (default 1)"))->check(CLI::Range(1, 600));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        const Lang lg = cli.lang;
        const engine::Date today = cli.engine->today();
        auto cases = ledgers(cli, a->org);
        if (!cases) return cli.fail(cases.error());
        Json arr = Json::array();
        const int warn = cli.engine->config().get_int(engine::dues::kSettingWarnMonths, 3);
        Table t({tr(lg, "组织", "org"), "#", tr(lg, "姓名", "name"), tr(lg, "欠交月数", "months"), tr(lg, "欠交金额（元）", "owed (yuan)"),
                 tr(lg, "欠交月份", "unpaid")});
        for (const auto& c : cases.value()) {
          auto h = ledger(cli, c);
          if (!h) return cli.fail(h.error());
          const auto f = L::facts(h.value());
          auto people = cli.store->list_persons(c.branch);
          if (!people) return cli.fail(people.error());
          for (const auto& p : people.value()) {
            if (p.status == engine::MemberStatus::None) continue;
            engine::Date since = f.started;
            if (p.joined && *p.joined > since) since = *p.joined;
            const auto unpaid = L::unpaid_months(f, p.id, since, today);
            if (static_cast<int>(unpaid.size()) < a->min) continue;
            std::string months;
            for (const auto& m : unpaid) months += (months.empty() ? "" : " ") + m;
            // What the unpaid months come to at the member's standard (R15-R18), when known.
            engine::dues::Cents owed = 0;
            bool known = true;
            for (const auto& m : unpaid) {
              auto st = engine::dues::standard(f, p.id, m);
              if (st) owed += st->amount;
              else known = false;
            }
            // Three unpaid months: criticism and a deadline to correct (practice, rules.md §6.4).
            const bool warning = static_cast<int>(unpaid.size()) >= warn;
            arr.push_back({{"org", c.branch}, {"person", p.id}, {"name", p.name}, {"months", unpaid.size()}, {"unpaid", unpaid},
                           {"owed", known ? Json(engine::dues::yuan(owed)) : Json(nullptr)}, {"warning", warning}});
            t.add({c.branch, std::to_string(p.id), p.name, std::to_string(unpaid.size()) + (warning ? tr(lg, "（应批评教育、限期改正）", " (warn)") : ""),
                   known ? engine::dues::yuan(owed) : "-", months});
          }
        }
        if (cli.json) cli.print_json(arr);
        else if (t.empty()) *cli.out << tr(lg, "无\n", "none\n");
        else t.print(*cli.out);
        return 0;
      };
    });
  }
  {
    struct Args { std::string person, category, base, from, date, org; };
    auto a = std::make_shared<Args>();
    auto* cmd = dues->add_subcommand("base", tr(l, "记录党员交纳党费的类别和月收入（自某月起按新标准交纳）",
                                                "record a member's category and monthly income (the standard from a month on)"));
    cmd->add_option("--person", a->person, tr(l, "党员（姓名或编号）", "member (name or id)"))->required();
    cmd->add_option("--category", a->category, tr(l, "类别：在职、离退休、农民、学生、下岗失业、低保", "category: working, retired, farmer, student, unemployed, relief"))->required();
    cmd->add_option("--base", a->base, tr(l, "月收入（税后，元；在职、离退休党员必填）", "monthly income after tax (yuan; working and retired members)"));
    cmd->add_option("--from", a->from, tr(l, "自哪个月起 YYYY-MM（领取新工资的当月）", "from month YYYY-MM (the month the new pay is received)"))->required();
    cmd->add_option("--date", a->date, tr(l, "记录日期（默认今天）", "date recorded (default today)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码（默认该党员所在组织）", "organisation code (default: the member's)"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        auto step = member_step(cli, a->org, a->person, a->date);
        if (!step) return cli.fail(step.error());
        engine::Inputs with{{"person", std::to_string(step->person.id)}, {"category", a->category}, {"from", a->from}};
        if (!a->base.empty()) with["base"] = a->base;
        auto o = cli.engine->record(step->life.id, {"dues-base", step->date, with, "", "", cli.actor});
        if (!o) return cli.fail(o.error());
        auto h = ledger(cli, o->c);
        if (!h) return cli.fail(h.error());
        auto st = engine::dues::standard(L::facts(h.value()), step->person.id, a->from);
        Json extra = {{"person", step->person.id}, {"from", a->from}};
        if (st) extra["standard"] = engine::dues::yuan(st->amount), extra["rule"] = st->rule;
        if (st && !cli.json)
          *cli.out << tr(cli.lang, "每月应交党费 ", "monthly dues ") << engine::dues::yuan(st->amount) << tr(cli.lang, " 元（", " yuan (")
                   << tr(cli.lang, st->basis) << tr(cli.lang, "；", "; ") << tr(cli.lang, st->article) << tr(cli.lang, "）", ")") << "\n";
        return print_step(cli, o, extra);
      };
    });
  }
  {
    struct Args { std::string person, from, to, amount, study, ref, date, org; };
    auto a = std::make_shared<Args>();
    auto* cmd = dues->add_subcommand("relief", tr(l, "记录经批准少交或免交党费（须党支部研究并报上一级党委批准）",
                                                  "record an approved reduction or exemption (the branch's study and the superior's approval)"));
    cmd->add_option("--person", a->person, tr(l, "党员（姓名或编号）", "member (name or id)"))->required();
    cmd->add_option("--from", a->from, tr(l, "自哪个月起 YYYY-MM", "first month YYYY-MM"))->required();
    cmd->add_option("--to", a->to, tr(l, "至哪个月止 YYYY-MM（默认不限）", "last month YYYY-MM (default open-ended)"));
    cmd->add_option("--amount", a->amount, tr(l, "每月交纳金额（元，0 为免交）", "monthly amount (yuan, 0 exempts)"))->required();
    cmd->add_option("--study", a->study, tr(l, "党支部研究的会议记录", "minutes of the branch's study"))->required();
    cmd->add_option("--ref", a->ref, tr(l, "上一级党委的批准文件", "the superior committee's approval"))->required();
    cmd->add_option("--date", a->date, tr(l, "记录日期（默认今天）", "date recorded (default today)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码（默认该党员所在组织）", "organisation code (default: the member's)"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        auto step = member_step(cli, a->org, a->person, a->date);
        if (!step) return cli.fail(step.error());
        engine::Inputs with{{"person", std::to_string(step->person.id)}, {"from", a->from}, {"amount", a->amount}, {"study", a->study}};
        if (!a->to.empty()) with["to"] = a->to;
        return print_step(cli, cli.engine->record(step->life.id, {"dues-relief", step->date, with, "", a->ref, cli.actor}), {{"person", step->person.id}});
      };
    });
  }
  {
    struct Args { std::string person, month, org; };
    auto a = std::make_shared<Args>();
    auto* cmd = dues->add_subcommand("standard", tr(l, "党员某月应交党费及其依据", "a member's monthly standard and its basis"));
    cmd->add_option("--person", a->person, tr(l, "党员（姓名或编号）", "member (name or id)"))->required();
    cmd->add_option("--month", a->month, tr(l, "月份 YYYY-MM（默认本月）", "month YYYY-MM (default this month)"));
    cmd->add_option("--org", a->org, tr(l, "组织代码（默认该党员所在组织）", "organisation code (default: the member's)"));
    cmd->callback([&cli, a] {
      cli.action = [&cli, a]() -> int {
        if (auto s = cli.open(); !s) return cli.fail(s.error());
        auto p = find_person(cli, a->org, a->person);
        if (!p) return cli.fail(p.error());
        auto c = life_case(cli, a->org.empty() ? p->branch : a->org);
        if (!c) return cli.fail(c.error());
        const std::string month = a->month.empty() ? cli.engine->today().iso().substr(0, 7) : a->month;
        if (month.size() != 7 || !engine::Date::parse(month + "-01"))
          return cli.fail(Error::invalid({"--month 应为 YYYY-MM：" + month, "--month must be YYYY-MM, got " + month}));
        auto h = ledger(cli, c.value());
        if (!h) return cli.fail(h.error());
        auto st = engine::dues::standard(L::facts(h.value()), p->id, month);
        if (!st)
          return cli.fail(Error::not_found({p->name + " 尚未记录党费计算基数（djflow dues base）", p->name + " has no dues base recorded (djflow dues base)"}));
        if (cli.json) {
          cli.print_json({{"person", p->id}, {"name", p->name}, {"month", month}, {"standard", engine::dues::yuan(st->amount)},
                          {"rule", st->rule}, {"basis", tr(cli.lang, st->basis)}, {"article", tr(cli.lang, st->article)},
                          {"relief", st->relief}});
        } else {
          *cli.out << p->name << " " << month << tr(cli.lang, " 应交党费 ", " dues ") << engine::dues::yuan(st->amount)
                   << tr(cli.lang, " 元：", " yuan: ") << tr(cli.lang, st->basis) << "\n  " << tr(cli.lang, st->article) << "\n";
        }
        return 0;
      };
    });
  }
}

}  // namespace

void register_life_commands(CLI::App& app, Cli& cli) {
  register_life(app, cli);
  register_meeting(app, cli);
  register_talk(app, cli);
  register_dues(app, cli);
}

}  // namespace djflow::cli
