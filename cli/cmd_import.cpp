// import roster|members|rectify FILE and import template: a branch's existing paperwork taken in
// from a spreadsheet (CSV or XLSX). Every cell is checked first (nothing written); then the whole
// file runs as one write transaction around the engine's own (SAVEPOINTs, decision 0081), so all
// rows commit or none; --partial commits the good rows, --dry-run none. Pipeline rows are
// replayed through the engine step by step, all rows' steps in date order (as a secretary would
// have entered them), so every guard applies. Re-importing the same file changes nothing.
#include <algorithm>
#include <set>

#include "cli/app.hpp"
#include "cli/people.hpp"
#include "cli/import_columns.hpp"
#include "cli/import_rectify_steps.hpp"
#include "cli/rectify_item.hpp"

namespace djflow::cli {

using engine::Date;
using engine::Error;

namespace {

struct ImportArgs {
  std::string file, errors;
  bool dry_run = false, partial = false;
  std::int64_t batch = 0;
};

struct Summary {
  std::size_t rows = 0, created = 0, unchanged = 0, steps = 0, skipped_steps = 0, cases = 0;
  bool refused = false;  // an engine refusal (exit 1) rather than bad input (exit 2)
};

// Organisation by code or by name.
engine::Result<std::optional<std::string>> org_code(Cli& cli, const std::string& v) {
  auto b = cli.store->find_branch(v);
  DJFLOW_TRY(b);
  if (b.value()) return std::optional<std::string>(v);
  auto all = cli.store->list_branches();
  DJFLOW_TRY(all);
  for (const auto& x : all.value())
    if (x.name == v) return std::optional<std::string>(x.code);
  return std::optional<std::string>();
}

std::string person_key(const std::string& name, const std::string& org, Date born) {
  return name + "\x1f" + org + "\x1f" + born.iso();
}

// The people already registered, by name + organisation + birth date.
struct Directory {
  std::map<std::string, engine::Person> by_key;    // name + organisation + birth date
  std::map<std::string, engine::Person> by_id_key;  // 工号
  std::map<std::string, std::vector<engine::Person>> by_org_name;
  engine::Status load(Cli& cli) {
    auto all = cli.store->list_persons(std::nullopt);
    DJFLOW_TRY(all);
    for (const auto& p : all.value()) add(p);
    return {};
  }
  void add(const engine::Person& p) {
    by_key[person_key(p.name, p.branch, p.born)] = p;
    if (!p.key.empty()) by_id_key[p.key] = p;
    by_org_name[p.branch + "\x1f" + p.name].push_back(p);
  }
  // Matched on the key (工号) when the row gives one, else on name + organisation + birth date.
  const engine::Person* find(const std::string& key, const std::string& name, const std::string& org, Date born) const {
    if (!key.empty()) {
      auto k = by_id_key.find(key);
      if (k != by_id_key.end()) return &k->second;
    }
    auto it = by_key.find(person_key(name, org, born));
    return it == by_key.end() ? nullptr : &it->second;
  }
};

// Prints the outcome and writes the report; the exit code is 0 without problems, 2 when a cell
// or row is wrong, 1 when only rules refused steps (--partial: the same, though the good rows
// were committed).
int report(Cli& cli, const ImportArgs& a, const char* kind, const Summary& s, const std::vector<ImportProblem>& problems,
           bool committed, bool input_problems) {
  if (!a.errors.empty() && !problems.empty())
    if (auto st = write_problem_report(a.errors, problems); !st) return cli.fail(st.error());
  const int code = problems.empty() ? 0 : (!input_problems && s.refused ? 1 : 2);
  if (cli.json) {
    cli.print_json({{"import", kind}, {"file", a.file}, {"dry_run", a.dry_run}, {"partial", a.partial},
                    {"committed", committed}, {"rows", s.rows}, {"persons_created", s.created},
                    {"unchanged", s.unchanged}, {"cases_started", s.cases}, {"steps_recorded", s.steps},
                    {"steps_already_recorded", s.skipped_steps}, {"problems", problems_json(problems)},
                    {"errors_file", a.errors.empty() || problems.empty() ? Json(nullptr) : Json(a.errors)}});
  } else {
    auto& o = *cli.out;
    const Lang l = cli.lang;
    o << tr(l, "读取 ", "read ") << s.rows << tr(l, " 行；新登记人员 ", " rows; persons registered ") << s.created
      << tr(l, "，新建流程 ", ", cases started ") << s.cases << tr(l, "，记录步骤 ", ", steps recorded ") << s.steps
      << tr(l, "，已有未变 ", ", already there ") << s.unchanged + s.skipped_steps << "\n";
    if (a.dry_run) o << tr(l, "试运行（--dry-run）：未写入任何内容\n", "dry run (--dry-run): nothing written\n");
    else if (!committed) o << tr(l, "有问题，整个文件未导入（--partial 可只导入无误的行）\n",
                                 "problems found: nothing of the file was imported (--partial imports the good rows)\n");
    else if (!problems.empty()) o << tr(l, "已导入无误的行；有问题的行未导入\n", "the good rows were imported; the rows with problems were not\n");
    for (const auto& p : problems) *cli.err << p.line(l) << "\n";
    if (!a.errors.empty() && !problems.empty())
      o << tr(l, "错误报告：", "error report: ") << a.errors << "\n";
  }
  return code;
}

// --- roster ---------------------------------------------------------------------------------

struct RosterEntry {
  std::size_t row = 0;
  engine::Person p;
  std::string joined_header;  // as written in the file (the column of a refused probation case)
};

std::optional<engine::MemberStatus> roster_status(const std::string& v) {
  if (v == "正式党员" || v == "full") return engine::MemberStatus::Full;
  if (v == "预备党员" || v == "probationary") return engine::MemberStatus::Probationary;
  if (v == "入党积极分子" || v == "积极分子" || v == "入党申请人" || v == "发展对象" || v == "群众" || v == "none" ||
      v == "activist" || v == "applicant")
    return engine::MemberStatus::None;
  return std::nullopt;
}

int import_roster(Cli& cli, const ImportArgs& a) {
  if (auto s = cli.open(); !s) return cli.fail(s.error());
  auto sheet = ImportSheet::read(a.file, roster_columns());
  if (!sheet) return cli.fail(sheet.error());
  auto& sh = sheet.value();
  Summary sum;
  sum.rows = sh.rows.size();
  std::vector<RosterEntry> entries;
  std::set<std::string> seen;
  const Date today = cli.engine->today();
  for (const auto& r : sh.rows) {
    bool ok = sh.require(r, "name") & sh.require(r, "org") & sh.require(r, "born") & sh.require(r, "status");
    RosterEntry e;
    e.row = r.row;
    e.p.name = r.get("name");
    if (r.has("org")) {
      auto code = org_code(cli, r.get("org"));
      if (!code) return cli.fail(code.error());
      if (!code.value()) {
        sh.problem(r, "org", {"组织不存在（先用 djflow branch add 登记）", "no such organisation (djflow branch add)"});
        ok = false;
      } else {
        e.p.branch = *code.value();
      }
    }
    auto born = sh.date(r, "born");
    if (born && *born > today) {
      sh.problem(r, "born", {"出生日期晚于今天", "the date of birth is after today"});
      ok = false;
    }
    std::optional<engine::MemberStatus> status;
    if (r.has("status")) status = roster_status(r.get("status"));
    if (r.has("status") && !status) {
      sh.problem(r, "status", {"政治面貌应为 正式党员、预备党员、入党积极分子、入党申请人 或 群众",
                               "status must be 正式党员, 预备党员, 入党积极分子, 入党申请人 or 群众"});
      ok = false;
    }
    auto joined = sh.date(r, "joined");
    if (r.has("joined") && !joined) ok = false;
    if (!born) ok = false;
    if (status && *status != engine::MemberStatus::None && !r.has("joined")) {
      sh.problem(r, "joined", {"党员须填入党时间（正式党员填转正日期，预备党员填接收日期）",
                               "a member needs the joined date (full: the date of full membership; probationary: the admission)"});
      ok = false;
    }
    if (status && *status == engine::MemberStatus::None && joined) {
      sh.problem(r, "joined", {"非党员不填入党时间", "only members have a joined date"});
      ok = false;
    }
    if (born && joined && (*joined > today || *joined < born->add_years(18))) {
      sh.problem(r, "joined", {*joined > today ? "入党时间晚于今天" : "入党时间早于年满十八周岁之日",
                               *joined > today ? "the joined date is after today" : "the joined date is before the 18th birthday"});
      ok = false;
    }
    if (!ok) continue;
    e.p.born = *born;
    e.p.status = *status;
    e.p.joined = joined;
    e.p.key = r.get("key");
    e.p.phone = r.get("phone");
    e.joined_header = r.header("joined", *sh.specs);
    if (!e.p.key.empty() && !seen.insert("key\x1f" + e.p.key).second) {
      sh.problem(r, "key", {"与前面一行的工号相同", "the same key as an earlier row"});
      continue;
    }
    if (!seen.insert(person_key(e.p.name, e.p.branch, e.p.born)).second) {
      sh.problem(r, "name", {"与前面一行是同一人（姓名、组织、出生日期相同）", "the same person as an earlier row (name, organisation, birth date)"});
      continue;
    }
    entries.push_back(std::move(e));
  }
  if (!sh.problems.empty() && !a.partial) return report(cli, a, "roster", sum, sh.problems, false, true);
  const bool input_problems = !sh.problems.empty();

  Directory dir;
  if (auto s = dir.load(cli); !s) return cli.fail(s.error());
  engine::WriteTransaction tx(*cli.store);
  if (auto s = tx.begin(); !s) return cli.fail(s.error());
  for (const auto& e : entries) {
    if (const auto* old = dir.find(e.p.key, e.p.name, e.p.branch, e.p.born)) {
      if (old->name == e.p.name && old->branch == e.p.branch && old->born == e.p.born && old->status == e.p.status &&
          old->joined == e.p.joined && old->key == e.p.key && old->phone == e.p.phone) {
        // Registered by an earlier version without the case: it gets it now.
        auto started = ensure_probation_case(cli, *old);
        if (!started) {
          if (started.error().code == engine::ErrorCode::Storage) return cli.fail(started.error());
          sh.problems.push_back({e.row, e.joined_header, e.p.joined ? e.p.joined->iso() : "", started.error().message});
          continue;
        }
        if (started.value()) {
          ++sum.cases;
          ++sum.steps;
        } else {
          ++sum.unchanged;
        }
        continue;
      }
      sh.problems.push_back({e.row, "", e.p.name,
                             {"已登记（#" + std::to_string(old->id) + "），登记的信息（姓名、组织、出生日期、政治面貌、入党时间、工号或手机号）与表中不同；请核对后用 djflow person edit 更正",
                              "already registered (#" + std::to_string(old->id) +
                                  ") with other details (name, organisation, birth date, status, joined, key or phone); check and correct with djflow person edit"}});
      continue;
    }
    auto id = cli.engine->add_person(e.p);
    if (!id) {
      sh.problems.push_back({e.row, "", e.p.name, id.error().message});
      continue;
    }
    ++sum.created;
    engine::Person added = e.p;
    added.id = id.value();
    auto started = ensure_probation_case(cli, added);
    if (!started) {
      if (started.error().code == engine::ErrorCode::Storage) return cli.fail(started.error());
      sh.problems.push_back({e.row, e.joined_header, e.p.joined ? e.p.joined->iso() : "", started.error().message});
      continue;
    }
    if (started.value()) {
      ++sum.cases;
      ++sum.steps;
    }
  }
  const bool commit = !a.dry_run && (sh.problems.empty() || a.partial);
  if (commit)
    if (auto s = tx.commit(); !s) return cli.fail(s.error());
  return report(cli, a, "roster", sum, sh.problems, commit, input_problems || !sh.problems.empty());
}

// --- members (the development pipeline) -------------------------------------------------------

struct PlannedStep {
  Date date;
  std::string date_key;  // the column the step's date came from (for the report)
  engine::StepInput in;
};

struct MemberEntry {
  std::size_t row = 0;
  std::string name, org, key;
  Date born;
  std::vector<PlannedStep> steps;  // in the order of the pipeline
  std::map<std::string, std::string> headers;  // column key -> header as written in the file
};

// Names of registered people in `org` as "ID,ID"; a problem when one is unknown or ambiguous.
std::optional<std::string> resolve_names(ImportSheet& sh, const ImportRow& r, const std::string& key, const Directory& dir,
                                         const std::string& org) {
  std::string ids;
  for (const auto& n : split_names(r.get(key))) {
    auto it = dir.by_org_name.find(org + "\x1f" + n);
    if (it == dir.by_org_name.end()) {
      sh.problem(r, key, {"“" + n + "”未登记在本组织（先导入人员名册）", "'" + n + "' is not registered in the organisation (import the roster first)"});
      return std::nullopt;
    }
    if (it->second.size() > 1) {
      sh.problem(r, key, {"本组织有 " + std::to_string(it->second.size()) + " 人名为“" + n + "”，无法区分",
                          std::to_string(it->second.size()) + " people in the organisation are named '" + n + "'"});
      return std::nullopt;
    }
    ids += (ids.empty() ? "" : ",") + std::to_string(it->second.front().id);
  }
  return ids;
}

// Reads one row into its planned steps; false when a problem was recorded.
bool plan_row(Cli& cli, ImportSheet& sh, const ImportRow& r, const Directory& dir, MemberEntry& e) {
  const std::size_t before = sh.problems.size();
  sh.require(r, "name");
  sh.require(r, "org");
  sh.require(r, "born");
  sh.require(r, "apply_date");
  e.row = r.row;
  e.headers = r.headers;
  e.name = r.get("name");
  e.key = r.get("key");
  if (r.has("org")) {
    auto code = org_code(cli, r.get("org"));
    if (!code || !code.value()) sh.problem(r, "org", {"组织不存在（先用 djflow branch add 登记）", "no such organisation (djflow branch add)"});
    else e.org = *code.value();
  }
  if (auto b = sh.date(r, "born")) e.born = *b;
  std::optional<Date> last;
  std::string last_key;
  const std::string note = r.get("note");
  for (const auto& st : pipeline_steps()) {
    if (!r.has(st.date_key)) continue;
    std::vector<Date> dates;
    if (std::string(st.date_key) == "review_dates") {
      for (const auto& t : split_names(r.get(st.date_key))) {
        auto d = parse_sheet_date(t);
        if (!d) {
          sh.problem(r, st.date_key, {"“" + t + "”不是有效日期", "'" + t + "' is not a valid date"});
          continue;
        }
        dates.push_back(*d);
      }
    } else if (auto d = sh.date(r, st.date_key)) {
      dates.push_back(*d);
    }
    for (const Date d : dates) {
      if (last && d < *last) {
        sh.problem(r, st.date_key, {"早于前一步骤（" + r.header(last_key, *sh.specs) + " " + last->iso() + "）",
                                    "earlier than the step before (" + r.header(last_key, *sh.specs) + " " + last->iso() + ")"});
      }
      last = d;
      last_key = st.date_key;
      PlannedStep p{d, st.date_key, {st.event, d, {}, "", "", cli.actor}};
      const std::string ev = st.event;
      auto votes = [&](const std::string& prefix) {
        for (const char* k : {"eligible", "present", "yes"}) {
          const std::string key = prefix + "_" + k;
          if (!sh.require(r, key)) continue;
          if (auto n = sh.count(r, key)) p.in.with[k] = std::to_string(*n);
        }
        p.in.note = note;
      };
      if (ev == "mentors" || ev == "sponsors") {
        if (sh.require(r, ev))
          if (auto ids = e.org.empty() ? std::nullopt : resolve_names(sh, r, ev, dir, e.org)) p.in.with[ev] = *ids;
      } else if (ev == "publicize") {
        if (sh.require(r, "publicize_from"))
          if (auto f = sh.date(r, "publicize_from")) p.in.with["from"] = f->iso();
        p.in.with["to"] = d.iso();
      } else if (ev == "political-review") {
        const std::string v = r.get("political_review_result");
        if (v.empty() || v == "合格" || v == "pass") p.in.with["result"] = "pass";
        else if (v == "不合格" || v == "fail") p.in.with["result"] = "fail";
        else sh.problem(r, "political_review_result", {"应为 合格 或 不合格", "must be 合格 (pass) or 不合格 (fail)"});
      } else if (ev == "training") {
        if (auto n = sh.count(r, "training_days")) p.in.with["days"] = std::to_string(*n);
        if (auto n = sh.count(r, "training_hours")) p.in.with["hours"] = std::to_string(*n);
        if (!r.has("training_days") && !r.has("training_hours"))
          sh.problem(r, "training_date", {"须填培训天数或培训学时", "give the training days or hours"});
      } else if (ev == "admit") {
        votes("admit");
      } else if (ev == "convert") {
        votes("convert");
      } else if (ev == "approve") {
        p.in.note = note;
      }
      e.steps.push_back(std::move(p));
    }
  }
  for (const char* k : {"mentors", "sponsors"})
    if (r.has(k) && !r.has(std::string(k) + "_date"))
      sh.problem(r, k, {"须同时填写其日期列", "its date column must be filled too"});
  return sh.problems.size() == before;
}

// One pass of the pipeline replay inside the caller's transaction; rows in `skip` are left out.
// Returns the rows that failed (their problems appended).
engine::Result<std::set<std::size_t>> replay_members(Cli& cli, const std::vector<MemberEntry>& entries,
                                                     const std::set<std::size_t>& skip, Summary& sum,
                                                     std::vector<ImportProblem>& problems, const ImportSheet& sh) {
  Directory dir;
  DJFLOW_TRY(dir.load(cli));
  std::set<std::size_t> failed;
  std::vector<engine::PersonId> person(entries.size(), 0);
  std::vector<engine::CaseId> case_of(entries.size(), 0);
  std::vector<std::size_t> first_new(entries.size(), 0);  // steps already in the history
  auto fail_row = [&](std::size_t i, const std::string& key, const std::string& value, engine::Text what) {
    const auto& e = entries[i];
    std::string col = key;
    for (const auto& s : *sh.specs)
      if (s.key == key) col = s.zh;
    if (auto h = e.headers.find(key); h != e.headers.end()) col = h->second;
    problems.push_back({e.row, col, value, std::move(what)});
    failed.insert(i);
  };
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (skip.count(i)) continue;
    const auto& e = entries[i];
    if (const auto* p = dir.find(e.key, e.name, e.org, e.born)) {
      person[i] = p->id;
      engine::CaseFilter f;
      f.workflow = "member";
      f.person = p->id;
      auto cases = cli.store->list_cases(f);
      DJFLOW_TRY(cases);
      if (cases.value().empty()) continue;
      const auto& c = *std::max_element(cases.value().begin(), cases.value().end(),
                                        [](const auto& x, const auto& y) { return x.id < y.id; });
      auto history = cli.store->events(c.id);
      DJFLOW_TRY(history);
      std::size_t k = 0;
      bool differs = false;
      for (const auto& ev : history.value()) {
        if (k >= e.steps.size()) break;
        if (ev.event != e.steps[k].in.event || ev.date != e.steps[k].date) {
          fail_row(i, e.steps[k].date_key, e.steps[k].date.iso(),
                   {"与已记录的流程 #" + std::to_string(c.id) + " 不一致：第" + std::to_string(ev.seq) + "步已记录为 " + ev.event +
                        " " + ev.date.iso() + "（更正请用 djflow correct）",
                    "differs from the recorded case #" + std::to_string(c.id) + ": step " + std::to_string(ev.seq) +
                        " was recorded as " + ev.event + " " + ev.date.iso() + " (correct it with djflow correct)"});
          differs = true;
          break;
        }
        ++k;
      }
      if (differs) continue;
      case_of[i] = c.id;
      first_new[i] = k;
      sum.skipped_steps += k;
      if (k == e.steps.size()) ++sum.unchanged;
      continue;
    }
    engine::Person p;
    p.name = e.name;
    p.branch = e.org;
    p.born = e.born;
    p.key = e.key;
    auto id = cli.engine->add_person(p);
    if (!id) {
      fail_row(i, "name", e.name, id.error().message);
      continue;
    }
    person[i] = id.value();
    ++sum.created;
  }
  // Every row's remaining steps in date order (rows and steps in file order on the same day).
  struct Task { Date date; std::size_t row, step; };
  std::vector<Task> tasks;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (skip.count(i) || failed.count(i)) continue;
    for (std::size_t k = first_new[i]; k < entries[i].steps.size(); ++k) tasks.push_back({entries[i].steps[k].date, i, k});
  }
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& x, const Task& y) { return x.date < y.date; });
  for (const auto& t : tasks) {
    if (failed.count(t.row)) continue;
    const auto& st = entries[t.row].steps[t.step];
    engine::Result<engine::StepOutcome> o = Error::storage("unreached");
    if (case_of[t.row] == 0) {
      engine::CaseSubject subject;
      subject.person = person[t.row];
      o = cli.engine->start("member", subject, st.in);
      if (o) {
        case_of[t.row] = o->c.id;
        ++sum.cases;
      }
    } else {
      o = cli.engine->record(case_of[t.row], st.in);
    }
    if (!o) {
      if (o.error().code == engine::ErrorCode::Storage) return o.error();
      if (o.error().code == engine::ErrorCode::Refused) sum.refused = true;
      fail_row(t.row, st.date_key, st.date.iso(), o.error().message);
      continue;
    }
    ++sum.steps;
  }
  return failed;
}

