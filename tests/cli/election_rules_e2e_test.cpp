// Black-box checks of the election rules an outside test of rules.md §2 found missing (issue 8,
// items 10-13), each at its boundary: the approval needs its document (E19), an early meeting
// needs an approved advance (E9), a meeting held by the term end is on time whatever the
// approval date (E9), and nominees who are registered must be full members (E10).
#include <catch2/catch.hpp>

#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;

namespace {

// B01 with 9 full members (党员1..9, full since 2010) and a term 2023-06-18 .. 2026-06-18.
int seed(const Djflow& d) {
  REQUIRE(d.run({"init"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
  for (int i = 1; i <= 9; ++i) {
    REQUIRE(d.run({"person", "add", "党员" + std::to_string(i), "--branch", "B01", "--born", "1980-01-01",
                   "--status", "full", "--joined", "2010-07-01"}).code == 0);
  }
  auto term = d.run({"--now=2026-01-10", "--json", "branch", "term", "B01", "--start", "2023-06-18"});
  REQUIRE(term.code == 0);
  REQUIRE(term.json()["end"] == "2026-06-18");
  return term.json()["id"];
}

int person(const Djflow& d, const std::string& name, const std::string& status, const std::string& joined) {
  std::vector<std::string> args{"--json", "person", "add", name, "--branch", "B01", "--born", "1985-01-01",
                                "--status", status};
  if (!joined.empty()) args.insert(args.end(), {"--joined", joined});
  auto r = d.run(args);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return r.json()["id"];
}

RunResult rec(const Djflow& d, int id, const std::string& event, const std::string& date,
              std::vector<std::string> with = {}, const std::string& ref = "", const std::string& lang = "en") {
  std::vector<std::string> args{"--now=2026-07-31", "--json", "--lang", lang, "record", std::to_string(id), event,
                                "--date", date};
  for (const auto& w : with) args.insert(args.end(), {"--with", w});
  if (!ref.empty()) args.insert(args.end(), {"--ref", ref});
  return d.run(args);
}

void ok(const Djflow& d, int id, const std::string& event, const std::string& date, std::vector<std::string> with = {},
        const std::string& ref = "") {
  auto r = rec(d, id, event, date, with, ref);
  INFO(event << " " << date << ": " << r.err);
  REQUIRE(r.code == 0);
}

// An election of B01 up to the candidates' approval: candidates on 2026-05-05 (early: 2026-03-05).
int to_candidates_approved(const Djflow& d, const std::string& nominees = "甲,乙,丙,丁", bool early = false) {
  auto start = d.run({"--now=2026-03-01", "--json", "election", "start", "B01", "--date", "2026-03-01"});
  REQUIRE(start.code == 0);
  const int id = start.json()["id"];
  ok(d, id, "request", early ? "2026-03-02" : "2026-04-10", {}, "党支部〔2026〕3号");
  ok(d, id, "reply", early ? "2026-03-03" : "2026-04-20", {}, "党委〔2026〕5号");
  ok(d, id, "nominate", early ? "2026-03-04" : "2026-04-25");
  ok(d, id, "candidates", early ? "2026-03-05" : "2026-05-05", {"seats=3", "nominees=" + nominees});
  ok(d, id, "candidates-approved", early ? "2026-03-05" : "2026-05-05");
  return id;
}

const std::vector<std::string> kVote{"should-attend=9", "present=9", "issued=9", "returned=9",
                                     "votes=甲:9,乙:8,丙:7,丁:1"};

std::string state_of(const Djflow& d, int id) { return d.run({"--json", "show", std::to_string(id)}).json()["state"]; }

}  // namespace

TEST_CASE("approve needs the approval's reference (E19): without --ref refused, with it accepted", "[cli][election][rules]") {
  Djflow d;
  seed(d);
  const int id = to_candidates_approved(d);
  ok(d, id, "meeting", "2026-06-08", kVote);
  ok(d, id, "officers", "2026-06-09", {"secretary=甲", "deputy=乙"});
  ok(d, id, "report", "2026-06-10", {}, "党支部〔2026〕8号");

  auto refused = rec(d, id, "approve", "2026-06-25", {}, "", "zh");
  CHECK(refused.code == 1);
  CHECK(refused.error_json()["error"]["rule"] == "E19");
  const std::string message = refused.error_json()["error"]["message"];
  CHECK(message.find("《中国共产党章程》第三十一条") != std::string::npos);
  CHECK(message.find("--ref") != std::string::npos);
  auto blank = rec(d, id, "approve", "2026-06-25", {}, "  ");
  CHECK(blank.code == 1);
  CHECK(state_of(d, id) == "reported");  // nothing written

  auto approved = rec(d, id, "approve", "2026-06-25", {}, "党委〔2026〕9号");
  REQUIRE(approved.code == 0);
  CHECK(approved.json()["state"] == "approved");
}

TEST_CASE("an election meeting more than 30 days before the term end needs an approved advance (E9)", "[cli][election][rules]") {
  SECTION("31 days before is refused, 30 days before is on time") {
    Djflow d;
    seed(d);
    const int id = to_candidates_approved(d);
    auto early = rec(d, id, "meeting", "2026-05-18", kVote, "", "zh");
    CHECK(early.code == 1);
    const auto err = early.error_json()["error"];
    CHECK(err["rule"] == "E9");
    CHECK(err["possible_from"] == "2026-05-19");
    CHECK(err["message"].get<std::string>().find("《中国共产党基层组织选举工作条例》第三条") != std::string::npos);
    CHECK(err["message"].get<std::string>().find("advance") != std::string::npos);
    CHECK(state_of(d, id) == "candidates-approved");
    auto en = rec(d, id, "meeting", "2026-05-18", kVote);
    CHECK(en.error_json()["error"]["message"].get<std::string>().find("31 days before the term end") != std::string::npos);
    ok(d, id, "meeting", "2026-05-19", kVote);
    CHECK(state_of(d, id) == "elected");
  }
  SECTION("with an approved advance the meeting is measured against the advanced date") {
    Djflow d;
    seed(d);
    const int id = to_candidates_approved(d, "甲,乙,丙,丁", true);
    CHECK(rec(d, id, "meeting", "2026-03-10", kVote).code == 1);
    // The advance itself needs the approval (E9, as before).
    CHECK(rec(d, id, "advance", "2026-03-06", {"to=2026-04-10"}).code == 1);
    ok(d, id, "advance", "2026-03-06", {"to=2026-04-10"}, "党委〔2026〕2号");
    CHECK(rec(d, id, "meeting", "2026-03-10", kVote).code == 1);  // 31 days before 04-10
    ok(d, id, "meeting", "2026-03-11", kVote);
    CHECK(state_of(d, id) == "elected");
  }
  SECTION("the grace is a setting: 0 days means not before the term end") {
    Djflow d;
    seed(d);
    REQUIRE(d.run({"config", "set", "election.early_grace_days", "0"}).code == 0);
    const int id = to_candidates_approved(d);
    CHECK(rec(d, id, "meeting", "2026-06-17", kVote).code == 1);
    ok(d, id, "meeting", "2026-06-18", kVote);
  }
}

TEST_CASE("an election is on time when its meeting is held by the term end, whatever the approval date (E9)", "[cli][election][rules]") {
  auto run = [](const std::string& meeting_on) {
    Djflow d;
    const int term = seed(d);
    const int id = to_candidates_approved(d);
    ok(d, id, "meeting", meeting_on, kVote);
    ok(d, id, "officers", meeting_on, {"secretary=甲"});
    ok(d, id, "report", meeting_on, {}, "党支部〔2026〕8号");
    ok(d, id, "approve", "2026-06-30", {}, "党委〔2026〕9号");
    auto history = d.run({"--json", "history", std::to_string(term)});
    REQUIRE(history.code == 0);
    const auto renew = history.json().back();
    REQUIRE(renew["event"] == "renew");
    CHECK(renew["inputs"]["held"] == meeting_on);
    auto text = d.run({"--lang", "zh", "history", std::to_string(term)});
    return std::make_pair(renew["late"].get<bool>(), text.out.find("逾期") != std::string::npos);
  };
  SECTION("meeting 06-16 and on the last day 06-18, approval 06-30: not late") {
    CHECK(run("2026-06-16") == std::make_pair(false, false));
    CHECK(run("2026-06-18") == std::make_pair(false, false));
  }
  SECTION("meeting 06-19, the day after the term end: late") { CHECK(run("2026-06-19") == std::make_pair(true, true)); }
}

TEST_CASE("registered nominees must be full members (E10), unknown names are flagged unregistered", "[cli][election][rules]") {
  Djflow d;
  seed(d);
  const int probationary = person(d, "预备甲", "probationary", "2026-01-01");
  const int recent = person(d, "张三", "full", "2026-05-05");
  person(d, "李四", "full", "2010-07-01");
  // A second 李四 in the same branch needs a distinguishing key (issue 9).
  REQUIRE(d.run({"person", "add", "李四", "--branch", "B01", "--born", "1985-01-01", "--status", "full", "--joined",
                 "2012-07-01", "--key", "GH-0002"}).code == 0);
  REQUIRE(d.run({"branch", "add", "B02", "--name", "第二党支部"}).code == 0);
  auto other = d.run({"--json", "person", "add", "外支部", "--branch", "B02", "--born", "1980-01-01", "--status", "full",
                      "--joined", "2010-07-01"});
  REQUIRE(other.code == 0);
  const int elsewhere = other.json()["id"];

  auto start = d.run({"--now=2026-03-01", "--json", "election", "start", "B01", "--date", "2026-03-01"});
  REQUIRE(start.code == 0);
  const int id = start.json()["id"];
  ok(d, id, "request", "2026-04-10", {}, "党支部〔2026〕3号");
  ok(d, id, "reply", "2026-04-20", {}, "党委〔2026〕5号");
  ok(d, id, "nominate", "2026-04-25");

  // A probationary member, by id or by name: refused, citing 第五条.
  for (const std::string& who : {"#" + std::to_string(probationary), std::to_string(probationary), std::string("预备甲")}) {
    auto r = rec(d, id, "candidates", "2026-05-05", {"seats=3", "nominees=党员1,党员2,党员3," + who}, "", "zh");
    INFO(who);
    CHECK(r.code == 1);
    CHECK(r.error_json()["error"]["rule"] == "E10");
    CHECK(r.error_json()["error"]["message"].get<std::string>().find("《中国共产党基层组织选举工作条例》第五条") !=
          std::string::npos);
  }
  // Full since 2026-05-05: the day before refused (possible from that day), that day accepted.
  auto before = rec(d, id, "candidates", "2026-05-04", {"seats=3", "nominees=党员1,党员2,党员3,张三"});
  CHECK(before.code == 1);
  CHECK(before.error_json()["error"]["possible_from"] == "2026-05-05");
  // Two people named 李四: ambiguous, name the person id (exit 2); a person of another branch: 3.
  CHECK(rec(d, id, "candidates", "2026-05-05", {"seats=3", "nominees=党员1,党员2,党员3,李四"}).code == 2);
  CHECK(rec(d, id, "candidates", "2026-05-05", {"seats=3", "nominees=党员1,党员2,党员3,#" + std::to_string(elsewhere)}).code == 3);
  CHECK(state_of(d, id) == "nominating");

  auto accepted = rec(d, id, "candidates", "2026-05-05", {"seats=3", "nominees=党员1,#" + std::to_string(recent) + ",党员3,王五"});
  INFO(accepted.err);
  REQUIRE(accepted.code == 0);
  const auto event = accepted.json()["event"];
  CHECK(event["inputs"]["nominees"] == "党员1,张三,党员3,王五");  // ids are stored by name
  CHECK(event["inputs"]["person-ids"] == "党员1:1,张三:" + std::to_string(recent) + ",党员3:3");
  CHECK(event["inputs"]["unregistered"] == "王五");
  CHECK(event["flags"] == nlohmann::json::array({"unregistered"}));
  auto shown = d.run({"--lang", "zh", "show", std::to_string(id)});
  CHECK(shown.out.find("候选人中有未登记人员") != std::string::npos);
  CHECK(shown.out.find("未登记人员：王五") != std::string::npos);  // the 备注 column in words (issue 9)
  auto shown_en = d.run({"--lang", "en", "show", std::to_string(id)});
  CHECK(shown_en.out.find("nominees not in the register") != std::string::npos);
  // The vote names them by name.
  ok(d, id, "candidates-approved", "2026-05-10");
  ok(d, id, "meeting", "2026-06-08",
     {"should-attend=12", "present=12", "issued=12", "returned=12", "votes=党员1:12,张三:11,党员3:10,王五:1"});
  CHECK(state_of(d, id) == "elected");
}
