// export members|roster (XLSX, CSV with BOM, JSON) and calendar export --ics (RFC 5545). The
// members export is the 发展党员工作台账: one row per development case with every step's date, in
// the columns `import members` reads, so an exported ledger can be imported elsewhere.
#include <algorithm>
#include <fstream>
#include <map>

#include "cli/app.hpp"
#include "cli/import_columns.hpp"
#include "cli/private_file.hpp"
#include "engine/timezone.hpp"

namespace djflow::cli {

using engine::Error;

namespace {

struct ExportArgs {
  std::string xlsx, csv;
};

std::string status_zh(engine::MemberStatus s) {
  switch (s) {
    case engine::MemberStatus::Full: return "正式党员";
    case engine::MemberStatus::Probationary: return "预备党员";
    case engine::MemberStatus::None: break;
  }
  return "群众";
}

// Writes header + rows as XLSX, CSV or JSON (objects keyed by the Chinese headers).
int write_table(Cli& cli, const ExportArgs& a, const std::string& sheet_name, const sheet::Row& header,
                const sheet::Rows& rows) {
  if (!a.xlsx.empty()) {
    if (auto s = sheet::write_xlsx(a.xlsx, {sheet::SheetOut{sheet_name, header, {}, rows, {}}}); !s) return cli.fail(s.error());
  }
  if (!a.csv.empty()) {
    if (auto s = write_private_file(a.csv, sheet::to_csv(header, rows)); !s) return cli.fail(s.error());
  }
  if (cli.json) {
    Json arr = Json::array();
    for (const auto& r : rows) {
      Json o = Json::object();
      for (std::size_t i = 0; i < header.size() && i < r.size(); ++i) o[header[i]] = r[i];
      arr.push_back(o);
    }
    cli.print_json({{"columns", header}, {"rows", arr}, {"count", rows.size()},
                    {"xlsx", a.xlsx.empty() ? Json(nullptr) : Json(a.xlsx)},
                    {"csv", a.csv.empty() ? Json(nullptr) : Json(a.csv)}});
    return 0;
  }
  if (a.xlsx.empty() && a.csv.empty()) {
    *cli.out << sheet::to_csv(header, rows);
    return 0;
  }
  *cli.out << tr(cli.lang, "已导出 ", "exported ") << rows.size() << tr(cli.lang, " 行", " rows");
  for (const auto* f : {&a.xlsx, &a.csv})
    if (!f->empty()) *cli.out << tr(cli.lang, " 到 ", " to ") << *f;
  *cli.out << "\n";
  return 0;
}

int export_roster(Cli& cli, const ExportArgs& a) {
  if (auto s = cli.open(); !s) return cli.fail(s.error());
  auto persons = cli.store->list_persons(std::nullopt);
  if (!persons) return cli.fail(persons.error());
  sheet::Row header;
  for (const auto& c : roster_columns()) header.push_back(c.zh);
  sheet::Rows rows;
  for (const auto& p : persons.value()) {
    sheet::Row r(header.size());
    r[0] = p.name;
    r[1] = p.branch;
    r[2] = p.born.iso();
    r[3] = status_zh(p.status);
    r[4] = p.joined ? p.joined->iso() : "";
    r[5] = p.key;
    r[6] = p.phone;
    rows.push_back(std::move(r));
  }
  return write_table(cli, a, "人员名册", header, rows);
}

int export_members(Cli& cli, const ExportArgs& a) {
  if (auto s = cli.open(); !s) return cli.fail(s.error());
  auto persons = cli.store->list_persons(std::nullopt);
  if (!persons) return cli.fail(persons.error());
  std::map<engine::PersonId, engine::Person> by_id;
  for (const auto& p : persons.value()) by_id[p.id] = p;
  engine::CaseFilter f;
  f.workflow = "member";
  auto cases = cli.store->list_cases(f);
  if (!cases) return cli.fail(cases.error());
  const auto& cols = member_columns();
  sheet::Row header;
  std::map<std::string, std::size_t> at;
  for (const auto& c : cols) {
    at[c.key] = header.size();
    header.push_back(c.zh);
  }
  const auto* wf = cli.workflows->find("member");
  std::map<std::string, std::string> date_key;
  for (const auto& s : pipeline_steps()) date_key[s.event] = s.date_key;
  auto names = [&](const std::string& ids) {
    std::string out;
    for (const auto& t : split_names(ids)) {
      const auto id = std::atoll(t.c_str());
      out += (out.empty() ? "" : "、") + (by_id.count(id) ? by_id[id].name : t);
    }
    return out;
  };
  sheet::Rows rows;
  for (const auto& c : cases.value()) {
    auto history = cli.engine->effective_events(c);  // corrected dates, voided steps left out
    if (!history) return cli.fail(history.error());
    sheet::Row r(header.size());
    const engine::Person* p = c.person && by_id.count(*c.person) ? &by_id[*c.person] : nullptr;
    r[at["name"]] = p ? p->name : c.title;
    r[at["org"]] = c.branch;
    r[at["born"]] = p ? p->born.iso() : "";
    r[at["key"]] = p ? p->key : "";
    for (const auto& e : history.value()) {
      auto k = date_key.find(e.event);
      if (k == date_key.end()) continue;
      auto& cell = r[at[k->second]];
      cell = e.event == "review" && !cell.empty() ? cell + "、" + e.date.iso() : e.date.iso();
      auto in = [&](const char* key) {
        auto it = e.inputs.find(key);
        return it == e.inputs.end() ? std::string() : it->second;
      };
      if (e.event == "mentors") r[at["mentors"]] = names(in("mentors"));
      if (e.event == "sponsors") r[at["sponsors"]] = names(in("sponsors"));
      if (e.event == "publicize") r[at["publicize_from"]] = in("from");
      if (e.event == "political-review") r[at["political_review_result"]] = in("result") == "fail" ? "不合格" : "合格";
      if (e.event == "training") {
        r[at["training_days"]] = in("days");
        r[at["training_hours"]] = in("hours");
      }
      for (const char* m : {"admit", "convert"})
        if (e.event == m)
          for (const char* v : {"eligible", "present", "yes"}) r[at[std::string(m) + "_" + v]] = in(v);
    }
    r[at["state"]] = wf ? wf->state_label(c.state).zh : c.state;
    r[at["case"]] = std::to_string(c.id);
    rows.push_back(std::move(r));
  }
  return write_table(cli, a, "发展党员工作台账", header, rows);
}

// --- iCalendar (RFC 5545) ---------------------------------------------------------------------

std::string ics_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ';' || c == ',') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (c != '\r') out += c;
  }
  return out;
}

