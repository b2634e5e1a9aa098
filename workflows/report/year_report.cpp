// The year's figures: one accumulator, fed by the stored events (year_report) or by replay
// (year_report_by_replay). Definitions in docs/report.md.
#include "workflows/report/year_report.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <tuple>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "workflows/election/election_rules.hpp"
#include "workflows/rectify/rectify_rules.hpp"

namespace djflow::workflows::report {

using namespace std::string_view_literals;  // comparisons by size first, no strlen per step
using engine::Error;
using engine::MemberStatus;
using engine::Result;
using engine::Status;

namespace {

constexpr FigureInfo kInfos[kFigCount] = {
    {"applications", "development", "收到入党申请", "applications received"},
    {"activists_new", "development", "新确定入党积极分子", "activists newly determined"},
    {"activists_at_end", "development", "期末在培养的入党积极分子", "activists under training at the end"},
    {"candidates_new", "development", "新确定发展对象", "development candidates newly determined"},
    {"candidates_at_end", "development", "期末发展对象", "development candidates at the end"},
    {"admitted", "development", "发展新党员（上级党委批准接收预备党员）", "newly admitted (approved) members"},
    {"converted", "development", "预备党员转正", "conversions to full membership"},
    {"extended", "development", "延长预备期", "probation extended"},
    {"cancelled", "development", "取消预备党员资格", "probationary membership cancelled"},
    {"withdrawn", "development", "终止发展", "withdrawn"},
    {"late_steps", "development", "超过期限办理的步骤", "steps taken late"},
    {"terms_ended", "elections", "本期届满的任期", "terms that ended in the period"},
    {"terms_on_time", "elections", "按期换届", "renewed on time"},
    {"terms_late", "elections", "逾期后完成换届", "renewed after the term end"},
    {"terms_postponed", "elections", "经批准延期换届", "postponed (approved)"},
    {"terms_advanced", "elections", "经批准提前换届", "advanced (approved)"},
    {"terms_overdue", "elections", "期末逾期未换届", "overdue, not renewed at the end"},
    {"rectify_registered", "rectification", "登记整改事项", "rectification items registered"},
    {"rectify_closed_on_time", "rectification", "按期销号", "closed on time"},
    {"rectify_closed_late", "rectification", "逾期销号", "closed late"},
    {"rectify_open_overdue", "rectification", "期末逾期未销号", "open and overdue at the end"},
    {"full_members", "membership", "期末正式党员", "full members at the end"},
    {"probationary_members", "membership", "期末预备党员", "probationary members at the end"},
};

int idx(Fig f) { return static_cast<int>(f); }

// Two dates compared by bytes, as std::string compares them: two 'YYYY-MM-DD' as a big-endian word
// and a half-word (no memcmp call: 0.03 G instructions over the benchmark's 280,000 steps); any
// other length by compare().
int cmp_date(std::string_view a, std::string_view b) {
  if (a.size() != 10 || b.size() != 10) return a.compare(b);
  std::uint64_t x = 0, y = 0;
  std::memcpy(&x, a.data(), 8);
  std::memcpy(&y, b.data(), 8);
  x = __builtin_bswap64(x);
  y = __builtin_bswap64(y);
  if (x != y) return x < y ? -1 : 1;
  const unsigned u = static_cast<unsigned char>(a[8]) << 8 | static_cast<unsigned char>(a[9]);
  const unsigned v = static_cast<unsigned char>(b[8]) << 8 | static_cast<unsigned char>(b[9]);
  return u < v ? -1 : u > v ? 1 : 0;
}

// One stored or replayed step, as the accumulator reads it.
struct StepRow {
  std::string event, date, to_state;
  std::vector<std::string> flags;
};

// A deadline closed after its due date: what makes a `late:KIND` step late, and by how much.
struct LateClose {
  std::string kind;
  std::string closed_on;
  Date due;
};

struct CaseView {
  const engine::ReportCase* head = nullptr;
  Counts* counts = nullptr;                   // its organisation's (null: look it up)
  std::span<const StepRow> steps;             // dated <= the end, in order
  bool before_candidate = false;              // a step summed up before steps[0] reached a candidate state
  std::optional<MemberStatus> status;         // member cases: the subject's status at the end
  std::optional<Date> rect_deadline;          // rectify items: the deadline in force at the end
  std::span<const LateClose> late;
  const std::vector<engine::EventRecord>* term_history = nullptr;  // term cases, up to the end
};

std::vector<std::string> parse_flags(std::string_view json) {
  std::vector<std::string> out;
  if (json.empty() || json == "[]") return out;
  // As the store writes them (compact, plain strings: ["late:talk","eligible-differs"]), split
  // without a parser; anything with an escape goes to the parser.
  if (json.size() >= 4 && json.front() == '[' && json.back() == ']' && json[1] == '"' && json[json.size() - 2] == '"' &&
      json.find('\\') == std::string_view::npos) {
    const std::string_view inner = json.substr(2, json.size() - 4);
    std::size_t from = 0;
    for (;;) {
      const auto sep = inner.find("\",\"", from);
      const auto part = inner.substr(from, sep == std::string_view::npos ? std::string_view::npos : sep - from);
      if (part.find('"') != std::string_view::npos) break;  // not that shape (spaces, numbers): the parser
      out.emplace_back(part);
      if (sep == std::string_view::npos) return out;
      from = sep + 3;
    }
    out.clear();
  }
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

class Accumulator {
 public:
  Accumulator(engine::Engine& eng, const Query& q, Report& r) : eng_(eng), q_(q), r_(r) {
    from_ = q.from.iso();
    to_ = q.to.iso();
  }

  // `branches`: every organisation (ReportStore::report_branches or the directory's list).
  Status init(std::vector<engine::Branch> branches) {
    r_.query = q_;
    all_orgs_ = branches.size();
    // By code, as both stores list them (checked: 20,000 comparisons); otherwise sorted by index,
    // not by moving the organisations about (87 M instructions once).
    const auto by_code = [](const auto& a, const auto& b) { return a.code < b.code; };
    if (!std::is_sorted(branches.begin(), branches.end(), by_code)) {
      std::vector<std::uint32_t> order(branches.size());
      for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return branches[a].code < branches[b].code; });
      std::vector<engine::Branch> sorted;
      sorted.reserve(branches.size());
      for (auto i : order) sorted.push_back(std::move(branches[i]));
      branches = std::move(sorted);
    }
    if (q_.org.empty()) {
      r_.orgs = std::move(branches);  // every organisation: no tree to walk
    } else {
      std::unordered_map<std::string, std::vector<const engine::Branch*>> children;
      std::vector<const engine::Branch*> todo;
      for (const auto& b : branches) {
        children[b.parent].push_back(&b);
        if (b.code == q_.org) todo.push_back(&b);
      }
      if (todo.empty()) return Error::not_found({"组织不存在：" + q_.org, "no organisation " + q_.org});
      for (std::size_t i = 0; i < todo.size(); ++i)
        for (const auto* c : children[todo[i]->code]) todo.push_back(c);
      r_.orgs.reserve(todo.size());
      for (const auto* b : todo) r_.orgs.push_back(*b);
      std::sort(r_.orgs.begin(), r_.orgs.end(), by_code);
    }
    // The counters in a vector beside the organisations, found through CodeTable.
    r_.per_org.assign(r_.orgs.size(), Counts{});
    codes_.build(r_.orgs);
    return {};
  }

