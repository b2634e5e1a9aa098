// The front-end base every djflow machine shares: an MSM state_machine_def that judges one step.
// The machine holds a pointer to the workflow's Judgement (the step, its facts, the result being
// built and the refusal, if any); guards call judge(rule), which normalises the inputs once and
// keeps a refusal in the judgement instead of asserting; no_transition and exception_caught are
// overridden (MSM's defaults assert) to record the failure there too.
// Requirements on Judgement: members `step`, `result.to_state`, `error` (optional Error),
// `inputs_checked` and `no_transition`; `normalize_inputs(step)` and the rule functions return an
// optional Error and are found by argument-dependent lookup in the workflow's namespace. Derived
// declares `static constexpr const char* kWorkflowName`, `no_message_queue` and `initial_state`.
#pragma once

#include <boost/msm/front/state_machine_def.hpp>

#include <exception>
#include <string>
#include <string_view>

#include "engine/error.hpp"

namespace djflow::workflows::msm_support {

template <class Derived, class Judgement>
struct JudgingMachineDef : boost::msm::front::state_machine_def<Derived> {
  Judgement* judgement = nullptr;  // the step being judged; null when only probing
  int entries = 0;                 // entry actions run (restore must not run any)

  void entered(std::string_view name) {
    ++entries;
    if (judgement != nullptr) judgement->result.to_state = std::string(name);
  }

  // Runs the input check once, then `rule` (may be null); a refusal is kept in the judgement.
  template <class RuleFn>
  bool judge(RuleFn rule) {
    if (judgement == nullptr) return false;
    auto& j = *judgement;
    if (!j.inputs_checked) {
      if (auto e = normalize_inputs(j.step)) {
        j.error = std::move(e);
        return false;
      }
      j.inputs_checked = true;
    }
    if (rule != nullptr) {
      if (auto e = rule(j.step)) {
        j.error = std::move(e);
        return false;
      }
    }
    return true;
  }

  template <class Fsm, class Event>
  void no_transition(const Event&, Fsm&, int) {
    if (judgement != nullptr) judgement->no_transition = true;
  }
  template <class Fsm, class Event>
  void exception_caught(const Event&, Fsm&, std::exception& e) {
    if (judgement != nullptr) {
      judgement->error =
          engine::Error::storage(std::string(Derived::kWorkflowName) + " workflow: " + e.what());
    }
  }
};

}  // namespace djflow::workflows::msm_support
