// Every hard guard of the member workflow, passing and failing at its boundary (rules.md D1-D41).
#include "tests/workflows/member_harness.hpp"

#include <stdexcept>

using namespace djflow::testing;

TEST_CASE("apply: the applicant must be 18 on the date (D1)", "[workflows][member][guards]") {
  SECTION("the day before the 18th birthday is refused, the birthday is accepted") {
    Harness h(D("2008-03-15"));
    auto e = h.fails("apply", "2026-03-14");
    CHECK(e.rule == "D1");
    CHECK(e.article == "《中国共产党发展党员工作细则》第五条");
    REQUIRE(e.possible_from.has_value());
    CHECK(*e.possible_from == D("2026-03-15"));
    CHECK_THAT(e.message.en, Catch::Contains("张三") && Catch::Contains("possible from 2026-03-15"));
    CHECK_THAT(e.message.zh, Catch::Contains("递交入党申请书") && Catch::Contains("最早可于2026-03-15办理"));
    auto r = h.ok("apply", "2026-03-15");
    CHECK(r.to_state == "applicant");
    CHECK(r.rule_version == "2014");
  }
  SECTION("born on 29 February: the 18th birthday clamps to 28 February") {
    Harness h(D("2008-02-29"));
    auto e = h.fails("apply", "2026-02-27");
    CHECK(*e.possible_from == D("2026-02-28"));
    h.ok("apply", "2026-02-28");
  }
  SECTION("without a person as subject the input is invalid") {
    Harness h;
    djflow::engine::StepInput in{"apply", D("2026-06-01"), {}, "", "", "t"};
    djflow::engine::CaseContext ctx{h.c, h.history, nullptr, h.directory, h.calendar, h.config};
    auto r = h.wf.apply(ctx, in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::InvalidInput);
  }
}

TEST_CASE("a new case accepts only apply or register-probationary — an existing case never apply", "[workflows][member][guards]") {
  Harness h;
  CHECK(h.allowed() == std::vector<std::string>{"apply", "register-probationary"});
  auto e = h.fails("talk", "2020-03-01");
  CHECK_THAT(e.message.en, Catch::Contains("talk") && Catch::Contains("allowed now: apply"));
  h.ok("递交入党申请书", "2020-03-01");  // the Chinese step name is an alias
  auto again = h.fails("apply", "2020-03-02");
  CHECK_THAT(again.message.en, Catch::Contains("'applicant'"));
}

TEST_CASE("activist: the talk must be recorded first (D5)", "[workflows][member][guards]") {
  Harness h;
  h.ok("apply", "2020-03-01");
  auto e = h.fails("activist", "2020-04-01");
  CHECK(e.rule == "D5");
  CHECK_FALSE(e.possible_from.has_value());
  h.ok("谈话", "2020-03-20");
  CHECK(h.ok("activist", "2020-04-01").to_state == "activist");
}

TEST_CASE("mentors: one or two distinct full members, not the person (D7)", "[workflows][member][guards]") {
  Harness h;
  h.to_activist();
  CHECK(h.fails("mentors", "2020-06-10", {{"mentors", "8"}}).rule == "D7");  // probationary
  CHECK_THAT(h.fails("mentors", "2020-06-10", {{"mentors", "3,9"}}).message.en,
             Catch::Contains("孙八") && Catch::Contains("not a Party member"));
  CHECK(h.fails("mentors", "2020-06-10", {{"mentors", "3,3"}}).rule == "D7");
  CHECK(h.fails("mentors", "2020-06-10", {{"mentors", "3,5,7"}}).rule == "D7");
  CHECK(h.fails("mentors", "2020-06-10", {{"mentors", "1"}}).rule == "D7");  // the subject
  auto unknown = h.fails("mentors", "2020-06-10", {{"mentors", "99"}}, ErrorCode::InvalidInput);
  CHECK_THAT(unknown.message.en, Catch::Contains("99"));
  h.fails("mentors", "2020-06-10", {{"mentors", "abc"}}, ErrorCode::InvalidInput);
  h.fails("mentors", "2020-06-10", {{"mentors", "3,"}}, ErrorCode::InvalidInput);
  h.fails("mentors", "2020-06-10", {{"mentors", ""}}, ErrorCode::InvalidInput);
  h.fails("mentors", "2020-06-10", {}, ErrorCode::InvalidInput);
  auto bad_key = h.fails("mentors", "2020-06-10", {{"mentor", "3"}}, ErrorCode::InvalidInput);
  CHECK_THAT(bad_key.message.en, Catch::Contains("mentor") && Catch::Contains("expected mentors=ID[,ID]"));

  auto one = h.ok("mentors", "2020-06-10", {{"mentors", "7"}});
  CHECK(one.inputs.at("mentors") == "7");
  auto two = h.ok("指定培养联系人", "2020-06-11", {{"mentors", "5, 3"}});
  CHECK(two.inputs.at("mentors") == "3,5");
  CHECK(two.to_state == "activist");
}

