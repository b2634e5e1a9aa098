// A JSON text written straight into one string, byte for byte as nlohmann's
// `dump(-1, ' ', false, error_handler_t::replace)` writes the same values (the web API's
// json_answer): for hot answers built in every request (a step recorded through the API answers
// with its whole case), without the tree of nlohmann values, their allocations and a second pass
// to print it (docs/performance.md, the web's fifth round). The caller writes the members in the
// order the nlohmann tree had them; tests/web/web_answer_text_test.cpp compares
// both texts (decision 0127).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/render.hpp"

namespace djflow::cli {

class JsonText {
 public:
  explicit JsonText(std::size_t reserve = 0) { out_.reserve(reserve); }

  JsonText& begin_object() { return open('{'); }
  JsonText& end_object() { return close('}'); }
  JsonText& begin_array() { return open('['); }
  JsonText& end_array() { return close(']'); }
  // A member's name; the next call writes its value.
  JsonText& key(std::string_view k) {
    comma();
    string_body(k);
    out_ += ':';
    need_comma_ = false;
    return *this;
  }
  JsonText& value(std::string_view s) {
    comma();
    string_body(s);
    need_comma_ = true;
    return *this;
  }
  JsonText& value(const char* s) { return value(std::string_view(s)); }
  JsonText& value(const std::string& s) { return value(std::string_view(s)); }
  JsonText& value(std::int64_t n) {
    comma();
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, r.ptr);
    need_comma_ = true;
    return *this;
  }
  JsonText& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonText& value(bool b) {
    comma();
    out_ += b ? "true" : "false";
    need_comma_ = true;
    return *this;
  }
  JsonText& null() {
    comma();
    out_ += "null";
    need_comma_ = true;
    return *this;
  }
  // A value already written as JSON text (nlohmann's dump of it).
  JsonText& raw(std::string_view json) {
    comma();
    out_ += json;
    need_comma_ = true;
    return *this;
  }
  template <class T>
  JsonText& member(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonText& open(char c) {
    comma();
    out_ += c;
    need_comma_ = false;
    return *this;
  }
  JsonText& close(char c) {
    out_ += c;
    need_comma_ = true;
    return *this;
  }
  void comma() {
    if (need_comma_) out_ += ',';
  }
  // "s" with nlohmann's escapes (ensure_ascii off: UTF-8 as it is; \b \t \n \f \r \" \\ and
  // \u00xx for the other control characters). Text that is not well-formed UTF-8 (nlohmann
  // replaces each bad sequence by U+FFFD) is written by nlohmann itself, so the bytes agree.
  void string_body(std::string_view s) {
    const std::size_t mark = out_.size();
    out_ += '"';
    std::size_t i = 0;
    while (i < s.size()) {
      // A run of bytes written as they are (printable ASCII but '"' and '\\'), in one append.
      std::size_t j = i;
      while (j < s.size()) {
        const auto b = static_cast<unsigned char>(s[j]);
        if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') break;
        ++j;
      }
      if (j != i) {
        out_.append(s.data() + i, j - i);
        i = j;
        continue;
      }
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        switch (c) {
          case '\b': out_ += "\\b"; break;
          case '\t': out_ += "\\t"; break;
          case '\n': out_ += "\\n"; break;
          case '\f': out_ += "\\f"; break;
          case '\r': out_ += "\\r"; break;
          case '"': out_ += "\\\""; break;
          case '\\': out_ += "\\\\"; break;
          default:
            if (c < 0x20) {
              static constexpr char kHex[] = "0123456789abcdef";
              out_ += "\\u00";
              out_ += kHex[c >> 4];
              out_ += kHex[c & 0xF];
            } else {
              out_ += static_cast<char>(c);
            }
        }
        ++i;
        continue;
      }
      const std::size_t n = utf8_sequence(s, i);
      if (n == 0) {
        out_.resize(mark);
        out_ += Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
        return;
      }
      out_.append(s.data() + i, n);
      i += n;
    }
    out_ += '"';
  }
  // The length of the well-formed UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0
  // (Unicode's table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
  static std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto at = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
    const unsigned c = at(0);
    const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
      const unsigned b = at(k);
      return i + k < s.size() && b >= lo && b <= hi;
    };
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c == 0xE0) return cont(1, 0xA0, 0xBF) && cont(2) ? 3 : 0;
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
    if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (c == 0xF0) return cont(1, 0x90, 0xBF) && cont(2) && cont(3) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
  }

  std::string out_;
  bool need_comma_ = false;
};

}  // namespace djflow::cli
