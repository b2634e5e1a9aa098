// Issue 8, items 1-9: who may apply (D1), the outcomes at the end of probation decided by the
// meeting and taking effect on the superior's approval (D34, D35), meetings that vote no (D21,
// D22), the oath in an extended probation (D32), working days without holiday data (D13), small
// branches (D29), eligible voters against the register, and late steps that need a reason (D20,
// D27). Each rule at its boundary, both sides.
#include "tests/workflows/member_harness.hpp"

using namespace djflow::testing;

namespace {

djflow::engine::Case member_case(djflow::engine::CaseId id, const char* state) {
  djflow::engine::Case c;
  c.id = id;
  c.workflow = "member";
  c.person = 1;
  c.branch = "B1";
  c.state = state;
  return c;
}

// Probationary from 2021-08-31 (admit), approved 2021-10-01, applied for full membership.
void to_probation_end(Harness& h) {
  h.to_probationary_2014();
  h.ok("apply-full", "2022-08-01");
}

}  // namespace

TEST_CASE("apply: only a non-member without a development case may apply (D1)", "[workflows][member][issue8]") {
  SECTION("a full member is refused, citing the rule") {
    Harness h;
    h.subject.status = MemberStatus::Full;
    h.subject.joined = D("2005-07-01");
    auto e = h.fails("apply", "2026-06-01");
    CHECK(e.rule == "D1");
    CHECK(e.article == "《中国共产党发展党员工作细则》第五条");
    CHECK_THAT(e.message.zh, Catch::Contains("已是正式党员") && Catch::Contains("2005-07-01"));
    CHECK_THAT(e.message.en, Catch::Contains("only a non-member can apply"));
  }
  SECTION("a probationary member is refused") {
    Harness h;
    h.subject.status = MemberStatus::Probationary;
    h.subject.joined = D("2025-07-01");
    CHECK(h.fails("apply", "2026-06-01").rule == "D1");
  }
  SECTION("an open case or a completed one is refused") {
    for (const char* state : {"applicant", "probationary", "conversion-pending", "full"}) {
      Harness h;
      h.directory.add_case(member_case(7, state));
      INFO(state);
      auto e = h.fails("apply", "2026-06-01");
      CHECK(e.rule == "D1");
      CHECK_THAT(e.message.en, Catch::Contains("#7"));
    }
  }
  SECTION("a non-member whose earlier case was withdrawn, rejected or cancelled may apply again") {
    for (const char* state : {"withdrawn", "rejected", "cancelled"}) {
      Harness h;
      h.directory.add_case(member_case(7, state));
      INFO(state);
      CHECK(h.ok("apply", "2026-06-01").to_state == "applicant");
    }
  }
}

TEST_CASE("end of probation: full membership on approval — a refusal goes back to probation (D35)",
          "[workflows][member][issue8]") {
  Harness h;
  to_probation_end(h);
  CHECK(h.ok("convert", "2022-08-31", Harness::vote10(6, 6)).to_state == "conversion-pending");
  SECTION("approved: full member") {
    auto r = h.ok("approve-full", "2022-09-20");
    CHECK(*r.subject_status == MemberStatus::Full);
  }
  SECTION("not approved: back to probation, the refusal in the history, no status change") {
    auto r = h.ok("reject", "2022-09-20", {}, "材料不全");
    CHECK(r.to_state == "probationary");
    CHECK_FALSE(r.subject_status.has_value());
    CHECK(h.history.back().note == "材料不全");
    CHECK(h.ok("convert", "2022-10-10", Harness::vote10(7, 7)).to_state == "conversion-pending");
  }
}

TEST_CASE("end of probation: an extension takes effect on approval (D34)", "[workflows][member][issue8]") {
  Harness h;
  to_probation_end(h);
  CHECK(h.ok("extend", "2022-09-01", Harness::vote10(6, 6, {{"months", "6"}})).to_state == "extension-pending");
  // Decided but not approved: the probation end has not moved, and converting is not possible.
  CHECK(h.fails("convert", "2022-09-02", Harness::vote10(6, 6)).rule.empty());
  SECTION("approved: the probation end moves by the months decided") {
    CHECK(h.ok("approve-extension", "2022-09-20").to_state == "extended");
    CHECK(find_deadline(h.deadlines(), "probation-end")->due == D("2023-02-28"));
    CHECK(h.fails("convert", "2023-02-27", Harness::vote10(6, 6)).rule == "D34");
  }
  SECTION("not approved: back to probation with the original end; the extension can be decided again") {
    CHECK(h.ok("reject", "2022-09-20").to_state == "probationary");
    CHECK(find_deadline(h.deadlines(), "probation-end")->due == D("2022-08-31"));
    CHECK(h.ok("extend", "2022-10-01", Harness::vote10(6, 6, {{"months", "12"}})).to_state == "extension-pending");
  }
}