int import_members(Cli& cli, const ImportArgs& a) {
  if (auto s = cli.open(); !s) return cli.fail(s.error());
  auto sheet = ImportSheet::read(a.file, member_columns());
  if (!sheet) return cli.fail(sheet.error());
  auto& sh = sheet.value();
  Directory dir;
  if (auto s = dir.load(cli); !s) return cli.fail(s.error());
  Summary sum;
  sum.rows = sh.rows.size();
  std::vector<MemberEntry> entries;
  std::set<std::string> seen;
  for (const auto& r : sh.rows) {
    MemberEntry e;
    if (!plan_row(cli, sh, r, dir, e)) continue;
    if (!seen.insert(e.key.empty() ? person_key(e.name, e.org, e.born) : "key\x1f" + e.key).second) {
      sh.problem(r, e.key.empty() ? "name" : "key", {"与前面一行是同一人（姓名、组织、出生日期相同）", "the same person as an earlier row (name, organisation, birth date)"});
      continue;
    }
    entries.push_back(std::move(e));
  }
  if (!sh.problems.empty() && !a.partial) return report(cli, a, "members", sum, sh.problems, false, true);
  // --partial: replay, leave out the rows that failed, replay again (a left-out row may change
  // what a later meeting counts) until a pass has no failure.
  std::set<std::size_t> skip;
  std::vector<ImportProblem> replay_problems;
  bool refused = false;  // in any pass
  for (int pass = 0;; ++pass) {
    engine::WriteTransaction tx(*cli.store);
    if (auto s = tx.begin(); !s) return cli.fail(s.error());
    Summary s = sum;
    std::vector<ImportProblem> probs;
    auto failed = replay_members(cli, entries, skip, s, probs, sh);
    if (!failed) return cli.fail(failed.error());
    replay_problems.insert(replay_problems.end(), probs.begin(), probs.end());
    refused = refused || s.refused;
    if (!failed->empty() && a.partial && pass < 5) {
      skip.insert(failed->begin(), failed->end());
      continue;  // rolled back by tx
    }
    std::vector<ImportProblem> all = sh.problems;
    all.insert(all.end(), replay_problems.begin(), replay_problems.end());
    std::stable_sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return x.row < y.row; });
    const bool commit = !a.dry_run && (failed->empty() || a.partial) && (sh.problems.empty() || a.partial);
    if (commit)
      if (auto st = tx.commit(); !st) return cli.fail(st.error());
    s.refused = refused;
    return report(cli, a, "members", s, all, commit, !sh.problems.empty());
  }
}

