// Workbooks written with libxlsxwriter: a bold header row, an optional italic explanation row,
// text cells, data-validation drop-down lists on the data rows, the header frozen.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <memory>

#include "sheet/sheet.hpp"

namespace djflow::sheet {

using engine::Error;

namespace {

constexpr lxw_row_t kLastRow = 1048575;

void write_row(lxw_worksheet* ws, lxw_row_t r, const Row& cells, lxw_format* f) {
  for (std::size_t c = 0; c < cells.size(); ++c)
    if (!cells[c].empty()) worksheet_write_string(ws, r, static_cast<lxw_col_t>(c), cells[c].c_str(), f);
}

}  // namespace

engine::Status write_xlsx(const std::string& path, const std::vector<SheetOut>& sheets) {
  // Members' personal data: the file is 0600 whatever the umask, before a byte is written
  // (libxlsxwriter truncates the file and keeps its mode).
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    if (fd >= 0) ::close(fd);
    return Error::invalid({"无法写入文件：" + path, "cannot write the file " + path});
  }
  ::close(fd);
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return Error::storage("cannot create the workbook " + path);
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* italic = workbook_add_format(wb);
  format_set_italic(italic);
  format_set_font_color(italic, LXW_COLOR_GRAY);
  format_set_text_wrap(italic);
  for (const auto& s : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.empty() ? nullptr : s.name.c_str());
    if (!ws) {
      workbook_close(wb);
      return Error::storage("cannot add the worksheet " + s.name + " to " + path);
    }
    lxw_row_t r = 0;
    write_row(ws, r++, s.header, bold);
    if (!s.explanation.empty()) write_row(ws, r++, s.explanation, italic);
    worksheet_freeze_panes(ws, r, 0);
    worksheet_set_column(ws, 0, static_cast<lxw_col_t>(s.header.empty() ? 0 : s.header.size() - 1), 16, nullptr);
    const lxw_row_t first_data = r;
    for (const auto& row : s.rows) write_row(ws, r++, row, nullptr);
    for (const auto& list : s.lists) {
      std::vector<char*> values;
      for (const auto& v : list.values) values.push_back(const_cast<char*>(v.c_str()));
      values.push_back(nullptr);
      lxw_data_validation dv{};
      dv.validate = LXW_VALIDATION_TYPE_LIST;
      dv.value_list = values.data();
      const auto col = static_cast<lxw_col_t>(list.column);
      worksheet_data_validation_range(ws, first_data, col, kLastRow, col, &dv);
    }
  }
  const lxw_error e = workbook_close(wb);
  if (e != LXW_NO_ERROR) return Error::storage("cannot write the workbook " + path + ": " + lxw_strerror(e));
  return {};
}

}  // namespace djflow::sheet
