// PgStore, LedgerStore: the rectification ledger (整改台账), rectify_batches and rectify_items,
// the twin of sqlite_store_rectify.cpp (same statements but for placeholders, same row order,
// the same entity events). An item's number within its batch is max + 1 under a lock of the
// batch row, so two items registered at once in one batch get two numbers, not a conflict.
#include "storage/pg_codec.hpp"
#include "storage/pg_store.hpp"

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
using pg::Params;
using pg::Rows;

namespace {

// clang-format off
constexpr const char* kBatchCols = "b.case_id, b.source, b.org, b.title, b.feedback, b.report_due";
#define DJFLOW_PG_ITEM_COLS \
  "i.case_id, i.batch_id, i.seq, i.org, i.source, i.problem, i.category, i.cause, i.target, " \
  "i.measures, i.leader, i.department, i.owner, i.supporting, i.type, i.deadline, i.milestones, " \
  "i.registered"
constexpr int kItemColumns = 18;
// As on SQLite: the latest `deadline` row of the item ("1YYYY-MM-DD" open / "0YYYY-MM-DD"
// closed), its earliest open milestone, and for a closed item the date of its closing `accept`.
#define DJFLOW_PG_ITEM_DUE_COLS \
  "(SELECT d.open || d.due_date FROM deadlines d WHERE d.case_id = i.case_id " \
  "AND d.kind = 'deadline' ORDER BY d.id DESC LIMIT 1), " \
  "(SELECT d.due_date FROM deadlines d WHERE d.case_id = i.case_id AND d.open = 1 " \
  "AND d.kind = 'milestone' ORDER BY d.due_date LIMIT 1), " \
  "(SELECT e.effective_date FROM events e WHERE e.case_id = c.id AND e.seq = c.version " \
  "AND c.state = 'closed' AND e.event = 'accept')"
// clang-format on

Params& opt_date(Params& p, const std::optional<Date>& d) { return d ? p.text(pg::iso(*d)) : p.null(); }

Status decode_batch(const Rows& r, int row, RectifyBatch& b) {
  b.id = r.int64(row, 0);
  b.source = r.string(row, 1);
  b.org = r.string(row, 2);
  b.title = r.string(row, 3);
  DJFLOW_TRY(pg::read_date(r, row, 4, "rectify_batches.feedback", b.feedback));
  return pg::read_opt_date(r, row, 5, "rectify_batches.report_due", b.report_due);
}

Status decode_item(const Rows& r, int row, int col, RectifyItem& it) {
  it.id = r.int64(row, col);
  it.batch = r.int64(row, col + 1);
  it.seq = r.int64(row, col + 2);
  it.org = r.string(row, col + 3);
  it.source = r.string(row, col + 4);
  it.problem = r.string(row, col + 5);
  it.category = r.string(row, col + 6);
  it.cause = r.string(row, col + 7);
  it.target = r.string(row, col + 8);
  it.measures = r.string(row, col + 9);
  it.leader = r.string(row, col + 10);
  it.department = r.string(row, col + 11);
  it.owner = r.string(row, col + 12);
  it.supporting = r.string(row, col + 13);
  it.type = r.string(row, col + 14);
  DJFLOW_TRY(pg::read_opt_date(r, row, col + 15, "rectify_items.deadline", it.deadline));
  it.milestones = r.string(row, col + 16);
  return pg::read_date(r, row, col + 17, "rectify_items.registered", it.registered);
}

Error no_batch(CaseId batch) {
  return Error::not_found(Text{"整改批次 " + std::to_string(batch) + " 不存在",
                               "no rectification batch " + std::to_string(batch)});
}

}  // namespace

Status PgLedger::insert_rectify_batch(const RectifyBatch& b) {
  Params p;
  p.int64(b.id).text(b.source).text(b.org).text(b.title).text(pg::iso(b.feedback));
  opt_date(p, b.report_due);
  auto r = db().exec_guarded("insert_rectify_batch",
                             "INSERT INTO rectify_batches (case_id, source, org, title, feedback, report_due) "
                             "VALUES ($1, $2, $3, $4, $5, $6)",
                             p);
  const std::string id = std::to_string(b.id);
  if (r) return log_change("rectify-batch", id, "insert");
  if (db().last_sqlstate() == pg::kUniqueViolation)
    return Error::conflict(Text{"整改批次 " + id + " 已存在", "rectification batch " + id + " already exists"});
  if (db().last_sqlstate() == pg::kForeignKeyViolation)
    return Error::not_found(Text{"事项或组织不存在（批次 " + id + "）", "no case or organisation for batch " + id});
  return r.error();
}

Result<std::optional<RectifyBatch>> PgLedger::find_rectify_batch(CaseId id) {
  auto r = db().exec("find_rectify_batch",
                     std::string("SELECT ") + kBatchCols + " FROM rectify_batches b WHERE b.case_id = $1",
                     Params().int64(id));
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<RectifyBatch>();
  RectifyBatch b;
  DJFLOW_TRY(decode_batch(*r, 0, b));
  return std::optional<RectifyBatch>(std::move(b));
}