TEST_CASE("end of probation: a cancellation takes effect on approval — the person is no longer a member",
          "[workflows][member][issue8]") {
  Harness h;
  to_probation_end(h);
  auto decided = h.ok("cancel", "2022-09-01", Harness::vote10(6, 6));
  CHECK(decided.to_state == "cancellation-pending");
  CHECK_FALSE(decided.subject_status.has_value());  // still probationary until approved
  SECTION("approved: status none, joined cleared, the probation period kept on the event") {
    auto r = h.ok("approve-cancel", "2022-09-20");
    CHECK(r.to_state == "cancelled");
    REQUIRE(r.subject_status.has_value());
    CHECK(*r.subject_status == MemberStatus::None);
    CHECK_FALSE(r.subject_joined.has_value());
    CHECK(r.inputs.at("probation-from") == "2021-08-31");
    CHECK(h.wf.closed(h.c.state));
  }
  SECTION("not approved: back to probation") {
    CHECK(h.ok("reject", "2022-09-20").to_state == "probationary");
  }
  SECTION("not approved during an extension: back to the extended probation") {
    h.ok("reject", "2022-09-02");
    h.ok("extend", "2022-09-05", Harness::vote10(6, 6, {{"months", "6"}}));
    h.ok("approve-extension", "2022-09-10");
    h.ok("cancel", "2022-12-01", Harness::vote10(6, 6));
    CHECK(h.ok("reject", "2022-12-20").to_state == "extended");
  }
}

TEST_CASE("oath: allowed in an extended probation, still once (D32)", "[workflows][member][issue8]") {
  Harness h;
  to_probation_end(h);
  h.ok("extend", "2022-09-01", Harness::vote10(6, 6, {{"months", "6"}}));
  h.fails("oath", "2022-09-02");  // not while the extension awaits approval
  h.ok("approve-extension", "2022-09-10");
  CHECK(h.ok("oath", "2022-09-15").to_state == "extended");
  CHECK(h.fails("oath", "2022-09-16").rule == "D32");
  const auto allowed = h.allowed();
  CHECK(std::find(allowed.begin(), allowed.end(), "oath") == allowed.end());
}

TEST_CASE("a quorate meeting that votes no is recorded (D21, D22)", "[workflows][member][issue8]") {
  SECTION("admission: back to candidate with the counts and the result; the branch may try again") {
    Harness h;
    h.to_pre_reviewed_2014();
    CHECK(h.fails("admit", "2021-08-31", Harness::vote10(5, 5)).rule == "D21");  // no quorum: invalid
    auto r = h.ok("admit", "2021-08-31", Harness::vote10(6, 5));                // 5 of 10: not passed
    CHECK(r.to_state == "candidate");
    CHECK(h.flagged("vote-failed"));
    CHECK(r.inputs == Harness::vote(10, 6, 5));
    CHECK(h.deadlines().empty());
    h.ok("pre-review", "2021-10-01");
    CHECK(h.ok("admit", "2021-10-20", Harness::vote10(6, 6)).to_state == "admitted");
    CHECK_FALSE(h.flagged("vote-failed"));
    CHECK(find_deadline(h.deadlines(), "approval")->opened_on == D("2021-10-20"));
  }
  SECTION("full membership: the branch must then decide extension or cancellation") {
    Harness h;
    to_probation_end(h);
    CHECK(h.fails("convert", "2022-08-31", Harness::vote10(5, 5)).rule == "D21");
    auto r = h.ok("convert", "2022-08-31", Harness::vote10(8, 5));
    CHECK(r.to_state == "conversion-failed");
    CHECK(h.flagged("vote-failed"));
    CHECK_FALSE(r.subject_status.has_value());
    CHECK(h.allowed() == std::vector<std::string>{"extend", "cancel"});
    CHECK(h.fails("convert", "2022-09-01", Harness::vote10(8, 8)).rule.empty());
    CHECK(h.ok("extend", "2022-09-10", Harness::vote10(8, 8, {{"months", "6"}})).to_state == "extension-pending");
  }
}

TEST_CASE("publicity in a year without holiday data is accepted and flagged calendar-unknown (D13)",
          "[workflows][member][issue8]") {
  // The calendar knows 2027 (one holiday) but not 2028.
  auto make = [] {
    Harness h(D("1990-05-10"), {{D("2027-10-01"), true, "国庆节"}});
    h.ok("apply", "2026-06-01");
    h.ok("talk", "2026-06-05");
    h.ok("activist", "2026-06-10");
    h.ok("mentors", "2026-06-11", {{"mentors", "3"}});
    h.ok("propose", "2027-12-01");
    h.ok("consent", "2027-12-10");
    return h;
  };
  SECTION("a period inside a covered year: no flag") {
    Harness h = make();
    h.ok("publicize", "2027-12-20", {{"from", "2027-12-13"}, {"to", "2027-12-17"}});
    CHECK(h.last_flags.empty());
  }
  SECTION("a period touching an uncovered year: accepted, flagged") {
    Harness h = make();
    h.ok("publicize", "2028-01-05", {{"from", "2027-12-29"}, {"to", "2028-01-04"}});
    CHECK(h.last_flags == std::vector<std::string>{"calendar-unknown"});
    CHECK_FALSE(h.wf.flag_label("calendar-unknown").zh.empty());
  }
}

