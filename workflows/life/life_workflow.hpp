// Organisational life (组织生活) of one organisation: one `life` case per organisation whose
// history is the ledger of its meetings, talks, dues and appraisal grades, and whose deadlines are
// the current period's duties (rules.md §3.1, §6.3). Plain C++: one state, no machine
// (docs/decisions/0090-organisational-life.md). The kinds and the facts are engine/life.hpp.
#pragma once

#include <memory>

#include "engine/workflow.hpp"

namespace djflow::workflows::life {

// Deadline kinds: one per period length, covering every kind of that period.
inline constexpr const char* kMonthly = "life-month";
inline constexpr const char* kQuarterly = "life-quarter";
inline constexpr const char* kHalfYearly = "life-half";
inline constexpr const char* kYearly = "life-year";

std::unique_ptr<engine::Workflow> make_life_workflow();

}  // namespace djflow::workflows::life
