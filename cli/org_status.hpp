// Where each organisation stands for elections: its full members, its current term (the open
// case of the "term" workflow) and term end, its open election case, and the E1-E4 size alerts.
// Read-only; used by `branch list/show`, `election list` and `check`. Built per command from the
// Store (no caching, one thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "workflows/election/election_rules.hpp"

namespace djflow::cli {

struct OrgStatus {
  engine::Branch branch;
  int full_members = 0;
  std::optional<engine::Case> term;                  // the open term case
  workflows::election::TermFacts term_facts;         // valid when term
  std::optional<engine::Date> term_end;              // the open term-end deadline (moved by E9)
  std::optional<engine::Case> election;              // the open election case
  std::vector<workflows::election::Alert> alerts;    // E1-E4
};

// All organisations (or the one named), in code order. NotFound when `only` names none.
engine::Result<std::vector<OrgStatus>> org_statuses(engine::Store& store, const engine::WorkflowRegistry& workflows,
                                                    const std::optional<std::string>& only = std::nullopt);
inline engine::Result<std::vector<OrgStatus>> org_statuses(Cli& cli, const std::optional<std::string>& only = std::nullopt) {
  return org_statuses(*cli.store, *cli.workflows, only);
}

Json alerts_json(const OrgStatus& s, Lang lang);
// `election list --json`, `branch show --json` and GET /api/v1/terms.
Json org_status_json(const OrgStatus& s, engine::Date today, const engine::WorkflowRegistry& workflows, Lang lang);
inline Json org_status_json(const OrgStatus& s, const Cli& cli) {
  return org_status_json(s, cli.engine->today(), *cli.workflows, cli.lang);
}
// Writes "⚠ B01 第一党支部: ..." lines for every alert to `out`.
void print_alerts(const Cli& cli, const std::vector<OrgStatus>& orgs, std::ostream& out);
// The alerts of one organisation, printed to stderr (after a person's status changed).
void warn_size_alerts(Cli& cli, const std::string& branch);

}  // namespace djflow::cli
