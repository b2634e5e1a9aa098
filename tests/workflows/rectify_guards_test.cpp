// Every guard of the rectification item at its boundary (docs/workflows/rectify.md).
#include <catch2/catch.hpp>

#include "rectify_harness.hpp"
#include "workflows/rectify/rectify_rules.hpp"

using djflow::testing::RD;
using djflow::testing::RectifyHarness;
using djflow::engine::ErrorCode;

TEST_CASE("registration: type rules of §6.5", "[rectify][guards]") {
  SECTION("a fixed-deadline item without a deadline is refused, with one accepted") {
    RectifyHarness h;
    auto e = h.fails("register", "2024-03-01",
                     {{"problem", "p"}, {"measures", "m"}, {"leader", "L"}, {"department", "D"}, {"owner", "O"},
                      {"type", "deadline"}});
    CHECK(e.rule == "Z-ITEM");
    CHECK(e.message.en.find("needs a deadline") != std::string::npos);
    h.reg("deadline", "2024-03-01", "2024-03-01");  // the same day is allowed
    CHECK(h.c.state == "registered");
  }
  SECTION("a deadline before the registration date is invalid") {
    RectifyHarness h;
    h.fails("register", "2024-03-01",
            {{"problem", "p"}, {"measures", "m"}, {"leader", "L"}, {"department", "D"}, {"owner", "O"},
             {"type", "deadline"}, {"deadline", "2024-02-29"}},
            ErrorCode::InvalidInput);
  }
  SECTION("a long-term item without milestones is refused, with one accepted") {
    RectifyHarness h;
    auto e = h.fails("register", "2024-03-01",
                     {{"problem", "p"}, {"measures", "m"}, {"leader", "L"}, {"department", "D"}, {"owner", "O"},
                      {"type", "long-term"}});
    CHECK(e.rule == "Z-ITEM");
    h.reg("long-term", "2024-03-01", nullptr, "2024-06-30:建立制度");
    CHECK(h.history.back().inputs.at("milestones") == "2024-06-30:建立制度");
  }
  SECTION("mandatory fields and the type are checked") {
    RectifyHarness h;
    h.fails("register", "2024-03-01", {{"problem", "p"}, {"measures", "m"}, {"leader", "L"}, {"department", "D"}, {"type", "deadline"}},
            ErrorCode::InvalidInput);  // no owner
    h.fails("register", "2024-03-01",
            {{"problem", "p"}, {"measures", "m"}, {"leader", "L"}, {"department", "D"}, {"owner", "O"}, {"type", "soon"}},
            ErrorCode::InvalidInput);
  }
  SECTION("an immediate item gets the configured default deadline") {
    RectifyHarness h;
    h.reg("immediate", "2024-03-01");
    CHECK(h.history.back().inputs.at("deadline") == "2024-03-31");
    RectifyHarness none(false, {{"rectify.immediate_days", "0"}});
    none.reg("immediate", "2024-03-01");
    CHECK(none.history.back().inputs.count("deadline") == 0);
    CHECK(none.deadline("deadline") == nullptr);
  }
}

TEST_CASE("the deadline and its reminders", "[rectify][deadlines]") {
  RectifyHarness h;
  h.reg("deadline", "2024-03-01", "2024-04-30");
  const auto* d = h.deadline("deadline");
  REQUIRE(d != nullptr);
  CHECK(d->due == RD("2024-04-30"));
  CHECK(d->offsets == std::vector<int>{-20, -10, 0});
  CHECK(d->overdue_every_days == 7);
  CHECK(d->on_due_event == "overdue");
  CHECK(h.deadline("progress-update") == nullptr);  // not started yet
  h.ok("start", "2024-03-05");
  REQUIRE(h.deadline("progress-update") != nullptr);
  CHECK(h.deadline("progress-update")->due == RD("2024-04-04"));  // start + 30 days
  h.ok("progress", "2024-03-20", {}, "制定了学习计划");
  CHECK(h.deadline("progress-update")->due == RD("2024-04-19"));
  h.fails("progress", "2024-03-21", {}, ErrorCode::InvalidInput);  // no note
}

