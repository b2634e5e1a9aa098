#include "cli/cli11_text.hpp"

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace djflow::cli {

namespace {

std::string replace_all(std::string s, const std::regex& re, const char* with) {
  return std::regex_replace(s, re, with);
}

// Type names and validator descriptions of the option column, in Chinese.
std::string type_text_zh(std::string s) {
  static const std::pair<std::regex, const char*> rules[] = {
      {std::regex(R"(\bUINT\b)"), "非负整数"},
      {std::regex(R"(\bINT\b)"), "整数"},
      {std::regex(R"(\bFLOAT\b)"), "数值"},
      {std::regex(R"(\bTEXT\b)"), "文本"},
      {std::regex(R"(\bNONNEGATIVE\b)"), "非负数"},
      {std::regex(R"(\bPOSITIVE\b)"), "正数"},
      {std::regex(R"(\bBOOLEAN\b)"), "是/否"},
      {std::regex(R"( in \[(\S+) - (\S+)\])"), "，$1 至 $2"},
  };
  for (const auto& [re, with] : rules) s = replace_all(s, re, with);
  static const std::regex repeated(R"(([^\s:]+):\1，)");  // "整数:整数，1 至 10" -> "整数，1 至 10"
  return std::regex_replace(s, repeated, "$1，");
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

class HelpFormatter : public CLI::Formatter {
 public:
  explicit HelpFormatter(Lang lang) : lang_(lang) {
    column_width(32);
    if (lang_ != Lang::Zh) return;
    label("Usage", "用法");
    label("OPTIONS", "选项");
    label("SUBCOMMAND", "子命令");
    label("SUBCOMMANDS", "子命令");
    label("Positionals", "参数");
    label("REQUIRED", "必填");
    label("Env", "环境变量");
    label("Needs", "需同时给出");
    label("Excludes", "不可同时给出");
  }

  // Positional arguments are placeholders: CASE, EVENT, FILE (as in usage lines of man pages).
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
    return is_positional ? upper(opt->get_name(true, false)) : CLI::Formatter::make_option_name(opt, false);
  }
  // As CLI11 lays out an option line, with the columns counted as a terminal shows them (a
  // Chinese character is two columns, three bytes), so that the descriptions line up.
  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    const std::string left = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
    const std::string desc = make_option_desc(opt);
    std::string out = left;
    const std::size_t width = display_width(left);
    if (!desc.empty()) {
      out += width >= column_width_ ? "\n" + std::string(column_width_, ' ') : std::string(column_width_ - width, ' ');
      for (char c : desc) {
        out += c;
        if (c == '\n') out += std::string(column_width_, ' ');
      }
    }
    return out + "\n";
  }
  // As CLI11 writes them, except that the options an option needs or excludes are listed by
  // name: CLI11 keeps them in a std::set of pointers, so its order followed the heap addresses and
  // the same help could come out in two orders (seen in CI: `branch term --village`).
  std::string make_option_opts(const CLI::Option* opt) const override {
    std::string s;
    if (!opt->get_option_text().empty()) {
      s = " " + opt->get_option_text();
    } else {
      if (opt->get_type_size() != 0) {
        if (!opt->get_type_name().empty()) s += " " + get_label(opt->get_type_name());
        if (!opt->get_default_str().empty()) s += "=" + opt->get_default_str();
        if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) {
          s += " ...";
        } else if (opt->get_expected_min() > 1) {
          s += " x " + std::to_string(opt->get_expected());
        }
        if (opt->get_required()) s += " " + get_label("REQUIRED");
      }
      if (!opt->get_envname().empty()) s += " (" + get_label("Env") + ":" + opt->get_envname() + ")";
      s += names("Needs", opt->get_needs());
      s += names("Excludes", opt->get_excludes());
    }
    return lang_ == Lang::Zh ? type_text_zh(s) : s;
  }

 private:
  std::string names(const std::string& label, const std::set<CLI::Option*>& options) const {
    if (options.empty()) return {};
    std::vector<std::string> v;
    for (const CLI::Option* o : options) v.push_back(o->get_name());
    std::sort(v.begin(), v.end());
    std::string s = " " + get_label(label) + ":";
    for (const auto& n : v) s += " " + n;
    return s;
  }

  Lang lang_;
};

void localise_groups(CLI::App& app, Lang lang) {
  for (CLI::Option* opt : app.get_options([](CLI::Option*) { return true; })) {
    if (opt->get_group() == "Options") opt->group(tr(lang, "选项", "Options"));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_group() == "Subcommands") sub->group(tr(lang, "子命令", "Subcommands"));
    localise_groups(*sub, lang);
  }
}

bool matches(const std::string& text, const char* pattern, std::smatch& m) {
  return std::regex_match(text, m, std::regex(pattern));
}

