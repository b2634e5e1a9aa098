// Starting an organisation's election (换届选举): `election start` and POST /api/v1/elections.
// The open term supplies the dates; the step's rules are the election workflow's.
#pragma once

#include <string>

#include "cli/org_status.hpp"

namespace djflow::cli {

struct NewElection {
  std::string code;       // organisation
  engine::Date date;      // the committee decided to hold the election
  int years = 0;          // next term; 0: by kind and locality (E7)
  std::string committee;  // "yes" | "no" | "" (E3 default)
  std::string note, ref;
};

// NotFound without a recorded term; Refused when an election is already open. `org` receives the
// organisation's status before the start (for the command's text).
engine::Result<engine::StepOutcome> start_election(engine::Engine& engine, engine::Store& store, const std::string& actor,
                                                   const NewElection& a, OrgStatus& org);

}  // namespace djflow::cli
