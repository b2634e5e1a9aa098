#include "workflows/member/member_rules.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <set>

#include "workflows/member/member_catalog.hpp"

namespace djflow::workflows::member {

using engine::Date;
using engine::Error;
using engine::Inputs;
using engine::PersonId;

namespace {

// Article numbers per rule (rules.md §1.2). 2014 numbers: confirmed from quotes for 7, 8, 11, 13,
// 17, 19-21, 33-37; the others follow rules.md's "2026 number (+1 from about 第十八条)" mapping and
// are marked unconfirmed in docs/workflows/member.md. Empty: the rule has no 2014 counterpart.
struct ArticleRow {
  std::string_view rule;
  std::string_view art2026;
  std::string_view art2014;
};

constexpr std::array<ArticleRow, 23> kArticles{{
    {"D1", "第五条", "第五条"},
    {"D3", "第七条", "第七条"},
    {"D5", "第八条", "第八条"},
    {"D7", "第九条", "第九条"},
    {"D8", "第十一条", "第十一条"},
    {"D12", "第十三条", "第十三条"},
    {"D13", "第十三条", "第十三条"},
    {"D14", "第十四条", "第十四条"},
    {"D16", "第十六条", "第十六条"},
    {"D17", "第十七条", "第十七条"},
    {"D18", "第十八条", "第十九条"},
    {"D19", "第十八条", "第十九条"},
    {"D20", "第十九条", ""},
    {"D21", "第十九条", "第二十条"},
    {"D22", "第二十条", "第二十一条"},
    {"D25", "第二十三条", "第二十四条"},
    {"D27", "第二十五条", "第二十六条"},
    {"D32", "第二十九条", "第三十条"},
    {"D33", "第三十一条", "第三十二条"},
    {"D34", "第三十一条", "第三十二条"},
    {"D35", "第三十二条", "第三十三条"},
    {"D37", "第三十三条", "第三十四条"},
    {"D41", "第三十六条", "第三十七条"},
}};

const ArticleRow* find_article(std::string_view rule) {
  for (const auto& a : kArticles)
    if (a.rule == rule) return &a;
  return nullptr;
}

std::string person_name(const Step& s) {
  if (s.ctx.subject != nullptr && !s.ctx.subject->name.empty()) return s.ctx.subject->name;
  return s.ctx.c.title;
}

std::string event_zh(std::string_view event) { return event_text(event).zh; }

// Non-negative decimal integer of at most 9 digits (no sign, no blanks).
std::optional<int> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 9 || text.front() == '-') return std::nullopt;
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::string ids_text(const std::vector<PersonId>& ids) {
  std::string out;
  for (auto id : ids) {
    if (!out.empty()) out += ',';
    out += std::to_string(id);
  }
  return out;
}

int input_int(const Step& s, const std::string& key) {
  auto it = s.inputs.find(key);
  return it == s.inputs.end() ? 0 : *parse_count(it->second);
}

// Keys each step accepts; `required` must all be present (training needs one of days/hours).
struct InputSpec {
  std::string_view event;
  std::vector<std::string_view> keys;
  std::vector<std::string_view> required;
  std::string_view expected;  // human description of the inputs, for error messages
};

const std::vector<InputSpec>& input_specs() {
  static const std::vector<InputSpec> kSpecs{
      {"mentors", {"mentors"}, {"mentors"}, "mentors=ID[,ID]"},
      {"publicize", {"from", "to"}, {"from", "to"}, "from=YYYY-MM-DD to=YYYY-MM-DD"},
      {"sponsors", {"sponsors"}, {"sponsors"}, "sponsors=ID,ID"},
      {"political-review", {"result"}, {"result"}, "result=pass|fail"},
      {"training", {"days", "hours"}, {}, "days=N or hours=N"},
      {"pre-review", {"leaving"}, {}, "leaving=yes|no (optional)"},
      {"admit", {"eligible", "present", "yes"}, {"eligible", "present", "yes"}, "eligible=N present=N yes=N"},
      {"convert", {"eligible", "present", "yes"}, {"eligible", "present", "yes"}, "eligible=N present=N yes=N"},
      {"extend", {"months", "eligible", "present", "yes"}, {"months", "eligible", "present", "yes"},
       "months=N (6-12) eligible=N present=N yes=N"},
      {"cancel", {"eligible", "present", "yes"}, {"eligible", "present", "yes"}, "eligible=N present=N yes=N"},
  };
  return kSpecs;
}

const InputSpec* find_spec(std::string_view event) {
  for (const auto& s : input_specs())
    if (s.event == event) return &s;
  return nullptr;
}

bool has_note(const Step& s) {
  return std::any_of(s.in.note.begin(), s.in.note.end(), [](char c) { return c != ' ' && c != '\t'; });
}

std::string meeting_zh(const Step& s) {
  if (s.event == "admit") return "讨论接收预备党员";
  if (s.event == "convert") return "讨论预备党员转正";
  if (s.event == "extend") return "讨论延长预备期";
  return "讨论取消预备党员资格";
}

// Shared by the meeting steps (admit, convert, extend, cancel): the branch's size (D29), the
// eligible count against the register, and the quorum (D21). The majority (D22) is vote_passed.
Verdict check_meeting(const Step& s) {
  const int eligible = input_int(s, "eligible");
  const int present = input_int(s, "present");
  const int need = eligible / 2 + 1;
  if (eligible < 3) {
    return refusal(s, "D29",
                   "应到会有表决权的党员仅" + std::to_string(eligible) +
                       "人；正式党员不足3人的党支部不能召开党员大会" + meeting_zh(s) +
                       "，也不能从其他支部借人，须由上级党组织先调整组织设置",
                   "only " + std::to_string(eligible) +
                       " voting members should attend; a branch with fewer than 3 full members cannot hold "
                       "this meeting nor borrow members from other branches; the superior must reorganise it first");
  }
  if (s.registered_full && *s.registered_full != eligible && !has_note(s)) {
    const std::string on = s.in.date.iso();
    return refusal(s, "D21",
                   "应到会有表决权的党员填报" + std::to_string(eligible) + "人，而" + s.ctx.c.branch + "于" + on +
                       "登记的正式党员为" + std::to_string(*s.registered_full) +
                       "人；人数不一致时须用 --note 说明原因（如长期外出、受留党察看处分者没有表决权）",
                   "eligible=" + std::to_string(eligible) + " but " + s.ctx.c.branch + " has " +
                       std::to_string(*s.registered_full) + " full members registered on " + on +
                       "; when they differ, say why with --note (members away for long periods, members "
                       "under 留党察看 have no vote)");
  }
  if (2 * present <= eligible) {
    return refusal(s, "D21",
                   "应到会有表决权的党员" + std::to_string(eligible) + "人，实到" + std::to_string(present) +
                       "人，未超过半数（至少需" + std::to_string(need) + "人），会议无效",
                   std::to_string(present) + " of " + std::to_string(eligible) +
                       " voting members present; more than half (at least " + std::to_string(need) +
                       ") must attend, so the meeting cannot decide");
  }
  return std::nullopt;
}

// A decision that changes nothing unless passed (extend, cancel): a failed vote is refused.
Verdict check_majority(const Step& s) {
  if (vote_passed(s)) return std::nullopt;
  const int eligible = input_int(s, "eligible");
  const int yes = input_int(s, "yes");
  const int need = eligible / 2 + 1;
  return refusal(s, "D22",
                 "赞成" + std::to_string(yes) + "票，未超过应到会有表决权的党员" + std::to_string(eligible) +
                     "人的半数（至少需" + std::to_string(need) + "票），未形成决议",
                 std::to_string(yes) + " yes votes; more than half of the " + std::to_string(eligible) +
                     " voting members who should attend (at least " + std::to_string(need) +
                     ") are required; no decision was taken");
}

// Mentors (D7) and sponsors (D14): distinct existing full members other than the subject.
Verdict check_members(const Step& s, std::string_view rule, const std::string& key, std::size_t min,
                      std::size_t max, std::string_view role_zh, std::string_view role_en) {
  const auto ids = *parse_ids(s.inputs.at(key));
  const std::string name = person_name(s);
  const std::string count_zh = min == max ? std::to_string(min) + "名" : std::to_string(min) + "至" + std::to_string(max) + "名";
  const std::string count_en = min == max ? "exactly " + std::to_string(min) : std::to_string(min) + " or " + std::to_string(max);
  if (ids.size() < min || ids.size() > max) {
    return refusal(s, rule,
                   "须为" + name + "确定" + count_zh + "正式党员作" + std::string(role_zh) + "，现为" +
                       std::to_string(ids.size()) + "名",
                   std::string(role_en) + "s for " + name + ": " + count_en + " full members are required, got " +
                       std::to_string(ids.size()));
  }
  std::set<PersonId> seen;
  for (auto id : ids) {
    if (!seen.insert(id).second) {
      return refusal(s, rule, "人员" + std::to_string(id) + "重复列出，须为不同的正式党员",
                     "person " + std::to_string(id) + " is listed twice; " + std::string(role_en) +
                         "s must be distinct full members");
    }
  }
  std::vector<engine::Person> people;
  for (auto id : ids) {
    auto found = s.ctx.directory.person(id);
    if (!found.ok()) return found.error();
    if (!found->has_value()) {
      return invalid(s, "没有编号为" + std::to_string(id) + "的人员",
                     "no person with id " + std::to_string(id) + " (" + key + "=" + s.inputs.at(key) + ")");
    }
    people.push_back(**found);
  }
  for (const auto& p : people) {
    const bool is_subject = (s.ctx.c.person && *s.ctx.c.person == p.id) ||
                            (s.ctx.subject != nullptr && s.ctx.subject->id == p.id);
    if (is_subject) {
      return refusal(s, rule, name + "不能作本人的" + std::string(role_zh),
                     name + " cannot be their own " + std::string(role_en));
    }
    if (p.status != engine::MemberStatus::Full) {
      const bool prob = p.status == engine::MemberStatus::Probationary;
      return refusal(s, rule,
                     p.name + "（编号" + std::to_string(p.id) + "）" + (prob ? "是预备党员" : "不是党员") +
                         "，" + std::string(role_zh) + "须为正式党员",
                     p.name + " (id " + std::to_string(p.id) + ") is " +
                         (prob ? "a probationary member" : "not a Party member") + "; " +
                         std::string(role_en) + "s must be full members");
    }
  }
  return std::nullopt;
}

}  // namespace

