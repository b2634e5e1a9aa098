// Organisations (党支部, 党总支, 基层党委) and people, with the one count the election rules need.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/model.hpp"

namespace djflow::engine {

class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;

  virtual Status insert_branch(const Branch& b) = 0;  // Conflict if the code exists
  virtual Result<std::optional<Branch>> find_branch(const std::string& code) = 0;
  virtual Result<std::vector<Branch>> list_branches() = 0;

  virtual Result<PersonId> insert_person(const Person& p) = 0;  // returns the new id
  virtual Result<std::optional<Person>> find_person(PersonId id) = 0;
  virtual Result<std::vector<Person>> list_persons(const std::optional<std::string>& branch) = 0;
  // People named exactly `name`, anywhere (name lookup, duplicate check), by id.
  virtual Result<std::vector<Person>> find_persons_by_name(const std::string& name) = 0;
  // The person whose unique key is `key`, if any.
  virtual Result<std::optional<Person>> find_person_by_key(const std::string& key) = 0;
  // Replaces name, branch, born, status, joined, key and phone with p's (p.id names the row);
  // `reason` is kept with the change in the person's history. NotFound for an unknown id,
  // Conflict when p.key belongs to another person.
  virtual Status update_person(const Person& p, const std::string& reason) = 0;
  // Sets status and joined as given (joined nullopt clears it). NotFound for an unknown id.
  virtual Status update_person_status(PersonId id, MemberStatus status,
                                      std::optional<Date> joined) = 0;

  // Full members (status "full") of `branch` and of every organisation under it (E1-E4).
  virtual Result<int> count_full_members(const std::string& branch) = 0;
};

}  // namespace djflow::engine
