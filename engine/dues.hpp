// Party dues standards (党费, rules.md §3.2 R14-R19, §6.4): the monthly amount a member owes from
// their category and base, the hardship reductions and exemptions, and the money arithmetic. Pure
// functions over a `life` ledger's facts (engine/life.hpp). Source: 《关于中国共产党党费收缴、
// 使用和管理的规定》（中组发〔2008〕3号）. Defaults that rules.md marks as set locally or by
// practice are settings (`djflow config set`), listed below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/life.hpp"
#include "engine/text.hpp"
#include "engine/workflow.hpp"

namespace djflow::engine::dues {

using Cents = std::int64_t;

// "90", "90.5", "90.50" -> 9000; nullopt when not yuan with at most two decimals.
std::optional<Cents> parse_yuan(std::string_view s);
std::string yuan(Cents c);  // "90.00"

// Who pays what (R15-R17). Ids are stable (CLI, stored inputs).
enum class Category { Working, Retired, Farmer, Student, Unemployed, Relief };
std::optional<Category> category_from(std::string_view s);  // id or Chinese name
std::string_view to_string(Category c);
Text category_label(Category c);
bool needs_base(Category c);  // working and retired pay a share of a base

// Settings (rules.md: the farmers' amount is set by the province; the make-up limit is "generally"
// six months [S]; the warning after three unpaid months is practice [L]).
inline constexpr const char* kSettingFarmerAmount = "life.dues.farmer_amount";  // yuan, default 0.20
inline constexpr const char* kSettingMakeupMonths = "life.dues.makeup_months";  // default 6
inline constexpr const char* kSettingWarnMonths = "life.dues.warn_months";      // default 3
inline constexpr Cents kToCentral = 100000;  // R18: a voluntary extra of 1,000 yuan or more at once

struct Standard {
  Cents amount = 0;
  std::string rule;     // R15, R16, R17, R18
  Text basis;           // "在职党员，月收入 6000.00 元的 1.5%"
  Text article;         // the statute in words
  bool relief = false;  // reduced or exempted (R18)
};

// The monthly standard of a category and base under R15-R17 (flat rate of the bracket on the whole
// base: 6,000 yuan -> 1.5% -> 90 yuan), rounded to the cent. `fixed`: the R17 amount (farmers: set
// by the province, life.dues.farmer_amount when recorded; the others 0.20 yuan).
Standard rate(Category c, Cents base, Cents fixed);
// The R17 amount of a category under the settings (0 for working and retired members).
Cents fixed_amount(Category c, const Config& config);
// What `person` owes for `month` ("YYYY-MM") from the ledger: the latest base recorded from that
// month or before (R18: a new pay applies from the month it is received), unless an approved
// reduction or exemption covers the month. nullopt when no base is recorded.
std::optional<Standard> standard(const life::Facts& f, PersonId person, const std::string& month);

Text statute();                       // 《关于中国共产党党费收缴、使用和管理的规定》
Text article(std::string_view rule);  // the statute and the part of it, in words

// Months between two "YYYY-MM" (b - a).
int months_between(const std::string& a, const std::string& b);

}  // namespace djflow::engine::dues
