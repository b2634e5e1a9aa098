// The year's figures as an Excel workbook (libxlsxwriter): sheet 1 the figures (total and one
// column per organisation), sheet 2 the main figures per organisation with a bar chart, then one
// sheet per detail list (the names behind a figure). The file is mode 0600 (personal data).
#include <xlsxwriter.h>

#include <set>

#include "cli/private_file.hpp"
#include "cli/report_output.hpp"

namespace djflow::cli {

using engine::Error;
namespace rp = workflows::report;

namespace {

// Excel sheet names: at most 31 characters, none of []:*?/\ , unique.
std::string sheet_name(std::string name, std::set<std::string>& used) {
  for (auto& c : name)
    if (std::string("[]:*?/\\").find(c) != std::string::npos) c = '_';
  // Cut at 28 code points (room for a suffix).
  std::size_t cps = 0, i = 0;
  for (; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80 && ++cps > 28) break;
  }
  name.resize(i);
  std::string out = name;
  for (int k = 2; used.count(out); ++k) out = name + "-" + std::to_string(k);
  used.insert(out);
  return out;
}

}  // namespace

engine::Status write_report_xlsx(const Cli& cli, const rp::Report& r, const engine::LifeFigures& life,
                                 const std::string& path) {
  const Lang l = cli.lang;
  DJFLOW_TRY(make_private_file(path));
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return Error::invalid({"无法创建 Excel 文件：" + path, "cannot create the workbook " + path});
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  std::set<std::string> used;

  // Sheet 1: every figure, total and per organisation.
  const std::string s1 = sheet_name(tr(l, "统计", "figures"), used);
  lxw_worksheet* ws = workbook_add_worksheet(wb, s1.c_str());
  const std::string title = tr(l, "统计期间 ", "period ") + r.query.from.iso() + tr(l, " 至 ", " to ") + r.query.to.iso() +
                            tr(l, "（截至 ", " (as of ") + r.query.to.iso() + tr(l, "）", ")");
  worksheet_write_string(ws, 0, 0, title.c_str(), bold);
  const char* head[] = {"", "", "", ""};
  const std::string h0 = tr(l, "分类", "section"), h1 = tr(l, "指标", "figure"), h2 = tr(l, "指标代码", "figure id"),
                    h3 = tr(l, "合计", "total");
  head[0] = h0.c_str(), head[1] = h1.c_str(), head[2] = h2.c_str(), head[3] = h3.c_str();
  for (int c = 0; c < 4; ++c) worksheet_write_string(ws, 2, static_cast<lxw_col_t>(c), head[c], bold);
  for (std::size_t k = 0; k < r.orgs.size(); ++k)
    worksheet_write_string(ws, 2, static_cast<lxw_col_t>(4 + k), (r.orgs[k].code + " " + r.orgs[k].name).c_str(), bold);
  lxw_row_t row = 3;
  for (int f = 0; f < rp::kFigCount; ++f) {
    const auto fig = static_cast<rp::Fig>(f);
    const auto& i = rp::info(fig);
    worksheet_write_string(ws, row, 0, tr(l, rp::section_text(i.section)).c_str(), nullptr);
    worksheet_write_string(ws, row, 1, figure_label(l, fig).c_str(), nullptr);
    worksheet_write_string(ws, row, 2, i.id, nullptr);
    worksheet_write_number(ws, row, 3, static_cast<double>(r.total[f]), nullptr);
    for (std::size_t k = 0; k < r.orgs.size(); ++k)
      worksheet_write_number(ws, row, static_cast<lxw_col_t>(4 + k), static_cast<double>(r.per_org[k][f]), nullptr);
    ++row;
  }
  // Organisational life: the same columns (a ratio as a fraction formatted as a percentage).
  lxw_format* percent = workbook_add_format(wb);
  format_set_num_format(percent, "0.0%");
  const auto lrows = life_rows(l, life);
  const auto life_index = life_org_index(life);
  for (const auto& lr : lrows) {
    lxw_format* fmt = lr.ratio ? percent : nullptr;
    worksheet_write_string(ws, row, 0, tr(l, rp::section_text("life")).c_str(), nullptr);
    worksheet_write_string(ws, row, 1, lr.label.c_str(), nullptr);
    worksheet_write_string(ws, row, 2, lr.id.c_str(), nullptr);
    worksheet_write_number(ws, row, 3, lr.total, fmt);
    for (std::size_t k = 0; k < r.orgs.size(); ++k)
      if (auto m = life_index.find(r.orgs[k].code); m != life_index.end() && m->second < lr.per_org.size())
        worksheet_write_number(ws, row, static_cast<lxw_col_t>(4 + k), lr.per_org[m->second], fmt);
    ++row;
  }
  worksheet_set_column(ws, 0, 0, 14, nullptr);
  worksheet_set_column(ws, 1, 1, 36, nullptr);
  worksheet_set_column(ws, 2, 2, 24, nullptr);

  // Sheet 2: the main figures per organisation, with a bar chart.
  const rp::Fig cols[] = {rp::Fig::Applications, rp::Fig::ActivistsNew, rp::Fig::Admitted, rp::Fig::Converted,
                          rp::Fig::RectRegistered, rp::Fig::FullMembers, rp::Fig::ProbationaryMembers};
  constexpr int kCols = 7;
  const std::string s2 = sheet_name(tr(l, "各组织", "per organisation"), used);
  lxw_worksheet* wo = workbook_add_worksheet(wb, s2.c_str());
  worksheet_write_string(wo, 0, 0, tr(l, "组织", "organisation").c_str(), bold);
  for (int c = 0; c < kCols; ++c)
    worksheet_write_string(wo, 0, static_cast<lxw_col_t>(c + 1), figure_label(l, cols[c]).c_str(), bold);
  for (std::size_t k = 0; k < r.orgs.size(); ++k) {
    const auto rr = static_cast<lxw_row_t>(k + 1);
    worksheet_write_string(wo, rr, 0, (r.orgs[k].code + " " + r.orgs[k].name).c_str(), nullptr);
    for (int c = 0; c < kCols; ++c)
      worksheet_write_number(wo, rr, static_cast<lxw_col_t>(c + 1),
                             static_cast<double>(r.per_org[k][static_cast<int>(cols[c])]), nullptr);
  }
  worksheet_set_column(wo, 0, 0, 24, nullptr);
  if (!r.orgs.empty()) {
    lxw_chart* chart = workbook_add_chart(wb, LXW_CHART_BAR);
    const auto last = static_cast<lxw_row_t>(r.orgs.size());
    for (int c = 0; c < kCols; ++c) {
      lxw_chart_series* s = chart_add_series(chart, nullptr, nullptr);
      chart_series_set_categories(s, s2.c_str(), 1, 0, last, 0);
      chart_series_set_values(s, s2.c_str(), 1, static_cast<lxw_col_t>(c + 1), last, static_cast<lxw_col_t>(c + 1));
      chart_series_set_name_range(s, s2.c_str(), 0, static_cast<lxw_col_t>(c + 1));
    }
    chart_title_set_name(chart, tr(l, "各组织主要数字", "main figures per organisation").c_str());
    worksheet_insert_chart(wo, 1, kCols + 2, chart);
  }

  // One sheet per detail list.
  for (int f = 0; f < rp::kFigCount; ++f) {
    const auto fig = static_cast<rp::Fig>(f);
    bool any = false;
    for (const auto& d : r.details) any = any || d.fig == fig;
    if (!any) continue;
    const std::string name = sheet_name(figure_label(l, fig), used);
    lxw_worksheet* wd = workbook_add_worksheet(wb, name.c_str());
    const std::string dh[] = {tr(l, "组织", "organisation"), tr(l, "事项编号", "case"), tr(l, "姓名或事项", "name or item"),
                              tr(l, "日期", "date"), tr(l, "说明", "what"), tr(l, "天数", "days")};
    for (int c = 0; c < 6; ++c) worksheet_write_string(wd, 0, static_cast<lxw_col_t>(c), dh[c].c_str(), bold);
    lxw_row_t rr = 1;
    for (const auto& d : r.details) {
      if (d.fig != fig) continue;
      worksheet_write_string(wd, rr, 0, d.org.c_str(), nullptr);
      if (d.case_id) worksheet_write_number(wd, rr, 1, static_cast<double>(d.case_id), nullptr);
      worksheet_write_string(wd, rr, 2, d.name.c_str(), nullptr);
      worksheet_write_string(wd, rr, 3, d.date.c_str(), nullptr);
      worksheet_write_string(wd, rr, 4, detail_what(cli, d).c_str(), nullptr);
      if (d.days) worksheet_write_number(wd, rr, 5, d.days, nullptr);
      ++rr;
    }
    worksheet_set_column(wd, 2, 2, 20, nullptr);
    worksheet_set_column(wd, 4, 4, 36, nullptr);
  }
  // One sheet per organisational-life detail list.
  for (const auto& lr : lrows) {
    std::vector<std::string> ids = {lr.id};
    if (lr.id.size() > 9 && lr.id.compare(lr.id.size() - 9, 9, "_expected") == 0)
      ids = {lr.id.substr(0, lr.id.size() - 9) + "_missed"};
    for (const auto& id : ids) {
      bool any = false;
      for (const auto& d : life.details) any = any || d.figure == id;
      if (!any) continue;
      const std::string name = sheet_name(life_label(l, id), used);
      lxw_worksheet* wd = workbook_add_worksheet(wb, name.c_str());
      const std::string dh[] = {tr(l, "组织", "organisation"), tr(l, "日期", "date"), tr(l, "姓名或事项", "name or item"),
                                tr(l, "说明", "what")};
      for (int c = 0; c < 4; ++c) worksheet_write_string(wd, 0, static_cast<lxw_col_t>(c), dh[c].c_str(), bold);
      lxw_row_t rr = 1;
      for (const auto& d : life.details) {
        if (d.figure != id) continue;
        worksheet_write_string(wd, rr, 0, d.org.c_str(), nullptr);
        worksheet_write_string(wd, rr, 1, d.date.c_str(), nullptr);
        worksheet_write_string(wd, rr, 2, d.name.c_str(), nullptr);
        worksheet_write_string(wd, rr, 3, life_detail_what(l, d).c_str(), nullptr);
        ++rr;
      }
      worksheet_set_column(wd, 2, 2, 24, nullptr);
      worksheet_set_column(wd, 3, 3, 36, nullptr);
    }
  }
  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR)
    return Error::storage(std::string("writing ") + path + ": " + lxw_strerror(err));
  return make_private_file(path);
}

}  // namespace djflow::cli
