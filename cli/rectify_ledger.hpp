// The rectification ledger as `rectify list` and `rectify export` show it, shared by the command
// line and the web API (issue 11): an item's status as of a day (days left, warning colour) and
// its row in the ledger's standard columns (rules.md §4.2).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/render.hpp"
#include "engine/engine.hpp"
#include "engine/rectify_records.hpp"

namespace djflow::cli {

struct ItemStatus {
  std::optional<int> days_left;  // of the open deadline
  std::string colour;            // green | yellow | red | "" (no open deadline)
  bool overdue = false;
  bool escalate = false;
  std::string state;             // as of today (rect::state_as_of, as `djflow show` says)
  std::optional<int> closed_days_overdue;  // closed items with a deadline: 0 = on time
};

ItemStatus status_of(const engine::RectifyItemRow& r, engine::Date today);

// "按期销号" / "逾期 5 天销号" (the ledger's wording, in Chinese whatever the language).
std::string closed_text_zh(int days_overdue);

// The fields of one item in `rectify list --json` and GET /api/v1/rectify/items, written to a
// JsonArrayWriter (the CLI streams 100,000 rows) or a JsonObjectWriter (the web). `iso` gives a
// date's text (memoised by the CLI).
template <class W, class Iso>
void write_item_fields(W& w, const engine::RectifyItemRow& r, const ItemStatus& st, Iso&& iso) {
  w.integer("id", r.c.id);
  w.integer("batch", r.item.batch);
  w.integer("seq", r.item.seq);
  w.string("org", r.item.org);
  w.string("title", r.c.title);
  w.string("problem", r.item.problem);
  w.string("type", r.item.type);
  w.string("owner", r.item.owner);
  w.string("leader", r.item.leader);
  w.string("department", r.item.department);
  w.string("state", r.c.state);
  w.string("state_as_of", st.state);
  if (r.due) w.string("deadline", iso(*r.due));
  else w.null("deadline");
  if (st.days_left) w.integer("days_left", *st.days_left);
  else w.null("days_left");
  w.boolean("overdue", st.overdue);
  w.integer("days_overdue", st.overdue ? -*st.days_left : 0);
  if (st.colour.empty()) w.null("colour");
  else w.string("colour", st.colour);
  w.boolean("escalate", st.escalate);
  if (r.next_milestone) w.string("next_milestone", iso(*r.next_milestone));
  else w.null("next_milestone");
  if (r.closed_on) w.string("closed_on", iso(*r.closed_on));
  else w.null("closed_on");
  if (st.closed_days_overdue) w.integer("closed_days_overdue", *st.closed_days_overdue);
  else w.null("closed_days_overdue");
}

// write_item_fields into one JSON object.
struct JsonObjectWriter {
  Json& j;
  void string(std::string_view k, std::string_view v) { j[std::string(k)] = std::string(v); }
  void integer(std::string_view k, std::int64_t v) { j[std::string(k)] = v; }
  void boolean(std::string_view k, bool v) { j[std::string(k)] = v; }
  void null(std::string_view k) { j[std::string(k)] = nullptr; }
};

// The export's columns (序号 … 登记日期), in Chinese as the ledger standard names them.
const std::vector<std::string>& ledger_columns();

// One ledger row of an item from its registration and its (effective) history.
std::vector<std::string> ledger_row(const engine::RectifyItemRow& r, const std::vector<engine::EventRecord>& history,
                                    const engine::Workflow* wf);

// The ledger rows of each batch (corrections applied), items kept by `keep` (all when empty).
using LedgerRows = std::vector<std::vector<std::string>>;
engine::Result<std::vector<LedgerRows>> ledger_tables(engine::Engine& engine, engine::Store& store,
                                                      const std::vector<engine::RectifyBatch>& batches,
                                                      const std::function<bool(const engine::RectifyItemRow&)>& keep = {});
// The export's header and rows in one table; `many`: a 批次 column first (`rectify export --all`).
std::pair<std::vector<std::string>, LedgerRows> flat_ledger(const std::vector<engine::RectifyBatch>& batches,
                                                            const std::vector<LedgerRows>& tables, bool many);

}  // namespace djflow::cli
