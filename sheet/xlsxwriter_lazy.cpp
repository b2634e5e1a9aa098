// libxlsxwriter, loaded when the first workbook is written instead of at every process start
// (issue 7 §6, docs/performance.md "A lean process"). Debian ships it only as a shared library,
// which needs the shared libcrypto, libz and libminizip: loading them cost every djflow command
// (`show`, `--version`) their mapping and relocations although only `export --format xlsx` and
// `report --xlsx` write workbooks. The functions djflow calls are defined here with the library's
// own signatures (from <xlsxwriter.h>, so a changed signature does not compile) and forward to
// the library's, looked up with dlopen/dlsym on first use. If the library cannot be loaded,
// workbook_new returns NULL (which both callers report) and lxw_strerror says why.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include <xlsxwriter.h>

namespace {

void* library() {
  static void* handle = dlopen("libxlsxwriter.so.4", RTLD_NOW | RTLD_LOCAL);
  return handle;
}

void* symbol(const char* name) {
  void* lib = library();
  void* s = lib ? dlsym(lib, name) : nullptr;
  if (!s && lib) {  // only reachable with a library that lacks a function of its own header
    std::fprintf(stderr, "djflow: libxlsxwriter: %s\n", name);
    std::abort();
  }
  return s;
}

}  // namespace

// Each forwarder looks its function up once (a function-local static).
#define DJFLOW_LXW(name) \
  static const auto fn = reinterpret_cast<decltype(&::name)>(symbol(#name)); \
  return fn

extern "C" {

lxw_workbook* workbook_new(const char* filename) {
  if (!library()) return nullptr;
  DJFLOW_LXW(workbook_new)(filename);
}
char* lxw_strerror(lxw_error error_num) {
  if (!library()) return const_cast<char*>("libxlsxwriter.so.4 cannot be loaded (Debian: libxlsxwriter4)");
  DJFLOW_LXW(lxw_strerror)(error_num);
}
lxw_worksheet* workbook_add_worksheet(lxw_workbook* workbook, const char* sheetname) {
  DJFLOW_LXW(workbook_add_worksheet)(workbook, sheetname);
}
lxw_error workbook_close(lxw_workbook* workbook) { DJFLOW_LXW(workbook_close)(workbook); }
lxw_format* workbook_add_format(lxw_workbook* workbook) { DJFLOW_LXW(workbook_add_format)(workbook); }
lxw_chart* workbook_add_chart(lxw_workbook* workbook, uint8_t chart_type) {
  DJFLOW_LXW(workbook_add_chart)(workbook, chart_type);
}
void format_set_bold(lxw_format* format) { DJFLOW_LXW(format_set_bold)(format); }
void format_set_italic(lxw_format* format) { DJFLOW_LXW(format_set_italic)(format); }
void format_set_text_wrap(lxw_format* format) { DJFLOW_LXW(format_set_text_wrap)(format); }
void format_set_num_format(lxw_format* format, const char* num_format) {
  DJFLOW_LXW(format_set_num_format)(format, num_format);
}
void format_set_font_color(lxw_format* format, lxw_color_t color) {
  DJFLOW_LXW(format_set_font_color)(format, color);
}
lxw_error worksheet_write_string(lxw_worksheet* worksheet, lxw_row_t row, lxw_col_t col, const char* string,
                                 lxw_format* format) {
  DJFLOW_LXW(worksheet_write_string)(worksheet, row, col, string, format);
}
lxw_error worksheet_write_number(lxw_worksheet* worksheet, lxw_row_t row, lxw_col_t col, double number,
                                 lxw_format* format) {
  DJFLOW_LXW(worksheet_write_number)(worksheet, row, col, number, format);
}
lxw_error worksheet_set_column(lxw_worksheet* worksheet, lxw_col_t first_col, lxw_col_t last_col, double width,
                               lxw_format* format) {
  DJFLOW_LXW(worksheet_set_column)(worksheet, first_col, last_col, width, format);
}
lxw_error worksheet_insert_chart(lxw_worksheet* worksheet, lxw_row_t row, lxw_col_t col, lxw_chart* chart) {
  DJFLOW_LXW(worksheet_insert_chart)(worksheet, row, col, chart);
}
void worksheet_freeze_panes(lxw_worksheet* worksheet, lxw_row_t row, lxw_col_t col) {
  DJFLOW_LXW(worksheet_freeze_panes)(worksheet, row, col);
}
lxw_error worksheet_data_validation_range(lxw_worksheet* worksheet, lxw_row_t first_row, lxw_col_t first_col,
                                          lxw_row_t last_row, lxw_col_t last_col,
                                          lxw_data_validation* validation) {
  DJFLOW_LXW(worksheet_data_validation_range)(worksheet, first_row, first_col, last_row, last_col, validation);
}
void chart_title_set_name(lxw_chart* chart, const char* name) { DJFLOW_LXW(chart_title_set_name)(chart, name); }
lxw_chart_series* chart_add_series(lxw_chart* chart, const char* categories, const char* values) {
  DJFLOW_LXW(chart_add_series)(chart, categories, values);
}
void chart_series_set_categories(lxw_chart_series* series, const char* sheetname, lxw_row_t first_row,
                                 lxw_col_t first_col, lxw_row_t last_row, lxw_col_t last_col) {
  DJFLOW_LXW(chart_series_set_categories)(series, sheetname, first_row, first_col, last_row, last_col);
}
void chart_series_set_values(lxw_chart_series* series, const char* sheetname, lxw_row_t first_row,
                             lxw_col_t first_col, lxw_row_t last_row, lxw_col_t last_col) {
  DJFLOW_LXW(chart_series_set_values)(series, sheetname, first_row, first_col, last_row, last_col);
}
void chart_series_set_name_range(lxw_chart_series* series, const char* sheetname, lxw_row_t row, lxw_col_t col) {
  DJFLOW_LXW(chart_series_set_name_range)(series, sheetname, row, col);
}

}  // extern "C"
