#include "engine/utf8.hpp"

namespace djflow::engine::utf8 {

std::size_t sequence_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    if (i + k >= s.size()) return false;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return b >= lo && b <= hi;
  };
  // The ranges of RFC 3629 §4: the second byte's bounds exclude overlongs (E0, F0), surrogates
  // (ED) and code points above U+10FFFF (F4).
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

std::size_t invalid_length(std::string_view s, std::size_t i) {
  // Unicode's "maximal subpart" (§3.9, U+FFFD substitution): the lead byte and as many following
  // bytes as could still begin a valid sequence. nlohmann::json's error_handler_t::replace does
  // the same, so the listings' writer and dump() agree byte for byte.
  const auto b0 = static_cast<unsigned char>(s[i]);
  unsigned char lo = 0x80, hi = 0xBF;
  std::size_t need = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) need = 1;
  else if (b0 >= 0xE0 && b0 <= 0xEF) need = 2, lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
  else if (b0 >= 0xF0 && b0 <= 0xF4) need = 3, lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
  std::size_t n = 1;
  for (; n <= need && i + n < s.size(); ++n) {
    const auto b = static_cast<unsigned char>(s[i + n]);
    if (b < (n == 1 ? lo : 0x80) || b > (n == 1 ? hi : 0xBF)) break;
  }
  return n;
}

std::optional<std::size_t> first_invalid(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

char32_t next(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const std::size_t n = sequence_length(s, i);
  if (n == 0) {
    i += invalid_length(s, i);
    return U'\uFFFD';
  }
  char32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1f) : n == 3 ? (b0 & 0x0f) : (b0 & 0x07);
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += n;
  return cp;
}

std::string replace_invalid(std::string_view s) {
  auto bad = first_invalid(s);
  if (!bad) return std::string(s);
  std::string out(s.substr(0, *bad));
  for (std::size_t i = *bad; i < s.size();) {
    const std::size_t n = sequence_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += invalid_length(s, i);
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

std::string escape_for_message(std::string_view s, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max_bytes;) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : sequence_length(s, i);
    if (n > 1) {
      out.append(s, i, n);
      i += n;
      continue;
    }
    if (n == 1 && c >= 0x20 && c != 0x7F) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
    ++i;
  }
  if (s.size() > max_bytes) out += "…";
  return out;
}

Status check_text(std::string_view s, const Text& what, std::size_t max_bytes) {
  const std::string& zh = what.zh.empty() ? what.en : what.zh;
  const std::string& en = what.en;
  if (s.size() > max_bytes) {
    return Error::invalid({zh + " 过长：" + std::to_string(s.size()) + " 字节，上限 " + std::to_string(max_bytes) + " 字节",
                           en + " is too long: " + std::to_string(s.size()) + " bytes, at most " +
                               std::to_string(max_bytes)});
  }
  if (const auto nul = s.find('\0'); nul != std::string_view::npos) {
    return Error::invalid({zh + " 含有 NUL 字节（第 " + std::to_string(nul) + " 字节）：" + escape_for_message(s),
                           en + " contains a NUL byte (at byte " + std::to_string(nul) + "): " + escape_for_message(s)});
  }
  if (const auto bad = first_invalid(s)) {
    return Error::invalid({zh + " 不是有效的 UTF-8 文本（第 " + std::to_string(*bad) + " 字节）：" + escape_for_message(s),
                           en + " is not valid UTF-8 text (bad byte at " + std::to_string(*bad) + "): " + escape_for_message(s)});
  }
  return {};
}

}  // namespace djflow::engine::utf8
