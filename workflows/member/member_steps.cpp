#include "workflows/member/member_steps.hpp"

#include "workflows/member/member_rules.hpp"

namespace djflow::workflows::member {

engine::Text flow_stage_label(int stage) {
  switch (stage) {
    case 1: return {"申请入党", "application"};
    case 2: return {"入党积极分子的确定和培养教育", "activist: determination and training"};
    case 3: return {"发展对象的确定和考察", "development candidate: determination and review"};
    case 4: return {"预备党员的接收", "admission as probationary member"};
    default: return {"预备党员的教育考察和转正", "probation and full membership"};
  }
}

std::string flow_version(const std::vector<engine::EventRecord>& history, engine::Date today) {
  for (const auto& e : history)
    if (e.event == "propose" && !e.rule_version.empty()) return e.rule_version;
  return rule_version_on(today);
}

std::vector<FlowStep> flow_steps(std::string_view version) {
  const bool v2026 = version == kRules2026;
  std::vector<FlowStep> s{
      {1, 1, {"递交入党申请书", "submit the application"}, {"apply"}, "", {}},
      {2, 1, {"党组织派人谈话", "the Party organisation talks with the applicant"}, {"talk"}, "", {"talk"}},
      {3, 2, {"推荐和确定入党积极分子", "recommend and determine as activist"}, {"activist"}, "", {}},
      {4, 2, {"上级党委备案", "filed with the superior committee"}, {}, "activist", {}},
      {5, 2, {"指定培养联系人", "assign mentors"}, {"mentors"}, "", {}},
      {6, 2, {"培养教育考察", "training and observation"}, {"review"}, "", {"review"}},
      {7, 3, {"确定发展对象", "determine as development candidate"}, {"propose"}, "", {"eligible"}},
      v2026 ? FlowStep{8, 3, {"报上级党委同意并公示", "consent of the superior committee and publicity"},
                       {"consent", "publicize"}, "", {}}
            : FlowStep{8, 3, {"报上级党委备案", "filed with the superior committee"}, {}, "propose", {}},
      {9, 3, {"确定入党介绍人", "choose sponsors"}, {"sponsors"}, "", {}},
      {10, 3, {"进行政治审查", "political review"}, {"political-review"}, "", {}},
      {11, 3, {"开展集中培训", "concentrated training"}, {"training"}, "", {}},
      {12, 4, {"支部委员会审查", "review by the branch committee"}, {"pre-review"}, "", {}},
      {13, 4, {"上级党委预审", "pre-review by the superior committee"}, {"pre-review"}, "", {}},
      {14, 4, {"填写入党志愿书", "fill in the application form (入党志愿书)"}, {}, "admit", {}},
      {15, 4, {"支部党员大会讨论", "the branch general meeting discusses the admission"}, {"admit"}, "", {"admit-meeting"}},
      {16, 4, {"上级党委派人谈话", "interview by the superior committee"}, {"interview"}, "", {}},
      {17, 4, {"上级党委审批", "approval by the superior committee"}, {"approve"}, "", {"approval"}},
      {18, 4, {"再上一级党委组织部门备案", "filed with the next-higher organisation department"}, {}, "approve", {}},
      {19, 5, {"编入党支部和党小组", "assigned to a branch and a Party group"}, {}, "approve", {}},
      {20, 5, {"入党宣誓", "oath"}, {"oath"}, "", {"oath"}},
      {21, 5, {"继续教育考察", "continued education and observation"}, {}, "convert", {"probation-end"}},
      {22, 5, {"提出转正申请", "apply for full membership"}, {"apply-full"}, "", {}},
      {23, 5, {"支部党员大会讨论（转正）", "the branch general meeting discusses full membership"}, {"convert"}, "", {}},
      {24, 5, {"上级党委审批（转正）", "approval of full membership"}, {"approve-full"}, "", {"full-approval"}},
      {25, 5, {"材料归档", "archive the materials"}, {"archive"}, "", {"archive"}},
  };
  return s;
}

}  // namespace djflow::workflows::member
