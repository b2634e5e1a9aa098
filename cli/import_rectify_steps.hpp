// The rectification ledger's columns after registration (rules.md §4.2: 进展情况, 完成情况, 佐证材料,
// 销号申请, 审核意见, 验收人, 销号时间, 延期申请及批准, 备注, 当前状态) read into the item's steps, dated,
// in the order they happened, for `import rectify` to record through the workflow (so every guard
// applies). The cells are read as `rectify export` writes them (docs/import.md).
#pragma once

#include <string>
#include <vector>

#include "cli/import_table.hpp"
#include "engine/workflow.hpp"

namespace djflow::cli {

struct LedgerStep {
  engine::Date date;
  int order = 0;     // among steps of one day
  std::string key;   // the column it came from (for the report)
  engine::StepInput in;
};

struct LedgerPlan {
  std::string note;                    // 备注 without the lines djflow writes (逾期, 回头看)
  std::string deadline;                // 整改时限 as registered ("（原定 …）" when extended since)
  std::vector<std::string> milestones; // "DATE:TEXT" (a "（已检查）" mark dropped)
  std::vector<LedgerStep> steps;       // after `register`, sorted by date and order
};

// Reads the row's ledger columns; problems go to `sh` (row and column named). `type` is the
// item's type id (immediate, deadline, long-term), `registered` its registration date.
LedgerPlan plan_ledger_row(ImportSheet& sh, const ImportRow& r, const std::string& type, engine::Date registered,
                           const std::string& actor);

}  // namespace djflow::cli
