// The composition point of djflow's workflows: register_all() adds every workflow djflow ships to
// the engine's registry. The CLI calls it once at start-up; tests may call it on their own registry.
#pragma once

#include "engine/workflow.hpp"

namespace djflow::workflows {

// Adds the member-development workflow ("member"), organisation terms ("term") and branch
// elections ("election"); later issues add meetings, ...
void register_all(engine::WorkflowRegistry& registry);

}  // namespace djflow::workflows
