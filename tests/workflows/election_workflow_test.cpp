// The term and election workflows through the engine: every guard at its boundary, the
// invalid-meeting and supplementary paths, approval renewing the term, E9 moving the term end,
// the term-end reminders on a manual clock, and atomicity of the approval's follow-ups.
#include <catch2/catch.hpp>

#include <algorithm>

#include "election_harness.hpp"
#include "support/faulty_store.hpp"
#include "workflows/election/election_rules.hpp"
#include "workflows/election/election_workflow.hpp"

using namespace djflow::testing;
namespace el = djflow::workflows::election;

namespace {

Inputs vote(int should, int present, const std::string& votes, int issued = -1, int returned = -1) {
  return {{"should-attend", std::to_string(should)},
          {"present", std::to_string(present)},
          {"issued", std::to_string(issued < 0 ? present : issued)},
          {"returned", std::to_string(returned < 0 ? present : returned)},
          {"votes", votes}};
}

std::vector<Deadline> open_of(ElectionFixture& f, CaseId id) { return f.store->open_deadlines(id).value(); }

}  // namespace

TEST_CASE("a committee election needs 7 full members: 7 may, 6 may not (E3)", "[election][guards]") {
  SECTION("7 full members: committee by default") {
    ElectionFixture f(7);
    auto e = f.start_election(f.term("2023-06-20"));
    REQUIRE(e.ok());
    CHECK(e->event.inputs.at("committee") == "yes");
    CHECK(e->event.inputs.at("full-members") == "7");
  }
  SECTION("6 full members: committee refused, secretary only by default") {
    ElectionFixture f(6);
    const CaseId t = f.term("2023-06-20", 3, "no");
    auto refused = f.start_election(t, {{"committee", "yes"}});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().rule == "E3");
    CHECK(refused.error().code == ErrorCode::Refused);
    auto e = f.start_election(t);
    REQUIRE(e.ok());
    CHECK(e->event.inputs.at("committee") == "no");
  }
  SECTION("probationary members do not count") {
    ElectionFixture f(6);
    f.add_member(MemberStatus::Probationary);
    auto e = f.start_election(f.term("2023-06-20"), {{"committee", "yes"}});
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().rule == "E3");
  }
  SECTION("members leaving before the candidate list: refused at candidates") {
    ElectionFixture f(7);
    auto e = f.start_election(f.term("2023-06-20"));
    REQUIRE(e.ok());
    f.at("2026-06-30");
    f.ok(e->c.id, "request", "2026-04-01");
    f.ok(e->c.id, "reply", "2026-04-02");
    f.ok(e->c.id, "nominate", "2026-04-03");
    REQUIRE(f.store->update_person_status(1, MemberStatus::None, std::nullopt).ok());
    f.refused(e->c.id, "candidates", "2026-04-04", {{"seats", "3"}, {"nominees", ElectionFixture::names(4)}}, "E3");
  }
}

TEST_CASE("seats 3 to 7, candidates at least 20% more (E3, E13)", "[election][guards]") {
  ElectionFixture f(9);
  auto e = f.start_election(f.term("2023-06-20"));
  REQUIRE(e.ok());
  const CaseId id = e->c.id;
  f.at("2026-06-30");
  f.ok(id, "request", "2026-04-01");
  f.ok(id, "reply", "2026-04-02");
  f.ok(id, "nominate", "2026-04-03");
  auto cand = [&](int seats, int nominees) -> Inputs {
    return {{"seats", std::to_string(seats)}, {"nominees", ElectionFixture::names(nominees)}};
  };
  f.refused(id, "candidates", "2026-04-04", cand(5, 5), "E13");
  f.refused(id, "candidates", "2026-04-04", cand(3, 3), "E13");
  f.refused(id, "candidates", "2026-04-04", cand(2, 3), "E3");
  f.refused(id, "candidates", "2026-04-04", cand(8, 10), "E3");
  f.refused(id, "candidates", "2026-04-04", cand(7, 8), "E13");
  SECTION("3 seats with 4 candidates") { CHECK(f.ok(id, "candidates", "2026-04-04", cand(3, 4)).c.state == "candidates-submitted"); }
  SECTION("5 seats with 6 candidates") {
    auto o = f.ok(id, "candidates", "2026-04-04", cand(5, 6));
    CHECK(o.event.flags == std::vector<std::string>{"unregistered"});  // 甲, 乙, ... are not in the register
    CHECK(o.event.inputs.at("unregistered") == ElectionFixture::names(6));
  }
  SECTION("7 seats with 9 candidates: accepted and flagged") {
    auto o = f.ok(id, "candidates", "2026-04-04", cand(7, 9));
    CHECK(o.event.flags == std::vector<std::string>{"seats-above-5", "unregistered"});
  }
  SECTION("a name listed twice is invalid input") {
    f.refused(id, "candidates", "2026-04-04", {{"seats", "3"}, {"nominees", "甲,乙,丙,甲"}}, "",
              ErrorCode::InvalidInput);
  }
}