TEST_CASE("submit needs evidence, only immediate items submit straight from registered", "[rectify][guards]") {
  RectifyHarness h;
  h.reg("deadline", "2024-03-01", "2024-04-30");
  auto direct = h.fails("submit", "2024-03-02", {{"evidence", "材料1"}});
  CHECK(direct.rule == "Z-ITEM");
  h.ok("start", "2024-03-02");
  auto e = h.fails("submit", "2024-03-10");
  CHECK(e.rule == "Z-ITEM");
  CHECK(e.message.en.find("never close without evidence") != std::string::npos);
  h.ok("submit", "2024-03-10", {}, "", "党办〔2024〕3号");  // --ref counts as evidence
  CHECK(h.c.state == "submitted");
  CHECK(h.history.back().inputs.at("evidence") == "党办〔2024〕3号");

  RectifyHarness imm;
  imm.reg("immediate", "2024-03-01");
  imm.fails("submit", "2024-03-01");
  imm.ok("submit", "2024-03-01", {{"evidence", "整改照片"}});
  CHECK(imm.c.state == "submitted");
}

TEST_CASE("accept: a verifier who is not the responsible person", "[rectify][guards]") {
  RectifyHarness h;
  h.reg("immediate", "2024-03-01");
  h.ok("submit", "2024-03-02", {{"evidence", "E1"}});
  CHECK(h.fails("accept", "2024-03-03").rule == "Z-ITEM");  // no verifier
  auto same = h.fails("accept", "2024-03-03", {{"verifier", "张三"}});
  CHECK(same.rule == "Z-ITEM");
  CHECK(same.message.en.find("responsible person") != std::string::npos);
  h.fails("accept", "2024-03-03", {{"verifier", " 张三\u3000"}});  // blanks do not make another person
  h.ok("accept", "2024-03-03", {{"verifier", "李四"}}, "材料齐全");
  CHECK(h.c.state == "closed");
  CHECK(h.deadlines().empty());
  CHECK(h.item_wf.closed(h.c.state));
}

TEST_CASE("return sends a submitted item back, with a reason", "[rectify][guards]") {
  RectifyHarness h;
  h.reg("deadline", "2024-03-01", "2024-04-30");
  h.ok("start", "2024-03-02");
  h.ok("submit", "2024-03-10", {{"evidence", "E1"}});
  CHECK(h.deadline("deadline") == nullptr);  // submitted: the deadline is fulfilled
  h.fails("return", "2024-03-12", {}, ErrorCode::InvalidInput);
  h.ok("return", "2024-03-12", {}, "佐证材料不充分");
  CHECK(h.c.state == "in-progress");
  REQUIRE(h.deadline("deadline") != nullptr);
  h.ok("submit", "2024-05-02", {{"evidence", "E2"}});
  h.ok("return", "2024-05-03", {}, "仍不充分");
  CHECK(h.c.state == "overdue");  // returned after the deadline
}

