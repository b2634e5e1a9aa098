#include "workflows/election/election_rules.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include "workflows/election/election_catalog.hpp"

namespace djflow::workflows::member {
// workflows/member/member_rules.cpp: whether `p` was a full member on `d`, from the history.
engine::Result<bool> full_member_on(const engine::Directory& dir, const engine::Person& p, engine::Date d);
}  // namespace djflow::workflows::member

namespace djflow::workflows::election {

using engine::Date;
using engine::Error;
using engine::Text;

namespace {

// Full members of the organisation and everything under it on `day`: the organisation's own
// people from the history (member::full_member_on, as the general meeting's votes are judged; a
// person removed later by a self-lapse review counts until its approval), those of the
// organisations under it as counted today. What E3 judges a `start` or `candidates` step by, when
// recorded and when verify replays it (not today's membership).
engine::Result<int> full_members_on(const engine::Directory& dir, const std::string& branch, Date day) {
  auto today = dir.full_members(branch);
  if (!today.ok()) return today.error();
  auto people = dir.people(branch);
  if (!people.ok()) return people.error();
  int n = today.value();
  for (const auto& p : people.value()) n -= p.status == engine::MemberStatus::Full ? 1 : 0;
  for (const auto& p : people.value()) {
    engine::Person then = p;
    if (p.status == engine::MemberStatus::None) {
      // Removed after `day` by a self-lapse review (its approval is dated): a member until then,
      // full unless their member-development case says otherwise.
      auto cases = dir.cases_of(p.id);
      if (!cases.ok()) return cases.error();
      for (const auto& c : cases.value()) {
        if (c.workflow != "lapse") continue;
        auto events = dir.events_of(c.id);
        if (!events.ok()) return events.error();
        for (const auto& e : events.value())
          if (e.event == "approve" && e.to_state == "removed" && e.date > day) then.status = engine::MemberStatus::Full;
      }
    }
    auto full = member::full_member_on(dir, then, day);
    if (!full.ok()) return full.error();
    n += full.value() ? 1 : 0;
  }
  return n;
}

struct ArticleRow {
  std::string_view rule;
  std::string_view source;
};

// rules.md §2, column "Source" (article numbers marked there as unread or from memory are cited
// as chapters; see docs/workflows/election.md for the confidence of each).
constexpr std::array<ArticleRow, 16> kArticles{{
    {"E1", "《中国共产党支部工作条例（试行）》第四条"},
    {"E2", "《中国共产党支部工作条例（试行）》第二章"},
    {"E3", "《中国共产党支部工作条例（试行）》第六章"},
    {"E4", "《中国共产党党和国家机关基层组织工作条例》第五条、第六条"},
    {"E7", "《关于党的基层组织任期的意见》第一部分；《中国共产党章程》第三十一条"},
    {"E9", "《中国共产党基层组织选举工作条例》第三条"},
    {"E10", "《中国共产党基层组织选举工作条例》第五条"},
    {"E11", "《中国共产党基层组织选举工作条例》（到会人数不少于应到会人数五分之四）"},
    {"E12", "《中国共产党基层组织选举工作条例》（不计入应到会人数的情形）"},
    {"E13", "《中国共产党基层组织选举工作条例》第十三条"},
    {"E14", "《中国共产党基层组织选举工作条例》（当选须超过应到会有选举权人数半数）"},
    {"E15", "《中国共产党基层组织选举工作条例》（另行选举）"},
    {"E17", "选举办法（收回选票数不得多于发出选票数）"},
    {"E18", "《中国共产党支部工作条例（试行）》第六章"},
    {"E19", "《中国共产党章程》第三十一条"},
    {"E21", "本单位规定（可配置）"},
}};

const Catalog& cat() { return election_catalog(); }

std::string event_zh(std::string_view e) { return cat().event_text(e).zh; }

bool is_blank(unsigned char c) { return c == ' ' || c == '\t'; }

std::string trim(std::string_view s) {
  while (!s.empty() && is_blank(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && is_blank(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Splits on ',' and the full-width '，' and '、'.
std::vector<std::string> split_list(std::string_view text) {
  std::string normal(text);
  for (const char* wide : {"，", "、"}) {
    for (auto p = normal.find(wide); p != std::string::npos; p = normal.find(wide)) normal.replace(p, 3, ",");
  }
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    const auto comma = normal.find(',', pos);
    out.push_back(trim(std::string_view(normal).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos)));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

int in_int(const Step& s, const char* key, int fallback = 0) {
  auto it = s.inputs.find(key);
  if (it == s.inputs.end()) return fallback;
  return parse_count(it->second).value_or(fallback);
}

std::string in_str(const Step& s, const char* key) {
  auto it = s.inputs.find(key);
  return it == s.inputs.end() ? std::string() : it->second;
}

std::string n(int v) { return std::to_string(v); }

struct InputSpec {
  std::string_view event;
  std::vector<std::string_view> keys;
  std::vector<std::string_view> required;
  std::string_view expected;
};

const std::vector<InputSpec>& input_specs() {
  static const std::vector<InputSpec> kSpecs{
      {"start",
       {"term-case", "term-start", "term-end", "due", "years", "committee", "locality"},
       {"term-case", "term-start", "term-end", "years"},
       "term-case=ID term-start=DATE term-end=DATE years=N [due=DATE committee=yes|no locality=village|community]"},
      {"nominate", {"count"}, {}, "count=N (optional: size of the preliminary list)"},
      {"candidates", {"seats", "nominees"}, {"seats", "nominees"}, "seats=N nominees=NAME,NAME,..."},
      {"meeting",
       {"should-attend", "excluded", "present", "issued", "returned", "votes"},
       {"should-attend", "present", "issued", "returned", "votes"},
       "should-attend=N [excluded=N] present=N issued=N returned=N votes=NAME:YES,..."},
      {"supplementary",
       {"should-attend", "excluded", "present", "issued", "returned", "votes"},
       {"should-attend", "present", "issued", "returned", "votes"},
       "should-attend=N [excluded=N] present=N issued=N returned=N votes=NAME:YES,..."},
      {"invalid-meeting",
       {"should-attend", "excluded", "present", "issued", "returned"},
       {"should-attend", "present"},
       "should-attend=N [excluded=N] present=N [issued=N returned=N]"},
      {"accept-shortfall", {"present", "consent"}, {"present", "consent"}, "present=N consent=N"},
      {"officers", {"secretary", "deputy"}, {"secretary"}, "secretary=NAME [deputy=NAME]"},
      {"postpone", {"to"}, {"to"}, "to=YYYY-MM-DD"},
      {"advance", {"to"}, {"to"}, "to=YYYY-MM-DD"},
  };
  return kSpecs;
}

const InputSpec* find_spec(std::string_view event) {
  for (const auto& s : input_specs())
    if (s.event == event) return &s;
  return nullptr;
}

// Inputs a step computes and stores itself (the full-member snapshot, the count's results). Given
// again (replaying a stored step, `djflow verify`) they are ignored and computed anew, so that a
// step's stored inputs judge the same step again.
bool computed_input(std::string_view event, std::string_view key) {
  if (event == "start") return key == "full-members";
  if (event == "candidates") return key == "unregistered" || key == "person-ids";  // recomputed on replay
  if (event == "meeting" || event == "supplementary" || event == "invalid-meeting")
    return key == "elected" || key == "tied" || key == "missing" || key == "majority" || key == "seats";
  return false;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The candidates a vote may name: the nominees, minus those already elected (supplementary).
std::vector<std::string> eligible_names(const Step& s) {
  std::vector<std::string> out;
  for (const auto& name : s.facts.nominees)
    if (s.event == "meeting" || !contains(s.facts.elected, name)) out.push_back(name);
  return out;
}

// "#12" or "12": a person id; else nullopt (a name).
std::optional<engine::PersonId> person_id_token(std::string_view x) {
  if (!x.empty() && x.front() == '#') x.remove_prefix(1);
  if (x.empty() || x.size() > 15 || !std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(std::string(x));
}

// E10: nominees given by person id or by a name matching exactly one person of the organisation
// are registered: stored by name, with `person-ids=NAME:ID,...`; names matching nobody are kept
// as given and listed in `unregistered` (the step is flagged). A name matching several people is
// ambiguous: the person id is needed.
Verdict resolve_nominees(Step& s, const std::vector<std::string>& given) {
  auto people = s.ctx.directory.people(s.ctx.c.branch);
  if (!people.ok()) return people.error();
  std::vector<std::string> names, unregistered;
  std::string ids;
  for (const auto& x : given) {
    const engine::Person* match = nullptr;
    if (auto id = person_id_token(x)) {
      for (const auto& p : people.value())
        if (p.id == *id) match = &p;
      if (!match)
        return Error::not_found({event_zh(s.event) + "：本组织没有编号为 " + std::to_string(*id) + " 的人员",
                                 s.event + ": no person with id " + std::to_string(*id) + " in this organisation"});
    } else {
      std::string same;
      for (const auto& p : people.value()) {
        if (p.name != x) continue;
        same += (same.empty() ? "#" : "、#") + std::to_string(p.id);
        match = match ? nullptr : &p;
        if (!match) break;
      }
      if (!match && !same.empty())
        return invalid(s, "本组织有多名名为“" + x + "”的人员（" + same + "…），请用人员编号（如 #12）指明候选人",
                       "several people of this organisation are named " + x + " (" + same +
                           "...): name the nominee by person id (e.g. #12)");
      if (!match) unregistered.push_back(x);
    }
    const std::string name = match ? match->name : x;
    if (contains(names, name)) return invalid(s, name + "重复列出", name + " is listed twice in nominees");
    names.push_back(name);
    if (match) ids += (ids.empty() ? "" : ",") + name + ":" + std::to_string(match->id);
  }
  s.inputs["nominees"] = join_names(names);
  if (!ids.empty()) s.inputs["person-ids"] = ids;
  if (!unregistered.empty()) s.inputs["unregistered"] = join_names(unregistered);
  return std::nullopt;
}

// Validates and counts a vote (meeting, supplementary) into s.inputs.
Verdict normalize_vote(Step& s) {
  const int should = in_int(s, "should-attend");
  const int excluded = in_int(s, "excluded");
  const int present = in_int(s, "present");
  const int issued = in_int(s, "issued");
  if (should < 1) return invalid(s, "应到会人数须至少为1", "should-attend must be at least 1");
  if (excluded > should)
    return invalid(s, "不计入人数（" + n(excluded) + "）多于应到会人数（" + n(should) + "）",
                   "excluded (" + n(excluded) + ") exceeds should-attend (" + n(should) + ")");
  if (present > should - excluded)
    return invalid(s, "实到" + n(present) + "人，多于应到会有选举权的" + n(should - excluded) + "人",
                   "present (" + n(present) + ") exceeds the " + n(should - excluded) +
                       " voters who should attend (should-attend minus excluded)");
  if (issued > present)
    return invalid(s, "发出选票" + n(issued) + "张，多于实到人数" + n(present),
                   "ballots issued (" + n(issued) + ") exceed voters present (" + n(present) + ")");
  if (s.inputs.count("votes") == 0) return std::nullopt;  // invalid-meeting: no vote to count
  auto votes = parse_votes(s.inputs.at("votes"));
  if (!votes)
    return invalid(s, "votes 应为 姓名:赞成票数,…，如 votes=张三:30,李四:28",
                   "votes must be NAME:YES,..., e.g. votes=张三:30,李四:28");
  const auto names = eligible_names(s);
  std::set<std::string> seen;
  for (const auto& v : *votes) {
    if (!seen.insert(v.name).second)
      return invalid(s, v.name + "的票数重复列出", v.name + " is listed twice in votes");
    if (!contains(names, v.name))
      return invalid(s, v.name + "不是本次选举的候选人；候选人：" + join_names(names),
                     v.name + " is not a candidate in this vote; candidates: " + join_names(names));
    if (v.yes > issued)
      return invalid(s, v.name + "得赞成票" + n(v.yes) + "，多于发出选票" + n(issued) + "张",
                     v.name + " has " + n(v.yes) + " yes votes, more than the " + n(issued) + " ballots issued");
  }
  const int seats = s.event == "meeting" ? s.facts.seats : s.facts.missing;
  const int base = s.version == kRules1990 ? present : should - excluded;
  const Tally t = tally(*votes, seats, base);
  std::string canonical;
  for (const auto& v : *votes) canonical += (canonical.empty() ? "" : ",") + v.name + ":" + n(v.yes);
  s.inputs["votes"] = canonical;
  s.inputs["excluded"] = n(excluded);
  s.inputs["elected"] = join_names(t.elected);
  s.inputs["tied"] = join_names(t.tied);
  s.inputs["missing"] = n(t.missing);
  s.inputs["majority"] = n(t.majority);
  s.inputs["seats"] = n(seats);
  return std::nullopt;
}

}  // namespace

std::string article(std::string_view rule) {
  for (const auto& a : kArticles)
    if (a.rule == rule) return std::string(a.source);
  return "《中国共产党基层组织选举工作条例》";
}

int default_term_years(std::string_view kind, std::string_view locality) {
  if (locality == "village" || locality == "community") return 5;
  return kind == "committee" ? 5 : 3;
}

std::vector<int> lead_months(const engine::Config& config) {
  std::vector<int> out;
  const auto text = config.get(kSettingLeadMonths).value_or("4,2,1");
  for (const auto& part : split_list(text)) {
    if (auto m = parse_count(part); m && *m > 0 && *m <= 24) out.push_back(*m);
  }
  return out;
}

std::vector<int> lead_offsets(Date due, const std::vector<int>& months) {
  std::vector<int> out;
  for (int m : months) out.push_back(-due.add_months(-m).days_until(due));
  out.push_back(0);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<int> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 9 || text.front() == '-' || text.front() == '+') return std::nullopt;
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::optional<std::vector<std::string>> parse_names(std::string_view text) {
  auto parts = split_list(text);
  for (const auto& p : parts)
    if (p.empty()) return std::nullopt;
  return parts;
}

std::optional<std::vector<Vote>> parse_votes(std::string_view text) {
  std::vector<Vote> out;
  for (auto part : split_list(text)) {
    for (auto p = part.find("："); p != std::string::npos; p = part.find("：")) part.replace(p, 3, ":");
    const auto colon = part.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    const std::string name = trim(std::string_view(part).substr(0, colon));
    auto yes = parse_count(trim(std::string_view(part).substr(colon + 1)));
    if (name.empty() || !yes) return std::nullopt;
    out.push_back({name, *yes});
  }
  return out;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& x : names) out += (out.empty() ? "" : ",") + x;
  return out;
}

TermFacts derive_term_facts(const std::vector<engine::EventRecord>& history) {
  TermFacts f;
  for (const auto& e : history) {
    auto in = [&](const char* key) -> std::string {
      auto it = e.inputs.find(key);
      return it == e.inputs.end() ? std::string() : it->second;
    };
    if (e.event == "begin") {
      f.start = Date::parse(in("start")).value_or(e.date);
      f.years = parse_count(in("years")).value_or(0);
      f.original_end = term_end(f.start, f.years);
      f.committee = in("committee") == "yes";
      f.locality = in("locality");
      if (auto id = parse_count(in("election"))) f.election = *id;
    } else if (e.event == "postpone" || e.event == "advance") {
      f.shifted_to = Date::parse(in("to"));
    }
  }
  return f;
}

Facts derive_facts(const std::vector<engine::EventRecord>& history) {
  Facts f;
  for (const auto& e : history) {
    auto in = [&](const char* key) -> std::string {
      auto it = e.inputs.find(key);
      return it == e.inputs.end() ? std::string() : it->second;
    };
    const auto& ev = e.event;
    if (ev == "start") {
      f.term_case = parse_count(in("term-case")).value_or(0);
      f.term_start = Date::parse(in("term-start")).value_or(e.date);
      f.term_end = Date::parse(in("term-end")).value_or(e.date);
      f.due = Date::parse(in("due")).value_or(f.term_end);
      f.years = parse_count(in("years")).value_or(0);
      f.committee = in("committee") == "yes";
      f.locality = in("locality");
    } else if (ev == "request") {
      f.requested = e.date;
    } else if (ev == "candidates") {
      f.seats = parse_count(in("seats")).value_or(0);
      f.nominees = parse_names(in("nominees")).value_or(std::vector<std::string>{});
      f.nominee_ids = parse_votes(in("person-ids")).value_or(std::vector<Vote>{});
      f.missing = f.seats;
    } else if (ev == "meeting" || ev == "supplementary") {
      if (ev == "meeting") {
        f.elected.clear();
        f.voted_on = e.date;
      }
      for (const auto& x : parse_names(in("elected")).value_or(std::vector<std::string>{})) f.elected.push_back(x);
      f.tied = parse_names(in("tied")).value_or(std::vector<std::string>{});
      f.missing = parse_count(in("missing")).value_or(0);
    } else if (ev == "accept-shortfall") {
      f.missing = 0;
      f.tied.clear();
    } else if (ev == "officers") {
      f.secretary = in("secretary");
      f.deputy = in("deputy");
    } else if (ev == "postpone" || ev == "advance") {
      f.shifted_to = Date::parse(in("to"));
    }
  }
  return f;
}

Step make_step(const engine::CaseContext& ctx, const engine::StepInput& in, std::string event) {
  const auto majority = ctx.config.get(kSettingMajority).value_or("should-attend");
  return Step{ctx, in, std::move(event), std::string(majority == "present" ? kRules1990 : kRules2020),
              derive_facts(ctx.history), {}};
}

Error refusal(const Step& s, std::string_view rule, const std::string& zh, const std::string& en,
              std::optional<Date> possible_from) {
  const std::string art = article(rule);
  // The statute in words; the internal rule id is the error's `rule` (shown by --json).
  std::string m_zh = event_zh(s.event) + "：" + zh + "（" + art + "）";
  std::string m_en = s.event + ": " + en + " (" + art + ")";
  if (possible_from) {
    m_zh += "；最早可于" + possible_from->iso() + "办理";
    m_en += "; possible from " + possible_from->iso();
  }
  return Error::rule_refusal({std::move(m_zh), std::move(m_en)}, std::string(rule), art, possible_from);
}

Error invalid(const Step& s, const std::string& zh, const std::string& en) {
  return Error::invalid({event_zh(s.event) + "：" + zh, s.event + ": " + en});
}

Verdict normalize_inputs(Step& s) {
  const InputSpec* spec = find_spec(s.event);
  const std::string expected = spec ? std::string(spec->expected) : std::string();
  for (const auto& [key, value] : s.in.with) {
    const bool known = spec && std::find(spec->keys.begin(), spec->keys.end(), key) != spec->keys.end();
    if (!known && computed_input(s.event, key)) continue;
    if (!known) {
      if (!spec)
        return invalid(s, "未知输入项“" + key + "”；此步骤不接受 --with 输入",
                       "unknown input '" + key + "'; this step takes no --with inputs");
      return invalid(s, "未知输入项“" + key + "”；应为 " + expected, "unknown input '" + key + "'; expected " + expected);
    }
    s.inputs[key] = trim(value);
  }
  if (spec) {
    for (auto key : spec->required) {
      if (s.inputs.count(std::string(key)) == 0)
        return invalid(s, "缺少输入项 " + std::string(key) + "；应为 " + expected,
                       "missing input " + std::string(key) + "; expected " + expected);
    }
  }
  // Formats.
  for (const char* key : {"term-case", "years", "count", "seats", "should-attend", "excluded", "present",
                          "issued", "returned", "consent"}) {
    auto it = s.inputs.find(key);
    if (it != s.inputs.end() && !parse_count(it->second))
      return invalid(s, std::string(key) + " 应为非负整数：" + it->second,
                     std::string(key) + " must be a non-negative integer, got " + it->second);
  }
  for (const char* key : {"term-start", "term-end", "due", "to"}) {
    auto it = s.inputs.find(key);
    if (it == s.inputs.end()) continue;
    auto d = Date::parse(it->second);
    if (!d) return invalid(s, std::string(key) + " 应为 YYYY-MM-DD：" + it->second,
                           std::string(key) + " must be a date YYYY-MM-DD, got " + it->second);
    it->second = d->iso();
  }
  for (const char* key : {"committee"}) {
    auto it = s.inputs.find(key);
    if (it != s.inputs.end() && it->second != "yes" && it->second != "no")
      return invalid(s, "committee 应为 yes 或 no：" + it->second, "committee must be yes or no, got " + it->second);
  }
  if (auto it = s.inputs.find("locality"); it != s.inputs.end()) {
    if (it->second == "none") it->second = "";
    if (!it->second.empty() && it->second != "village" && it->second != "community")
      return invalid(s, "locality 应为 village、community 或 none：" + it->second,
                     "locality must be village, community or none, got " + it->second);
  }
  if (s.event == "cancel" && trim(s.in.note).empty())
    return invalid(s, "撤销须用 --note 说明原因", "cancelling needs a reason (--note)");
  if (s.event == "start") {
    // The organisation's full members on the step's date, from the history (not today's: verify
    // replays this step years later): the snapshot for E3, and the default of committee.
    auto full = full_members_on(s.ctx.directory, s.ctx.c.branch, s.in.date);
    if (!full.ok()) return full.error();
    s.inputs["full-members"] = n(full.value());
    if (s.inputs.count("committee") == 0) s.inputs["committee"] = full.value() >= 7 ? "yes" : "no";
    if (s.inputs.count("due") == 0) s.inputs["due"] = s.inputs["term-end"];
  }
  if (s.event == "candidates") {
    auto names = parse_names(s.inputs["nominees"]);
    if (!names)
      return invalid(s, "nominees 应为以逗号分隔的姓名：" + s.inputs["nominees"],
                     "nominees must be names separated by commas, got " + s.inputs["nominees"]);
    if (auto bad = resolve_nominees(s, *names)) return bad;
  }
  if (s.event == "officers") {
    if (s.inputs["secretary"].empty()) return invalid(s, "须填写书记姓名", "secretary must name a person");
    if (auto it = s.inputs.find("deputy"); it != s.inputs.end() && it->second.empty()) s.inputs.erase(it);
  }
  if (s.event == "meeting" || s.event == "supplementary" || s.event == "invalid-meeting") {
    return normalize_vote(s);
  }
  return std::nullopt;
}

Verdict check_start(const Step& s) {
  const int years = in_int(s, "years");
  if (!valid_term_years(years))
    return refusal(s, "E7", "新一届任期为" + n(years) + "年；党的基层委员会每届任期三年至五年",
                   "the next term is " + n(years) + " years; grassroots committees serve 3 to 5 years");
  const int full = in_int(s, "full-members");
  if (in_str(s, "committee") == "yes" && full < 7)
    return refusal(s, "E3",
                   "本组织正式党员" + n(full) + "名，不足7名，不设支部委员会，只选举书记（必要时增设副书记）（committee=no）",
                   "the organisation has " + n(full) +
                       " full members, fewer than 7: no committee is set up, only a secretary (and a deputy if "
                       "needed) is elected (committee=no)");
  if (Date::parse(in_str(s, "term-end")).value_or(Date{}) <= Date::parse(in_str(s, "term-start")).value_or(Date{}))
    return invalid(s, "term-end 须晚于 term-start", "term-end must be after term-start");
  return std::nullopt;
}

Verdict check_candidates(const Step& s) {
  const int seats = in_int(s, "seats");
  const int nominees = static_cast<int>(parse_names(in_str(s, "nominees"))->size());
  if (s.facts.committee) {
    auto full = full_members_on(s.ctx.directory, s.ctx.c.branch, s.in.date);
    if (!full.ok()) return full.error();
    if (full.value() < 7)
      return refusal(s, "E3",
                     "本组织现有正式党员" + n(full.value()) + "名，不足7名，不能选举支部委员会，只选举书记（可增设副书记）",
                     "the organisation now has " + n(full.value()) +
                         " full members, fewer than 7: no committee can be elected, only a secretary (and a "
                         "deputy if needed)");
    if (seats < 3 || seats > 7)
      return refusal(s, "E3", "支部委员会委员应选" + n(seats) + "名；应为3至5名，一般不超过7名",
                     n(seats) + " committee seats; a branch committee has 3 to 5 members, normally at most 7");
    if (nominees < min_nominees(seats))
      return refusal(s, "E13",
                     "应选委员" + n(seats) + "名，候选人" + n(nominees) + "名；差额不少于应选人数的20%，候选人至少" +
                         n(min_nominees(seats)) + "名",
                     n(nominees) + " candidates for " + n(seats) +
                         " seats; the margin must be at least 20% of the seats, so at least " +
                         n(min_nominees(seats)) + " candidates");
  } else {
    if (seats < 1 || seats > 2)
      return refusal(s, "E3", "不设委员会的支部只选举书记（可增设副书记）：应选1至2名，现为" + n(seats) + "名",
                     "a branch without a committee elects a secretary (and a deputy if needed): 1 or 2 seats, not " +
                         n(seats));
    if (nominees < seats)
      return refusal(s, "E18", "候选人" + n(nominees) + "名，少于应选" + n(seats) + "名",
                     n(nominees) + " candidates for " + n(seats) + " posts; at least one per post");
  }
  return check_nominees_full(s, s.in.date);
}

Verdict check_vote(const Step& s) {
  if (s.event == "meeting")
    if (auto early = check_not_early(s)) return early;
  const int should = in_int(s, "should-attend");
  const int excluded = in_int(s, "excluded");
  const int present = in_int(s, "present");
  const int issued = in_int(s, "issued");
  const int returned = in_int(s, "returned");
  if (!quorum_met(should, excluded, present))
    return refusal(s, "E11",
                   "应到会有选举权的党员" + n(should - excluded) + "人（应到" + n(should) + "人，经批准不计入" +
                       n(excluded) + "人），实到" + n(present) + "人，不足五分之四（至少需" +
                       n(quorum_needed(should, excluded)) + "人）；会议无效，请记录 invalid-meeting 并重新召开",
                   n(present) + " of " + n(should - excluded) + " voters present (should-attend " + n(should) +
                       " minus " + n(excluded) + " excluded); at least 4/5 (" +
                       n(quorum_needed(should, excluded)) +
                       ") must attend: the meeting is invalid; record invalid-meeting and hold a new one");
  if (returned > issued)
    return refusal(s, "E17",
                   "收回选票" + n(returned) + "张，多于发出选票" + n(issued) + "张，选举无效，应重新投票",
                   n(returned) + " ballots returned, more than the " + n(issued) +
                       " issued: the vote is invalid and must be repeated");
  const auto votes = parse_votes(in_str(s, "votes")).value_or(std::vector<Vote>{});
  for (const auto& v : votes) {
    if (v.yes > returned)
      return invalid(s, v.name + "得赞成票" + n(v.yes) + "，多于收回选票" + n(returned) + "张",
                     v.name + " has " + n(v.yes) + " yes votes, more than the " + n(returned) + " ballots returned");
  }
  return check_nominees_full(s, s.in.date);
}

Verdict check_invalid_meeting(const Step& s) {
  const int should = in_int(s, "should-attend");
  const int excluded = in_int(s, "excluded");
  const int present = in_int(s, "present");
  const bool ballots_bad = s.inputs.count("issued") && s.inputs.count("returned") &&
                           in_int(s, "returned") > in_int(s, "issued");
  if (quorum_met(should, excluded, present) && !ballots_bad)
    return refusal(s, "E11",
                   "实到" + n(present) + "人，达到应到会有选举权人数" + n(should - excluded) +
                       "的五分之四，且收回选票不多于发出选票：会议有效，请记录 meeting",
                   n(present) + " of " + n(should - excluded) +
                       " voters present is at least 4/5 and no more ballots came back than were issued: the "
                       "meeting was valid; record meeting");
  return std::nullopt;
}

Verdict check_accept_shortfall(const Step& s) {
  const int present = in_int(s, "present");
  const int consent = in_int(s, "consent");
  if (2 * consent <= present)
    return refusal(s, "E15",
                   "同意不再另行选举的" + n(consent) + "人，未超过到会选举人" + n(present) + "人的半数",
                   n(consent) + " of " + n(present) + " voters consented; more than half must consent to stop");
  const int elected = static_cast<int>(s.facts.elected.size());
  if (s.facts.committee && elected < 3)
    return refusal(s, "E3", "只选出" + n(elected) + "名委员，委员会至少3名，须另行选举",
                   "only " + n(elected) + " elected; a committee needs at least 3: hold a supplementary vote");
  if (elected < 1)
    return refusal(s, "E15", "尚无人当选，须另行选举", "nobody has been elected: hold a supplementary vote");
  return std::nullopt;
}

Verdict check_officers(const Step& s) {
  const auto secretary = in_str(s, "secretary");
  const auto deputy = in_str(s, "deputy");
  const std::string who = s.facts.committee ? "新一届委员会委员" : "党员大会选出的人选";
  const std::string who_en = s.facts.committee ? "members of the new committee" : "those the general meeting elected";
  for (const auto& name : {secretary, deputy}) {
    if (name.empty()) continue;
    if (!contains(s.facts.elected, name))
      return refusal(s, "E18",
                     name + "不在" + who + "（" + join_names(s.facts.elected) + "）之中",
                     name + " is not among the " + who_en + " (" + join_names(s.facts.elected) + ")");
  }
  if (!deputy.empty() && deputy == secretary)
    return invalid(s, "书记和副书记不能是同一人", "secretary and deputy must be different people");
  return std::nullopt;
}

Verdict check_shift(const Step& s) {
  if (trim(s.in.ref).empty())
    return refusal(s, "E9", "延期或提前换届须经上级党组织批准：请用 --ref 填写批复文号",
                   "postponing or advancing the election needs the superior's approval: give its reference with --ref");
  const Date to = *Date::parse(in_str(s, "to"));
  if (auto problem = shift_problem(s.event, s.facts.term_end, to)) return refusal(s, "E9", problem->zh, problem->en);
  return std::nullopt;
}

Verdict check_approve(const Step& s) {
  if (trim(s.in.ref).empty())
    return refusal(s, "E19", "选举结果须经上级党组织批准，批准以批复文件为凭：请用 --ref 填写批复文号",
                   "the superior's approval of the election is a document: give its reference (批复文号) with --ref");
  return std::nullopt;
}

Verdict check_not_early(const Step& s) {
  const int grace = std::max(0, s.ctx.config.get_int(kSettingEarlyGraceDays, 30));
  const Date end = s.facts.on_time_from_end();
  const Date from = end.add_days(-grace);
  if (s.in.date >= from) return std::nullopt;
  const bool advanced = s.facts.shifted_to && *s.facts.shifted_to < s.facts.term_end;
  const std::string end_zh = advanced ? "经批准提前换届的日期（" + end.iso() + "）" : "任期届满（" + end.iso() + "）";
  const std::string end_en = advanced ? "the approved early date (" + end.iso() + ")" : "the term end (" + end.iso() + ")";
  return refusal(s, "E9",
                 "选举大会召开日期" + s.in.date.iso() + "早于" + end_zh + n(s.in.date.days_until(end)) + "天，超过" +
                     n(grace) + "天：任期届满应按期换届，提前换届须经上级党组织批准，请先记录提前换届（advance，--ref 填写批复文号）",
                 "the election meeting on " + s.in.date.iso() + " is " + n(s.in.date.days_until(end)) +
                     " days before " + end_en + ", more than " + n(grace) +
                     ": elections are held when the term ends; an early election needs the superior's approval, "
                     "so record advance (with --ref, the approval) first",
                 from);
}

bool full_member_on(const engine::Person& p, Date day) {
  return p.status == engine::MemberStatus::Full && (!p.joined || *p.joined <= day);
}

Verdict check_nominees_full(const Step& s, Date day) {
  std::vector<Vote> ids;
  if (s.event == "candidates") ids = parse_votes(in_str(s, "person-ids")).value_or(std::vector<Vote>{});
  else {
    const auto names = eligible_names(s);
    for (const auto& v : s.facts.nominee_ids)
      if (contains(names, v.name)) ids.push_back(v);
  }
  for (const auto& v : ids) {
    auto p = s.ctx.directory.person(v.yes);
    if (!p.ok()) return p.error();
    if (!p.value()) continue;  // registered when nominated; people are never deleted
    const engine::Person& who = *p.value();
    if (full_member_on(who, day)) continue;
    const bool later = who.status == engine::MemberStatus::Full;
    const std::string now_zh = later ? "于" + who.joined->iso() + "转为正式党员"
                               : who.status == engine::MemberStatus::Probationary ? "现为预备党员" : "现不是党员";
    const std::string now_en = later ? "became a full member on " + who.joined->iso()
                               : who.status == engine::MemberStatus::Probationary ? "is a probationary member" : "is not a member";
    return refusal(s, "E10",
                   "候选人" + who.name + "（#" + std::to_string(who.id) + "）" + day.iso() + "不是正式党员（" + now_zh +
                       "）：只有正式党员有被选举权",
                   "nominee " + who.name + " (#" + std::to_string(who.id) + ") is not a full member on " + day.iso() +
                       " (" + now_en + "): only full members may stand for election",
                   later ? std::optional<Date>(*who.joined) : std::nullopt);
  }
  return std::nullopt;
}

std::vector<std::string> step_flags(const Step& s) {
  std::vector<std::string> out;
  if (s.event == "candidates" && s.facts.committee && in_int(s, "seats") > 5) out.emplace_back("seats-above-5");
  if (s.event == "candidates" && s.inputs.count("unregistered")) out.emplace_back("unregistered");
  return out;
}

bool leaves_shortfall(const Step& s) { return in_int(s, "missing") > 0; }

}  // namespace djflow::workflows::election
