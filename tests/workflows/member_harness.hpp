// Drives the member workflow through the engine's Workflow interface without the engine: a fake
// Directory, a case and its history in memory. step() appends an accepted step to the history the
// way the engine would (event, date, normalised inputs, rule version, to_state).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/workflow.hpp"
#include "workflows/member/member_workflow.hpp"

namespace djflow::testing {

using engine::Date;
using engine::Error;
using engine::ErrorCode;
using engine::Inputs;
using engine::MemberStatus;
using engine::Person;
using engine::PersonId;

inline Date D(const char* iso) {
  auto d = Date::parse(iso);
  REQUIRE(d.has_value());
  return *d;
}

class FakeDirectory final : public engine::Directory {
 public:
  void add(PersonId id, std::string name, MemberStatus status, std::optional<Date> joined = std::nullopt) {
    Person p;
    p.id = id;
    p.name = std::move(name);
    p.branch = "B1";
    p.born = Date(1980, 1, 1);
    p.status = status;
    p.joined = joined;
    people_[id] = p;
  }
  void remove(PersonId id) { people_.erase(id); }
  void add_case(engine::Case c) { cases_.push_back(std::move(c)); }
  engine::Result<std::vector<Person>> people(const std::string& branch) const override {
    std::vector<Person> out;
    for (const auto& [id, p] : people_)
      if (p.branch == branch) out.push_back(p);
    return out;
  }
  engine::Result<std::vector<engine::Case>> cases_of(PersonId id) const override {
    std::vector<engine::Case> out;
    for (const auto& c : cases_)
      if (c.person == id) out.push_back(c);
    return out;
  }
  engine::Result<std::optional<Person>> person(PersonId id) const override {
    auto it = people_.find(id);
    if (it == people_.end()) return std::optional<Person>{};
    return std::optional<Person>{it->second};
  }
  engine::Result<std::optional<engine::Branch>> branch(const std::string&) const override {
    return std::optional<engine::Branch>{};
  }

 private:
  std::map<PersonId, Person> people_;
  std::vector<engine::Case> cases_;
};

// The subject is person 1 (张三). Full members: 3 (李四), 5 (王五), 7 (赵六) and 101-107 (ten
// in branch B1, so that eligible=10 matches the register); 8 is probationary, 9 is not a member.
class Harness {
 public:
  explicit Harness(Date born = Date(1990, 5, 10), std::vector<engine::HolidayRow> holidays = {},
                   std::map<std::string, std::string> config = {})
      : calendar(holidays), config(std::move(config)) {
    subject.id = 1;
    subject.name = "张三";
    subject.branch = "B1";
    subject.born = born;
    directory.add(1, "张三", MemberStatus::None);
    directory.add(3, "李四", MemberStatus::Full);
    directory.add(5, "王五", MemberStatus::Full);
    directory.add(7, "赵六", MemberStatus::Full);
    directory.add(8, "钱七", MemberStatus::Probationary);
    directory.add(9, "孙八", MemberStatus::None);
    for (PersonId id = 101; id <= 107; ++id) directory.add(id, "党员" + std::to_string(id), MemberStatus::Full);
    c.id = 42;
    c.workflow = "member";
    c.person = 1;
    c.branch = "B1";
    c.title = "张三";
  }

  engine::CaseContext ctx() const { return {c, history, &subject, directory, calendar, config}; }

  engine::Result<engine::StepResult> step(const std::string& event, Date date, Inputs with = {},
                                          std::string note = {}) {
    last_flags.clear();
    engine::StepInput in{event, date, std::move(with), std::move(note), "", "tester"};
    auto r = wf.apply(ctx(), in);
    if (r.ok()) {
      engine::EventRecord e;
      e.case_id = c.id;
      e.seq = static_cast<std::int64_t>(history.size()) + 1;
      e.event = *wf.resolve_event(event);
      e.date = date;
      e.inputs = r->inputs;
      e.note = in.note;
      e.rule_version = r->rule_version;
      e.from_state = c.state;
      e.to_state = r->to_state;
      e.flags = r->flags;
      last_flags = r->flags;
      history.push_back(e);
      c.state = r->to_state;
      ++c.version;
    }
    return r;
  }

  // A step that must be accepted; returns the result.
  engine::StepResult ok(const std::string& event, const char* date, Inputs with = {}, std::string note = {}) {
    auto r = step(event, D(date), std::move(with), std::move(note));
    if (!r.ok()) FAIL(event << " on " << date << " refused: " << r.error().message.en);
    return r.value();
  }
  // A step that must be refused with `code`; returns the error.
  Error fails(const std::string& event, const char* date, Inputs with = {}, ErrorCode code = ErrorCode::Refused,
              std::string note = {}) {
    const auto before = history.size();
    auto r = step(event, D(date), std::move(with), std::move(note));
    if (r.ok()) FAIL(event << " on " << date << " was accepted into " << r->to_state);
    CHECK(r.error().code == code);
    CHECK(history.size() == before);
    return r.error();
  }

  std::vector<engine::DeadlineSpec> deadlines() const { return wf.deadlines(ctx()); }
  std::vector<std::string> allowed() const { return wf.allowed(ctx()); }

  // ---- paths to common states (dates under the 2014 rules unless stated) ----
  void to_activist(const char* apply = "2020-03-01", const char* talk = "2020-03-20",
                   const char* activist = "2020-06-01") {
    ok("apply", apply);
    ok("talk", talk);
    ok("activist", activist);
  }
  void to_candidate_2014() {
    to_activist();
    ok("mentors", "2020-06-10", {{"mentors", "3,5"}});
    ok("propose", "2021-06-01");
  }
  void to_pre_reviewed_2014() {
    to_candidate_2014();
    ok("sponsors", "2021-06-10", {{"sponsors", "3,5"}});
    ok("political-review", "2021-07-01", {{"result", "pass"}});
    ok("training", "2021-07-10", {{"days", "3"}});
    ok("pre-review", "2021-08-01");
  }
  void to_admitted_2014(const char* admit = "2021-08-31") {
    to_pre_reviewed_2014();
    ok("admit", admit, vote(10, 6, 6));
  }
  void to_probationary_2014() {
    to_admitted_2014();
    ok("interview", "2021-09-10");
    ok("approve", "2021-10-01");
  }

  static Inputs vote(int eligible, int present, int yes) {
    return {{"eligible", std::to_string(eligible)}, {"present", std::to_string(present)}, {"yes", std::to_string(yes)}};
  }
  // A vote of the ten registered full members plus `extra` inputs (extend: months).
  static Inputs vote10(int present, int yes, Inputs extra = {}) {
    Inputs v = vote(10, present, yes);
    v.insert(extra.begin(), extra.end());
    return v;
  }
  bool flagged(const std::string& flag) const {
    return std::find(last_flags.begin(), last_flags.end(), flag) != last_flags.end();
  }

  FakeDirectory directory;
  engine::WorkCalendar calendar;
  engine::Config config;
  Person subject;
  engine::Case c;
  std::vector<engine::EventRecord> history;
  std::vector<std::string> last_flags;  // flags of the last accepted step
  workflows::member::MemberWorkflow wf;
};

inline const engine::DeadlineSpec* find_deadline(const std::vector<engine::DeadlineSpec>& ds, const std::string& kind) {
  for (const auto& d : ds)
    if (d.kind == kind) return &d;
  return nullptr;
}

inline std::vector<std::string> kinds(const std::vector<engine::DeadlineSpec>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.kind);
  return out;
}

}  // namespace djflow::testing
