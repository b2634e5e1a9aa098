// The counting rules of elections, separated from the step guards: postponement bounds (E9), the
// size thresholds (E1-E4) and the count of a vote (E14). Pure functions.
#include <algorithm>
#include <string>

#include "workflows/election/election_rules.hpp"

namespace djflow::workflows::election {

using engine::Date;
using engine::Text;

namespace {
std::string n(int v) { return std::to_string(v); }
}  // namespace

std::optional<Text> shift_problem(std::string_view event, Date original_end, Date to) {
  const bool postpone = event == "postpone";
  const Date limit = postpone ? original_end.add_years(1) : original_end.add_years(-1);
  if (postpone && to <= original_end)
    return Text{"延期后的日期" + to.iso() + "须晚于任期届满日" + original_end.iso(),
                "the postponed date " + to.iso() + " must be after the term end " + original_end.iso()};
  if (!postpone && to >= original_end)
    return Text{"提前后的日期" + to.iso() + "须早于任期届满日" + original_end.iso(),
                "the advanced date " + to.iso() + " must be before the term end " + original_end.iso()};
  if (postpone && to > limit)
    return Text{"延期一般不超过一年：任期" + original_end.iso() + "届满，最迟延至" + limit.iso() + "，申请延至" + to.iso(),
                "a postponement is generally at most one year: the term ends " + original_end.iso() +
                    ", so at the latest " + limit.iso() + ", not " + to.iso()};
  if (!postpone && to < limit)
    return Text{"提前一般不超过一年：任期" + original_end.iso() + "届满，最早提前至" + limit.iso() + "，申请提前至" + to.iso(),
                "an advance is generally at most one year: the term ends " + original_end.iso() +
                    ", so at the earliest " + limit.iso() + ", not " + to.iso()};
  return std::nullopt;
}

std::vector<Alert> size_alerts(std::string_view kind, int full, std::optional<bool> has_committee) {
  std::vector<Alert> out;
  const std::string c = n(full);
  if (kind == "branch") {
    if (full < 3)
      out.push_back({"below-3", "E1",
                     {"正式党员" + c + "名，不足3名：应与邻近单位成立联合党支部或调整组织设置（E1、E2）",
                      c + " full members, fewer than 3: form a joint branch or reorganise (E1, E2)"}});
    if (full >= 7 && has_committee && !*has_committee)
      out.push_back({"committee-needed", "E3",
                     {"正式党员" + c + "名，已达7名：应设立支部委员会（E3）",
                      c + " full members, 7 or more: the branch should set up a committee (E3)"}});
    if (full < 7 && has_committee && *has_committee)
      out.push_back({"committee-below-7", "E3",
                     {"正式党员" + c + "名，不足7名：不设支部委员会，换届时只选书记（副书记）（E3）",
                      c + " full members, fewer than 7: no committee; the next election elects a secretary only (E3)"}});
    if (full >= 100)
      out.push_back({"100-or-more", "E4",
                     {"正式党员" + c + "名，达100名：可考虑成立基层党委（E4）",
                      c + " full members, 100 or more: consider a grassroots Party committee (E4)"}});
    else if (full > 50)
      out.push_back({"above-50", "E1",
                     {"正式党员" + c + "名，超过50名：应考虑分设支部或成立党总支（E1、E4）",
                      c + " full members, more than 50: consider splitting the branch or a general branch (E1, E4)"}});
  } else if (kind == "general") {
    if (full >= 100)
      out.push_back({"100-or-more", "E4",
                     {"党总支正式党员" + c + "名，达100名：可考虑成立基层党委（E4）",
                      "general branch with " + c + " full members, 100 or more: consider a Party committee (E4)"}});
  }
  return out;
}

Tally tally(const std::vector<Vote>& votes, int seats, int base) {
  Tally t;
  t.majority = base / 2 + 1;
  std::vector<Vote> passed;
  for (const auto& v : votes)
    if (2 * v.yes > base) passed.push_back(v);
  std::stable_sort(passed.begin(), passed.end(), [](const Vote& a, const Vote& b) { return a.yes > b.yes; });
  if (static_cast<int>(passed.size()) <= seats) {
    for (const auto& v : passed) t.elected.push_back(v.name);
  } else if (seats > 0) {
    const int cutoff = passed[static_cast<std::size_t>(seats - 1)].yes;
    const bool tie = passed[static_cast<std::size_t>(seats)].yes == cutoff;
    for (const auto& v : passed) {
      if (v.yes > cutoff || (!tie && v.yes == cutoff && static_cast<int>(t.elected.size()) < seats))
        t.elected.push_back(v.name);
      else if (tie && v.yes == cutoff)
        t.tied.push_back(v.name);
    }
  }
  t.missing = seats - static_cast<int>(t.elected.size());
  return t;
}

}  // namespace djflow::workflows::election
