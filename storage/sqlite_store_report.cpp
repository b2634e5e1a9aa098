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

// A text column of the current row, as Statement::text but through the column's value: one
// column access (sqlite3_column_text and _bytes each enter and leave the connection's mutex and
// check for a failed allocation: 0.09 G instructions over the report's 1.2 million text reads).
// The value is unprotected, which is sound on the report's own connection only: it is opened
// SQLITE_OPEN_NOMUTEX and used by one thread.
std::string_view col_text(const detail::Statement& s, int col) { return value_text(sqlite3_column_value(s.get(), col)); }

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

// The last row before a year of each case of the projection, chosen and kept inside SQLite's scan
// (read_year): `djflow_report_first(case_id, year)` in the WHERE clause sees the rows of
// case_years in descending (case, year) order and chooses the first row of each case dated before
// the year (its latest); `djflow_report_take(...)` keeps it and returns 0, so that no row becomes
// a result row (no sqlite3_step return, no column read through the API; as djflow_report_keep).
struct FirstOfCase {
  struct Row {
    engine::CaseId case_id;
    std::array<char, 10> date;  // 'YYYY-MM-DD' (another length: `odd`)
    std::uint16_t state;        // index into states
    bool marker, mixed, odd_date;
  };
  // Set per scan.
  std::int64_t before_year = 0;
  std::vector<std::string> needles;  // ",STATE," of each marker state
  // What the scan kept, in descending case order.
  std::vector<Row> rows;
  std::vector<std::string> odd;           // the dates not of 10 characters, in the order of their rows
  std::vector<std::string> states;        // the handful of distinct states
  std::vector<std::pair<std::string, bool>> memo;  // whether a `states` names a marker, per shape
  bool started = false, disorder = false, failed = false, out_of_step = false;
  engine::CaseId case_id = 0, kept = -1;
  std::int64_t year = 0;
  std::size_t chosen = 0;  // rows djflow_report_first chose (each must be taken)

  void reset(std::int64_t y, const std::vector<std::string>& markers) {
    before_year = y;
    needles.clear();
    for (const auto& m : markers) needles.push_back("," + m + ",");
    rows.clear();
    odd.clear();
    states.clear();
    memo.clear();
    started = disorder = failed = out_of_step = false;
    kept = -1;
    chosen = 0;
  }
  bool marker_in(std::string_view row_states) {
    for (const auto& [k, v] : memo)
      if (k == row_states) return v;
    bool found = false;
    for (const auto& n : needles) found = found || row_states.find(n) != std::string_view::npos;
    if (memo.size() < 64) memo.emplace_back(std::string(row_states), found);
    return found;
  }
};

// djflow_report_first(case_id, year): whether the row is its case's first (latest) before the year.
void report_first(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto& f = *static_cast<FirstOfCase*>(sqlite3_user_data(ctx));
  const engine::CaseId id = sqlite3_value_int64(argv[0]);
  const std::int64_t year = sqlite3_value_int64(argv[1]);
  if (f.started && (id > f.case_id || (id == f.case_id && year >= f.year))) f.disorder = true;
  f.started = true;
  f.case_id = id;
  f.year = year;
  const bool first = year < f.before_year && id != f.kept;
  if (first) {
    f.kept = id;
    ++f.chosen;
  }
  sqlite3_result_int(ctx, first ? 1 : 0);
}

