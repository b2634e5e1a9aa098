// The 25 steps of member development (五个阶段25个步骤, the flow chart of the 2014 细则; rules.md
// §1.1) and which of the workflow's events record each of them. Steps the workflow does not
// record as events of their own (上级党委备案, 填写入党志愿书, 编入党支部和党小组, ...) are done
// together with the event named in `with`. Step 8 follows the rule version of the case's own
// `propose` (2014: 报上级党委备案, done with propose; 2026: 报上级党委同意 and the 公示, decision
// 0040, docs/workflows/member.md "Rule versions"). Pure data, no Boost.MSM.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/date.hpp"
#include "engine/model.hpp"
#include "engine/text.hpp"

namespace djflow::workflows::member {

struct FlowStep {
  int n = 0;                             // 1..25
  int stage = 0;                         // 1..5 (I 申请入党 ... V 预备党员的教育考察和转正)
  engine::Text label;
  std::vector<std::string> events;       // events that record it (all of them: done)
  std::string with;                      // no event of its own: done with this event
  std::vector<std::string> deadlines;    // deadline kinds that belong to it
};

// The label of flow-chart stage 1..5.
engine::Text flow_stage_label(int stage);
// The rule version the case's flow chart follows: its `propose` event's, else the text in force
// on `today` (the version the workflow will judge the step under).
std::string flow_version(const std::vector<engine::EventRecord>& history, engine::Date today);
// The 25 steps, in order, as the text of `version` ("2014" | "2026") reads them.
std::vector<FlowStep> flow_steps(std::string_view version);

}  // namespace djflow::workflows::member
