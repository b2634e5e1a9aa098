#include "engine/life_figures.hpp"

#include <algorithm>
#include <map>

namespace djflow::engine {

Result<LifeFigures> life_figures(HistoryStore& history, DirectoryStore& directory, const Config& config,
                                 const std::string& org, Date from, Date to, Date as_of) {
  auto root = directory.find_branch(org);
  DJFLOW_TRY(root);
  if (!root.value()) return Error::not_found({"组织不存在：" + org, "no organisation " + org});
  auto all = directory.list_branches();
  DJFLOW_TRY(all);
  std::multimap<std::string, std::string> children;
  for (const auto& b : all.value()) children.emplace(b.parent, b.code);
  LifeFigures out;
  std::vector<std::string> todo{org};
  while (!todo.empty()) {
    const std::string code = todo.back();
    todo.pop_back();
    out.organisations.push_back(code);
    auto [lo, hi] = children.equal_range(code);
    std::vector<std::string> kids;
    for (auto it = lo; it != hi; ++it) kids.push_back(it->second);
    std::sort(kids.rbegin(), kids.rend());
    todo.insert(todo.end(), kids.begin(), kids.end());
  }
  for (const auto& k : life::kinds()) out.kinds.push_back({k.id, k.period, 0, 0, {}});
  const Date until = std::min(to, as_of);
  long present = 0, should = 0;
  for (const auto& code : out.organisations) {
    CaseFilter f;
    f.workflow = life::kWorkflow;
    f.branch = code;
    auto cases = history.list_cases(f);
    DJFLOW_TRY(cases);
    if (cases.value().empty()) {
      out.without_ledger.push_back(code);
      continue;
    }
    for (const auto& c : cases.value()) {
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
        for (const auto& m : counts[i].missed) out.kinds[i].missed.push_back(code + " " + m);
      }
      for (const auto& m : facts.meetings) {
        if (m.date < from || m.date > until) continue;
        ++out.meetings;
        if (std::find(m.kinds.begin(), m.kinds.end(), "lecture") != m.kinds.end())
          ++(m.by_secretary ? out.lectures_by_secretary : out.lectures_by_others);
        if (m.should_attend > 0) {
          present += static_cast<long>(m.present.size());
          should += m.should_attend;
          ++out.attendance_meetings;
        }
      }
      for (const auto& t : facts.talks)
        if (t.date >= from && t.date <= until) ++out.talks;
      auto people = directory.list_persons(code);
      DJFLOW_TRY(people);
      for (const auto& fl : life::lapse_flags(facts, people.value(), until)) {
        LifeFlagged row{fl.person, "", code, fl.attendance, fl.dues, fl.unpaid_months};
        for (const auto& p : people.value())
          if (p.id == fl.person) row.name = p.name;
        out.flagged.push_back(std::move(row));
      }
    }
  }
  if (should > 0) out.average_attendance = static_cast<double>(present) / static_cast<double>(should);
  return out;
}

}  // namespace djflow::engine