// djflow_report_take(date, state, states, mixed): keeps the row djflow_report_first chose, and
// returns 0. Called only for those rows (the second term of the WHERE clause, which SQLite
// evaluates only when the first holds: EXPLAIN shows an IfNot between them), so the text columns
// of the others (102,000 of the benchmark's 202,000) are never loaded. Were a plan ever to
// evaluate the terms in another order, the counts would not match (each call must follow its own
// choice) and the read fails. (Passing case_id and year again to check each row cost 0.02 G.)
void report_take(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto& f = *static_cast<FirstOfCase*>(sqlite3_user_data(ctx));
  sqlite3_result_int(ctx, 0);
  if (f.rows.size() + 1 != f.chosen) {
    f.out_of_step = true;
    return;
  }
  auto& r = f.rows.emplace_back();
  r.case_id = f.kept;
  const std::string_view date = value_text(argv[0]), state = value_text(argv[1]);
  r.odd_date = date.size() != r.date.size();
  if (r.odd_date) f.odd.emplace_back(date);
  else std::copy(date.begin(), date.end(), r.date.begin());
  std::size_t k = 0;
  while (k < f.states.size() && f.states[k] != state) ++k;
  if (k == f.states.size()) {
    if (k > 0xffff) f.failed = true;
    f.states.emplace_back(state);
  }
  r.state = static_cast<std::uint16_t>(k);
  r.marker = f.marker_in(value_text(argv[2]));
  r.mixed = sqlite3_value_int64(argv[3]) != 0;
}

