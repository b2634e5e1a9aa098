// Spreadsheet files at the edge: a table of text cells read from CSV (UTF-8, with or without BOM)
// or from the first worksheet of an XLSX workbook, and workbooks written as XLSX (with an
// explanation row and data-validation lists) or CSV with a BOM. Cell text is returned as stored;
// callers validate it (invariant I13: engine/utf8.hpp). Dates in XLSX come as Excel serials.
#pragma once

#include <string>
#include <vector>

#include "engine/error.hpp"

namespace djflow::sheet {

using Row = std::vector<std::string>;
using Rows = std::vector<Row>;

// Largest file read, and largest part of an XLSX unpacked (a zip bomb is refused).
inline constexpr std::size_t kMaxFileBytes = 64u << 20;

// Reads FILE: XLSX when it starts like a zip archive, else CSV (RFC 4180, BOM skipped).
// InvalidInput for a damaged file, NotFound when it cannot be opened.
engine::Result<Rows> read_table(const std::string& path);
engine::Result<Rows> parse_csv(std::string_view text);
engine::Result<Rows> read_xlsx(const std::string& path);

struct ValidationList {
  std::size_t column = 0;             // 0-based
  std::vector<std::string> values;    // the allowed values (a drop-down list)
};

struct SheetOut {
  std::string name;                   // worksheet name (at most 31 characters)
  Row header;
  Row explanation;                    // optional second row, shown in italics ("" for none)
  Rows rows;
  std::vector<ValidationList> lists;  // applied to the data rows below the header(s)
};

// Writes a workbook of one or more worksheets. Storage error when the file cannot be written.
engine::Status write_xlsx(const std::string& path, const std::vector<SheetOut>& sheets);
// RFC 4180 CSV, UTF-8 with BOM, CRLF line ends (Excel opens Chinese correctly).
std::string to_csv(const Row& header, const Rows& rows);
std::string csv_field(const std::string& v);

}  // namespace djflow::sheet
