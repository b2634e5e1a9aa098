#include "cli/render.hpp"

#include <algorithm>
#include <charconv>

#include "engine/json_string.hpp"
#include "engine/utf8.hpp"

namespace djflow::cli {

namespace {

bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

bool is_zero_width(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || c == 0x200B || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F);
}

}  // namespace

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // ASCII: one column, no decoding
      ++w;
      ++i;
      continue;
    }
    const char32_t c = engine::utf8::next(s, i);  // an invalid byte: U+FFFD, one column
    w += is_zero_width(c) ? 0 : is_wide(c) ? 2 : 1;
  }
  return w;
}

Table::Table(const std::vector<std::string>& header) : columns_(header.size()) {
  for (const auto& h : header) cell(h);
}

void Table::cell(std::string_view s) {
  cells_.push_back({arena_.size(), static_cast<std::uint32_t>(s.size()), static_cast<std::uint32_t>(display_width(s))});
  arena_.append(s);
}

void Table::add(const std::vector<std::string>& row) {
  for (std::size_t i = 0; i < columns_; ++i) cell(i < row.size() ? std::string_view(row[i]) : std::string_view());
  ++rows_;
}

void Table::add_cells(std::initializer_list<std::string_view> row) {
  auto it = row.begin();
  for (std::size_t i = 0; i < columns_; ++i) cell(i < row.size() ? *it++ : std::string_view());
  ++rows_;
}

void Table::reserve(std::size_t rows, std::size_t bytes_per_row) {
  cells_.reserve((rows + 1) * columns_);
  arena_.reserve((rows + 1) * bytes_per_row);
}

void Table::print(std::ostream& out, const std::string& indent) const {
  std::vector<std::size_t> widths(columns_, 0);
  for (std::size_t k = 0; k < cells_.size(); ++k)
    widths[k % columns_] = std::max<std::size_t>(widths[k % columns_], cells_[k].width);
  constexpr std::size_t kFlushAt = 1 << 16;
  std::string buf;
  buf.reserve(kFlushAt + 4096);
  auto line = [&](std::size_t row) {  // row 0 is the header
    const std::size_t start = buf.size();
    buf += indent;
    for (std::size_t i = 0; i < columns_; ++i) {
      const Cell& c = cells_[row * columns_ + i];
      buf.append(arena_, c.offset, c.size);
      if (i + 1 < columns_) buf.append(widths[i] - c.width + 2, ' ');
    }
    while (buf.size() > start && buf.back() == ' ') buf.pop_back();
    buf += '\n';
    if (buf.size() >= kFlushAt) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  };
  line(0);
  std::size_t total = 0;
  for (std::size_t i = 0; i < columns_; ++i) total += widths[i] + (i + 1 < columns_ ? 2 : 0);
  buf += indent;
  buf.append(total, '-');
  buf += '\n';
  for (std::size_t r = 1; r <= rows_; ++r) line(r);
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

// --- JsonArrayWriter ---------------------------------------------------------------------------

void JsonArrayWriter::begin_object() {
  buf_ += any_object_ ? ",\n  {" : "[\n  {";
  any_object_ = true;
  any_field_ = false;
}

void JsonArrayWriter::end_object() {
  buf_ += any_field_ ? "\n  }" : "}";
  flush_if_full();
}

void JsonArrayWriter::key(std::string_view k) {
  buf_ += any_field_ ? ",\n    \"" : "\n    \"";
  any_field_ = true;
  buf_ += k;
  buf_ += "\": ";
}

void JsonArrayWriter::string(std::string_view k, std::string_view value) {
  key(k);
  engine::put_json_string(buf_, value);
}

void JsonArrayWriter::integer(std::string_view k, std::int64_t value) {
  key(k);
  char tmp[24];
  const auto r = std::to_chars(tmp, tmp + sizeof tmp, value);
  buf_.append(tmp, r.ptr);
}

void JsonArrayWriter::boolean(std::string_view k, bool value) {
  key(k);
  buf_ += value ? "true" : "false";
}

void JsonArrayWriter::null(std::string_view k) {
  key(k);
  buf_ += "null";
}

void JsonArrayWriter::finish() {
  buf_ += any_object_ ? "\n]\n" : "[]\n";
  out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  buf_.clear();
}

void JsonArrayWriter::flush_if_full() {
  if (buf_.size() < kFlushAt) return;
  out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  buf_.clear();
}

std::string days_left_text(Lang lang, int left, bool milestone) {
  const bool zh = lang == Lang::Zh;
  if (milestone) {
    if (left > 0) return zh ? std::to_string(left) + " 天后可办理" : "possible in " + std::to_string(left) + " days";
    return zh ? "已可办理" : "possible now";
  }
  if (left > 0) return zh ? "还有 " + std::to_string(left) + " 天" : std::to_string(left) + (left == 1 ? " day left" : " days left");
  if (left == 0) return zh ? "今天到期" : "due today";
  return zh ? "逾期 " + std::to_string(-left) + " 天" : "overdue by " + std::to_string(-left) + (left == -1 ? " day" : " days");
}

const std::string& ListingTexts::days_left(int left, bool milestone) {
  const std::int64_t key = static_cast<std::int64_t>(left) * 2 + (milestone ? 1 : 0);
  auto it = days_.find(key);
  if (it == days_.end()) it = days_.emplace(key, days_left_text(lang_, left, milestone)).first;
  return it->second;
}

const std::string& ListingTexts::iso(engine::Date d) {
  auto it = dates_.find(d.days_since_epoch());
  if (it == dates_.end()) it = dates_.emplace(d.days_since_epoch(), d.iso()).first;
  return it->second;
}

Json error_json(const engine::Error& e, Lang lang) {
  Json j = {{"code", engine::exit_code(e.code)}, {"kind", engine::code_name(e.code)}, {"message", e.message.in(lang)}};
  if (!e.rule.empty()) j["rule"] = e.rule;
  if (!e.article.empty()) j["article"] = e.article;
  if (e.possible_from) j["possible_from"] = e.possible_from->iso();
  return Json{{"error", j}};
}

int report_error(std::ostream& err, const engine::Error& e, Lang lang, bool json) {
  const int code = engine::exit_code(e.code);
  if (json) {
    err << error_json(e, lang).dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
  } else {
    err << (lang == Lang::Zh ? "错误：" : "error: ") << e.message.in(lang) << '\n';
  }
  return code;
}

}  // namespace djflow::cli