TEST_CASE("a branch without a committee elects a secretary (and deputy) without a margin", "[election][guards]") {
  ElectionFixture f(5);
  auto e = f.start_election(f.term("2023-06-20", 3, "no"));
  REQUIRE(e.ok());
  const CaseId id = e->c.id;
  f.at("2026-06-30");
  f.ok(id, "request", "2026-04-01");
  f.ok(id, "reply", "2026-04-02");
  f.ok(id, "nominate", "2026-04-03");
  f.refused(id, "candidates", "2026-04-04", {{"seats", "3"}, {"nominees", "甲,乙,丙,丁"}}, "E3");
  f.ok(id, "candidates", "2026-04-04", {{"seats", "2"}, {"nominees", "甲,乙"}});
  f.ok(id, "candidates-approved", "2026-04-05");
  CHECK(f.ok(id, "meeting", "2026-05-21", vote(5, 5, "甲:5,乙:4")).c.state == "elected");  // 30 days before the end
  f.ok(id, "officers", "2026-05-21", {{"secretary", "甲"}, {"deputy", "乙"}});
  CHECK(f.ok(id, "report", "2026-05-22").c.state == "reported");
}

TEST_CASE("quorum: 40 should attend, 31 present refused, 32 accepted (E11)", "[election][guards]") {
  ElectionFixture f(9);
  const CaseId id = f.to_candidates_approved(f.term("2023-06-20"), 3, 4);
  auto err = f.refused(id, "meeting", "2026-06-01", vote(40, 31, "甲:31,乙:30,丙:29"), "E11");
  CHECK(err.message.en.find("32") != std::string::npos);
  // Two approved exclusions (E12): 42 should attend, 40 count, 32 is enough.
  auto ex = vote(42, 32, "甲:31,乙:30,丙:29");
  ex["excluded"] = "2";
  CHECK(f.ok(id, "meeting", "2026-06-01", ex).c.state == "elected");
}

TEST_CASE("yes votes: exactly half of should-attend is refused, half + 1 elected (E14)", "[election][guards]") {
  ElectionFixture f(9);
  const CaseId id = f.to_candidates_approved(f.term("2023-06-20"), 3, 4);
  auto o = f.ok(id, "meeting", "2026-06-01", vote(40, 36, "甲:21,乙:20,丙:36,丁:2"));
  CHECK(o.c.state == "shortfall");
  CHECK(o.event.inputs.at("elected") == "丙,甲");
  CHECK(o.event.inputs.at("missing") == "1");
  CHECK(o.event.inputs.at("majority") == "21");
}

TEST_CASE("the 1990 rule counts the majority against those present (setting election.majority)", "[election][guards]") {
  ElectionFixture f(9, {{el::kSettingMajority, "present"}});
  const CaseId id = f.to_candidates_approved(f.term("2023-06-20"), 3, 4);
  auto o = f.ok(id, "meeting", "2026-06-01", vote(40, 36, "甲:19,乙:18,丙:36"));
  CHECK(o.event.rule_version == "1990");
  CHECK(o.event.inputs.at("elected") == "丙,甲");  // 19 > 36/2, 18 is exactly half
}

TEST_CASE("ballots returned more than issued are refused, equal is valid (E17)", "[election][guards]") {
  ElectionFixture f(9);
  const CaseId id = f.to_candidates_approved(f.term("2023-06-20"), 3, 4);
  f.refused(id, "meeting", "2026-06-01", vote(40, 35, "甲:30,乙:30,丙:30", 34, 35), "E17");
  f.refused(id, "meeting", "2026-06-01", vote(40, 35, "甲:30,乙:30,丙:30", 36, 36), "", ErrorCode::InvalidInput);
  f.refused(id, "meeting", "2026-06-01", vote(40, 35, "甲:30,乙:30,戊:30"), "", ErrorCode::InvalidInput);
  CHECK(f.ok(id, "meeting", "2026-06-01", vote(40, 35, "甲:30,乙:30,丙:30", 35, 35)).c.state == "elected");
}