TEST_CASE("extensions: request after the current deadline, decided by someone else", "[rectify][guards]") {
  RectifyHarness h;
  h.reg("deadline", "2024-03-01", "2024-04-30");
  h.ok("start", "2024-03-02");
  CHECK(h.fails("approve-extension", "2024-03-03", {{"approver", "王书记"}}).rule == "Z-LEDGER");  // nothing pending
  h.fails("request-extension", "2024-03-03", {{"to", "2024-06-30"}}, ErrorCode::InvalidInput);  // no reason
  auto same = h.fails("request-extension", "2024-03-03", {{"to", "2024-04-30"}}, ErrorCode::Refused, "工作量大");
  CHECK(same.rule == "Z-LEDGER");
  h.ok("request-extension", "2024-03-03", {{"to", "2024-05-01"}}, "工作量大");  // one day later is enough
  h.fails("request-extension", "2024-03-04", {{"to", "2024-06-30"}}, ErrorCode::Refused, "again");  // pending
  CHECK(h.fails("approve-extension", "2024-03-05", {{"approver", "张三"}}).rule == "Z-ITEM");
  CHECK(h.fails("deny-extension", "2024-03-05", {{"approver", "张三"}}).rule == "Z-ITEM");
  h.fails("approve-extension", "2024-03-05");  // no approver
  h.ok("approve-extension", "2024-03-05", {{"approver", "王书记"}});
  CHECK(h.deadline("deadline")->due == RD("2024-05-01"));
  CHECK(h.deadline("deadline")->opened_on == RD("2024-03-05"));
  const auto f = djflow::workflows::rectify::derive_facts(h.history);
  CHECK(f.original_deadline == RD("2024-04-30"));
  CHECK(f.extensions == 1);
  h.ok("request-extension", "2024-03-06", {{"to", "2024-08-01"}}, "再延");
  h.ok("deny-extension", "2024-03-07", {{"approver", "王书记"}}, "不予延期");
  CHECK(h.deadline("deadline")->due == RD("2024-05-01"));
}

TEST_CASE("overdue: only after the deadline day, an overdue item still progresses and closes", "[rectify][overdue]") {
  RectifyHarness h;
  h.reg("deadline", "2024-03-01", "2024-03-31");
  h.ok("start", "2024-03-02");
  h.fails("overdue", "2024-03-31");  // on the day: red, but not overdue
  h.ok("overdue", "2024-04-01");
  CHECK(h.c.state == "overdue");
  CHECK(h.deadline("deadline") != nullptr);  // still open, reminded weekly
  h.ok("progress", "2024-04-03", {}, "继续整改");
  CHECK(h.c.state == "overdue");
  h.ok("request-extension", "2024-04-04", {{"to", "2024-05-31"}}, "客观原因");
  h.ok("approve-extension", "2024-04-05", {{"approver", "王书记"}});
  CHECK(h.c.state == "in-progress");  // the new deadline is ahead
  h.ok("submit", "2024-05-10", {{"evidence", "E"}});
  h.ok("accept", "2024-05-12", {{"verifier", "李四"}});
  CHECK(h.c.state == "closed");
  SECTION("a step after the deadline lands in overdue without the timer") {
    RectifyHarness late;
    late.reg("deadline", "2024-03-01", "2024-03-31");
    late.ok("start", "2024-04-02");
    CHECK(late.c.state == "overdue");
  }
}

TEST_CASE("reopen (回头看) a closed item", "[rectify][reopen]") {
  RectifyHarness h;
  h.reg("deadline", "2024-03-01", "2024-03-31");
  h.ok("start", "2024-03-02");
  h.ok("submit", "2024-03-20", {{"evidence", "E"}});
  h.ok("accept", "2024-03-25", {{"verifier", "李四"}});
  h.fails("reopen", "2024-06-01", {}, ErrorCode::InvalidInput);  // needs the reason
  h.fails("reopen", "2024-06-01", {{"deadline", "2024-06-01"}}, ErrorCode::InvalidInput, "问题反弹");
  SECTION("with a new deadline") {
    h.ok("reopen", "2024-06-01", {{"deadline", "2024-07-31"}}, "回头看发现问题反弹");
    CHECK(h.c.state == "in-progress");
    CHECK(h.deadline("deadline")->due == RD("2024-07-31"));
  }
  SECTION("without one, past the old deadline: overdue at once") {
    h.ok("reopen", "2024-06-01", {}, "回头看发现问题反弹");
    CHECK(h.c.state == "overdue");
  }
}

