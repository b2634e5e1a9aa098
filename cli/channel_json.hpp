// A delivery channel as `notify list --json` and GET /api/v1/channels show it: secrets never
// (webhook URLs redacted, only whether a signing secret is set).
#pragma once

#include <string>

#include "cli/render.hpp"
#include "engine/delivery.hpp"

namespace djflow::cli {

// What a channel delivers to, safe to show.
std::string shown_target(const engine::Channel& c);
Json channel_json(const engine::Channel& c);

}  // namespace djflow::cli