Date rules_2026_start() { return Date(2026, 5, 11); }

std::string rule_version_on(Date d) {
  return std::string(d >= rules_2026_start() ? kRules2026 : kRules2014);
}

std::string article(std::string_view rule, std::string_view version) {
  // D29 is practice (《发展党员工作手册》), not an article of the 细则.
  if (rule == "D29") return "《发展党员工作手册》";
  const auto* a = find_article(rule);
  // The statute by its full name and the article in words (issue 9 §4); the rule id goes to the
  // error's `rule` (shown by --json), not into the sentence.
  constexpr std::string_view kName = "《中国共产党发展党员工作细则》";
  if (a == nullptr) return std::string(kName);
  // Where both texts use the same number the citation is the same; otherwise name the 2014 text.
  if (version == kRules2014 && !a->art2014.empty() && a->art2014 != a->art2026) {
    return "2014年" + std::string(kName) + std::string(a->art2014);
  }
  return std::string(kName) + std::string(a->art2026);
}

Facts derive_facts(const std::vector<engine::EventRecord>& history) {
  Facts f;
  for (const auto& e : history) {
    const auto& ev = e.event;
    auto in = [&](const char* key) -> std::string {
      auto it = e.inputs.find(key);
      return it == e.inputs.end() ? std::string() : it->second;
    };
    if (ev == "apply") {
      f.applied = e.date;
    } else if (ev == "talk") {
      if (!f.talked) f.talked = e.date;
    } else if (ev == "activist") {
      f.activist = e.date;
    } else if (ev == "review") {
      f.last_review = e.date;
    } else if (ev == "mentors") {
      f.mentors = parse_ids(in("mentors")).value_or(std::vector<PersonId>{});
    } else if (ev == "propose") {
      f.proposed = e.date;
      f.proposed_version = e.rule_version;
    } else if (ev == "consent") {
      f.consented = e.date;
    } else if (ev == "publicize") {
      f.publicized = e.date;
    } else if (ev == "sponsors") {
      f.sponsors = parse_ids(in("sponsors")).value_or(std::vector<PersonId>{});
    } else if (ev == "political-review") {
      f.political_review = in("result");
    } else if (ev == "training") {
      f.trained = e.date;
    } else if (ev == "pre-review") {
      f.pre_reviewed = e.date;
      f.pre_review_version = e.rule_version;
    } else if (ev == "admit") {
      if (e.to_state == "admitted") f.admitted = e.date;  // a failed vote goes back to candidate
    } else if (ev == "register-probationary") {
      f.admitted = e.date;  // probation runs from the admission by the branch meeting (D33)
    } else if (ev == "interview") {
      f.interviewed = e.date;
    } else if (ev == "approve") {
      f.approved = e.date;
      f.approve_version = e.rule_version;
    } else if (ev == "oath") {
      if (!f.oath) f.oath = e.date;
    } else if (ev == "apply-full") {
      f.applied_full = e.date;
    } else if (ev == "extend") {
      const int months = parse_count(in("months")).value_or(0);
      if (e.to_state == "extended") {  // before issue 8 an extension took effect at once
        f.extended = e.date;
        f.extension_months = months;
      } else {
        f.pending_extension_months = months;
      }
    } else if (ev == "approve-extension") {
      f.extended = e.date;
      f.extension_months = f.pending_extension_months;
    } else if (ev == "convert") {
      if (e.to_state == "conversion-pending") f.converted = e.date;
    } else if (ev == "approve-full") {
      f.approved_full = e.date;
    } else if (ev == "archive") {
      if (!f.archived) f.archived = e.date;
    }
  }
  return f;
}

