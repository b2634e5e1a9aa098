// Black-box runs of the djflow binary: a whole election from `election start` to the approval
// that begins the next term with its own term-end deadline, plus terms of each kind, the listing
// with --due-within, exit codes and the size alerts.
#include <catch2/catch.hpp>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;

namespace {

void seed(const Djflow& d, int full) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  for (int i = 1; i <= full; ++i) {
    REQUIRE(d.run({"person", "add", "党员" + std::to_string(i), "--branch", "B01", "--born", "1980-01-01",
                   "--status", "full", "--joined", "2010-07-01"}).code == 0);
  }
}

RunResult rec(const Djflow& d, const std::string& now, int id, const std::string& event, const std::string& date,
              std::vector<std::string> with = {}, const std::string& ref = "") {
  std::vector<std::string> args{"--now=" + now, "--json", "record", std::to_string(id), event, "--date", date};
  for (const auto& w : with) {
    args.push_back("--with");
    args.push_back(w);
  }
  if (!ref.empty()) args.insert(args.end(), {"--ref", ref});
  return d.run(args);
}

}  // namespace

TEST_CASE("a whole election: start to approval, ending with the new term and its deadline", "[cli][election][e2e]") {
  Djflow d;
  seed(d, 9);
  auto term = d.run({"--now=2026-01-10", "--json", "branch", "term", "B01", "--start", "2023-06-20"});
  REQUIRE(term.code == 0);
  CHECK(term.json()["end"] == "2026-06-20");
  CHECK(term.json()["years"] == 3);
  CHECK(term.json()["committee"] == true);  // 9 full members
  const int term_id = term.json()["id"];

  auto start = d.run({"--now=2026-03-01", "--json", "election", "start", "B01", "--date", "2026-03-01"});
  REQUIRE(start.code == 0);
  CHECK(start.json().size() == 1);
  const int id = start.json()["id"];
  // A second election for the same organisation is refused.
  CHECK(d.run({"--now=2026-03-01", "election", "start", "B01"}).code == 1);

  const std::string now = "2026-07-01";
  struct S {
    std::string event, date;
    std::vector<std::string> with;
    std::string state;
    std::string ref;
  };
  const std::vector<S> steps{
      {"请示", "2026-04-10", {}, "requested", "党支部〔2026〕3号"},
      {"批复", "2026-04-20", {}, "authorized", "党委〔2026〕5号"},
      {"nominate", "2026-04-25", {"count=7"}, "nominating", ""},
      {"candidates", "2026-05-05", {"seats=5", "nominees=甲,乙,丙,丁,戊,己"}, "candidates-submitted", ""},
      {"candidates-approved", "2026-05-15", {}, "candidates-approved", ""},
      {"invalid-meeting", "2026-06-01", {"should-attend=40", "present=31"}, "meeting-invalid", ""},
      {"meeting", "2026-06-08",
       {"should-attend=42", "excluded=2", "present=36", "issued=36", "returned=36", "votes=甲:35,乙:33,丙:20,丁:30,戊:28,己:12"},
       "shortfall", ""},
      {"另行选举", "2026-06-08",
       {"should-attend=42", "excluded=2", "present=36", "issued=36", "returned=35", "votes=丙:22,己:10"}, "elected", ""},
      {"officers", "2026-06-09", {"secretary=甲", "deputy=乙"}, "officers-elected", ""},
      {"report", "2026-06-10", {}, "reported", ""},
  };
  for (const auto& s : steps) {
    auto r = rec(d, now, id, s.event, s.date, s.with, s.ref);
    INFO(s.event << ": " << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.json()["state"] == s.state);
  }
  auto approve = rec(d, now, id, "approve", "2026-06-25", {}, "党委〔2026〕9号");
  REQUIRE(approve.code == 0);
  auto j = approve.json();
  CHECK(j["state"] == "approved");
  REQUIRE(j["follow_ups"].size() == 2);
  CHECK(j["follow_ups"][0]["id"] == term_id);
  CHECK(j["follow_ups"][0]["state"] == "renewed");
  const int next = j["follow_ups"][1]["id"];
  CHECK(j["follow_ups"][1]["deadlines_opened"][0]["kind"] == "term-end");
  CHECK(j["follow_ups"][1]["deadlines_opened"][0]["due"] == "2029-06-08");

  // The meeting's counts are on its event, with the computed result.
  auto show = d.run({"--json", "show", std::to_string(id)});
  REQUIRE(show.code == 0);
  const auto shown = show.json();
  const auto& meeting = shown["history"][7];
  CHECK(meeting["event"] == "meeting");
  CHECK(meeting["inputs"]["present"] == "36");
  CHECK(meeting["inputs"]["elected"] == "甲,乙,丁,戊");
  CHECK(meeting["inputs"]["missing"] == "1");

  auto list = d.run({"--now=" + now, "--json", "election", "list"});
  REQUIRE(list.code == 0);
  CHECK(list.json()[0]["term"]["case"] == next);
  CHECK(list.json()[0]["term"]["end"] == "2029-06-08");
  CHECK(list.json()[0]["election"].is_null());
  auto due = d.run({"--now=" + now, "--json", "due"});
  REQUIRE(due.json().size() == 1);
  CHECK(due.json()[0]["id"] == next);
  {
    const auto v = d.run({"verify"});
    INFO(v.out << v.err);
    CHECK(v.code == 0);
  }
}