  // What to read: a subtree of fewer than half of all organisations through the organisation
  // indexes (`--org` of one branch or district: a seek per case instead of a scan of every event),
  // anything larger by one scan of everything (seeks for 100,000 cases cost more than the scan).
  engine::ReportScope scope() const {
    engine::ReportScope s;
    s.all = q_.org.empty() || 2 * r_.orgs.size() >= all_orgs_;
    if (!s.all)
      for (const auto& b : r_.orgs) s.branches.push_back(b.code);
    return s;
  }

  // The organisation's counts, or null when it is outside the subtree.
  Counts* org(std::string_view code) {
    const std::uint32_t k = codes_.find(code, r_.orgs);
    return k == CodeTable::kNone ? nullptr : &r_.per_org[k];
  }

  Status add(const CaseView& v) {
    Counts* c = v.counts ? v.counts : org(v.head->branch);
    if (!c || v.steps.empty()) return {};
    const auto& wf = v.head->workflow;
    if (wf == "member"sv) add_member(v, *c);
    else if (wf == "rectify"sv) DJFLOW_TRY(add_rectify(v, *c));
    else if (wf == "term"sv) add_term(v, *c);
    return {};
  }

  const std::string& member_stage(const std::string& state) { return stage("member", state); }

  // The member workflow's states of the candidate stage (what add_member asks of the steps before
  // the period).
  std::vector<std::string> candidate_states() const {
    std::vector<std::string> out;
    if (const auto* wf = eng_.workflows().find("member"))
      for (const auto& s : wf->states())
        if (wf->stage(s) == "candidate"sv) out.push_back(s);
    return out;
  }

