#include "storage/pg_codec.hpp"

#include <algorithm>

namespace djflow::storage::pg {

using engine::Date;
using engine::Status;
using detail::corrupt_value;
using detail::from_unix;

Status read_date(const Rows& r, int row, int col, const char* what, Date& out) {
  if (!detail::parse_iso_date(r.text(row, col), out)) return corrupt_value(what, r.text(row, col));
  return {};
}

Status read_opt_date(const Rows& r, int row, int col, const char* what, std::optional<Date>& out) {
  out.reset();
  if (r.is_null(row, col)) return {};
  Date d;
  DJFLOW_TRY(read_date(r, row, col, what, d));
  out = d;
  return {};
}

Status decode(const Rows& r, int row, int col, engine::Branch& out) {
  out.code = r.string(row, col);
  out.name = r.string(row, col + 1);
  out.kind = r.string(row, col + 2);
  out.parent = r.string(row, col + 3);  // NULL -> ""
  out.created_at = from_unix(r.int64(row, col + 4));
  return {};
}

Status decode(const Rows& r, int row, int col, engine::Person& out) {
  out.id = r.int64(row, col);
  out.name = r.string(row, col + 1);
  out.branch = r.string(row, col + 2);
  DJFLOW_TRY(read_date(r, row, col + 3, "persons.born", out.born));
  auto status = engine::member_status_from(r.text(row, col + 4));
  if (!status) return corrupt_value("persons.status", r.text(row, col + 4));
  out.status = *status;
  DJFLOW_TRY(read_opt_date(r, row, col + 5, "persons.joined", out.joined));
  out.created_at = from_unix(r.int64(row, col + 6));
  out.key = r.string(row, col + 7);
  out.phone = r.string(row, col + 8);
  return {};
}

Status decode(const Rows& r, int row, int col, engine::Case& out) {
  out.id = r.int64(row, col);
  out.workflow = r.string(row, col + 1);
  out.person.reset();
  if (!r.is_null(row, col + 2)) out.person = r.int64(row, col + 2);
  out.branch = r.string(row, col + 3);
  out.title = r.string(row, col + 4);
  out.state = r.string(row, col + 5);
  out.version = r.int64(row, col + 6);
  out.head_hash = r.string(row, col + 7);
  out.created_at = from_unix(r.int64(row, col + 8));
  out.updated_at = from_unix(r.int64(row, col + 9));
  return {};
}

Status decode(const Rows& r, int row, int col, engine::EventRecord& out) {
  out.case_id = r.int64(row, col);
  out.seq = r.int64(row, col + 1);
  out.event = r.string(row, col + 2);
  DJFLOW_TRY(read_date(r, row, col + 3, "events.effective_date", out.date));
  out.recorded_at = from_unix(r.int64(row, col + 4));
  out.actor = r.string(row, col + 5);
  DJFLOW_TRY(detail::decode_inputs(r.text(row, col + 6), out.inputs));
  out.note = r.string(row, col + 7);
  out.ref = r.string(row, col + 8);
  out.rule_version = r.string(row, col + 9);
  out.from_state = r.string(row, col + 10);
  out.to_state = r.string(row, col + 11);
  DJFLOW_TRY(detail::decode_flags(r.text(row, col + 12), out.flags));
  out.prev_hash = r.string(row, col + 13);
  out.hash = r.string(row, col + 14);
  return {};
}

Status decode(const Rows& r, int row, int col, engine::Deadline& out) {
  out.id = r.int64(row, col);
  out.case_id = r.int64(row, col + 1);
  out.kind = r.string(row, col + 2);
  DJFLOW_TRY(read_date(r, row, col + 3, "deadlines.due_date", out.due));
  DJFLOW_TRY(read_date(r, row, col + 4, "deadlines.opened_on", out.opened_on));
  out.milestone = r.int64(row, col + 5) != 0;
  out.overdue_every_days = static_cast<int>(r.int64(row, col + 6));
  out.open = r.int64(row, col + 7) != 0;
  out.on_due_event = r.string(row, col + 9);
  return read_opt_date(r, row, col + 8, "deadlines.closed_on", out.closed_on);
}

Status decode(const Rows& r, int row, int col, engine::Timer& out) {
  out.id = r.int64(row, col);
  out.key = r.string(row, col + 1);
  out.case_id = r.int64(row, col + 2);
  out.deadline_id = r.int64(row, col + 3);
  out.kind = r.string(row, col + 4);
  DJFLOW_TRY(read_date(r, row, col + 5, "timers.due_date", out.due));
  out.offset_days = static_cast<int>(r.int64(row, col + 6));
  out.fire_at = from_unix(r.int64(row, col + 7));
  out.fired_at.reset();
  if (!r.is_null(row, col + 8)) out.fired_at = from_unix(r.int64(row, col + 8));
  return {};
}

Status decode(const Rows& r, int row, int col, engine::Notification& out) {
  out.id = r.int64(row, col);
  out.key = r.string(row, col + 1);
  out.case_id = r.int64(row, col + 2);
  out.workflow = r.string(row, col + 3);
  out.branch = r.string(row, col + 4);
  out.kind = r.string(row, col + 5);
  DJFLOW_TRY(read_date(r, row, col + 6, "notifications.due_date", out.due));
  out.days_left = static_cast<int>(r.int64(row, col + 7));
  out.created_at = from_unix(r.int64(row, col + 8));
  out.text.zh = r.string(row, col + 9);
  out.text.en = r.string(row, col + 10);
  return {};
}

engine::Result<std::vector<engine::Deadline>> open_deadline_rows(const engine::Result<Rows>& r) {
  auto rows = collect<engine::Deadline>(r);
  if (!rows) return rows.error();
  auto order = [](const engine::Deadline& a, const engine::Deadline& b) {
    return a.due != b.due ? a.due < b.due : a.id < b.id;
  };
  if (!std::is_sorted(rows->begin(), rows->end(), order)) std::sort(rows->begin(), rows->end(), order);
  return rows;
}

}  // namespace djflow::storage::pg