TEST_CASE("eligible voters are checked against the register on the meeting date", "[workflows][member][issue8]") {
  Harness h;
  h.to_pre_reviewed_2014();
  SECTION("equal: accepted without a note or a flag") {
    h.ok("admit", "2021-08-31", Harness::vote(10, 6, 6));
    CHECK(h.last_flags.empty());
  }
  SECTION("different: refused without a note, accepted and flagged with one") {
    auto e = h.fails("admit", "2021-08-31", Harness::vote(9, 5, 5));
    CHECK(e.rule == "D21");
    CHECK_THAT(e.message.zh, Catch::Contains("--note") && Catch::Contains("10人"));
    h.ok("admit", "2021-08-31", Harness::vote(9, 5, 5), "王五长期外出，不计入应到人数");
    CHECK(h.last_flags == std::vector<std::string>{"eligible-differs"});
  }
  SECTION("a member joined on the meeting date counts; one who joined the day after does not") {
    h.directory.add(201, "新党员", MemberStatus::Full, D("2021-08-31"));
    h.directory.add(202, "后转正", MemberStatus::Full, D("2021-09-01"));
    h.ok("admit", "2021-08-31", Harness::vote(11, 6, 6));
    CHECK(h.last_flags.empty());
  }
}

TEST_CASE("a branch with fewer than 3 full members: warned and flagged — eligible under 3 refused (D29)",
          "[workflows][member][issue8]") {
  Harness h;
  h.to_pre_reviewed_2014();
  for (djflow::engine::PersonId id : {7, 101, 102, 103, 104, 105, 106, 107}) h.directory.remove(id);
  SECTION("eligible 2: refused") {
    auto e = h.fails("admit", "2021-08-31", Harness::vote(2, 2, 2));
    CHECK(e.rule == "D29");
    CHECK_THAT(e.message.zh, Catch::Contains("不足3人"));
  }
  SECTION("two registered, eligible 3 with a note: accepted, flagged small-branch") {
    h.ok("admit", "2021-08-31", Harness::vote(3, 2, 2), "一名党员组织关系尚未转入");
    CHECK(h.last_flags == std::vector<std::string>{"small-branch", "eligible-differs"});
  }
  SECTION("three registered: not small") {
    h.directory.add(7, "赵六", MemberStatus::Full);
    h.ok("admit", "2021-08-31", Harness::vote(3, 2, 2));
    CHECK(h.last_flags.empty());
  }
}

TEST_CASE("late beyond the soft limit needs a reason (D20, D27)", "[workflows][member][issue8]") {
  SECTION("admission meeting more than one month after the pre-review (2026)") {
    Harness h;
    h.ok("apply", "2026-06-01");
    h.ok("talk", "2026-06-05");
    h.ok("activist", "2026-06-10");
    h.ok("mentors", "2026-06-11", {{"mentors", "3"}});
    h.ok("propose", "2027-06-10");
    h.ok("consent", "2027-06-15");
    h.ok("publicize", "2027-06-30", {{"from", "2027-06-16"}, {"to", "2027-06-22"}});
    h.ok("sponsors", "2027-07-01", {{"sponsors", "3,5"}});
    h.ok("political-review", "2027-07-01", {{"result", "pass"}});
    h.ok("training", "2027-07-01", {{"hours", "32"}});
    h.ok("pre-review", "2027-07-05");
    auto e = h.fails("admit", "2027-08-06", Harness::vote10(6, 6));
    CHECK(e.rule == "D20");
    CHECK(e.article == "《中国共产党发展党员工作细则》第十九条");
    SECTION("on the last day: no note needed") { h.ok("admit", "2027-08-05", Harness::vote10(6, 6)); }
    SECTION("a day later with a reason") {
      h.ok("admit", "2027-08-06", Harness::vote10(6, 6), "暑假期间党员分散，会议推迟");
      CHECK(h.history.back().note == "暑假期间党员分散，会议推迟");
    }
  }
  SECTION("approval between 3 and 6 months after the admission meeting") {
    Harness h;
    h.to_admitted_2014("2021-08-31");
    h.ok("interview", "2021-09-10");
    SECTION("on admit + 3 months: no note needed") { h.ok("approve", "2021-11-30"); }
    SECTION("a day later: refused without a reason, accepted with one") {
      auto e = h.fails("approve", "2021-12-01");
      CHECK(e.rule == "D27");
      CHECK_THAT(e.message.en, Catch::Contains("--note"));
      h.ok("approve", "2021-12-01", {}, "党委会议延期（特殊情况）");
    }
    SECTION("beyond 6 months even a reason does not help") {
      CHECK(h.fails("approve", "2022-03-01", {}, ErrorCode::Refused, "理由").rule == "D27");
    }
  }
}