std::optional<Date> probation_end(const Facts& f) {
  if (!f.admitted) return std::nullopt;
  return f.admitted->add_years(1).add_months(f.extension_months);
}

std::optional<std::vector<PersonId>> parse_ids(std::string_view text) {
  std::vector<PersonId> ids;
  std::size_t pos = 0;
  while (true) {
    auto comma = text.find(',', pos);
    auto part = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    PersonId id = 0;
    const auto* end = part.data() + part.size();
    auto [ptr, ec] = std::from_chars(part.data(), end, id);
    if (part.empty() || ec != std::errc{} || ptr != end || id <= 0) return std::nullopt;
    ids.push_back(id);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return ids;
}

Step make_step(const engine::CaseContext& ctx, const engine::StepInput& in, std::string event) {
  return Step{ctx, in, std::move(event), rule_version_on(in.date), derive_facts(ctx.history), {}, std::nullopt};
}

Error refusal(const Step& s, std::string_view rule, const std::string& zh, const std::string& en,
              std::optional<Date> possible_from) {
  const std::string art = article(rule, s.version);
  std::string m_zh = event_zh(s.event) + "：" + zh + "（" + art + "）";
  std::string m_en = s.event + ": " + en + " (" + art + ", " + std::string(rule) + ")";
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
    // Inputs the workflow computes and stores itself come back when a stored step is replayed
    // (verify): they are recomputed, never taken from the caller.
    if (key == "probation-from") continue;
    const bool known = spec && std::find(spec->keys.begin(), spec->keys.end(), key) != spec->keys.end();
    if (!known) {
      if (!spec) {
        return invalid(s, "未知输入项“" + key + "”；此步骤不接受 --with 输入",
                       "unknown input '" + key + "'; this step takes no --with inputs");
      }
      return invalid(s, "未知输入项“" + key + "”；应为 " + expected,
                     "unknown input '" + key + "'; expected " + expected);
    }
  }
  Inputs out;
  if (spec) {
    for (auto key : spec->required) {
      auto it = s.in.with.find(std::string(key));
      if (it == s.in.with.end() || it->second.empty()) {
        return invalid(s, "缺少输入项 " + std::string(key) + "（--with " + expected + "）",
                       "missing input '" + std::string(key) + "' (--with " + expected + ")");
      }
    }
  }
  auto value_of = [&](const char* key) -> const std::string* {
    auto it = s.in.with.find(key);
    return it == s.in.with.end() ? nullptr : &it->second;
  };
  auto bad = [&](const std::string& key, const std::string& what_zh, const std::string& what_en) {
    return invalid(s, "输入项 " + key + "=" + s.in.with.at(key) + " 无效：应为" + what_zh,
                   "invalid " + key + "=" + s.in.with.at(key) + ": expected " + what_en);
  };

  const std::string& ev = s.event;
  if (ev == "mentors" || ev == "sponsors") {
    auto ids = parse_ids(*value_of(ev.c_str()));
    if (!ids) return bad(ev, "以逗号分隔的人员编号", "comma-separated person ids");
    auto sorted = *ids;
    std::sort(sorted.begin(), sorted.end());
    out[ev] = ids_text(sorted);
  } else if (ev == "publicize") {
    auto from = Date::parse(*value_of("from"));
    if (!from) return bad("from", "日期 YYYY-MM-DD", "a date YYYY-MM-DD");
    auto to = Date::parse(*value_of("to"));
    if (!to) return bad("to", "日期 YYYY-MM-DD", "a date YYYY-MM-DD");
    if (*to < *from) {
      return invalid(s, "公示结束日期" + to->iso() + "早于开始日期" + from->iso(),
                     "the publicity ends (to=" + to->iso() + ") before it starts (from=" + from->iso() + ")");
    }
    out["from"] = from->iso();
    out["to"] = to->iso();
  } else if (ev == "political-review") {
    const auto& r = *value_of("result");
    if (r != "pass" && r != "fail") return bad("result", " pass 或 fail", "pass or fail");
    out["result"] = r;
  } else if (ev == "training") {
    if (!value_of("days") && !value_of("hours")) {
      return invalid(s, "缺少输入项 days 或 hours（--with days=N 或 --with hours=N）",
                     "missing input 'days' or 'hours' (--with days=N or --with hours=N)");
    }
    for (const char* key : {"days", "hours"}) {
      if (const auto* v = value_of(key)) {
        auto n = parse_count(*v);
        if (!n) return bad(key, "非负整数", "a non-negative whole number");
        out[key] = std::to_string(*n);
      }
    }
  } else if (ev == "pre-review") {
    if (const auto* v = value_of("leaving")) {
      if (*v != "yes" && *v != "no") return bad("leaving", " yes 或 no", "yes or no");
      out["leaving"] = *v;
    }
  }
  if (is_meeting(ev)) {
    std::map<std::string, int> n;
    for (const char* key : {"eligible", "present", "yes"}) {
      auto v = parse_count(*value_of(key));
      if (!v) return bad(key, "非负整数", "a non-negative whole number");
      n[key] = *v;
      out[key] = std::to_string(*v);
    }
    if (n["eligible"] < 1) return bad("eligible", "正整数（应到会有表决权的党员人数）", "a positive number of voting members");
    if (n["present"] > n["eligible"]) {
      return invalid(s, "实到人数" + std::to_string(n["present"]) + "超过应到人数" + std::to_string(n["eligible"]),
                     "present=" + std::to_string(n["present"]) + " exceeds eligible=" + std::to_string(n["eligible"]));
    }
    if (n["yes"] > n["eligible"]) {
      return invalid(s, "赞成票" + std::to_string(n["yes"]) + "超过应到人数" + std::to_string(n["eligible"]),
                     "yes=" + std::to_string(n["yes"]) + " exceeds eligible=" + std::to_string(n["eligible"]));
    }
  }
  if (ev == "extend") {
    auto m = parse_count(*value_of("months"));
    if (!m) return bad("months", "整数月数（6至12）", "a whole number of months (6-12)");
    out["months"] = std::to_string(*m);
  } else if (ev == "withdraw") {
    const bool blank = std::all_of(s.in.note.begin(), s.in.note.end(), [](char c) { return c == ' ' || c == '\t'; });
    if (blank) return invalid(s, "须用 --note 说明终止原因", "a reason is required (--note TEXT)");
  }
  s.inputs = std::move(out);
  return std::nullopt;
}

