// The records the engine keeps: organisations (branches), people, cases (workflow instances),
// their append-only history (events), open deadlines, durable reminder timers and the
// notification outbox. Plain values; the Store persists them (docs/storage_format.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/clock.hpp"
#include "engine/date.hpp"
#include "engine/text.hpp"

namespace djflow::engine {

using CaseId = std::int64_t;
using PersonId = std::int64_t;
// Named inputs of a step (`--with key=value`), kept sorted so that hashing is canonical.
using Inputs = std::map<std::string, std::string>;

// Kinds of organisation. Stable strings: "branch" 党支部, "general" 党总支, "committee" 基层党委.
struct Branch {
  std::string code;
  std::string name;
  std::string kind = "branch";
  std::string parent;  // empty for a top-level organisation
  TimePoint created_at{};
};

// Membership status of a person. Stable strings: "none", "probationary", "full".
enum class MemberStatus { None, Probationary, Full };
const char* to_string(MemberStatus s);
std::optional<MemberStatus> member_status_from(std::string_view s);

struct Person {
  PersonId id = 0;
  std::string name;
  std::string branch;  // branch code
  Date born;
  MemberStatus status = MemberStatus::None;
  std::optional<Date> joined;  // full members: 党龄 counts from here (D37)
  TimePoint created_at{};
  // Optional (empty: none). `key`: 工号 or another key, unique in the whole database when given;
  // it tells apart people of the same name in one organisation. `phone`: mobile phone (robot
  // @-mentions). Migration 8.
  std::string key;
  std::string phone;
};

// A workflow instance. `state` is the workflow's stable state name (never MSM's numeric id).
struct Case {
  CaseId id = 0;
  std::string workflow;               // "member", ...
  std::optional<PersonId> person;     // the subject, when the subject is a person
  std::string branch;                 // the organisation the case belongs to
  std::string title;                  // display name of the subject (the person's name, ...)
  std::string state;
  std::int64_t version = 0;           // number of events; optimistic concurrency token
  std::string head_hash;              // hash of the last event (the chain head)
  TimePoint created_at{};
  TimePoint updated_at{};
};

// One accepted step. Never updated or deleted. `hash` = SHA-256 over prev_hash and the canonical
// content (see history_hash.hpp); the first event of a case chains from the empty string.
struct EventRecord {
  CaseId case_id = 0;
  std::int64_t seq = 0;          // 1, 2, 3 ... per case
  std::string event;             // canonical event id ("apply", "talk", ...)
  Date date;                     // effective business date (--date)
  TimePoint recorded_at{};       // engine clock at the time of recording
  std::string actor;
  Inputs inputs;
  std::string note;
  std::string ref;
  std::string rule_version;      // "2014", "2026", ...
  std::string from_state;        // "" for the first event
  std::string to_state;
  std::vector<std::string> flags;  // e.g. "late:talk"
  std::string prev_hash;
  std::string hash;
};

// An obligation with a due date, derived by the workflow from the case's state and history.
struct Deadline {
  std::int64_t id = 0;
  CaseId case_id = 0;
  std::string kind;              // "talk", "review", ... (part of the CLI contract)
  Date due;
  Date opened_on;                // effective date of the step that opened it
  bool milestone = false;        // a milestone (a date something becomes possible), not a duty
  int overdue_every_days = 7;    // while overdue, remind every this many days (0: never)
  bool open = true;
  std::optional<Date> closed_on;
  // Event the engine records by itself once the business date is after `due` (Engine::tick;
  // e.g. "overdue"); empty: none. See DeadlineSpec::on_due_event.
  std::string on_due_event;
};

// A durable reminder: due at `fire_at`; `key` is deterministic and UNIQUE in the store, so the
// same reminder can never be created, nor fire, twice (invariant I4).
struct Timer {
  std::int64_t id = 0;
  std::string key;               // "<case>:<kind>:<due>:<offset>"
  CaseId case_id = 0;
  std::int64_t deadline_id = 0;
  std::string kind;
  Date due;
  int offset_days = 0;           // negative: before the due date; positive: overdue
  TimePoint fire_at{};
  std::optional<TimePoint> fired_at;
};

// A reminder that fell due, written in the same transaction that fired its timer(s).
struct Notification {
  std::int64_t id = 0;
  std::string key;               // key of the (last) timer that produced it; UNIQUE
  CaseId case_id = 0;
  std::string workflow;
  std::string branch;
  std::string kind;
  Date due;
  int days_left = 0;             // negative when overdue, as of the firing date
  TimePoint created_at{};
  Text text;
};

}  // namespace djflow::engine
