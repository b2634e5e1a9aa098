// The member-development workflow's vocabulary: stable state names, stages, event ids with their
// Chinese step names and aliases, deadline kinds, and the bilingual labels of all of them. These
// strings are part of the CLI and storage contract (they are persisted in events and cases), so
// never rename one; add new ones instead. Pure data, no Boost.MSM.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text.hpp"

namespace djflow::workflows::member {

struct StateInfo {
  std::string_view name;   // stable name ("pre-reviewed")
  std::string_view stage;  // "applicant", "activist", "candidate", "probationary", "full", "closed"
  std::string_view zh;
  std::string_view en;
};

struct EventInfo {
  std::string_view id;  // canonical id ("political-review")
  std::string_view zh;  // the step name (政治审查)
  std::string_view en;
  std::vector<std::string_view> aliases;  // further accepted names (short forms, 2014 wording)
};

struct LabelInfo {
  std::string_view id;
  std::string_view zh;
  std::string_view en;
};

// All stable states in lifecycle order (the closed ones last).
std::span<const StateInfo> state_infos();
// All events in the order of the table (the CLI contract order).
std::span<const EventInfo> event_infos();
std::span<const LabelInfo> stage_infos();
std::span<const LabelInfo> deadline_infos();

const StateInfo* find_state(std::string_view name);
const EventInfo* find_event(std::string_view id);

// Canonical id for an id (any case, '_' for '-') or an alias; nullopt when unknown.
std::optional<std::string> resolve_event_name(std::string_view name);

// Labels; unknown names yield {name, name}.
engine::Text state_text(std::string_view state);
engine::Text event_text(std::string_view event);
engine::Text stage_text(std::string_view stage);
engine::Text deadline_text(std::string_view kind);
// Flags on recorded steps: calendar-unknown, small-branch, eligible-differs, vote-failed.
engine::Text flag_text(std::string_view flag);

}  // namespace djflow::workflows::member
