// JSON shapes shared by the command line (--json) and the web API (issue 11 §3), so that both
// answer with the same fields.
#pragma once

#include "cli/render.hpp"
#include "engine/engine.hpp"

namespace djflow::cli {

// `show --json` and GET /api/v1/cases/{id} (cmd_cases.cpp).
Json case_view_json(const engine::CaseView& view, engine::Date today, Lang l);

}  // namespace djflow::cli
