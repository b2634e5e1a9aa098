// Output for people and for scripts. Text goes to an injected std::ostream in the user's language,
// with tables whose columns line up in a terminal even when cells hold Chinese (East Asian wide
// characters count two columns). JSON output is one document per command on stdout; errors go to
// stderr, as text or as {"error": {...}} with --json.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/text.hpp"

namespace djflow::cli {

using engine::Lang;
using Json = nlohmann::ordered_json;

// Terminal columns a UTF-8 string occupies (wide CJK = 2, combining marks = 0).
std::size_t display_width(std::string_view utf8);

// A left-aligned table: a header row, a rule, and the rows. Columns are padded to the widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  void print(std::ostream& out, const std::string& indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Picks the language's variant.
inline const std::string& tr(Lang lang, const engine::Text& t) { return t.in(lang); }
inline std::string tr(Lang lang, const char* zh, const char* en) { return lang == Lang::Zh ? zh : en; }

// "还有 3 天" / "3 days left", "今天到期" / "due today", "逾期 2 天" / "overdue by 2 days".
std::string days_left_text(Lang lang, int days_left, bool milestone);

// Writes the error (text or JSON) to `err` and returns its exit code.
int report_error(std::ostream& err, const engine::Error& e, Lang lang, bool json);

}  // namespace djflow::cli
