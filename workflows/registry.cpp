#include "workflows/registry.hpp"

#include "workflows/election/election_workflow.hpp"
#include "workflows/lapse/lapse_workflow.hpp"
#include "workflows/life/life_workflow.hpp"
#include "workflows/member/member_workflow.hpp"
#include "workflows/rectify/rectify_workflow.hpp"

namespace djflow::workflows {

void register_all(engine::WorkflowRegistry& registry) {
  registry.add(member::make_member_workflow());
  registry.add(rectify::make_rectify_workflow());
  registry.add(rectify::make_rectify_batch_workflow());
  registry.add(election::make_term_workflow());
  registry.add(election::make_election_workflow());
  registry.add(life::make_life_workflow());
  registry.add(lapse::make_lapse_workflow());
}

}  // namespace djflow::workflows
