// The self-lapse review (自行脱党审查, rules.md §3.2 R20, §6.4): a member flagged for six
// consecutive months without organisational life, without paying dues or without doing assigned
// work is investigated, notified and heard, the branch general meeting decides, and the superior
// organisation approves the removal (《中国共产党章程》第九条). One case per member and review; a
// small Boost.MSM machine (lapse_workflow.cpp is its only translation unit).
#pragma once

#include <memory>

#include "engine/workflow.hpp"

namespace djflow::workflows::lapse {

inline constexpr const char* kWorkflow = "lapse";

std::unique_ptr<engine::Workflow> make_lapse_workflow();

}  // namespace djflow::workflows::lapse
