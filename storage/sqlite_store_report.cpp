// The year's figures' reads (issue 10, engine/ports/report_store.hpp) on their own read-only
// connection: the cases without their history, the events up to a date in (case, seq) order as
// views into SQLite's own buffers (no copy, no allocation per row), and the deadlines a report
// needs.
#include "storage/sqlite_report.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "storage/codec.hpp"
#include "storage/open_store.hpp"
#include "storage/pg_report.hpp"
#include "storage/statement.hpp"
#include "storage/statement_cache.hpp"

namespace djflow::storage {

namespace {

// The summing up of each case's leading events before a period, done inside SQLite's scan
// (for_each_report_case_in): `djflow_report_keep(case_id, seq, effective_date, to_state)` in the
// WHERE clause sees every row of the scan in (case, seq) order, keeps the last date and state of
// the leading rows dated before the period (and whether one reached a marker state), and lets
// through only the rows the caller is given one by one. A row it holds back never becomes a
// result row: no sqlite3_step return, no column read through the API (docs/performance.md, the
// fifth round of "The year's figures").
struct LeadingSummer {
  struct Sum {
    engine::CaseId id = 0;
    std::string date;
    std::size_t state = 0;  // index into states
    bool marker = false;
  };
  // Set per scan.
  std::string from, until;
  const std::vector<std::string>* markers = nullptr;
  // The summaries not yet handed over, in case order, and the states they name (a handful).
  std::vector<Sum> sums;
  std::size_t next = 0;
  std::vector<std::string> states;
  // The row before: its case, its seq, whether its case is still in its leading rows.
  bool started = false, leading = false, disorder = false;
  engine::CaseId case_id = 0;
  std::int64_t seq = 0;

  void reset(std::string_view f, std::string_view u, const std::vector<std::string>& m) {
    from.assign(f);
    until.assign(u);
    markers = &m;
    sums.clear();
    next = 0;
    started = leading = disorder = false;
  }
  std::size_t intern(std::string_view state) {
    for (std::size_t i = 0; i < states.size(); ++i)
      if (states[i] == state) return i;
    states.emplace_back(state);
    return states.size() - 1;
  }
  // The summary of case `id` if the scan made one (the scan has passed every row of it that
  // precedes the current result row); null when it has none.
  const Sum* take(engine::CaseId id) {
    if (next == sums.size() || next >= 4096) {  // drop what was handed over (kept small)
      sums.erase(sums.begin(), sums.begin() + static_cast<std::ptrdiff_t>(next));
      next = 0;
    }
    while (next < sums.size() && sums[next].id < id) ++next;  // a case without a case row
    return next < sums.size() && sums[next].id == id ? &sums[next++] : nullptr;
  }
};

std::string_view value_text(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_value_bytes(v))) : std::string_view();
}

void report_keep(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto& s = *static_cast<LeadingSummer*>(sqlite3_user_data(ctx));
  const engine::CaseId id = sqlite3_value_int64(argv[0]);
  const std::int64_t seq = sqlite3_value_int64(argv[1]);
  if (s.started && (id < s.case_id || (id == s.case_id && seq <= s.seq))) s.disorder = true;
  if (!s.started || id != s.case_id) {
    s.started = true;
    s.case_id = id;
    s.leading = true;
  }
  s.seq = seq;
  const std::string_view date = value_text(argv[2]);
  if (date > s.until) {  // after the end: not read at all (as the WHERE clause's own bound)
    sqlite3_result_int(ctx, 0);
    return;
  }
  if (s.leading && date < s.from) {
    if (s.sums.empty() || s.sums.back().id != id) s.sums.push_back({id, {}, 0, false});
    auto& sum = s.sums.back();
    const std::string_view state = value_text(argv[3]);
    sum.date.assign(date);
    sum.state = s.intern(state);
    if (!sum.marker) sum.marker = std::find(s.markers->begin(), s.markers->end(), state) != s.markers->end();
    sqlite3_result_int(ctx, 0);
    return;
  }
  s.leading = false;
  sqlite3_result_int(ctx, 1);
}

