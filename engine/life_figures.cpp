#include "engine/life_figures.hpp"

#include <algorithm>
#include <map>

namespace djflow::engine {

std::string life_figure_id(std::string_view kind, std::string_view suffix) {
  std::string id = "life_" + std::string(kind);
  std::replace(id.begin(), id.end(), '-', '_');
  return id + std::string(suffix);
}

namespace {

bool has_kind(const life::Meeting& m, std::string_view kind) {
  return std::find(m.kinds.begin(), m.kinds.end(), kind) != m.kinds.end();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// The organisations of the subtree of `org` among `branches` (which hold at least that subtree),
// the root first, then depth first by code; every organisation by code when `org` is "".
std::vector<std::string> order_subtree(const std::vector<Branch>& branches, const std::string& org) {
  std::vector<std::string> out;
  if (org.empty()) {
    for (const auto& b : branches) out.push_back(b.code);
    if (!std::is_sorted(out.begin(), out.end())) std::sort(out.begin(), out.end());  // the report's are
    return out;
  }
  std::multimap<std::string, std::string> children;
  for (const auto& b : branches) children.emplace(b.parent, b.code);
  std::vector<std::string> todo{org};
  while (!todo.empty()) {
    const std::string code = todo.back();
    todo.pop_back();
    out.push_back(code);
    auto [lo, hi] = children.equal_range(code);
    std::vector<std::string> kids;
    for (auto it = lo; it != hi; ++it) kids.push_back(it->second);
    std::sort(kids.rbegin(), kids.rend());
    todo.insert(todo.end(), kids.begin(), kids.end());
  }
  return out;
}

Result<std::vector<std::string>> subtree(DirectoryStore& directory, const std::string& org) {
  auto all = directory.list_branches();
  DJFLOW_TRY(all);
  if (!org.empty()) {
    auto root = directory.find_branch(org);
    DJFLOW_TRY(root);
    if (!root.value()) return Error::not_found({"组织不存在：" + org, "no organisation " + org});
  }
  return order_subtree(all.value(), org);
}

// Names of persons by id (details only), looked up once each.
class Names {
 public:
  explicit Names(DirectoryStore& d) : d_(d) {}
  std::string operator()(PersonId id) {
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second;
    auto p = d_.find_person(id);
    std::string name = p && p.value() ? p.value()->name : "#" + std::to_string(id);
    cache_.emplace(id, name);
    return name;
  }

 private:
  DirectoryStore& d_;
  std::map<PersonId, std::string> cache_;
};

void add(LifeFigures& into, const LifeFigures& one) {
  for (std::size_t i = 0; i < one.kinds.size() && i < into.kinds.size(); ++i) {
    into.kinds[i].period = one.kinds[i].period;
    into.kinds[i].expected += one.kinds[i].expected;
    into.kinds[i].held += one.kinds[i].held;
    into.kinds[i].missed.insert(into.kinds[i].missed.end(), one.kinds[i].missed.begin(), one.kinds[i].missed.end());
  }
  into.meetings += one.meetings;
  into.lectures_by_secretary += one.lectures_by_secretary;
  into.lectures_by_others += one.lectures_by_others;
  into.talks += one.talks;
  into.attendance_meetings += one.attendance_meetings;
  into.present += one.present;
  into.should_attend += one.should_attend;
  into.flagged.insert(into.flagged.end(), one.flagged.begin(), one.flagged.end());
  into.details.insert(into.details.end(), one.details.begin(), one.details.end());
}

void finish(LifeFigures& f) {
  f.average_attendance = f.should_attend > 0 ? static_cast<double>(f.present) / static_cast<double>(f.should_attend) : 0.0;
}

LifeFigures empty_figures() {
  LifeFigures out;
  for (const auto& k : life::kinds()) out.kinds.push_back({k.id, k.period, 0, 0, {}});
  return out;
}

// One organisation's own ledger (`cases`: its `life` cases).
Status org_figures(HistoryStore& history, DirectoryStore& directory, const Config& config, const std::string& code,
                   const std::vector<Case>& cases, Date from, Date to, Date as_of, bool detail, Names& names,
                   LifeFigures& out) {
  if (cases.empty()) {
    out.without_ledger.push_back(code);
    return {};
  }
  const Date until = std::min(to, as_of);
  auto row = [&](std::string figure, const Date* date, std::string name, std::string what) {
    if (detail) out.details.push_back({std::move(figure), code, date ? date->iso() : "", std::move(name), std::move(what)});
  };
  for (const auto& c : cases) {
    auto events = history.events(c.id);
    DJFLOW_TRY(events);
    std::vector<EventRecord> known;
    for (auto& e : events.value())
      if (e.date <= as_of) known.push_back(std::move(e));
    if (known.empty()) continue;
    const life::Facts facts = life::facts(known);
    const auto counts = life::expected_held(facts, config, from, to, as_of.add_days(1));
    for (std::size_t i = 0; i < counts.size() && i < out.kinds.size(); ++i) {
      out.kinds[i].period = counts[i].period;
      out.kinds[i].expected += counts[i].expected;
      out.kinds[i].held += counts[i].held;
      for (const auto& m : counts[i].missed) {
        out.kinds[i].missed.push_back(code + " " + m);
        row(life_figure_id(counts[i].kind, "_missed"), nullptr, m, counts[i].kind);
      }
    }
    for (const auto& m : facts.meetings) {
      if (m.date < from || m.date > until) continue;
      ++out.meetings;
      row("life_meetings", &m.date, m.topic, join(m.kinds));
      for (const auto& k : m.kinds) row(life_figure_id(k, "_held"), &m.date, m.topic, k);
      if (has_kind(m, "lecture")) {
        ++(m.by_secretary ? out.lectures_by_secretary : out.lectures_by_others);
        row(m.by_secretary ? "life_lectures_by_secretary" : "life_lectures_by_others", &m.date, m.speaker, m.topic);
      }
      if (m.should_attend > 0) {
        out.present += static_cast<long>(m.present.size());
        out.should_attend += m.should_attend;
        ++out.attendance_meetings;
        if (detail)
          row("life_attendance", &m.date, m.topic, std::to_string(m.present.size()) + "/" + std::to_string(m.should_attend));
      }
    }
    for (const auto& t : facts.talks) {
      if (t.date < from || t.date > until) continue;
      ++out.talks;
      if (detail) row("life_talks", &t.date, names(t.with), names(t.by));
    }
    auto people = directory.list_persons(code);
    DJFLOW_TRY(people);
    for (const auto& fl : life::lapse_flags(facts, people.value(), until)) {
      LifeFlagged flagged{fl.person, "", code, fl.attendance, fl.dues, fl.unpaid_months};
      for (const auto& p : people.value())
        if (p.id == fl.person) flagged.name = p.name;
      std::string what = fl.attendance ? "attendance" : "";
      if (fl.dues) what += (what.empty() ? "" : ",") + std::string("dues:") + std::to_string(fl.unpaid_months);
      row("life_flagged", nullptr, flagged.name, what);
      out.flagged.push_back(std::move(flagged));
    }
  }
  return {};
}

}  // namespace

namespace {

Result<LifeFigures> figures_of(HistoryStore& history, DirectoryStore& directory, const Config& config,
                               std::vector<std::string> codes, Date from, Date to, Date as_of, bool detail) {
  LifeFigures out = empty_figures();
  out.organisations = std::move(codes);
  Names names(directory);
  // Every ledger at once (one query, not one per organisation: 20,000 organisations).
  CaseFilter filter;
  filter.workflow = life::kWorkflow;
  auto ledgers = history.list_cases(filter);
  DJFLOW_TRY(ledgers);
  std::map<std::string, std::vector<Case>> by_org;
  for (auto& c : ledgers.value()) by_org[c.branch].push_back(std::move(c));
  const LifeFigures zero = empty_figures();
  out.per_org.reserve(out.organisations.size());
  bool last_zero = false;  // add() takes each kind's period from the organisation added last
  for (const auto& code : out.organisations) {
    auto it = by_org.find(code);
    last_zero = it == by_org.end();
    if (last_zero) {  // no ledger (most of 20,000 organisations): zeros, nothing to add
      out.without_ledger.push_back(code);
      out.per_org.emplace_back().without_ledger.push_back(code);  // every figure 0, no kind listed
      continue;
    }
    LifeFigures one = empty_figures();
    DJFLOW_TRY(org_figures(history, directory, config, code, it->second, from, to, as_of, detail, names, one));
    finish(one);
    add(out, one);
    out.without_ledger.insert(out.without_ledger.end(), one.without_ledger.begin(), one.without_ledger.end());
    one.details.clear();
    out.per_org.push_back(std::move(one));
  }
  if (last_zero)
    for (std::size_t i = 0; i < out.kinds.size() && i < zero.kinds.size(); ++i) out.kinds[i].period = zero.kinds[i].period;
  finish(out);
  return out;
}

}  // namespace

Result<LifeFigures> life_figures(HistoryStore& history, DirectoryStore& directory, const Config& config,
                                 const std::string& org, Date from, Date to, Date as_of, bool detail) {
  auto codes = subtree(directory, org);
  DJFLOW_TRY(codes);
  return figures_of(history, directory, config, std::move(codes.value()), from, to, as_of, detail);
}

Result<LifeFigures> life_figures(HistoryStore& history, DirectoryStore& directory, const Config& config,
                                 const std::vector<Branch>& subtree_of_org, const std::string& org, Date from, Date to,
                                 Date as_of, bool detail) {
  return figures_of(history, directory, config, order_subtree(subtree_of_org, org), from, to, as_of, detail);
}

}  // namespace djflow::engine
