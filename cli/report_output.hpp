// Output of the year's figures (workflows/report/): the aligned text report, JSON, CSV and the
// XLSX workbook (report_xlsx.cpp, libxlsxwriter: a sheet of figures, a sheet per organisation
// with a bar chart, a sheet per detail list).
#pragma once

#include <string>

#include "cli/app.hpp"
#include <unordered_map>

#include "engine/life_figures.hpp"
#include "workflows/report/year_report.hpp"

namespace djflow::cli {

std::string figure_label(Lang lang, workflows::report::Fig f);
// What a detail row's `what` means, in the user's language.
std::string detail_what(const Cli& cli, const workflows::report::DetailRow& d);
std::string source_label(Lang lang, const std::string& source);

// The organisational-life section (engine::life_figures, report_life.cpp): one row per figure,
// total and per organisation (in the order of the report's organisations).
struct LifeRow {
  std::string id;     // stable: life_<kind>_expected, life_<kind>_held, life_meetings, ...
  std::string label;  // in the user's language
  double total = 0;
  std::vector<double> per_org;
  bool ratio = false;  // life_attendance: present / should attend (0..1)
};
std::vector<LifeRow> life_rows(Lang lang, const engine::LifeFigures& f);
// The index into LifeRow::per_org of each organisation code (looked up once per organisation:
// with 20,000 organisations a search per cell was 400 million comparisons).
std::unordered_map<std::string, std::size_t> life_org_index(const engine::LifeFigures& f);
// "12", or "75.0%" for the ratio.
std::string life_value(const LifeRow& row, double v);
// The label of a life figure id ("" when unknown) and what a detail row means.
std::string life_label(Lang lang, const std::string& id);
std::string life_detail_what(Lang lang, const engine::LifeDetail& d);

// Writes the workbook to `path` (mode 0600).
engine::Status write_report_xlsx(const Cli& cli, const workflows::report::Report& r, const engine::LifeFigures& life,
                                 const std::string& path);

}  // namespace djflow::cli
