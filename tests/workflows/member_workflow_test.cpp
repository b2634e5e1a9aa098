// The member workflow as a whole: metadata and labels, restore of every stable state, deadlines
// derived for each state, and the happy path apply -> archive under both rule versions.
#include "tests/workflows/member_harness.hpp"

#include "workflows/registry.hpp"

using namespace djflow::testing;
using djflow::workflows::member::test_restore;

namespace {

const std::vector<std::string> kStates{"applicant",         "activist",           "proposed",
                                       "publicity",         "candidate",          "pre-reviewed",
                                       "admitted",          "probationary",       "extended",
                                       "conversion-failed", "conversion-pending", "extension-pending",
                                       "cancellation-pending", "full",            "rejected",
                                       "cancelled",         "withdrawn"};

}  // namespace

TEST_CASE("member workflow: names, stages and labels", "[workflows][member]") {
  djflow::workflows::member::MemberWorkflow wf;
  CHECK(wf.name() == "member");
  CHECK(wf.title().zh == "发展党员");
  CHECK(wf.title().en == "member development");
  CHECK(wf.initial_event() == "apply");
  CHECK(wf.states() == kStates);
  CHECK(wf.events() == std::vector<std::string>{"apply", "talk", "activist", "mentors", "review", "propose",
                                                "consent", "publicize", "sponsors", "political-review", "training",
                                                "pre-review", "admit", "interview", "approve", "reject", "oath",
                                                "apply-full", "convert", "approve-full", "extend",
                                                "approve-extension", "cancel", "approve-cancel", "archive",
                                                "withdraw", "register-probationary"});
  const std::map<std::string, std::string> stages{
      {"applicant", "applicant"},        {"activist", "activist"},         {"proposed", "candidate"},
      {"publicity", "candidate"},        {"candidate", "candidate"},       {"pre-reviewed", "candidate"},
      {"admitted", "candidate"},         {"probationary", "probationary"}, {"extended", "probationary"},
      {"conversion-pending", "probationary"}, {"full", "full"},           {"rejected", "closed"},
      {"conversion-failed", "probationary"}, {"extension-pending", "probationary"},
      {"cancellation-pending", "probationary"},
      {"cancelled", "closed"},           {"withdrawn", "closed"}};
  for (const auto& [state, stage] : stages) {
    INFO(state);
    CHECK(wf.stage(state) == stage);
    CHECK(wf.closed(state) == (stage == "closed"));
    CHECK_FALSE(wf.state_label(state).zh.empty());
    CHECK_FALSE(wf.state_label(state).en.empty());
  }
  CHECK(wf.stage_label("applicant").zh == "入党申请人");
  CHECK(wf.stage_label("activist").zh == "入党积极分子");
  CHECK(wf.stage_label("candidate").zh == "发展对象");
  CHECK(wf.stage_label("probationary").zh == "预备党员");
  CHECK(wf.stage_label("full").zh == "正式党员");
  CHECK(wf.stage_label("closed").zh == "已终止");
  CHECK(wf.event_label("pre-review").zh == "支委会审查、上级预审");
  CHECK(wf.event_label("approve-full").zh == "上级党委审批转正");
  for (const auto& e : wf.events()) CHECK(wf.resolve_event(wf.event_label(e).zh) == e);
  for (const char* kind : {"talk", "review", "eligible", "admit-meeting", "approval", "oath", "probation-end",
                           "full-approval", "extension-approval", "cancel-approval", "archive"}) {
    CHECK(wf.deadline_label(kind).zh != kind);
  }
}