// --- rectify (the ledger of rules.md §4.2) ---------------------------------------------------

std::string rectify_type(const std::string& v) {
  if (v == "立行立改" || v == "immediate") return "immediate";
  if (v == "限期整改" || v == "deadline") return "deadline";
  if (v == "长期坚持" || v == "长期整改" || v == "long-term") return "long-term";
  return "";
}

struct LedgerItem {
  std::size_t row = 0;
  NewRectifyItem item;
  std::vector<LedgerStep> steps;
  std::map<std::string, std::string> headers;  // column key -> the header as written
};

// The steps of an item already registered, as the ledger names them: the tick's `overdue` and
// the corrections are djflow's own, not the ledger's.
engine::Result<std::vector<engine::EventRecord>> ledger_history(Cli& cli, engine::CaseId id) {
  auto h = cli.store->events(id);
  DJFLOW_TRY(h);
  std::vector<engine::EventRecord> out;
  for (auto& e : h.value())
    if (e.event != "register" && e.event != "overdue" && e.event != "correct" && e.event != "void") out.push_back(std::move(e));
  return out;
}

int import_rectify_file(Cli& cli, const ImportArgs& a) {
  if (auto s = cli.open(); !s) return cli.fail(s.error());
  auto b = cli.store->find_rectify_batch(a.batch);
  if (!b) return cli.fail(b.error());
  if (!b.value())
    return cli.fail(Error::not_found({"整改批次不存在：" + std::to_string(a.batch), "no rectification batch " + std::to_string(a.batch)}));
  const engine::RectifyBatch batch = *b.value();
  auto sheet = ImportSheet::read(a.file, rectify_columns());
  if (!sheet) return cli.fail(sheet.error());
  auto& sh = sheet.value();
  Summary sum;
  sum.rows = sh.rows.size();
  engine::RectifyItemFilter f;
  f.batch = a.batch;
  auto existing = cli.store->list_rectify_items(f);
  if (!existing) return cli.fail(existing.error());
  std::map<std::string, engine::CaseId> known;  // 问题表现 -> item
  for (const auto& r : existing.value()) known[r.item.problem] = r.c.id;
  std::vector<LedgerItem> items;
  std::set<std::string> seen;
  for (const auto& r : sh.rows) {
    const std::size_t before = sh.problems.size();
    for (const char* k : {"problem", "measures", "leader", "department", "owner", "type"}) sh.require(r, k);
    LedgerItem li;
    li.row = r.row;
    li.headers = r.headers;
    NewRectifyItem& it = li.item;
    it = NewRectifyItem{r.get("problem"), r.get("category"), r.get("cause"), r.get("target"), r.get("measures"),
                        r.get("leader"), r.get("department"), r.get("owner"), r.get("supporting"), rectify_type(r.get("type")),
                        "", "", "", "", {}, cli.engine->today()};
    if (r.has("type") && it.type.empty())
      sh.problem(r, "type", {"整改类型应为 立行立改、限期整改 或 长期坚持", "the type must be 立行立改, 限期整改 or 长期坚持"});
    if (auto d = sh.date(r, "date")) it.date = *d;
    auto plan = plan_ledger_row(sh, r, it.type, it.date, cli.actor);
    it.deadline = plan.deadline;
    it.milestones = plan.milestones;
    it.note = plan.note;
    li.steps = std::move(plan.steps);
    if (sh.problems.size() != before) continue;
    if (!seen.insert(it.problem).second) {
      sh.problem(r, "problem", {"与前面一行的问题表现相同", "the same problem as an earlier row"});
      continue;
    }
    items.push_back(std::move(li));
  }
  if (!sh.problems.empty() && !a.partial) return report(cli, a, "rectify", sum, sh.problems, false, true);
  const bool input_problems = !sh.problems.empty();
  engine::WriteTransaction tx(*cli.store);
  if (auto s = tx.begin(); !s) return cli.fail(s.error());
  bool refused = false;
  for (const auto& li : items) {
    auto column = [&](const std::string& key) {
      if (auto h = li.headers.find(key); h != li.headers.end()) return h->second;
      for (const auto& spec : rectify_columns())
        if (spec.key == key) return spec.zh;
      return key;
    };
    // One item, one savepoint: a refused step undoes the whole item (--partial keeps the others).
    engine::WriteTransaction item_tx(*cli.store);
    if (auto s = item_tx.begin(); !s) return cli.fail(s.error());
    engine::CaseId id = 0;
    std::size_t done = 0;  // steps already recorded (re-import)
    Summary add;
    if (auto k = known.find(li.item.problem); k != known.end()) {
      id = k->second;
      auto h = ledger_history(cli, id);
      if (!h) return cli.fail(h.error());
      bool differs = false;
      for (const auto& e : h.value()) {
        if (done >= li.steps.size() || e.event != li.steps[done].in.event || e.date != li.steps[done].date) {
          sh.problems.push_back({li.row, done < li.steps.size() ? column(li.steps[done].key) : "", li.item.problem,
                                 {"与已登记的整改事项 #" + std::to_string(id) + " 不一致：第" + std::to_string(e.seq) + "步已记录为" +
                                      e.event + " " + e.date.iso() + "（更正请用 djflow correct）",
                                  "differs from the registered item #" + std::to_string(id) + ": step " + std::to_string(e.seq) +
                                      " was recorded as " + e.event + " " + e.date.iso() + " (correct it with djflow correct)"}});
          differs = true;
          break;
        }
        ++done;
      }
      if (differs) continue;
      add.skipped_steps = done;
      if (done == li.steps.size()) ++add.unchanged;
    } else {
      std::int64_t seq = 0;
      auto o = add_rectify_item(cli, batch, li.item, seq);
      if (!o) {
        if (o.error().code == engine::ErrorCode::Storage) return cli.fail(o.error());
        refused = refused || o.error().code == engine::ErrorCode::Refused;
        sh.problems.push_back({li.row, "", li.item.problem, o.error().message});
        continue;
      }
      id = o->c.id;
      ++add.cases;
      ++add.steps;
    }
    bool failed = false;
    for (std::size_t k = done; k < li.steps.size(); ++k) {
      const auto& st = li.steps[k];
      auto o = cli.engine->record(id, st.in);
      if (!o) {
        if (o.error().code == engine::ErrorCode::Storage) return cli.fail(o.error());
        refused = refused || o.error().code == engine::ErrorCode::Refused;
        sh.problems.push_back({li.row, column(st.key), st.date.iso(), o.error().message});
        failed = true;
        break;
      }
      ++add.steps;
    }
    if (failed) continue;  // item_tx rolls the item back
    if (auto s = item_tx.commit(); !s) return cli.fail(s.error());
    sum.cases += add.cases;
    sum.steps += add.steps;
    sum.skipped_steps += add.skipped_steps;
    sum.unchanged += add.unchanged;
  }
  sum.refused = refused;
  const bool commit = !a.dry_run && (sh.problems.empty() || a.partial);
  if (commit)
    if (auto s = tx.commit(); !s) return cli.fail(s.error());
  return report(cli, a, "rectify", sum, sh.problems, commit, input_problems);
}

