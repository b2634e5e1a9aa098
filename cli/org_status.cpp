#include "cli/org_status.hpp"

#include <algorithm>
#include <map>

namespace djflow::cli {

using engine::Error;
namespace el = workflows::election;

engine::Result<std::vector<OrgStatus>> org_statuses(engine::Store& store, const engine::WorkflowRegistry& workflows,
                                                    const std::optional<std::string>& only) {
  auto branches = store.list_branches();
  DJFLOW_TRY(branches);
  std::vector<OrgStatus> out;
  for (const auto& b : branches.value()) {
    if (only && b.code != *only) continue;
    OrgStatus s;
    s.branch = b;
    out.push_back(std::move(s));
  }
  if (only && out.empty())
    return Error::not_found({"组织不存在：" + *only, "no organisation " + *only});

  std::map<std::string, OrgStatus*> by_code;
  for (auto& s : out) by_code[s.branch.code] = &s;

  engine::CaseFilter terms;
  terms.workflow = "term";
  terms.states = std::vector<std::string>{"in-term"};
  if (only) terms.branch = *only;
  auto term_cases = store.list_cases(terms);
  DJFLOW_TRY(term_cases);
  for (const auto& c : term_cases.value()) {
    auto it = by_code.find(c.branch);
    if (it == by_code.end()) continue;
    auto history = store.events(c.id);
    DJFLOW_TRY(history);
    it->second->term = c;
    it->second->term_facts = el::derive_term_facts(history.value());
    it->second->term_end = it->second->term_facts.end();
  }
  // The open deadline is the authority on the term end (it moves with E9 postponements).
  engine::DeadlineFilter df;
  df.workflow = "term";
  if (only) df.branch = *only;
  auto deadlines = store.list_open_deadlines(df);
  DJFLOW_TRY(deadlines);
  for (const auto& r : deadlines.value()) {
    auto it = by_code.find(r.c.branch);
    if (it != by_code.end() && r.deadline.kind == "term-end" && it->second->term && it->second->term->id == r.c.id)
      it->second->term_end = r.deadline.due;
  }

  engine::CaseFilter elections;
  elections.workflow = "election";
  if (only) elections.branch = *only;
  auto election_cases = store.list_cases(elections);
  DJFLOW_TRY(election_cases);
  const auto* ewf = workflows.find("election");
  for (const auto& c : election_cases.value()) {
    auto it = by_code.find(c.branch);
    if (it == by_code.end() || (ewf && ewf->closed(c.state))) continue;
    it->second->election = c;
  }

  for (auto& s : out) {
    auto full = store.count_full_members(s.branch.code);
    DJFLOW_TRY(full);
    s.full_members = full.value();
    std::optional<bool> committee;
    if (s.term) committee = s.term_facts.committee;
    s.alerts = el::size_alerts(s.branch.kind, s.full_members, committee);
  }
  return out;
}

Json alerts_json(const OrgStatus& s, Lang lang) {
  Json arr = Json::array();
  for (const auto& a : s.alerts)
    arr.push_back({{"code", a.code}, {"rule", a.rule}, {"text", a.text.in(lang)}, {"text_zh", a.text.zh},
                   {"text_en", a.text.en}});
  return arr;
}

Json org_status_json(const OrgStatus& s, engine::Date today, const engine::WorkflowRegistry& workflows, Lang lang) {
  Json j = {{"code", s.branch.code},
            {"name", s.branch.name},
            {"kind", s.branch.kind},
            {"parent", s.branch.parent},
            {"full_members", s.full_members}};
  if (s.term) {
    j["term"] = {{"case", s.term->id},
                 {"start", s.term_facts.start.iso()},
                 {"years", s.term_facts.years},
                 {"original_end", s.term_facts.original_end.iso()},
                 {"end", s.term_end ? Json(s.term_end->iso()) : Json(nullptr)},
                 {"days_left", s.term_end ? Json(today.days_until(*s.term_end)) : Json(nullptr)},
                 {"committee", s.term_facts.committee},
                 {"locality", s.term_facts.locality}};
  } else {
    j["term"] = nullptr;
  }
  if (s.election) {
    const auto* wf = workflows.find("election");
    j["election"] = {{"case", s.election->id},
                     {"state", s.election->state},
                     {"label", wf ? tr(lang, wf->state_label(s.election->state)) : s.election->state}};
  } else {
    j["election"] = nullptr;
  }
  j["alerts"] = alerts_json(s, lang);
  return j;
}

void print_alerts(const Cli& cli, const std::vector<OrgStatus>& orgs, std::ostream& out) {
  for (const auto& s : orgs)
    for (const auto& a : s.alerts)
      out << tr(cli.lang, "提示 ", "alert ") << s.branch.code << " " << s.branch.name << ": " << tr(cli.lang, a.text)
          << "\n";
}

void warn_size_alerts(Cli& cli, const std::string& branch) {
  auto orgs = org_statuses(cli, branch);
  if (!orgs) return;  // an alert is advice; the command itself has succeeded
  if (cli.json) return;
  print_alerts(cli, orgs.value(), *cli.err);
}

}  // namespace djflow::cli
