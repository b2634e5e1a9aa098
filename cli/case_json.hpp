// JSON shapes shared by the command line (--json) and the web API (issue 11 §3), so that both
// answer with the same fields.
#pragma once

#include "cli/render.hpp"
#include "engine/engine.hpp"

namespace djflow::cli {

// `show --json` and GET /api/v1/cases/{id} (cmd_cases.cpp).
Json case_view_json(const engine::CaseView& view, engine::Date today, Lang l);

// What the web API adds to case_view_json (cli/web_app.cpp).
struct CaseJsonExtras {
  // GET /api/v1/cases/{id}'s shape (web::case_page_json): each history entry's event_label,
  // then allowed_steps (event, label) and workflow_label after allowed.
  bool page = false;
  // A recorded step's answer: "recorded": {seq, event} last.
  const engine::EventRecord* recorded = nullptr;
};
// The same JSON as case_view_json(view, today, l) with `x`'s members, as the web's json_answer
// prints it (compact, UTF-8 as it is), written straight into the text: no tree of values.
std::string case_view_json_text(const engine::CaseView& view, engine::Date today, Lang l, const CaseJsonExtras& x = {});

}  // namespace djflow::cli