TEST_CASE("propose: at least one year as an activist and mentors assigned (D12)", "[workflows][member][guards]") {
  SECTION("activist+1y-1d is refused with the date it becomes possible; +1y is accepted") {
    Harness h;
    h.to_activist("2023-01-01", "2023-01-10", "2023-03-01");
    h.ok("mentors", "2023-03-10", {{"mentors", "3"}});
    auto e = h.fails("propose", "2024-02-29");
    CHECK(e.rule == "D12");
    CHECK(e.article == "《中国共产党发展党员工作细则》第十三条");
    REQUIRE(e.possible_from.has_value());
    CHECK(*e.possible_from == D("2024-03-01"));
    CHECK(e.message.en ==
          "propose: 张三 has been an activist since 2023-03-01; at least one year is required "
          "(《中国共产党发展党员工作细则》第十三条, D12); possible from 2024-03-01");
    CHECK(e.message.zh ==
          "确定发展对象：张三自2023-03-01起为入党积极分子，需经过一年以上培养考察（《中国共产党发展党员工作细则》第十三条）；"
          "最早可于2024-03-01办理");
    auto r = h.ok("propose", "2024-03-01");
    CHECK(r.to_state == "candidate");  // 2014 rules: filing, no consent or publicity
    CHECK(r.rule_version == "2014");
  }
  SECTION("month-end: activist on 2024-01-31 becomes eligible on 2025-01-31") {
    Harness h;
    h.to_activist("2023-12-01", "2023-12-15", "2024-01-31");
    h.ok("mentors", "2024-02-01", {{"mentors", "3"}});
    CHECK(*h.fails("propose", "2025-01-30").possible_from == D("2025-01-31"));
    h.ok("propose", "2025-01-31");
  }
  SECTION("without mentors the proposal is refused") {
    Harness h;
    h.to_activist();
    auto e = h.fails("propose", "2021-06-01");
    CHECK(e.rule == "D12");
    CHECK_THAT(e.message.en, Catch::Contains("mentors"));
  }
}

TEST_CASE("rule versions: each step is judged by the rules in force on its date", "[workflows][member][versions]") {
  SECTION("propose on 2026-05-10 (2014 rules) makes a candidate") {
    Harness h;
    h.to_activist("2025-01-01", "2025-01-10", "2025-02-01");
    h.ok("mentors", "2025-02-10", {{"mentors", "3,5"}});
    auto r = h.ok("propose", "2026-05-10");
    CHECK(r.to_state == "candidate");
    CHECK(r.rule_version == "2014");
    CHECK(h.allowed() == std::vector<std::string>{"sponsors", "political-review", "training", "pre-review", "withdraw"});
  }
  SECTION("propose on 2026-05-11 (2026 rules) needs consent and publicity") {
    Harness h;
    h.to_activist("2025-01-01", "2025-01-10", "2025-02-01");
    h.ok("mentors", "2025-02-10", {{"mentors", "3,5"}});
    auto r = h.ok("propose", "2026-05-11");
    CHECK(r.to_state == "proposed");
    CHECK(r.rule_version == "2026");
    CHECK(h.allowed() == std::vector<std::string>{"consent", "withdraw"});
    SECTION("consent judged under the 2014 rules is refused (D13)") {
      auto e = h.fails("consent", "2026-05-10");
      CHECK(e.rule == "D13");
      CHECK(*e.possible_from == D("2026-05-11"));
    }
    SECTION("consent under the 2026 rules opens the publicity") {
      CHECK(h.ok("上级党委同意", "2026-05-20").to_state == "publicity");
    }
  }
}

