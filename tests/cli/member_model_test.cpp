// Model-based test (issue 7 §5): random sequences of `djflow record` on one member-development
// case, run against the real binary and against a small in-memory model of the rules of the
// first stages (docs/workflows/member.md: D3 talk deadline, D5 talk before activist, D7 mentors,
// D8 six-monthly review, D12 one year as activist and mentors before propose, withdraw with a
// note, steps not before the previous one). After every step the exit code, the state and the
// open deadlines (kind and due date) must agree. A failure prints the seed and the steps so far.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/date.hpp"
#include "support/cli_runner.hpp"

using djflow::engine::Date;
using djflow::testing::Djflow;

namespace {

struct Step {
  std::string event;
  Date date;
  std::vector<std::string> with;
  std::string note;
};

// The model: what the rules say should happen, written from the documentation, not the code.
struct Model {
  std::string state = "applicant";
  Date applied;
  Date last;  // the latest step's date
  bool talked = false;
  std::optional<Date> activist, last_review;
  bool mentors = false;

  static bool valid_mentors(const std::vector<std::string>& with) {
    return with == std::vector<std::string>{"mentors=1"} || with == std::vector<std::string>{"mentors=1,2"};
  }

  // The exit code the step should have, applying it when it is 0.
  int apply(const Step& s) {
    if (s.date < last) return 2;  // before the previous step: invalid input
    if (s.event == "withdraw") {
      if (s.note.empty()) return 2;
      if (state == "withdrawn") return 1;
      state = "withdrawn";
      last = s.date;
      return 0;
    }
    if (s.event == "talk") {
      if (state != "applicant") return 1;
      talked = true;
    } else if (s.event == "activist") {
      if (state != "applicant" || !talked) return 1;  // D5
      state = "activist";
      activist = s.date;
    } else if (s.event == "mentors") {
      if (state != "activist") return 1;
      if (s.with == std::vector<std::string>{"mentors=99"}) return 2;  // nobody with that id
      if (!valid_mentors(s.with)) return 1;  // D7: 1-2 distinct full members, not the person
      mentors = true;
    } else if (s.event == "review") {
      if (state != "activist") return 1;
      last_review = s.date;
    } else if (s.event == "propose") {
      if (state != "activist") return 1;
      if (s.date < activist->add_years(1) || !mentors) return 1;  // D12
      state = "proposed";  // every date here is under the 2026 rules
    } else {
      return 1;  // an event with no row out of these states (approve, convert, ...)
    }
    last = s.date;
    return 0;
  }

  // Open deadlines, kind -> due date.
  std::map<std::string, std::string> deadlines() const {
    std::map<std::string, std::string> out;
    if (state == "applicant" && !talked) out["talk"] = applied.add_months(1).iso();  // D3
    if (state == "activist") {
      const Date base = last_review && *last_review >= *activist ? *last_review : *activist;
      out["review"] = base.add_months(6).iso();         // D8
      out["eligible"] = activist->add_years(1).iso();   // D12 milestone
    }
    return out;
  }
};

// "kind due, ..." for the failure message.
std::string text(const std::map<std::string, std::string>& deadlines) {
  std::string out;
  for (const auto& [kind, due] : deadlines) out += (out.empty() ? "" : ", ") + kind + " " + due;
  return out;
}

Step random_step(std::mt19937& rng, const Model& m) {
  static const std::vector<std::string> events = {"talk", "talk", "activist", "activist", "mentors", "mentors",
                                                  "review", "review", "propose", "propose", "withdraw", "approve"};
  Step s;
  s.event = events[std::uniform_int_distribution<std::size_t>(0, events.size() - 1)(rng)];
  // Mostly forward in time, by up to 200 days; sometimes back before the previous step.
  const int back = std::uniform_int_distribution<int>(0, 14)(rng) == 0 ? -std::uniform_int_distribution<int>(1, 30)(rng) : 0;
  s.date = m.last.add_days(back != 0 ? back : std::uniform_int_distribution<int>(0, 200)(rng));
  if (s.event == "mentors") {
    static const std::vector<std::string> values = {"1", "1,2", "1,2", "1,2,3", "1,1", "5", "99"};
    s.with = {"mentors=" + values[std::uniform_int_distribution<std::size_t>(0, values.size() - 1)(rng)]};
  }
  if (s.event == "withdraw" && std::uniform_int_distribution<int>(0, 1)(rng) == 0) s.note = "本人申请终止";
  return s;
}

}  // namespace

TEST_CASE("random step sequences: the binary agrees with a model of the member rules after every step",
          "[cli][member][model]") {
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
    Djflow d;
    REQUIRE(d.run({"init"}).code == 0);
    REQUIRE(d.run({"branch", "add", "B01", "--name", "第一党支部"}).code == 0);
    for (const char* name : {"李老师", "王老师", "赵老师", "钱老师"}) {
      REQUIRE(d.run({"person", "add", name, "--branch", "B01", "--born", "1980-01-01", "--status", "full",
                     "--joined", "2005-07-01"}).code == 0);
    }
    REQUIRE(d.run({"person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"}).out == "5\n");
    const std::string now = "--now=2031-12-31";
    REQUIRE(d.run({now, "member", "apply", "5", "--date", "2026-05-20"}).code == 0);

    Model m;
    m.applied = m.last = *Date::parse("2026-05-20");
    std::mt19937 rng(seed);
    std::ostringstream trail;
    for (int i = 0; i < 20 && m.state != "withdrawn" && m.last < *Date::parse("2031-06-01"); ++i) {
      const Step s = random_step(rng, m);
      std::vector<std::string> args = {now, "--json", "record", "1", s.event, "--date", s.date.iso()};
      for (const auto& w : s.with) args.insert(args.end(), {"--with", w});
      if (!s.note.empty()) args.insert(args.end(), {"--note", s.note});
      trail << "  " << s.event << " " << s.date.iso() << (s.with.empty() ? "" : " " + s.with[0])
            << (s.note.empty() ? "" : " (note)") << "\n";
      const int expected = m.apply(s);
      const auto r = d.run(args);
      INFO("seed " << seed << ", steps:\n" << trail.str() << "djflow said: " << r.err);
      REQUIRE(r.code == expected);

      auto show = d.run({now, "--json", "show", "1"});
      REQUIRE(show.code == 0);
      const auto j = show.json();
      REQUIRE(j["state"] == m.state);
      std::map<std::string, std::string> open;
      for (const auto& dl : j["deadlines"]) open[dl["kind"]] = dl["due"];
      REQUIRE(text(open) == text(m.deadlines()));
    }
    CHECK(d.run({"verify"}).code == 0);
  }
}
