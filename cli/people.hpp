// Issue 9 §2: people's history of changes and corrections of case histories (cmd_person.cpp,
// cmd_correct.cpp).
#pragma once

#include <ostream>

#include "cli/app.hpp"

namespace djflow::cli {

// person edit, person transfer, person history. REQUIRES: register_admin_commands ran (the
// `person` command exists).
void register_person_commands(CLI::App& app, Cli& cli);
// correct, void
void register_correct_commands(CLI::App& app, Cli& cli);

// A person's changes from the entity history: who, when, what changed, why (person show/history).
engine::Result<Json> person_changes_json(Cli& cli, engine::PersonId id);
void print_person_changes(Cli& cli, engine::PersonId id, std::ostream& o);

// A probationary member gets a development case in probation from the admission date
// (register-probationary), so the end of probation and its reminders exist; false when the
// person is not probationary, has no admission date or already has a development case
// (cmd_import.cpp; used by `import roster` and `person add --status probationary`).
engine::Result<bool> ensure_probation_case(Cli& cli, const engine::Person& p);

}  // namespace djflow::cli
