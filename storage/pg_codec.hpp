// Internal to storage/: PostgreSQL rows into engine values, the twin of codec.hpp's decoders
// (same column lists, DJFLOW_*_COLS, and the same stored formats: ISO date text, unix seconds,
// 0/1, JSON inputs and flags). Corruption when a stored value does not have its format.
#pragma once

#include <cstddef>

#include "engine/model.hpp"
#include "engine/ports/history_store.hpp"
#include "engine/ports/schedule_store.hpp"
#include "storage/codec.hpp"
#include "storage/pg_connection.hpp"

namespace djflow::storage::pg {

engine::Status decode(const Rows& r, int row, int col, engine::Branch& out);
engine::Status decode(const Rows& r, int row, int col, engine::Person& out);
engine::Status decode(const Rows& r, int row, int col, engine::Case& out);
engine::Status decode(const Rows& r, int row, int col, engine::EventRecord& out);
engine::Status decode(const Rows& r, int row, int col, engine::Deadline& out);
engine::Status decode(const Rows& r, int row, int col, engine::Timer& out);
engine::Status decode(const Rows& r, int row, int col, engine::Notification& out);

// A date column (NOT NULL) and a nullable one; Corruption naming `what` when malformed.
engine::Status read_date(const Rows& r, int row, int col, const char* what, engine::Date& out);
engine::Status read_opt_date(const Rows& r, int row, int col, const char* what,
                             std::optional<engine::Date>& out);

// Every row of `r`, decoded from column 0.
template <class T>
engine::Result<std::vector<T>> collect(const engine::Result<Rows>& r) {
  if (!r) return r.error();
  std::vector<T> out(static_cast<std::size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) DJFLOW_TRY(decode(*r, i, 0, out[static_cast<std::size_t>(i)]));
  return out;
}

// The first row of `r`, if any.
template <class T>
engine::Result<std::optional<T>> first(const engine::Result<Rows>& r) {
  if (!r) return r.error();
  if (r->size() == 0) return std::optional<T>();
  T v;
  DJFLOW_TRY(decode(*r, 0, 0, v));
  return std::optional<T>(std::move(v));
}

// A case's open deadlines ($1: the case id), put in (due date, id) order by open_deadline_rows:
// PgSchedule::open_deadlines, and PgHistory::case_file in a write transaction (decision 0133).
// One text, one prepared statement.
inline constexpr const char* kOpenDeadlines =
    "SELECT " DJFLOW_DEADLINE_COLS " FROM deadlines d WHERE d.case_id = $1 AND d.open = 1";
// The rows of kOpenDeadlines, by due date then id (sorted here, not by a Sort node on the server).
engine::Result<std::vector<engine::Deadline>> open_deadline_rows(const engine::Result<Rows>& r);

// A LIMIT parameter: 0 means no limit (LIMIT NULL).
inline Params& limit(Params& p, std::size_t n) {
  return n == 0 ? p.null() : p.int64(static_cast<std::int64_t>(n));
}

inline std::string iso(engine::Date d) { return std::string(detail::IsoDate(d).view()); }

// pg_store_counts.cpp: the WHERE of the case listing and count (" WHERE true AND c.x = $n ..."),
// and the FROM ... WHERE of the open deadlines and their count, adding the parameters to `p`.
std::string case_where(const engine::CaseFilter& f, Params& p);
std::string deadline_where(const engine::DeadlineFilter& f, Params& p);

}  // namespace djflow::storage::pg
