// Registering one rectification item (整改事项) in a batch: its case and its ledger row in one
// transaction. Used by `rectify add`, `import rectify` and the web API.
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
// `seq` receives the item's number in its batch. Used by the web API too (the actor: its user).
engine::Result<engine::StepOutcome> add_rectify_item(engine::Engine& engine, const std::string& actor,
                                                     const engine::RectifyBatch& batch, const NewRectifyItem& a,
                                                     std::int64_t& seq);
inline engine::Result<engine::StepOutcome> add_rectify_item(Cli& cli, const engine::RectifyBatch& batch,
                                                            const NewRectifyItem& a, std::int64_t& seq) {
  return add_rectify_item(*cli.engine, cli.actor, batch, a, seq);
}

// A batch (整改批次): its `rectify-batch` case and its ledger row in one transaction.
struct NewRectifyBatch {
  std::string source, org, title;  // source: a stable id (rect::sources()); title: already defaulted
  engine::Date feedback;
  int months = 0;                  // report deadline in months; 0: the source's default
};
engine::Result<engine::StepOutcome> add_rectify_batch(engine::Engine& engine, const std::string& actor,
                                                      const NewRectifyBatch& a);

}  // namespace djflow::cli
