// SqliteStore, health checks for `verify` and `serve`: the scan for stored text that is not valid
// UTF-8 (invariant I13: only a database written behind djflow's back holds any) and the cheap
// page check (PRAGMA quick_check).
#include "engine/utf8.hpp"
#include "storage/sqlite_store.hpp"
#include "storage/statement.hpp"

namespace djflow::storage {

using detail::Statement;
using detail::sqlite_error;
using engine::InvalidText;
using engine::Result;

namespace {

std::string quoted_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

Result<std::vector<InvalidText>> SqliteHealth::invalid_text() {
  // Every table with a rowid (djflow's tables all have one), every column: a value is checked when
  // SQLite holds it as TEXT, whatever the column's declared type.
  std::vector<std::string> tables;
  {
    auto s = Statement::prepare(
        db_, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
    DJFLOW_TRY(s);
    for (int rc; (rc = s.value().step()) != SQLITE_DONE;) {
      if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "invalid_text tables");
      tables.push_back(s.value().string(0));
    }
  }
  std::vector<InvalidText> out;
  for (const auto& table : tables) {
    auto s = Statement::prepare(db_, "SELECT rowid, * FROM " + quoted_identifier(table));
    if (!s) continue;  // a WITHOUT ROWID table (none of djflow's): nothing to name rows by
    Statement& st = s.value();
    const int columns = sqlite3_column_count(st.get());
    for (int rc; (rc = st.step()) != SQLITE_DONE;) {
      if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "invalid_text " + table);
      for (int col = 1; col < columns; ++col) {
        if (sqlite3_column_type(st.get(), col) != SQLITE_TEXT) continue;
        const std::string_view v = st.text(col);
        if (engine::utf8::valid(v) && v.find('\0') == std::string_view::npos) continue;
        out.push_back({table, st.int64(0), sqlite3_column_name(st.get(), col)});
      }
    }
  }
  return out;
}

Result<std::vector<std::string>> SqliteHealth::quick_problems() {
  auto s = Statement::prepare(db_, "PRAGMA quick_check");
  DJFLOW_TRY(s);
  std::vector<std::string> rows;
  for (int rc; (rc = s.value().step()) != SQLITE_DONE;) {
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "quick_check");
    rows.emplace_back(s.value().text(0));
  }
  if (rows.size() == 1 && rows.front() == "ok") rows.clear();
  return rows;
}

}  // namespace djflow::storage