namespace {

// Another development case of the subject, opened before this one, that is open or finished
// (rejected, cancelled and withdrawn ones do not count: the person may apply again; D1).
Verdict other_member_case(const Step& s, const engine::Person& p) {
  auto cases = s.ctx.directory.cases_of(p.id);
  if (!cases.ok()) return cases.error();
  for (const auto& other : cases.value()) {
    if (other.workflow != "member" || other.id == s.ctx.c.id) continue;
    // Only cases opened before this one count: a replayed case (verify) must not meet the
    // person's later applications.
    if (s.ctx.c.id != 0 && other.id > s.ctx.c.id) continue;
    const auto* st = find_state(other.state);
    const bool finished = other.state == "full";
    if (st != nullptr && st->stage == "closed") continue;  // rejected, cancelled, withdrawn: may apply again
    const engine::Text label = state_text(other.state);
    return refusal(s, "D1",
                   p.name + "已有" + (finished ? "已完成" : "进行中") + "的发展党员事项 #" + std::to_string(other.id) +
                       "（" + label.zh + "），不能再次申请入党",
                   p.name + " already has " + (finished ? "a completed" : "an open") + " development case #" +
                       std::to_string(other.id) + " (" + label.en + "); only a non-member without one can apply");
  }
  return std::nullopt;
}

}  // namespace

