// PgStore, part 2: cases and their hash-chained history.
#include "storage/pg_store.hpp"

#include <algorithm>

#include "storage/pg_codec.hpp"

namespace djflow::storage {

using engine::Case;
using engine::CaseId;
using engine::Error;
using engine::EventRecord;
using engine::Result;
using engine::Status;
using engine::Text;
using engine::TimePoint;
using detail::to_unix;
using pg::Params;

Result<CaseId> PgHistory::insert_case(const Case& c) {
  Params p;
  p.text(c.workflow);
  if (c.person) {
    p.int64(*c.person);
  } else {
    p.null();
  }
  p.text(c.branch).text(c.title).text(c.state).text(c.head_hash).int64(to_unix(c.created_at))
      .int64(to_unix(c.updated_at));
  auto r = db().exec("insert_case",
                     "INSERT INTO cases (workflow, person_id, branch, title, state, version, "
                     "head_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8) "
                     "RETURNING id",
                     p);
  if (!r) return r.error();
  const auto id = static_cast<CaseId>(r->int64(0, 0));
  DJFLOW_TRY(log_change("case", std::to_string(id), "insert"));
  return id;
}

Result<std::optional<Case>> PgHistory::find_case(CaseId id) {
  return pg::first<Case>(db().exec("find_case", "SELECT " DJFLOW_CASE_COLS " FROM cases c WHERE c.id = $1",
                                   Params().int64(id)));
}

Result<std::vector<Case>> PgHistory::list_cases(const engine::CaseFilter& f) {
  if ((f.states && f.states->empty()) || (f.branches && f.branches->empty())) return std::vector<Case>();
  Params p;
  std::string sql = "SELECT " DJFLOW_CASE_COLS " FROM cases c" + pg::case_where(f, p);
  pg::limit(p, f.limit);
  sql += " ORDER BY c.id LIMIT $" + std::to_string(p.size());
  return pg::collect<Case>(db().exec("list_cases", sql, p));
}

Status PgHistory::update_case(CaseId id, std::int64_t expected_version, const std::string& state,
                              const std::string& head_hash, TimePoint updated_at) {
  // One statement: the UPDATE locks the row; a concurrent step on this case holding it makes this
  // one wait until it ends, and READ COMMITTED then re-checks `version = $5` against the row that
  // step left (decision 0128; before: SELECT ... FOR UPDATE, then the UPDATE, two round trips).
  auto r = db().exec("update_case",
                     "UPDATE cases SET state = $2, version = version + 1, head_hash = $3, "
                     "updated_at = $4 WHERE id = $1 AND version = $5",
                     Params().int64(id).text(state).text(head_hash).int64(to_unix(updated_at)).int64(expected_version));
  if (!r) {
    drop_prefetched();
    return r.error();
  }
  if (r->affected() == 1) {
    if (prefetched_ && prefetched_->case_id == id) prefetched_->confirmed = true;
    return {};
  }
  drop_prefetched();
  return stale_case(id, expected_version);
}

Status PgHistory::stale_case(CaseId id, std::int64_t expected_version) {
  // No row changed: say why (read only on this path).
  auto v = db().exec("stale_case", "SELECT version FROM cases WHERE id = $1", Params().int64(id));
  if (!v) return v.error();
  const std::string sid = std::to_string(id);
  if (v->size() == 0) return Error::not_found(Text{"事项 #" + sid + " 不存在", "case " + sid + " does not exist"});
  const std::string stored = std::to_string(v->int64(0, 0));
  const std::string expected = std::to_string(expected_version);
  return Error::conflict(
      Text{"事项 #" + sid + " 已被其他操作修改（版本 " + stored + "，预期 " + expected + "）；请重试",
           "case " + sid + " was changed by another command (version " + stored + ", expected " + expected +
               "); try again"});
}

Status PgHistory::update_case_branch(CaseId id, const std::string& branch) {
  auto r = db().exec_guarded("update_case_branch", "UPDATE cases SET branch = $2 WHERE id = $1",
                             Params().int64(id).text(branch));
  if (!r) {
    if (db().last_sqlstate() == pg::kForeignKeyViolation)
      return Error::not_found(Text{"组织 " + branch + " 不存在", "branch " + branch + " does not exist"});
    return r.error();
  }
  if (r->affected() == 0)
    return Error::not_found(Text{"事项不存在：#" + std::to_string(id), "no case #" + std::to_string(id)});
  return log_change("case", std::to_string(id), "update");
}

namespace {

// An event row's values as $1..$15, in the order of the events table's columns. InvalidInput
// when its inputs or flags are not valid UTF-8.
Result<Params> event_params(const EventRecord& e) {
  auto inputs = detail::encode_inputs(e.inputs);
  if (!inputs) return inputs.error();
  auto flags = detail::encode_flags(e.flags);
  if (!flags) return flags.error();
  Params p;
  p.int64(e.case_id).int64(e.seq).text(e.event).text(pg::iso(e.date)).int64(to_unix(e.recorded_at))
      .text(e.actor).text(*inputs).text(e.note).text(e.ref).text(e.rule_version).text(e.from_state)
      .text(e.to_state).text(*flags).text(e.prev_hash).text(e.hash);
  return p;
}

}  // namespace

Status PgHistory::append_event(const EventRecord& e) {
  auto p = event_params(e);
  if (!p) return p.error();
  // ON CONFLICT DO NOTHING and the case's existence in the statement, instead of a savepoint
  // around a plain INSERT (three round trips): a second (case, seq) or a missing case changes no
  // row and leaves the transaction usable, and only then is the reason read (decision 0128). A
  // concurrent append of the same (case, seq) waits for that writer's end, as with the plain
  // INSERT, and changes nothing if it committed.
  auto r = db().exec(
      "append_event",
      "INSERT INTO events (case_id, seq, event, effective_date, recorded_at, actor, inputs, note, "
      "ref, rule_version, from_state, to_state, flags, prev_hash, hash) "
      "SELECT $1::bigint, $2::bigint, $3::text, $4::text, $5::bigint, $6::text, $7::text, $8::text, $9::text, "
      "$10::text, $11::text, $12::text, $13::text, $14::text, $15::text "
      "WHERE EXISTS (SELECT 1 FROM cases WHERE id = $1::bigint) ON CONFLICT (case_id, seq) DO NOTHING",
      *p);
  if (!r) return r.error();
  if (r->affected() == 1) return {};
  auto found = db().exec("append_event", "SELECT 1 FROM cases WHERE id = $1", Params().int64(e.case_id));
  if (!found) return found.error();
  if (found->size() == 0) {
    return Error::not_found(Text{"事项 #" + std::to_string(e.case_id) + " 不存在",
                                 "case " + std::to_string(e.case_id) + " does not exist"});
  }
  return detail::event_exists(e);
}

Status PgHistory::append_step(const EventRecord& e, std::int64_t expected_version) {
  auto p = event_params(e);
  if (!p) return p.error();
  p->int64(expected_version);  // $16
  // update_case's UPDATE, then the event from its row (decision 0139; before: append_event and
  // update_case, two statements and two round trips). The UPDATE locks the case row first: a
  // concurrent step on the case waits for it, and READ COMMITTED re-checks the version against
  // the row that step left, so a stale version changes no row and inserts nothing, the
  // transaction still usable. A plain INSERT: with the version checked, an event already at
  // (case, seq) would mean a broken chain, and its unique violation fails the whole statement,
  // the case update with it.
  auto r = db().exec(
      "append_step",
      "WITH u AS (UPDATE cases SET state = $12::text, version = version + 1, head_hash = $15::text, "
      "updated_at = $5::bigint WHERE id = $1::bigint AND version = $16::bigint RETURNING id) "
      "INSERT INTO events (case_id, seq, event, effective_date, recorded_at, actor, inputs, note, "
      "ref, rule_version, from_state, to_state, flags, prev_hash, hash) "
      "SELECT u.id, $2::bigint, $3::text, $4::text, $5::bigint, $6::text, $7::text, $8::text, $9::text, "
      "$10::text, $11::text, $12::text, $13::text, $14::text, $15::text FROM u",
      *p);
  if (!r) {
    drop_prefetched();
    if (db().last_sqlstate() == pg::kUniqueViolation) return detail::event_exists(e);
    return r.error();
  }
  if (r->affected() == 1) {
    if (prefetched_ && prefetched_->case_id == e.case_id) prefetched_->confirmed = true;
    return {};
  }
  drop_prefetched();
  return stale_case(e.case_id, expected_version);
}

Result<std::vector<EventRecord>> PgHistory::events(CaseId id) {
  return pg::collect<EventRecord>(db().exec(
      "events", "SELECT " DJFLOW_EVENT_COLS " FROM events e WHERE e.case_id = $1 ORDER BY e.seq",
      Params().int64(id)));
}

Result<std::optional<engine::CaseFile>> PgHistory::case_file(CaseId id) {
  static constexpr const char* kCaseFile =
      "SELECT " DJFLOW_CASE_COLS ", " DJFLOW_PERSON_COLS ", " DJFLOW_EVENT_COLS
      " FROM cases c LEFT JOIN persons p ON p.id = c.person_id "
      "LEFT JOIN events e ON e.case_id = c.id WHERE c.id = $1";  // events put in seq order below
  drop_prefetched();
  const Params p = Params().int64(id);
  pg::Rows case_rows;
  if (db().in_transaction()) {
    // In a write transaction (a step): the case's open deadlines in the same round trip, kept for
    // the step's open_deadlines (PgBase::prefetched_, decision 0133).
    auto both = db().exec_pipelined("case_file", {{kCaseFile, &p}, {pg::kOpenDeadlines, &p}});
    if (!both) return both.error();
    auto deadlines = pg::open_deadline_rows(Result<pg::Rows>(std::move(both.value()[1])));
    if (!deadlines) return deadlines.error();
    prefetched_ = PrefetchedDeadlines{id, false, std::move(deadlines.value())};
    case_rows = std::move(both.value()[0]);
  } else {
    auto one = db().exec("case_file", kCaseFile, p);
    if (!one) return one.error();
    case_rows = std::move(one.value());
  }
  const pg::Rows* r = &case_rows;
  if (r->size() == 0) return std::optional<engine::CaseFile>();
  constexpr int kPerson = detail::kCaseColumns, kEvent = kPerson + 9;
  engine::CaseFile f;
  DJFLOW_TRY(pg::decode(*r, 0, 0, f.c));
  if (!r->is_null(0, kPerson)) {
    f.subject.emplace();
    DJFLOW_TRY(pg::decode(*r, 0, kPerson, *f.subject));
  }
  if (!r->is_null(0, kEvent)) {
    f.events.resize(static_cast<std::size_t>(r->size()));
    for (int i = 0; i < r->size(); ++i) DJFLOW_TRY(pg::decode(*r, i, kEvent, f.events[static_cast<std::size_t>(i)]));
    // By seq here rather than by the server: no Sort node to start and run per step (decision
    // 0133); the rows usually come in index order already. seq is unique within a case.
    auto by_seq = [](const EventRecord& a, const EventRecord& b) { return a.seq < b.seq; };
    if (!std::is_sorted(f.events.begin(), f.events.end(), by_seq)) std::sort(f.events.begin(), f.events.end(), by_seq);
  }
  return std::optional<engine::CaseFile>(std::move(f));
}

Result<std::vector<engine::CaseHistory>> PgHistory::history_page(CaseId after, std::size_t limit) {
  Params cp;
  cp.int64(after);
  pg::limit(cp, limit);
  auto cases = pg::collect<Case>(db().exec(
      "history_page", "SELECT " DJFLOW_CASE_COLS " FROM cases c WHERE c.id > $1 ORDER BY c.id LIMIT $2", cp));
  if (!cases) return cases.error();
  std::vector<engine::CaseHistory> page;
  page.reserve(cases->size());
  for (auto& c : *cases) page.push_back(engine::CaseHistory{std::move(c), {}});
  if (page.empty()) return page;
  auto events = pg::collect<EventRecord>(db().exec(
      "history_page",
      "SELECT " DJFLOW_EVENT_COLS " FROM events e WHERE e.case_id BETWEEN $1 AND $2 "
      "ORDER BY e.case_id, e.seq",
      Params().int64(page.front().c.id).int64(page.back().c.id)));
  if (!events) return events.error();
  std::size_t at = 0;  // cases and events both come in case order: one merge pass
  for (auto& e : *events) {
    while (at < page.size() && page[at].c.id < e.case_id) ++at;
    if (at < page.size() && page[at].c.id == e.case_id) page[at].events.push_back(std::move(e));
  }
  return page;
}

}  // namespace djflow::storage