  // Persons whose membership a member case derives (the latest case with a step by the end).
  void note_member_case(engine::PersonId p) { has_member_case_.push_back(p); }

  // The membership at the end, person by person (add_person, in id order as the stores give them),
  // then the totals: begin_persons(), add_person() for each, finish().
  void begin_persons() {
    // Sorted vectors, not hash tables: 100,000 entries without a node each. The status of a
    // person is the one of their latest case (the highest id).
    // Both arrive in case order, which is usually person order too: sorted only when not.
    if (!std::is_sorted(has_member_case_.begin(), has_member_case_.end()))
      std::sort(has_member_case_.begin(), has_member_case_.end());
    const auto by_person = [](const CaseStatus& a, const CaseStatus& b) {
      return std::tie(a.person, a.id) < std::tie(b.person, b.id);
    };
    if (!std::is_sorted(case_status_.begin(), case_status_.end(), by_person))
      std::sort(case_status_.begin(), case_status_.end(), by_person);
    next_status_ = next_member_case_ = 0;
    last_person_ = 0;
  }

  void add_person(const engine::ReportPerson& p) {
    Counts* c = org(p.branch);
    if (!c) return;
    MemberStatus s = MemberStatus::None;
    // The persons come by id: both sorted vectors are walked along with them (a binary search
    // only for a person out of order).
    if (p.id < last_person_) next_status_ = next_member_case_ = 0;
    last_person_ = p.id;
    const std::size_t ns = case_status_.size(), nm = has_member_case_.size();
    if (next_status_ < ns && case_status_[next_status_].person < p.id)
      next_status_ = static_cast<std::size_t>(
          std::lower_bound(case_status_.begin() + static_cast<std::ptrdiff_t>(next_status_), case_status_.end(), p.id,
                           [](const CaseStatus& x, engine::PersonId id) { return x.person < id; }) -
          case_status_.begin());
    bool has_status = false;
    while (next_status_ < ns && case_status_[next_status_].person == p.id) {  // the latest case: the last
      s = case_status_[next_status_++].status;
      has_status = true;
    }
    if (!has_status) {
      if (next_member_case_ < nm && has_member_case_[next_member_case_] < p.id)
        next_member_case_ = static_cast<std::size_t>(
            std::lower_bound(has_member_case_.begin() + static_cast<std::ptrdiff_t>(next_member_case_),
                             has_member_case_.end(), p.id) -
            has_member_case_.begin());
      // Registered as a member, no case develops them: a member from `joined` (or always).
      if ((next_member_case_ == nm || has_member_case_[next_member_case_] != p.id) && (!p.joined || *p.joined <= q_.to))
        s = p.status;
    }
    if (s == MemberStatus::None) return;
    const Fig f = s == MemberStatus::Full ? Fig::FullMembers : Fig::ProbationaryMembers;
    ++(*c)[idx(f)];
    detail(f, p.branch, 0, p.id, p.name, "", to_string(s), 0);
  }

  Status finish() {
    for (const auto& counts : r_.per_org)
      for (int i = 0; i < kFigCount; ++i) r_.total[i] += counts[i];
    for (auto& [k, v] : by_source_) r_.by_source.push_back(v);
    for (auto& [k, v] : by_batch_) r_.by_batch.push_back(v);
    std::stable_sort(r_.details.begin(), r_.details.end(), [](const DetailRow& a, const DetailRow& b) {
      return std::tie(a.fig, a.org, a.date, a.name, a.case_id, a.person) <
             std::tie(b.fig, b.org, b.date, b.name, b.case_id, b.person);
    });
    return {};
  }

