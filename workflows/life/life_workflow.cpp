// The organisational-life ledger of one organisation (workflow "life"). See life_workflow.hpp.
#include "workflows/life/life_workflow.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "engine/dues.hpp"
#include "engine/life.hpp"

namespace djflow::workflows::life {

namespace L = engine::life;
using engine::CaseContext;
using engine::Date;
using engine::DeadlineSpec;
using engine::Error;
using engine::Inputs;
using engine::PersonId;
using engine::Text;

namespace {

constexpr const char* kRuleVersion = "2018";  // 《中国共产党支部工作条例（试行）》(2018)

struct EventInfo {
  const char* id;
  const char* zh;
  const char* en;
};
const std::vector<EventInfo>& event_table() {
  static const std::vector<EventInfo> t = {
      {"start", "开始记录组织生活", "start the organisational-life ledger"},
      {"configure", "调整组织生活设置", "configure organisational life"},
      {"meeting", "召开会议", "meeting held"},
      {"talk", "谈心谈话", "heart-to-heart talk"},
      {"dues", "交纳党费", "party dues paid"},
      {"dues-base", "党费计算基数", "dues base"},
      {"dues-relief", "批准少交或免交党费", "dues reduced or exempted"},
      {"grades", "民主评议党员等次", "appraisal grades"},
      {"correction", "不合格党员的处置", "follow-up of an unqualified member"},
      {"close", "期间结束", "period closed"},
  };
  return t;
}

std::string get(const Inputs& in, const std::string& key) {
  auto it = in.find(key);
  return it == in.end() ? std::string() : it->second;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

Error bad(const std::string& zh, const std::string& en) { return Error::invalid({zh, en}); }

std::string group_kind(L::Period p) {
  switch (p) {
    case L::Period::Month: return kMonthly;
    case L::Period::Quarter: return kQuarterly;
    case L::Period::Half: return kHalfYearly;
    default: return kYearly;
  }
}

L::Period group_period(std::string_view kind) {
  if (kind == kMonthly) return L::Period::Month;
  if (kind == kQuarterly) return L::Period::Quarter;
  if (kind == kHalfYearly) return L::Period::Half;
  return L::Period::Year;
}

// The kinds of `group` not held within `span` (and, with `after`, not held since either).
std::vector<std::string> missing(const L::Facts& f, const engine::Config& config, L::Period group, L::Span span,
                                 bool made_up_counts) {
  std::vector<std::string> out;
  for (const auto& k : L::kinds()) {
    if (L::period_for(f, config, k.id) != group) continue;
    if (L::held(f, k.id, span)) continue;
    if (made_up_counts && L::held(f, k.id, {span.to.add_days(1), Date(9999, 12, 31)})) continue;
    out.emplace_back(k.id);
  }
  return out;
}

engine::Status person_exists(const CaseContext& ctx, PersonId id, const char* what_zh, const char* what_en) {
  auto p = ctx.directory.person(id);
  DJFLOW_TRY(p);
  if (!p.value())
    return Error::not_found({std::string(what_zh) + "：人员 #" + std::to_string(id) + " 不存在",
                             std::string(what_en) + ": no person #" + std::to_string(id)});
  return {};
}

engine::Status check_config(const CaseContext& ctx, const Inputs& in) {
  for (const auto& [k, v] : in) {
    if (k.rfind("period:", 0) == 0) {
      if (!L::find_kind(k.substr(7)))
        return bad("未知的组织生活类别：" + k.substr(7), "unknown kind of organisational life: " + k.substr(7));
      if (!L::period_from(v))
        return bad("周期应为 month、quarter、half、year 或 none：" + v, "a period is month, quarter, half, year or none, got " + v);
    } else if (k == "theme-day") {
      auto d = to_int(v);
      if (!d || *d < 1 || *d > 28)
        return bad("主题党日的固定日期应为 1 至 28：" + v, "the themed Party day's fixed day is 1 to 28, got " + v);
    } else if (k == "secretary") {
      auto id = to_int(v);
      if (!id) return bad("书记应为人员编号：" + v, "the secretary is a person id, got " + v);
      DJFLOW_TRY(person_exists(ctx, *id, "支部书记", "the secretary"));
    } else if (k == "committee") {
      for (auto id : L::split_ids(v)) DJFLOW_TRY(person_exists(ctx, id, "支部委员", "a committee member"));
    } else {
      return bad("未知输入项“" + k + "”", "unknown input '" + k + "'");
    }
  }
  return {};
}

bool valid_amount(std::string_view s) {
  const auto dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  if (whole.empty() || whole.size() > 9 || whole.find_first_not_of("0123456789") != std::string_view::npos) return false;
  if (dot == std::string_view::npos) return true;
  const std::string_view frac = s.substr(dot + 1);
  return !frac.empty() && frac.size() <= 2 && frac.find_first_not_of("0123456789") == std::string_view::npos;
}

bool valid_month(std::string_view m) {
  return m.size() == 7 && m[4] == '-' && Date::parse(std::string(m) + "-01").has_value();
}

class LifeWorkflow final : public engine::Workflow {
 public:
  std::string_view name() const override { return L::kWorkflow; }
  Text title() const override { return {"组织生活", "organisational life"}; }
  std::string_view initial_event() const override { return "start"; }
  std::optional<std::string> resolve_event(std::string_view n) const override {
    for (const auto& e : event_table())
      if (n == e.id || n == e.zh) return std::string(e.id);
    return std::nullopt;
  }
  std::vector<std::string> events() const override {
    std::vector<std::string> out;
    for (const auto& e : event_table()) out.emplace_back(e.id);
    return out;
  }
  std::vector<std::string> states() const override { return {"open"}; }
  bool records_in_any_order() const override { return true; }

  engine::Result<engine::StepResult> apply(const CaseContext& ctx, const engine::StepInput& in) const override {
    engine::StepResult r;
    r.rule_version = kRuleVersion;
    r.to_state = "open";
    const std::string& ev = in.event;
    if (ctx.c.state.empty()) {
      if (ev != "start") return bad("组织生活记录须先开始（start）", "the ledger starts with 'start'");
      DJFLOW_TRY(check_config(ctx, in.with));
      r.inputs = in.with;
      return r;
    }
    const L::Facts f = L::facts(ctx.history);
    if (ev == "close") {
      // Recorded by the engine the day after a period's last day (decision 0021): it moves the
      // ledger into the next period. Nothing to do when a later fact already did.
      if (in.date <= f.as_of)
        return Error::refused({"期间已结束，无需再次结束", "the period has already closed"});
      return r;
    }
    if (in.date < f.started)
      return bad("日期 " + in.date.iso() + " 早于本组织组织生活记录的开始日期 " + f.started.iso(),
                 "date " + in.date.iso() + " is before this organisation's ledger starts (" + f.started.iso() + ")");
    if (ev == "configure") {
      DJFLOW_TRY(check_config(ctx, in.with));
      r.inputs = in.with;
      return r;
    }
    if (ev == "meeting") return meeting(ctx, f, in, r);
    if (ev == "talk") return talk(ctx, f, in, r);
    if (ev == "dues") return dues(f, in, r);
    if (ev == "dues-base") return dues_base(ctx, in, r);
    if (ev == "dues-relief") return dues_relief(ctx, in, r);
    if (ev == "correction") return correction(ctx, f, in, r);
    if (ev == "grades") {
      if (in.with.empty()) return bad("须至少评定一名党员", "grade at least one member");
      for (const auto& [k, v] : in.with) {
        if (k.rfind("correct-by:", 0) == 0) continue;  // stored with an unqualified grade (below)
        if (k.rfind("grade:", 0) != 0) return bad("未知输入项“" + k + "”", "unknown input '" + k + "'");
        auto id = to_int(std::string_view(k).substr(6));
        if (!id) return bad("人员编号无效：" + k, "bad person id in " + k);
        DJFLOW_TRY(person_exists(ctx, *id, "民主评议", "appraisal"));
        auto g = L::resolve_grade(v);
        if (!g) return bad("等次应为 优秀、合格、基本合格 或 不合格：" + v, "a grade is excellent, qualified, basic or unqualified, got " + v);
        r.inputs[k] = *g;
        if (*g != "unqualified") continue;
        // The deadline to correct: given again on replay, else the setting when recorded.
        const std::string by_key = "correct-by:" + k.substr(6);
        auto by = in.with.count(by_key) ? Date::parse(get(in.with, by_key))
                                        : std::optional<Date>(in.date.add_months(ctx.config.get_int(L::kSettingCorrectMonths, 6)));
        if (!by || *by <= in.date)
          return bad("改正期限应为评议日期之后的日期：" + get(in.with, by_key), "the deadline to correct must be after the appraisal: " + get(in.with, by_key));
        r.inputs[by_key] = by->iso();
      }
      return r;
    }
    return bad("未知步骤“" + ev + "”", "unknown event '" + ev + "'");
  }

  engine::Result<engine::StepResult> meeting(const CaseContext& ctx, const L::Facts&, const engine::StepInput& in,
                                             engine::StepResult& r) const {
    static const std::set<std::string> keys = {"kinds", "topic", "present", "should-attend", "speaker", "by-secretary"};
    for (const auto& [k, v] : in.with)
      if (!keys.count(k) && k.rfind("absent:", 0) != 0) return bad("未知输入项“" + k + "”", "unknown input '" + k + "'");
    std::vector<std::string> ks;
    {
      std::string all = get(in.with, "kinds");
      std::size_t from = 0;
      while (from <= all.size() && !all.empty()) {
        const auto comma = all.find(',', from);
        const std::string name = all.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        auto id = L::resolve_kind(name);
        const L::Kind* kind = id ? L::find_kind(*id) : nullptr;
        if (!kind || !kind->meeting)
          return bad("未知的会议类别“" + name + "”；可用：支部党员大会、支部委员会会议、党小组会、党课、主题党日、组织生活会、民主评议党员",
                     "unknown kind of meeting '" + name + "'; known: general-meeting, committee-meeting, group-meeting, "
                     "lecture, theme-day, life-meeting, appraisal");
        if (std::find(ks.begin(), ks.end(), *id) == ks.end()) ks.push_back(*id);
        if (comma == std::string::npos) break;
        from = comma + 1;
      }
    }
    if (ks.empty()) return bad("须注明会议类别（--kind）", "the kind of meeting is required (--kind)");
    for (std::size_t i = 0; i < ks.size(); ++i)
      for (std::size_t j = i + 1; j < ks.size(); ++j)
        if (!L::combinable(ks[i], ks[j])) {
          const L::Kind* a = L::find_kind(ks[i]);
          const L::Kind* b = L::find_kind(ks[j]);
          return bad(std::string(a->zh) + "与" + b->zh + "不能合并为一次会议计算（参加人员或议事规则不同，见 docs/workflows/life.md）",
                     std::string(a->en) + " and " + b->en +
                         " cannot count as one meeting (different participants or rules; docs/workflows/life.md)");
        }
    if (get(in.with, "topic").empty()) return bad("须注明会议主题（--topic）", "the topic is required (--topic)");
    std::string joined;
    for (const auto& k : ks) joined += (joined.empty() ? "" : ",") + k;
    r.inputs = in.with;
    r.inputs["kinds"] = joined;
    std::set<PersonId> seen;
    for (auto id : L::split_ids(get(in.with, "present"))) {
      DJFLOW_TRY(person_exists(ctx, id, "出席人员", "present"));
      if (!seen.insert(id).second) return bad("出席人员重复：#" + std::to_string(id), "listed twice: #" + std::to_string(id));
    }
    for (const auto& [k, v] : in.with) {
      if (k.rfind("absent:", 0) != 0) continue;
      auto id = to_int(std::string_view(k).substr(7));
      if (!id) return bad("人员编号无效：" + k, "bad person id in " + k);
      DJFLOW_TRY(person_exists(ctx, *id, "缺席人员", "absent"));
      if (!seen.insert(*id).second)
        return bad("同一人既出席又缺席：#" + std::to_string(*id), "both present and absent: #" + std::to_string(*id));
    }
    if (!in.with.count("should-attend")) {
      auto people = ctx.directory.people(ctx.c.branch);
      DJFLOW_TRY(people);
      int n = 0;
      for (const auto& p : people.value())
        if (p.status != engine::MemberStatus::None) ++n;
      r.inputs["should-attend"] = std::to_string(n);
    }
    const L::Facts f = L::facts(ctx.history);
    r.inputs.erase("by-secretary");
    const bool lecture = std::find(ks.begin(), ks.end(), "lecture") != ks.end();
    if (lecture && get(in.with, "speaker").empty())
      return bad("党课须注明讲课人（--speaker）", "a party lecture needs its speaker (--speaker)");
    if (lecture && f.config.secretary) {
      auto s = ctx.directory.person(*f.config.secretary);
      DJFLOW_TRY(s);
      const std::string speaker = get(in.with, "speaker");
      if (s.value() && (speaker == s.value()->name || speaker == std::to_string(s.value()->id)))
        r.inputs["by-secretary"] = "yes";
    }
    return std::move(r);
  }

  engine::Result<engine::StepResult> talk(const CaseContext& ctx, const L::Facts& f, const engine::StepInput& in,
                                          engine::StepResult& r) const {
    static const std::set<std::string> keys = {"with", "by", "topic", "covers"};
    for (const auto& [k, v] : in.with)
      if (!keys.count(k)) return bad("未知输入项“" + k + "”", "unknown input '" + k + "'");
    auto with = to_int(get(in.with, "with"));
    auto by = to_int(get(in.with, "by"));
    if (!with || !by) return bad("谈心谈话须注明双方（--with、--by）", "a talk needs both people (--with, --by)");
    if (*with == *by) return bad("谈话双方不能是同一人", "a talk needs two different people");
    DJFLOW_TRY(person_exists(ctx, *with, "谈话对象", "talk with"));
    DJFLOW_TRY(person_exists(ctx, *by, "谈话人", "talk by"));
    r.inputs = in.with;
    if (in.with.count("covers")) return std::move(r);  // computed when recorded; replay keeps it
    // Coverage of the year (R7): every member had a talk, and the secretary talked with each
    // committee member.
    const L::Span year = L::period_span(L::Period::Year, in.date);
    std::vector<std::pair<PersonId, PersonId>> pairs{{*with, *by}};
    for (const auto& t : f.talks)
      if (year.contains(t.date)) pairs.emplace_back(t.with, t.by);
    std::set<PersonId> covered;
    for (const auto& [a, b] : pairs) covered.insert(a), covered.insert(b);
    auto people = ctx.directory.people(ctx.c.branch);
    DJFLOW_TRY(people);
    bool all = true;
    for (const auto& p : people.value())
      if (p.status != engine::MemberStatus::None && !covered.count(p.id)) all = false;
    if (f.config.secretary)
      for (auto c : f.config.committee) {
        if (c == *f.config.secretary) continue;
        const PersonId s = *f.config.secretary;
        const bool talked = std::any_of(pairs.begin(), pairs.end(), [&](const auto& pr) {
          return (pr.first == s && pr.second == c) || (pr.first == c && pr.second == s);
        });
        if (!talked) all = false;
      }
    if (all) r.inputs["covers"] = "all";
    return std::move(r);
  }

  // The 不合格 follow-up (《中国共产党章程》第九条): corrected; or, once the deadline to correct has
  // passed, persuasion to leave decided by the general meeting and approved by the superior; if the
  // member refuses to leave, removal, decided and approved the same way.
  engine::Result<engine::StepResult> correction(const CaseContext& ctx, const L::Facts& f, const engine::StepInput& in,
                                                engine::StepResult& r) const {
    static const std::set<std::string> keys = {"person", "outcome"};
    for (const auto& [k, v] : in.with)
      if (!keys.count(k)) return bad("未知输入项“" + k + "”", "unknown input '" + k + "'");
    auto id = to_int(get(in.with, "person"));
    if (!id) return bad("须注明党员（--person）", "the member is required (--person)");
    DJFLOW_TRY(person_exists(ctx, *id, "不合格党员的处置", "unqualified follow-up"));
    const std::string out = get(in.with, "outcome");
    static const std::set<std::string> outcomes = {"corrected", "persuade", "remove", "approved", "rejected"};
    if (!outcomes.count(out))
      return bad("处置结果应为 corrected（已改正）、persuade（劝其退党）、remove（除名）、approved（上级批准）或 rejected（上级不批准）：" + out,
                 "the outcome is corrected, persuade, remove, approved or rejected, got '" + out + "'");
    const std::string art_zh = "《中国共产党章程》第九条";
    auto refuse = [&](const std::string& zh, const std::string& en, std::optional<Date> from = std::nullopt) {
      return Error::rule_refusal({zh + "（" + art_zh + "）", en + " (" + art_zh + ")"}, "CH9", art_zh, from);
    };
    const L::Unqualified* u = nullptr;
    const auto all = L::unqualified(f);
    for (const auto& x : all)
      if (x.person == *id) u = &x;
    if (!u || u->state == "corrected" || u->state == "removed" || u->state == "kept")
      return refuse("#" + std::to_string(*id) + " 没有待处置的不合格评定", "#" + std::to_string(*id) + " has no open unqualified grade");
    if (in.date < u->graded)
      return bad("日期早于评议日期 " + u->graded.iso(), "the date is before the appraisal (" + u->graded.iso() + ")");
    const bool decision = out == "persuade" || out == "remove";
    if ((decision || out == "approved" || out == "rejected") && in.ref.empty())
      return bad(decision ? "须注明支部党员大会的会议记录（--ref）" : "须注明上级党组织的批准文件（--ref）",
                 decision ? "the general meeting's minutes are required (--ref)" : "the superior's answer is required (--ref)");
    if (out == "corrected" && u->state != "correcting")
      return refuse("已作出处置决定，不能再记为已改正", "a decision was already taken; it cannot be recorded as corrected");
    if (out == "persuade") {
      if (u->state != "correcting") return refuse("已作出处置决定", "a decision was already taken");
      if (in.date <= u->correct_by)
        return refuse("限期改正至 " + u->correct_by.iso() + "；经教育仍无转变的，才应当劝其退党",
                      "the member has until " + u->correct_by.iso() + " to correct; persuasion to leave comes only after",
                      u->correct_by.add_days(1));
    }
    if (out == "remove" && u->state != "persuaded")
      return refuse("被劝告退党的党员坚持不退的，才提交支部党员大会决定除名：须先经批准劝其退党",
                    "removal comes only when a member persuaded to leave (approved) refuses to leave");
    if ((out == "approved" || out == "rejected") && u->state != "persuade-decided" && u->state != "remove-decided")
      return refuse("没有待上级批准的决定", "no decision awaits the superior's answer");
    r.inputs = {{"person", std::to_string(*id)}, {"outcome", out}};
    return std::move(r);
  }

  // R15-R18: a member's category and monthly base, from a month on.
  engine::Result<engine::StepResult> dues_base(const CaseContext& ctx, const engine::StepInput& in,
                                               engine::StepResult& r) const {
    static const std::set<std::string> keys = {"person", "category", "base", "from", "amount"};
    for (const auto& [k, v] : in.with)
      if (!keys.count(k)) return bad("未知输入项“" + k + "”", "unknown input '" + k + "'");
    auto id = to_int(get(in.with, "person"));
    if (!id) return bad("须注明党员（--person）", "the member is required (--person)");
    DJFLOW_TRY(person_exists(ctx, *id, "党费计算基数", "dues base"));
    auto c = engine::dues::category_from(get(in.with, "category"));
    if (!c)
      return bad("党员类别应为 在职、离退休、农民、学生、下岗失业 或 低保（working、retired、farmer、student、unemployed、relief）：" +
                     get(in.with, "category"),
                 "a category is working, retired, farmer, student, unemployed or relief, got " + get(in.with, "category"));
    const std::string from = get(in.with, "from");
    if (!valid_month(from)) return bad("起始月份应为 YYYY-MM：" + from, "the first month is YYYY-MM, got " + from);
    r.inputs = {{"person", std::to_string(*id)}, {"category", std::string(engine::dues::to_string(*c))}, {"from", from}};
    if (engine::dues::needs_base(*c)) {
      auto base = engine::dues::parse_yuan(get(in.with, "base"));
      if (!base)
        return bad("在职和离退休党员须注明月收入（税后，元，至多两位小数）：" + get(in.with, "base"),
                   "working and retired members need their monthly income after tax (yuan, at most 2 decimals), got '" +
                       get(in.with, "base") + "'");
      r.inputs["base"] = engine::dues::yuan(*base);
    } else {
      // R17's fixed amount in force now (given again on replay: the setting may change later).
      auto fixed = in.with.count("amount") ? engine::dues::parse_yuan(get(in.with, "amount"))
                                           : std::optional<engine::dues::Cents>(engine::dues::fixed_amount(*c, ctx.config));
      if (!fixed) return bad("每月金额应为元（至多两位小数）：" + get(in.with, "amount"), "the monthly amount is yuan, got " + get(in.with, "amount"));
      r.inputs["amount"] = engine::dues::yuan(*fixed);
    }
    return std::move(r);
  }

  // R18: less or nothing, after the branch's study and the superior committee's approval.
  engine::Result<engine::StepResult> dues_relief(const CaseContext& ctx, const engine::StepInput& in,
                                                 engine::StepResult& r) const {
    static const std::set<std::string> keys = {"person", "from", "to", "amount", "study"};
    for (const auto& [k, v] : in.with)
      if (!keys.count(k)) return bad("未知输入项“" + k + "”", "unknown input '" + k + "'");
    auto id = to_int(get(in.with, "person"));
    if (!id) return bad("须注明党员（--person）", "the member is required (--person)");
    DJFLOW_TRY(person_exists(ctx, *id, "少交或免交党费", "dues relief"));
    const std::string from = get(in.with, "from"), to = get(in.with, "to");
    if (!valid_month(from)) return bad("起始月份应为 YYYY-MM：" + from, "the first month is YYYY-MM, got " + from);
    if (!to.empty() && (!valid_month(to) || to < from))
      return bad("结束月份应为不早于起始月份的 YYYY-MM：" + to, "the last month is YYYY-MM, not before the first, got " + to);
    auto amount = engine::dues::parse_yuan(get(in.with, "amount"));
    if (!amount) return bad("每月金额应为元（至多两位小数，0 为免交）：" + get(in.with, "amount"),
                            "the monthly amount is yuan with at most 2 decimals (0 exempts), got '" + get(in.with, "amount") + "'");
    const engine::Text art = engine::dues::article("R18");
    if (get(in.with, "study").empty() || in.ref.empty())
      return Error::rule_refusal({"少交或免交党费须经党支部研究（--study 会议记录）并报上一级党委批准（--ref 批准文件）：" + art.zh,
                                  "paying less or nothing needs the branch's study (--study, the minutes) and the superior "
                                  "committee's approval (--ref, the approval): " + art.en},
                                 "R18", art.zh);
    r.inputs = {{"person", std::to_string(*id)}, {"from", from}, {"amount", engine::dues::yuan(*amount)},
                {"study", get(in.with, "study")}};
    if (!to.empty()) r.inputs["to"] = to;
    return std::move(r);
  }

  engine::Result<engine::StepResult> dues(const L::Facts& f, const engine::StepInput& in,
                                          engine::StepResult& r) const {
    if (in.with.empty()) return bad("须至少记录一笔党费", "record at least one payment");
    std::set<std::pair<PersonId, std::string>> paid;
    for (const auto& p : f.dues) paid.insert({p.person, p.month});
    for (const auto& [k, v] : in.with) {
      if (k.rfind("dues:", 0) != 0) return bad("未知输入项“" + k + "”", "unknown input '" + k + "'");
      const std::string rest = k.substr(5);
      const auto colon = rest.find(':');
      auto id = colon == std::string::npos ? std::nullopt : to_int(std::string_view(rest).substr(0, colon));
      const std::string month = colon == std::string::npos ? "" : rest.substr(colon + 1);
      if (!id || !valid_month(month)) return bad("党费记录应为 人员:YYYY-MM：" + rest, "a payment is PERSON:YYYY-MM, got " + rest);
      const auto at = v.find('@');
      const std::string amount = v.substr(0, at);
      const auto on = at == std::string::npos ? std::optional<Date>(in.date) : Date::parse(v.substr(at + 1));
      if (!valid_amount(amount))
        return bad("党费金额应为元（至多两位小数）：" + amount, "an amount is yuan with at most 2 decimals, got " + amount);
      if (!on || *on > in.date)
        return bad("交纳日期无效或晚于记录日期：" + v, "the date paid is invalid or after the record's date: " + v);
      if (!paid.insert({*id, month}).second)
        return Error::refused({"#" + std::to_string(*id) + " " + month + " 的党费已记录", "dues of #" + std::to_string(*id) + " for " + month + " are already recorded"});
      DJFLOW_TRY(check_standard(f, *id, month, amount, r));
      r.inputs[k] = amount + "@" + on->iso();
    }
    return std::move(r);
  }

  // A payment against the member's standard (when a base is recorded): less than the standard is
  // refused (R15-R17; paying less needs the approval of R18 first); a voluntary extra of 1,000 yuan
  // or more is flagged for the Central Committee (R18). Only the history before the step decides,
  // so replay judges it the same. (R19's make-up limit is a warning of `dues pay`, not stored.)
  static engine::Status check_standard(const L::Facts& f, PersonId id, const std::string& month, const std::string& amount,
                                       engine::StepResult& r) {
    namespace D = engine::dues;
    auto st = D::standard(f, id, month);
    if (!st) return {};
    const D::Cents paid = D::parse_yuan(amount).value_or(0);
    if (paid < st->amount)
      return Error::rule_refusal(
          {"#" + std::to_string(id) + " " + month + " 应交党费 " + D::yuan(st->amount) + " 元（" + st->basis.zh + "），记录的是 " +
               D::yuan(paid) + " 元；少交须先经党支部研究、报上一级党委批准（dues relief）：" + st->article.zh,
           "#" + std::to_string(id) + " owes " + D::yuan(st->amount) + " yuan for " + month + " (" + st->basis.en + "), " +
               D::yuan(paid) + " recorded; paying less needs the approval first (dues relief): " + st->article.en},
          st->rule, st->article.zh);
    if (paid - st->amount >= D::kToCentral &&
        std::find(r.flags.begin(), r.flags.end(), "dues-to-central") == r.flags.end())
      r.flags.emplace_back("dues-to-central");
    return {};
  }

  std::vector<DeadlineSpec> deadlines(const CaseContext& ctx) const override {
    std::vector<DeadlineSpec> out;
    if (ctx.history.empty()) return out;
    const L::Facts f = L::facts(ctx.history);
    const int remind = ctx.config.get_int(L::kSettingRemindDays, 10);
    for (const auto& u : L::unqualified(f)) {
      if (u.state != "correcting") continue;
      DeadlineSpec d;
      d.kind = L::deadline_kind_correction(u.person);
      d.due = u.correct_by;
      d.opened_on = u.graded;
      d.offsets = {-remind};
      d.overdue_every_days = 0;
      out.push_back(d);
    }
    for (L::Period p : {L::Period::Month, L::Period::Quarter, L::Period::Half, L::Period::Year}) {
      const bool any = std::any_of(L::kinds().begin(), L::kinds().end(),
                                   [&](const L::Kind& k) { return L::period_for(f, ctx.config, k.id) == p; });
      if (!any) continue;
      const L::Span cur = L::period_span(p, f.as_of);
      auto spec = [&](L::Span s) {
        DeadlineSpec d;
        d.kind = group_kind(p);
        d.due = s.to;
        d.opened_on = std::max(s.from, f.started);
        d.offsets = {-remind};
        if (p == L::Period::Month && L::period_for(f, ctx.config, "theme-day") == p) {
          const int td = L::theme_day(f, ctx.config);
          const int off = s.to.day() >= static_cast<unsigned>(td) ? -static_cast<int>(s.to.day() - td) : 0;
          if (off != -remind) d.offsets.push_back(off);
        }
        if (p == L::Period::Year && L::period_for(f, ctx.config, "life-meeting") == p)
          d.offsets.push_back(-engine::Date(s.to.year(), 10, 1).days_until(s.to));  // the Q4 window opens (R6)
        std::sort(d.offsets.begin(), d.offsets.end());
        d.offsets.erase(std::unique(d.offsets.begin(), d.offsets.end()), d.offsets.end());
        d.overdue_every_days = 0;
        d.on_due_event = "close";
        return d;
      };
      const L::Span prev = L::period_span(p, cur.from.add_days(-1));
      if (prev.to >= f.started && !missing(f, ctx.config, p, prev, true).empty()) out.push_back(spec(prev));
      // The current period's duties; once they are all held, the next period's already, so that
      // a deadline (and its on-due tick) always carries the ledger into the next period.
      if (missing(f, ctx.config, p, cur, false).empty()) {
        const L::Span next = L::period_span(p, cur.to.add_days(1));
        if (!missing(f, ctx.config, p, next, false).empty()) out.push_back(spec(next));
      } else {
        out.push_back(spec(cur));
      }
    }
    return out;
  }

  std::vector<std::string> allowed(const CaseContext& ctx) const override {
    if (ctx.c.state.empty()) return {"start"};
    return {"configure", "meeting", "talk", "dues", "dues-base", "dues-relief", "grades", "correction", "close"};
  }
  std::string stage(std::string_view) const override { return "open"; }
  bool closed(std::string_view) const override { return false; }
  Text state_label(std::string_view) const override { return {"记录中", "open"}; }
  Text stage_label(std::string_view) const override { return {"记录中", "open"}; }
  Text event_label(std::string_view event) const override {
    for (const auto& e : event_table())
      if (event == e.id) return {e.zh, e.en};
    return {std::string(event), std::string(event)};
  }
  Text deadline_label(std::string_view kind) const override {
    if (kind == kMonthly) return {"月度组织生活", "monthly organisational life"};
    if (kind == kQuarterly) return {"季度组织生活", "quarterly organisational life"};
    if (kind == kHalfYearly) return {"半年度组织生活", "half-yearly organisational life"};
    if (kind == kYearly) return {"年度组织生活", "yearly organisational life"};
    if (kind.rfind("correction-", 0) == 0)
      return {"不合格党员限期改正（#" + std::string(kind.substr(11)) + "）", "unqualified member to correct (#" + std::string(kind.substr(11)) + ")"};
    return {std::string(kind), std::string(kind)};
  }
  bool has_reminder_detail() const override { return true; }
  Text reminder_detail(const CaseContext& ctx, const engine::Deadline& d, Date) const override {
    if (d.kind.rfind("correction-", 0) == 0)
      return {"（限期改正；经教育仍无转变的，应当劝其退党：《中国共产党章程》第九条）",
              " (to correct by the deadline; if unchanged, persuasion to leave: 《中国共产党章程》第九条)"};
    const L::Facts f = L::facts(ctx.history);
    const L::Period p = group_period(d.kind);
    const auto miss = missing(f, ctx.config, p, L::period_span(p, d.due), false);
    if (miss.empty()) return {};
    Text t{"（" + L::period_name(p, d.due) + " 尚未完成：", " (" + L::period_name(p, d.due) + ", not yet held: "};
    for (std::size_t i = 0; i < miss.size(); ++i) {
      const L::Kind* k = L::find_kind(miss[i]);
      t.zh += std::string(i ? "；" : "") + k->zh + "，" + k->article_zh;
      t.en += std::string(i ? "; " : "") + k->en + ", " + k->article_en;
    }
    t.zh += "）";
    t.en += ")";
    return t;
  }
};

}  // namespace

std::unique_ptr<engine::Workflow> make_life_workflow() { return std::make_unique<LifeWorkflow>(); }

}  // namespace djflow::workflows::life
