#include "engine/json_string.hpp"

#include "engine/utf8.hpp"

namespace djflow::engine {

void put_json_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes copied as they are, appended at once
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (const std::size_t n = utf8::sequence_length(s, i); n > 0) {
        i += n;
        continue;
      }
      // Not UTF-8 (stored behind djflow's back): U+FFFD, as dump() with error_handler_t::replace.
      out.append(s.data() + run, i - run);
      out += "\xEF\xBF\xBD";
      i += utf8::invalid_length(s, i);
      run = i;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      }
    }
    run = ++i;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

}  // namespace djflow::engine