 private:
  bool in_period(std::string_view date) const { return cmp_date(date, from_) >= 0 && cmp_date(date, to_) <= 0; }

  void detail(Fig f, const std::string& org, CaseId id, std::int64_t person, const std::string& name,
              const std::string& date, std::string what, int days) {
    if (!q_.detail) return;
    r_.details.push_back(DetailRow{f, org, id, person, name, date, std::move(what), days});
  }

  void count(Counts& c, Fig f, const CaseView& v, const std::string& date, std::string what = {}, int days = 0) {
    ++c[idx(f)];
    detail(f, v.head->branch, v.head->id, v.head->person.value_or(0), v.head->title, date, std::move(what), days);
  }

  // The stage of a state, memoised (a handful of states over 1,000,000 steps).
  const std::string& stage(std::string_view workflow, std::string_view state) {
    // The member workflow's states (nearly every lookup): a flat list of views, size first.
    if (workflow == "member"sv) {
      for (const auto& [k, st] : member_stages_)
        if (k == state) return *st;
      const auto& found = stage_of(workflow, state);
      member_stages_.emplace_back(std::string_view(found.first.second), &found.second);
      return found.second;
    }
    return stage_of(workflow, state).second;
  }
  const std::pair<std::pair<std::string, std::string>, std::string>& stage_of(std::string_view workflow,
                                                                               std::string_view state) {
    for (const auto& entry : stages_)
      if (entry.first.second == state && entry.first.first == workflow) return entry;
    const auto* wf = eng_.workflows().find(workflow);
    stages_.push_back({{std::string(workflow), std::string(state)}, wf ? wf->stage(state) : std::string()});
    return stages_.back();
  }

  void add_member(const CaseView& v, Counts& c) {
    bool entered_candidate = v.before_candidate;
    for (const auto& s : v.steps) {
      const bool period = in_period(s.date);
      if (!entered_candidate && stage("member", s.to_state) == "candidate"sv) {
        entered_candidate = true;
        if (period) count(c, Fig::CandidatesNew, v, s.date, s.to_state);
      }
      if (!period) continue;
      const std::string_view e = s.event;
      if (e == "apply"sv) count(c, Fig::Applications, v, s.date);
      else if (e == "activist"sv) count(c, Fig::ActivistsNew, v, s.date);
      else if (e == "approve"sv) count(c, Fig::Admitted, v, s.date);
      else if (e == "approve-full"sv) count(c, Fig::Converted, v, s.date);
      else if (e == "approve-extension"sv) count(c, Fig::Extended, v, s.date);
      else if (e == "approve-cancel"sv) count(c, Fig::Cancelled, v, s.date);
      else if (e == "withdraw"sv) count(c, Fig::Withdrawn, v, s.date);
      for (const auto& flag : s.flags) {
        if (flag.rfind("late:", 0) != 0) continue;
        const std::string kind = flag.substr(5);
        int days = 0;
        for (const auto& l : v.late)
          if (l.kind == kind && l.closed_on == s.date) days = std::max(days, l.due.days_until(*Date::parse(s.date)));
        r_.late_days_total += days;
        r_.late_days_max = std::max<std::int64_t>(r_.late_days_max, days);
        count(c, Fig::LateSteps, v, s.date, std::string(e) + ":" + kind, days);
      }
    }
    const std::string_view st = stage("member", v.steps.back().to_state);
    if (st == "activist"sv) count(c, Fig::ActivistsAtEnd, v, "", v.steps.back().to_state);
    if (st == "candidate"sv) count(c, Fig::CandidatesAtEnd, v, "", v.steps.back().to_state);
    if (v.head->person && v.status) case_status_.push_back({*v.head->person, v.head->id, *v.status});
  }

  Status load_ledger() {
    if (ledger_loaded_) return {};
    ledger_loaded_ = true;
    auto items = eng_.store().list_rectify_items({});
    DJFLOW_TRY(items);
    for (const auto& row : items.value()) items_[row.item.id] = {row.item.source, row.item.batch};
    auto batches = eng_.store().list_rectify_batches();
    DJFLOW_TRY(batches);
    for (const auto& b : batches.value()) batch_titles_[b.id] = b.title;
    return {};
  }

