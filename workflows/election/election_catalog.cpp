#include "workflows/election/election_catalog.hpp"

#include <array>
#include <cctype>

namespace djflow::workflows::election {
namespace {

const std::array<StateInfo, 13> kElectionStates{{
    {"preparing", "preparing", "筹备换届（支委会研究）", "preparing (committee decided to hold the election)"},
    {"requested", "preparing", "已向上级请示", "request (请示) sent to the superior"},
    {"authorized", "preparing", "上级已批复同意换届", "election authorised by the superior (批复)"},
    {"nominating", "nominating", "酝酿推荐、形成初步人选", "nominating (preliminary list)"},
    {"candidates-submitted", "nominating", "候选人预备人选已报上级审查", "candidate list submitted for review"},
    {"candidates-approved", "nominating", "候选人预备人选已获批复", "candidate list approved"},
    {"meeting-invalid", "voting", "选举大会无效，须重新召开", "election meeting invalid; a new meeting is needed"},
    {"shortfall", "voting", "当选人数少于应选人数，须另行选举", "fewer elected than seats; supplementary vote needed"},
    {"elected", "voting", "已选出新一届委员（书记）", "new committee (secretary) elected"},
    {"officers-elected", "approving", "书记、副书记已选出", "secretary and deputy elected"},
    {"reported", "approving", "选举结果已报上级审批", "result reported for approval"},
    {"approved", "closed", "上级已批准，新一届任期开始", "approved; the new term has begun"},
    {"cancelled", "closed", "已撤销", "cancelled"},
}};

const std::vector<EventInfo>& election_events() {
  static const std::vector<EventInfo> kEvents{
      {"start", "启动换届", "start the election", {"换届启动", "研究换届", "支委会研究换届"}},
      {"request", "向上级请示", "send the request (请示)", {"请示", "书面请示", "换届请示"}},
      {"reply", "上级批复", "superior's reply (批复)", {"批复", "同意换届"}},
      {"nominate", "酝酿推荐", "nominate (preliminary list)", {"推荐", "推荐提名", "初步人选"}},
      {"candidates", "候选人预备人选报审", "submit the candidate list", {"预备人选", "候选人预备人选", "报审"}},
      {"candidates-approved", "候选人预备人选批复", "candidate list approved", {"候选人批复", "预备人选批复"}},
      {"meeting", "召开党员大会选举", "election meeting (党员大会)", {"党员大会", "选举大会", "选举"}},
      {"invalid-meeting", "选举大会无效", "election meeting invalid", {"会议无效", "选举无效"}},
      {"supplementary", "另行选举", "supplementary vote", {"补选"}},
      {"accept-shortfall", "经同意不再选举", "stop with fewer elected (with consent)", {"不再另行选举"}},
      {"officers", "选举书记、副书记", "elect the secretary and deputy", {"书记副书记", "选举书记", "第一次全体会议"}},
      {"report", "报上级审批", "report the result", {"上报", "报批", "报告选举结果"}},
      {"approve", "上级批准", "superior's approval", {"approved", "批准", "批复选举结果"}},
      {"postpone", "延期换届", "postpone (approved)", {"延期", "推迟换届"}},
      {"advance", "提前换届", "advance (approved)", {"提前"}},
      {"cancel", "撤销", "cancel", {"取消"}},
  };
  return kEvents;
}

const std::array<LabelInfo, 5> kElectionStages{{
    {"preparing", "筹备", "preparing"},
    {"nominating", "提名", "nominating"},
    {"voting", "选举", "voting"},
    {"approving", "报批", "approving"},
    {"closed", "已结束", "closed"},
}};

const std::array<LabelInfo, 2> kElectionDeadlines{{
    {"request", "向上级报送换届请示", "send the election request to the superior"},
    {"reply", "上级批复换届请示", "superior's reply to the request"},
}};

const std::array<StateInfo, 3> kTermStates{{
    {"in-term", "in-term", "任期中", "in term"},
    {"renewed", "closed", "已换届", "renewed (a new term began)"},
    {"ended", "closed", "已终止（组织撤销或调整）", "ended (organisation dissolved or merged)"},
}};

const std::vector<EventInfo>& term_events() {
  static const std::vector<EventInfo> kEvents{
      {"begin", "任期开始", "term begins", {"开始", "登记任期"}},
      {"postpone", "延期换届", "postpone the election (approved)", {"延期", "推迟换届"}},
      {"advance", "提前换届", "advance the election (approved)", {"提前"}},
      {"renew", "完成换届", "renewed by an election", {"换届"}},
      {"end", "终止", "end (organisation dissolved or merged)", {"撤销组织"}},
  };
  return kEvents;
}

const std::array<LabelInfo, 2> kTermStages{{
    {"in-term", "任期中", "in term"},
    {"closed", "已结束", "closed"},
}};

const std::array<LabelInfo, 1> kTermDeadlines{{
    {"term-end", "任期届满，应按期换届", "end of term: the election is due"},
}};

engine::Text make_text(std::string_view zh, std::string_view en) { return {std::string(zh), std::string(en)}; }

}  // namespace

const StateInfo* Catalog::find_state(std::string_view name) const {
  for (const auto& s : states)
    if (s.name == name) return &s;
  return nullptr;
}

const EventInfo* Catalog::find_event(std::string_view id) const {
  for (const auto& e : events)
    if (e.id == id) return &e;
  return nullptr;
}

std::optional<std::string> Catalog::resolve(std::string_view name) const {
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
    for (auto alias : e.aliases)
      if (alias == name || alias == folded) return std::string(e.id);
  return std::nullopt;
}

engine::Text Catalog::state_text(std::string_view state) const {
  if (const auto* s = find_state(state)) return make_text(s->zh, s->en);
  return make_text(state, state);
}

engine::Text Catalog::event_text(std::string_view event) const {
  if (const auto* e = find_event(event)) return make_text(e->zh, e->en);
  return make_text(event, event);
}

engine::Text Catalog::stage_text(std::string_view stage) const {
  for (const auto& l : stages)
    if (l.id == stage) return make_text(l.zh, l.en);
  return make_text(stage, stage);
}

engine::Text Catalog::deadline_text(std::string_view kind) const {
  for (const auto& l : deadlines)
    if (l.id == kind) return make_text(l.zh, l.en);
  return make_text(kind, kind);
}

std::vector<std::string> Catalog::event_ids() const {
  std::vector<std::string> out;
  for (const auto& e : events) out.emplace_back(e.id);
  return out;
}

engine::Text Catalog::event_list() const {
  engine::Text out;
  for (const auto& e : events) {
    out.zh += (out.zh.empty() ? "" : "、") + event_text(e.id).zh + "（" + std::string(e.id) + "）";
    out.en += (out.en.empty() ? "" : ", ") + std::string(e.id);
  }
  return out;
}

std::vector<std::string> Catalog::state_names() const {
  std::vector<std::string> out;
  for (const auto& s : states) out.emplace_back(s.name);
  return out;
}

const Catalog& election_catalog() {
  static const Catalog c{kElectionStates, election_events(), kElectionStages, kElectionDeadlines};
  return c;
}

const Catalog& term_catalog() {
  static const Catalog c{kTermStates, term_events(), kTermStages, kTermDeadlines};
  return c;
}

}  // namespace djflow::workflows::election
