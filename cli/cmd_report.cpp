// djflow report: the year's figures of a 述职报告 and a branch's annual 党建工作 summary (issue 10
// §2), as of a date from the history. Computation in workflows/report/year_report.cpp; the
// definitions of the figures in docs/report.md.
#include <algorithm>
#include <charconv>
#include <sstream>

#include "cli/app.hpp"
#include "cli/private_file.hpp"
#include "cli/report_output.hpp"
#include "engine/json_string.hpp"
#include "storage/sqlite_report.hpp"
#include "workflows/rectify/rectify_catalog.hpp"

namespace djflow::cli {

using engine::Date;
using engine::Error;
namespace rp = workflows::report;

namespace {

constexpr rp::Fig kAll[] = {
    rp::Fig::Applications,  rp::Fig::ActivistsNew,     rp::Fig::ActivistsAtEnd,  rp::Fig::CandidatesNew,
    rp::Fig::CandidatesAtEnd, rp::Fig::Admitted,       rp::Fig::Converted,       rp::Fig::Extended,
    rp::Fig::Cancelled,     rp::Fig::Withdrawn,        rp::Fig::LateSteps,       rp::Fig::TermsEnded,
    rp::Fig::TermsOnTime,   rp::Fig::TermsLate,        rp::Fig::TermsPostponed,  rp::Fig::TermsAdvanced,
    rp::Fig::TermsOverdue,  rp::Fig::RectRegistered,   rp::Fig::RectClosedOnTime, rp::Fig::RectClosedLate,
    rp::Fig::RectOpenOverdue, rp::Fig::FullMembers,    rp::Fig::ProbationaryMembers,
};

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string num(std::int64_t v) { return std::to_string(v); }

std::string org_name(const rp::Report& r, const std::string& code) {
  for (const auto& b : r.orgs)
    if (b.code == code) return b.name;
  return code;
}

// The life figure ids behind which detail rows are listed, in the order of the rows.
std::vector<std::string> life_detail_ids(const std::vector<LifeRow>& rows) {
  std::vector<std::string> ids;
  for (const auto& row : rows) {
    ids.push_back(row.id);
    const std::string suffix = "_expected";
    if (row.id.size() > suffix.size() && row.id.compare(row.id.size() - suffix.size(), suffix.size(), suffix) == 0)
      ids.push_back(row.id.substr(0, row.id.size() - suffix.size()) + "_missed");
  }
  return ids;
}

Json life_number(const LifeRow& row, double v) {
  if (row.ratio) return Json(static_cast<double>(static_cast<long long>(v * 10000.0 + 0.5)) / 10000.0);
  return Json(static_cast<std::int64_t>(v));
}

// Appends `v` as dump(2) writes it nested `depth` levels deep (its lines after the first indented
// by 2 * depth spaces; a dumped string never holds a raw newline).
void append_nested(std::string& buf, const Json& v, int depth) {
  const std::string text = v.dump(2, ' ', false, Json::error_handler_t::replace);
  for (char c : text) {
    buf += c;
    if (c == '\n') buf.append(static_cast<std::size_t>(2 * depth), ' ');
  }
}

// Appends the members of the object `o` at the top level ("  \"key\": value"), each after ",\n"
// but the document's first.
void append_members(std::string& buf, const Json& o, bool& first) {
  for (const auto& [k, v] : o.items()) {
    buf += first ? "\n  " : ",\n  ";
    first = false;
    engine::put_json_string(buf, k);
    buf += ": ";
    append_nested(buf, v, 1);
  }
}

void append_int(std::string& buf, std::int64_t v) {
  char tmp[24];
  const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  buf.append(tmp, r.ptr);
}

// The report as JSON, byte for byte what dump(2) of one document would print, but the
// organisations (20,000 objects of 40 figures) written straight into a buffer flushed in large
// blocks instead of building 800,000 nodes first (docs/performance.md).
void write_report_json(const Cli& cli, const rp::Report& r, const engine::LifeFigures& life) {
  const Lang l = cli.lang;
  const auto lrows = life_rows(l, life);
  Json head = {{"from", r.query.from.iso()}, {"to", r.query.to.iso()}, {"as_of", r.query.to.iso()},
               {"org", r.query.org.empty() ? Json(nullptr) : Json(r.query.org)}};
  Json figs = Json::array();
  for (auto f : kAll) {
    const auto& i = rp::info(f);
    figs.push_back({{"id", i.id}, {"section", i.section}, {"label", figure_label(l, f)}, {"value", r.total[static_cast<int>(f)]}});
  }
  for (const auto& row : lrows)
    figs.push_back({{"id", row.id}, {"section", "life"}, {"label", row.label}, {"value", life_number(row, row.total)}});
  head["figures"] = figs;
  head["late_days_total"] = r.late_days_total;
  head["late_days_max"] = r.late_days_max;

  std::string buf = "{";
  bool first = true;
  append_members(buf, head, first);
  buf += ",\n  \"organisations\": ";
  if (r.orgs.empty()) buf += "[]";
  auto flush = [&](std::size_t at) {
    if (buf.size() < at) return;
    cli.out->write(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.clear();
  };
  const auto life_index = life_org_index(life);
  for (std::size_t n = 0; n < r.orgs.size(); ++n) {
    const auto& b = r.orgs[n];
    buf += n ? ",\n    {\n      \"code\": " : "[\n    {\n      \"code\": ";
    engine::put_json_string(buf, b.code);
    buf += ",\n      \"name\": ";
    engine::put_json_string(buf, b.name);
    buf += ",\n      \"parent\": ";
    engine::put_json_string(buf, b.parent);
    buf += ",\n      \"figures\": {";
    const auto& c = r.per_org[n];
    bool any = false;
    auto key = [&](std::string_view id) {
      buf += any ? ",\n        " : "\n        ";
      any = true;
      engine::put_json_string(buf, id);
      buf += ": ";
    };
    for (auto f : kAll) {
      key(rp::info(f).id);
      append_int(buf, c[static_cast<int>(f)]);
    }
    if (auto k = life_index.find(b.code); k != life_index.end())
      for (const auto& row : lrows) {
        key(row.id);
        const double v = row.per_org[k->second];
        if (row.ratio) buf += life_number(row, v).dump();
        else append_int(buf, static_cast<std::int64_t>(v));
      }
    buf += "\n      }\n    }";
    if (n + 1 == r.orgs.size()) buf += "\n  ]";
    flush(1 << 16);
  }

  Json tail = Json::object();
  auto rect = [&](const std::vector<rp::RectCounts>& rows, bool source) {
    Json a = Json::array();
    for (const auto& x : rows) {
      Json o = {{source ? "source" : "batch", x.key}, {"label", source ? source_label(l, x.key) : x.title},
                {"registered", x.registered}, {"closed_on_time", x.on_time}, {"closed_late", x.late},
                {"open_overdue", x.open_overdue}};
      a.push_back(o);
    }
    return a;
  };
  tail["rectify_by_source"] = rect(r.by_source, true);
  tail["rectify_by_batch"] = rect(r.by_batch, false);
  {
    Json kinds = Json::array();
    for (const auto& k : life.kinds)
      kinds.push_back({{"kind", k.kind}, {"period", engine::life::to_string(k.period)}, {"expected", k.expected},
                       {"held", k.held}, {"missed", k.missed}});
    Json flagged = Json::array();
    for (const auto& x : life.flagged)
      flagged.push_back({{"person", x.person}, {"name", x.name}, {"org", x.org}, {"attendance", x.attendance},
                         {"dues", x.dues}, {"unpaid_months", x.unpaid_months}, {"rule", "R20"}});
    tail["life"] = {{"kinds", kinds}, {"flagged", flagged}, {"without_ledger", life.without_ledger},
                    {"attendance_meetings", life.attendance_meetings}, {"present", life.present},
                    {"should_attend", life.should_attend}};
  }
  if (r.query.detail) {
    Json d = Json::array();
    for (const auto& x : r.details)
      d.push_back({{"figure", rp::info(x.fig).id}, {"org", x.org}, {"case", x.case_id ? Json(x.case_id) : Json(nullptr)},
                   {"person", x.person ? Json(x.person) : Json(nullptr)}, {"name", x.name},
                   {"date", x.date.empty() ? Json(nullptr) : Json(x.date)}, {"what", x.what},
                   {"text", detail_what(cli, x)}, {"days", x.days}});
    for (const auto& id : life_detail_ids(lrows))
      for (const auto& x : life.details)
        if (x.figure == id)
          d.push_back({{"figure", x.figure}, {"org", x.org}, {"case", nullptr}, {"person", nullptr}, {"name", x.name},
                       {"date", x.date.empty() ? Json(nullptr) : Json(x.date)}, {"what", x.what},
                       {"text", life_detail_what(l, x)}, {"days", 0}});
    tail["details"] = d;
  }
  append_members(buf, tail, first);
  buf += "\n}\n";
  flush(0);
}

std::string report_csv(const Cli& cli, const rp::Report& r, const engine::LifeFigures& life) {
  const Lang l = cli.lang;
  const auto lrows = life_rows(l, life);
  std::ostringstream csv;
  csv << "\xEF\xBB\xBF";
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) csv << (i ? "," : "") << csv_field(cells[i]);
    csv << "\r\n";
  };
  if (r.query.detail) {
    line({tr(l, "指标", "figure"), tr(l, "指标代码", "figure id"), tr(l, "组织代码", "org code"), tr(l, "组织", "organisation"),
          tr(l, "事项编号", "case"), tr(l, "姓名或事项", "name or item"), tr(l, "日期", "date"), tr(l, "说明", "what"),
          tr(l, "天数", "days")});
    for (const auto& d : r.details)
      line({figure_label(l, d.fig), rp::info(d.fig).id, d.org, org_name(r, d.org), d.case_id ? num(d.case_id) : "", d.name,
            d.date, detail_what(cli, d), d.days ? num(d.days) : ""});
    for (const auto& id : life_detail_ids(lrows))
      for (const auto& d : life.details)
        if (d.figure == id) line({life_label(l, id), id, d.org, org_name(r, d.org), "", d.name, d.date, life_detail_what(l, d), ""});
    return csv.str();
  }
  std::vector<std::string> head = {tr(l, "分类", "section"), tr(l, "指标", "figure"), tr(l, "指标代码", "figure id"),
                                   tr(l, "合计", "total")};
  for (const auto& b : r.orgs) head.push_back(b.code + " " + b.name);
  line(head);
  for (auto f : kAll) {
    const auto& i = rp::info(f);
    std::vector<std::string> row = {tr(l, rp::section_text(i.section)), figure_label(l, f), i.id, num(r.total[static_cast<int>(f)])};
    for (const auto& c : r.per_org) row.push_back(num(c[static_cast<int>(f)]));
    line(row);
  }
  const auto life_index = life_org_index(life);
  for (const auto& lr : lrows) {
    std::vector<std::string> row = {tr(l, rp::section_text("life")), lr.label, lr.id, life_value(lr, lr.total)};
    for (const auto& b : r.orgs) {
      auto k = life_index.find(b.code);
      row.push_back(k == life_index.end() || k->second >= lr.per_org.size() ? "0" : life_value(lr, lr.per_org[k->second]));
    }
    line(row);
  }
  return csv.str();
}

void print_life(const Cli& cli, const engine::LifeFigures& life, const std::vector<LifeRow>& rows, int n) {
  const Lang l = cli.lang;
  auto& o = *cli.out;
  const char* numerals[] = {"一", "二", "三", "四", "五", "六"};
  o << "\n" << (l == Lang::Zh ? std::string(numerals[n]) + "、" : std::to_string(n + 1) + ". ")
    << tr(l, rp::section_text("life")) << "\n";
  Table kinds({tr(l, "类别", "kind"), tr(l, "要求", "required"), tr(l, "应开（完成）", "expected"), tr(l, "已开（完成）", "held")});
  for (const auto& k : life.kinds) {
    const auto* kind = engine::life::find_kind(k.kind);
    kinds.add({kind ? (l == Lang::Zh ? kind->zh : kind->en) : k.kind, tr(l, engine::life::period_label(k.period)),
               num(k.expected), num(k.held)});
  }
  kinds.print(o, "  ");
  Table t({tr(l, "指标", "figure"), tr(l, "数量", "count")});
  for (const auto& row : rows) {
    if (row.id.rfind("life_meetings", 0) != 0 && row.id.rfind("life_lectures", 0) != 0 && row.id != "life_talks" &&
        row.id != "life_attendance" && row.id != "life_flagged")
      continue;
    std::string value = life_value(row, row.total);
    if (row.ratio)
      value += tr(l, "（", " (") + std::to_string(life.attendance_meetings) + tr(l, " 次会议，出席 ", " meetings, ") +
               std::to_string(life.present) + "/" + std::to_string(life.should_attend) + tr(l, " 人次）", " present)");
    t.add({row.label, value});
  }
  o << "\n";
  t.print(o, "  ");
  if (!life.without_ledger.empty()) {
    o << "  " << tr(l, "尚未记录组织生活的组织（不计入）：", "organisations without a ledger (not counted): ");
    for (std::size_t i = 0; i < life.without_ledger.size() && i < 20; ++i) o << (i ? " " : "") << life.without_ledger[i];
    if (life.without_ledger.size() > 20) o << " …（" << life.without_ledger.size() << "）";
    o << "\n";
  }
}

void print_text(const Cli& cli, const rp::Report& r, const engine::LifeFigures& life, const std::string& title) {
  const Lang l = cli.lang;
  auto& o = *cli.out;
  o << title << "\n";
  o << tr(l, "统计期间：", "period: ") << r.query.from.iso() << tr(l, " 至 ", " to ") << r.query.to.iso()
    << tr(l, "（各项数字均按截至 ", " (every figure as of ") << r.query.to.iso()
    << tr(l, " 的历史记录计算）", " from the history)") << "\n";
  o << tr(l, "范围：", "scope: ");
  if (r.query.org.empty()) o << tr(l, "全部组织", "every organisation");
  else o << r.query.org << " " << org_name(r, r.query.org) << tr(l, "及其下级组织", " and everything under it");
  o << tr(l, "（", " (") << r.orgs.size() << tr(l, " 个组织）", " organisations)") << "\n";
  const char* numerals[] = {"一", "二", "三", "四", "五"};
  int n = 0;
  std::string section;
  Table* table = nullptr;
  std::vector<std::unique_ptr<Table>> tables;
  auto flush = [&] {
    if (table) table->print(o, "  ");
  };
  for (auto f : kAll) {
    const auto& i = rp::info(f);
    if (section != i.section) {
      flush();
      section = i.section;
      o << "\n" << (l == Lang::Zh ? std::string(numerals[n]) + "、" : std::to_string(n + 1) + ". ")
        << tr(l, rp::section_text(section)) << "\n";
      ++n;
      tables.push_back(std::make_unique<Table>(std::vector<std::string>{tr(l, "指标", "figure"), tr(l, "数量", "count")}));
      table = tables.back().get();
    }
    std::string value = num(r.total[static_cast<int>(f)]);
    if (f == rp::Fig::LateSteps && r.total[static_cast<int>(f)] > 0)
      value += tr(l, "（合计逾期 ", " (") + num(r.late_days_total) + tr(l, " 天，最长 ", " days late in all, at most ") +
               num(r.late_days_max) + tr(l, " 天）", ")");
    table->add({figure_label(l, f), value});
  }
  flush();
  auto rect = [&](const std::vector<rp::RectCounts>& rows, bool source) {
    if (rows.empty()) return;
    o << "\n  " << (source ? tr(l, "整改按来源：", "rectification by source:") : tr(l, "整改按批次：", "rectification by batch:")) << "\n";
    Table t({source ? tr(l, "来源", "source") : tr(l, "批次", "batch"), tr(l, "登记", "registered"),
             tr(l, "按期销号", "on time"), tr(l, "逾期销号", "late"), tr(l, "期末逾期未销号", "open overdue")});
    for (const auto& x : rows)
      t.add({source ? source_label(l, x.key) : "#" + x.key + " " + x.title, num(x.registered), num(x.on_time), num(x.late),
             num(x.open_overdue)});
    t.print(o, "  ");
  };
  rect(r.by_source, true);
  rect(r.by_batch, false);
  const auto lrows = life_rows(l, life);
  print_life(cli, life, lrows, n);
  if (r.orgs.size() > 1) {
    o << "\n" << tr(l, "各组织：", "per organisation:") << "\n";
    const rp::Fig cols[] = {rp::Fig::Applications, rp::Fig::ActivistsNew, rp::Fig::Admitted, rp::Fig::Converted,
                            rp::Fig::TermsEnded, rp::Fig::RectRegistered, rp::Fig::FullMembers, rp::Fig::ProbationaryMembers};
    std::vector<std::string> head = {tr(l, "组织", "organisation")};
    const char* short_zh[] = {"申请", "积极分子", "发展", "转正", "换届", "整改", "正式党员", "预备党员"};
    const char* short_en[] = {"applied", "activists", "admitted", "converted", "terms", "rectify", "full", "probationary"};
    for (int k = 0; k < 8; ++k) head.push_back(l == Lang::Zh ? short_zh[k] : short_en[k]);
    Table t(head);
    t.reserve(r.orgs.size());
    std::vector<std::string> row(9);
    for (std::size_t o_i = 0; o_i < r.orgs.size(); ++o_i) {
      const auto& b = r.orgs[o_i];
      row[0] = b.code + " " + b.name;
      const auto& counts = r.per_org[o_i];
      for (int k = 0; k < 8; ++k) row[k + 1] = num(counts[static_cast<int>(cols[k])]);
      t.add(row);
    }
    t.print(o, "  ");
  }
  if (r.query.detail) {
    o << "\n" << tr(l, "明细：", "details:") << "\n";
    for (auto f : kAll) {
      Table t({tr(l, "组织", "organisation"), tr(l, "事项编号", "case"), tr(l, "姓名或事项", "name or item"), tr(l, "日期", "date"),
               tr(l, "说明", "what")});
      for (const auto& d : r.details)
        if (d.fig == f) t.add({d.org, d.case_id ? "#" + num(d.case_id) : "", d.name, d.date, detail_what(cli, d)});
      if (t.empty()) continue;
      o << "\n  " << figure_label(l, f) << tr(l, "（", " (") << t.size() << tr(l, "）", ")") << "\n";
      t.print(o, "    ");
    }
    for (const auto& id : life_detail_ids(lrows)) {
      Table t({tr(l, "组织", "organisation"), tr(l, "日期", "date"), tr(l, "姓名或事项", "name or item"), tr(l, "说明", "what")});
      for (const auto& d : life.details)
        if (d.figure == id) t.add({d.org, d.date, d.name, life_detail_what(l, d)});
      if (t.empty()) continue;
      o << "\n  " << life_label(l, id) << tr(l, "（", " (") << t.size() << tr(l, "）", ")") << "\n";
      t.print(o, "    ");
    }
  }
}

}  // namespace