int write_template(Cli& cli, const std::string& kind, const std::string& file) {
  const std::vector<ColumnSpec>* specs = kind == "roster" ? &roster_columns()
                                         : kind == "members" ? &member_columns()
                                                             : &rectify_columns();
  const std::string name = kind == "roster" ? "人员名册" : kind == "members" ? "发展党员工作台账" : "整改台账";
  if (auto s = sheet::write_xlsx(file, {template_sheet(name, *specs)}); !s) return cli.fail(s.error());
  if (cli.json) cli.print_json({{"template", kind}, {"file", file}, {"columns", specs->size()}});
  else *cli.out << tr(cli.lang, "已写出模板 ", "template written: ") << file << "\n";
  return 0;
}

}  // namespace

// A probationary member gets a development case in probation from the admission date, so the
// end of probation and its reminders exist (as for one whose pipeline `import members` replays).
// Nothing when the person is not probationary or already has a development case.
engine::Result<bool> ensure_probation_case(Cli& cli, const engine::Person& p) {
  if (p.status != engine::MemberStatus::Probationary || !p.joined) return false;
  engine::CaseFilter f;
  f.workflow = "member";
  f.person = p.id;
  auto cases = cli.store->list_cases(f);
  DJFLOW_TRY(cases);
  if (!cases.value().empty()) return false;
  engine::CaseSubject subject;
  subject.person = p.id;
  auto o = cli.engine->start("member", subject, {"register-probationary", *p.joined, {}, "", "", cli.actor});
  DJFLOW_TRY(o);
  return true;
}