TEST_CASE("member workflow: event names and aliases", "[workflows][member]") {
  djflow::workflows::member::MemberWorkflow wf;
  CHECK(wf.resolve_event("apply") == "apply");
  CHECK(wf.resolve_event("Political_Review") == "political-review");
  CHECK(wf.resolve_event("递交入党申请书") == "apply");
  CHECK(wf.resolve_event("谈话") == "talk");
  CHECK(wf.resolve_event("公示") == "publicize");
  CHECK(wf.resolve_event("入党宣誓") == "oath");
  CHECK(wf.resolve_event("转正") == "convert");
  CHECK(wf.resolve_event("政审") == "political-review");
  CHECK(wf.resolve_event("支部党员大会讨论接收") == "admit");
  CHECK_FALSE(wf.resolve_event("dance").has_value());
  CHECK_FALSE(wf.resolve_event("").has_value());
}

TEST_CASE("member workflow: register_all adds it", "[workflows][member]") {
  djflow::engine::WorkflowRegistry registry;
  djflow::workflows::register_all(registry);
  const auto* wf = registry.find("member");
  REQUIRE(wf != nullptr);
  CHECK(wf->initial_event() == "apply");
}

TEST_CASE("restore: every stable state round-trips without entry actions", "[workflows][member][restore]") {
  djflow::workflows::member::MemberWorkflow wf;
  Harness h;
  for (const auto& state : kStates) {
    INFO(state);
    auto probe = test_restore(state);
    CHECK(probe.restored);
    CHECK(probe.state == state);
    CHECK(probe.entry_actions == 0);
    h.c.state = state;
    CHECK(probe.allowed == wf.allowed(h.ctx()));
    CHECK(probe.allowed.empty() == wf.closed(state));
  }
  auto fresh = test_restore("");
  CHECK(fresh.restored);
  CHECK(fresh.state.empty());
  CHECK(fresh.allowed == std::vector<std::string>{"apply", "register-probationary"});
  CHECK_FALSE(test_restore("archived").restored);
}

TEST_CASE("restore: the allowed events of each state follow the table", "[workflows][member][restore]") {
  Harness h;
  auto allowed_in = [&](const char* state) {
    h.c.state = state;
    return h.allowed();
  };
  using V = std::vector<std::string>;
  CHECK(allowed_in("applicant") == V{"talk", "activist", "withdraw"});
  CHECK(allowed_in("activist") == V{"mentors", "review", "propose", "withdraw"});
  CHECK(allowed_in("proposed") == V{"consent", "withdraw"});
  CHECK(allowed_in("publicity") == V{"publicize", "withdraw"});
  CHECK(allowed_in("pre-reviewed") == V{"admit", "withdraw"});
  CHECK(allowed_in("admitted") == V{"interview", "approve", "reject", "withdraw"});
  CHECK(allowed_in("probationary") == V{"oath", "apply-full", "convert", "extend", "cancel"});
  CHECK(allowed_in("extended") == V{"oath", "apply-full", "convert", "cancel"});
  CHECK(allowed_in("conversion-failed") == V{"extend", "cancel"});
  CHECK(allowed_in("conversion-pending") == V{"approve-full", "reject"});
  CHECK(allowed_in("extension-pending") == V{"approve-extension", "reject"});
  CHECK(allowed_in("cancellation-pending") == V{"approve-cancel", "reject"});
  CHECK(allowed_in("full") == V{"archive"});
}

