// Decision 0129: derive_case_years, the year-end projection as verify recomputes it and the
// migration builds it (the stores' trigger must agree: tests/cli/case_years_test.cpp).
#include <catch2/catch.hpp>

#include "engine/case_years.hpp"

using djflow::engine::CaseYear;
using djflow::engine::Date;
using djflow::engine::EventRecord;

namespace {

EventRecord ev(std::int64_t seq, const char* date, const char* to) {
  EventRecord e;
  e.case_id = 7;
  e.seq = seq;
  e.date = *Date::parse(date);
  e.to_state = to;
  return e;
}

}  // namespace

TEST_CASE("the year-end projection: each year with an event, the last state up to its end, the states reached, "
          "and whether an earlier-dated event was recorded after a later one",
          "[engine][report]") {
  CHECK(djflow::engine::derive_case_years(7, {}).empty());
  // In date order: one row per year with an event, none for 2022 (no event dated in it).
  const auto in_order = djflow::engine::derive_case_years(
      7, {ev(1, "2021-03-01", "applicant"), ev(2, "2021-05-01", "activist"), ev(3, "2023-02-01", "proposed"),
          ev(4, "2023-03-01", "activist")});
  REQUIRE(in_order.size() == 2);
  CHECK(in_order[0] == CaseYear{7, 2021, "2021-05-01", "activist", ",applicant,activist,", false});
  CHECK(in_order[1] == CaseYear{7, 2023, "2023-03-01", "activist", ",applicant,activist,proposed,", false});
  // Recorded out of date order (a ledger): 2021-06-01 comes after an event dated in 2023, so the
  // rows of 2021 and 2022 are mixed; the last event *in seq order* up to each year's end counts.
  const auto mixed = djflow::engine::derive_case_years(
      7, {ev(1, "2021-01-01", "open"), ev(2, "2023-05-01", "open"), ev(3, "2022-11-01", "open"),
          ev(4, "2021-06-01", "closed")});
  REQUIRE(mixed.size() == 3);
  CHECK(mixed[0] == CaseYear{7, 2021, "2021-06-01", "closed", ",open,closed,", true});
  CHECK(mixed[1] == CaseYear{7, 2022, "2021-06-01", "closed", ",open,closed,", true});
  CHECK(mixed[2] == CaseYear{7, 2023, "2021-06-01", "closed", ",open,closed,", false});
}
