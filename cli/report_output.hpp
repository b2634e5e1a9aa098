// Output of the year's figures (workflows/report/): the aligned text report, JSON, CSV and the
// XLSX workbook (report_xlsx.cpp, libxlsxwriter: a sheet of figures, a sheet per organisation
// with a bar chart, a sheet per detail list).
#pragma once

#include <string>

#include "cli/app.hpp"
#include "workflows/report/year_report.hpp"

namespace djflow::cli {

std::string figure_label(Lang lang, workflows::report::Fig f);
// What a detail row's `what` means, in the user's language.
std::string detail_what(const Cli& cli, const workflows::report::DetailRow& d);
std::string source_label(Lang lang, const std::string& source);

// Writes the workbook to `path` (mode 0600).
engine::Status write_report_xlsx(const Cli& cli, const workflows::report::Report& r, const std::string& path);

}  // namespace djflow::cli
