#include <catch2/catch.hpp>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;

namespace {

struct Step {
  std::string event;
  std::string date;
  std::vector<std::string> with;
  std::string expect_state;
};

void seed(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  for (auto [name, joined] : {std::pair{"李老师", "2005-07-01"}, {"王老师", "2008-07-01"},
                              {"赵老师", "2010-07-01"}, {"钱老师", "2011-07-01"}}) {
    REQUIRE(d.run({"person", "add", name, "--branch", "B01", "--born", "1980-01-01", "--status", "full",
                   "--joined", joined}).code == 0);
  }
  REQUIRE(d.run({"person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"}).out == "5\n");
}

// Runs every step with the clock at `now` and checks each resulting state.
int run_steps(const Djflow& d, const std::string& now, const std::string& apply_date, const std::vector<Step>& steps) {
  auto c = d.run({"--now=" + now, "--json", "member", "apply", "5", "--date", apply_date});
  REQUIRE(c.code == 0);
  const int id = c.json()["id"];
  CHECK(c.json()["state"] == "applicant");
  for (const auto& s : steps) {
    std::vector<std::string> args = {"--now=" + now, "--json", "record", std::to_string(id), s.event, "--date", s.date};
    for (const auto& w : s.with) {
      args.push_back("--with");
      args.push_back(w);
    }
    auto r = d.run(args);
    INFO(s.event << " on " << s.date << ": " << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.json()["state"] == s.expect_state);
  }
  return id;
}

}  // namespace

TEST_CASE("a whole development under the 2026 rules, apply to archive", "[cli][member][e2e]") {
  Djflow d;
  seed(d);
  const int id = run_steps(d, "2028-09-01", "2026-05-12", {
      {"talk", "2026-05-20", {}, "applicant"},
      {"activist", "2026-06-01", {}, "activist"},
      {"mentors", "2026-06-02", {"mentors=1,2"}, "activist"},
      {"review", "2026-12-01", {}, "activist"},
      {"propose", "2027-06-01", {}, "proposed"},
      {"consent", "2027-06-04", {}, "publicity"},
      {"publicize", "2027-06-11", {"from=2027-06-07", "to=2027-06-11"}, "candidate"},
      {"sponsors", "2027-06-12", {"sponsors=3,4"}, "candidate"},
      {"political-review", "2027-06-15", {"result=pass"}, "candidate"},
      {"training", "2027-06-20", {"days=3"}, "candidate"},
      {"pre-review", "2027-07-01", {}, "pre-reviewed"},
      {"admit", "2027-07-15", {"eligible=4", "present=4", "yes=4"}, "admitted"},
      {"interview", "2027-07-20", {}, "admitted"},
      {"approve", "2027-08-01", {}, "probationary"},
      {"oath", "2027-08-10", {}, "probationary"},
      {"apply-full", "2028-06-15", {}, "probationary"},
      {"convert", "2028-07-15", {"eligible=4", "present=3", "yes=3"}, "conversion-pending"},
      {"approve-full", "2028-08-01", {}, "full"},
      {"archive", "2028-08-10", {}, "full"},
  });
  auto show = d.run({"--now=2028-09-01", "--json", "show", std::to_string(id)}).json();
  CHECK(show["workflow"] == "member");
  CHECK(show["stage"] == "full");
  CHECK(show["history"].size() == 20);
  CHECK(show["deadlines"].empty());
  for (const auto& h : show["history"]) {
    CHECK(h["late"] == false);
    CHECK(h["rule_version"] == "2026");
    // The publicity fell in 2027, a year without holiday data (D13): accepted, flagged.
    const bool flagged = h["event"] == "publicize";
    CHECK((h["flags"] == std::vector<std::string>{"calendar-unknown"}) == flagged);
  }
  // 党龄 counts from the end of probation (admit + 1 year), not from the approval (D37).
  auto person = d.run({"--json", "person", "show", "5"}).json();
  CHECK(person["status"] == "full");
  CHECK(person["joined"] == "2028-07-15");
  {
    const auto v = d.run({"verify"});
    INFO(v.out << v.err);
    CHECK(v.code == 0);
  }
}

TEST_CASE("a whole development under the 2014 rules skips consent and publicity", "[cli][member][e2e]") {
  Djflow d;
  seed(d);
  const int id = run_steps(d, "2026-11-28", "2022-03-01", {
      {"talk", "2022-03-10", {}, "applicant"},
      {"activist", "2022-04-01", {}, "activist"},
      {"mentors", "2022-04-02", {"mentors=1"}, "activist"},
      {"propose", "2023-04-01", {}, "candidate"},
      {"sponsors", "2023-04-05", {"sponsors=1,2"}, "candidate"},
      {"political-review", "2023-04-10", {"result=pass"}, "candidate"},
      {"training", "2023-04-15", {"hours=24"}, "candidate"},
      {"pre-review", "2023-05-01", {}, "pre-reviewed"},
      {"admit", "2023-05-20", {"eligible=4", "present=3", "yes=3"}, "admitted"},
      {"interview", "2023-05-25", {}, "admitted"},
      {"approve", "2023-06-01", {}, "probationary"},
      {"oath", "2023-07-01", {}, "probationary"},
      {"apply-full", "2024-05-01", {}, "probationary"},
      {"convert", "2024-05-20", {"eligible=4", "present=4", "yes=3"}, "conversion-pending"},
      {"approve-full", "2024-06-01", {}, "full"},
      {"archive", "2024-06-15", {}, "full"},
  });
  auto show = d.run({"--now=2026-11-28", "--json", "show", std::to_string(id)}).json();
  CHECK(show["state"] == "full");
  for (const auto& h : show["history"]) CHECK(h["rule_version"] == "2014");
  auto person = d.run({"--json", "person", "show", "5"}).json();
  CHECK(person["joined"] == "2024-05-20");
  auto list = d.run({"--json", "list", "--stage", "full"}).json();
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == id);
  CHECK(list[0]["subject"] == "张三");
}

