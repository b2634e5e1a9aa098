// Terms and elections in the web API (换届选举, issue 11 §3/§4): every organisation's term with
// its days left (as `election list --json`), one election with its steps and vote counts, and
// starting an election (as `election start`). An election's later steps are steps of its case:
// POST /api/v1/cases/{id}/steps with `with` {seats, nominees, votes, present, ...}.
#include <algorithm>

#include "cli/election_start.hpp"
#include "cli/org_status.hpp"
#include "cli/web_internal.hpp"
#include "workflows/election/election_rules.hpp"

namespace djflow::cli {

using engine::Text;
using engine::runtime::HttpResponse;
using namespace web;
namespace el = workflows::election;

namespace {

// Red: the term has ended; yellow: it ends within 6 months (time to prepare the election);
// green: later.
std::string term_colour(int days_left) {
  if (days_left < 0) return "red";
  if (days_left <= 183) return "yellow";
  return "green";
}

std::string input_of(const engine::Inputs& in, const char* key) {
  auto it = in.find(key);
  return it == in.end() ? std::string() : it->second;
}

Json count_or_null(const engine::Inputs& in, const char* key) {
  const auto v = el::parse_count(input_of(in, key));
  return v ? Json(*v) : Json(nullptr);
}

Json names(const std::string& text) {
  Json out = Json::array();
  if (auto v = el::parse_names(text)) out = *v;
  return out;
}

}  // namespace

HttpResponse WebApp::terms(Call& c) {
  int within = -1;
  if (const auto w = c.q.param("within"); !w.empty()) {
    const auto v = el::parse_count(w);
    if (!v || *v > 36600)
      return plain_error(400, "invalid_input", Text{"within 应为天数（非负整数）", "within must be a number of days"}, c.lang);
    within = *v;
  }
  auto orgs = org_statuses(ctx_.store, ctx_.workflows);
  if (!orgs) return error_answer(orgs.error(), c.lang);
  const auto today = ctx_.engine.today();
  std::vector<OrgStatus> rows;
  for (auto& s : orgs.value()) {
    if (!c.in_scope(s.branch.code)) continue;
    if (within >= 0 && (!s.term_end || today.days_until(*s.term_end) > within)) continue;
    rows.push_back(std::move(s));
  }
  // As `election list`: soonest term end first; organisations without a recorded term last.
  std::stable_sort(rows.begin(), rows.end(), [](const OrgStatus& x, const OrgStatus& y) {
    if (x.term_end.has_value() != y.term_end.has_value()) return x.term_end.has_value();
    return x.term_end && *x.term_end < *y.term_end;
  });
  Json out = Json::array();
  for (const auto& s : rows) {
    Json j = org_status_json(s, today, ctx_.workflows, c.lang);
    if (s.term_end) j["term"]["colour"] = term_colour(today.days_until(*s.term_end));
    out.push_back(std::move(j));
  }
  return json_answer(200, out);
}

HttpResponse WebApp::election(Call& c, engine::CaseId id) {
  auto found = ctx_.store.find_case(id);
  if (!found) return error_answer(found.error(), c.lang);
  if (!found.value() || found.value()->workflow != "election" || !c.in_scope(found.value()->branch))
    return not_found(c.lang);
  auto v = ctx_.engine.show(id);
  if (!v) return error_answer(v.error(), c.lang);
  const auto& wf = *v.value().workflow;
  Json j = {{"case", case_page_json(v.value(), ctx_.engine.today(), c.lang)}};
  // Where the election stands (the rules' own facts) and each meeting's counts with its result.
  const auto f = el::derive_facts(v.value().history);
  j["facts"] = {{"committee", f.committee},
                {"years", f.years},
                {"term_end", f.term_end.iso()},
                {"due", f.effective_end().iso()},
                {"seats", f.seats},
                {"nominees", f.nominees},
                {"elected", f.elected},
                {"tied", f.tied},
                {"missing", f.missing},
                {"voted_on", f.voted_on ? Json(f.voted_on->iso()) : Json(nullptr)},
                {"secretary", f.secretary},
                {"deputy", f.deputy}};
  Json meetings = Json::array();
  for (const auto& e : v.value().history) {
    if (e.event != "meeting" && e.event != "supplementary" && e.event != "invalid-meeting") continue;
    Json votes = Json::array();
    if (auto parsed = el::parse_votes(input_of(e.inputs, "votes")))
      for (const auto& vote : *parsed) votes.push_back({{"name", vote.name}, {"yes", vote.yes}});
    meetings.push_back({{"date", e.date.iso()},
                        {"event", e.event},
                        {"label", tr(c.lang, wf.event_label(e.event))},
                        {"should_attend", count_or_null(e.inputs, "should-attend")},
                        {"excluded", count_or_null(e.inputs, "excluded")},
                        {"present", count_or_null(e.inputs, "present")},
                        {"issued", count_or_null(e.inputs, "issued")},
                        {"returned", count_or_null(e.inputs, "returned")},
                        {"seats", count_or_null(e.inputs, "seats")},
                        {"majority", count_or_null(e.inputs, "majority")},
                        {"missing", count_or_null(e.inputs, "missing")},
                        {"votes", votes},
                        {"elected", names(input_of(e.inputs, "elected"))},
                        {"tied", names(input_of(e.inputs, "tied"))}});
  }
  j["meetings"] = meetings;
  return json_answer(200, j);
}

HttpResponse WebApp::start_election(Call& c) {
  if (auto no = require_role(*c.who, engine::Role::Secretary, c.lang)) return *no;
  Json body;
  if (auto bad = parse_body(c.q, c.lang, body)) return *bad;
  NewElection a;
  for (const auto& [name, field] : std::vector<std::pair<const char*, std::string*>>{
           {"org", &a.code}, {"committee", &a.committee}, {"note", &a.note}, {"ref", &a.ref}}) {
    auto v = text_field(body, name, std::string_view(name) == "org");
    if (!v) return error_answer(v.error(), c.lang);
    *field = v.value();
  }
  // Another branch answers as one that does not exist.
  if (!c.in_scope(a.code))
    return plain_error(404, "not_found", Text{"组织不存在或不在您的权限范围内", "no such organisation in your scope"}, c.lang);
  if (!a.committee.empty() && a.committee != "yes" && a.committee != "no")
    return plain_error(400, "invalid_input", Text{"committee 应为 yes 或 no", "committee must be yes or no"}, c.lang);
  if (body.contains("years")) {
    if (!body["years"].is_number_integer() || body["years"].get<int>() < 1 || body["years"].get<int>() > 10)
      return plain_error(400, "invalid_input", Text{"years 应为 1 到 10 的整数", "years must be an integer 1..10"}, c.lang);
    a.years = body["years"].get<int>();
  }
  auto date = date_field(body, "date");
  if (!date) return error_answer(date.error(), c.lang);
  a.date = date.value().value_or(ctx_.engine.today());
  return write(c, [&]() -> HttpResponse {
    OrgStatus org;
    auto o = cli::start_election(ctx_.engine, ctx_.store, c.who->user.name, a, org);
    if (!o) return error_answer(o.error(), c.lang);
    auto v = ctx_.engine.show(o->c.id);
    if (!v) return error_answer(v.error(), c.lang);
    return json_answer(201, case_page_json(v.value(), ctx_.engine.today(), c.lang));
  });
}

}  // namespace djflow::cli