TEST_CASE("publicize: at least 5 working days, inclusive, after consent (D13)", "[workflows][member][guards]") {
  // 2027-07-14 (Wednesday) is a day off; 2027-07-17 (Saturday) a make-up working day in one variant.
  std::vector<djflow::engine::HolidayRow> rows{{D("2027-07-14"), true, "test holiday"}};
  Harness h(D("1990-05-10"), rows);
  h.to_activist("2026-06-01", "2026-06-15", "2026-07-01");
  h.ok("mentors", "2026-07-10", {{"mentors", "3,5"}});
  h.ok("propose", "2027-07-01");
  h.ok("consent", "2027-07-09");

  SECTION("Mon-Fri with a holiday in the span is 4 working days: refused, possible from Monday") {
    auto e = h.fails("publicize", "2027-07-19", {{"from", "2027-07-12"}, {"to", "2027-07-16"}});
    CHECK(e.rule == "D13");
    CHECK(*e.possible_from == D("2027-07-19"));
    CHECK_THAT(e.message.en, Catch::Contains("4 working days"));
    auto r = h.ok("公示", "2027-07-19", {{"from", "2027-07-12"}, {"to", "2027-07-19"}});
    CHECK(r.to_state == "candidate");
    CHECK(r.inputs == Inputs{{"from", "2027-07-12"}, {"to", "2027-07-19"}});
  }
  SECTION("the period must start on or after the consent and end by the step date") {
    CHECK(h.fails("publicize", "2027-07-19", {{"from", "2027-07-08"}, {"to", "2027-07-19"}}).rule == "D13");
    auto e = h.fails("publicize", "2027-07-16", {{"from", "2027-07-12"}, {"to", "2027-07-19"}});
    CHECK(*e.possible_from == D("2027-07-19"));
  }
  SECTION("malformed periods are invalid input") {
    h.fails("publicize", "2027-07-19", {{"from", "2027-07-12"}}, ErrorCode::InvalidInput);
    h.fails("publicize", "2027-07-19", {{"from", "2027-07-12"}, {"to", "2027-02-30"}}, ErrorCode::InvalidInput);
    h.fails("publicize", "2027-07-19", {{"from", "2027-07-19"}, {"to", "2027-07-12"}}, ErrorCode::InvalidInput);
    h.fails("publicize", "2027-07-19", {{"from", "2027-07-12"}, {"to", "2027-07-19"}, {"days", "5"}},
            ErrorCode::InvalidInput);
  }
}

TEST_CASE("publicize: a make-up working day counts", "[workflows][member][guards]") {
  std::vector<djflow::engine::HolidayRow> rows{{D("2027-07-14"), true, "off"}, {D("2027-07-17"), false, "调休"}};
  Harness h(D("1990-05-10"), rows);
  h.to_activist("2026-06-01", "2026-06-15", "2026-07-01");
  h.ok("mentors", "2026-07-10", {{"mentors", "3,5"}});
  h.ok("propose", "2027-07-01");
  h.ok("consent", "2027-07-09");
  // Mon 12, Tue 13, Thu 15, Fri 16, Sat 17 (make-up) = 5 working days.
  h.ok("publicize", "2027-07-17", {{"from", "2027-07-12"}, {"to", "2027-07-17"}});
}

