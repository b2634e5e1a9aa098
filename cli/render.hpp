// Output for people and for scripts. Text goes to an injected std::ostream in the user's language,
// with tables whose columns line up in a terminal even when cells hold Chinese (East Asian wide
// characters count two columns). JSON output is one document per command on stdout; errors go to
// stderr, as text or as {"error": {...}} with --json.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/date.hpp"
#include "engine/error.hpp"
#include "engine/text.hpp"

namespace djflow::cli {

using engine::Lang;
using Json = nlohmann::ordered_json;

// Terminal columns a UTF-8 string occupies (wide CJK = 2, combining marks = 0).
std::size_t display_width(std::string_view utf8);

// A left-aligned table: a header row, a rule, and the rows. Columns are padded to the widest cell.
// The cells' bytes are copied into one arena with their display widths (measured once, when
// added); print() formats into a buffer written to the stream in large blocks, so tables of
// 100,000 rows cost no allocation per cell. Extra cells of a row are ignored, missing ones empty.
class Table {
 public:
  explicit Table(const std::vector<std::string>& header);
  void add(const std::vector<std::string>& row);
  // As add(), from views (copied at once: the viewed strings may change afterwards).
  void add_cells(std::initializer_list<std::string_view> row);
  bool empty() const { return rows_ == 0; }
  std::size_t size() const { return rows_; }
  void reserve(std::size_t rows, std::size_t bytes_per_row = 64);
  void print(std::ostream& out, const std::string& indent = "") const;

 private:
  struct Cell {
    std::size_t offset;   // in arena_
    std::uint32_t size;   // bytes
    std::uint32_t width;  // display columns
  };
  void cell(std::string_view s);

  std::size_t columns_;
  std::size_t rows_ = 0;     // not counting the header
  std::string arena_;        // every cell's bytes, back to back
  std::vector<Cell> cells_;  // header, then the rows; columns_ cells each
};


// Writes a JSON array of flat objects (string, integer, boolean and null values) byte for byte as
// nlohmann::json's dump(2) would, followed by a newline, without building a document: objects are
// formatted into a buffer that is written to `out` in large blocks. Keys are written as given (in
// call order) and must be plain ASCII. Strings are escaped as dump() escapes them (", \, control
// characters; UTF-8 as is); bytes that are not UTF-8 become U+FFFD, as dump() with
// error_handler_t::replace writes them (the database may hold anything: invariant I13).
// Not thread-safe; one writer per stream at a time.
class JsonArrayWriter {
 public:
  explicit JsonArrayWriter(std::ostream& out) : out_(out) { buf_.reserve(kFlushAt + 4096); }
  JsonArrayWriter(const JsonArrayWriter&) = delete;
  JsonArrayWriter& operator=(const JsonArrayWriter&) = delete;

  void begin_object();
  void end_object();
  void string(std::string_view key, std::string_view value);
  void integer(std::string_view key, std::int64_t value);
  void boolean(std::string_view key, bool value);
  void null(std::string_view key);
  // Closes the array ("[]" when no object was written), adds the newline and flushes.
  void finish();

 private:
  static constexpr std::size_t kFlushAt = 1 << 16;
  void key(std::string_view k);
  void flush_if_full();

  std::ostream& out_;
  std::string buf_;
  bool any_object_ = false;
  bool any_field_ = false;
};

// Memo of display texts by key for listings: a handful of distinct keys (workflow+kind, state, ...)
// over tens of thousands of rows, so a linear search beats hashing. References stay valid for the
// memo's lifetime.
class TextMemo {
 public:
  template <class Make>
  const std::string& get(std::string_view key, Make&& make) {
    for (const auto& e : entries_)
      if (e.first == key) return *e.second;
    entries_.emplace_back(std::string(key), std::make_unique<std::string>(make()));
    return *entries_.back().second;
  }

 private:
  std::vector<std::pair<std::string, std::unique_ptr<std::string>>> entries_;
};

// days_left_text() and Date::iso() memoised for listings (rows repeat the same few hundred values).
class ListingTexts {
 public:
  explicit ListingTexts(Lang lang) : lang_(lang) {}
  const std::string& days_left(int days_left, bool milestone);
  const std::string& iso(engine::Date d);

 private:
  Lang lang_;
  std::unordered_map<std::int64_t, std::string> days_;
  std::unordered_map<std::int32_t, std::string> dates_;
};

// Picks the language's variant.
inline const std::string& tr(Lang lang, const engine::Text& t) { return t.in(lang); }
inline std::string tr(Lang lang, const char* zh, const char* en) { return lang == Lang::Zh ? zh : en; }

// "还有 3 天" / "3 days left", "今天到期" / "due today", "逾期 2 天" / "overdue by 2 days".
std::string days_left_text(Lang lang, int days_left, bool milestone);

// Writes the error (text or JSON) to `err` and returns its exit code.
int report_error(std::ostream& err, const engine::Error& e, Lang lang, bool json);
// {"error": {code, kind, message, rule, article, possible_from}}: what --json prints and the web API answers.
Json error_json(const engine::Error& e, Lang lang);

}  // namespace djflow::cli