class SqliteReport final : public engine::ReportStore {
 public:
  explicit SqliteReport(sqlite3* db) : db_(db), cache_(std::make_unique<detail::StatementCache>(db)) {}
  // The summing function of for_each_report_case_in, on this connection only.
  engine::Status register_functions() {
    if (sqlite3_create_function_v2(db_, "djflow_report_keep", 4, SQLITE_UTF8 | SQLITE_DIRECTONLY, &summer_,
                                   report_keep, nullptr, nullptr, nullptr) != SQLITE_OK)
      return engine::Error::storage("register djflow_report_keep");
    return {};
  }
  bool year_projection = true;  // open_report_reads
  ~SqliteReport() override {
    cache_.reset();  // statements before the connection
    sqlite3_close_v2(db_);
  }
  SqliteReport(const SqliteReport&) = delete;
  SqliteReport& operator=(const SqliteReport&) = delete;

  engine::Status for_each_report_case(engine::Date until, const engine::ReportScope& scope, bool with_titles,
                                      const std::function<void(const engine::ReportCase&)>& on_case,
                                      const std::function<void(const engine::ReportEvent&)>& on_event) override;
  engine::Status for_each_report_case_in(engine::Date from, engine::Date until, const std::vector<std::string>& markers,
                                         const engine::ReportScope& scope, bool with_titles,
                                         const std::function<void(const engine::ReportCase&)>& on_case,
                                         const std::function<void(const engine::ReportEvent&)>& on_event) override;
  engine::Result<std::vector<engine::ReportPerson>> report_persons(const engine::ReportScope& scope,
                                                                   bool with_names) override;
  engine::Result<std::vector<engine::PersonId>> report_member_case_persons(const engine::ReportScope& scope) override;
  engine::Result<std::vector<engine::ReportDeadline>> report_deadlines(const std::string& workflow,
                                                                       const std::string& kind,
                                                                       bool late_only) override;
  engine::Result<std::vector<engine::ReportDeadline>> report_late_deadlines(engine::CaseId id) override;

 private:
  // About the number of rows of a table, to reserve the vectors once (0 when it cannot be read):
  // the highest id, one seek, where count(*) would read a whole index.
  std::size_t count_rows(const std::string& table) {
    auto st = cache_->get("SELECT coalesce(max(id), 0) FROM " + table);
    if (!st.ok()) return 0;
    detail::Use use(**st);
    return (*st)->step() == SQLITE_ROW ? static_cast<std::size_t>((*st)->int64(0)) : 0;
  }
  engine::Status read_case(detail::Statement& s, bool with_titles, engine::ReportCase& c);
  engine::Status read_year(engine::Date from, engine::Date until, const std::vector<std::string>& markers,
                           bool with_titles, const std::function<void(const engine::ReportCase&)>& on_case,
                           const std::function<void(const engine::ReportEvent&)>& on_event);
  engine::Result<std::vector<engine::ReportDeadline>> read_deadlines(detail::Statement& s, const char* what);
  sqlite3* db_;
  std::unique_ptr<detail::StatementCache> cache_;
  LeadingSummer summer_;
};

}  // namespace

engine::Result<std::unique_ptr<engine::ReportStore>> open_report_reads(const std::string& path, bool year_projection) {
  if (is_postgres(path)) return open_pg_report_reads(path);
  sqlite3* db = nullptr;
  detail::configure_library();
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(db);
    return engine::Error::storage("open " + path + " for the report");
  }
  auto out = std::make_unique<SqliteReport>(db);
  out->year_projection = year_projection;
  DJFLOW_TRY(out->register_functions());
  // No mmap here (unlike the store's connection, storage/statement.cpp): the report reads each
  // page once, in one pass, and a first touch of a mapped page (a page fault) cost more than a
  // read() of it: the sqlite3 shell's scan of the events 0.50-0.62 s user + 0.19-0.31 s system
  // with mmap, 0.40-0.42 s + 0.10-0.12 s without. And a small page cache: one pass needs only
  // the pages on its cursors' paths, and a large one allocates (and faults in) a fresh buffer
  // for each page read (16 MB: 0.42 s user + 0.13 s system; 1 MB: 0.28 s + 0.07 s).
  DJFLOW_TRY(detail::exec(db, "PRAGMA busy_timeout=5000; PRAGMA mmap_size=0; PRAGMA cache_size=-1024",
                          "report connection"));
  return std::unique_ptr<engine::ReportStore>(std::move(out));
}

