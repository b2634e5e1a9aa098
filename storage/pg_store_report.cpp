// The year's figures' reads (engine/ports/report_store.hpp) on PostgreSQL, on a read-only
// connection of their own, the twin of sqlite_store_report.cpp (same columns, same orders): the
// cases and their events up to a date streamed through two cursors in one snapshot (REPEATABLE
// READ), fetched a block at a time, so 1,000,000 events are never held at once; a subtree's cases
// and each one's events by index seeks; the persons and deadlines the report needs.
#include "storage/pg_report.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "storage/pg_codec.hpp"
#include "storage/pg_connection.hpp"

namespace djflow::storage {

using engine::Date;
using engine::Result;
using engine::Status;
using pg::Params;

namespace {

constexpr int kFetch = 5000;  // rows per FETCH of a cursor

// The organisations of a scope as a JSON array, for `branch IN (SELECT jsonb_array_elements_text($1::jsonb))`.
std::string branches_json(const engine::ReportScope& scope) { return nlohmann::json(scope.branches).dump(); }

std::string case_columns(bool with_titles) {
  return with_titles ? "id, workflow, branch, person_id, title" : "id, workflow, branch, person_id";
}

void read_case(const pg::Rows& r, int row, bool with_titles, engine::ReportCase& c) {
  c.id = r.int64(row, 0);
  c.workflow.assign(r.text(row, 1));
  c.branch.assign(r.text(row, 2));
  c.person.reset();
  if (!r.is_null(row, 3)) c.person = r.int64(row, 3);
  if (with_titles) c.title.assign(r.text(row, 4));
}

// case_id, event, effective_date, to_state, flags
void read_event(const pg::Rows& r, int row, engine::ReportEvent& e) {
  e.case_id = r.int64(row, 0);
  e.event = r.text(row, 1);
  e.date = r.text(row, 2);
  e.to_state = r.text(row, 3);
  e.flags = r.text(row, 4);
}

// A cursor declared in the open transaction, read a block at a time.
class Cursor {
 public:
  Cursor(pg::Connection& db, std::string name) : db_(db), name_(std::move(name)) {}
  Status declare(const std::string& query) {
    auto r = db_.exec("report cursor", "DECLARE " + name_ + " NO SCROLL CURSOR FOR " + query);
    if (!r) return r.error();
    return fetch();
  }
  bool valid() const { return row_ < rows_.size(); }
  const pg::Rows& rows() const { return rows_; }
  int row() const { return row_; }
  Status next() { return ++row_ < rows_.size() || done_ ? Status{} : fetch(); }
  // For a cursor ordered by case id in its first column: whether its row is case `id`'s, and
  // moving past the rows of cases before `id` (rows with no case row).
  bool at(engine::CaseId id) const { return valid() && rows_.int64(row_, 0) == id; }
  Status skip_to(engine::CaseId id) {
    while (valid() && rows_.int64(row_, 0) < id) DJFLOW_TRY(next());
    return {};
  }

 private:
  Status fetch() {
    auto r = db_.exec("report fetch", "FETCH FORWARD " + std::to_string(kFetch) + " FROM " + name_);
    if (!r) return r.error();
    rows_ = std::move(r.value());
    row_ = 0;
    done_ = rows_.size() < kFetch;
    return {};
  }
  pg::Connection& db_;
  std::string name_;
  pg::Rows rows_;
  int row_ = 0;
  bool done_ = false;
};

class PgReport final : public engine::ReportStore {
 public:
  explicit PgReport(std::unique_ptr<pg::Connection> db) : db_(std::move(db)) {}

