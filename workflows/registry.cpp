#include "workflows/registry.hpp"

#include "workflows/member/member_workflow.hpp"

namespace djflow::workflows {

void register_all(engine::WorkflowRegistry& registry) {
  registry.add(member::make_member_workflow());
}

}  // namespace djflow::workflows