using engine::Date;
using engine::Result;
using engine::Status;
using detail::IsoDate;
using detail::read_date;
using detail::read_opt_date;
using detail::sqlite_error;

namespace {

// The organisations of a scope as a JSON array, bound to `branch IN (SELECT value FROM json_each(?))`.
std::string branches_json(const engine::ReportScope& scope) {
  return nlohmann::json(scope.branches).dump();
}

// The columns of a case the report reads, then the title (with_titles) as the last.
std::string case_columns(bool with_titles) {
  return with_titles ? "id, workflow, branch, person_id, title" : "id, workflow, branch, person_id";
}

}  // namespace

Status SqliteReport::read_case(detail::Statement& s, bool with_titles, engine::ReportCase& c) {
  c.id = s.int64(0);
  c.workflow.assign(s.text(1));
  c.branch.assign(s.text(2));
  c.person.reset();
  if (!s.is_null(3)) c.person = s.int64(3);
  if (with_titles) c.title.assign(s.text(4));
  return {};
}

Status SqliteReport::for_each_report_case(Date until, const engine::ReportScope& scope, bool with_titles,
                                          const std::function<void(const engine::ReportCase&)>& on_case,
                                          const std::function<void(const engine::ReportEvent&)>& on_event) {
  const IsoDate u(until);
  engine::ReportCase c;
  engine::ReportEvent e;
  auto read_event = [&](detail::Statement& ev) {
    e.case_id = ev.int64(0);
    e.event = ev.text(1);
    e.date = ev.text(2);
    e.to_state = ev.text(3);
    e.flags = ev.text(4);
  };
  if (!scope.all) {
    // A subtree: its cases through cases_branch, and each case's events by one seek into the
    // covering index events_report (case_id, seq, ...), instead of scanning every event.
    DJFLOW_STATEMENT(cs, "SELECT " + case_columns(with_titles) +
                             " FROM cases WHERE branch IN (SELECT value FROM json_each(?1)) ORDER BY id");
    const std::string codes = branches_json(scope);
    cs.bind(1, codes);
    DJFLOW_STATEMENT(ev, std::string("SELECT case_id, event, effective_date, to_state, flags FROM events "
                                     "WHERE case_id = ?1 AND effective_date <= ?2 ORDER BY seq"));
    for (;;) {
      const int rc = cs.step();
      if (rc == SQLITE_DONE) return {};
      if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "for_each_report_case");
      DJFLOW_TRY(read_case(cs, with_titles, c));
      on_case(c);
      detail::Use again(ev);
      ev.bind(1, c.id);
      ev.bind(2, u.view());
      for (;;) {
        const int erc = ev.step();
        if (erc == SQLITE_DONE) break;
        if (erc != SQLITE_ROW) return sqlite_error(db_, erc, "for_each_report_case (events)");
        read_event(ev);
        on_event(e);
      }
    }
  }
  // Everything: the cases in rowid order and the events in (case, seq) order over the covering
  // index events_report, merged (both by case id), one pass each.
  DJFLOW_STATEMENT(cs, "SELECT " + case_columns(with_titles) + " FROM cases ORDER BY id");
  DJFLOW_STATEMENT(ev, std::string("SELECT case_id, event, effective_date, to_state, flags FROM events "
                                   "WHERE effective_date <= ?1 ORDER BY case_id, seq"));
  ev.bind(1, u.view());
  int erc = ev.step();
  for (;;) {
    const int rc = cs.step();
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "for_each_report_case");
    DJFLOW_TRY(read_case(cs, with_titles, c));
    on_case(c);
    while (erc == SQLITE_ROW && ev.int64(0) < c.id) erc = ev.step();  // no case row (cannot happen)
    while (erc == SQLITE_ROW && ev.int64(0) == c.id) {
      read_event(ev);
      on_event(e);
      erc = ev.step();
    }
    if (erc != SQLITE_ROW && erc != SQLITE_DONE) return sqlite_error(db_, erc, "for_each_report_case (events)");
  }
}

