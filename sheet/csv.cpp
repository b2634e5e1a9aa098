// CSV in and out, and the format sniffing of read_table.
#include <fstream>
#include <sstream>

#include "sheet/sheet.hpp"

namespace djflow::sheet {

using engine::Error;

engine::Result<Rows> parse_csv(std::string_view t) {
  if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
  Rows rows;
  Row row;
  std::string cell;
  bool quoted = false, any = false;
  std::size_t line = 1;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < t.size() && t[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"' && cell.empty()) {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n') ++i;
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
      ++line;
    } else {
      cell += c;
      any = true;
    }
  }
  if (quoted) {
    return Error::invalid({"CSV 文件第 " + std::to_string(line) + " 行：引号未闭合",
                           "CSV file line " + std::to_string(line) + ": a quoted field is not closed"});
  }
  if (any || !cell.empty()) {
    row.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  return rows;
}

engine::Result<Rows> read_table(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error::not_found({"无法打开文件：" + path, "cannot open the file " + path});
  char magic[4] = {};
  f.read(magic, 4);
  if (f.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) return read_xlsx(path);
  f.clear();
  f.seekg(0);
  std::ostringstream buf;
  buf << f.rdbuf();
  std::string text = buf.str();
  if (text.size() > kMaxFileBytes)
    return Error::invalid({"文件过大（超过 64 MB）：" + path, "the file is larger than 64 MB: " + path});
  return parse_csv(text);
}

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string to_csv(const Row& header, const Rows& rows) {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&](const Row& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_field(cells[i]);
    out += "\r\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  return out;
}

}  // namespace djflow::sheet
