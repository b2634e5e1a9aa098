// SqliteStore, part 3: the rectification ledger (整改台账): rectify_batches and rectify_items
// (docs/storage_format.md). The statements are fixed texts kept in the statement cache by text.
#include "storage/sqlite_store.hpp"

#include "storage/codec.hpp"
#include "storage/statement.hpp"
#include "storage/statement_cache.hpp"

namespace djflow::storage {

using engine::CaseId;
using engine::Date;
using engine::Error;
using engine::RectifyBatch;
using engine::RectifyItem;
using engine::RectifyItemFilter;
using engine::RectifyItemRow;
using engine::Result;
using engine::Status;
using engine::Text;
using detail::IsoDate;
using detail::decode;
using detail::read_date;
using detail::read_opt_date;
using detail::sql_limit;
using detail::sqlite_error;

namespace {

// clang-format off
constexpr const char* kInsertBatch =
    "INSERT INTO rectify_batches (case_id, source, org, title, feedback, report_due) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kBatchCols = "b.case_id, b.source, b.org, b.title, b.feedback, b.report_due";
constexpr const char* kInsertItem =
    "INSERT INTO rectify_items (case_id, batch_id, seq, org, source, problem, category, cause, "
    "target, measures, leader, department, owner, supporting, type, deadline, milestones, "
    "registered) SELECT ?1, ?2, coalesce(max(seq), 0) + 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
    "?12, ?13, ?14, ?15, ?16, ?17 FROM rectify_items WHERE batch_id = ?2";
#define DJFLOW_ITEM_COLS \
  "i.case_id, i.batch_id, i.seq, i.org, i.source, i.problem, i.category, i.cause, i.target, " \
  "i.measures, i.leader, i.department, i.owner, i.supporting, i.type, i.deadline, i.milestones, " \
  "i.registered"
constexpr int kItemColumns = 18;
// The latest `deadline` row of the item (open or closed: "1YYYY-MM-DD" / "0YYYY-MM-DD") and its
// earliest open milestone; for a closed item, the date of its closing `accept` (its last event).
#define DJFLOW_ITEM_DUE_COLS \
  "(SELECT d.open || d.due_date FROM deadlines d WHERE d.case_id = i.case_id " \
  "AND d.kind = 'deadline' ORDER BY d.id DESC LIMIT 1), " \
  "(SELECT d.due_date FROM deadlines d WHERE d.case_id = i.case_id AND d.open = 1 " \
  "AND d.kind = 'milestone' ORDER BY d.due_date LIMIT 1), " \
  "(SELECT e.effective_date FROM events e WHERE e.case_id = c.id AND e.seq = c.version " \
  "AND c.state = 'closed' AND e.event = 'accept')"
// clang-format on

void bind_opt_date(detail::Statement& s, int i, const std::optional<IsoDate>& d) {
  if (d) {
    s.bind(i, d->view());
  } else {
    s.bind_null(i);
  }
}

Status decode_batch(const detail::Statement& s, RectifyBatch& b) {
  b.id = s.int64(0);
  b.source = s.string(1);
  b.org = s.string(2);
  b.title = s.string(3);
  DJFLOW_TRY(read_date(s, 4, "rectify_batches.feedback", b.feedback));
  return read_opt_date(s, 5, "rectify_batches.report_due", b.report_due);
}

Status decode_item(const detail::Statement& s, int col, RectifyItem& it) {
  it.id = s.int64(col);
  it.batch = s.int64(col + 1);
  it.seq = s.int64(col + 2);
  it.org = s.string(col + 3);
  it.source = s.string(col + 4);
  it.problem = s.string(col + 5);
  it.category = s.string(col + 6);
  it.cause = s.string(col + 7);
  it.target = s.string(col + 8);
  it.measures = s.string(col + 9);
  it.leader = s.string(col + 10);
  it.department = s.string(col + 11);
  it.owner = s.string(col + 12);
  it.supporting = s.string(col + 13);
  it.type = s.string(col + 14);
  DJFLOW_TRY(read_opt_date(s, col + 15, "rectify_items.deadline", it.deadline));
  it.milestones = s.string(col + 16);
  return read_date(s, col + 17, "rectify_items.registered", it.registered);
}

}  // namespace

Status SqliteLedger::insert_rectify_batch(const RectifyBatch& b) {
  DJFLOW_STATEMENT(s, std::string(kInsertBatch));
  const IsoDate feedback(b.feedback);
  std::optional<IsoDate> due;
  if (b.report_due) due.emplace(*b.report_due);
  s.bind(1, b.id);
  s.bind(2, b.source);
  s.bind(3, b.org);
  s.bind(4, b.title);
  s.bind(5, feedback.view());
  bind_opt_date(s, 6, due);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return log_change("rectify-batch", std::to_string(b.id), "insert");
  const std::string id = std::to_string(b.id);
  if (detail::is_unique_violation(rc))
    return Error::conflict(Text{"整改批次 " + id + " 已存在", "rectification batch " + id + " already exists"});
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return Error::not_found(Text{"事项或组织不存在（批次 " + id + "）", "no case or organisation for batch " + id});
  return sqlite_error(db_, rc, "insert_rectify_batch");
}

Result<std::optional<RectifyBatch>> SqliteLedger::find_rectify_batch(CaseId id) {
  DJFLOW_STATEMENT(s, std::string("SELECT ") + kBatchCols + " FROM rectify_batches b WHERE b.case_id = ?1");
  s.bind(1, id);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<RectifyBatch>();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "find_rectify_batch");
  RectifyBatch b;
  DJFLOW_TRY(decode_batch(s, b));
  return std::optional<RectifyBatch>(std::move(b));
}