TEST_CASE("sponsors: exactly two distinct full members, not the person (D14)", "[workflows][member][guards]") {
  Harness h;
  h.to_candidate_2014();
  CHECK(h.fails("sponsors", "2021-06-10", {{"sponsors", "3"}}).rule == "D14");
  CHECK(h.fails("sponsors", "2021-06-10", {{"sponsors", "3,5,7"}}).rule == "D14");
  CHECK(h.fails("sponsors", "2021-06-10", {{"sponsors", "5,5"}}).rule == "D14");
  CHECK(h.fails("sponsors", "2021-06-10", {{"sponsors", "3,8"}}).rule == "D14");
  CHECK(h.fails("sponsors", "2021-06-10", {{"sponsors", "1,3"}}).rule == "D14");
  h.fails("sponsors", "2021-06-10", {{"sponsors", "3,x"}}, ErrorCode::InvalidInput);
  h.fails("sponsors", "2021-06-10", {{"sponsors", "3,98"}}, ErrorCode::InvalidInput);
  CHECK(h.ok("sponsors", "2021-06-10", {{"sponsors", "7,3"}}).inputs.at("sponsors") == "3,7");
}

TEST_CASE("political review, training and pre-review (D16-D19)", "[workflows][member][guards]") {
  Harness h;
  h.to_candidate_2014();
  h.fails("political-review", "2021-06-20", {{"result", "maybe"}}, ErrorCode::InvalidInput);
  h.fails("political-review", "2021-06-20", {}, ErrorCode::InvalidInput);

  CHECK(h.fails("pre-review", "2021-07-01").rule == "D14");  // no sponsors yet
  h.ok("sponsors", "2021-06-10", {{"sponsors", "3,5"}});
  CHECK(h.fails("pre-review", "2021-07-01").rule == "D16");  // no political review
  CHECK(h.ok("政审", "2021-06-20", {{"result", "fail"}}).to_state == "candidate");  // a failure is recorded
  auto failed = h.fails("pre-review", "2021-07-01");
  CHECK(failed.rule == "D16");
  CHECK_THAT(failed.message.en, Catch::Contains("did not pass"));
  h.ok("political-review", "2021-06-25", {{"result", "pass"}});
  CHECK(h.fails("pre-review", "2021-07-01").rule == "D17");  // no training

  CHECK(h.fails("training", "2021-06-26", {{"days", "2"}}).rule == "D17");
  CHECK(h.fails("training", "2021-06-26", {{"hours", "23"}}).rule == "D17");
  CHECK(h.fails("training", "2021-06-26", {{"days", "2"}, {"hours", "20"}}).rule == "D17");
  h.fails("training", "2021-06-26", {{"days", "three"}}, ErrorCode::InvalidInput);
  h.fails("training", "2021-06-26", {{"hours", "-24"}}, ErrorCode::InvalidInput);
  h.fails("training", "2021-06-26", {}, ErrorCode::InvalidInput);
  h.ok("training", "2021-06-26", {{"hours", "24"}});
  h.ok("training", "2021-06-27", {{"days", "3"}});

  CHECK(h.fails("pre-review", "2021-07-01", {{"leaving", "yes"}}).rule == "D19");
  h.fails("pre-review", "2021-07-01", {{"leaving", "maybe"}}, ErrorCode::InvalidInput);
  auto r = h.ok("pre-review", "2021-07-01", {{"leaving", "no"}});
  CHECK(r.to_state == "pre-reviewed");
}

TEST_CASE("admit: quorum and majority of the eligible voting members (D21, D22)", "[workflows][member][guards]") {
  Harness h;
  h.to_pre_reviewed_2014();
  auto quorum = h.fails("admit", "2021-08-31", Harness::vote(10, 5, 5));
  CHECK(quorum.rule == "D21");
  CHECK(quorum.article == "2014年《中国共产党发展党员工作细则》第二十条");
  h.fails("admit", "2021-08-31", Harness::vote(10, 11, 6), ErrorCode::InvalidInput);  // present > eligible
  h.fails("admit", "2021-08-31", Harness::vote(10, 6, 11), ErrorCode::InvalidInput);  // yes > eligible
  h.fails("admit", "2021-08-31", Harness::vote(0, 0, 0), ErrorCode::InvalidInput);
  h.fails("admit", "2021-08-31", {{"eligible", "10"}, {"present", "6"}}, ErrorCode::InvalidInput);
  h.fails("admit", "2021-08-31", {{"eligible", "ten"}, {"present", "6"}, {"yes", "6"}}, ErrorCode::InvalidInput);
  // Written opinions of absent members count: yes may exceed present.
  auto r = h.ok("admit", "2021-08-31", Harness::vote(10, 6, 7));
  CHECK(r.to_state == "admitted");
  CHECK(r.inputs == Harness::vote(10, 6, 7));
}