TEST_CASE("restore: a step on a restored case is judged from the stored state and history",
          "[workflows][member][restore]") {
  // A case stored as "probationary" (e.g. loaded from the database) continues without replay.
  Harness h;
  h.to_probationary_2014();
  Harness restored;
  restored.c.state = h.c.state;
  restored.history = h.history;
  CHECK(restored.ok("oath", "2021-10-20").to_state == "probationary");
  restored.c.state = "no-such-state";
  auto r = restored.step("oath", D("2021-10-21"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::Corruption);
}

TEST_CASE("deadlines: applicant and activist, with month-end clamping", "[workflows][member][deadlines]") {
  Harness h;
  h.ok("apply", "2024-01-31");
  auto ds = h.deadlines();
  REQUIRE(kinds(ds) == std::vector<std::string>{"talk"});
  CHECK(ds[0].due == D("2024-02-29"));
  CHECK(ds[0].opened_on == D("2024-01-31"));
  CHECK(ds[0].fulfilled_by == std::vector<std::string>{"talk"});
  CHECK_FALSE(ds[0].milestone);

  h.ok("talk", "2024-03-05");  // late: accepted all the same (the engine marks it)
  CHECK(h.deadlines().empty());

  h.ok("activist", "2024-08-31");
  ds = h.deadlines();
  REQUIRE(kinds(ds) == std::vector<std::string>{"review", "eligible"});
  CHECK(ds[0].due == D("2025-02-28"));
  CHECK(ds[0].opened_on == D("2024-08-31"));
  CHECK(ds[0].fulfilled_by == std::vector<std::string>{"review"});
  CHECK(ds[1].due == D("2025-08-31"));
  CHECK(ds[1].milestone);
  CHECK(ds[1].offsets == std::vector<int>{0});
  CHECK(ds[1].overdue_every_days == 0);
  CHECK(ds[1].fulfilled_by.empty());

  h.ok("review", "2024-12-31");
  ds = h.deadlines();
  CHECK(find_deadline(ds, "review")->due == D("2025-06-30"));
  CHECK(find_deadline(ds, "review")->opened_on == D("2024-12-31"));
  h.ok("review", "2025-06-30");
  CHECK(find_deadline(h.deadlines(), "review")->due == D("2025-12-30"));
}

TEST_CASE("deadlines: candidate steps under 2014 and 2026", "[workflows][member][deadlines]") {
  SECTION("2014: no admission-meeting limit, no oath limit") {
    Harness h;
    h.to_candidate_2014();
    CHECK(h.deadlines().empty());
    h.ok("sponsors", "2021-06-10", {{"sponsors", "3,5"}});
    h.ok("political-review", "2021-07-01", {{"result", "pass"}});
    h.ok("training", "2021-07-10", {{"days", "3"}});
    h.ok("pre-review", "2021-08-01");
    CHECK(h.deadlines().empty());
    h.ok("admit", "2021-11-30", Harness::vote(10, 6, 6));
    auto ds = h.deadlines();
    REQUIRE(kinds(ds) == std::vector<std::string>{"approval"});
    CHECK(ds[0].due == D("2022-02-28"));
    CHECK(ds[0].fulfilled_by == std::vector<std::string>{"approve", "reject"});
    h.ok("interview", "2021-12-10");
    h.ok("approve", "2022-01-10");
    ds = h.deadlines();
    REQUIRE(kinds(ds) == std::vector<std::string>{"probation-end"});
    CHECK(ds[0].due == D("2022-11-30"));
    CHECK(ds[0].opened_on == D("2022-01-10"));
    // Conversion is only possible from this date on, so converting never makes it "late".
    CHECK(ds[0].fulfilled_by.empty());
  }
  SECTION("2026: admission meeting within a month of pre-review, oath within a month of approval") {
    Harness h;
    h.to_activist("2026-06-01", "2026-06-15", "2026-07-01");
    h.ok("mentors", "2026-07-10", {{"mentors", "3,5"}});
    h.ok("propose", "2027-07-01");
    CHECK(h.deadlines().empty());
    h.ok("consent", "2027-07-09");
    CHECK(h.deadlines().empty());
    h.ok("publicize", "2027-07-19", {{"from", "2027-07-12"}, {"to", "2027-07-16"}});
    h.ok("sponsors", "2027-07-20", {{"sponsors", "3,5"}});
    h.ok("political-review", "2027-07-21", {{"result", "pass"}});
    h.ok("training", "2027-07-22", {{"days", "3"}});
    h.ok("pre-review", "2027-07-31");
    auto ds = h.deadlines();
    REQUIRE(kinds(ds) == std::vector<std::string>{"admit-meeting"});
    CHECK(ds[0].due == D("2027-08-31"));
    CHECK(ds[0].opened_on == D("2027-07-31"));
    CHECK(ds[0].fulfilled_by == std::vector<std::string>{"admit"});
    h.ok("admit", "2027-08-31", Harness::vote(10, 6, 6));
    h.ok("interview", "2027-09-10");
    h.ok("approve", "2028-01-31", {}, "特殊情况：党委换届");  // after 3 months: a reason (D27)
    ds = h.deadlines();
    REQUIRE(kinds(ds) == std::vector<std::string>{"oath", "probation-end"});
    CHECK(ds[0].due == D("2028-02-29"));
    CHECK(ds[0].fulfilled_by == std::vector<std::string>{"oath"});
    CHECK(ds[1].due == D("2028-08-31"));
    h.ok("oath", "2028-02-20");
    CHECK(kinds(h.deadlines()) == std::vector<std::string>{"probation-end"});
  }
}

TEST_CASE("deadlines: probation, extension, approval of full membership, archive", "[workflows][member][deadlines]") {
  SECTION("extension moves the probation end; conversion and archive follow") {
    Harness h;
    h.to_probationary_2014();  // admitted 2021-08-31
    h.ok("extend", "2022-09-05", Harness::vote10(6, 6, {{"months", "6"}}));
    auto ds = h.deadlines();  // decided, not yet approved: the approval is due within 3 months
    REQUIRE(kinds(ds) == std::vector<std::string>{"extension-approval"});
    CHECK(ds[0].due == D("2022-12-05"));
    CHECK(ds[0].fulfilled_by == std::vector<std::string>{"approve-extension", "reject"});
    h.ok("approve-extension", "2022-09-20");
    ds = h.deadlines();
    REQUIRE(kinds(ds) == std::vector<std::string>{"probation-end"});
    CHECK(ds[0].due == D("2023-02-28"));
    CHECK(ds[0].opened_on == D("2022-09-20"));
    h.ok("apply-full", "2023-02-01");
    h.ok("convert", "2023-02-28", Harness::vote(10, 6, 6));
    ds = h.deadlines();
    REQUIRE(kinds(ds) == std::vector<std::string>{"full-approval"});
    CHECK(ds[0].due == D("2023-05-28"));
    CHECK(ds[0].fulfilled_by == std::vector<std::string>{"approve-full", "reject"});
    h.ok("approve-full", "2023-03-31");
    ds = h.deadlines();
    REQUIRE(kinds(ds) == std::vector<std::string>{"archive"});
    CHECK(ds[0].due == D("2023-04-30"));
    CHECK(ds[0].fulfilled_by == std::vector<std::string>{"archive"});
    h.ok("archive", "2023-04-10");
    CHECK(h.deadlines().empty());
  }
  SECTION("the archive limit is configurable (member.archive_days)") {
    Harness h(D("1990-05-10"), {}, {{"member.archive_days", "15"}});
    h.to_probationary_2014();
    h.ok("apply-full", "2022-08-01");
    h.ok("convert", "2022-09-01", Harness::vote(10, 6, 6));
    h.ok("approve-full", "2022-10-01");
    CHECK(find_deadline(h.deadlines(), "archive")->due == D("2022-10-16"));
  }
  SECTION("closed states have no deadlines") {
    Harness h;
    h.to_probationary_2014();
    h.ok("cancel", "2022-01-01", Harness::vote10(6, 6));
    REQUIRE(kinds(h.deadlines()) == std::vector<std::string>{"cancel-approval"});
    CHECK(h.deadlines()[0].due == D("2022-04-01"));
    h.ok("approve-cancel", "2022-01-20");
    CHECK(h.deadlines().empty());
  }
}

TEST_CASE("happy path apply -> archive under the 2014 rules", "[workflows][member][path]") {
  Harness h;
  struct S {
    const char* event;
    const char* date;
    Inputs with;
    const char* state;
  };
  const std::vector<S> steps{
      {"apply", "2020-03-01", {}, "applicant"},
      {"talk", "2020-03-20", {}, "applicant"},
      {"activist", "2020-06-01", {}, "activist"},
      {"mentors", "2020-06-10", {{"mentors", "3,5"}}, "activist"},
      {"review", "2020-12-01", {}, "activist"},
      {"review", "2021-05-28", {}, "activist"},
      {"propose", "2021-06-01", {}, "candidate"},
      {"sponsors", "2021-06-10", {{"sponsors", "3,5"}}, "candidate"},
      {"political-review", "2021-07-01", {{"result", "pass"}}, "candidate"},
      {"training", "2021-07-10", {{"days", "3"}}, "candidate"},
      {"pre-review", "2021-08-01", {{"leaving", "no"}}, "pre-reviewed"},
      {"admit", "2021-08-20", Harness::vote(10, 6, 6), "admitted"},
      {"interview", "2021-09-01", {}, "admitted"},
      {"approve", "2021-10-01", {}, "probationary"},
      {"oath", "2021-10-15", {}, "probationary"},
      {"apply-full", "2022-07-20", {}, "probationary"},
      {"convert", "2022-08-20", Harness::vote(10, 7, 7), "conversion-pending"},
      {"approve-full", "2022-09-10", {}, "full"},
      {"archive", "2022-09-20", {}, "full"},
  };
  for (const auto& s : steps) {
    INFO(s.event << " " << s.date);
    auto r = h.ok(s.event, s.date, s.with);
    CHECK(r.to_state == s.state);
    CHECK(r.rule_version == "2014");
  }
  CHECK(h.wf.stage(h.c.state) == "full");
  CHECK(h.deadlines().empty());
}

TEST_CASE("happy path apply -> archive under the 2026 rules", "[workflows][member][path]") {
  Harness h;
  struct S {
    const char* event;
    const char* date;
    Inputs with;
    const char* state;
  };
  const std::vector<S> steps{
      {"apply", "2026-06-01", {}, "applicant"},
      {"talk", "2026-06-15", {}, "applicant"},
      {"activist", "2026-07-01", {}, "activist"},
      {"mentors", "2026-07-10", {{"mentors", "7,3"}}, "activist"},
      {"review", "2027-01-01", {}, "activist"},
      {"propose", "2027-07-01", {}, "proposed"},
      {"consent", "2027-07-09", {}, "publicity"},
      {"publicize", "2027-07-19", {{"from", "2027-07-12"}, {"to", "2027-07-16"}}, "candidate"},
      {"sponsors", "2027-07-20", {{"sponsors", "3,7"}}, "candidate"},
      {"political-review", "2027-07-21", {{"result", "pass"}}, "candidate"},
      {"training", "2027-07-22", {{"hours", "24"}}, "candidate"},
      {"pre-review", "2027-08-01", {}, "pre-reviewed"},
      {"admit", "2027-08-20", Harness::vote(10, 6, 6), "admitted"},
      {"interview", "2027-09-01", {}, "admitted"},
      {"approve", "2027-10-01", {}, "probationary"},
      {"oath", "2027-10-15", {}, "probationary"},
      {"apply-full", "2028-07-20", {}, "probationary"},
      {"convert", "2028-08-21", Harness::vote(10, 10, 10), "conversion-pending"},
      {"approve-full", "2028-09-10", {}, "full"},
      {"archive", "2028-09-20", {}, "full"},
  };
  for (const auto& s : steps) {
    INFO(s.event << " " << s.date);
    auto r = h.ok(s.event, s.date, s.with);
    CHECK(r.to_state == s.state);
    CHECK(r.rule_version == "2026");
  }
  CHECK(h.history[3].inputs.at("mentors") == "3,7");
  CHECK(h.history[18].to_state == "full");
}
