#include "cli/import_table.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "cli/private_file.hpp"
#include "engine/utf8.hpp"

namespace djflow::cli {

using engine::Date;
using engine::Error;

namespace {

// Header text compared without blanks, a trailing "*" (required mark), ASCII case and "_".
std::string header_key(const std::string& h) {
  std::string out;
  for (char c : h) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '*' || c == '_' || c == '-') continue;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  // A full-width asterisk "＊" as the required mark.
  const std::string fw = "\xEF\xBC\x8A";
  while (out.size() >= fw.size() && out.compare(out.size() - fw.size(), fw.size(), fw) == 0) out.resize(out.size() - fw.size());
  return out;
}

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  // A full-width blank U+3000 at either end.
  std::string t = s.substr(b, e - b);
  const std::string ws = "\xE3\x80\x80";
  while (t.rfind(ws, 0) == 0) t = t.substr(ws.size());
  while (t.size() >= ws.size() && t.compare(t.size() - ws.size(), ws.size(), ws) == 0) t.resize(t.size() - ws.size());
  return t;
}

std::optional<int> whole(std::string_view s) {
  int v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string ImportProblem::line(Lang lang) const {
  std::string out = lang == Lang::Zh ? "第" + std::to_string(row) + "行" : "row " + std::to_string(row);
  if (!column.empty()) out += " " + column;
  if (!value.empty()) out += " " + engine::utf8::escape_for_message(value);
  return out + (lang == Lang::Zh ? "：" : ": ") + what.in(lang);
}

std::string ImportRow::header(const std::string& key, const std::vector<ColumnSpec>& specs) const {
  if (auto it = headers.find(key); it != headers.end()) return it->second;
  for (const auto& s : specs)
    if (s.key == key) return s.zh;
  return key;
}

std::optional<Date> parse_sheet_date(std::string v) {
  v = trim(v);
  if (v.empty()) return std::nullopt;
  // Excel serial: whole days since 1899-12-30 (a ".0" fraction allowed).
  std::string_view sv = v;
  if (sv.size() > 2 && sv.substr(sv.size() - 2) == ".0") sv.remove_suffix(2);
  if (auto n = whole(sv)) {
    if (*n < 61 || *n > 2958465) return std::nullopt;
    return Date::from_days(*n - 25569);
  }
  // 2023年3月1日 and 2023.3.1 become 2023-3-1.
  std::string s;
  for (std::size_t i = 0; i < v.size();) {
    if (v.compare(i, 3, "年") == 0 || v.compare(i, 3, "月") == 0) { s += '-'; i += 3; continue; }
    if (v.compare(i, 3, "日") == 0) { i += 3; continue; }
    s += v[i] == '/' || v[i] == '.' ? '-' : v[i];
    ++i;
  }
  // An ISO date-time from a spreadsheet ("2023-03-01 00:00:00", "2023-03-01T00:00:00").
  if (auto sp = s.find_first_of(" T"); sp != std::string::npos && sp >= 8) {
    const std::string rest = s.substr(sp + 1);
    if (rest == "00:00:00" || rest == "00:00") s = s.substr(0, sp);
  }
  int y = 0, m = 0, d = 0;
  std::size_t p1 = s.find('-'), p2 = p1 == std::string::npos ? p1 : s.find('-', p1 + 1);
  if (p2 == std::string::npos) return std::nullopt;
  auto yy = whole(std::string_view(s).substr(0, p1));
  auto mm = whole(std::string_view(s).substr(p1 + 1, p2 - p1 - 1));
  auto dd = whole(std::string_view(s).substr(p2 + 1));
  if (!yy || !mm || !dd || p1 != 4 || p2 - p1 - 1 > 2 || s.size() - p2 - 1 > 2) return std::nullopt;
  y = *yy, m = *mm, d = *dd;
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
  return Date::parse(iso);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto nl = text.find('\n', pos);
    const std::string t = trim(text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
    if (!t.empty()) out.push_back(t);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    const std::string t = trim(cur);
    if (!t.empty()) out.push_back(t);
    cur.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    bool sep = false;
    for (const char* s : {"、", "，", "；", ",", ";", " ", "\xE3\x80\x80"}) {
      const std::size_t n = std::char_traits<char>::length(s);
      if (text.compare(i, n, s) == 0) {
        flush();
        i += n;
        sep = true;
        break;
      }
    }
    if (!sep) cur += text[i++];
  }
  flush();
  return out;
}

engine::Result<ImportSheet> ImportSheet::read(const std::string& path, const std::vector<ColumnSpec>& specs) {
  auto table = sheet::read_table(path);
  DJFLOW_TRY(table);
  ImportSheet out;
  out.specs = &specs;
  auto& rows = table.value();
  std::size_t h = 0;
  while (h < rows.size() && std::all_of(rows[h].begin(), rows[h].end(), [](const std::string& c) { return trim(c).empty(); })) ++h;
  if (h == rows.size()) {
    return Error::invalid({"文件中没有表头行：" + path, "the file has no header row: " + path});
  }
  std::map<std::string, const ColumnSpec*> by_header;
  for (const auto& s : specs) {
    by_header[header_key(s.zh)] = &s;
    by_header[header_key(s.en)] = &s;
    for (const auto& a : s.aliases) by_header[header_key(a)] = &s;
  }
  std::vector<const ColumnSpec*> col_spec(rows[h].size(), nullptr);
  std::map<std::string, std::string> headers;
  for (std::size_t c = 0; c < rows[h].size(); ++c) {
    const std::string name = trim(rows[h][c]);
    if (name.empty()) continue;
    if (!engine::utf8::valid(name)) {
      out.problems.push_back({h + 1, "", name, {"表头不是有效的 UTF-8 文本", "a header is not valid UTF-8 text"}});
      continue;
    }
    auto it = by_header.find(header_key(name));
    if (it == by_header.end()) {
      out.problems.push_back({h + 1, name, "", {"未知的列（可用 djflow import template 取得模板）",
                                                "unknown column (djflow import template writes the form)"}});
      continue;
    }
    if (headers.count(it->second->key)) {
      out.problems.push_back({h + 1, name, "", {"与“" + headers[it->second->key] + "”是同一列，重复出现",
                                                "the same column as '" + headers[it->second->key] + "', given twice"}});
      continue;
    }
    headers[it->second->key] = name;
    col_spec[c] = it->second;
  }
  for (const auto& s : specs)
    if (s.required && !headers.count(s.key))
      out.problems.push_back({h + 1, s.zh, "", {"缺少必填列", "a required column is missing"}});
  for (std::size_t r = h + 1; r < rows.size(); ++r) {
    const auto& cells = rows[r];
    if (std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return trim(c).empty(); })) continue;
    if (!cells.empty() && (trim(cells[0]).rfind("【说明】", 0) == 0 || trim(cells[0]).rfind("#", 0) == 0)) continue;
    ImportRow row;
    row.row = r + 1;
    row.headers = headers;
    for (std::size_t c = 0; c < cells.size() && c < col_spec.size(); ++c) {
      if (!col_spec[c]) continue;
      const std::string v = trim(cells[c]);
      if (v.empty()) continue;
      if (auto s = engine::utf8::check_text(v, engine::Text{"单元格", "cell"}, 4096); !s) {
        out.problems.push_back({row.row, headers[col_spec[c]->key], engine::utf8::replace_invalid(v.substr(0, 60)),
                                {"不是有效的文本（须为 UTF-8，不含空字符，不超过 4096 字节）",
                                 "not valid text (UTF-8, no NUL, at most 4096 bytes)"}});
        row.bad.insert(col_spec[c]->key);
        continue;
      }
      row.cells[col_spec[c]->key] = v;
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

void ImportSheet::problem(const ImportRow& r, const std::string& key, engine::Text what) {
  problems.push_back({r.row, key.empty() ? "" : r.header(key, *specs), key.empty() ? "" : r.get(key), std::move(what)});
}

std::optional<Date> ImportSheet::date(const ImportRow& r, const std::string& key) {
  if (!r.has(key)) return std::nullopt;
  auto d = parse_sheet_date(r.get(key));
  if (!d) problem(r, key, {"不是有效日期（应为 2023-03-01、2023/3/1、2023年3月1日或 Excel 日期）",
                           "not a valid date (2023-03-01, 2023/3/1, 2023年3月1日 or an Excel date)"});
  return d;
}

std::optional<int> ImportSheet::count(const ImportRow& r, const std::string& key) {
  if (!r.has(key)) return std::nullopt;
  std::string v = r.get(key);
  if (v.size() > 2 && v.substr(v.size() - 2) == ".0") v.resize(v.size() - 2);
  auto n = whole(v);
  if (!n || *n < 0) problem(r, key, {"应为不小于 0 的整数", "must be a whole number, 0 or more"});
  return n && *n >= 0 ? n : std::nullopt;
}

bool ImportSheet::require(const ImportRow& r, const std::string& key) {
  if (r.has(key)) return true;
  if (r.bad.count(key)) return false;  // already reported
  problems.push_back({r.row, r.header(key, *specs), "", {"必填项为空", "a required value is empty"}});
  return false;
}

engine::Status write_problem_report(const std::string& path, const std::vector<ImportProblem>& problems) {
  const sheet::Row header{"行", "列", "值", "问题", "说明"};
  sheet::Rows rows;
  for (const auto& p : problems)
    rows.push_back({std::to_string(p.row), p.column, engine::utf8::replace_invalid(p.value), p.what.zh, p.line(Lang::Zh)});
  const bool xlsx = path.size() >= 5 && header_key(path.substr(path.size() - 5)) == ".xlsx";
  if (xlsx) return sheet::write_xlsx(path, {sheet::SheetOut{"错误报告", header, {}, rows, {}}});
  return write_private_file(path, sheet::to_csv(header, rows));
}

Json problems_json(const std::vector<ImportProblem>& problems) {
  Json arr = Json::array();
  for (const auto& p : problems)
    arr.push_back({{"row", p.row}, {"column", p.column}, {"value", engine::utf8::replace_invalid(p.value)},
                   {"problem", p.what.zh}, {"problem_en", p.what.en}, {"line", p.line(Lang::Zh)}});
  return arr;
}

sheet::SheetOut template_sheet(const std::string& name, const std::vector<ColumnSpec>& specs) {
  sheet::SheetOut s;
  s.name = name;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    s.header.push_back(specs[i].zh + (specs[i].required ? "*" : ""));
    s.explanation.push_back((i == 0 ? "【说明】" : "") + specs[i].explanation);
    if (!specs[i].list.empty()) s.lists.push_back({i, specs[i].list});
  }
  return s;
}

}  // namespace djflow::cli