TEST_CASE("admit: six present and six yes of ten pass", "[workflows][member][guards]") {
  Harness h;
  h.to_pre_reviewed_2014();
  h.ok("admit", "2021-08-31", {{"eligible", "10"}, {"present", "06"}, {"yes", "6"}});
  CHECK(h.history.back().inputs.at("present") == "6");  // normalised
}

TEST_CASE("approve: interview recorded, at most six months after admit (D25, D27)", "[workflows][member][guards]") {
  Harness h;
  h.to_admitted_2014("2021-08-31");
  CHECK(h.fails("approve", "2021-10-01").rule == "D25");
  h.ok("interview", "2021-09-10");
  SECTION("admit + 6 months + 1 day is refused, with no date it becomes possible") {
    auto e = h.fails("approve", "2022-03-01");  // 2021-08-31 + 6 months = 2022-02-28
    CHECK(e.rule == "D27");
    CHECK_FALSE(e.possible_from.has_value());
    CHECK_THAT(e.message.en, Catch::Contains("until 2022-02-28"));
  }
  SECTION("admit + 6 months is accepted; the person becomes a probationary member") {
    auto r = h.ok("approve", "2022-02-28", {}, "特殊情况");  // beyond 3 months: a reason (D27)
    CHECK(r.to_state == "probationary");
    REQUIRE(r.subject_status.has_value());
    CHECK(*r.subject_status == MemberStatus::Probationary);
    CHECK(r.subject_joined == D("2021-08-31"));
  }
  SECTION("reject closes the case") {
    auto r = h.ok("reject", "2021-10-01");
    CHECK(r.to_state == "rejected");
    CHECK_FALSE(r.subject_status.has_value());
    CHECK(h.wf.closed("rejected"));
    CHECK(h.allowed().empty());
    auto e = h.fails("approve", "2021-10-02");
    CHECK_THAT(e.message.en, Catch::Contains("none (the case is closed)"));
  }
}

TEST_CASE("oath: in probation only, once (D32)", "[workflows][member][guards]") {
  Harness h;
  h.to_admitted_2014();
  auto early = h.fails("oath", "2021-09-05");
  CHECK_THAT(early.message.en, Catch::Contains("'admitted'") && Catch::Contains("allowed now: interview, approve, reject, withdraw"));
  CHECK_THAT(early.message.zh, Catch::Contains("支部党员大会已通过接收"));
  h.ok("interview", "2021-09-10");
  h.ok("approve", "2021-10-01");
  CHECK(h.ok("入党宣誓", "2021-10-15").to_state == "probationary");
  CHECK(h.fails("oath", "2021-10-16").rule == "D32");
}

TEST_CASE("convert: application, probation end, quorum and majority (D33, D35)", "[workflows][member][guards]") {
  Harness h;
  h.to_probationary_2014();  // admitted 2021-08-31: probation ends 2022-08-31
  CHECK(h.fails("convert", "2022-09-01", Harness::vote(10, 6, 6)).rule == "D35");
  h.ok("apply-full", "2022-08-01");
  auto early = h.fails("convert", "2022-08-30", Harness::vote(10, 6, 6));
  CHECK(early.rule == "D33");
  CHECK(*early.possible_from == D("2022-08-31"));
  CHECK(h.fails("convert", "2022-08-31", Harness::vote(10, 5, 5)).rule == "D21");
  CHECK(h.ok("转正", "2022-08-31", Harness::vote(10, 6, 6)).to_state == "conversion-pending");
  auto full = h.ok("approve-full", "2022-10-10");
  CHECK(full.to_state == "full");
  CHECK(*full.subject_status == MemberStatus::Full);
  CHECK(full.subject_joined == D("2022-08-31"));  // 党龄 from the end of probation (D37)
}