// A validator's message (the part after "NAME: ") in Chinese.
std::string validation_zh(const std::string& name, const std::string& msg) {
  std::smatch m;
  if (matches(msg, R"(Value (.*) not in range (\S+) to (\S+))", m)) {
    const std::string value = m[1], lo = m[2], hi = m[3];
    if (hi.size() > 20) {  // PositiveNumber / NonNegativeNumber: up to the largest double
      return name + " 的值 " + value + (value.rfind("-", 0) == 0 ? " 不能为负数" : " 应大于 0");
    }
    return name + " 的值 " + value + " 超出范围，应在 " + lo + " 至 " + hi + " 之间";
  }
  if (matches(msg, R"((.*) not in \{(.*)\})", m)) {
    return name + " 的值 " + m[1].str() + " 不是可选值之一，可选：" + m[2].str();
  }
  if (matches(msg, R"(not a decimal whole number: (.*))", m)) return name + " 应为十进制整数：" + m[1].str();
  if (matches(msg, R"(not a decimal number without sign: (.*))", m))
    return name + " 应为不带符号的十进制整数：" + m[1].str();
  if (matches(msg, R"(out of range: (.*))", m)) return name + " 的数值超出范围：" + m[1].str();
  return name + " 的值无效（" + msg + "）";
}

// An option keeps its name (--date); a positional argument is named as the help shows it (CASE).
std::string arg_name(const std::string& name) { return name.rfind("-", 0) == 0 ? name : upper(name); }

std::string parse_error_zh(const CLI::ParseError& e) {
  const std::string w = e.what();
  std::smatch m;
  if (dynamic_cast<const CLI::RequiredError*>(&e)) {
    if (w == "A subcommand is required") return "缺少子命令";
    if (matches(w, R"(Requires at least (\d+) subcommands)", m)) return "至少需要 " + m[1].str() + " 个子命令";
    if (matches(w, R"((\S+) is required)", m)) return "缺少必填项 " + arg_name(m[1].str());
    return "缺少必填的选项（" + w + "）";
  }
  if (dynamic_cast<const CLI::ConversionError*>(&e)) {
    if (matches(w, R"(Could not convert: (\S+) = (.*))", m))
      return arg_name(m[1].str()) + " 的值无法识别：" + m[2].str() + "（应为数字）";
    if (matches(w, R"(The value (.*) is not an allowed value for (\S+))", m))
      return m[2].str() + " 不接受值 " + m[1].str();
    if (matches(w, R"((\S+): too many inputs for a flag)", m)) return m[1].str() + " 是开关，不带值";
    if (matches(w, R"((\S+): Should be true/false or a number)", m)) return m[1].str() + " 应为 true/false 或数字";
    return "参数值无法识别（" + w + "）";
  }
  if (dynamic_cast<const CLI::ValidationError*>(&e)) {
    if (matches(w, R"(([^:]+): (.*))", m)) return validation_zh(arg_name(m[1].str()), m[2].str());
    return "参数值无效（" + w + "）";
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    if (matches(w, R"(The following arguments? (?:was|were) not expected: (.*))", m))
      return "无法识别的参数：" + m[1].str();
    return "多余的参数（" + w + "）";
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    if (matches(w, R"((\S+): (\d+) required (.*) missing)", m)) return m[1].str() + " 缺少取值";
    if (matches(w, R"(Expected (?:exactly|at least) (\d+) arguments to (\S+), got (\d+))", m))
      return m[2].str() + " 需要 " + m[1].str() + " 个值，实际收到 " + m[3].str() + " 个";
    if (matches(w, R"((\S+): At least (\d+) required but received (\d+))", m))
      return m[1].str() + " 至少需要 " + m[2].str() + " 个值，实际收到 " + m[3].str() + " 个";
    if (matches(w, R"((\S+): At Most (\d+) required but received (\d+))", m))
      return m[1].str() + " 最多接受 " + m[2].str() + " 个值，实际收到 " + m[3].str() + " 个";
    return "参数个数不对（" + w + "）";
  }
  if (dynamic_cast<const CLI::RequiresError*>(&e)) {
    if (matches(w, R"((\S+) requires (\S+))", m)) return m[1].str() + " 需要同时给出 " + m[2].str();
  }
  if (dynamic_cast<const CLI::ExcludesError*>(&e)) {
    if (matches(w, R"((\S+) excludes (\S+))", m)) return m[1].str() + " 与 " + m[2].str() + " 不能同时给出";
  }
  return "命令行参数无法解析（" + w + "）";
}

void paths(const CLI::App& app, const std::string& prefix, std::ostringstream& out) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    const std::string path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    out << path << '\n';
    paths(*sub, path, out);
  }
}

}  // namespace

std::shared_ptr<CLI::Formatter> make_help_formatter(Lang lang) { return std::make_shared<HelpFormatter>(lang); }

void localise_help(CLI::App& app, Lang lang) { localise_groups(app, lang); }

std::string parse_error_text(const CLI::ParseError& e, Lang lang) {
  return lang == Lang::Zh ? parse_error_zh(e) : std::string(e.what());
}

std::string command_paths(const CLI::App& app) {
  std::ostringstream out;
  paths(app, "", out);
  return out.str();
}

}  // namespace djflow::cli
