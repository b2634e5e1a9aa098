// The web's hot answers (a case, a recorded step) are written straight into their text
// (cli/json_text.hpp, case_view_json_text) instead of through a tree of nlohmann values: they
// must be the very bytes the tree printed, for every text a case can hold (docs/performance.md,
// the web's fifth round).
#include "web_fixture.hpp"

#include "cli/case_json.hpp"
#include "cli/json_text.hpp"
#include "cli/web_internal.hpp"
#include "workflows/registry.hpp"

using namespace web_test;
using djflow::cli::Json;
using djflow::cli::JsonText;

namespace {

std::string tree_text(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Texts that test every escape and every way UTF-8 can be malformed.
const std::vector<std::string>& hard_texts() {
  static const std::vector<std::string> t = {
      "", "张三", "<script>alert(1)</script>", "a\"b\\c/d", "\b\f\n\r\t", std::string("nul\0x", 5), "\x01\x1f\x7f",
      "emoji \xF0\x9F\x98\x80", "\xC3\xA9t\xC3\xA9",
      "\xC0\xAF",              // overlong '/'
      "\xED\xA0\x80",          // a surrogate
      "\xF4\x90\x80\x80",      // above U+10FFFF
      "\xE4\xB8",              // cut short at the end
      "\xE4\xB8x\xE4\xB8\x89", // cut short inside
      "\x80", "\xFF", "ok\xFE" "ok"};
  return t;
}

}  // namespace

TEST_CASE("web: JsonText writes strings, numbers and nesting as nlohmann's dump does", "[web][json]") {
  for (const auto& s : hard_texts()) {
    JsonText j;
    j.value(s);
    CHECK(j.str() == tree_text(Json(s)));
  }
  JsonText j;
  j.begin_object().member("a", std::int64_t{-9223372036854775807 - 1}).member("b", true).key("c").null();
  j.key("d").begin_array().value(std::int64_t{0}).value(std::string("x")).begin_object().end_object().begin_array().end_array().end_array();
  j.member("e", 42).key("f").begin_object().member("g", false).end_object().end_object();
  CHECK(j.str() == tree_text(Json{{"a", std::int64_t{-9223372036854775807 - 1}},
                                  {"b", true},
                                  {"c", nullptr},
                                  {"d", {0, "x", Json::object(), Json::array()}},
                                  {"e", 42},
                                  {"f", {{"g", false}}}}));
}

TEST_CASE("web: a case's answer written straight is the tree's text, byte for byte", "[web][json]") {
  djflow::engine::WorkflowRegistry workflows;
  djflow::workflows::register_all(workflows);
  const auto today = *djflow::engine::Date::parse("2024-06-01");
  djflow::engine::CaseView v;
  v.workflow = workflows.find("member");
  REQUIRE(v.workflow != nullptr);
  v.c.id = 7;
  v.c.workflow = "member";
  v.c.branch = "B01";
  v.c.state = "activist";
  v.c.version = 5;
  v.allowed = {"mentors", "review"};
  std::int64_t seq = 0;
  for (const auto& s : hard_texts()) {
    djflow::engine::EventRecord e;
    e.case_id = 7;
    e.seq = ++seq;
    e.event = seq == 1 ? "apply" : "talk";
    e.date = today.add_days(-100 + static_cast<int>(seq));
    e.actor = s;
    e.note = s;
    e.ref = s + "ref";
    e.inputs = {{"with:" + s, s}, {"mentors", "1,2"}};
    e.rule_version = "2014";
    e.from_state = "applicant";
    e.to_state = "activist";
    e.flags = {"late:talk", s};
    e.hash = "h" + std::to_string(seq);
    v.history.push_back(e);
  }
  // A correction and a void (corrected_by, voided_by), and deadlines late, due and a milestone.
  djflow::engine::EventRecord fix = v.history[1];
  fix.seq = ++seq;
  fix.event = djflow::engine::kEventCorrect;
  fix.inputs = {{"corrects", "2"}, {"with:mentors", "1"}};
  v.history.push_back(fix);
  djflow::engine::EventRecord voided = v.history[2];
  voided.seq = ++seq;
  voided.event = djflow::engine::kEventVoid;
  voided.inputs = {{"voids", "3"}};
  v.history.push_back(voided);
  for (const auto& [kind, days, milestone] : std::vector<std::tuple<std::string, int, bool>>{
           {"review", -3, false}, {"talk", 0, false}, {"candidate", 20, true}}) {
    djflow::engine::Deadline d;
    d.kind = kind;
    d.due = today.add_days(days);
    d.milestone = milestone;
    v.deadlines.push_back(d);
  }
  for (const auto l : {djflow::cli::Lang::Zh, djflow::cli::Lang::En}) {
    for (const bool person : {false, true}) {
      v.c.person = person ? std::optional<djflow::engine::PersonId>(3) : std::nullopt;
      v.c.title = person ? "张三" : "<b>\"x\"</b>";
      // `show --json`'s shape (a recorded step adds "recorded" last) ...
      Json step = djflow::cli::case_view_json(v, today, l);
      CHECK(djflow::cli::case_view_json_text(v, today, l) == tree_text(step));
      djflow::cli::CaseJsonExtras rec;
      rec.recorded = &v.history.back();
      step["recorded"] = {{"seq", v.history.back().seq}, {"event", v.history.back().event}};
      CHECK(djflow::cli::case_view_json_text(v, today, l, rec) == tree_text(step));
      // ... and GET /api/v1/cases/{id}'s (labels, allowed_steps, workflow_label).
      djflow::cli::CaseJsonExtras page;
      page.page = true;
      CHECK(djflow::cli::case_view_json_text(v, today, l, page) ==
            tree_text(djflow::cli::web::case_page_json(v, today, l)));
    }
  }
}