TEST_CASE("refusals exit 1 and write nothing, bad input exits 2, unknown org or term exits 3", "[cli][election]") {
  Djflow d;
  seed(d, 6);
  CHECK(d.run({"election", "start", "B01"}).code == 3);  // no term yet
  CHECK(d.run({"election", "start", "B99"}).code == 3);
  CHECK(d.run({"--now=2026-01-10", "branch", "term", "B01", "--start", "2023-06-20"}).code == 0);
  auto refused = d.run({"--now=2026-01-10", "--json", "election", "start", "B01", "--committee", "yes"});
  CHECK(refused.code == 1);
  CHECK(refused.error_json()["error"]["rule"] == "E3");
  auto e = d.run({"--now=2026-01-10", "--json", "election", "start", "B01"});
  REQUIRE(e.code == 0);
  const int id = e.json()["id"];
  auto no_ref = rec(d, "2026-01-10", id, "postpone", "2026-01-10", {"to=2026-12-01"});
  CHECK(no_ref.code == 1);
  auto too_far = rec(d, "2026-01-10", id, "postpone", "2026-01-10", {"to=2027-06-21"}, "批复");
  CHECK(too_far.code == 1);
  CHECK(rec(d, "2026-01-10", id, "postpone", "2026-01-10", {"to=someday"}, "批复").code == 2);
  auto ok = rec(d, "2026-01-10", id, "postpone", "2026-01-10", {"to=2027-06-20"}, "批复");
  REQUIRE(ok.code == 0);
  auto list = d.run({"--now=2026-01-10", "--json", "election", "list"});
  CHECK(list.json()[0]["term"]["end"] == "2027-06-20");
  CHECK(list.json()[0]["term"]["original_end"] == "2026-06-20");
  // A second term for an organisation with one in progress is refused.
  CHECK(d.run({"--now=2026-01-10", "branch", "term", "B01", "--start", "2024-01-01"}).code == 1);
}