Verdict check_apply(const Step& s) {
  if (s.ctx.subject == nullptr) {
    return invalid(s, "发展党员须以已登记的人员为对象", "member development needs a registered person as its subject");
  }
  const auto& p = *s.ctx.subject;
  const Date eighteen = p.born.add_years(18);
  if (s.in.date < eighteen) {
    return refusal(s, "D1",
                   p.name + "（" + p.born.iso() + "出生）于" + s.in.date.iso() + "未满十八周岁，须年满十八岁",
                   p.name + " (born " + p.born.iso() + ") is under 18 on " + s.in.date.iso() +
                       "; an applicant must be at least 18 years old",
                   eighteen);
  }
  // Only a non-member applies: not a registered member, no development under way or completed.
  if (p.status != engine::MemberStatus::None) {
    const bool full = p.status == engine::MemberStatus::Full;
    const std::string since = p.joined ? p.joined->iso() : std::string("?");
    return refusal(s, "D1",
                   p.name + "已是" + (full ? "正式党员（党龄自" + since + "起算）" : "预备党员（预备期自" + since + "起）") +
                       "，只有非党员才能申请入党",
                   p.name + " is already a " + (full ? "full member (since " : "probationary member (probation from ") +
                       since + "); only a non-member can apply to join the Party");
  }
  return other_member_case(s, p);
}

