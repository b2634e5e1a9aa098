// Internal to engine/: the Directory a workflow sees, read-only lookups through the store inside
// the command's transaction (recording) or the verify's reads (replay).
#pragma once

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
