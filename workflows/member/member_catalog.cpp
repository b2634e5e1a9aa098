#include "workflows/member/member_catalog.hpp"

#include <array>
#include <cctype>

namespace djflow::workflows::member {
namespace {

const std::array<StateInfo, 17> kStates{{
    {"applicant", "applicant", "入党申请人", "applicant"},
    {"activist", "activist", "入党积极分子", "activist"},
    {"proposed", "candidate", "拟确定为发展对象（待上级党委同意）", "proposed as candidate (awaiting consent)"},
    {"publicity", "candidate", "发展对象公示中", "candidate in publicity"},
    {"candidate", "candidate", "发展对象", "development candidate"},
    {"pre-reviewed", "candidate", "预审合格", "pre-reviewed"},
    {"admitted", "candidate", "支部党员大会已通过接收", "admitted by the branch meeting"},
    {"probationary", "probationary", "预备党员", "probationary member"},
    {"extended", "probationary", "预备党员（延长预备期）", "probationary member (probation extended)"},
    {"conversion-failed", "probationary", "转正未获支部党员大会通过（待决定延长预备期或取消资格）",
     "full membership not passed by the branch meeting (extension or cancellation to decide)"},
    {"conversion-pending", "probationary", "转正待批", "full membership pending approval"},
    {"extension-pending", "probationary", "延长预备期待批", "extension of probation pending approval"},
    {"cancellation-pending", "probationary", "取消预备党员资格待批", "cancellation pending approval"},
    {"full", "full", "正式党员", "full member"},
    {"rejected", "closed", "上级党委未批准", "rejected by the superior committee"},
    {"cancelled", "closed", "已取消预备党员资格", "probationary membership cancelled"},
    {"withdrawn", "closed", "已终止", "withdrawn"},
}};

const std::vector<EventInfo>& events_table() {
  static const std::vector<EventInfo> kEvents{
      {"apply", "递交入党申请书", "submit the application", {"入党申请书", "入党申请", "申请入党", "递交申请"}},
      {"talk", "派人谈话", "talk with the applicant", {"谈话", "党组织派人谈话", "派人谈话"}},
      {"activist", "确定入党积极分子", "determine as activist",
       {"推荐和确定入党积极分子", "确定积极分子", "入党积极分子", "积极分子"}},
      {"mentors", "指定培养联系人", "assign mentors", {"培养联系人", "指定联系人"}},
      {"review", "半年考察", "half-year review", {"考察", "培养教育考察", "培养考察"}},
      {"propose", "确定发展对象", "determine as development candidate", {"发展对象"}},
      {"consent", "上级党委同意", "consent of the superior committee", {"报上级党委同意", "上级同意", "同意"}},
      {"publicize", "公示", "publicity", {"公示期满", "发展对象公示"}},
      {"sponsors", "确定入党介绍人", "choose sponsors", {"入党介绍人", "介绍人"}},
      {"political-review", "政治审查", "political review", {"政审", "进行政治审查"}},
      {"training", "集中培训", "concentrated training", {"培训", "开展集中培训", "短期集中培训"}},
      {"pre-review", "支委会审查、上级预审", "committee review and pre-review",
       {"支委会审查", "上级预审", "上级党委预审", "支部委员会审查", "预审"}},
      {"admit", "支部党员大会讨论接收", "branch meeting admits",
       {"支部大会讨论接收", "接收预备党员", "接收"}},
      {"interview", "上级党委派人谈话", "interview by the superior committee", {"上级谈话", "派人谈话（上级）"}},
      {"approve", "上级党委审批", "approval by the superior committee", {"审批", "上级审批", "批准"}},
      {"reject", "审批未通过", "rejection by the superior committee",
       {"未通过", "不予批准", "未批准", "上级党委不批准", "不同意"}},
      {"oath", "入党宣誓", "oath", {"宣誓"}},
      {"apply-full", "提出转正申请", "apply for full membership", {"转正申请", "递交转正申请"}},
      {"convert", "支部党员大会讨论转正", "branch meeting on full membership",
       {"转正", "支部大会讨论转正", "讨论转正"}},
      {"approve-full", "上级党委审批转正", "approval of full membership", {"审批转正", "转正审批"}},
      {"extend", "支部党员大会讨论延长预备期", "branch meeting extends probation",
       {"延长预备期", "延期", "讨论延长预备期"}},
      {"approve-extension", "上级党委审批延长预备期", "approval of the extension",
       {"审批延长预备期", "批准延长预备期", "延长预备期审批"}},
      {"cancel", "支部党员大会讨论取消预备党员资格", "branch meeting cancels probationary membership",
       {"取消预备党员资格", "取消资格", "讨论取消预备党员资格"}},
      {"approve-cancel", "上级党委审批取消预备党员资格", "approval of the cancellation",
       {"审批取消预备党员资格", "批准取消预备党员资格", "审批取消资格", "取消资格审批"}},
      {"archive", "材料归档", "archive the materials", {"归档"}},
      {"withdraw", "终止", "withdraw", {"撤回", "终止发展"}},
      // A probationary member taken in from a roster (issue 9): the case starts in probation on
      // the admission date, so the end of probation and its reminders exist.
      {"register-probationary", "登记预备党员", "register a probationary member",
       {"预备党员登记", "登记为预备党员", "预备党员建档"}},
  };
  return kEvents;
}

const std::array<LabelInfo, 6> kStages{{
    {"applicant", "入党申请人", "applicant"},
    {"activist", "入党积极分子", "activist"},
    {"candidate", "发展对象", "development candidate"},
    {"probationary", "预备党员", "probationary member"},
    {"full", "正式党员", "full member"},
    {"closed", "已终止", "closed"},
}};

const std::array<LabelInfo, 11> kDeadlines{{
    {"talk", "派人谈话", "talk with the applicant"},
    {"review", "半年考察", "half-year review"},
    {"eligible", "可确定为发展对象", "eligible to be proposed as candidate"},
    {"admit-meeting", "支部党员大会讨论接收", "branch meeting on admission"},
    {"approval", "上级党委审批", "approval by the superior committee"},
    {"oath", "入党宣誓", "oath"},
    {"probation-end", "预备期满", "end of probation"},
    {"full-approval", "上级党委审批转正", "approval of full membership"},
    {"extension-approval", "上级党委审批延长预备期", "approval of the extension"},
    {"cancel-approval", "上级党委审批取消预备党员资格", "approval of the cancellation"},
    {"archive", "材料归档", "archiving of the materials"},
}};

const std::array<LabelInfo, 4> kFlags{{
    {"calendar-unknown", "节假日数据缺失：该年度工作日仅按周末计算，导入日历后须复核（djflow check）",
     "no holiday data for that year: working days counted by weekends only; recheck after "
     "calendar import (djflow check)"},
    {"small-branch", "支部正式党员不足3人，按实践不能召开党员大会讨论发展（D29），须由上级党组织调整",
     "the branch has fewer than 3 full members; in practice it cannot hold this meeting (D29)"},
    {"eligible-differs", "应到会有表决权的党员人数与登记的正式党员人数不一致（原因见备注）",
     "eligible voters differ from the full members registered (reason in the note)"},
    {"vote-failed", "表决未通过", "the vote did not pass"},
}};

engine::Text make_text(std::string_view zh, std::string_view en) {
  return {std::string(zh), std::string(en)};
}

template <class Range>
engine::Text label_in(const Range& range, std::string_view id) {
  for (const auto& l : range) {
    if (l.id == id) return make_text(l.zh, l.en);
  }
  return make_text(id, id);
}

}  // namespace

std::span<const StateInfo> state_infos() { return kStates; }
std::span<const EventInfo> event_infos() { return events_table(); }
std::span<const LabelInfo> stage_infos() { return kStages; }
std::span<const LabelInfo> deadline_infos() { return kDeadlines; }

const StateInfo* find_state(std::string_view name) {
  for (const auto& s : kStates) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const EventInfo* find_event(std::string_view id) {
  for (const auto& e : events_table()) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

std::optional<std::string> resolve_event_name(std::string_view name) {
  // Trim ASCII blanks; ids are matched case-insensitively with '_' accepted for '-'.
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) name.remove_prefix(1);
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);
  std::string folded;
  folded.reserve(name.size());
  for (char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    folded.push_back(ch == '_' ? '-' : (u < 0x80 ? static_cast<char>(std::tolower(u)) : ch));
  }
  for (const auto& e : events_table()) {
    if (e.id == folded || e.zh == name) return std::string(e.id);
  }
  for (const auto& e : events_table()) {
    for (auto alias : e.aliases) {
      if (alias == name) return std::string(e.id);
    }
  }
  return std::nullopt;
}

engine::Text state_text(std::string_view state) {
  if (const auto* s = find_state(state)) return make_text(s->zh, s->en);
  return make_text(state, state);
}

engine::Text event_text(std::string_view event) {
  if (const auto* e = find_event(event)) return make_text(e->zh, e->en);
  return make_text(event, event);
}

engine::Text stage_text(std::string_view stage) { return label_in(kStages, stage); }
engine::Text deadline_text(std::string_view kind) { return label_in(kDeadlines, kind); }
engine::Text flag_text(std::string_view flag) { return label_in(kFlags, flag); }

}  // namespace djflow::workflows::member