Status SqliteReport::for_each_report_case_in(Date from, Date until, const std::vector<std::string>& markers,
                                             const engine::ReportScope& scope, bool with_titles,
                                             const std::function<void(const engine::ReportCase&)>& on_case,
                                             const std::function<void(const engine::ReportEvent&)>& on_event) {
  // A subtree is read by seeks, a few cases: every event, as for_each_report_case.
  if (!scope.all || until < from) return for_each_report_case(until, scope, with_titles, on_case, on_event);
  // A period from a January 1 to a day of the same year (`report year`, and as of a day in it):
  // from the year-end projection (decision 0129).
  if (year_projection && from.month() == 1 && from.day() == 1 && until.year() == from.year())
    return read_year(from, until, markers, with_titles, on_case, on_event);
  // One scan, as for_each_report_case, but a case's events dated before the period that precede
  // its first event dated in it are summed up (their last date and state, a marker reached)
  // instead of handed over one by one: by djflow_report_keep (LeadingSummer above) inside the
  // scan, so that those 732,000 rows of the benchmark never leave SQLite. A GROUP BY in SQL
  // returning that summary, plus a second scan for the period's events, measured slower than one
  // scan (docs/performance.md, fourth round).
  const IsoDate f(from), u(until);
  DJFLOW_STATEMENT(cs, "SELECT " + case_columns(with_titles) + " FROM cases ORDER BY id");
  DJFLOW_STATEMENT(ev, std::string("SELECT case_id, effective_date, to_state, event, flags FROM events "
                                   "WHERE effective_date <= ?1 AND djflow_report_keep(case_id, seq, "
                                   "effective_date, to_state) ORDER BY case_id, seq"));
  ev.bind(1, u.view());
  summer_.reset(f.view(), u.view(), markers);
  engine::ReportCase c;
  engine::ReportEvent e;
  // The event row's case, read once per row (not once per comparison).
  int erc = SQLITE_DONE;
  engine::CaseId ev_case = 0;
  const auto next = [&] {
    erc = ev.step();
    ev_case = erc == SQLITE_ROW ? ev.int64(0) : 0;
  };
  // The scan must arrive in (case, seq) order for the summaries to be right: it does (the
  // covering index events_report is in that order); were a plan ever to sort instead, this says so.
  const auto in_order = [&]() -> Status {
    if (!summer_.disorder) return {};
    return engine::Error::storage("for_each_report_case_in: the events did not arrive in (case, seq) order");
  };
  next();
  for (;;) {
    const int rc = cs.step();
    if (rc == SQLITE_DONE) return in_order();
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "for_each_report_case_in");
    DJFLOW_TRY(read_case(cs, with_titles, c));
    while (erc == SQLITE_ROW && ev_case < c.id) next();  // no case row (cannot happen)
    if (erc != SQLITE_ROW && erc != SQLITE_DONE) return sqlite_error(db_, erc, "for_each_report_case_in (events)");
    // The leading events dated before the period: summed up by the scan, which has passed them
    // (the current row is of a later case, or the first of this case the caller is given).
    const LeadingSummer::Sum* sum = summer_.take(c.id);
    c.has_before = sum != nullptr;
    c.before_marker = sum && sum->marker;
    c.before_date = sum ? std::string_view(sum->date) : std::string_view();
    c.before_state = sum ? std::string_view(summer_.states[sum->state]) : std::string_view();
    on_case(c);
    // From the first event dated in the period on: each one.
    while (erc == SQLITE_ROW && ev_case == c.id) {
      e.case_id = c.id;
      e.date = ev.text(1);
      e.to_state = ev.text(2);
      e.event = ev.text(3);
      e.flags = ev.text(4);
      on_event(e);
      next();
    }
    if (erc != SQLITE_ROW && erc != SQLITE_DONE) return sqlite_error(db_, erc, "for_each_report_case_in (events)");
    DJFLOW_TRY(in_order());
  }
}

