// The columns of the import forms (docs/import.md): people (roster), the development pipeline
// (members: one date column per step, in the order of the steps) and the rectification ledger
// (rules.md §4.2). Shared by `import`, `import template` and `export`.
#pragma once

#include <vector>

#include "cli/import_table.hpp"

namespace djflow::cli {

const std::vector<ColumnSpec>& roster_columns();
const std::vector<ColumnSpec>& member_columns();
const std::vector<ColumnSpec>& rectify_columns();

// One step of the pipeline as the members form gives it: the event and its date column (a
// review column may hold several dates), with the columns of its inputs.
struct PipelineStep {
  const char* event;
  const char* date_key;
};
const std::vector<PipelineStep>& pipeline_steps();

}  // namespace djflow::cli
