// Bilingual text. djflow's users read Chinese; scripts and some staff read English. Every
// user-facing string the engine or a workflow produces is a Text carrying both, and the CLI picks
// one by --lang / the locale. Value type, no shared state.
#pragma once

#include <string>
#include <string_view>

namespace djflow::engine {

enum class Lang { Zh, En };

// Returns the language named "zh" or "en" (case-insensitive prefix, so "zh_CN.UTF-8" is Zh).
Lang lang_from_locale(std::string_view locale, Lang fallback = Lang::En);

struct Text {
  std::string zh;
  std::string en;

  const std::string& in(Lang lang) const { return lang == Lang::Zh && !zh.empty() ? zh : en; }
  bool empty() const { return zh.empty() && en.empty(); }
};

}  // namespace djflow::engine
