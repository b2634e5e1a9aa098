#include "cli/resolve.hpp"

#include <algorithm>


namespace djflow::cli {

using engine::Error;
using engine::Result;

namespace {

std::optional<std::int64_t> number(const std::string& text) {
  std::string_view s = text;
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(std::string(s));
}

std::string describe(const engine::Person& p) {
  std::string out = "#" + std::to_string(p.id) + " " + p.name + " (" + p.branch + ", " + p.born.iso();
  if (!p.key.empty()) out += ", " + p.key;
  return out + ")";
}

std::vector<std::u32string::value_type> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: insertions, deletions, substitutions and adjacent swaps cost 1.
  const auto x = code_points(a), y = code_points(b);
  std::vector<std::vector<std::size_t>> d(x.size() + 1, std::vector<std::size_t>(y.size() + 1));
  for (std::size_t i = 0; i <= x.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= y.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    for (std::size_t j = 1; j <= y.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.size()][y.size()];
}

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string w = lower(std::string(word));
  std::optional<std::string> best;
  std::size_t best_d = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(w, lower(c));
    if (!best || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  if (!best) return std::nullopt;
  // A typo: at most a third of the longer word wrong (and at least one edit allowed).
  const std::size_t len = std::max(code_points(w).size(), code_points(*best).size());
  if (best_d == 0 || best_d > std::max<std::size_t>(1, len / 3)) return best_d == 0 ? best : std::nullopt;
  return best;
}

engine::Text suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  auto n = nearest(word, candidates);
  if (!n) return {};
  return {"（是否要输入 " + *n + "？）", " (did you mean " + *n + "?)"};
}

// Text that starts like a number but is none ("0x1", 20 digits) is a malformed id, not a name.
std::optional<Error> malformed_id(const std::string& text) {
  std::string_view s = text;
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  if (s.empty() || s.front() < '0' || s.front() > '9' || number(text)) return std::nullopt;
  return Error::invalid({"编号无效：" + text, "not a valid id: " + text});
}

Result<engine::PersonId> resolve_person(Cli& cli, const std::string& text, const std::string& branch) {
  if (auto n = number(text)) return *n;
  if (auto e = malformed_id(text)) return *e;
  auto found = cli.store->find_persons_by_name(text);
  if (!found) return found.error();
  auto people = std::move(found.value());
  if (people.size() > 1 && !branch.empty()) {
    std::vector<engine::Person> here;
    for (const auto& p : people)
      if (p.branch == branch) here.push_back(p);
    if (!here.empty()) people = std::move(here);
  }
  if (people.size() == 1) return people.front().id;
  if (people.empty()) {
    auto all = cli.store->list_persons(std::nullopt);
    std::vector<std::string> names;
    if (all)
      for (const auto& p : all.value()) names.push_back(p.name);
    const auto hint = suggestion(text, names);
    return Error::not_found({"没有名为“" + text + "”的人员" + hint.zh, "no person named " + text + hint.en});
  }
  std::string list;
  for (const auto& p : people) list += "\n  " + describe(p);
  return Error::invalid({"有多人名为“" + text + "”，请用编号指明：" + list,
                         "several people are named " + text + "; give the number:" + list});
}

Result<engine::CaseId> resolve_case(Cli& cli, const std::string& text) {
  if (auto n = number(text)) return *n;
  if (auto e = malformed_id(text)) return *e;
  std::vector<engine::Case> cases;
  auto people = cli.store->find_persons_by_name(text);
  if (!people) return people.error();
  for (const auto& p : people.value()) {
    engine::CaseFilter f;
    f.person = p.id;
    auto mine = cli.store->list_cases(f);
    if (!mine) return mine.error();
    cases.insert(cases.end(), mine.value().begin(), mine.value().end());
  }
  if (cases.empty()) {
    auto all = cli.store->list_cases({});
    if (!all) return all.error();
    for (const auto& c : all.value())
      if (c.title == text) cases.push_back(c);
  }
  if (cases.size() > 1) {
    std::vector<engine::Case> open;
    for (const auto& c : cases) {
      const auto* wf = cli.workflows->find(c.workflow);
      if (!wf || !wf->closed(c.state)) open.push_back(c);
    }
    if (open.size() == 1) cases = std::move(open);
  }
  if (cases.size() == 1) return cases.front().id;
  if (cases.empty())
    return Error::not_found({"没有对象为“" + text + "”的事项", "no case of " + text});
  std::string list;
  for (const auto& c : cases) {
    const auto* wf = cli.workflows->find(c.workflow);
    list += "\n  #" + std::to_string(c.id) + " " + c.title + " (" + c.branch + ", " +
            (wf ? tr(cli.lang, wf->title()) : c.workflow) + ", " + (wf ? tr(cli.lang, wf->state_label(c.state)) : c.state) + ")";
  }
  return Error::invalid({"“" + text + "”对应多个事项，请用编号指明：" + list,
                         text + " names several cases; give the number:" + list});
}

engine::Status resolve_person_inputs(Cli& cli, engine::CaseId id, engine::Inputs& inputs) {
  std::string branch;
  if (auto c = cli.store->find_case(id); c.ok() && c.value()) branch = c.value()->branch;
  for (const char* key : {"mentors", "sponsors"}) {
    auto it = inputs.find(key);
    if (it == inputs.end()) continue;
    std::string out, item;
    std::string text = it->second + ",";
    for (std::size_t i = 0, start = 0; i < text.size(); ++i) {
      if (text[i] != ',' && text.compare(i, 3, "，") != 0 && text.compare(i, 3, "、") != 0) continue;
      const std::size_t sep = text[i] == ',' ? 1 : 3;
      item = text.substr(start, i - start);
      start = i + sep;
      i += sep - 1;
      if (item.empty()) continue;
      auto p = resolve_person(cli, item, branch);
      if (!p) return p.error();
      out += (out.empty() ? "" : ",") + std::to_string(p.value());
    }
    it->second = out;
  }
  return {};
}

Result<std::string> match_choice(const std::string& text, const std::vector<Choice>& choices, const char* option) {
  std::vector<std::string> words;
  for (const auto& c : choices) {
    if (text == c.value || text == c.label.zh || lower(text) == lower(c.label.en)) return c.value;
    if (std::find(c.aliases.begin(), c.aliases.end(), text) != c.aliases.end()) return c.value;
    words.push_back(c.value);
    words.push_back(c.label.zh);
  }
  // A shortened Chinese label names one value (`积极分子` for 入党积极分子).
  std::optional<std::string> part;
  bool several = false;
  if (code_points(text).size() >= 2) {
    for (const auto& c : choices) {
      if (c.label.zh.find(text) == std::string::npos) continue;
      if (part && *part != c.value) several = true;
      part = c.value;
    }
  }
  if (part && !several) return *part;
  std::string zh, en;
  for (const auto& c : choices) {
    zh += (zh.empty() ? "" : "、") + c.value + "（" + c.label.zh + "）";
    en += (en.empty() ? "" : ", ") + c.value + " (" + c.label.zh + ")";
  }
  const auto hint = suggestion(text, words);
  return Error::invalid({std::string(option) + " 的值无效：" + text + hint.zh + "；可用：" + zh,
                         std::string(option) + ": unknown value " + text + hint.en + "; valid: " + en});
}

engine::Status check_branch_code(Cli& cli, const std::string& code, const char* option) {
  auto b = cli.store->find_branch(code);
  if (!b) return b.error();
  if (b.value()) return {};
  auto all = cli.store->list_branches();
  std::vector<std::string> codes;
  if (all)
    for (const auto& x : all.value()) codes.push_back(x.code);
  const auto hint = suggestion(code, codes);
  return Error::not_found({std::string(option) + "：组织 " + code + " 不存在" + hint.zh,
                           std::string(option) + ": no organisation " + code + hint.en});
}

}  // namespace djflow::cli