class SqliteReport final : public engine::ReportStore {
 public:
  explicit SqliteReport(sqlite3* db) : db_(db), cache_(std::make_unique<detail::StatementCache>(db)) {}
  // The summing function of for_each_report_case_in, on this connection only.
  engine::Status register_functions() {
    if (sqlite3_create_function_v2(db_, "djflow_report_keep", 4, SQLITE_UTF8 | SQLITE_DIRECTONLY, &summer_,
                                   report_keep, nullptr, nullptr, nullptr) != SQLITE_OK)
      return engine::Error::storage("register djflow_report_keep");
    if (sqlite3_create_function_v2(db_, "djflow_report_first", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY, &first_,
                                   report_first, nullptr, nullptr, nullptr) != SQLITE_OK ||
        sqlite3_create_function_v2(db_, "djflow_report_take", 4, SQLITE_UTF8 | SQLITE_DIRECTONLY, &first_,
                                   report_take, nullptr, nullptr, nullptr) != SQLITE_OK)
      return engine::Error::storage("register djflow_report_first");
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
  engine::Status for_each_report_person(const engine::ReportScope& scope, bool with_names,
                                        const std::function<void(const engine::ReportPerson&)>& fn) override;
  engine::Result<std::vector<engine::Branch>> report_branches() override;
  engine::Result<std::vector<engine::PersonId>> report_member_case_persons(const engine::ReportScope& scope) override;
  engine::Result<std::vector<engine::ReportDeadline>> report_deadlines(const std::string& workflow,
                                                                       const std::string& kind,
                                                                       bool late_only) override;
  engine::Result<std::vector<engine::ReportDeadline>> report_late_deadlines(engine::CaseId id) override;

 private:
  // About the number of rows of a table, to reserve the vectors once (0 when it cannot be read):
  // the highest id, one seek, where count(*) would read a whole index.
  // The rows of a rowid table (branches: no integer id), by the highest rowid, one seek.
  std::size_t count_rows_of(const std::string& table) {
    auto st = cache_->get("SELECT coalesce(max(rowid), 0) FROM " + table);
    if (!st.ok()) return 0;
    detail::Use use(**st);
    return (*st)->step() == SQLITE_ROW ? static_cast<std::size_t>((*st)->int64(0)) : 0;
  }
  std::size_t count_rows(const std::string& table) {
    auto st = cache_->get("SELECT coalesce(max(id), 0) FROM " + table);
    if (!st.ok()) return 0;
    detail::Use use(**st);
    return (*st)->step() == SQLITE_ROW ? static_cast<std::size_t>((*st)->int64(0)) : 0;
  }
  engine::Status read_case(detail::Statement& s, bool with_titles, engine::ReportCase& c);
  // The one walk of both shortened reads of everything (the scan, read_year): the cases (`cs`)
  // and the event rows (`ev`: case_id, effective_date, to_state, event, flags) merged by case id,
  // each case handed over with its summary of the events before the period, then its rows.
  // summary(c) fills c's summary and returns whether it handed the case over itself (a case it
  // read its own way: its rows in `ev` are then passed over).
  engine::Status walk(detail::Statement& cs, detail::Statement& ev, bool with_titles, const char* what,
                      const std::function<engine::Result<bool>(engine::ReportCase&)>& summary,
                      const std::function<void(const engine::ReportCase&)>& on_case,
                      const std::function<void(const engine::ReportEvent&)>& on_event);
  engine::Status read_year(engine::Date from, engine::Date until, const std::vector<std::string>& markers,
                           bool with_titles, const std::function<void(const engine::ReportCase&)>& on_case,
                           const std::function<void(const engine::ReportEvent&)>& on_event);
  engine::Result<std::vector<engine::ReportDeadline>> read_deadlines(detail::Statement& s, const char* what);
  sqlite3* db_;
  std::unique_ptr<detail::StatementCache> cache_;
  LeadingSummer summer_;
  FirstOfCase first_;
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
  c.workflow.assign(col_text(s, 1));
  c.branch.assign(col_text(s, 2));
  c.person.reset();
  if (!s.is_null(3)) c.person = s.int64(3);
  if (with_titles) c.title.assign(col_text(s, 4));
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
    e.event = col_text(ev, 1);
    e.date = col_text(ev, 2);
    e.to_state = col_text(ev, 3);
    e.flags = col_text(ev, 4);
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
  // The scan must arrive in (case, seq) order for the summaries to be right: it does (the
  // covering index events_report is in that order); were a plan ever to sort instead, this says so.
  const auto in_order = [&]() -> Status {
    if (!summer_.disorder) return {};
    return engine::Error::storage("for_each_report_case_in: the events did not arrive in (case, seq) order");
  };
  const Status walked = walk(
      cs, ev, with_titles, "for_each_report_case_in",
      [&](engine::ReportCase& c) -> Result<bool> {
        DJFLOW_TRY(in_order());
        // The leading events dated before the period: summed up by the scan, which has passed
        // them (the current row is of a later case, or the first of this case the caller is given).
        const LeadingSummer::Sum* sum = summer_.take(c.id);
        c.has_before = sum != nullptr;
        c.before_marker = sum && sum->marker;
        c.before_date = sum ? std::string_view(sum->date) : std::string_view();
        c.before_state = sum ? std::string_view(summer_.states[sum->state]) : std::string_view();
        return false;
      },
      on_case, on_event);
  DJFLOW_TRY(walked);
  return in_order();
}

Status SqliteReport::walk(detail::Statement& cs, detail::Statement& ev, bool with_titles, const char* what,
                          const std::function<Result<bool>(engine::ReportCase&)>& summary,
                          const std::function<void(const engine::ReportCase&)>& on_case,
                          const std::function<void(const engine::ReportEvent&)>& on_event) {
  engine::ReportCase c;
  engine::ReportEvent e;
  // The event row's case, read once per row (not once per comparison).
  int erc = ev.step();
  engine::CaseId ev_case = erc == SQLITE_ROW ? ev.int64(0) : 0;
  const auto next = [&] {
    erc = ev.step();
    ev_case = erc == SQLITE_ROW ? ev.int64(0) : 0;
  };
  const auto events_failed = [&] { return erc != SQLITE_ROW && erc != SQLITE_DONE; };
  for (;;) {
    const int rc = cs.step();
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, what);
    DJFLOW_TRY(read_case(cs, with_titles, c));
    while (erc == SQLITE_ROW && ev_case < c.id) next();  // no case row (cannot happen)
    if (events_failed()) return sqlite_error(db_, erc, what);
    auto handed = summary(c);
    DJFLOW_TRY(handed);
    if (!handed.value()) on_case(c);
    while (erc == SQLITE_ROW && ev_case == c.id) {
      if (!handed.value()) {
        e.case_id = c.id;
        e.date = col_text(ev, 1);
        e.to_state = col_text(ev, 2);
        e.event = col_text(ev, 3);
        e.flags = col_text(ev, 4);
        on_event(e);
      }
      next();
    }
    if (events_failed()) return sqlite_error(db_, erc, what);
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
  // Each case's latest row before Y, kept by djflow_report_first (FirstOfCase) inside a scan of
  // the projection in descending (case, year) order that returns no row, and walked backwards
  // along the cases. Read in primary-key order with the last row of each case kept (the sixth
  // round) it was 162,000 result rows of five columns; by GROUP BY with max(year), 0.3 G more
  // instructions (callgrind); with the marker asked in SQL (instr), 0.29 G more.
  {
    DJFLOW_STATEMENT(pj, std::string("SELECT 1 FROM case_years WHERE djflow_report_first(case_id, year) AND "
                                     "djflow_report_take(date, state, states, mixed) "
                                     "ORDER BY case_id DESC, year DESC"));
    first_.reset(from.year(), markers);
    first_.rows.reserve(count_rows("cases"));
    for (;;) {
      const int prc = pj.step();
      if (prc == SQLITE_DONE) break;
      if (prc != SQLITE_ROW) return sqlite_error(db_, prc, "read_year (case_years)");
    }
    if (first_.disorder)
      return engine::Error::storage("read_year: the year-end projection did not arrive in (case, year) order");
    if (first_.failed) return engine::Error::storage("read_year: more than 65,535 distinct states");
    if (first_.out_of_step || first_.rows.size() != first_.chosen)
      return engine::Error::storage("read_year: the projection's rows were not kept as chosen");
  }
  const auto& years = first_.rows;
  const auto& odd = first_.odd;
  const auto& states = first_.states;
  std::size_t yi = years.size();  // years[yi - 1]: the next case (ascending) with a row
  std::size_t oi = odd.size();
  DJFLOW_STATEMENT(ev, std::string("SELECT case_id, effective_date, to_state, event, flags FROM events "
                                   "WHERE substr(effective_date, 1, 4) = ?1 AND effective_date <= ?2 "
                                   "ORDER BY case_id, seq"));
  ev.bind(1, std::string_view(year));
  ev.bind(2, u.view());
  DJFLOW_STATEMENT(one, std::string("SELECT case_id, event, effective_date, to_state, flags FROM events "
                                    "WHERE case_id = ?1 AND effective_date <= ?2 ORDER BY seq"));
  engine::ReportEvent e;
  const IsoDate f(from);
  std::vector<std::array<std::string, 4>> rows;  // a mixed case's events: event, date, state, flags
  std::string before_date, before_state;
  return walk(
      cs, ev, with_titles, "read_year",
      [&](engine::ReportCase& c) -> Result<bool> {
        while (yi > 0 && years[yi - 1].case_id < c.id) {  // no case row (cannot happen)
          if (years[yi - 1].odd_date) --oi;
          --yi;
        }
        // The case's latest row before Y is its summary.
        const bool has_row = yi > 0 && years[yi - 1].case_id == c.id;
        bool mixed = false, marker = false;
        if (has_row) {
          const FirstOfCase::Row& y = years[--yi];
          if (y.odd_date) before_date = odd[--oi];
          else before_date.assign(y.date.data(), y.date.size());
          before_state.assign(states[y.state]);
          mixed = y.mixed;
          marker = y.marker;
        }
        if (!mixed) {
          c.has_before = has_row;
          c.before_date = has_row ? std::string_view(before_date) : std::string_view();
          c.before_state = has_row ? std::string_view(before_state) : std::string_view();
          c.before_marker = has_row && marker;
          return false;
        }
        // Mixed: its events up to the end by one seek, its leading ones before the period summed
        // up here as the scan of for_each_report_case_in sums them (those before its first event
        // dated in the period, in seq order), the rest handed over one by one; its rows of the
        // year in `ev` were read with it.
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
          const std::string_view date = col_text(one, 2), state = col_text(one, 3);
          if (leading && date < f.view()) {
            c.has_before = true;
            before_date.assign(date);
            before_state.assign(state);
            c.before_marker = c.before_marker || std::find(markers.begin(), markers.end(), state) != markers.end();
            continue;
          }
          leading = false;
          rows.push_back({std::string(col_text(one, 1)), std::string(date), std::string(state), std::string(col_text(one, 4))});
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
        return true;
      },
      on_case, on_event);
}

Result<std::vector<engine::ReportPerson>> SqliteReport::report_persons(const engine::ReportScope& scope,
                                                                      bool with_names) {
  std::vector<engine::ReportPerson> out;
  if (scope.all) out.reserve(count_rows("persons"));
  DJFLOW_TRY(for_each_report_person(scope, with_names, [&](const engine::ReportPerson& p) { out.push_back(p); }));
  return out;
}

Status SqliteReport::for_each_report_person(const engine::ReportScope& scope, bool with_names,
                                            const std::function<void(const engine::ReportPerson&)>& fn) {
  std::string sql = with_names ? "SELECT id, branch, status, joined, name FROM persons"
                               : "SELECT id, branch, status, joined FROM persons";
  if (!scope.all) sql += " WHERE branch IN (SELECT value FROM json_each(?1))";
  DJFLOW_STATEMENT(s, sql + " ORDER BY id");
  const std::string codes = scope.all ? std::string() : branches_json(scope);
  if (!scope.all) s.bind(1, codes);
  engine::ReportPerson p;  // one, reused: its strings keep their buffers
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "report_persons");
    p.id = s.int64(0);
    p.branch.assign(col_text(s, 1));
    auto st = engine::member_status_from(col_text(s, 2));
    if (!st) return engine::Error::corruption({"人员 #" + std::to_string(p.id) + " 的政治面貌无效", "person #" + std::to_string(p.id) + " has a bad status"});
    p.status = *st;
    // `joined` says from when a registered member counts: nothing for a person who is none
    // (55,000 of the benchmark's 100,000), whose date is then not parsed.
    p.joined.reset();
    if (p.status != engine::MemberStatus::None) DJFLOW_TRY(read_opt_date(s, 3, "persons.joined", p.joined));
    if (with_names) p.name.assign(col_text(s, 4));
    fn(p);
  }
}