Verdict check_register_probationary(const Step& s) {
  if (s.ctx.subject == nullptr) {
    return invalid(s, "发展党员须以已登记的人员为对象", "member development needs a registered person as its subject");
  }
  const auto& p = *s.ctx.subject;
  const Date eighteen = p.born.add_years(18);
  if (s.in.date < eighteen) {
    return refusal(s, "D1", p.name + "（" + p.born.iso() + "出生）于" + s.in.date.iso() + "未满十八周岁",
                   p.name + " (born " + p.born.iso() + ") is under 18 on " + s.in.date.iso(), eighteen);
  }
  // The person is registered as a probationary member admitted on this date (a roster), or is
  // not yet a member in the case's own view (a replay starts from the non-member; verify).
  if (p.status == engine::MemberStatus::Full) {
    return invalid(s, p.name + "已登记为正式党员，不能登记为预备党员", p.name + " is registered as a full member");
  }
  if (p.status == engine::MemberStatus::Probationary && p.joined && *p.joined != s.in.date) {
    return invalid(s, p.name + "登记的入党时间（接收日期）为" + p.joined->iso() + "，与本步骤日期" + s.in.date.iso() + "不同",
                   p.name + " is registered as admitted on " + p.joined->iso() + ", not on " + s.in.date.iso());
  }
  return other_member_case(s, p);
}

Verdict check_activist(const Step& s) {
  if (!s.facts.talked) {
    const std::string name = person_name(s);
    return refusal(s, "D5", "尚未记录党组织与" + name + "的谈话，须先派人谈话（talk）",
                   "no talk with " + name + " has been recorded; record the talk (talk) first");
  }
  return std::nullopt;
}

Verdict check_mentors(const Step& s) { return check_members(s, "D7", "mentors", 1, 2, "培养联系人", "mentor"); }

Verdict check_propose(const Step& s) {
  const std::string name = person_name(s);
  const Date since = s.facts.activist.value_or(s.in.date);
  const Date eligible = since.add_years(1);
  if (s.in.date < eligible) {
    return refusal(s, "D12", name + "自" + since.iso() + "起为入党积极分子，需经过一年以上培养考察",
                   name + " has been an activist since " + since.iso() + "; at least one year is required",
                   eligible);
  }
  if (s.facts.mentors.empty()) {
    return refusal(s, "D12", "尚未为" + name + "指定培养联系人（mentors，D7），无法听取培养联系人意见",
                   "no mentors have been assigned to " + name + " (mentors, D7); their opinion is required");
  }
  return std::nullopt;
}

Verdict check_consent(const Step& s) {
  if (s.version == kRules2014) {
    return refusal(s, "D13",
                   "上级党委同意及公示程序自2026年细则施行（2026-05-11）起才适用；按2014年细则，确定发展对象后报上级党委备案即为发展对象",
                   "the superior committee's consent and the publicity exist only under the 2026 rules "
                   "(in force from 2026-05-11); under the 2014 rules the decision is filed and the person "
                   "becomes a candidate at propose",
                   rules_2026_start());
  }
  return std::nullopt;
}

Verdict check_publicize(const Step& s) {
  const Date from = *Date::parse(s.inputs.at("from"));
  const Date to = *Date::parse(s.inputs.at("to"));
  const std::string name = person_name(s);
  if (s.facts.consented && from < *s.facts.consented) {
    return refusal(s, "D13",
                   "公示开始日期" + from.iso() + "早于上级党委同意日期" + s.facts.consented->iso(),
                   "the publicity of " + name + " starts on " + from.iso() +
                       ", before the superior committee's consent of " + s.facts.consented->iso());
  }
  if (to > s.in.date) {
    return refusal(s, "D13", "公示至" + to.iso() + "结束，晚于本步骤日期" + s.in.date.iso(),
                   "the publicity of " + name + " runs until " + to.iso() + ", after the step date " +
                       s.in.date.iso(),
                   to);
  }
  const int days = s.ctx.calendar.working_days_inclusive(from, to);
  if (days < 5) {
    const Date end = s.ctx.calendar.nth_working_day_from(from, 5);
    return refusal(s, "D13",
                   name + "的公示期" + from.iso() + "至" + to.iso() + "仅" + std::to_string(days) +
                       "个工作日，须不少于5个工作日（自" + from.iso() + "起算至" + end.iso() + "）",
                   "the publicity of " + name + " from " + from.iso() + " to " + to.iso() + " lasts " +
                       std::to_string(days) + " working days; at least 5 working days are required (from " +
                       from.iso() + " that is until " + end.iso() + ")",
                   end);
  }
  return std::nullopt;
}

Verdict check_sponsors(const Step& s) { return check_members(s, "D14", "sponsors", 2, 2, "入党介绍人", "sponsor"); }

