#include "cli/input_labels.hpp"

#include <charconv>
#include <string_view>

namespace djflow::cli {

namespace {

struct KeyLabel {
  std::string_view key;
  std::string_view zh;
};

constexpr KeyLabel kKeys[] = {
    {"mentors", "培养联系人"},       {"sponsors", "入党介绍人"},       {"person-ids", "人员"},
    {"from", "自"},                  {"to", "至"},                     {"result", "结论"},
    {"days", "培训天数"},            {"hours", "培训学时"},            {"leaving", "即将离开本单位"},
    {"eligible", "应到会有表决权党员"}, {"present", "实到会"},         {"yes", "赞成"},
    {"months", "月数"},              {"reason", "理由"},               {"probation-from", "预备期起算日"},
    {"report-due", "报告期限"},      {"unregistered", "未登记人员"},   {"days-overdue", "逾期天数"},
    {"committee", "设委员会"},       {"locality", "所在地"},           {"years", "任期年数"},
    {"nominees", "候选人"},          {"votes", "得票"},                {"report", "整改报告"},
    {"held", "召开日期"},            {"due", "期限"},                  {"tied", "得票相等"},
    {"term-end", "任期届满日"},      {"secretary", "书记"},            {"deputy", "副书记"},
    {"seats", "应选名额"},           {"returned", "收回选票"},         {"issued", "发出选票"},
    {"elected", "当选"},             {"excluded", "不计入应到会人数"}, {"missing", "缺席"},
    {"majority", "过半数"},          {"full-members", "正式党员人数"}, {"evidence", "佐证材料"},
    {"leader-report", "主要负责人组织落实情况报告"}, {"verifier", "验收人"}, {"approver", "审批人"},
    {"problem", "问题表现"},         {"category", "问题类别"},         {"cause", "原因分析"},
    {"target", "整改目标"},          {"measures", "整改措施"},         {"leader", "责任领导"},
    {"department", "责任部门"},      {"owner", "责任人"},              {"supporting", "配合部门"},
    {"type", "整改类型"},            {"deadline", "整改时限"},         {"milestones", "阶段目标"},
    {"source", "问题来源"},          {"report-months", "报告期限（月）"}, {"term-case", "任期事项"},
    {"batch", "整改批次"},           {"feedback", "收到反馈日期"},     {"start", "开始日期"},
    {"kind", "组织类别"},            {"title", "标题"},                {"org", "党组织"},
};

constexpr KeyLabel kValues[] = {
    {"pass", "通过"},
    {"fail", "未通过"},
    {"yes", "是"},
    {"no", "否"},
    {"village", "村"},
    {"community", "社区"},
    {"none", "其他"},
    {"immediate", "立行立改"},
    {"deadline", "限期整改"},
    {"long-term", "长期坚持"},
    {"inspection", "巡视"},
    {"circuit-inspection", "巡察"},
    {"audit", "审计"},
    {"theme-education", "主题教育"},
    {"org-life-meeting", "组织生活会"},
    {"democratic-life-meeting", "民主生活会"},
    {"supervision", "监督检查"},
    {"other", "其他"},
    {"branch", "党支部"},
    {"general", "党总支"},
};

std::string key_zh(std::string_view key) {
  for (const auto& k : kKeys)
    if (k.key == key) return std::string(k.zh);
  return std::string(key);
}

std::string value_zh(std::string_view key, std::string_view value) {
  if (key == "committee" && value == "committee") return "基层党委";
  for (const auto& v : kValues)
    if (v.key == value) return std::string(v.zh);
  return std::string(value);
}

// "1,11" -> "李老师、王老师" (a number that names no one stays a number, marked #).
std::string people_zh(const Cli& cli, std::string_view ids) {
  std::string out;
  while (!ids.empty()) {
    const auto comma = ids.find(',');
    const std::string_view one = ids.substr(0, comma);
    ids = comma == std::string_view::npos ? std::string_view{} : ids.substr(comma + 1);
    if (const auto colon = one.find(':'); colon != std::string_view::npos) {  // "name:id" pairs
      out += (out.empty() ? "" : "、") + std::string(one.substr(0, colon));
      continue;
    }
    std::int64_t id = 0;
    const auto [p, ec] = std::from_chars(one.data(), one.data() + one.size(), id);
    std::string name = "#" + std::string(one);
    if (ec == std::errc{} && p == one.data() + one.size() && cli.store) {
      auto person = cli.store->find_person(id);
      if (person && person.value()) name = person.value()->name;
    }
    out += (out.empty() ? "" : "、") + name;
  }
  return out;
}

}  // namespace

std::string step_detail_text(const Cli& cli, const engine::EventRecord& e) {
  std::string detail = e.note;
  const bool zh = cli.lang == Lang::Zh;
  const char* sep = zh ? "；" : "; ";
  for (const auto& [k, v] : e.inputs) {
    if (!detail.empty()) detail += sep;
    if (!zh) {
      detail += k + "=" + v;
    } else if (k == "mentors" || k == "sponsors" || k == "person-ids") {
      detail += key_zh(k) + "：" + people_zh(cli, v);
    } else if (k == "term-case") {
      detail += key_zh(k) + " #" + v;
    } else {
      detail += key_zh(k) + "：" + value_zh(k, v);
    }
  }
  if (!e.ref.empty()) detail += (detail.empty() ? "" : sep) + (zh ? "材料编号：" : std::string("ref=")) + e.ref;
  return detail;
}

}  // namespace djflow::cli
