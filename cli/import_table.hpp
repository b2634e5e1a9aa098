// The edge of `djflow import`: a spreadsheet's rows read against a list of known columns (headers
// in Chinese or English, any order), cell values parsed (dates in four spellings, whole numbers,
// name lists) and every problem collected as a report line (row, column, value, what is wrong)
// rather than stopping at the first. Nothing here writes to the database.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/render.hpp"
#include "engine/date.hpp"
#include "engine/error.hpp"
#include "sheet/sheet.hpp"

namespace djflow::cli {

struct ColumnSpec {
  std::string key;                  // internal name
  std::string zh;                   // the header the template writes
  std::string en;                   // English header
  std::vector<std::string> aliases; // other accepted headers
  bool required = false;            // the column must be present (and its cells filled)
  std::string explanation;          // the template's explanation row (Chinese)
  std::vector<std::string> list;    // the template's drop-down list, when there is one
};

struct ImportProblem {
  std::size_t row = 0;              // 1-based row of the sheet (the header is row 1)
  std::string column;               // the header as written in the file ("" for the whole row)
  std::string value;
  engine::Text what;
  // "第12行 确定积极分子日期 2023-02-30：不是有效日期"
  std::string line(Lang lang) const;
};

// One data row: the cells by column key (absent keys: column not in the file or cell empty).
struct ImportRow {
  std::size_t row = 0;
  std::map<std::string, std::string> cells;
  std::map<std::string, std::string> headers;  // key -> the header as written
  std::set<std::string> bad;                   // keys whose cell was not valid text (reported)
  bool has(const std::string& key) const { return cells.count(key) != 0; }
  std::string get(const std::string& key) const {
    auto it = cells.find(key);
    return it == cells.end() ? std::string() : it->second;
  }
  std::string header(const std::string& key, const std::vector<ColumnSpec>& specs) const;
};

class ImportSheet {
 public:
  // Reads FILE and matches its header row against `specs`: unknown, repeated and missing required
  // columns are problems. Rows that are empty or start with "【说明】" (the template's
  // explanation row) are skipped. Invalid text (I13) in a cell is a problem of its cell.
  static engine::Result<ImportSheet> read(const std::string& path, const std::vector<ColumnSpec>& specs);

  std::vector<ImportRow> rows;
  std::vector<ImportProblem> problems;
  const std::vector<ColumnSpec>* specs = nullptr;

  // Helpers that parse a cell and record a problem when it is wrong.
  void problem(const ImportRow& r, const std::string& key, engine::Text what);
  std::optional<engine::Date> date(const ImportRow& r, const std::string& key);
  std::optional<int> count(const ImportRow& r, const std::string& key);
  bool require(const ImportRow& r, const std::string& key);
};

// "2023-03-01", "2023/3/1", "2023.3.1", "2023年3月1日" and Excel serials (e.g. 44986).
std::optional<engine::Date> parse_sheet_date(std::string value);
// The lines of a cell (LF or CRLF), blank lines dropped.
std::vector<std::string> split_lines(const std::string& text);
// Names separated by 、，,;； or blanks.
std::vector<std::string> split_names(const std::string& text);

// Writes the report (CSV with BOM, or XLSX by the file's extension): 行, 列, 值, 问题 in Chinese.
engine::Status write_problem_report(const std::string& path, const std::vector<ImportProblem>& problems);
Json problems_json(const std::vector<ImportProblem>& problems);

// The headers, explanation row and drop-down lists of a template worksheet.
sheet::SheetOut template_sheet(const std::string& name, const std::vector<ColumnSpec>& specs);

}  // namespace djflow::cli
