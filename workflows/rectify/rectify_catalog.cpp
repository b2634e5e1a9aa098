#include "workflows/rectify/rectify_catalog.hpp"

#include <array>
#include <cctype>

namespace djflow::workflows::rectify {
namespace {

const std::array<Label, 6> kItemStates{{
    {"registered", "已登记", "registered"},
    {"in-progress", "整改中", "in progress"},
    {"overdue", "已逾期", "overdue"},
    {"long-term", "长期坚持", "long-term"},
    {"submitted", "申请销号（待验收）", "submitted for close-out"},
    {"closed", "已销号", "closed"},
}};

const std::vector<EventInfo>& item_event_table() {
  static const std::vector<EventInfo> kEvents{
      {"register", "登记整改事项", "register the item", {"登记", "建账", "登记问题"}},
      {"start", "开始整改", "start rectifying", {"启动整改", "开始", "着手整改"}},
      {"progress", "报告整改进展", "progress report", {"进展", "进展情况", "整改进展", "报告进展"}},
      {"milestone", "阶段目标检查", "milestone check-in", {"阶段目标", "阶段检查", "节点检查", "阶段性检查"}},
      {"submit", "申请销号", "submit for close-out", {"销号申请", "提交验收", "申请验收"}},
      {"accept", "验收销号", "accept and close", {"验收", "销号", "验收通过"}},
      {"return", "验收未通过", "return (verification failed)", {"退回", "退回整改", "验收不通过"}},
      {"request-extension", "申请延期", "request an extension", {"延期申请"}},
      {"approve-extension", "批准延期", "approve the extension", {"同意延期", "延期批准"}},
      {"deny-extension", "不予延期", "deny the extension", {"驳回延期", "不同意延期"}},
      {"reopen", "回头看重新整改", "reopen (relapse found)", {"回头看", "重新整改", "问题反弹"}},
      {"overdue", "转为逾期", "overdue", {"逾期"}},
  };
  return kEvents;
}

const std::array<Label, 3> kItemDeadlines{{
    {"deadline", "整改时限", "rectification deadline"},
    {"progress-update", "报送整改进展", "progress update"},
    {"milestone", "阶段目标", "milestone"},
}};

const std::array<Label, 3> kBatchStates{{
    {"open", "整改中（待报告）", "open (report pending)"},
    {"reported", "已报送整改情况报告", "reported"},
    {"closed", "整改总结完成", "closed"},
}};

const std::vector<EventInfo>& batch_event_table() {
  static const std::vector<EventInfo> kEvents{
      {"open", "接收反馈意见", "feedback received", {"反馈", "接收反馈", "建立批次"}},
      {"report", "报送整改情况报告", "send the rectification report", {"报告", "整改报告", "报送报告"}},
      {"publish", "公开整改情况", "publish the rectification", {"公开", "整改公开"}},
      {"close", "整改总结评估", "close after evaluation", {"总结", "评估", "完成"}},
  };
  return kEvents;
}

const std::array<Label, 1> kBatchDeadlines{{
    {"report", "报送整改情况报告", "rectification report"},
}};

const std::array<Label, 8> kSources{{
    {"inspection", "巡视", "inspection tour"},
    {"circuit-inspection", "巡察", "circuit inspection"},
    {"audit", "审计", "audit"},
    {"theme-education", "主题教育", "themed education"},
    {"org-life-meeting", "组织生活会", "organisational-life meeting"},
    {"democratic-life-meeting", "民主生活会", "democratic-life meeting"},
    {"supervision", "上级督查", "supervision by the superior"},
    {"other", "其他", "other"},
}};

const std::array<Label, 3> kTypes{{
    {"immediate", "立行立改", "immediate"},
    {"deadline", "限期整改", "fixed deadline"},
    {"long-term", "长期坚持", "long-term"},
}};

template <class Range>
bool contains(const Range& r, std::string_view id) {
  for (const auto& l : r)
    if (l.id == id) return true;
  return false;
}

}  // namespace

std::span<const Label> item_states() { return kItemStates; }
std::span<const EventInfo> item_events() { return item_event_table(); }
std::span<const Label> item_deadlines() { return kItemDeadlines; }
std::span<const Label> batch_states() { return kBatchStates; }
std::span<const EventInfo> batch_events() { return batch_event_table(); }
std::span<const Label> batch_deadlines() { return kBatchDeadlines; }
std::span<const Label> sources() { return kSources; }
std::span<const Label> item_types() { return kTypes; }

bool valid_source(std::string_view id) { return contains(kSources, id); }
bool valid_type(std::string_view id) { return contains(kTypes, id); }
bool reports_by_default(std::string_view s) { return s == "inspection" || s == "circuit-inspection"; }

std::optional<std::string> resolve(std::span<const EventInfo> events, std::string_view name) {
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) name.remove_prefix(1);
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);
  std::string folded;
  for (char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    folded.push_back(ch == '_' ? '-' : (u < 0x80 ? static_cast<char>(std::tolower(u)) : ch));
  }
  for (const auto& e : events)
    if (e.id == folded || e.zh == name) return std::string(e.id);
  for (const auto& e : events)
    for (auto a : e.aliases)
      if (a == name) return std::string(e.id);
  return std::nullopt;
}

engine::Text label(std::span<const Label> labels, std::string_view id) {
  for (const auto& l : labels)
    if (l.id == id) return {std::string(l.zh), std::string(l.en)};
  return {std::string(id), std::string(id)};
}

engine::Text event_label(std::span<const EventInfo> events, std::string_view id) {
  for (const auto& e : events)
    if (e.id == id) return {std::string(e.zh), std::string(e.en)};
  return {std::string(id), std::string(id)};
}

}  // namespace djflow::workflows::rectify

namespace djflow::workflows::rectify {

std::string_view warning_colour(int days_left) {
  if (days_left > 10) return "green";
  if (days_left > 0) return "yellow";
  return "red";
}

engine::Text warning_label(std::string_view colour) {
  if (colour == "green") return {"绿色预警", "green warning"};
  if (colour == "yellow") return {"黄色预警", "yellow warning"};
  if (colour == "red") return {"红色预警", "red warning"};
  return {std::string(colour), std::string(colour)};
}

}  // namespace djflow::workflows::rectify
