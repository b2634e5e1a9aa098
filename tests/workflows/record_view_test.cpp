// Engine::record(id, in, after, admit) (issue 11 §5, decision 0131): the case view it returns is
// show()'s right after the step, for every kind of step: member development from the application
// to the archive (deadlines opened and closed, late flags, the subject's membership changing),
// a case with a correction, an election's approval with its follow-ups on other cases; a refused
// step and a refusing `admit` write nothing.
#include <catch2/catch.hpp>

#include "election_harness.hpp"
#include "support/same_records.hpp"

using namespace djflow::testing;

namespace {

void same_case(const Case& a, const Case& b) {
  CHECK(a.id == b.id);
  CHECK(a.workflow == b.workflow);
  CHECK(a.person == b.person);
  CHECK(a.branch == b.branch);
  CHECK(a.title == b.title);
  CHECK(a.state == b.state);
  CHECK(a.version == b.version);
  CHECK(a.head_hash == b.head_hash);
  CHECK(a.created_at == b.created_at);
  CHECK(a.updated_at == b.updated_at);
}

// Every member of the two views, field by field.
void same_view(const CaseView& got, const CaseView& want) {
  same_case(got.c, want.c);
  CHECK(got.workflow == want.workflow);
  REQUIRE(got.subject.has_value() == want.subject.has_value());
  if (want.subject) {
    const Person& a = *got.subject;
    const Person& b = *want.subject;
    CHECK(a.id == b.id);
    CHECK(a.name == b.name);
    CHECK(a.branch == b.branch);
    CHECK(a.born == b.born);
    CHECK(a.status == b.status);
    CHECK(a.joined == b.joined);
    CHECK(a.created_at == b.created_at);
    CHECK(a.key == b.key);
    CHECK(a.phone == b.phone);
  }
  REQUIRE(got.history.size() == want.history.size());
  for (std::size_t i = 0; i < want.history.size(); ++i) {
    const EventRecord& a = got.history[i];
    const EventRecord& b = want.history[i];
    INFO("history[" << i << "] " << b.event);
    djflow::testing::check_same_event(a, b);
  }
  REQUIRE(got.deadlines.size() == want.deadlines.size());
  for (std::size_t i = 0; i < want.deadlines.size(); ++i) {
    const Deadline& a = got.deadlines[i];
    const Deadline& b = want.deadlines[i];
    INFO("deadline[" << i << "] " << b.kind);
    CHECK(a.id == b.id);
    CHECK(a.case_id == b.case_id);
    CHECK(a.kind == b.kind);
    CHECK(a.due == b.due);
    CHECK(a.opened_on == b.opened_on);
    CHECK(a.milestone == b.milestone);
    CHECK(a.overdue_every_days == b.overdue_every_days);
    CHECK(a.open == b.open);
    CHECK(a.closed_on == b.closed_on);
    CHECK(a.on_due_event == b.on_due_event);
  }
  CHECK(got.allowed == want.allowed);
}

struct Counts {
  std::size_t opened = 0, closed = 0, follow_ups = 0, late = 0, subject_changes = 0;
};

// Records a step that must be accepted with a view, and checks the view against show().
StepOutcome step_with_view(ElectionFixture& f, CaseId id, const char* event, const char* date, Inputs with,
                           Counts& n, const std::string& ref = {}) {
  INFO(event << " " << date);
  const auto before = f.engine->show(id).value();
  CaseView after;
  auto r = f.engine->record(id, StepInput{event, Dt(date), std::move(with), "备注", ref, "tester"}, after);
  if (!r.ok()) FAIL(event << " refused: " << r.error().message.en);
  auto shown = f.engine->show(id);
  REQUIRE(shown.ok());
  same_view(after, shown.value());
  n.opened += r->opened.size();
  n.closed += r->closed.size();
  n.follow_ups += r->follow_ups.size();
  for (const auto& flag : r->event.flags) n.late += flag.rfind("late:", 0) == 0;
  if (before.subject && shown->subject && before.subject->status != shown->subject->status) ++n.subject_changes;
  return r.value();
}

CaseId applicant_case(ElectionFixture& f, const char* applied) {
  Person p;
  p.name = "申请人";
  p.branch = "B1";
  p.born = Date(2000, 1, 1);
  auto pid = f.engine->add_person(p);
  REQUIRE(pid.ok());
  CaseSubject s;
  s.person = pid.value();
  auto o = f.engine->start("member", s, StepInput{"apply", Dt(applied), {}, "", "", "tester"});
  REQUIRE(o.ok());
  return o->c.id;
}

Inputs vote(int eligible, int present, int yes) {
  return {{"eligible", std::to_string(eligible)}, {"present", std::to_string(present)}, {"yes", std::to_string(yes)}};
}

}  // namespace

