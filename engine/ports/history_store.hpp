// Cases (workflow instances) and their append-only, hash-chained history (I2, I3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/model.hpp"

namespace djflow::engine {

struct CaseFilter {
  std::optional<std::string> workflow;
  std::optional<std::string> branch;              // exact branch code
  std::optional<std::vector<std::string>> states; // any of these states
  std::optional<PersonId> person;
  std::size_t limit = 0;                          // 0: no limit
  // Any of these organisations (a user's subtree, issue 11 §2), in the query rather than
  // filtered afterwards; an empty set selects no case.
  std::optional<std::vector<std::string>> branches;
};

// How many cases of one organisation and workflow are in one state (count_cases).
struct CaseCount {
  std::string branch;
  std::string workflow;
  std::string state;
  std::int64_t count = 0;
};

// One case with its whole history, events ordered by seq.
struct CaseHistory {
  Case c;
  std::vector<EventRecord> events;
};

// What a step on a case reads before it judges the step: the case, its events ordered by seq,
// and its subject (the person c.person names, if any).
struct CaseFile {
  Case c;
  std::vector<EventRecord> events;
  std::optional<Person> subject;
};

class HistoryStore {
 public:
  virtual ~HistoryStore() = default;

  virtual Result<CaseId> insert_case(const Case& c) = 0;  // returns the new id; version 0
  virtual Result<std::optional<Case>> find_case(CaseId id) = 0;
  virtual Result<std::vector<Case>> list_cases(const CaseFilter& f) = 0;
  // The cases `f` selects, counted per (branch, workflow, state) by the store (GROUP BY), ordered
  // by those three; `f.limit` is ignored. What the web overview's funnel reads instead of every
  // case.
  virtual Result<std::vector<CaseCount>> count_cases(const CaseFilter& f) = 0;
  // Moves the case to `state`, version `expected_version + 1`, new chain head.
  // NotFound for an unknown case; Conflict when the stored version is not `expected_version`.
  virtual Status update_case(CaseId id, std::int64_t expected_version, const std::string& state,
                             const std::string& head_hash, TimePoint updated_at) = 0;

  // A case's events are appended in seq order: one inserted before a later seq of its case is
  // refused (the year-end projection's trigger, migration 11, decision 0129). Conflict if
  // (case, seq) exists, NotFound for an unknown case, InvalidInput for inputs or flags that are
  // not valid UTF-8.
  virtual Status append_event(const EventRecord& e) = 0;
  // A step's write to the history: appends `e` and moves its case to it (state e.to_state,
  // version expected_version + 1, head e.hash, updated at e.recorded_at), with the errors of
  // append_event and update_case. Made in a write transaction, which the caller rolls back on an
  // error. The default makes the two calls (SQLite: no round trip to save); PostgreSQL writes
  // both in one statement (decision 0139), which leaves neither done when it fails.
  virtual Status append_step(const EventRecord& e, std::int64_t expected_version) {
    DJFLOW_TRY(append_event(e));
    return update_case(e.case_id, expected_version, e.to_state, e.hash, e.recorded_at);
  }
  // Moves a case to organisation `branch` (组织关系转接 of its subject, issue 9). NotFound for an
  // unknown case or organisation.
  virtual Status update_case_branch(CaseId id, const std::string& branch) = 0;
  virtual Result<std::vector<EventRecord>> events(CaseId id) = 0;  // ordered by seq
  // find_case, events and the subject's find_person in one call: one statement on either backend
  // (cases LEFT JOIN persons LEFT JOIN events), one round trip on PostgreSQL (decision 0130).
  // nullopt for an unknown case.
  virtual Result<std::optional<CaseFile>> case_file(CaseId id) = 0;

  // At most `limit` cases with id > `after`, by id, each with its events (cases without events
  // come with an empty vector). A page is read whole before it is returned, so the caller may
  // use the store while it walks a page (no cursor stays open between calls).
  virtual Result<std::vector<CaseHistory>> history_page(CaseId after, std::size_t limit) = 0;

  // Calls `fn` for every case and its events in (case, seq) order, page by page; stops early
  // when `fn` returns false. `fn` may call the store.
  Status for_each_history(
      const std::function<bool(const Case&, const std::vector<EventRecord>&)>& fn);
};

}  // namespace djflow::engine
