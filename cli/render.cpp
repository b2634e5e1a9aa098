#include "cli/render.hpp"

#include <algorithm>

namespace djflow::cli {

namespace {

// Decodes one UTF-8 code point at s[i], advancing i. Invalid bytes count as one column each.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 1;
  if (i + static_cast<std::size_t>(len) > s.size()) len = 1;
  char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += static_cast<std::size_t>(len);
  return cp;
}

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
    const char32_t c = next_code_point(s, i);
    w += is_zero_width(c) ? 0 : is_wide(c) ? 2 : 1;
  }
  return w;
}

void Table::print(std::ostream& out, const std::string& indent) const {
  std::vector<std::size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  };
  measure(header_);
  for (const auto& r : rows_) measure(r);
  auto line = [&](const std::vector<std::string>& row) {
    std::string s = indent;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      s += cell;
      if (i + 1 < widths.size()) s += std::string(widths[i] - display_width(cell) + 2, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << '\n';
  };
  line(header_);
  std::size_t total = 0;
  for (std::size_t i = 0; i < widths.size(); ++i) total += widths[i] + (i + 1 < widths.size() ? 2 : 0);
  out << indent << std::string(total, '-') << '\n';
  for (const auto& r : rows_) line(r);
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

int report_error(std::ostream& err, const engine::Error& e, Lang lang, bool json) {
  const int code = engine::exit_code(e.code);
  if (json) {
    Json j = {{"code", code}, {"kind", engine::code_name(e.code)}, {"message", e.message.in(lang)}};
    if (!e.rule.empty()) j["rule"] = e.rule;
    if (!e.article.empty()) j["article"] = e.article;
    if (e.possible_from) j["possible_from"] = e.possible_from->iso();
    err << Json{{"error", j}}.dump() << '\n';
  } else {
    err << (lang == Lang::Zh ? "错误：" : "error: ") << e.message.in(lang) << '\n';
  }
  return code;
}

}  // namespace djflow::cli