TEST_CASE("a late talk is accepted and shown as late", "[cli][member]") {
  Djflow d;
  seed(d);
  auto c = d.run({"--now=2024-06-01", "--json", "member", "apply", "5", "--date", "2024-01-10"});
  REQUIRE(c.code == 0);
  auto r = d.run({"--now=2024-06-01", "--json", "record", "1", "谈话", "--date", "2024-03-01"});
  REQUIRE(r.code == 0);
  CHECK(r.json()["late"] == true);
  auto show = d.run({"--now=2024-06-01", "--json", "show", "1"}).json();
  CHECK(show["history"][1]["event"] == "talk");
  CHECK(show["history"][1]["late"] == true);
  auto text = d.run({"--now=2024-06-01", "--lang", "zh", "show", "1"});
  CHECK(text.out.find("逾期") != std::string::npos);
}

// A branch meeting is judged against the members of its date, from the history: a probationary
// member whose conversion the superior approved after the meeting was not a voter at it, even
// though their 党龄 counts from before it (the probation's end). verify used to count them from
// the register of today, derive "eligible-differs" and fail on this correct history.
TEST_CASE("verify takes membership as of the meeting date, not today's register", "[cli][member][verify]") {
  Djflow d;
  seed(d);  // 4 full members (1-4), 张三 (5)
  REQUIRE(d.run({"person", "add", "李四", "--branch", "B01", "--born", "1999-01-01"}).out == "6\n");
  const std::string now = "--now=2024-01-15";
  auto steps = [&](const std::string& person, const std::string& apply,
                   const std::vector<std::vector<std::string>>& list) {
    auto c = d.run({now, "--json", "member", "apply", person, "--date", apply});
    REQUIRE(c.code == 0);
    const int id = c.json()["id"];
    for (const auto& s : list) {
      std::vector<std::string> args = {now, "--json", "record", std::to_string(id), s[0], "--date", s[1]};
      for (std::size_t i = 2; i < s.size(); ++i) args.insert(args.end(), {"--with", s[i]});
      auto r = d.run(args);
      INFO(s[0] << " " << s[1] << ": " << r.err);
      REQUIRE(r.code == 0);
      if (s[0] == "admit") CHECK(r.json()["flags"].empty());
    }
    return id;
  };
  // 张三: probationary from the branch meeting of 2022-03-01, its probation ends 2023-03-01.
  const int zhang = steps("5", "2020-03-01",
                          {{"talk", "2020-03-10"}, {"activist", "2020-04-01"}, {"mentors", "2020-04-02", "mentors=1,2"},
                           {"propose", "2021-04-10"}, {"sponsors", "2021-04-15", "sponsors=1,2"},
                           {"political-review", "2021-05-01", "result=pass"}, {"training", "2021-06-01", "days=3"},
                           {"pre-review", "2022-02-01"}, {"admit", "2022-03-01", "eligible=4", "present=4", "yes=4"},
                           {"interview", "2022-03-15"}, {"approve", "2022-04-01"}, {"oath", "2022-04-10"},
                           {"apply-full", "2023-02-01"}, {"convert", "2023-03-01", "eligible=4", "present=4", "yes=4"}});
  // 李四's branch meeting on 2023-03-20: 4 full members vote (张三 still probationary).
  steps("6", "2021-09-01",
        {{"talk", "2021-09-15"}, {"activist", "2021-11-01"}, {"mentors", "2021-11-02", "mentors=1,2"},
         {"propose", "2023-01-10"}, {"sponsors", "2023-01-15", "sponsors=1,2"},
         {"political-review", "2023-02-01", "result=pass"}, {"training", "2023-02-15", "days=3"},
         {"pre-review", "2023-03-01"}, {"admit", "2023-03-20", "eligible=4", "present=4", "yes=4"}});
  // The superior approves 张三's full membership on 04-20; 党龄 counts from 2023-03-01.
  auto full = d.run({now, "--json", "record", std::to_string(zhang), "approve-full", "--date", "2023-04-20"});
  REQUIRE(full.code == 0);
  auto who = d.run({"--json", "person", "show", "5"});
  REQUIRE(who.code == 0);
  CHECK(who.out.find("2023-03-01") != std::string::npos);
  auto v = d.run({now, "--json", "verify"});
  INFO(v.out << v.err);
  CHECK(v.code == 0);
}
