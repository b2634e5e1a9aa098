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

#include "engine/json_string.hpp"

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
  // "s" as nlohmann::json's dump() writes it with error_handler_t::replace (engine/json_string.hpp).
  void string_body(std::string_view s) { engine::put_json_string(out_, s); }

  std::string out_;
  bool need_comma_ = false;
};

}  // namespace djflow::cli