// Folds a content line at 75 octets without splitting a UTF-8 sequence (RFC 5545 §3.1).
std::string ics_line(const std::string& line) {
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    std::size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (n + len > 75) {
      out += "\r\n ";
      n = 1;
    }
    out.append(line, i, len);
    n += len;
    i += len - 1;
  }
  return out + "\r\n";
}

std::string ics_date(engine::Date d) {
  std::string s = d.iso();
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

int export_calendar(Cli& cli, const std::string& file, int alarm_days) {
  if (auto s = cli.open(); !s) return cli.fail(s.error());
  auto due = cli.engine->due(std::nullopt, false);
  if (!due) return cli.fail(due.error());
  const std::string stamp = [&] {
    std::string t = engine::format_utc(cli.clock->now());  // 2026-01-01T00:00:00Z
    std::string out;
    for (char c : t)
      if (c != '-' && c != ':') out += c;
    return out;
  }();
  std::string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//djflow//djflow 0.1.0//ZH\r\nCALSCALE:GREGORIAN\r\n";
  ics += ics_line("X-WR-CALNAME:" + ics_text("党务期限（djflow）"));
  std::map<std::string, int> used;
  for (const auto& item : due.value()) {
    const auto& d = item.deadline;
    const auto* wf = cli.workflows->find(item.c.workflow);
    std::string uid = "djflow-" + std::to_string(item.c.id) + "-" + d.kind;
    if (const int n = used[uid]++; n > 0) uid += "-" + std::to_string(n + 1);
    const std::string label = wf ? wf->deadline_label(d.kind).zh : d.kind;
    const std::string title = wf ? wf->title().zh : item.c.workflow;
    ics += "BEGIN:VEVENT\r\n";
    ics += ics_line("UID:" + uid + "@djflow");
    ics += "DTSTAMP:" + stamp + "\r\n";
    ics += "SEQUENCE:" + std::to_string(item.c.version) + "\r\n";
    ics += "DTSTART;VALUE=DATE:" + ics_date(d.due) + "\r\n";
    ics += "DTEND;VALUE=DATE:" + ics_date(d.due.add_days(1)) + "\r\n";
    ics += ics_line("SUMMARY:" + ics_text(item.c.title + "：" + label));
    ics += ics_line("DESCRIPTION:" + ics_text(title + " #" + std::to_string(item.c.id) + "（" + item.c.branch + "）" +
                                              (d.milestone ? "：自此日起可办理" : "：应于此日前办理")));
    ics += ics_line("CATEGORIES:" + ics_text(title));
    ics += "TRANSP:TRANSPARENT\r\n";
    ics += "BEGIN:VALARM\r\nACTION:DISPLAY\r\n";
    ics += "TRIGGER:-P" + std::to_string(alarm_days) + "D\r\n";
    ics += ics_line("DESCRIPTION:" + ics_text(item.c.title + "：" + label));
    ics += "END:VALARM\r\nEND:VEVENT\r\n";
  }
  ics += "END:VCALENDAR\r\n";
  if (auto s = write_private_file(file, ics); !s) return cli.fail(s.error());
  if (cli.json) cli.print_json({{"file", file}, {"events", due->size()}});
  else *cli.out << tr(cli.lang, "已导出 ", "exported ") << due->size() << tr(cli.lang, " 个期限到 ", " deadlines to ") << file << "\n";
  return 0;
}

}  // namespace

