// The rectification ledger's queryable records (整改台账): batches (整改批次) and items (整改事项).
// The history of each batch and item is its case (workflows/rectify/); these rows repeat the
// registration fields of the case's first event so that the ledger can be listed and filtered
// over 100,000 items without replaying histories. Written once, in the transaction that creates
// the case (Engine::start with an AlsoWrite), never updated. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/date.hpp"
#include "engine/model.hpp"

namespace djflow::engine {

// A batch: one source of problems (an inspection's feedback, a themed education's self-review).
// Its id is the id of its `rectify-batch` case.
struct RectifyBatch {
  CaseId id = 0;
  std::string source;               // inspection | circuit-inspection | audit | ... (stable ids)
  std::string org;                  // organisation code
  std::string title;
  Date feedback;                    // date the feedback was received
  std::optional<Date> report_due;   // report deadline (Z1), when the batch has one
};

// An item: one problem with its measures and responsibilities. Its id is its `rectify` case id.
struct RectifyItem {
  CaseId id = 0;
  CaseId batch = 0;
  std::int64_t seq = 0;             // 序号 within the batch (assigned by the store: 1, 2, ...)
  std::string org;
  std::string source;               // copied from the batch
  std::string problem, category, cause, target, measures;
  std::string leader, department, owner, supporting;
  std::string type;                 // immediate | deadline | long-term
  std::optional<Date> deadline;     // as registered (extensions live in the history/deadlines)
  std::string milestones;           // "YYYY-MM-DD:text" lines, as registered
  Date registered;
};

// An item with its case and its current deadline, as the ledger lists it.
struct RectifyItemRow {
  RectifyItem item;
  Case c;
  std::optional<Date> due;          // latest `deadline` deadline of the case (open or closed)
  bool due_open = false;            // whether that deadline is open
  std::optional<Date> next_milestone;  // open `milestone` deadline (long-term items)
  std::optional<Date> closed_on;    // closed items: the date of the closing `accept`
};

struct RectifyItemFilter {
  std::optional<CaseId> batch;
  std::optional<std::string> owner;      // exact responsible person
  std::optional<std::string> org;        // exact organisation code
  std::optional<Date> overdue_on;        // only items whose open deadline is before this date
  std::size_t limit = 0;                 // 0: no limit
};

}  // namespace djflow::engine
