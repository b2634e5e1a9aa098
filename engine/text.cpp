#include "engine/text.hpp"

#include <cctype>

namespace djflow::engine {

Lang lang_from_locale(std::string_view locale, Lang fallback) {
  if (locale.size() >= 2) {
    const char a = static_cast<char>(std::tolower(static_cast<unsigned char>(locale[0])));
    const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(locale[1])));
    if (a == 'z' && b == 'h') return Lang::Zh;
    if (a == 'e' && b == 'n') return Lang::En;
    if (locale == "C" || locale == "POSIX" || locale.rfind("C.", 0) == 0) return Lang::En;
  }
  return fallback;
}

}  // namespace djflow::engine