namespace djflow::cli {

engine::Status check_command_words(const CLI::App& app, int argc, char** argv) {
  const CLI::App* current = &app;
  auto find_option = [&](const std::string& name) -> const CLI::Option* {
    for (const CLI::App* a = current; a != nullptr; a = a->get_parent())
      for (const CLI::Option* o : a->get_options())
        if (o->check_name(name)) return o;
    return nullptr;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;
    if (word.size() > 1 && word[0] == '-' && !(word[1] >= '0' && word[1] <= '9')) {
      const std::string name = word.substr(0, word.find('='));
      const CLI::Option* o = find_option(name);
      if (o == nullptr) {
        std::vector<std::string> names;
        for (const CLI::App* a = current; a != nullptr; a = a->get_parent())
          for (const CLI::Option* opt : a->get_options())
            for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
        const auto hint = suggestion(name, names);
        return Error::invalid({"未知选项 " + name + hint.zh + "（见 --help）", "unknown option " + name + hint.en + " (see --help)"});
      }
      if (word.find('=') != std::string::npos || o->get_items_expected_max() <= 0) continue;
      ++i;  // its value; an option of several values takes every word up to the next option
      if (o->get_items_expected_max() > 1)
        while (i + 1 < argc && argv[i + 1][0] != '-') ++i;
      continue;
    }
    const auto subs = current->get_subcommands([](const CLI::App*) { return true; });
    if (subs.empty()) continue;  // a positional argument
    const CLI::App* next = nullptr;
    for (const CLI::App* s : subs)
      if (s->check_name(word)) next = s;
    if (next != nullptr) {
      current = next;
      continue;
    }
    if (current->get_require_subcommand_min() == 0) continue;
    std::vector<std::string> names;
    for (const CLI::App* s : subs) names.push_back(s->get_name());
    const auto hint = suggestion(word, names);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return Error::invalid({"未知命令 " + word + hint.zh + "；可用：" + list, "unknown command " + word + hint.en + "; known: " + list});
  }
  return {};
}

}  // namespace djflow::cli