std::string figure_label(Lang lang, rp::Fig f) {
  const auto& i = rp::info(f);
  return lang == Lang::Zh ? i.zh : i.en;
}

std::string source_label(Lang lang, const std::string& source) {
  return tr(lang, workflows::rectify::label(workflows::rectify::sources(), source));
}

std::string detail_what(const Cli& cli, const rp::DetailRow& d) {
  const Lang l = cli.lang;
  const auto* member = cli.workflows->find("member");
  switch (d.fig) {
    case rp::Fig::ActivistsAtEnd:
    case rp::Fig::CandidatesAtEnd:
    case rp::Fig::CandidatesNew:
      return member ? tr(l, member->state_label(d.what)) : d.what;
    case rp::Fig::LateSteps: {
      const auto colon = d.what.find(':');
      const std::string event = d.what.substr(0, colon), kind = d.what.substr(colon + 1);
      if (!member) return d.what;
      return tr(l, member->event_label(event)) + tr(l, "，逾期 ", ", ") + num(d.days) + tr(l, " 天（期限：", " days late (deadline: ") +
             tr(l, member->deadline_label(kind)) + tr(l, "）", ")");
    }
    case rp::Fig::RectRegistered:
    case rp::Fig::RectClosedOnTime:
      return source_label(l, d.what);
    case rp::Fig::RectClosedLate:
    case rp::Fig::RectOpenOverdue:
      return source_label(l, d.what) + tr(l, "，逾期 ", ", ") + num(d.days) + tr(l, " 天", " days overdue");
    case rp::Fig::TermsEnded:
      for (auto f : kAll)
        if (d.what == rp::info(f).id) return figure_label(l, f);
      return d.what;
    case rp::Fig::TermsOnTime:
    case rp::Fig::TermsLate:
    case rp::Fig::TermsPostponed:
    case rp::Fig::TermsAdvanced:
    case rp::Fig::TermsOverdue:
      return tr(l, "任期届满：", "term end: ") + d.what;
    case rp::Fig::FullMembers:
      return tr(l, "正式党员", "full member");
    case rp::Fig::ProbationaryMembers:
      return tr(l, "预备党员", "probationary member");
    default:
      return "";
  }
}

