// The first worksheet of an XLSX workbook as a table of text: minizip unpacks the parts, expat
// parses them (xl/workbook.xml and its relations find the first sheet; xl/sharedStrings.xml holds
// the strings that cells refer to by index).
#include <expat.h>
#include <unzip.h>

#include <map>
#include <memory>

#include "sheet/sheet.hpp"

namespace djflow::sheet {

using engine::Error;

namespace {

Error damaged(const std::string& path, const std::string& what) {
  return Error::invalid({"XLSX 文件已损坏或不是工作簿（" + what + "）：" + path,
                         "the XLSX file is damaged or not a workbook (" + what + "): " + path});
}

struct Zip {
  unzFile z = nullptr;
  ~Zip() {
    if (z) unzClose(z);
  }
};

// The part `name` of the archive; nullopt when absent.
engine::Result<std::optional<std::string>> part(Zip& zip, const std::string& path, const std::string& name) {
  if (unzLocateFile(zip.z, name.c_str(), 0) != UNZ_OK) return std::optional<std::string>();
  unz_file_info info{};
  if (unzGetCurrentFileInfo(zip.z, &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK) return damaged(path, name);
  if (info.uncompressed_size > kMaxFileBytes) return damaged(path, name + " > 64 MB");
  if (unzOpenCurrentFile(zip.z) != UNZ_OK) return damaged(path, name);
  std::string out;
  char buf[65536];
  int n = 0;
  while ((n = unzReadCurrentFile(zip.z, buf, sizeof buf)) > 0) {
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxFileBytes) {
      unzCloseCurrentFile(zip.z);
      return damaged(path, name + " > 64 MB");
    }
  }
  if (unzCloseCurrentFile(zip.z) != UNZ_OK || n < 0) return damaged(path, name);
  return std::optional<std::string>(std::move(out));
}

std::string local_name(const char* qname) {
  std::string n = qname;
  const auto colon = n.rfind(':');
  return colon == std::string::npos ? n : n.substr(colon + 1);
}

const char* attr(const char** atts, const char* name) {
  for (int i = 0; atts[i]; i += 2)
    if (local_name(atts[i]) == name) return atts[i + 1];
  return nullptr;
}

// Runs expat over `xml` with a handler object H (start(name, atts), end(name), text(s, len)).
template <class H>
bool parse(const std::string& xml, H& h) {
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> p(XML_ParserCreate("UTF-8"), XML_ParserFree);
  XML_SetUserData(p.get(), &h);
  XML_SetElementHandler(
      p.get(), [](void* u, const char* n, const char** a) { static_cast<H*>(u)->start(local_name(n), a); },
      [](void* u, const char* n) { static_cast<H*>(u)->end(local_name(n)); });
  XML_SetCharacterDataHandler(p.get(), [](void* u, const char* s, int len) {
    static_cast<H*>(u)->text(s, static_cast<std::size_t>(len));
  });
  return XML_Parse(p.get(), xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_OK;
}

struct FirstSheet {  // workbook.xml: r:id of the first <sheet>
  std::string rid;
  void start(const std::string& n, const char** a) {
    if (n == "sheet" && rid.empty())
      if (const char* v = attr(a, "id")) rid = v;
  }
  void end(const std::string&) {}
  void text(const char*, std::size_t) {}
};

struct Rels {  // workbook.xml.rels: Id -> Target
  std::map<std::string, std::string> target;
  void start(const std::string& n, const char** a) {
    const char* id = attr(a, "Id");
    const char* t = attr(a, "Target");
    if (n == "Relationship" && id && t) target[id] = t;
  }
  void end(const std::string&) {}
  void text(const char*, std::size_t) {}
};

struct SharedStrings {  // <si> = concatenation of its <t> (rich text runs too; phonetic <rPh> skipped)
  std::vector<std::string> s;
  bool in_t = false;
  int in_rph = 0;
  void start(const std::string& n, const char**) {
    if (n == "si") s.emplace_back();
    if (n == "rPh") ++in_rph;
    if (n == "t") in_t = true;
  }
  void end(const std::string& n) {
    if (n == "t") in_t = false;
    if (n == "rPh") --in_rph;
  }
  void text(const char* p, std::size_t len) {
    if (in_t && in_rph == 0 && !s.empty()) s.back().append(p, len);
  }
};

// Column index (0-based) of a reference like "AB12"; -1 when there is none.
long column_of(const char* ref) {
  long col = 0;
  bool any = false;
  for (; *ref >= 'A' && *ref <= 'Z'; ++ref) {
    col = col * 26 + (*ref - 'A' + 1);
    any = true;
    if (col > 16384) return -1;
  }
  return any ? col - 1 : -1;
}

struct Cells {
  const std::vector<std::string>* shared = nullptr;
  Rows rows;
  std::string type, value;
  long col = -1, next_col = 0;
  bool in_v = false, in_t = false, bad = false;
  void start(const std::string& n, const char** a) {
    if (n == "row") {
      const char* r = attr(a, "r");
      const long idx = r ? std::atol(r) - 1 : static_cast<long>(rows.size());
      if (idx < static_cast<long>(rows.size()) || idx > 1048576) bad = true;
      else rows.resize(static_cast<std::size_t>(idx) + 1);
      next_col = 0;
    } else if (n == "c") {
      const char* r = attr(a, "r");
      col = r ? column_of(r) : next_col;
      if (col < 0) bad = true;
      const char* t = attr(a, "t");
      type = t ? t : "n";
      value.clear();
    } else if (n == "v") {
      in_v = true;
    } else if (n == "t") {
      in_t = true;
    }
  }
  void end(const std::string& n) {
    if (n == "v") in_v = false;
    if (n == "t") in_t = false;
    if (n == "c" && col >= 0 && !rows.empty()) {
      std::string cell = value;
      if (type == "s") {
        char* e = nullptr;
        const unsigned long i = std::strtoul(value.c_str(), &e, 10);
        if (value.empty() || *e || i >= shared->size()) bad = true;
        else cell = (*shared)[i];
      } else if (type == "b") {
        cell = value == "1" ? "TRUE" : "FALSE";
      }
      auto& row = rows.back();
      if (row.size() <= static_cast<std::size_t>(col)) row.resize(static_cast<std::size_t>(col) + 1);
      row[static_cast<std::size_t>(col)] = std::move(cell);
      next_col = col + 1;
    }
  }
  void text(const char* p, std::size_t len) {
    if (in_v || (in_t && type == "inlineStr")) value.append(p, len);
  }
};

}  // namespace

engine::Result<Rows> read_xlsx(const std::string& path) {
  Zip zip;
  zip.z = unzOpen64(path.c_str());
  if (!zip.z) return damaged(path, "zip");
  auto wb = part(zip, path, "xl/workbook.xml");
  DJFLOW_TRY(wb);
  std::string sheet_path = "xl/worksheets/sheet1.xml";
  if (wb.value()) {
    FirstSheet fs;
    if (!parse(*wb.value(), fs)) return damaged(path, "xl/workbook.xml");
    auto rels = part(zip, path, "xl/_rels/workbook.xml.rels");
    DJFLOW_TRY(rels);
    Rels r;
    if (rels.value() && parse(*rels.value(), r) && r.target.count(fs.rid)) {
      std::string t = r.target[fs.rid];
      sheet_path = t.rfind("/", 0) == 0 ? t.substr(1) : "xl/" + t;
    }
  }
  SharedStrings ss;
  auto sst = part(zip, path, "xl/sharedStrings.xml");
  DJFLOW_TRY(sst);
  if (sst.value() && !parse(*sst.value(), ss)) return damaged(path, "xl/sharedStrings.xml");
  auto sheet = part(zip, path, sheet_path);
  DJFLOW_TRY(sheet);
  if (!sheet.value()) return damaged(path, sheet_path + " missing");
  Cells cells;
  cells.shared = &ss.s;
  if (!parse(*sheet.value(), cells) || cells.bad) return damaged(path, sheet_path);
  return std::move(cells.rows);
}

}  // namespace djflow::sheet