  Status for_each_report_case(Date until, const engine::ReportScope& scope, bool with_titles,
                              const std::function<void(const engine::ReportCase&)>& on_case,
                              const std::function<void(const engine::ReportEvent&)>& on_event) override {
    const std::string u = pg::iso(until);
    engine::ReportCase c;
    engine::ReportEvent e;
    if (!scope.all) {
      // A subtree: its cases through cases_branch, each one's events by a seek into events_report.
      auto cases = db_->exec("for_each_report_case",
                             "SELECT " + case_columns(with_titles) +
                                 " FROM cases WHERE branch IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY id",
                             Params().text(branches_json(scope)));
      if (!cases) return cases.error();
      for (int i = 0; i < cases->size(); ++i) {
        read_case(*cases, i, with_titles, c);
        on_case(c);
        auto ev = db_->exec("for_each_report_case (events)",
                            "SELECT case_id, event, effective_date, to_state, flags FROM events "
                            "WHERE case_id = $1 AND effective_date <= $2 ORDER BY seq",
                            Params().int64(c.id).text(u));
        if (!ev) return ev.error();
        for (int j = 0; j < ev->size(); ++j) {
          read_event(*ev, j, e);
          on_event(e);
        }
      }
      return {};
    }
    // Everything: the cases by id and the events by (case, seq), two cursors of one snapshot,
    // merged by case id. The date is an ISO date (digits and dashes), safe in the statement text.
    DJFLOW_TRY(db_->exec_script("report", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Status s = scan_all(u, with_titles, on_case, on_event);
    (void)db_->exec_script("report", s.ok() ? "COMMIT" : "ROLLBACK");
    return s;
  }

  // `report year Y` (a period from a January 1 to a day of the same year) over every case: from
  // the year-end projection (migration 11, decision 0129), as the SQLite store reads it; any other
  // read streams every event (for_each_report_case, the port's default).
  Status for_each_report_case_in(Date from, Date until, const std::vector<std::string>& markers,
                                 const engine::ReportScope& scope, bool with_titles,
                                 const std::function<void(const engine::ReportCase&)>& on_case,
                                 const std::function<void(const engine::ReportEvent&)>& on_event) override {
    if (!scope.all || until < from || from.month() != 1 || from.day() != 1 || until.year() != from.year())
      return for_each_report_case(until, scope, with_titles, on_case, on_event);
    DJFLOW_TRY(db_->exec_script("report", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Status s = read_year(from, until, markers, with_titles, on_case, on_event);
    (void)db_->exec_script("report", s.ok() ? "COMMIT" : "ROLLBACK");
    return s;
  }

  Result<std::vector<engine::ReportPerson>> report_persons(const engine::ReportScope& scope, bool with_names) override {
    std::string sql = with_names ? "SELECT id, branch, status, joined, name FROM persons"
                                 : "SELECT id, branch, status, joined FROM persons";
    Params p;
    if (!scope.all) {
      sql += " WHERE branch IN (SELECT jsonb_array_elements_text($1::jsonb))";
      p.text(branches_json(scope));
    }
    auto r = db_->exec("report_persons", sql + " ORDER BY id", p);
    if (!r) return r.error();
    std::vector<engine::ReportPerson> out(static_cast<std::size_t>(r->size()));
    for (int i = 0; i < r->size(); ++i) {
      auto& x = out[static_cast<std::size_t>(i)];
      x.id = r->int64(i, 0);
      x.branch = r->string(i, 1);
      auto st = engine::member_status_from(r->text(i, 2));
      if (!st)
        return engine::Error::corruption({"人员 #" + std::to_string(x.id) + " 的政治面貌无效",
                                          "person #" + std::to_string(x.id) + " has a bad status"});
      x.status = *st;
      DJFLOW_TRY(pg::read_opt_date(*r, i, 3, "persons.joined", x.joined));
      if (with_names) x.name = r->string(i, 4);
    }
    return out;
  }

  Result<std::vector<engine::Branch>> report_branches() override {
    // As list_branches orders them (the database's collation; the report sorts by bytes if not).
    auto r = db_->exec("report_branches", "SELECT code, name, kind, coalesce(parent, '') FROM branches ORDER BY code");
    if (!r) return r.error();
    std::vector<engine::Branch> out(static_cast<std::size_t>(r->size()));
    for (int i = 0; i < r->size(); ++i) {
      auto& b = out[static_cast<std::size_t>(i)];
      b.code = r->string(i, 0);
      b.name = r->string(i, 1);
      b.kind = r->string(i, 2);
      b.parent = r->string(i, 3);
    }
    return out;
  }

  Result<std::vector<engine::PersonId>> report_member_case_persons(const engine::ReportScope& scope) override {
    std::string sql = "SELECT DISTINCT c.person_id FROM cases c";
    Params p;
    if (!scope.all) {
      sql += " JOIN persons p ON p.id = c.person_id AND p.branch IN (SELECT jsonb_array_elements_text($1::jsonb))";
      p.text(branches_json(scope));
    }
    auto r = db_->exec("report_member_case_persons",
                       sql + " WHERE c.workflow = 'member' AND c.person_id IS NOT NULL ORDER BY c.person_id", p);
    if (!r) return r.error();
    std::vector<engine::PersonId> out;
    out.reserve(static_cast<std::size_t>(r->size()));
    for (int i = 0; i < r->size(); ++i) out.push_back(r->int64(i, 0));
    return out;
  }

  Result<std::vector<engine::ReportDeadline>> report_deadlines(const std::string& workflow, const std::string& kind,
                                                               bool late_only) override {
    std::string sql = "SELECT d.case_id, d.kind, d.due_date, d.opened_on, d.closed_on FROM deadlines d";
    Params p;
    if (!workflow.empty()) {
      p.text(workflow);
      sql += " JOIN cases c ON c.id = d.case_id AND c.workflow = $1";
    }
    p.text(kind);
    const std::string k = "$" + std::to_string(p.size());
    sql += " WHERE (" + k + " = '' OR d.kind = " + k + ")";
    if (late_only) sql += " AND d.closed_on IS NOT NULL AND d.closed_on > d.due_date";
    sql += workflow.empty() ? " ORDER BY d.id" : " ORDER BY d.case_id, d.id";
    return read_deadlines(db_->exec("report_deadlines", sql, p));
  }

  Result<std::vector<engine::ReportDeadline>> report_late_deadlines(engine::CaseId id) override {
    return read_deadlines(db_->exec("report_late_deadlines",
                                    "SELECT case_id, kind, due_date, opened_on, closed_on FROM deadlines "
                                    "WHERE case_id = $1 AND closed_on IS NOT NULL AND closed_on > due_date ORDER BY id",
                                    Params().int64(id)));
  }

 private:
  Status scan_all(const std::string& until, bool with_titles,
                  const std::function<void(const engine::ReportCase&)>& on_case,
                  const std::function<void(const engine::ReportEvent&)>& on_event) {
    Cursor cs(*db_, "djflow_report_cases"), ev(*db_, "djflow_report_events");
    DJFLOW_TRY(cs.declare("SELECT " + case_columns(with_titles) + " FROM cases ORDER BY id"));
    DJFLOW_TRY(ev.declare("SELECT case_id, event, effective_date, to_state, flags FROM events WHERE effective_date <= '" +
                          until + "' ORDER BY case_id, seq"));
    engine::ReportCase c;
    engine::ReportEvent e;
    while (cs.valid()) {
      read_case(cs.rows(), cs.row(), with_titles, c);
      on_case(c);
      DJFLOW_TRY(each_event(ev, c.id, e, on_event));
      DJFLOW_TRY(cs.next());
    }
    return {};
  }

  // Three cursors of one snapshot, merged by case id: the cases; each case's latest row of the
  // projection before Y (DISTINCT ON); the events dated in Y up to `until`. A `mixed` case (an
  // event dated before Y recorded after one dated later) is read whole by one seek and its
  // leading events before Y summed up here, as the scan of every event would hand them over.
  Status read_year(Date from, Date until, const std::vector<std::string>& markers, bool with_titles,
                   const std::function<void(const engine::ReportCase&)>& on_case,
                   const std::function<void(const engine::ReportEvent&)>& on_event) {
    const std::string f = pg::iso(from), u = pg::iso(until), year = std::to_string(from.year());
    Cursor cs(*db_, "djflow_report_cases"), pj(*db_, "djflow_report_years"), ev(*db_, "djflow_report_events");
    DJFLOW_TRY(cs.declare("SELECT " + case_columns(with_titles) + " FROM cases ORDER BY id"));
    // The year and the dates are digits and dashes (ISO dates), safe in the statement text.
    DJFLOW_TRY(pj.declare("SELECT DISTINCT ON (case_id) case_id, date, state, states, mixed FROM case_years "
                          "WHERE year < " + year + " ORDER BY case_id, year DESC"));
    DJFLOW_TRY(ev.declare("SELECT case_id, event, effective_date, to_state, flags FROM events WHERE effective_date >= '" +
                          f + "' AND effective_date <= '" + u + "' ORDER BY case_id, seq"));
    std::vector<std::string> needles;
    for (const auto& m : markers) needles.push_back("," + m + ",");
    engine::ReportCase c;
    engine::ReportEvent e;
    std::string before_date, before_state;
    std::vector<std::array<std::string, 4>> rows;  // a mixed case's events: event, date, state, flags
    while (cs.valid()) {
      read_case(cs.rows(), cs.row(), with_titles, c);
      DJFLOW_TRY(pj.skip_to(c.id));
      DJFLOW_TRY(ev.skip_to(c.id));
      const bool has_row = pj.at(c.id);
      bool mixed = false, marker = false;
      if (has_row) {
        const auto& r = pj.rows();
        const int i = pj.row();
        before_date.assign(r.text(i, 1));
        before_state.assign(r.text(i, 2));
        const std::string_view states = r.text(i, 3);
        for (const auto& n : needles) marker = marker || states.find(n) != std::string_view::npos;
        mixed = r.int64(i, 4) != 0;
        DJFLOW_TRY(pj.next());
      }
      if (mixed) {
        auto all = db_->exec("report (one case)",
                             "SELECT case_id, event, effective_date, to_state, flags FROM events "
                             "WHERE case_id = $1 AND effective_date <= $2 ORDER BY seq",
                             Params().int64(c.id).text(u));
        if (!all) return all.error();
        rows.clear();
        bool leading = true;
        c.has_before = c.before_marker = false;
        for (int j = 0; j < all->size(); ++j) {
          const std::string_view date = all->text(j, 2), state = all->text(j, 3);
          if (leading && date < std::string_view(f)) {
            c.has_before = true;
            before_date.assign(date);
            before_state.assign(state);
            c.before_marker = c.before_marker || std::find(markers.begin(), markers.end(), state) != markers.end();
            continue;
          }
          leading = false;
          rows.push_back({std::string(all->text(j, 1)), std::string(date), std::string(state), std::string(all->text(j, 4))});
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
        DJFLOW_TRY(each_event(ev, c.id, e, nullptr));  // read with it
      } else {
        c.has_before = has_row;
        c.before_date = has_row ? std::string_view(before_date) : std::string_view();
        c.before_state = has_row ? std::string_view(before_state) : std::string_view();
        c.before_marker = has_row && marker;
        on_case(c);
        DJFLOW_TRY(each_event(ev, c.id, e, on_event));
      }
      DJFLOW_TRY(cs.next());
    }
    return {};
  }

  // Hands the events of case `id` at `ev` (a cursor of events ordered by case id, moved past the
  // cases before `id`) to `on_event` one by one, through `e`; without `on_event`, passes them by.
  static Status each_event(Cursor& ev, engine::CaseId id, engine::ReportEvent& e,
                           const std::function<void(const engine::ReportEvent&)>& on_event) {
    DJFLOW_TRY(ev.skip_to(id));
    while (ev.at(id)) {
      if (on_event) {
        read_event(ev.rows(), ev.row(), e);
        on_event(e);
      }
      DJFLOW_TRY(ev.next());
    }
    return {};
  }

  Result<std::vector<engine::ReportDeadline>> read_deadlines(const Result<pg::Rows>& r) {
    if (!r) return r.error();
    std::vector<engine::ReportDeadline> out(static_cast<std::size_t>(r->size()));
    for (int i = 0; i < r->size(); ++i) {
      auto& d = out[static_cast<std::size_t>(i)];
      d.case_id = r->int64(i, 0);
      d.kind = r->string(i, 1);
      DJFLOW_TRY(pg::read_date(*r, i, 2, "deadlines.due_date", d.due));
      DJFLOW_TRY(pg::read_date(*r, i, 3, "deadlines.opened_on", d.opened_on));
      DJFLOW_TRY(pg::read_opt_date(*r, i, 4, "deadlines.closed_on", d.closed_on));
    }
    return out;
  }

  std::unique_ptr<pg::Connection> db_;
};

}  // namespace

Result<std::unique_ptr<engine::ReportStore>> open_pg_report_reads(const std::string& url) {
  auto conn = pg::Connection::open(url);
  if (!conn) return conn.error();
  // Read-only: every transaction of this connection (the report writes nothing).
  DJFLOW_TRY((*conn)->exec_script("report connection", "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"));
  return std::unique_ptr<engine::ReportStore>(std::make_unique<PgReport>(std::move(*conn)));
}

}  // namespace djflow::storage