  Status add_rectify(const CaseView& v, Counts& c) {
    DJFLOW_TRY(load_ledger());
    std::string source = "other";
    CaseId batch = 0;
    if (auto it = items_.find(v.head->id); it != items_.end()) std::tie(source, batch) = it->second;
    auto& src = by_source_[source];
    src.key = source;
    auto& bat = by_batch_[batch];
    bat.key = std::to_string(batch);
    bat.title = batch_titles_[batch];
    for (const auto& s : v.steps) {
      if (!in_period(s.date)) continue;
      if (s.event == "register"sv) {
        count(c, Fig::RectRegistered, v, s.date, source);
        ++src.registered;
        ++bat.registered;
      }
      if (s.event != "accept"sv) continue;
      for (const auto& flag : s.flags) {
        if (flag == "closed-on-time"sv) {
          count(c, Fig::RectClosedOnTime, v, s.date, source);
          ++src.on_time;
          ++bat.on_time;
        } else if (flag.rfind("closed-late:", 0) == 0) {
          count(c, Fig::RectClosedLate, v, s.date, source, std::atoi(flag.c_str() + 12));
          ++src.late;
          ++bat.late;
        }
      }
    }
    const std::string_view st = v.steps.back().to_state;
    if (st != "closed"sv && v.rect_deadline && rectify::overdue_as_of(*v.rect_deadline, q_.to)) {
      count(c, Fig::RectOpenOverdue, v, v.rect_deadline->iso(), source, rectify::days_overdue(*v.rect_deadline, q_.to));
      ++src.open_overdue;
      ++bat.open_overdue;
    }
    return {};
  }

  void add_term(const CaseView& v, Counts& c) {
    if (!v.term_history || v.term_history->empty()) return;
    const auto f = election::derive_term_facts(*v.term_history);
    std::optional<std::string> renewed;
    bool late = false, postponed = false, advanced = false, ended = false;
    for (const auto& s : v.steps) {
      if (s.event == "renew"sv) {
        renewed = s.date;
        late = std::find(s.flags.begin(), s.flags.end(), "late:term-end") != s.flags.end();
      }
      postponed = postponed || s.event == "postpone"sv;
      advanced = advanced || s.event == "advance"sv;
      ended = ended || s.event == "end"sv;
    }
    if (ended) return;
    const std::string end = f.end().iso(), original = f.original_end.iso();
    std::optional<Fig> kind;
    std::string date;
    if (renewed) {
      if (!in_period(*renewed)) return;
      date = *renewed;
      kind = postponed ? Fig::TermsPostponed : advanced ? Fig::TermsAdvanced : late ? Fig::TermsLate : Fig::TermsOnTime;
    } else if (in_period(end) && end < to_) {
      date = end;
      kind = Fig::TermsOverdue;
    } else if ((postponed || advanced) && in_period(original)) {
      date = original;
      kind = postponed ? Fig::TermsPostponed : Fig::TermsAdvanced;
    }
    if (!kind) return;
    count(c, Fig::TermsEnded, v, date, info(*kind).id);
    count(c, *kind, v, date, end);
  }