Result<std::vector<RectifyBatch>> SqliteLedger::list_rectify_batches() {
  DJFLOW_STATEMENT(s, std::string("SELECT ") + kBatchCols + " FROM rectify_batches b ORDER BY b.case_id");
  std::vector<RectifyBatch> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "list_rectify_batches");
    RectifyBatch b;
    DJFLOW_TRY(decode_batch(s, b));
    out.push_back(std::move(b));
  }
}

Result<std::int64_t> SqliteLedger::insert_rectify_item(const RectifyItem& it) {
  {
    DJFLOW_STATEMENT(s, std::string(kInsertItem));
    const IsoDate registered(it.registered);
    std::optional<IsoDate> deadline;
    if (it.deadline) deadline.emplace(*it.deadline);
    s.bind(1, it.id);
    s.bind(2, it.batch);
    s.bind(3, it.org);
    s.bind(4, it.source);
    s.bind(5, it.problem);
    s.bind(6, it.category);
    s.bind(7, it.cause);
    s.bind(8, it.target);
    s.bind(9, it.measures);
    s.bind(10, it.leader);
    s.bind(11, it.department);
    s.bind(12, it.owner);
    s.bind(13, it.supporting);
    s.bind(14, it.type);
    bind_opt_date(s, 15, deadline);
    s.bind(16, it.milestones);
    s.bind(17, registered.view());
    const int rc = s.step();
    const std::string id = std::to_string(it.id);
    if (detail::is_unique_violation(rc))
      return Error::conflict(Text{"整改事项 " + id + " 已存在", "rectification item " + id + " already exists"});
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
      return Error::not_found(Text{"整改批次 " + std::to_string(it.batch) + " 不存在",
                                   "no rectification batch " + std::to_string(it.batch)});
    if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "insert_rectify_item");
  }
  DJFLOW_TRY(log_change("rectify-item", std::to_string(it.id), "insert"));
  DJFLOW_STATEMENT(q, std::string("SELECT seq FROM rectify_items WHERE case_id = ?1"));
  q.bind(1, it.id);
  const int rc = q.step();
  if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "insert_rectify_item seq");
  return q.int64(0);
}

Result<std::vector<RectifyItemRow>> SqliteLedger::list_rectify_items(const RectifyItemFilter& f) {
  std::string sql = "SELECT " DJFLOW_ITEM_COLS ", " DJFLOW_CASE_COLS ", " DJFLOW_ITEM_DUE_COLS;
  if (f.overdue_on) {
    // Driven by the partial index of open deadlines (due_date first): only the overdue rows.
    sql += " FROM deadlines od JOIN rectify_items i ON i.case_id = od.case_id"
           " JOIN cases c ON c.id = i.case_id"
           " WHERE od.open = 1 AND od.kind = 'deadline' AND od.due_date < ?";
  } else {
    sql += " FROM rectify_items i JOIN cases c ON c.id = i.case_id WHERE 1 = 1";
  }
  if (f.batch) sql += " AND i.batch_id = ?";
  if (f.owner) sql += " AND i.owner = ?";
  if (f.org) sql += " AND i.org = ?";
  sql += f.overdue_on ? " ORDER BY od.due_date, i.case_id" : " ORDER BY i.batch_id, i.seq";
  sql += " LIMIT ?";
  DJFLOW_STATEMENT(s, sql);
  std::optional<IsoDate> before;
  int i = 0;
  if (f.overdue_on) {
    before.emplace(*f.overdue_on);
    s.bind(++i, before->view());
  }
  if (f.batch) s.bind(++i, *f.batch);
  if (f.owner) s.bind(++i, *f.owner);
  if (f.org) s.bind(++i, *f.org);
  s.bind(++i, sql_limit(f.limit));
  std::vector<RectifyItemRow> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "list_rectify_items");
    RectifyItemRow row;
    DJFLOW_TRY(decode_item(s, 0, row.item));
    DJFLOW_TRY(decode(s, kItemColumns, row.c));
    const int due_col = kItemColumns + detail::kCaseColumns;
    if (!s.is_null(due_col)) {
      const auto v = s.text(due_col);
      Date d;
      if (v.size() != 11 || !detail::parse_iso_date(v.substr(1), d))
        return Error::corruption(Text{"期限数据格式错误", "malformed deadline row for case " + std::to_string(row.c.id)});
      row.due = d;
      row.due_open = v[0] == '1';
    }
    DJFLOW_TRY(read_opt_date(s, due_col + 1, "deadlines.due_date", row.next_milestone));
    DJFLOW_TRY(read_opt_date(s, due_col + 2, "events.effective_date", row.closed_on));
    out.push_back(std::move(row));
  }
}

}  // namespace djflow::storage