TEST_CASE("extend: 6 to 12 months, decided by the meeting, approved, once (D34)", "[workflows][member][guards]") {
  Harness h;
  h.to_probationary_2014();
  CHECK(h.fails("extend", "2022-09-01", Harness::vote10(6, 6, {{"months", "5"}})).rule == "D34");
  CHECK(h.fails("extend", "2022-09-01", Harness::vote10(6, 6, {{"months", "13"}})).rule == "D34");
  h.fails("extend", "2022-09-01", Harness::vote10(6, 6, {{"months", "six"}}), ErrorCode::InvalidInput);
  h.fails("extend", "2022-09-01", {{"months", "6"}}, ErrorCode::InvalidInput);  // the vote is required
  h.fails("extend", "2022-09-01", {}, ErrorCode::InvalidInput);
  CHECK(h.fails("extend", "2022-09-01", Harness::vote10(5, 5, {{"months", "6"}})).rule == "D21");
  CHECK(h.fails("extend", "2022-09-01", Harness::vote10(6, 5, {{"months", "6"}})).rule == "D22");
  SECTION("12 months is decided; nothing moves until the approval") {
    CHECK(h.ok("extend", "2022-09-01", Harness::vote10(6, 6, {{"months", "12"}})).to_state == "extension-pending");
    CHECK(h.ok("approve-extension", "2022-09-20").to_state == "extended");
  }
  SECTION("6 months moves the probation end on approval, and cannot be repeated") {
    CHECK(h.ok("延长预备期", "2022-09-01", Harness::vote10(6, 6, {{"months", "6"}})).to_state == "extension-pending");
    CHECK(h.ok("审批延长预备期", "2022-09-15").to_state == "extended");
    auto twice = h.fails("extend", "2022-10-01", Harness::vote10(6, 6, {{"months", "6"}}));
    CHECK(twice.rule == "D34");
    CHECK_THAT(twice.message.en, Catch::Contains("only once"));
    h.ok("apply-full", "2023-01-10");
    auto early = h.fails("convert", "2023-02-27", Harness::vote(10, 6, 6));
    CHECK(early.rule == "D34");
    CHECK(*early.possible_from == D("2023-02-28"));  // 2021-08-31 + 1y = 2022-08-31, + 6m = 2023-02-28
    h.ok("convert", "2023-02-28", Harness::vote(10, 6, 6));
    CHECK(h.ok("approve-full", "2023-03-10").subject_joined == D("2023-02-28"));
  }
  SECTION("cancel from extended, on approval") {
    h.ok("extend", "2022-09-01", Harness::vote10(6, 6, {{"months", "6"}}));
    h.ok("approve-extension", "2022-09-15");
    CHECK(h.ok("取消预备党员资格", "2022-12-01", Harness::vote10(6, 6)).to_state == "cancellation-pending");
    CHECK(h.ok("approve-cancel", "2022-12-20").to_state == "cancelled");
    CHECK(h.wf.closed("cancelled"));
  }
}

TEST_CASE("cancel: from probation only, by a passed meeting vote", "[workflows][member][guards]") {
  Harness h;
  h.to_admitted_2014();
  h.fails("cancel", "2021-09-05", Harness::vote10(6, 6));
  h.ok("interview", "2021-09-10");
  h.ok("approve", "2021-10-01");
  h.fails("cancel", "2022-01-01", {}, ErrorCode::InvalidInput);  // the vote is required
  CHECK(h.fails("cancel", "2022-01-01", Harness::vote10(6, 5)).rule == "D22");
  SECTION("probationary") { CHECK(h.ok("cancel", "2022-01-01", Harness::vote10(6, 6)).to_state == "cancellation-pending"); }
  SECTION("not while full membership awaits approval") {
    h.ok("apply-full", "2022-08-01");
    h.ok("convert", "2022-09-01", Harness::vote(10, 6, 6));
    CHECK(h.fails("cancel", "2022-09-20", Harness::vote10(6, 6)).rule.empty());
  }
}