Result<std::vector<RectifyBatch>> PgLedger::list_rectify_batches() {
  auto r = db().exec("list_rectify_batches",
                     std::string("SELECT ") + kBatchCols + " FROM rectify_batches b ORDER BY b.case_id");
  if (!r) return r.error();
  std::vector<RectifyBatch> out(static_cast<std::size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) DJFLOW_TRY(decode_batch(*r, i, out[static_cast<std::size_t>(i)]));
  return out;
}

Result<std::int64_t> PgLedger::insert_rectify_item(const RectifyItem& it) {
  if (db().in_transaction()) {
    // The batch row, locked to the end of the transaction: the next number is taken after the
    // previous registration in this batch has committed.
    auto lock = db().exec("insert_rectify_item", "SELECT 1 FROM rectify_batches WHERE case_id = $1 FOR UPDATE",
                          Params().int64(it.batch));
    if (!lock) return lock.error();
    if (lock->size() == 0) return no_batch(it.batch);
  }
  Params p;
  p.int64(it.id).int64(it.batch).text(it.org).text(it.source).text(it.problem).text(it.category)
      .text(it.cause).text(it.target).text(it.measures).text(it.leader).text(it.department).text(it.owner)
      .text(it.supporting).text(it.type);
  opt_date(p, it.deadline);
  p.text(it.milestones).text(pg::iso(it.registered));
  auto r = db().exec_guarded(
      "insert_rectify_item",
      "INSERT INTO rectify_items (case_id, batch_id, seq, org, source, problem, category, cause, "
      "target, measures, leader, department, owner, supporting, type, deadline, milestones, registered) "
      "SELECT $1::bigint, $2::bigint, coalesce(max(seq), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
      "$15, $16, $17 FROM rectify_items WHERE batch_id = $2 RETURNING seq",
      p);
  const std::string id = std::to_string(it.id);
  if (!r) {
    if (db().last_sqlstate() == pg::kUniqueViolation)
      return Error::conflict(Text{"整改事项 " + id + " 已存在", "rectification item " + id + " already exists"});
    if (db().last_sqlstate() == pg::kForeignKeyViolation) return no_batch(it.batch);
    return r.error();
  }
  const std::int64_t seq = r->int64(0, 0);
  DJFLOW_TRY(log_change("rectify-item", id, "insert"));
  return seq;
}

Result<std::vector<RectifyItemRow>> PgLedger::list_rectify_items(const RectifyItemFilter& f) {
  std::string sql = "SELECT " DJFLOW_PG_ITEM_COLS ", " DJFLOW_CASE_COLS ", " DJFLOW_PG_ITEM_DUE_COLS;
  Params p;
  auto next = [&p] { return "$" + std::to_string(p.size()); };
  if (f.overdue_on) {
    p.text(pg::iso(*f.overdue_on));
    sql += " FROM deadlines od JOIN rectify_items i ON i.case_id = od.case_id"
           " JOIN cases c ON c.id = i.case_id"
           " WHERE od.open = 1 AND od.kind = 'deadline' AND od.due_date < " + next();
  } else {
    sql += " FROM rectify_items i JOIN cases c ON c.id = i.case_id WHERE true";
  }
  if (f.batch) sql += " AND i.batch_id = " + (p.int64(*f.batch), next());
  if (f.owner) sql += " AND i.owner = " + (p.text(*f.owner), next());
  if (f.org) sql += " AND i.org = " + (p.text(*f.org), next());
  sql += f.overdue_on ? " ORDER BY od.due_date, i.case_id" : " ORDER BY i.batch_id, i.seq";
  pg::limit(p, f.limit);
  sql += " LIMIT " + next();
  auto r = db().exec("list_rectify_items", sql, p);
  if (!r) return r.error();
  std::vector<RectifyItemRow> out;
  for (int row = 0; row < r->size(); ++row) {
    RectifyItemRow item;
    DJFLOW_TRY(decode_item(*r, row, 0, item.item));
    DJFLOW_TRY(pg::decode(*r, row, kItemColumns, item.c));
    const int due_col = kItemColumns + detail::kCaseColumns;
    if (!r->is_null(row, due_col)) {
      const auto v = r->text(row, due_col);
      Date d;
      if (v.size() != 11 || !detail::parse_iso_date(v.substr(1), d))
        return Error::corruption(Text{"期限数据格式错误", "malformed deadline row for case " + std::to_string(item.c.id)});
      item.due = d;
      item.due_open = v[0] == '1';
    }
    DJFLOW_TRY(pg::read_opt_date(*r, row, due_col + 1, "deadlines.due_date", item.next_milestone));
    DJFLOW_TRY(pg::read_opt_date(*r, row, due_col + 2, "events.effective_date", item.closed_on));
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace djflow::storage