// for_each_report_case_in for a period [Y-01-01, until] with until in year Y, from the year-end
// projection (migration 11, engine/case_years.hpp): three streams in case order, merged with no
// sort and no hash. Each case's row of the latest year before Y in which one of its events is
// dated (the last of its rows before Y in primary-key order) is the summary of every event dated before the period; those events all precede
// (in seq order) the ones dated in it unless the row says `mixed`, and the events dated in the
// period come from the expression index events_year, 178,000 rows of the benchmark instead of
// 910,000. A `mixed` case (an event dated before the period recorded after one dated in or after
// it: the organisational-life ledger records meetings in any order) is read whole, by one seek,
// and summed up here as the scan would.
Status SqliteReport::read_year(Date from, Date until, const std::vector<std::string>& markers, bool with_titles,
                               const std::function<void(const engine::ReportCase&)>& on_case,
                               const std::function<void(const engine::ReportEvent&)>& on_event) {
  const IsoDate u(until);
  const std::string year = std::to_string(from.year());
  DJFLOW_STATEMENT(cs, "SELECT " + case_columns(with_titles) + " FROM cases ORDER BY id");
  // Every row before Y in primary-key order; the last of each case is kept (copied into reused
  // buffers). A GROUP BY with max(year) returned the same rows but copied each one's text columns
  // into freshly allocated registers: 0.3 G more instructions (callgrind).
  DJFLOW_STATEMENT(pj, std::string("SELECT case_id, date, state, states, mixed FROM case_years "
                                   "WHERE year < ?1 ORDER BY case_id, year"));
  pj.bind(1, static_cast<std::int64_t>(from.year()));
  DJFLOW_STATEMENT(ev, std::string("SELECT case_id, effective_date, to_state, event, flags FROM events "
                                   "WHERE substr(effective_date, 1, 4) = ?1 AND effective_date <= ?2 "
                                   "ORDER BY case_id, seq"));
  ev.bind(1, std::string_view(year));
  ev.bind(2, u.view());
  DJFLOW_STATEMENT(one, std::string("SELECT case_id, event, effective_date, to_state, flags FROM events "
                                    "WHERE case_id = ?1 AND effective_date <= ?2 ORDER BY seq"));
  // Whether a row's states name a marker, remembered per distinct `states` (a handful of shapes
  // over 100,000 cases).
  std::vector<std::string> needles;
  for (const auto& m : markers) needles.push_back("," + m + ",");
  std::vector<std::pair<std::string, bool>> memo;
  const auto marker_in = [&](std::string_view states) {
    for (const auto& [k, v] : memo)
      if (k == states) return v;
    bool found = false;
    for (const auto& n : needles) found = found || states.find(n) != std::string_view::npos;
    if (memo.size() < 64) memo.emplace_back(std::string(states), found);
    return found;
  };
  engine::ReportCase c;
  engine::ReportEvent e;
  const IsoDate f(from);
  std::vector<std::array<std::string, 4>> rows;  // a mixed case's events: event, date, state, flags
  std::string before_date, before_state, row_states;
  bool row_mixed = false;
  int prc = pj.step(), erc = ev.step();
  engine::CaseId pj_case = prc == SQLITE_ROW ? pj.int64(0) : 0, ev_case = erc == SQLITE_ROW ? ev.int64(0) : 0;
  for (;;) {
    const int rc = cs.step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "read_year (cases)");
    DJFLOW_TRY(read_case(cs, with_titles, c));
    while (prc == SQLITE_ROW && pj_case < c.id) {  // no case row (cannot happen)
      prc = pj.step();
      pj_case = prc == SQLITE_ROW ? pj.int64(0) : 0;
    }
    // The case's rows before Y: the last one (the latest year) is its summary.
    bool has_row = false;
    while (prc == SQLITE_ROW && pj_case == c.id) {
      has_row = true;
      before_date.assign(pj.text(1));
      before_state.assign(pj.text(2));
      row_states.assign(pj.text(3));
      row_mixed = pj.int64(4) != 0;
      prc = pj.step();
      pj_case = prc == SQLITE_ROW ? pj.int64(0) : 0;
    }
    while (erc == SQLITE_ROW && ev_case < c.id) {
      erc = ev.step();
      ev_case = erc == SQLITE_ROW ? ev.int64(0) : 0;
    }
    if (prc != SQLITE_ROW && prc != SQLITE_DONE) return sqlite_error(db_, prc, "read_year (case_years)");
    if (erc != SQLITE_ROW && erc != SQLITE_DONE) return sqlite_error(db_, erc, "read_year (events)");
    if (has_row && row_mixed) {
      // Mixed: its events up to the end by one seek, its leading ones before the period summed up
      // here as the scan of for_each_report_case_in sums them (those before its first event dated
      // in the period, in seq order), the rest handed over one by one.
      detail::Use again(one);
      one.bind(1, c.id);
      one.bind(2, u.view());
      rows.clear();
      bool leading = true;
      c.has_before = c.before_marker = false;
      for (;;) {
        const int orc = one.step();
        if (orc == SQLITE_DONE) break;
        if (orc != SQLITE_ROW) return sqlite_error(db_, orc, "read_year (one case)");
        const std::string_view date = one.text(2), state = one.text(3);
        if (leading && date < f.view()) {
          c.has_before = true;
          before_date.assign(date);
          before_state.assign(state);
          c.before_marker = c.before_marker || std::find(markers.begin(), markers.end(), state) != markers.end();
          continue;
        }
        leading = false;
        rows.push_back({std::string(one.text(1)), std::string(date), std::string(state), std::string(one.text(4))});
      }
      c.before_date = c.has_before ? std::string_view(before_date) : std::string_view();
      c.before_state = c.has_before ? std::string_view(before_state) : std::string_view();
      on_case(c);
      for (const auto& r : rows) {
        e.case_id = c.id;
        e.event = r[0];
        e.date = r[1];
        e.to_state = r[2];
        e.flags = r[3];
        on_event(e);
      }
      while (erc == SQLITE_ROW && ev_case == c.id) {  // its rows of the year were read with it
        erc = ev.step();
        ev_case = erc == SQLITE_ROW ? ev.int64(0) : 0;
      }
    } else {
      c.has_before = has_row;
      c.before_date = has_row ? std::string_view(before_date) : std::string_view();
      c.before_state = has_row ? std::string_view(before_state) : std::string_view();
      c.before_marker = has_row && marker_in(row_states);
      on_case(c);
      while (erc == SQLITE_ROW && ev_case == c.id) {
        e.case_id = c.id;
        e.date = ev.text(1);
        e.to_state = ev.text(2);
        e.event = ev.text(3);
        e.flags = ev.text(4);
        on_event(e);
        erc = ev.step();
        ev_case = erc == SQLITE_ROW ? ev.int64(0) : 0;
      }
    }
  }
  if (prc != SQLITE_ROW && prc != SQLITE_DONE) return sqlite_error(db_, prc, "read_year (case_years)");
  if (erc != SQLITE_ROW && erc != SQLITE_DONE) return sqlite_error(db_, erc, "read_year (events)");
  return {};
}

