// Conformance (issue 11 §5): the counts the web overview reads instead of the rows — cases per
// (branch, workflow, state) and open deadlines — agree with the listings they stand for, and an
// organisation-set filter (a user's subtree) keeps out every other organisation's cases.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <tuple>

#include "storage/conformance/seed.hpp"
#include "support/test_db.hpp"

using namespace djflow;
using storage::test::at;
using storage::test::day;
using storage::test::must;
using storage::test::seed_branch;
using storage::test::seed_case;

namespace {

using Key = std::tuple<std::string, std::string, std::string>;  // branch, workflow, state

// The counts of the listed cases, as count_cases should give them.
std::map<Key, std::int64_t> counted_by_hand(engine::Store& s, const engine::CaseFilter& f) {
  std::map<Key, std::int64_t> out;
  for (const auto& c : must(s.list_cases(f))) ++out[{c.branch, c.workflow, c.state}];
  return out;
}

std::map<Key, std::int64_t> counted_by_store(engine::Store& s, const engine::CaseFilter& f) {
  std::map<Key, std::int64_t> out;
  std::vector<Key> order;
  for (const auto& n : must(s.count_cases(f))) {
    CHECK(n.count > 0);
    out[{n.branch, n.workflow, n.state}] += n.count;
    order.emplace_back(n.branch, n.workflow, n.state);
  }
  CHECK(std::is_sorted(order.begin(), order.end()));
  CHECK(out.size() == order.size());  // one row per group
  return out;
}

engine::CaseId seed_in_state(engine::Store& s, const std::string& branch, const std::string& workflow,
                             const std::string& state) {
  if (workflow != "member") {
    // seed_case inserts a member case; other workflows are inserted here.
    engine::Case c;
    c.workflow = workflow;
    c.branch = branch;
    c.title = "整改事项";
    c.state = state;
    c.created_at = at(1700000100);
    c.updated_at = c.created_at;
    return must(s.insert_case(c));
  }
  const auto id = seed_case(s, branch);
  if (state != "applied") must(s.update_case(id, 0, state, "h1", at(1700000200)));
  return id;
}

engine::Deadline deadline(engine::CaseId id, engine::Date due, bool milestone) {
  engine::Deadline d;
  d.case_id = id;
  d.kind = milestone ? "eligible" : "talk";
  d.due = due;
  d.opened_on = day(2026, 1, 1);
  d.milestone = milestone;
  return d;
}

}  // namespace

TEST_CASE("conformance: count_cases counts the listed cases per branch, workflow and state, within an "
          "organisation set",
          "[conformance][history][counts]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "C1");
  seed_branch(*s, "B1", "C1");
  seed_branch(*s, "B2", "C1");
  seed_branch(*s, "C2");
  seed_branch(*s, "B3", "C2");
  // B1: 3 applied, 2 activist; B2: 1 activist, 1 rectify; B3 (another committee): 4 applied.
  for (int i = 0; i < 3; ++i) seed_in_state(*s, "B1", "member", "applied");
  for (int i = 0; i < 2; ++i) seed_in_state(*s, "B1", "member", "activist");
  seed_in_state(*s, "B2", "member", "activist");
  seed_in_state(*s, "B2", "rectify", "open");
  for (int i = 0; i < 4; ++i) seed_in_state(*s, "B3", "member", "applied");

  SECTION("every case, and one workflow") {
    engine::CaseFilter all;
    CHECK(counted_by_store(*s, all) == counted_by_hand(*s, all));
    engine::CaseFilter member;
    member.workflow = "member";
    const auto m = counted_by_store(*s, member);
    CHECK(m == counted_by_hand(*s, member));
    CHECK(m.at({"B1", "member", "applied"}) == 3);
    CHECK(m.at({"B1", "member", "activist"}) == 2);
    CHECK(m.at({"B3", "member", "applied"}) == 4);
    CHECK(m.count({"B2", "rectify", "open"}) == 0);
  }
  SECTION("a subtree sees only its own organisations") {
    engine::CaseFilter c1;
    c1.branches = std::vector<std::string>{"C1", "B1", "B2"};
    const auto m = counted_by_store(*s, c1);
    CHECK(m == counted_by_hand(*s, c1));
    for (const auto& [k, n] : m) CHECK(std::get<0>(k) != "B3");
    std::int64_t total = 0;
    for (const auto& [k, n] : m) total += n;
    CHECK(total == 7);
    // A secretary of B1 sees B1 only, not its sibling B2.
    engine::CaseFilter b1;
    b1.branches = std::vector<std::string>{"B1"};
    b1.workflow = "member";
    const auto only = counted_by_store(*s, b1);
    CHECK(only == counted_by_hand(*s, b1));
    CHECK(only == std::map<Key, std::int64_t>{{{"B1", "member", "activist"}, 2}, {{"B1", "member", "applied"}, 3}});
    for (const auto& c : must(s->list_cases(b1))) CHECK(c.branch == "B1");
  }
  SECTION("states, an empty set and a limit") {
    engine::CaseFilter f;
    f.states = std::vector<std::string>{"activist"};
    f.limit = 1;  // ignored by the count
    const auto m = counted_by_store(*s, f);
    CHECK(m == std::map<Key, std::int64_t>{{{"B1", "member", "activist"}, 2}, {{"B2", "member", "activist"}, 1}});
    engine::CaseFilter none;
    none.branches = std::vector<std::string>{};
    CHECK(must(s->count_cases(none)).empty());
    CHECK(must(s->list_cases(none)).empty());
    engine::CaseFilter unknown;
    unknown.branches = std::vector<std::string>{"NOPE"};
    CHECK(must(s->count_cases(unknown)).empty());
  }
}

TEST_CASE("conformance: count_open_deadlines counts what list_open_deadlines lists, within an organisation set",
          "[conformance][schedule][counts]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "C1");
  seed_branch(*s, "B1", "C1");
  seed_branch(*s, "B2");
  const auto a = seed_case(*s, "B1");
  const auto b = seed_case(*s, "B1");
  const auto c = seed_case(*s, "B2");
  must(s->insert_deadline(deadline(a, day(2026, 3, 1), false)));
  must(s->insert_deadline(deadline(a, day(2026, 3, 5), true)));
  must(s->insert_deadline(deadline(b, day(2026, 4, 1), false)));
  const auto closed = must(s->insert_deadline(deadline(b, day(2026, 2, 1), false)));
  must(s->close_deadline(closed, day(2026, 1, 20)));
  must(s->insert_deadline(deadline(c, day(2026, 3, 2), false)));

  auto check = [&](engine::DeadlineFilter f, std::int64_t expected) {
    INFO("expected " << expected);
    const auto n = must(s->count_open_deadlines(f));
    CHECK(n == expected);
    f.limit = 0;
    CHECK(static_cast<std::int64_t>(must(s->list_open_deadlines(f)).size()) == n);
  };
  engine::DeadlineFilter f;
  check(f, 4);
  f.limit = 1;  // ignored by the count
  check(f, 4);
  CHECK(must(s->list_open_deadlines(f)).size() == 1);
  f.due_on_or_before = day(2026, 3, 31);
  check(f, 3);
  f.skip_milestones = true;
  check(f, 2);
  f.branches = std::vector<std::string>{"C1", "B1"};
  check(f, 1);
  for (const auto& r : must(s->list_open_deadlines(f))) CHECK(r.c.branch == "B1");
  f.branches = std::vector<std::string>{"B2"};
  check(f, 1);
  f.branches = std::vector<std::string>{};
  check(f, 0);
}