// In rowid order (the table itself, no lookup per row through the code's index), then sorted by
// code by the caller's check (the codes are usually in creation order already).
Result<std::vector<engine::Branch>> SqliteReport::report_branches() {
  DJFLOW_STATEMENT(s, std::string("SELECT code, name, kind, parent FROM branches ORDER BY rowid"));
  std::vector<engine::Branch> out;
  out.reserve(count_rows_of("branches"));
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return sqlite_error(db_, rc, "report_branches");
    auto& b = out.emplace_back();
    b.code.assign(col_text(s, 0));
    b.name.assign(col_text(s, 1));
    b.kind.assign(col_text(s, 2));
    if (!s.is_null(3)) b.parent.assign(col_text(s, 3));
  }
  const auto by_code = [](const engine::Branch& a, const engine::Branch& b) { return a.code < b.code; };
  if (std::is_sorted(out.begin(), out.end(), by_code)) return out;
  // Creation order is mostly code order already (the benchmark's 20,002: two ascending runs), so
  // the runs are merged (n log runs comparisons) instead of sorted from scratch (n log n: 0.07 G
  // instructions), by index: no organisation moves until the end.
  std::vector<std::uint32_t> order(out.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto less = [&](std::uint32_t a, std::uint32_t b) { return out[a].code < out[b].code; };
  std::vector<std::size_t> runs{0};  // where each ascending run begins
  for (std::size_t i = 1; i < order.size(); ++i)
    if (out[i].code < out[i - 1].code) runs.push_back(i);
  runs.push_back(order.size());
  while (runs.size() > 2) {
    std::vector<std::size_t> merged{0};
    for (std::size_t r = 0; r + 1 < runs.size(); r += 2) {
      const std::size_t end = r + 2 < runs.size() ? runs[r + 2] : runs[r + 1];
      if (r + 2 < runs.size())
        std::inplace_merge(order.begin() + static_cast<std::ptrdiff_t>(runs[r]),
                           order.begin() + static_cast<std::ptrdiff_t>(runs[r + 1]),
                           order.begin() + static_cast<std::ptrdiff_t>(end), less);
      merged.push_back(end);
    }
    runs = std::move(merged);
  }
  std::vector<engine::Branch> sorted;
  sorted.reserve(out.size());
  for (auto i : order) sorted.push_back(std::move(out[i]));
  return sorted;
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