TEST_CASE("archive: only when full, once (D41)", "[workflows][member][guards]") {
  Harness h;
  h.to_probationary_2014();
  h.fails("archive", "2022-01-01");
  h.ok("apply-full", "2022-08-01");
  h.ok("convert", "2022-09-01", Harness::vote(10, 6, 6));
  h.ok("approve-full", "2022-10-01");
  auto r = h.ok("归档", "2022-10-15");
  CHECK(r.to_state == "full");
  auto again = h.fails("archive", "2022-10-16");
  CHECK(again.rule == "D41");
  CHECK(again.article == "2014年《中国共产党发展党员工作细则》第三十七条");
}

TEST_CASE("withdraw: any open state before probation, with a reason", "[workflows][member][guards]") {
  SECTION("a reason is required") {
    Harness h;
    h.ok("apply", "2020-03-01");
    h.fails("withdraw", "2020-03-05", {}, ErrorCode::InvalidInput);
    h.fails("withdraw", "2020-03-05", {}, ErrorCode::InvalidInput, "  ");
    CHECK(h.ok("终止", "2020-03-05", {}, "moved abroad").to_state == "withdrawn");
    CHECK(h.wf.stage("withdrawn") == "closed");
    h.fails("talk", "2020-03-06");
  }
  SECTION("from each state applicant ... admitted") {
    for (int stop = 0; stop < 7; ++stop) {
      Harness h;
      h.ok("apply", "2026-06-01");
      if (stop >= 1) {
        h.ok("talk", "2026-06-05");
        h.ok("activist", "2026-06-10");
      }
      if (stop >= 2) {
        h.ok("mentors", "2026-06-11", {{"mentors", "3"}});
        h.ok("propose", "2027-06-10");
      }
      if (stop >= 3) h.ok("consent", "2027-06-15");
      if (stop >= 4) h.ok("publicize", "2027-06-30", {{"from", "2027-06-16"}, {"to", "2027-06-22"}});
      if (stop >= 5) {
        h.ok("sponsors", "2027-07-01", {{"sponsors", "3,5"}});
        h.ok("political-review", "2027-07-01", {{"result", "pass"}});
        h.ok("training", "2027-07-01", {{"hours", "32"}});
        h.ok("pre-review", "2027-07-05");
      }
      if (stop >= 6) h.ok("admit", "2027-07-20", Harness::vote(10, 6, 6));
      INFO("state " << h.c.state);
      CHECK(h.ok("withdraw", "2027-08-01", {}, "reason").to_state == "withdrawn");
    }
  }
  SECTION("not from probation") {
    Harness h;
    h.to_probationary_2014();
    auto e = h.fails("withdraw", "2022-01-01", {}, ErrorCode::Refused, "reason");
    CHECK_THAT(e.message.en, Catch::Contains("'probationary'"));
  }
}

TEST_CASE("inputs: steps without inputs reject any --with key — unknown events are invalid",
          "[workflows][member][guards]") {
  Harness h;
  h.ok("apply", "2020-03-01");
  auto e = h.fails("talk", "2020-03-05", {{"who", "3"}}, ErrorCode::InvalidInput);
  CHECK_THAT(e.message.en, Catch::Contains("'who'"));
  h.fails("dance", "2020-03-05", {}, ErrorCode::InvalidInput);
}

namespace {
class ThrowingDirectory final : public djflow::engine::Directory {
 public:
  djflow::engine::Result<std::optional<Person>> person(PersonId) const override {
    throw std::runtime_error("directory down");
  }
  djflow::engine::Result<std::optional<djflow::engine::Branch>> branch(const std::string&) const override {
    throw std::runtime_error("directory down");
  }
};
}  // namespace

TEST_CASE("an exception inside a guard becomes an error value, never a transition",
          "[workflows][member][guards]") {
  Harness h;
  h.to_activist();
  ThrowingDirectory broken;
  djflow::engine::CaseContext ctx{h.c, h.history, &h.subject, broken, h.calendar, h.config};
  djflow::engine::StepInput in{"mentors", D("2020-06-10"), {{"mentors", "3"}}, "", "", "t"};
  auto r = h.wf.apply(ctx, in);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::Storage);
  CHECK_THAT(r.error().message.en, Catch::Contains("directory down"));
}
