// Internal to storage/: how engine values become column values and back (the storage format,
// docs/storage_format.md): dates as ISO text 'YYYY-MM-DD', instants as INTEGER unix seconds
// (UTC), booleans as 0/1, inputs as a JSON object with sorted keys, flags as a JSON array. The
// column lists below are the exact SELECT order the decode_* functions read, starting at `col`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model.hpp"
#include "storage/statement.hpp"

namespace djflow::storage::detail {

// clang-format off
#define DJFLOW_BRANCH_COLS "b.code, b.name, b.kind, b.parent, b.created_at"
#define DJFLOW_PERSON_COLS \
  "p.id, p.name, p.branch, p.born, p.status, p.joined, p.created_at, p.key, p.phone"
#define DJFLOW_CASE_COLS \
  "c.id, c.workflow, c.person_id, c.branch, c.title, c.state, c.version, c.head_hash, " \
  "c.created_at, c.updated_at"
#define DJFLOW_EVENT_COLS \
  "e.case_id, e.seq, e.event, e.effective_date, e.recorded_at, e.actor, e.inputs, e.note, " \
  "e.ref, e.rule_version, e.from_state, e.to_state, e.flags, e.prev_hash, e.hash"
#define DJFLOW_DEADLINE_COLS \
  "d.id, d.case_id, d.kind, d.due_date, d.opened_on, d.milestone, d.overdue_every_days, " \
  "d.open, d.closed_on, d.on_due_event"
#define DJFLOW_TIMER_COLS \
  "t.id, t.key, t.case_id, t.deadline_id, t.kind, t.due_date, t.offset_days, t.fire_at, " \
  "t.fired_at"
#define DJFLOW_NOTIFICATION_COLS \
  "n.id, n.key, n.case_id, n.workflow, n.branch, n.kind, n.due_date, n.days_left, " \
  "n.created_at, n.text_zh, n.text_en"
// clang-format on
inline constexpr int kCaseColumns = 10;

// A date formatted in place, for binding without allocation.
class IsoDate {
 public:
  explicit IsoDate(engine::Date d);
  std::string_view view() const { return {buf_, len_}; }

 private:
  char buf_[24];
  std::size_t len_ = 0;
};

// Strict 'YYYY-MM-DD'; false when malformed or not a real date.
bool parse_iso_date(std::string_view text, engine::Date& out);

inline std::int64_t to_unix(engine::TimePoint t) { return t.time_since_epoch().count(); }
inline engine::TimePoint from_unix(std::int64_t s) {
  return engine::TimePoint{std::chrono::seconds{s}};
}

// Compact JSON with sorted keys. InvalidInput when a string is not valid UTF-8.
engine::Result<std::string> encode_inputs(const engine::Inputs& in);
engine::Result<std::string> encode_flags(const std::vector<std::string>& flags);

// The text of events.inputs (a JSON object of strings) and events.flags (a JSON array of
// strings); Corruption when malformed. Shared by both backends' row decoders.
engine::Status decode_inputs(std::string_view text, engine::Inputs& out);
engine::Status decode_flags(std::string_view text, std::vector<std::string>& out);
// Corruption: a stored value of `what` does not have the documented format.
engine::Error corrupt_value(const char* what, std::string_view value);
// Conflict: event (e.case_id, e.seq) is stored already (both backends' append_event and
// PostgreSQL's append_step).
engine::Error event_exists(const engine::EventRecord& e);

// Row decoders: read the columns listed above starting at `col`. Corruption when a stored value
// does not have the documented format.
engine::Status decode(const Statement& s, int col, engine::Branch& out);
engine::Status decode(const Statement& s, int col, engine::Person& out);
engine::Status decode(const Statement& s, int col, engine::Case& out);
engine::Status decode(const Statement& s, int col, engine::EventRecord& out);
engine::Status decode(const Statement& s, int col, engine::Deadline& out);
engine::Status decode(const Statement& s, int col, engine::Timer& out);
engine::Status decode(const Statement& s, int col, engine::Notification& out);

// A date column (NOT NULL) and a nullable one.
engine::Status read_date(const Statement& s, int col, const char* what, engine::Date& out);
engine::Status read_opt_date(const Statement& s, int col, const char* what,
                             std::optional<engine::Date>& out);

}  // namespace djflow::storage::detail