  engine::Engine& eng_;
  const Query& q_;
  Report& r_;
  std::string from_, to_;
  // Organisation code -> index into r_.orgs, looked up for every case and person (200,000 times
  // on the benchmark, in no order). Open addressing in one array of 32-byte slots holding the
  // code's hash and, when it fits, its bytes: a lookup touches one or two slots. A node-based
  // std::unordered_map<string_view> cost 7 % of the report's time in cache misses (perf), chasing a
  // node and then the code inside r_.orgs for each lookup.
  struct CodeTable {
    static constexpr std::uint32_t kNone = 0xffffffffu;
    struct Slot {
      std::uint64_t hash = 0;
      std::uint32_t index = kNone;
      std::uint8_t len = 0;  // the code's length when it fits in `code`, else 0xff
      char code[19] = {};
    };
    std::vector<Slot> slots;
    std::uint64_t mask = 0;
    static std::uint64_t hash_of(std::string_view v) {  // FNV-1a
      std::uint64_t h = 1469598103934665603ull;
      for (const unsigned char ch : v) h = (h ^ ch) * 1099511628211ull;
      return h;
    }
    void build(const std::vector<engine::Branch>& orgs) {
      std::size_t n = 16;
      while (n < 2 * orgs.size()) n *= 2;
      slots.assign(n, Slot{});
      mask = n - 1;
      for (std::uint32_t k = 0; k < orgs.size(); ++k) {
        const std::string_view code = orgs[k].code;
        const std::uint64_t h = hash_of(code);
        std::size_t i = h & mask;
        while (slots[i].index != kNone) i = (i + 1) & mask;
        Slot& slot = slots[i];
        slot.hash = h;
        slot.index = k;
        slot.len = code.size() <= sizeof slot.code ? static_cast<std::uint8_t>(code.size()) : 0xff;
        if (slot.len != 0xff) std::memcpy(slot.code, code.data(), code.size());
      }
    }
    std::uint32_t find(std::string_view code, const std::vector<engine::Branch>& orgs) const {
      if (slots.empty()) return kNone;
      const std::uint64_t h = hash_of(code);
      for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        const Slot& slot = slots[i];
        if (slot.index == kNone) return kNone;
        if (slot.hash != h) continue;
        const bool same = slot.len != 0xff ? slot.len == code.size() && std::memcmp(slot.code, code.data(), code.size()) == 0
                                           : orgs[slot.index].code == code;
        if (same) return slot.index;
      }
    }
  };
  CodeTable codes_;
  std::size_t next_status_ = 0, next_member_case_ = 0;  // add_person's place in the sorted vectors
  engine::PersonId last_person_ = 0;
  std::size_t all_orgs_ = 0;
  std::deque<std::pair<std::pair<std::string, std::string>, std::string>> stages_;  // references stay valid
  std::vector<std::pair<std::string_view, const std::string*>> member_stages_;  // views into stages_
  struct CaseStatus {
    engine::PersonId person;
    CaseId id;
    MemberStatus status;
  };
  std::vector<CaseStatus> case_status_;
  std::vector<engine::PersonId> has_member_case_;
  bool ledger_loaded_ = false;
  std::unordered_map<CaseId, std::pair<std::string, CaseId>> items_;
  std::unordered_map<CaseId, std::string> batch_titles_;
  std::map<std::string, RectCounts> by_source_;
  std::map<CaseId, RectCounts> by_batch_;
};

MemberStatus status_of_stage(std::string_view stage) {
  if (stage == "probationary"sv) return MemberStatus::Probationary;
  if (stage == "full"sv) return MemberStatus::Full;
  return MemberStatus::None;
}

Status check_query(const Query& q) {
  if (q.to < q.from)
    return Error::invalid({"统计期间的结束日期 " + q.to.iso() + " 早于开始日期 " + q.from.iso(),
                           "the period ends (" + q.to.iso() + ") before it begins (" + q.from.iso() + ")"});
  return {};
}

}  // namespace

const FigureInfo& info(Fig f) { return kInfos[idx(f)]; }

engine::Text section_text(std::string_view section) {
  if (section == "development") return {"发展党员", "member development"};
  if (section == "elections") return {"换届选举", "elections"};
  if (section == "rectification") return {"整改", "rectification"};
  if (section == "membership") return {"党员队伍（期末）", "membership at the end"};
  if (section == "life") return {"组织生活", "organisational life"};
  return {std::string(section), std::string(section)};
}

bool Report::operator==(const Report& o) const {
  const auto codes = [](const std::vector<engine::Branch>& v) {
    std::vector<std::string_view> out;
    for (const auto& b : v) out.push_back(b.code);
    return out;
  };
  auto same_details = [](const std::vector<DetailRow>& a, const std::vector<DetailRow>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const auto& x = a[i];
      const auto& y = b[i];
      if (std::tie(x.fig, x.org, x.case_id, x.person, x.name, x.date, x.what, x.days) !=
          std::tie(y.fig, y.org, y.case_id, y.person, y.name, y.date, y.what, y.days))
        return false;
    }
    return true;
  };
  return codes(orgs) == codes(o.orgs) && per_org == o.per_org && total == o.total && late_days_total == o.late_days_total &&
         late_days_max == o.late_days_max && by_source == o.by_source && by_batch == o.by_batch &&
         same_details(details, o.details);
}