TEST_CASE("invalid meeting: quorum failed, a new meeting follows", "[election][paths]") {
  ElectionFixture f(9);
  const CaseId id = f.to_candidates_approved(f.term("2023-06-20"), 3, 4);
  f.refused(id, "invalid-meeting", "2026-06-01", {{"should-attend", "40"}, {"present", "32"}}, "E11");
  CHECK(f.ok(id, "invalid-meeting", "2026-06-01", {{"should-attend", "40"}, {"present", "31"}}).c.state ==
        "meeting-invalid");
  f.refused(id, "officers", "2026-06-02", {{"secretary", "甲"}});
  CHECK(f.ok(id, "meeting", "2026-06-08", vote(40, 38, "甲:30,乙:30,丙:30")).c.state == "elected");
}

TEST_CASE("shortfall: officers wait for the supplementary vote (E15), then the term renews", "[election][paths]") {
  ElectionFixture f(9);
  const CaseId term = f.term("2023-06-20");
  const CaseId id = f.to_candidates_approved(term, 5, 6);
  // Five of six pass; 己 fails: every seat filled.
  auto o = f.ok(id, "meeting", "2026-06-01", vote(40, 38, "甲:38,乙:30,丙:30,丁:35,戊:36,己:10"));
  CHECK(o.c.state == "elected");
  CHECK(o.event.inputs.at("elected") == "甲,戊,丁,乙,丙");
  SECTION("tie at the cut-off") {
    ElectionFixture g(9);
    const CaseId id2 = g.to_candidates_approved(g.term("2023-06-20"), 3, 4);
    // Four pass for three seats, 丙 and 丁 tie for the third.
    auto t = g.ok(id2, "meeting", "2026-06-01", vote(40, 38, "甲:38,乙:35,丙:30,丁:30"));
    CHECK(t.c.state == "shortfall");
    CHECK(t.event.inputs.at("elected") == "甲,乙");
    CHECK(t.event.inputs.at("tied") == "丙,丁");
    auto err = g.refused(id2, "officers", "2026-06-02", {{"secretary", "甲"}}, "E15");
    CHECK(err.message.en.find("revote") != std::string::npos);
    // The revote among the tied: only the unelected may be named.
    g.refused(id2, "supplementary", "2026-06-01", vote(40, 38, "甲:30,丙:30"), "", ErrorCode::InvalidInput);
    auto s = g.ok(id2, "supplementary", "2026-06-01", vote(40, 38, "丙:25,丁:12"));
    CHECK(s.c.state == "elected");
    CHECK(s.event.inputs.at("elected") == "丙");
    g.ok(id2, "officers", "2026-06-02", {{"secretary", "丙"}});
  }
  SECTION("supplementary vote that again falls short, then consent to stop") {
    ElectionFixture g(9);
    const CaseId id2 = g.to_candidates_approved(g.term("2023-06-20"), 5, 6);
    CHECK(g.ok(id2, "meeting", "2026-06-01", vote(40, 38, "甲:38,乙:30,丙:30,丁:10,戊:5,己:3")).c.state == "shortfall");
    CHECK(g.ok(id2, "supplementary", "2026-06-01", vote(40, 38, "丁:20,戊:21")).c.state == "shortfall");
    g.refused(id2, "accept-shortfall", "2026-06-01", {{"present", "38"}, {"consent", "19"}}, "E15");
    CHECK(g.ok(id2, "accept-shortfall", "2026-06-01", {{"present", "38"}, {"consent", "20"}}).c.state == "elected");
    g.refused(id2, "officers", "2026-06-02", {{"secretary", "丁"}}, "E18");
    g.ok(id2, "officers", "2026-06-02", {{"secretary", "甲"}, {"deputy", "戊"}});
  }
}

TEST_CASE("approval renews the old term and starts the next with its own term-end deadline", "[election][paths]") {
  ElectionFixture f(9);
  const CaseId term = f.term("2023-06-20");
  const CaseId id = f.to_candidates_approved(term, 3, 4);
  f.ok(id, "meeting", "2026-06-08", vote(40, 38, "甲:38,乙:30,丙:30,丁:10"));
  f.refused(id, "report", "2026-06-09", {}, "E18");
  f.refused(id, "officers", "2026-06-09", {{"secretary", "丁"}}, "E18");
  f.ok(id, "officers", "2026-06-09", {{"secretary", "甲"}, {"deputy", "乙"}});
  f.ok(id, "report", "2026-06-10");
  auto o = f.ok(id, "approve", "2026-06-25", {}, "党委〔2026〕9号");
  CHECK(o.c.state == "approved");
  REQUIRE(o.follow_ups.size() == 2);
  CHECK(o.follow_ups[0].c.id == term);
  CHECK(o.follow_ups[0].c.state == "renewed");
  CHECK(f.state(term) == "renewed");
  CHECK(open_of(f, term).empty());
  const CaseId next = o.follow_ups[1].c.id;
  CHECK(o.follow_ups[1].c.workflow == "term");
  CHECK(o.follow_ups[1].event.inputs.at("start") == "2026-06-08");  // the election meeting's day
  CHECK(o.follow_ups[1].event.inputs.at("election") == std::to_string(id));
  auto d = open_of(f, next);
  REQUIRE(d.size() == 1);
  CHECK(d[0].kind == "term-end");
  CHECK(d[0].due == Dt("2029-06-08"));
  {
    const auto rep = f.engine->verify().value();
    for (const auto& p : rep.problems) INFO(p);
    std::string all;
    for (const auto& p : rep.problems) all += p + "\n";
    INFO(all);
    CHECK(rep.ok());
  }
}

