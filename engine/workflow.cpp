#include "engine/workflow.hpp"

#include <charconv>

namespace djflow::engine {

std::optional<std::string> Config::get(const std::string& key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

int Config::get_int(const std::string& key, int fallback) const {
  const auto v = get(key);
  if (!v) return fallback;
  int out = 0;
  const auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  return ec == std::errc{} && p == v->data() + v->size() ? out : fallback;
}

Text Workflow::reminder_detail(const CaseContext&, const Deadline&, Date) const { return {}; }

bool Workflow::escalates(std::string_view, int) const { return false; }
Result<int> Directory::full_members(const std::string& branch) const {
  return Error::storage("this directory cannot count the members of " + branch);
}

Result<std::vector<Person>> Directory::people(const std::string&) const {
  return std::vector<Person>{};
}

Result<std::vector<Case>> Directory::cases_of(PersonId) const { return std::vector<Case>{}; }

Result<std::vector<EventRecord>> Directory::events_of(CaseId) const { return std::vector<EventRecord>{}; }

Text Workflow::flag_label(std::string_view flag) const { return {std::string(flag), std::string(flag)}; }

void WorkflowRegistry::add(std::unique_ptr<Workflow> wf) { workflows_.push_back(std::move(wf)); }

const Workflow* WorkflowRegistry::find(std::string_view name) const {
  for (const auto& w : workflows_)
    if (w->name() == name) return w.get();
  return nullptr;
}

std::vector<const Workflow*> WorkflowRegistry::all() const {
  std::vector<const Workflow*> out;
  for (const auto& w : workflows_) out.push_back(w.get());
  return out;
}

}  // namespace djflow::engine
