// The rectification workflows' vocabulary (整改): stable state names, event ids with their Chinese
// names and aliases, deadline kinds, batch sources and item types, with bilingual labels. These
// strings are part of the CLI and storage contract (persisted in events, cases and the ledger
// tables): never rename one, add new ones. Two workflows share it: `rectify` (an item, 整改事项)
// and `rectify-batch` (a batch, 整改批次). Pure data, no Boost.MSM.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text.hpp"

namespace djflow::workflows::rectify {

struct Label {
  std::string_view id;
  std::string_view zh;
  std::string_view en;
};

struct EventInfo {
  std::string_view id;
  std::string_view zh;
  std::string_view en;
  std::vector<std::string_view> aliases;
};

// Items: states in lifecycle order, events in the order of the ledger's life.
std::span<const Label> item_states();
std::span<const EventInfo> item_events();
std::span<const Label> item_deadlines();
// Batches.
std::span<const Label> batch_states();
std::span<const EventInfo> batch_events();
std::span<const Label> batch_deadlines();

// Sources of a batch (问题来源) and item types (整改类型).
std::span<const Label> sources();
std::span<const Label> item_types();
bool valid_source(std::string_view id);
bool valid_type(std::string_view id);
// Sources whose batch has a report deadline by default (巡视/巡察: Z1, Z4).
bool reports_by_default(std::string_view source);

// Canonical id for an id (any case, '_' for '-'), its Chinese name or an alias; nullopt if unknown.
std::optional<std::string> resolve(std::span<const EventInfo> events, std::string_view name);

// Labels; unknown ids yield {id, id}.
engine::Text label(std::span<const Label> labels, std::string_view id);
engine::Text event_label(std::span<const EventInfo> events, std::string_view id);

}  // namespace djflow::workflows::rectify

namespace djflow::workflows::rectify {

// The three-colour warning of a deadline (三色预警) by days left: "green" more than 10 days,
// "yellow" 1-10 days, "red" on the day and after it (overdue).
std::string_view warning_colour(int days_left);
engine::Text warning_label(std::string_view colour);  // 绿色预警 / green warning, ...

}  // namespace djflow::workflows::rectify