TEST_CASE("record's view after a step is show()'s: member development from application to archive", "[engine][record-view]") {
  ElectionFixture f(10);
  f.at("2023-01-01");
  const CaseId id = applicant_case(f, "2020-03-01");
  struct S {
    const char* event;
    const char* date;
    Inputs with;
  };
  const std::vector<S> steps{
      {"talk", "2020-04-20", {}},  // after its month: late
      {"activist", "2020-06-01", {}},
      {"mentors", "2020-06-10", {{"mentors", "3,5"}}},
      {"review", "2020-12-01", {}},
      {"review", "2021-05-28", {}},
      {"propose", "2021-06-01", {}},
      {"sponsors", "2021-06-10", {{"sponsors", "3,5"}}},
      {"political-review", "2021-07-01", {{"result", "pass"}}},
      {"training", "2021-07-10", {{"days", "3"}}},
      {"pre-review", "2021-08-01", {{"leaving", "no"}}},
      {"admit", "2021-08-20", vote(10, 6, 6)},
      {"interview", "2021-09-01", {}},
      {"approve", "2021-10-01", {}},
      {"oath", "2021-10-15", {}},
      {"apply-full", "2022-07-20", {}},
      {"convert", "2022-08-20", vote(10, 7, 7)},
      {"approve-full", "2022-09-10", {}},
      {"archive", "2022-09-20", {}},
  };
  Counts n;
  for (const auto& s : steps) step_with_view(f, id, s.event, s.date, s.with, n);
  CHECK(f.state(id) == "full");
  // The path opened and closed deadlines, marked a late step and changed the subject's status.
  CHECK(n.opened > 5);
  CHECK(n.closed > 5);
  CHECK(n.late >= 1);
  CHECK(n.subject_changes >= 2);
}

TEST_CASE("record's view after a step is show()'s on a case with a correction", "[engine][record-view]") {
  ElectionFixture f(10);
  f.at("2023-01-01");
  const CaseId id = applicant_case(f, "2020-03-01");
  Counts n;
  step_with_view(f, id, "talk", "2020-03-20", {}, n);
  step_with_view(f, id, "activist", "2020-06-01", {}, n);
  step_with_view(f, id, "mentors", "2020-06-10", {{"mentors", "3,5"}}, n);
  Correction fix;
  fix.seq = 3;  // the activist step, a day later
  fix.date = Dt("2020-06-02");
  fix.reason = "登记日期有误";
  fix.actor = "tester";
  REQUIRE(f.engine->correct(id, fix).ok());
  step_with_view(f, id, "review", "2020-12-01", {}, n);
  step_with_view(f, id, "review", "2021-05-28", {}, n);
  step_with_view(f, id, "propose", "2021-06-05", {}, n);  // a year after the corrected activist step
  CHECK(f.state(id) == "candidate");
}

TEST_CASE("record's view after a step is show()'s for an election, its approval's follow-ups included", "[engine][record-view]") {
  ElectionFixture f(9);
  const CaseId term = f.term("2023-06-20");
  auto e = f.start_election(term);
  REQUIRE(e.ok());
  const CaseId id = e->c.id;
  f.at("2026-06-30");
  Counts n;
  step_with_view(f, id, "request", "2026-04-01", {}, n, "请示〔2026〕1号");
  step_with_view(f, id, "reply", "2026-04-10", {}, n);
  step_with_view(f, id, "nominate", "2026-04-20", {}, n);
  step_with_view(f, id, "candidates", "2026-05-01", {{"seats", "3"}, {"nominees", "甲,乙,丙,丁"}}, n);
  step_with_view(f, id, "candidates-approved", "2026-05-10", {}, n);
  step_with_view(f, id, "meeting", "2026-06-08",
                 {{"should-attend", "40"}, {"present", "38"}, {"issued", "38"}, {"returned", "38"},
                  {"votes", "甲:38,乙:30,丙:30,丁:10"}},
                 n);
  step_with_view(f, id, "officers", "2026-06-09", {{"secretary", "甲"}, {"deputy", "乙"}}, n);
  step_with_view(f, id, "report", "2026-06-10", {}, n);
  step_with_view(f, id, "approve", "2026-06-25", {}, n, "党委〔2026〕9号");
  CHECK(n.follow_ups == 2);
  CHECK(f.state(term) == "renewed");
}

TEST_CASE("record with a view: a refused step, and a step its admit refuses, write nothing", "[engine][record-view]") {
  ElectionFixture f(10);
  f.at("2023-01-01");
  const CaseId id = applicant_case(f, "2020-03-01");
  const auto before = f.engine->show(id).value();
  CaseView after;
  // The workflow refuses: the activist step before the talk.
  auto r = f.engine->record(id, StepInput{"propose", Dt("2020-04-01"), {}, "", "", "tester"}, after);
  REQUIRE_FALSE(r.ok());
  CHECK(f.store->find_case(id).value()->version == before.c.version);
  // admit sees the case the step's transaction read, and its refusal stops the step.
  std::vector<std::string> seen;
  const Engine::Admit refuse = [&](const Case* c) -> Status {
    seen.push_back(c ? c->branch + "#" + std::to_string(c->version) : "none");
    return Error::refused(Text{"不在范围内", "out of scope"});
  };
  r = f.engine->record(id, StepInput{"talk", Dt("2020-03-20"), {}, "", "", "tester"}, after, refuse);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.en == "out of scope");
  CHECK(f.store->find_case(id).value()->version == before.c.version);
  CHECK(f.store->events(id).value().size() == before.history.size());
  CHECK(f.store->open_deadlines(id).value().size() == before.deadlines.size());
  // A case that does not exist: admit is told so, and its answer is the step's.
  r = f.engine->record(id + 100, StepInput{"talk", Dt("2020-03-20"), {}, "", "", "tester"}, after, refuse);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.en == "out of scope");
  CHECK(seen == std::vector<std::string>{"B1#1", "none"});
  // Admitted: the step is recorded and its view is show()'s.
  const Engine::Admit pass = [&](const Case* c) -> Status { return c ? Status{} : Error::refused(Text{"", ""}); };
  r = f.engine->record(id, StepInput{"talk", Dt("2020-03-20"), {}, "", "", "tester"}, after, pass);
  REQUIRE(r.ok());
  same_view(after, f.engine->show(id).value());
  CHECK(after.c.version == before.c.version + 1);
}