TEST_CASE("term ends by organisation kind and locality (E7)", "[cli][election][terms]") {
  Djflow d;
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "C1", "--name", "机关党委", "--kind", "committee"}).code == 0);
  REQUIRE(d.run({"branch", "add", "G1", "--name", "第一党总支", "--kind", "general", "--parent", "C1"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B1", "--name", "第一党支部", "--parent", "G1"}).code == 0);
  REQUIRE(d.run({"branch", "add", "V1", "--name", "某村党支部"}).code == 0);
  REQUIRE(d.run({"branch", "add", "S1", "--name", "某社区党总支", "--kind", "general"}).code == 0);
  auto end_of = [&](std::vector<std::string> args) {
    std::vector<std::string> all{"--now=2026-01-10", "--json", "branch", "term"};
    all.insert(all.end(), args.begin(), args.end());
    auto r = d.run(all);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return r.json()["end"].get<std::string>();
  };
  CHECK(end_of({"C1", "--start", "2024-02-29"}) == "2029-02-28");  // committee 5 years, clamped
  CHECK(end_of({"G1", "--start", "2024-02-29"}) == "2027-02-28");  // general branch 3 years
  CHECK(end_of({"B1", "--start", "2023-06-20"}) == "2026-06-20");  // branch 3 years
  CHECK(end_of({"V1", "--start", "2021-03-31", "--village"}) == "2026-03-31");
  CHECK(end_of({"S1", "--start", "2021-08-31", "--community"}) == "2026-08-31");
  // --due-within: terms ending within 90 days of 2026-01-10 (and overdue ones).
  auto soon = d.run({"--now=2026-01-10", "--json", "election", "list", "--due-within", "90"});
  REQUIRE(soon.code == 0);
  REQUIRE(soon.json().size() == 1);
  CHECK(soon.json()[0]["code"] == "V1");
  CHECK(soon.json()[0]["term"]["days_left"] == 80);
  // B1 ends 2026-06-20, 161 days away: the boundary.
  CHECK(d.run({"--now=2026-01-10", "--json", "election", "list", "--due-within", "160"}).json().size() == 1);
  CHECK(d.run({"--now=2026-01-10", "--json", "election", "list", "--due-within", "161"}).json().size() == 2);
  // Text output in Chinese lines up and names the progress.
  auto text = d.run({"--now=2026-01-10", "--lang", "zh", "election", "list"});
  CHECK(text.out.find("未启动") != std::string::npos);
  CHECK(text.out.find("还有 80 天") != std::string::npos);
}

TEST_CASE("size alerts: on branch list/show, election list and check --notify (E1-E4)", "[cli][election][alerts]") {
  Djflow d;
  seed(d, 2);
  auto list = d.run({"--json", "branch", "list"});
  REQUIRE(list.code == 0);
  CHECK(list.json()[0]["full_members"] == 2);
  CHECK(list.json()[0]["alerts"][0]["code"] == "below-3");
  // Adding the third full member clears it; stderr said so while there were two.
  auto third = d.run({"person", "add", "党员3", "--branch", "B01", "--born", "1980-01-01", "--status", "full",
                      "--joined", "2010-07-01"});
  CHECK(third.out == "3\n");
  CHECK(d.run({"--json", "branch", "list"}).json()[0]["alerts"].empty());
  for (int i = 4; i <= 7; ++i)
    REQUIRE(d.run({"person", "add", "党员" + std::to_string(i), "--branch", "B01", "--born", "1980-01-01", "--status",
                   "full", "--joined", "2010-07-01"}).code == 0);
  REQUIRE(d.run({"--now=2026-01-10", "branch", "term", "B01", "--start", "2023-06-20", "--committee", "no"}).code == 0);
  auto show = d.run({"--json", "branch", "show", "B01"});
  REQUIRE(show.code == 0);
  CHECK(show.json()["alerts"][0]["code"] == "committee-needed");
  auto check = d.run({"--now=2026-01-10", "--json", "check", "--notify"});
  REQUIRE(check.code == 0);
  CHECK(check.json()["notified"] == 1);
  CHECK(d.run({"--now=2026-01-10", "--json", "check", "--notify"}).json()["notified"] == 0);  // once per term
  CHECK(d.run({"--lang", "zh", "check"}).out.find("应设立支部委员会") != std::string::npos);
}

TEST_CASE("verify judges an election's start by the membership of its date, not today's", "[cli][election][e2e][verify]") {
  // 7 full members on 2026-03-01: a committee is elected (E3). One of them is removed in May by a
  // self-lapse review; replaying the start with today's 6 full members refused it (E3) and verify
  // failed on a lawful election.
  Djflow d;
  seed(d, 7);
  REQUIRE(d.run({"--now=2026-01-10", "branch", "term", "B01", "--start", "2023-06-20"}).code == 0);
  auto start = d.run({"--now=2026-03-01", "--json", "election", "start", "B01", "--date", "2026-03-01", "--committee", "yes"});
  INFO(start.err);
  REQUIRE(start.code == 0);
  auto opened = d.run({"--now=2026-04-01", "--json", "life", "review", "open", "--person", "党员7", "--reason", "attendance"});
  INFO(opened.err);
  REQUIRE(opened.code == 0);
  const int review = opened.json()["case"];
  REQUIRE(rec(d, "2026-04-10", review, "notify", "2026-04-10").code == 0);
  REQUIRE(rec(d, "2026-05-10", review, "decide", "2026-05-10", {"decision=remove"}, "支部党员大会记录").code == 0);
  REQUIRE(rec(d, "2026-05-20", review, "approve", "2026-05-20", {}, "上级批复").code == 0);
  auto v = d.run({"--now=2026-05-21", "--json", "verify"});
  INFO(v.out << v.err);
  CHECK(v.code == 0);
}
