// The election rules as pure functions, each at its boundary (rules.md §2).
#include <catch2/catch.hpp>

#include "workflows/election/election_rules.hpp"

using djflow::engine::Date;
namespace el = djflow::workflows::election;

namespace {
Date D(const char* iso) { return *Date::parse(iso); }
}  // namespace

TEST_CASE("quorum: present x 5 >= (should-attend - excluded) x 4, exactly 4/5 counts (E11, E12)", "[election][rules]") {
  CHECK_FALSE(el::quorum_met(40, 0, 31));
  CHECK(el::quorum_met(40, 0, 32));  // exactly 4/5
  CHECK(el::quorum_needed(40, 0) == 32);
  // Approved exclusions leave the count: 42 should attend, 2 excluded -> 40 -> 32 needed.
  CHECK_FALSE(el::quorum_met(42, 2, 31));
  CHECK(el::quorum_met(42, 2, 32));
  // Rounding up: 41 voters need 33 (32.8).
  CHECK(el::quorum_needed(41, 0) == 33);
  CHECK_FALSE(el::quorum_met(41, 0, 32));
}

TEST_CASE("candidates: at least ceil(seats x 1.2) (E13)", "[election][rules]") {
  CHECK(el::min_nominees(3) == 4);
  CHECK(el::min_nominees(5) == 6);
  CHECK(el::min_nominees(6) == 8);  // 7.2 -> 8
  CHECK(el::min_nominees(7) == 9);  // 8.4 -> 9
}

TEST_CASE("elected: yes votes more than half of the base, exactly half is not enough (E14)", "[election][rules]") {
  const std::vector<el::Vote> votes{{"甲", 21}, {"乙", 20}, {"丙", 40}};
  auto t = el::tally(votes, 3, 40);
  CHECK(t.majority == 21);
  CHECK(t.elected == std::vector<std::string>{"丙", "甲"});
  CHECK(t.missing == 1);
  CHECK(t.tied.empty());
}

TEST_CASE("more qualified than seats: the highest win, a tie at the cut-off needs a revote (E14)", "[election][rules]") {
  SECTION("no tie") {
    auto t = el::tally({{"甲", 30}, {"乙", 25}, {"丙", 28}, {"丁", 22}}, 3, 40);
    CHECK(t.elected == std::vector<std::string>{"甲", "丙", "乙"});
    CHECK(t.missing == 0);
  }
  SECTION("tie at the cut-off") {
    auto t = el::tally({{"甲", 30}, {"乙", 25}, {"丙", 25}, {"丁", 22}}, 2, 40);
    CHECK(t.elected == std::vector<std::string>{"甲"});
    CHECK(t.tied == std::vector<std::string>{"乙", "丙"});
    CHECK(t.missing == 1);
  }
  SECTION("a tie above the cut-off is no problem") {
    auto t = el::tally({{"甲", 30}, {"乙", 30}, {"丙", 25}}, 2, 40);
    CHECK(t.elected == std::vector<std::string>{"甲", "乙"});
    CHECK(t.tied.empty());
  }
}

TEST_CASE("term lengths by kind and locality, with month-end clamping (E7)", "[election][rules]") {
  CHECK(el::default_term_years("committee", "") == 5);
  CHECK(el::default_term_years("general", "") == 3);
  CHECK(el::default_term_years("branch", "") == 3);
  CHECK(el::default_term_years("branch", "village") == 5);
  CHECK(el::default_term_years("general", "community") == 5);
  CHECK(el::term_end(D("2024-02-29"), 3) == D("2027-02-28"));
  CHECK(el::term_end(D("2024-02-29"), 5) == D("2029-02-28"));
  CHECK(el::term_end(D("2023-06-20"), 3) == D("2026-06-20"));
  CHECK_FALSE(el::valid_term_years(2));
  CHECK(el::valid_term_years(3));
  CHECK(el::valid_term_years(5));
  CHECK_FALSE(el::valid_term_years(6));
}

TEST_CASE("postponement and advance stay within one year of the term end (E9)", "[election][rules]") {
  const Date end = D("2026-06-20");
  CHECK_FALSE(el::shift_problem("postpone", end, D("2027-06-20")));  // exactly one year
  CHECK(el::shift_problem("postpone", end, D("2027-06-21")));
  CHECK(el::shift_problem("postpone", end, D("2026-06-20")));        // not a postponement
  CHECK_FALSE(el::shift_problem("advance", end, D("2025-06-20")));
  CHECK(el::shift_problem("advance", end, D("2025-06-19")));
  CHECK(el::shift_problem("advance", end, D("2026-07-01")));
}

TEST_CASE("term-end reminder offsets come from month arithmetic on the due date", "[election][rules]") {
  // 2026-06-30 - 4 months = 2026-02-28 (clamped): 122 days; - 2 months = 04-30: 61; - 1 month = 05-30: 31.
  CHECK(el::lead_offsets(D("2026-06-30"), {4, 2, 1}) == std::vector<int>{-122, -61, -31, 0});
  djflow::engine::Config cfg(std::map<std::string, std::string>{{el::kSettingLeadMonths, "6,1"}});
  CHECK(el::lead_months(cfg) == std::vector<int>{6, 1});
  CHECK(el::lead_months(djflow::engine::Config{}) == std::vector<int>{4, 2, 1});
}

TEST_CASE("size alerts at each threshold (E1-E4)", "[election][rules]") {
  auto codes = [](const std::vector<el::Alert>& v) {
    std::vector<std::string> out;
    for (const auto& a : v) out.push_back(a.code);
    return out;
  };
  CHECK(codes(el::size_alerts("branch", 2, false)) == std::vector<std::string>{"below-3"});
  CHECK(codes(el::size_alerts("branch", 3, false)).empty());
  CHECK(codes(el::size_alerts("branch", 6, false)).empty());
  CHECK(codes(el::size_alerts("branch", 7, false)) == std::vector<std::string>{"committee-needed"});
  CHECK(codes(el::size_alerts("branch", 7, true)).empty());
  CHECK(codes(el::size_alerts("branch", 6, true)) == std::vector<std::string>{"committee-below-7"});
  CHECK(codes(el::size_alerts("branch", 7, std::nullopt)).empty());  // no term recorded: unknown
  CHECK(codes(el::size_alerts("branch", 50, true)).empty());
  CHECK(codes(el::size_alerts("branch", 51, true)) == std::vector<std::string>{"above-50"});
  CHECK(codes(el::size_alerts("branch", 99, true)) == std::vector<std::string>{"above-50"});
  CHECK(codes(el::size_alerts("branch", 100, true)) == std::vector<std::string>{"100-or-more"});
  CHECK(codes(el::size_alerts("general", 100, true)) == std::vector<std::string>{"100-or-more"});
  CHECK(codes(el::size_alerts("general", 99, true)).empty());
}

TEST_CASE("votes and names parse with ASCII or full-width separators", "[election][rules]") {
  auto v = el::parse_votes("张三:30，李四：28、王五 : 7");
  REQUIRE(v);
  REQUIRE(v->size() == 3);
  CHECK((*v)[1].name == "李四");
  CHECK((*v)[1].yes == 28);
  CHECK((*v)[2].name == "王五");
  CHECK_FALSE(el::parse_votes("张三30"));
  CHECK_FALSE(el::parse_votes("张三:-1"));
  CHECK_FALSE(el::parse_names("张三,,李四"));
}