Result<Report> year_report(engine::Engine& eng, engine::ReportStore& reads, const Query& q) {
  DJFLOW_TRY(check_query(q));
  Report r;
  Accumulator acc(eng, q, r);
  auto branches = reads.report_branches();
  DJFLOW_TRY(branches);
  DJFLOW_TRY(acc.init(std::move(branches.value())));
  auto& store = eng.store();
  const engine::ReportScope scope = acc.scope();
  // Persons who are the subject of a member case: from the streamed cases when every case is
  // read, else asked for (a member case of another organisation counts too).
  if (!scope.all) {
    auto ids = reads.report_member_case_persons(scope);
    DJFLOW_TRY(ids);
    for (auto id : ids.value()) acc.note_member_case(id);
  }
  // The items' deadlines (the one in force at the end). The deadlines closed after their due date
  // (how late a late step was) are read per case, only for a case with a late step.
  std::vector<LateClose> late;
  auto item_deadlines = reads.report_deadlines("rectify", "deadline", false);
  DJFLOW_TRY(item_deadlines);
  std::unordered_map<CaseId, Date> in_force;  // the last deadline opened by the end and not closed by it
  for (const auto& d : item_deadlines.value())
    if (d.opened_on <= q.to && (!d.closed_on || *d.closed_on > q.to)) in_force[d.case_id] = d.due;

  const std::string from_iso = q.from.iso();
  std::vector<StepRow> buf;
  std::size_t n = 0;
  engine::ReportCase head;  // the current case (the store's row is valid during its callback only)
  Counts* head_counts = nullptr;  // null: outside the subtree, its events are skipped
  Status failed;
  std::vector<engine::EventRecord> term_history;
  std::vector<StepRow> term_steps;
  bool before_candidate = false;  // the current case's summary of the steps before the period
  auto flush = [&] {
    if (!head_counts || n == 0 || !failed.ok()) return;
    CaseView v;
    v.head = &head;
    v.counts = head_counts;
    v.steps = std::span<const StepRow>(buf.data(), n);
    v.before_candidate = before_candidate;
    if (head.workflow == "member"sv) v.status = status_of_stage(acc.member_stage(buf[n - 1].to_state));
    if (auto it = in_force.find(head.id); it != in_force.end()) v.rect_deadline = it->second;
    // Only a late step within the period is counted (with its days): only then read the deadlines.
    const bool has_late = std::any_of(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n), [&](const StepRow& x) {
      return cmp_date(x.date, from_iso) >= 0 && std::any_of(x.flags.begin(), x.flags.end(), [](const std::string& f) { return f.rfind("late:", 0) == 0; });
    });
    if (has_late) {
      auto rows = reads.report_late_deadlines(head.id);
      if (!rows) {
        failed = rows.error();
        return;
      }
      late.clear();
      for (const auto& d : rows.value()) late.push_back({d.kind, d.closed_on->iso(), d.due});
      v.late = late;
    }
    if (head.workflow == "term"sv) {
      auto h = store.events(head.id);
      if (!h) {
        failed = h.error();
        return;
      }
      term_history.clear();
      for (auto& e : h.value())
        if (e.date <= q.to) term_history.push_back(std::move(e));
      v.term_history = &term_history;
      // Its steps one by one (the stream may have summed up those before the period).
      term_steps.clear();
      for (const auto& e : term_history) term_steps.push_back({e.event, e.date.iso(), e.to_state, e.flags});
      v.steps = term_steps;
    }
    if (auto s = acc.add(v); !s) failed = s;
  };
  // The titles and names are read only when the names behind the figures are listed. Each case
  // arrives with its events: the previous case is complete when the next one begins. Its steps
  // before the period may arrive summed up in one row (the last state reached, and whether a
  // candidate state was reached): all that add_member and add_rectify ask of them.
  DJFLOW_TRY(reads.for_each_report_case_in(
      q.from, q.to, acc.candidate_states(), scope, q.detail,
      [&](const engine::ReportCase& c) {
        flush();
        n = 0;
        if (scope.all && c.person && c.workflow == "member"sv) acc.note_member_case(*c.person);
        head_counts = acc.org(c.branch);
        if (!head_counts) return;
        head.id = c.id;
        head.workflow.assign(c.workflow);
        head.branch.assign(c.branch);
        head.title.assign(c.title);
        head.person = c.person;
        before_candidate = c.has_before && c.before_marker;
        if (c.has_before) {  // one step standing for those before the period: no event, no flags
          if (buf.empty()) buf.emplace_back();
          StepRow& s = buf[n++];
          s.event.clear();
          s.date.assign(c.before_date);
          s.to_state.assign(c.before_state);
          s.flags.clear();
        }
      },
      [&](const engine::ReportEvent& e) {
        if (!head_counts) return;
        if (n == buf.size()) buf.emplace_back();
        StepRow& s = buf[n++];
        s.event.assign(e.event);
        s.date.assign(e.date);
        s.to_state.assign(e.to_state);
        s.flags.clear();
        if (e.flags != "[]"sv) s.flags = parse_flags(e.flags);
      }));
  flush();
  DJFLOW_TRY(failed);
  acc.begin_persons();
  DJFLOW_TRY(reads.for_each_report_person(scope, q.detail, [&](const engine::ReportPerson& p) { acc.add_person(p); }));
  DJFLOW_TRY(acc.finish());
  return r;
}