void register_import_commands(CLI::App& app, Cli& cli) {
  const Lang l = cli.lang;
  auto* imp = app.add_subcommand("import", tr(l, "从电子表格（CSV 或 XLSX）导入人员名册、发展党员台账、整改台账",
                                              "take in a roster, the development pipeline or a rectification ledger from a spreadsheet (CSV or XLSX)"));
  imp->require_subcommand(1);
  auto common = [&cli, l](CLI::App* c, std::shared_ptr<ImportArgs> a) {
    c->add_option("file", a->file, tr(l, "CSV 或 XLSX 文件", "a CSV or XLSX file"))->required();
    c->add_flag("--dry-run", a->dry_run, tr(l, "只检查，不写入", "check everything, write nothing"));
    c->add_flag("--partial", a->partial, tr(l, "导入无误的行，报告其余的行（默认：全部或全不）", "import the good rows and report the rest (default: all rows or none)"));
    c->add_option("--errors", a->errors, tr(l, "把问题写成报告（.xlsx 或 .csv）", "write the problems as a report (.xlsx or .csv)"));
  };
  {
    auto a = std::make_shared<ImportArgs>();
    auto* c = imp->add_subcommand("roster", tr(l, "人员名册：姓名、组织、出生日期、政治面貌、入党时间、工号、手机号",
                                               "people: name, organisation, birth date, status, joined date, key, phone"));
    common(c, a);
    c->callback([&cli, a] { cli.action = [&cli, a] { return import_roster(cli, *a); }; });
  }
  {
    auto a = std::make_shared<ImportArgs>();
    auto* c = imp->add_subcommand("members", tr(l, "发展党员台账：每人一行，各步骤的日期；按日期逐步重演，适用全部规则",
                                                "the development pipeline: one row per person with each step's date, replayed step by step under every rule"));
    common(c, a);
    c->callback([&cli, a] { cli.action = [&cli, a] { return import_members(cli, *a); }; });
  }
  {
    auto a = std::make_shared<ImportArgs>();
    auto* c = imp->add_subcommand("rectify", tr(l, "整改台账：每个整改事项一行，登记到一个整改批次",
                                                "a rectification ledger: one item per row, registered in one batch"));
    common(c, a);
    c->add_option("--batch", a->batch, tr(l, "整改批次编号（登记批次时给出的编号）", "batch id (djflow rectify batch add)"))->required();
    c->callback([&cli, a] { cli.action = [&cli, a] { return import_rectify_file(cli, *a); }; });
  }
  {
    auto kind = std::make_shared<std::string>();
    auto file = std::make_shared<std::string>();
    auto* c = imp->add_subcommand("template", tr(l, "写出填写模板（XLSX：中文表头、说明行、下拉选项）",
                                                 "write a form to fill in (XLSX: Chinese headers, an explanation row, drop-down lists)"));
    c->add_option("kind", *kind, tr(l, "roster（人员名册）、members（发展党员台账）或 rectify（整改台账）",
                                    "roster, members or rectify"))
        ->required()
        ->check(CLI::IsMember({"roster", "members", "rectify"}));
    c->add_option("file", *file, tr(l, "要写出的 .xlsx 文件", "the .xlsx file to write"))->required();
    c->callback([&cli, kind, file] { cli.action = [&cli, kind, file] { return write_template(cli, *kind, *file); }; });
  }
}

}  // namespace djflow::cli