TEST_CASE("postpone and advance need approval and stay within a year, the term end moves (E9)", "[election][guards]") {
  ElectionFixture f(9);
  const CaseId term = f.term("2023-06-20");
  auto e = f.start_election(term);
  REQUIRE(e.ok());
  const CaseId id = e->c.id;
  f.refused(id, "postpone", "2026-01-10", {{"to", "2026-12-20"}}, "E9");  // no --ref
  f.refused(id, "postpone", "2026-01-10", {{"to", "2027-06-21"}}, "E9", ErrorCode::Refused, "批复1号");
  f.refused(id, "advance", "2026-01-10", {{"to", "2025-06-19"}}, "E9", ErrorCode::Refused, "批复1号");
  auto o = f.ok(id, "postpone", "2026-01-10", {{"to", "2027-06-20"}}, "批复1号");
  REQUIRE(o.follow_ups.size() == 1);
  auto d = open_of(f, term);
  REQUIRE(d.size() == 1);
  CHECK(d[0].due == Dt("2027-06-20"));
  // The request deadline of the election moves with it (1 month before, E21 default).
  auto r = open_of(f, id);
  REQUIRE(r.size() == 1);
  CHECK(r[0].kind == "request");
  CHECK(r[0].due == Dt("2027-05-20"));
  // A second postponement still counts from the original end.
  f.refused(id, "postpone", "2026-01-10", {{"to", "2027-07-01"}}, "E9", ErrorCode::Refused, "批复2号");
  // Directly on the term case too.
  f.refused(term, "postpone", "2026-01-10", {{"to", "2027-07-01"}}, "E9", ErrorCode::Refused, "批复2号");
  CHECK(f.engine->verify().value().ok());
}

TEST_CASE("term end reminders: 4, 2 and 1 month before, on the day, then monthly while overdue", "[election][timers]") {
  ElectionFixture f(9);
  const CaseId term = f.term("2023-06-30", 3, "yes", "2026-01-10");  // ends 2026-06-30
  auto fired_on = [&](const char* date) {
    f.at(date, 10);
    auto n = f.engine->tick();
    REQUIRE(n.ok());
    return n.value();
  };
  CHECK(fired_on("2026-02-27").empty());
  auto n = fired_on("2026-02-28");  // 2026-06-30 - 4 months (clamped)
  REQUIRE(n.size() == 1);
  CHECK(n[0].case_id == term);
  CHECK(n[0].kind == "term-end");
  CHECK(n[0].days_left == 122);
  CHECK(fired_on("2026-03-01").empty());
  CHECK(fired_on("2026-04-30").size() == 1);
  CHECK(fired_on("2026-05-30").size() == 1);
  CHECK(fired_on("2026-06-29").empty());
  auto due = fired_on("2026-06-30");
  REQUIRE(due.size() == 1);
  CHECK(due[0].days_left == 0);
  CHECK(fired_on("2026-07-29").empty());
  auto overdue = fired_on("2026-07-30");
  REQUIRE(overdue.size() == 1);
  CHECK(overdue[0].days_left == -30);
  CHECK(overdue[0].text.en.find("overdue by 30 days") != std::string::npos);
  CHECK(fired_on("2026-08-28").empty());
  CHECK(fired_on("2026-08-29").size() == 1);
}

TEST_CASE("the lead times and the overdue repeat are settings", "[election][timers]") {
  ElectionFixture f(9, {{el::kSettingLeadMonths, "1"}, {el::kSettingOverdueDays, "7"}});
  f.term("2023-06-30");
  f.at("2026-05-30", 10);
  CHECK(f.engine->tick().value().size() == 1);
  f.at("2026-07-07", 10);
  CHECK(f.engine->tick().value().size() == 1);  // the day itself and +7 collapse into one
}

