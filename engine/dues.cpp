#include "engine/dues.hpp"

#include <charconv>

namespace djflow::engine::dues {

std::optional<Cents> parse_yuan(std::string_view s) {
  const auto dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || whole.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2 || frac.find_first_not_of("0123456789") != std::string_view::npos))
    return std::nullopt;
  Cents w = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), w);
  Cents c = 0;
  if (!frac.empty()) {
    std::from_chars(frac.data(), frac.data() + frac.size(), c);
    if (frac.size() == 1) c *= 10;
  }
  return w * 100 + c;
}

std::string yuan(Cents c) {
  const std::string cents = std::to_string(c % 100);
  return std::to_string(c / 100) + "." + (cents.size() == 1 ? "0" : "") + cents;
}

namespace {

struct CategoryInfo {
  Category c;
  const char* id;
  const char* zh;
  const char* en;
};
constexpr CategoryInfo kCategories[] = {
    {Category::Working, "working", "在职党员", "working member"},
    {Category::Retired, "retired", "离退休党员", "retired member"},
    {Category::Farmer, "farmer", "农民党员", "farmer"},
    {Category::Student, "student", "学生党员", "student"},
    {Category::Unemployed, "unemployed", "下岗失业党员", "laid-off or unemployed member"},
    {Category::Relief, "relief", "依靠抚恤、救济或低保生活的党员", "member living on relief or subsistence allowance"},
};

const CategoryInfo& info(Category c) {
  for (const auto& i : kCategories)
    if (i.c == c) return i;
  return kCategories[0];
}

// Flat rate of the bracket on the whole base, in per ten thousand, rounded half up to the cent.
Cents share(Cents base, int per_ten_thousand) { return (base * per_ten_thousand + 5000) / 10000; }

std::string percent(int per_ten_thousand) {
  std::string s = std::to_string(per_ten_thousand / 100);
  if (per_ten_thousand % 100) s += "." + std::to_string(per_ten_thousand % 100 / 10);
  return s + "%";
}

}  // namespace

std::optional<Category> category_from(std::string_view s) {
  for (const auto& i : kCategories)
    if (s == i.id || s == i.zh) return i.c;
  if (s == "在职") return Category::Working;
  if (s == "离退休" || s == "退休") return Category::Retired;
  if (s == "农民") return Category::Farmer;
  if (s == "学生") return Category::Student;
  if (s == "下岗" || s == "失业" || s == "下岗失业") return Category::Unemployed;
  if (s == "低保" || s == "救济" || s == "抚恤") return Category::Relief;
  return std::nullopt;
}

std::string_view to_string(Category c) { return info(c).id; }
Text category_label(Category c) { return {info(c).zh, info(c).en}; }
bool needs_base(Category c) { return c == Category::Working || c == Category::Retired; }

Text statute() {
  return {"《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）",
          "《关于中国共产党党费收缴、使用和管理的规定》 (中组发〔2008〕3号)"};
}

Text article(std::string_view rule) {
  const Text s = statute();
  if (rule == "R15" || rule == "R16" || rule == "R17")
    return {s.zh + "第一部分第1条（交纳党费的比例）", s.en + ", part one, item 1 (the rates)"};
  if (rule == "R18-base") return {s.zh + "第一部分第2条（工资收入变化后按新标准交纳）", s.en + ", part one, item 2 (a new pay applies from the month it is received)"};
  if (rule == "R18-central") return {s.zh + "第一部分第3条（自愿一次多交纳1000元以上全部上缴中央）", s.en + ", part one, item 3 (a voluntary extra of 1,000 yuan or more goes to the Central Committee)"};
  if (rule == "R18") return {s.zh + "第一部分第4条（经党支部研究、报上一级党委批准，可以少交或免交）", s.en + ", part one, item 4 (less or nothing after the branch's study and the superior committee's approval)"};
  if (rule == "R19") return {s.zh + "（补交党费的时间一般不超过6个月）", s.en + " (arrears are generally made up at most 6 months back)"};
  return s;
}

Cents fixed_amount(Category c, const Config& config) {
  if (needs_base(c)) return 0;
  if (c == Category::Farmer) return parse_yuan(config.get(kSettingFarmerAmount).value_or("0.20")).value_or(20);
  return 20;
}

Standard rate(Category c, Cents base, Cents fixed) {
  Standard out;
  int r = 0;
  const std::string b = yuan(base);
  if (c == Category::Working) {
    out.rule = "R15";
    r = base <= 300000 ? 50 : base <= 500000 ? 100 : base <= 1000000 ? 150 : 200;
  } else if (c == Category::Retired) {
    out.rule = "R16";
    r = base <= 500000 ? 50 : 100;
  }
  if (r > 0) {
    out.amount = share(base, r);
    out.basis = {std::string(info(c).zh) + "，月收入 " + b + " 元的 " + percent(r),
                 std::string(info(c).en) + ", " + percent(r) + " of a monthly income of " + b + " yuan"};
  } else {
    out.rule = "R17";
    out.amount = fixed;
    out.basis = {std::string(info(c).zh) + "每月 " + yuan(fixed) + " 元", std::string(info(c).en) + ": " + yuan(fixed) + " yuan a month"};
  }
  out.article = article(out.rule);
  return out;
}

int months_between(const std::string& a, const std::string& b) {
  auto ym = [](const std::string& m) { return std::stoi(m.substr(0, 4)) * 12 + std::stoi(m.substr(5, 2)); };
  return ym(b) - ym(a);
}

std::optional<Standard> standard(const life::Facts& f, PersonId person, const std::string& month) {
  const life::DuesBase* base = nullptr;
  for (const auto& b : f.bases)
    if (b.person == person && b.from <= month && (!base || b.from >= base->from)) base = &b;
  std::optional<Standard> out;
  if (base) {
    auto c = category_from(base->category);
    if (c) out = rate(*c, parse_yuan(base->base).value_or(0), parse_yuan(base->amount).value_or(20));
  }
  for (const auto& r : f.reliefs) {
    if (r.person != person || month < r.from || (!r.to.empty() && month > r.to)) continue;
    Standard s;
    s.amount = parse_yuan(r.amount).value_or(0);
    s.rule = "R18";
    s.relief = true;
    s.basis = s.amount == 0 ? Text{"经批准免交（" + r.ref + "）", "exempted by approval (" + r.ref + ")"}
                            : Text{"经批准少交，每月 " + yuan(s.amount) + " 元（" + r.ref + "）",
                                   "reduced by approval to " + yuan(s.amount) + " yuan a month (" + r.ref + ")"};
    s.article = article("R18");
    out = s;
  }
  return out;
}

}  // namespace djflow::engine::dues