void register_report_commands(CLI::App& app, Cli& cli) {
  const Lang L = cli.lang;
  struct Args {
    std::string from, to, org, as_of, output, xlsx;
    int year = 0;
    bool detail = false, csv = false;
  };
  auto a = std::make_shared<Args>();
  auto* report = app.add_subcommand(
      "report", tr(L, "年度统计：述职报告、党建工作总结的各项数字（按历史记录截至某日计算）",
                   "the year's figures of a secretary's report and an annual summary, as of a date from the history"));
  report->add_option("--from", a->from, tr(L, "统计期间第一天 YYYY-MM-DD", "first day of the period YYYY-MM-DD"));
  report->add_option("--to", a->to, tr(L, "统计期间最后一天 YYYY-MM-DD", "last day of the period YYYY-MM-DD"));
  report->add_option("--org", a->org, tr(L, "组织代码：统计该组织及其全部下级组织（默认全部）",
                                        "organisation code: it and everything under it (default every organisation)"));
  report->add_option("--as-of", a->as_of, tr(L, "截至日期：各项数字按此日的历史记录计算（默认期末与今天中较早者）",
                                            "every figure as of this date (default the period's end or today, whichever is earlier)"));
  report->add_flag("--detail", a->detail, tr(L, "列出每项数字背后的姓名和事项", "list the names behind each figure"));
  report->add_flag("--csv", a->csv, tr(L, "CSV 输出（UTF-8 带 BOM，Excel 可直接打开）", "CSV output (UTF-8 with BOM, opens in Excel)"));
  report->add_option("--output", a->output, tr(L, "CSV 写入文件而非标准输出", "write the CSV to FILE instead of stdout"));
  report->add_option("--xlsx", a->xlsx, tr(L, "写出 Excel 工作簿：统计表、各组织柱状图、每项明细一张表",
                                          "write an Excel workbook: figures, a bar chart per organisation, a sheet per detail list"));
  auto* year = report->add_subcommand("year", tr(L, "某一年度（1月1日至12月31日）的统计", "the figures of a calendar year"));
  year->add_option("year", a->year, tr(L, "年度，如 2023", "the year, e.g. 2023"))->required()->check(CLI::Range(1900, 2999));
  auto run = [&cli, a]() -> int {
    if (auto s = cli.open(); !s) return cli.fail(s.error());
    const Lang l = cli.lang;
    rp::Query q;
    if (a->year) {
      q.from = Date(a->year, 1, 1);
      q.to = Date(a->year, 12, 31);
      if (!a->from.empty() || !a->to.empty())
        return cli.fail(Error::invalid({"report year 不能与 --from/--to 同时使用", "report year takes no --from/--to"}));
    } else {
      if (a->from.empty() || a->to.empty())
        return cli.fail(Error::invalid({"请给出 report year 年度，或 --from 与 --to 日期",
                                        "give report year YEAR, or --from and --to dates"}));
      auto f = cli.date_arg(a->from, "--from");
      if (!f) return cli.fail(f.error());
      auto t = cli.date_arg(a->to, "--to");
      if (!t) return cli.fail(t.error());
      q.from = *f;
      q.to = *t;
    }
    if (q.to < q.from)
      return cli.fail(Error::invalid({"--to " + q.to.iso() + " 早于 --from " + q.from.iso(),
                                      "--to " + q.to.iso() + " is before --from " + q.from.iso()}));
    Date as_of = std::min(q.to, cli.engine->today());
    if (!a->as_of.empty()) {
      auto d = cli.date_arg(a->as_of, "--as-of");
      if (!d) return cli.fail(d.error());
      as_of = std::min(q.to, *d);
    }
    if (as_of < q.from)
      return cli.fail(Error::invalid({"截至日期 " + as_of.iso() + " 早于统计期间的第一天 " + q.from.iso(),
                                      "the as-of date " + as_of.iso() + " is before the period begins (" + q.from.iso() + ")"}));
    const Date period_to = q.to;
    q.to = as_of;
    q.org = a->org;
    q.detail = a->detail || !a->xlsx.empty();
    auto reads = storage::open_report_reads(cli.db);
    if (!reads) return cli.fail(reads.error());
    auto r = rp::year_report(*cli.engine, *reads.value(), q);
    if (!r) return cli.fail(r.error());
    // Organisational life (docs/report.md): the periods of [from, to] closed by the as-of date.
    // The organisations listed once, by the report (r->orgs: the subtree).
    auto life = engine::life_figures(*cli.store, *cli.store, cli.engine->config(), r->orgs, q.org, q.from, period_to, as_of,
                                     q.detail);
    if (!life) return cli.fail(life.error());
    if (!a->xlsx.empty()) {
      if (auto s = write_report_xlsx(cli, r.value(), life.value(), a->xlsx); !s) return cli.fail(s.error());
      if (cli.json) cli.print_json({{"file", a->xlsx}, {"organisations", r->orgs.size()}, {"details", r->details.size()}});
      else *cli.out << tr(l, "已写出 ", "written ") << a->xlsx << "\n";
      return 0;
    }
    r->query.detail = a->detail;
    if (a->csv) {
      const std::string text = report_csv(cli, r.value(), life.value());
      if (!a->output.empty()) {
        if (auto s = write_private_file(a->output, text); !s) return cli.fail(s.error());
        if (cli.json) cli.print_json({{"file", a->output}});
        else *cli.out << tr(l, "已写出 ", "written ") << a->output << "\n";
        return 0;
      }
      *cli.out << text;
      return 0;
    }
    if (cli.json) {
      write_report_json(cli, r.value(), life.value());
      return 0;
    }
    std::string title = a->year ? std::to_string(a->year) + tr(l, "年度党建工作统计", ": the year's figures")
                                : tr(l, "党建工作统计", "figures");
    print_text(cli, r.value(), life.value(), title);
    return 0;
  };
  report->callback([&cli, run] {
    if (!cli.action) cli.action = run;
  });
  year->callback([&cli, run] { cli.action = run; });
}

}  // namespace djflow::cli