TEST_CASE("a term is 3 to 5 years (E7) and closes only by renewal or with a reason", "[election][term]") {
  ElectionFixture f(9);
  CaseSubject subj;
  subj.branch = "B1";
  auto bad = f.engine->start("term", subj,
                             StepInput{"begin", Dt("2026-01-10"), {{"start", "2025-01-01"}, {"years", "6"}, {"committee", "yes"}}, "", "", "t"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().rule == "E7");
  const CaseId t = f.term("2025-01-01", 5);
  CHECK(open_of(f, t).at(0).due == Dt("2030-01-01"));
  f.refused(t, "end", "2026-01-10", {}, "", ErrorCode::InvalidInput);
  auto o = f.rec(t, "end", "2026-01-10", {}, "", "并入第二党支部");
  REQUIRE(o.ok());
  CHECK(open_of(f, t).empty());
}

TEST_CASE("an approval that fails at any write leaves both terms and the election unchanged (I1)", "[election][atomicity]") {
  for (int fail_at = 1;; ++fail_at) {
    ElectionFixture f(9);
    const CaseId term = f.term("2023-06-20");
    const CaseId id = f.to_candidates_approved(term, 3, 4);
    f.ok(id, "meeting", "2026-06-08", vote(40, 38, "甲:38,乙:30,丙:30,丁:10"));
    f.ok(id, "officers", "2026-06-09", {{"secretary", "甲"}});
    f.ok(id, "report", "2026-06-10");
    FaultyStore faulty(*f.store, fail_at);
    Engine engine(faulty, f.clock, f.registry);
    REQUIRE(engine.load().ok());
    auto r = engine.record(id, StepInput{"approve", Dt("2026-06-25"), {}, "", "批复", "t"});
    if (r.ok()) {
      CHECK(fail_at > 5);  // the approval, the renewal and the new term each write several rows
      break;
    }
    INFO("fail_at " << fail_at);
    CHECK(f.state(id) == "reported");
    CHECK(f.state(term) == "in-term");
    CaseFilter all;
    all.workflow = "term";
    CHECK(f.store->list_cases(all).value().size() == 1);
    CHECK(open_of(f, term).size() == 1);
    REQUIRE(fail_at < 100);
  }
}

TEST_CASE("restoring an election machine runs no entry action", "[election][fsm]") {
  for (const char* st : {"preparing", "candidates-approved", "shortfall", "elected", "reported", "approved"}) {
    auto p = el::test_restore(st);
    CHECK(p.restored);
    CHECK(p.state == st);
    CHECK(p.entry_actions == 0);
  }
  CHECK(el::test_restore("shortfall").allowed ==
        std::vector<std::string>{"supplementary", "accept-shortfall", "cancel"});
  CHECK(el::test_restore("approved").allowed.empty());
}

TEST_CASE("a registered nominee must be a full member on the meeting date, not only when nominated (E10)", "[election][guards]") {
  ElectionFixture f(9);  // 党员1 .. 党员9 are persons 1 .. 9, full since 2010
  auto e = f.start_election(f.term("2023-06-20"));
  REQUIRE(e.ok());
  const CaseId id = e->c.id;
  f.at("2026-06-30");
  f.ok(id, "request", "2026-04-01");
  f.ok(id, "reply", "2026-04-02");
  f.ok(id, "nominate", "2026-04-03");
  auto o = f.ok(id, "candidates", "2026-05-01", {{"seats", "3"}, {"nominees", "党员1,党员2,党员3,#4"}});
  CHECK(o.event.inputs.at("nominees") == "党员1,党员2,党员3,党员4");
  CHECK(o.event.inputs.at("person-ids") == "党员1:1,党员2:2,党员3:3,党员4:4");
  CHECK(o.event.flags.empty());
  f.ok(id, "candidates-approved", "2026-05-10");
  const auto v = vote(9, 9, "党员1:9,党员2:8,党员3:7,党员4:1");
  SECTION("full only from the day after the meeting: refused; on the meeting day: accepted") {
    REQUIRE(f.store->update_person_status(4, MemberStatus::Full, Dt("2026-06-02")).ok());
    auto err = f.refused(id, "meeting", "2026-06-01", v, "E10");
    CHECK(err.possible_from == Dt("2026-06-02"));
    CHECK(f.ok(id, "meeting", "2026-06-02", v).c.state == "elected");
  }
  SECTION("no longer a member: refused, with no date it becomes possible") {
    REQUIRE(f.store->update_person_status(4, MemberStatus::None, std::nullopt).ok());
    auto err = f.refused(id, "meeting", "2026-06-01", v, "E10");
    CHECK_FALSE(err.possible_from);
  }
}