Result<std::vector<engine::ReportPerson>> SqliteReport::report_persons(const engine::ReportScope& scope,
                                                                      bool with_names) {
  std::string sql = with_names ? "SELECT id, branch, status, joined, name FROM persons"
                               : "SELECT id, branch, status, joined FROM persons";
  if (!scope.all) sql += " WHERE branch IN (SELECT value FROM json_each(?1))";
  DJFLOW_STATEMENT(s, sql + " ORDER BY id");
  const std::string codes = scope.all ? std::string() : branches_json(scope);
  if (!scope.all) s.bind(1, codes);
  std::vector<engine::ReportPerson> out;
  if (scope.all) out.reserve(count_rows("persons"));
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "report_persons");
    engine::ReportPerson p;
    p.id = s.int64(0);
    p.branch = s.string(1);
    auto st = engine::member_status_from(s.text(2));
    if (!st) return engine::Error::corruption({"人员 #" + std::to_string(p.id) + " 的政治面貌无效", "person #" + std::to_string(p.id) + " has a bad status"});
    p.status = *st;
    DJFLOW_TRY(read_opt_date(s, 3, "persons.joined", p.joined));
    if (with_names) p.name = s.string(4);
    out.push_back(std::move(p));
  }
}

Result<std::vector<engine::PersonId>> SqliteReport::report_member_case_persons(const engine::ReportScope& scope) {
  std::string sql = "SELECT DISTINCT c.person_id FROM cases c";
  if (!scope.all) sql += " JOIN persons p ON p.id = c.person_id AND p.branch IN (SELECT value FROM json_each(?1))";
  DJFLOW_STATEMENT(s, sql + " WHERE c.workflow = 'member' AND c.person_id IS NOT NULL ORDER BY c.person_id");
  const std::string codes = scope.all ? std::string() : branches_json(scope);
  if (!scope.all) s.bind(1, codes);
  std::vector<engine::PersonId> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "report_member_case_persons");
    out.push_back(s.int64(0));
  }
}

