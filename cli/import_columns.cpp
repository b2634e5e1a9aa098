#include "cli/import_columns.hpp"

namespace djflow::cli {

namespace {
const std::vector<std::string> kStatuses{"正式党员", "预备党员", "入党积极分子", "入党申请人", "群众"};
}

const std::vector<ColumnSpec>& roster_columns() {
  static const std::vector<ColumnSpec> k{
      {"name", "姓名", "name", {}, true, "姓名（必填）", {}},
      {"org", "所在组织", "organisation", {"组织", "党支部", "org", "branch"}, true, "组织代码或名称（djflow branch list）", {}},
      {"born", "出生日期", "born", {"出生年月", "birth date"}, true, "如 1990-05-01、1990/5/1、1990年5月1日", {}},
      {"status", "政治面貌", "status", {}, true, "正式党员、预备党员、入党积极分子、入党申请人、群众", kStatuses},
      {"joined", "入党时间", "joined", {"入党日期", "joined date"}, false,
       "正式党员：转正日期（党龄起算）；预备党员：支部大会接收日期；其余不填", {}},
      {"key", "工号", "key", {"人员编号", "employee id"}, false, "可选：单位内唯一的编号，用于区分同名人员", {}},
      {"phone", "手机号", "phone", {"手机", "mobile"}, false, "可选：11 位手机号，用于群机器人 @ 提醒", {}},
  };
  return k;
}

const std::vector<ColumnSpec>& member_columns() {
  static const std::vector<ColumnSpec> k{
      {"name", "姓名", "name", {}, true, "姓名（必填）", {}},
      {"org", "所在组织", "organisation", {"组织", "党支部", "org", "branch"}, true, "组织代码或名称", {}},
      {"born", "出生日期", "born", {"出生年月", "birth date"}, true, "如 2000-05-01", {}},
      {"key", "工号", "key", {"人员编号", "employee id"}, false, "可选：唯一编号", {}},
      {"apply_date", "递交入党申请书日期", "apply date", {"申请入党日期", "入党申请日期"}, true, "已办理的步骤填日期，未办理的留空", {}},
      {"talk_date", "派人谈话日期", "talk date", {"谈话日期"}, false, "", {}},
      {"activist_date", "确定积极分子日期", "activist date", {"确定入党积极分子日期"}, false, "", {}},
      {"mentors_date", "指定培养联系人日期", "mentors date", {}, false, "", {}},
      {"mentors", "培养联系人", "mentors", {}, false, "姓名，用顿号分隔，须已登记在同一组织", {}},
      {"review_dates", "考察日期", "review dates", {"半年考察日期"}, false, "可填多个日期，用顿号分隔", {}},
      {"propose_date", "确定发展对象日期", "propose date", {}, false, "", {}},
      {"consent_date", "上级党委同意日期", "consent date", {}, false, "2026年细则施行后才有此步骤", {}},
      {"publicize_from", "公示开始日期", "publicity from", {}, false, "2026年细则施行后", {}},
      {"publicize_date", "公示结束日期", "publicity to", {}, false, "2026年细则施行后", {}},
      {"sponsors_date", "确定入党介绍人日期", "sponsors date", {}, false, "", {}},
      {"sponsors", "入党介绍人", "sponsors", {}, false, "两名正式党员姓名，用顿号分隔", {}},
      {"political_review_date", "政治审查日期", "political review date", {"政审日期"}, false, "", {}},
      {"political_review_result", "政审结论", "political review result", {}, false, "合格或不合格（默认合格）", {"合格", "不合格"}},
      {"training_date", "集中培训日期", "training date", {"培训日期"}, false, "", {}},
      {"training_days", "培训天数", "training days", {}, false, "天数或学时至少填一项", {}},
      {"training_hours", "培训学时", "training hours", {}, false, "", {}},
      {"pre_review_date", "预审日期", "pre-review date", {"支委会审查日期"}, false, "", {}},
      {"admit_date", "支部大会接收日期", "admit date", {"接收预备党员日期"}, false, "", {}},
      {"admit_eligible", "接收应到人数", "admit eligible", {}, false, "有表决权的正式党员人数", {}},
      {"admit_present", "接收实到人数", "admit present", {}, false, "", {}},
      {"admit_yes", "接收赞成票", "admit yes", {}, false, "", {}},
      {"interview_date", "上级党委谈话日期", "interview date", {"上级谈话日期"}, false, "", {}},
      {"approve_date", "上级党委审批日期", "approve date", {"审批日期"}, false, "审批后即为预备党员", {}},
      {"oath_date", "入党宣誓日期", "oath date", {"宣誓日期"}, false, "", {}},
      {"apply_full_date", "转正申请日期", "apply-full date", {}, false, "", {}},
      {"convert_date", "支部大会讨论转正日期", "convert date", {"讨论转正日期"}, false, "", {}},
      {"convert_eligible", "转正应到人数", "convert eligible", {}, false, "", {}},
      {"convert_present", "转正实到人数", "convert present", {}, false, "", {}},
      {"convert_yes", "转正赞成票", "convert yes", {}, false, "", {}},
      {"approve_full_date", "审批转正日期", "approve-full date", {}, false, "审批后即为正式党员", {}},
      {"archive_date", "材料归档日期", "archive date", {"归档日期"}, false, "", {}},
      {"note", "备注", "note", {}, false, "逾期或人数不符时的说明，记入接收、审批、转正步骤", {}},
      {"state", "当前状态", "state", {}, false, "导出时填写，导入时不读", {}},
      {"case", "流程编号", "case", {}, false, "导出时填写，导入时不读", {}},
  };
  return k;
}

const std::vector<PipelineStep>& pipeline_steps() {
  static const std::vector<PipelineStep> k{
      {"apply", "apply_date"},          {"talk", "talk_date"},
      {"activist", "activist_date"},    {"mentors", "mentors_date"},
      {"review", "review_dates"},       {"propose", "propose_date"},
      {"consent", "consent_date"},      {"publicize", "publicize_date"},
      {"sponsors", "sponsors_date"},    {"political-review", "political_review_date"},
      {"training", "training_date"},    {"pre-review", "pre_review_date"},
      {"admit", "admit_date"},          {"interview", "interview_date"},
      {"approve", "approve_date"},      {"oath", "oath_date"},
      {"apply-full", "apply_full_date"}, {"convert", "convert_date"},
      {"approve-full", "approve_full_date"}, {"archive", "archive_date"},
  };
  return k;
}

const std::vector<ColumnSpec>& rectify_columns() {
  static const std::vector<ColumnSpec> k{
      {"seq", "序号", "no.", {}, false, "可不填", {}},
      {"source", "问题来源", "source", {}, false, "与批次一致，可不填", {}},
      {"category", "问题类别", "category", {}, false, "", {}},
      {"problem", "问题表现", "problem", {}, true, "具体问题（必填）", {}},
      {"cause", "原因分析", "cause", {}, false, "", {}},
      {"target", "整改目标", "target", {}, false, "", {}},
      {"measures", "整改措施", "measures", {}, true, "必填", {}},
      {"leader", "责任领导", "leader", {}, true, "姓名（必填）", {}},
      {"department", "责任部门", "department", {}, true, "必填", {}},
      {"owner", "责任人", "owner", {}, true, "姓名（必填）", {}},
      {"supporting", "配合部门", "supporting", {}, false, "", {}},
      {"type", "整改类型", "type", {}, true, "立行立改、限期整改、长期坚持", {"立行立改", "限期整改", "长期坚持"}},
      {"deadline", "整改时限", "deadline", {}, false, "限期整改必填", {}},
      {"milestones", "阶段目标", "milestones", {}, false, "长期坚持必填：每行“日期 内容”", {}},
      {"date", "登记日期", "registered", {}, false, "默认今天；开始整改也记为此日", {}},
      // What happened since (rules.md §4.2), as `rectify export` writes it: replayed step by step.
      {"progress", "进展情况", "progress", {"整改进展"}, false, "每行“日期 进展”；阶段目标检查写“日期 阶段目标检查：内容”", {}},
      {"completion", "完成情况", "completion", {}, false, "未启动、整改中、已申请销号，待验收、已完成整改", {}},
      {"evidence", "佐证材料", "evidence", {}, false, "材料名称，多份用“；”分隔（依次对应各次销号申请）", {}},
      {"submits", "销号申请", "close-out request", {"销号申请日期"}, false, "每行“日期 说明”", {}},
      {"opinions", "审核意见", "review opinion", {}, false, "每行“日期 验收通过：意见”或“日期 验收未通过：理由”", {}},
      {"verifiers", "验收人", "verifier", {}, false, "姓名（不能是责任人）", {}},
      {"closed", "销号时间", "close-out date", {}, false, "验收通过的日期", {}},
      {"extensions", "延期申请及批准", "extensions", {"延期申请"}, false,
       "每行“日期 申请延期至 日期（理由）”“日期 姓名 批准延期”或“日期 姓名 不予延期”", {}},
      {"note", "备注", "note", {}, false, "", {}},
      {"state", "当前状态", "state", {}, false, "导出时填写；导入时核对", {}},
      {"item", "事项编号", "item", {}, false, "导出时填写，导入时不读", {}},
  };
  return k;
}

}  // namespace djflow::cli