Verdict check_training(const Step& s) {
  const int days = input_int(s, "days");
  const int hours = input_int(s, "hours");
  if (days < 3 && hours < 24) {
    std::string got_zh, got_en;
    if (s.inputs.count("days")) {
      got_zh += std::to_string(days) + "天";
      got_en += std::to_string(days) + " days";
    }
    if (s.inputs.count("hours")) {
      got_zh += (got_zh.empty() ? "" : "、") + std::to_string(hours) + "学时";
      got_en += (got_en.empty() ? "" : ", ") + std::to_string(hours) + " class hours";
    }
    return refusal(s, "D17", "集中培训" + got_zh + "，一般须不少于3天或24学时",
                   "training of " + got_en + "; at least 3 days or 24 class hours are required");
  }
  return std::nullopt;
}

Verdict check_pre_review(const Step& s) {
  const std::string name = person_name(s);
  const auto& f = s.facts;
  if (f.sponsors.empty()) {
    return refusal(s, "D14", "尚未为" + name + "确定入党介绍人（sponsors）",
                   "no sponsors have been chosen for " + name + " (sponsors)");
  }
  if (!f.political_review) {
    return refusal(s, "D16", "尚未对" + name + "进行政治审查（political-review）",
                   "no political review of " + name + " has been recorded (political-review)");
  }
  if (*f.political_review != "pass") {
    return refusal(s, "D16", name + "政治审查不合格，不能发展入党",
                   "the political review of " + name + " did not pass; a person who fails it cannot be admitted");
  }
  if (!f.trained) {
    return refusal(s, "D17", name + "未经集中培训（training），不能发展入党",
                   name + " has not completed the concentrated training (training)");
  }
  auto leaving = s.inputs.find("leaving");
  if (leaving != s.inputs.end() && leaving->second == "yes") {
    return refusal(s, "D19", name + "三个月内将离开工作、学习单位，一般不予接收",
                   name + " leaves the work or study unit within 3 months; such a candidate is generally not admitted");
  }
  return std::nullopt;
}

Verdict check_admit(const Step& s) {
  const auto& f = s.facts;
  if (f.pre_reviewed && f.pre_review_version == kRules2026) {
    const Date due = f.pre_reviewed->add_months(1);
    if (s.in.date > due && !has_note(s)) {
      return refusal(s, "D20",
                     "发展对象于" + f.pre_reviewed->iso() + "预审合格，应在一个月内（至" + due.iso() +
                         "止）提交党支部党员大会讨论；逾期讨论须用 --note 说明理由",
                     "the candidate passed the pre-review on " + f.pre_reviewed->iso() +
                         "; the branch meeting is due within one month (by " + due.iso() +
                         "); a later meeting needs the reason in --note");
    }
  }
  return check_meeting(s);
}

Verdict check_approve(const Step& s) {
  const std::string name = person_name(s);
  if (!s.facts.interviewed) {
    return refusal(s, "D25", "审批前上级党委须派人同" + name + "谈话（interview），尚无记录",
                   "the superior committee must interview " + name + " before approving (interview); none recorded");
  }
  const Date admit = s.facts.admitted.value_or(s.in.date);
  const Date last = admit.add_months(6);
  if (s.in.date > last) {
    return refusal(s, "D27",
                   "支部党员大会于" + admit.iso() + "通过接收，审批期限最长不超过六个月（至" + last.iso() +
                       "止），" + s.in.date.iso() + "已超期",
                   "the branch meeting admitted " + name + " on " + admit.iso() +
                       "; approval is possible at most 6 months later (until " + last.iso() + "), not on " +
                       s.in.date.iso());
  }
  const Date soft = admit.add_months(3);
  if (s.in.date > soft && !has_note(s)) {
    return refusal(s, "D27",
                   "支部党员大会于" + admit.iso() + "通过接收，上级党委应在三个月内（至" + soft.iso() +
                       "止）审批；特殊情况延长审批（最长六个月）须用 --note 说明理由",
                   "the branch meeting admitted " + name + " on " + admit.iso() +
                       "; approval is due within 3 months (by " + soft.iso() +
                       "); a later approval (at most 6 months) needs the special circumstances in --note");
  }
  return std::nullopt;
}

Verdict check_oath(const Step& s) {
  if (s.facts.oath) {
    return refusal(s, "D32", person_name(s) + "已于" + s.facts.oath->iso() + "入党宣誓",
                   person_name(s) + " already took the oath on " + s.facts.oath->iso());
  }
  return std::nullopt;
}