Result<Report> year_report_by_replay(engine::Engine& eng, const Query& q) {
  DJFLOW_TRY(check_query(q));
  Report r;
  Accumulator acc(eng, q, r);
  auto branches = eng.store().list_branches();
  DJFLOW_TRY(branches);
  for (auto& b : branches.value()) b.created_at = {};  // as report_branches gives them
  DJFLOW_TRY(acc.init(std::move(branches.value())));
  auto rules = eng.rule_timeline();
  DJFLOW_TRY(rules);
  auto& store = eng.store();
  Status failed;
  DJFLOW_TRY(store.for_each_history([&](const engine::Case& c, const std::vector<engine::EventRecord>& events) {
    engine::ReportCase head{c.id, c.workflow, c.branch, c.title, c.person, false, {}, {}, false};
    if (c.workflow == "member"sv && c.person) acc.note_member_case(*c.person);
    if (!acc.org(c.branch)) return true;
    std::vector<engine::EventRecord> upto;
    for (const auto& e : events)
      if (e.date <= q.to) upto.push_back(e);
    if (upto.empty()) return true;
    auto rp = eng.replay(c, upto, rules.value());
    if (!rp) {
      failed = rp.error();
      return false;
    }
    if (!rp->problems.empty()) {
      failed = Error::corruption({"事项 #" + std::to_string(c.id) + " 的历史重放结果与记录不一致：" + rp->problems.front(),
                                  "case #" + std::to_string(c.id) + " replays differently: " + rp->problems.front()});
      return false;
    }
    std::vector<StepRow> steps;
    for (const auto& e : upto) steps.push_back({e.event, e.date.iso(), e.to_state, e.flags});
    std::vector<LateClose> late;
    std::optional<Date> deadline;
    for (const auto& d : rp->deadlines) {
      if (d.closed_on && *d.closed_on > d.due) late.push_back({d.kind, d.closed_on->iso(), d.due});
      if (d.open && d.kind == "deadline" && c.workflow == "rectify") deadline = d.due;
    }
    CaseView v;
    v.head = &head;
    v.steps = steps;
    if (c.workflow == "member"sv) v.status = rp->subject_status.value_or(MemberStatus::None);
    v.rect_deadline = deadline;
    v.late = late;
    if (c.workflow == "term") v.term_history = &upto;
    if (auto s = acc.add(v); !s) {
      failed = s;
      return false;
    }
    return true;
  }));
  DJFLOW_TRY(failed);
  auto persons = store.list_persons(std::nullopt);
  DJFLOW_TRY(persons);
  acc.begin_persons();
  for (const auto& p : persons.value()) acc.add_person({p.id, p.branch, p.name, p.status, p.joined});
  DJFLOW_TRY(acc.finish());
  return r;
}

Result<Report> membership_as_of(engine::Engine& eng, engine::ReportStore& reads, const std::string& org, Date day) {
  Query q;
  q.from = day;
  q.to = day;
  q.org = org;
  return year_report(eng, reads, q);
}

}  // namespace djflow::workflows::report
