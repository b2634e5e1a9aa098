// The vocabulary of the organisation-term (任期) and election (换届选举) workflows: stable state
// names, event ids with their Chinese step names and aliases, deadline kinds, and the bilingual
// labels of all of them. These strings are part of the CLI and storage contract (persisted in
// events and cases): never rename one, add new ones instead. Pure data, no Boost.MSM.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text.hpp"

namespace djflow::workflows::election {

struct StateInfo {
  std::string_view name;  // stable name ("candidates-approved")
  std::string_view stage; // "in-term", "preparing", "nominating", "voting", "approving", "closed"
  std::string_view zh;
  std::string_view en;
};

struct EventInfo {
  std::string_view id;  // canonical id ("invalid-meeting")
  std::string_view zh;  // the step name (选举大会无效)
  std::string_view en;
  std::vector<std::string_view> aliases;
};

struct LabelInfo {
  std::string_view id;
  std::string_view zh;
  std::string_view en;
};

// One catalogue per workflow: "election" and "term".
struct Catalog {
  std::span<const StateInfo> states;
  std::span<const EventInfo> events;
  std::span<const LabelInfo> stages;
  std::span<const LabelInfo> deadlines;

  const StateInfo* find_state(std::string_view name) const;
  const EventInfo* find_event(std::string_view id) const;
  // Canonical id for an id (any case, '_' for '-'), its Chinese name or an alias.
  std::optional<std::string> resolve(std::string_view name) const;
  engine::Text state_text(std::string_view state) const;
  engine::Text event_text(std::string_view event) const;
  engine::Text stage_text(std::string_view stage) const;
  engine::Text deadline_text(std::string_view kind) const;
  std::vector<std::string> event_ids() const;
  // For "unknown step" errors: zh "派人谈话（talk）、…" (names with ids), en "talk, …" (ids).
  engine::Text event_list() const;
  std::vector<std::string> state_names() const;
};

const Catalog& election_catalog();
const Catalog& term_catalog();

}  // namespace djflow::workflows::election