Verdict check_convert(const Step& s) {
  const std::string name = person_name(s);
  if (!s.facts.applied_full) {
    return refusal(s, "D35", name + "尚未提出书面转正申请（apply-full）",
                   name + " has not applied in writing for full membership (apply-full)");
  }
  const auto end = probation_end(s.facts);
  if (end && s.in.date < *end) {
    const bool ext = s.facts.extension_months > 0;
    return refusal(s, ext ? "D34" : "D33",
                   name + "的预备期" + (ext ? "（已延长" + std::to_string(s.facts.extension_months) + "个月）" : "") +
                       "至" + end->iso() + "期满，转正须在预备期满后讨论",
                   "the probation of " + name +
                       (ext ? " (extended by " + std::to_string(s.facts.extension_months) + " months)" : "") +
                       " ends on " + end->iso() + "; full membership is discussed on or after that day",
                   *end);
  }
  return check_meeting(s);
}

Verdict check_extend(const Step& s) {
  const std::string name = person_name(s);
  if (s.facts.extended) {
    return refusal(s, "D34", name + "的预备期已于" + s.facts.extended->iso() + "延长过，只能延长一次",
                   "the probation of " + name + " was already extended on " + s.facts.extended->iso() +
                       "; it can be extended only once");
  }
  const int months = input_int(s, "months");
  if (months < 6 || months > 12) {
    return refusal(s, "D34", "延长预备期" + std::to_string(months) + "个月，须不少于六个月、不超过一年",
                   "an extension of " + std::to_string(months) +
                       " months; probation is extended by at least 6 and at most 12 months");
  }
  if (auto e = check_meeting(s)) return e;
  return check_majority(s);
}

Verdict check_cancel(const Step& s) {
  if (auto e = check_meeting(s)) return e;
  return check_majority(s);
}

bool is_meeting(std::string_view event) {
  return event == "admit" || event == "convert" || event == "extend" || event == "cancel";
}

// Whether `p` was a full member on `d`, from the history (see registered_full_members). Not static:
// the election's E3 count uses it too (declared in workflows/election/election_rules.cpp, so that
// member_rules.hpp, included by the member machine's translation unit, stays as it was).
engine::Result<bool> full_member_on(const engine::Directory& dir, const engine::Person& p, Date d) {
  const bool registered = p.status == engine::MemberStatus::Full && (!p.joined || *p.joined <= d);
  if (p.status == engine::MemberStatus::None) return registered;  // cheap: no case makes them one now
  auto cases = dir.cases_of(p.id);
  if (!cases.ok()) return cases.error();
  bool developed = false;
  std::optional<std::pair<Date, std::string>> last;  // the latest step on or before d, its state
  for (const auto& c : cases.value()) {
    if (c.workflow != "member") continue;
    developed = true;
    auto events = dir.events_of(c.id);
    if (!events.ok()) return events.error();
    for (const auto& e : events.value())
      if (e.date <= d && (!last || e.date >= last->first)) last = std::make_pair(e.date, e.to_state);
  }
  if (!developed) return registered;
  if (!last) return false;  // developed after d: not a member then
  const auto* st = find_state(last->second);
  return st != nullptr && std::string_view(st->stage) == "full";
}

engine::Result<int> registered_full_members(const engine::Directory& dir, const std::string& branch, Date d,
                                            std::optional<engine::PersonId> subject) {
  auto people = dir.people(branch);
  if (!people.ok()) return people.error();
  int n = 0;
  for (const auto& p : people.value()) {
    if (subject && p.id == *subject) continue;  // the candidate never votes on their own case
    auto full = full_member_on(dir, p, d);
    if (!full.ok()) return full.error();
    if (full.value()) ++n;
  }
  return n;
}

bool vote_passed(const Step& s) { return 2 * input_int(s, "yes") > input_int(s, "eligible"); }

std::vector<std::string> step_flags(const Step& s) {
  std::vector<std::string> flags;
  if (s.event == "publicize") {
    const Date from = *Date::parse(s.inputs.at("from"));
    const Date to = *Date::parse(s.inputs.at("to"));
    for (int y = from.year(); y <= to.year(); ++y) {
      if (!s.ctx.calendar.covers(Date(y, 1, 1))) {
        flags.emplace_back("calendar-unknown");
        break;
      }
    }
  }
  if (is_meeting(s.event)) {
    if (s.registered_full && *s.registered_full < 3) flags.emplace_back("small-branch");
    if (s.registered_full && *s.registered_full != input_int(s, "eligible")) flags.emplace_back("eligible-differs");
    if (!vote_passed(s)) flags.emplace_back("vote-failed");
  }
  return flags;
}

Verdict check_archive(const Step& s) {
  if (s.facts.archived) {
    return refusal(s, "D41", person_name(s) + "的入党材料已于" + s.facts.archived->iso() + "归档",
                   "the materials of " + person_name(s) + " were already archived on " + s.facts.archived->iso());
  }
  return std::nullopt;
}

}  // namespace djflow::workflows::member