void register_export_commands(CLI::App& app, Cli& cli) {
  const Lang l = cli.lang;
  auto* exp = app.add_subcommand("export", tr(l, "导出台账（XLSX、带 BOM 的 CSV 或 --json）", "export ledgers (XLSX, CSV with BOM, or --json)"));
  exp->require_subcommand(1);
  auto formats = [l](CLI::App* c, std::shared_ptr<ExportArgs> a) {
    c->add_option("--xlsx", a->xlsx, tr(l, "写出 XLSX 文件", "write an XLSX file"));
    c->add_option("--csv", a->csv, tr(l, "写出 CSV 文件（UTF-8 带 BOM）", "write a CSV file (UTF-8 with BOM)"));
  };
  {
    auto a = std::make_shared<ExportArgs>();
    auto* c = exp->add_subcommand("members", tr(l, "发展党员工作台账：每人一行，各步骤日期（未给文件时 CSV 输出到屏幕）",
                                                "the member development ledger: one row per person with every step date (CSV to stdout when no file is given)"));
    formats(c, a);
    c->callback([&cli, a] { cli.action = [&cli, a] { return export_members(cli, *a); }; });
  }
  {
    auto a = std::make_shared<ExportArgs>();
    auto* c = exp->add_subcommand("roster", tr(l, "人员名册（列与导入名册时相同）", "the roster (the columns import roster reads)"));
    formats(c, a);
    c->callback([&cli, a] { cli.action = [&cli, a] { return export_roster(cli, *a); }; });
  }
  // calendar export: added to the `calendar` command of register_admin_commands.
  if (CLI::App* cal = app.get_subcommand("calendar")) {
    auto file = std::make_shared<std::string>();
    auto days = std::make_shared<int>(7);
    auto* c = cal->add_subcommand("export", tr(l, "把所有未办结的期限和任期届满导出为日历文件（iCalendar，RFC 5545），每项带提醒",
                                                "export every open deadline and term end as an iCalendar file (RFC 5545), each with an alarm"));
    c->add_option("--ics", *file, tr(l, "要写出的 .ics 文件", "the .ics file to write"))->required();
    c->add_option("--alarm-days", *days, tr(l, "提前几天提醒（默认 7）", "alarm this many days before (default 7)"))
        ->check(CLI::Range(0, 365));
    c->callback([&cli, file, days] { cli.action = [&cli, file, days] { return export_calendar(cli, *file, *days); }; });
  }
}

}  // namespace djflow::cli