Result<std::vector<engine::ReportDeadline>> SqliteReport::report_deadlines(const std::string& workflow,
                                                                           const std::string& kind, bool late_only) {
  std::string sql = "SELECT d.case_id, d.kind, d.due_date, d.opened_on, d.closed_on FROM deadlines d";
  if (!workflow.empty()) sql += " JOIN cases c ON c.id = d.case_id AND c.workflow = ?1";
  sql += " WHERE (?2 = '' OR d.kind = ?2)";
  if (late_only) sql += " AND d.closed_on IS NOT NULL AND d.closed_on > d.due_date";
  // Without a workflow, in id order: the table in rowid order, neither a lookup per row through
  // deadlines_case nor a sort (each case's rows keep their order, which is all the report needs).
  sql += workflow.empty() ? " ORDER BY d.id" : " ORDER BY d.case_id, d.id";
  DJFLOW_STATEMENT(s, sql);
  if (!workflow.empty()) s.bind(1, workflow);
  s.bind(2, kind);
  return read_deadlines(s, "report_deadlines");
}

Result<std::vector<engine::ReportDeadline>> SqliteReport::report_late_deadlines(engine::CaseId id) {
  DJFLOW_STATEMENT(s, std::string("SELECT case_id, kind, due_date, opened_on, closed_on FROM deadlines "
                                  "WHERE case_id = ?1 AND closed_on IS NOT NULL AND closed_on > due_date ORDER BY id"));
  s.bind(1, id);
  return read_deadlines(s, "report_late_deadlines");
}

Result<std::vector<engine::ReportDeadline>> SqliteReport::read_deadlines(detail::Statement& s, const char* what) {
  std::vector<engine::ReportDeadline> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, what);
    engine::ReportDeadline d;
    d.case_id = s.int64(0);
    d.kind = s.string(1);
    DJFLOW_TRY(read_date(s, 2, "deadlines.due_date", d.due));
    DJFLOW_TRY(read_date(s, 3, "deadlines.opened_on", d.opened_on));
    DJFLOW_TRY(read_opt_date(s, 4, "deadlines.closed_on", d.closed_on));
    out.push_back(std::move(d));
  }
}

}  // namespace djflow::storage