TEST_CASE("long-term items: milestones, check-ins, evaluation", "[rectify][long-term]") {
  RectifyHarness h;
  h.reg("long-term", "2024-03-01", nullptr, "2024-12-31:形成长效机制;2024-06-30:建立制度");
  h.ok("start", "2024-03-02");
  CHECK(h.c.state == "long-term");
  REQUIRE(h.deadline("milestone") != nullptr);
  CHECK(h.deadline("milestone")->due == RD("2024-06-30"));  // sorted by date
  CHECK(h.deadline("deadline") == nullptr);
  h.fails("request-extension", "2024-03-03", {{"to", "2025-01-01"}}, ErrorCode::Refused, "r");
  h.fails("milestone", "2024-06-28", {}, ErrorCode::InvalidInput);
  h.ok("milestone", "2024-06-28", {}, "制度已印发");
  CHECK(h.deadline("milestone")->due == RD("2024-12-31"));
  h.ok("milestone", "2024-12-20", {}, "机制运行良好");
  CHECK(h.deadline("milestone") == nullptr);
  h.ok("submit", "2024-12-25", {{"evidence", "评估报告"}});
  h.ok("return", "2024-12-26", {}, "需持续观察");
  CHECK(h.c.state == "long-term");
}

TEST_CASE("steps not allowed in a state name the state and what is allowed", "[rectify][states]") {
  RectifyHarness h;
  h.reg("deadline", "2024-03-01", "2024-04-30");
  auto e = h.fails("accept", "2024-03-02", {{"verifier", "李四"}});
  CHECK(e.message.en.find("not allowed in state 'registered'") != std::string::npos);
  CHECK(h.allowed() == std::vector<std::string>{"start", "request-extension", "overdue"});
  CHECK(*h.item_wf.resolve_event("验收销号") == "accept");
  CHECK(*h.item_wf.resolve_event("回头看") == "reopen");
  CHECK(*h.item_wf.resolve_event("申请延期") == "request-extension");
}

TEST_CASE("every item state restores without entry actions", "[rectify][restore]") {
  for (const auto* s : {"registered", "in-progress", "overdue", "long-term", "submitted", "closed"}) {
    auto p = djflow::workflows::rectify::test_restore(s);
    INFO(s);
    CHECK(p.restored);
    CHECK(p.state == s);
    CHECK(p.entry_actions == 0);
  }
  CHECK(djflow::workflows::rectify::test_restore("closed").allowed == std::vector<std::string>{"reopen"});
}

TEST_CASE("batch: the report deadline (Z1) and the principal leader's report", "[rectify][batch]") {
  RectifyHarness b(true);
  b.ok("open", "2024-01-31", {{"source", "inspection"}, {"title", "巡视反馈"}});
  CHECK(b.history.back().inputs.at("report-due") == "2024-03-31");  // 2 months, clamped to month end
  REQUIRE(b.deadline("report") != nullptr);
  CHECK(b.deadline("report")->due == RD("2024-03-31"));
  CHECK(b.fails("close", "2024-02-01").rule == "Z1");
  b.fails("report", "2024-03-01", {}, ErrorCode::InvalidInput);
  CHECK(b.fails("report", "2024-03-01", {{"report", "整改报告"}}).rule == "Z1");
  b.ok("report", "2024-03-01", {{"report", "整改报告"}, {"leader-report", "组织落实情况报告"}});
  CHECK(b.c.state == "reported");
  CHECK(b.deadlines().empty());

  RectifyHarness configured(true, {{"rectify.report_months", "3"}});
  configured.ok("open", "2024-01-31", {{"source", "circuit-inspection"}});
  CHECK(configured.history.back().inputs.at("report-due") == "2024-04-30");
  RectifyHarness education(true);
  education.ok("open", "2024-01-31", {{"source", "theme-education"}});
  CHECK(education.deadlines().empty());  // no report deadline unless asked for
  education.fails("open", "2024-01-31", {{"source", "x"}}, ErrorCode::Refused);
  RectifyHarness bad(true);
  bad.fails("open", "2024-01-31", {{"source", "rumour"}}, ErrorCode::InvalidInput);
}
