// Internal to engine/: the Directory a workflow sees, read-only lookups through the store inside
// the command's transaction (recording) or the verify's reads (replay).
#pragma once

#include <set>

#include "engine/store.hpp"
#include "engine/workflow.hpp"

namespace djflow::engine {

class StoreDirectory final : public Directory {
 public:
  explicit StoreDirectory(Store& s) : store_(s) {}
  Result<std::optional<Person>> person(PersonId id) const override { return store_.find_person(id); }
  Result<std::optional<Branch>> branch(const std::string& code) const override {
    return store_.find_branch(code);
  }
  Result<int> full_members(const std::string& code) const override {
    return store_.count_full_members(code);
  }
  Result<std::vector<Person>> people(const std::string& code) const override {
    return store_.list_persons(code);
  }
  Result<std::vector<Person>> people_under(const std::string& code) const override {
    auto branches = store_.list_branches();
    DJFLOW_TRY(branches);
    std::set<std::string> tree{code};
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& b : branches.value())
        if (tree.count(b.parent) && tree.insert(b.code).second) grew = true;
    }
    std::vector<Person> out;
    for (const auto& c : tree) {
      auto people = store_.list_persons(c);
      DJFLOW_TRY(people);
      for (auto& p : people.value()) out.push_back(std::move(p));
    }
    return out;
  }
  Result<std::vector<Case>> cases_of(PersonId id) const override {
    CaseFilter f;
    f.person = id;
    return store_.list_cases(f);
  }
  Result<std::vector<EventRecord>> events_of(CaseId id) const override { return store_.events(id); }

 private:
  Store& store_;
};

}  // namespace djflow::engine
