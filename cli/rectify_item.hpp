// Registering one rectification item (整改事项) in a batch: its case and its ledger row in one
// transaction. Used by `rectify add` and `import rectify`.
#pragma once

#include <string>
#include <vector>

#include "cli/app.hpp"

namespace djflow::cli {

struct NewRectifyItem {
  std::string problem, category, cause, target, measures, leader, department, owner, supporting, type;
  std::string deadline, org, title, note;
  std::vector<std::string> milestones;  // "DATE:TEXT"
  engine::Date date;                    // registration date
};

// Registers the item; the case's first event carries the fields (the workflow checks them).
// `seq` receives the item's number in its batch.
engine::Result<engine::StepOutcome> add_rectify_item(Cli& cli, const engine::RectifyBatch& batch,
                                                     const NewRectifyItem& a, std::int64_t& seq);

}  // namespace djflow::cli
