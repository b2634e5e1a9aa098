// PgStore, part 4: the filters of the case and open-deadline listings, and their counts in SQL
// (GROUP BY / count(*)), what the web overview reads instead of every row (issue 11 §5).
#include "storage/pg_store.hpp"

#include "storage/pg_codec.hpp"

namespace djflow::storage {

using engine::Result;
using pg::Params;

namespace pg {
namespace {

std::string next(const Params& p) { return "$" + std::to_string(p.size()); }

// "($3, $4, $5)" after adding the values to p (at least one).
std::string in_list(Params& p, const std::vector<std::string>& values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i == 0 ? "" : ", ") + (p.text(values[i]), next(p));
  return out + ")";
}

}  // namespace

std::string case_where(const engine::CaseFilter& f, Params& p) {
  std::string sql = " WHERE true";
  if (f.workflow) sql += " AND c.workflow = " + (p.text(*f.workflow), next(p));
  if (f.branch) sql += " AND c.branch = " + (p.text(*f.branch), next(p));
  if (f.branches) sql += " AND c.branch IN " + in_list(p, *f.branches);
  if (f.person) sql += " AND c.person_id = " + (p.int64(*f.person), next(p));
  if (f.states) sql += " AND c.state IN " + in_list(p, *f.states);
  return sql;
}

std::string deadline_where(const engine::DeadlineFilter& f, Params& p) {
  std::string sql = " FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE d.open = 1";
  if (f.due_on_or_before) sql += " AND d.due_date <= " + (p.text(iso(*f.due_on_or_before)), next(p));
  if (f.branch) sql += " AND c.branch = " + (p.text(*f.branch), next(p));
  if (f.branches) sql += " AND c.branch IN " + in_list(p, *f.branches);
  if (f.workflow) sql += " AND c.workflow = " + (p.text(*f.workflow), next(p));
  if (f.case_id) sql += " AND d.case_id = " + (p.int64(*f.case_id), next(p));
  if (f.skip_milestones) sql += " AND d.milestone = 0";
  return sql;
}

}  // namespace pg

Result<std::vector<engine::CaseCount>> PgHistory::count_cases(const engine::CaseFilter& f) {
  std::vector<engine::CaseCount> out;
  if ((f.states && f.states->empty()) || (f.branches && f.branches->empty())) return out;
  Params p;
  const std::string sql = "SELECT c.branch, c.workflow, c.state, count(*) FROM cases c" + pg::case_where(f, p) +
                          " GROUP BY c.branch, c.workflow, c.state ORDER BY c.branch, c.workflow, c.state";
  auto r = db().exec("count_cases", sql, p);
  if (!r) return r.error();
  for (int i = 0; i < r->size(); ++i) out.push_back({r->string(i, 0), r->string(i, 1), r->string(i, 2), r->int64(i, 3)});
  return out;
}

Result<std::int64_t> PgSchedule::count_open_deadlines(const engine::DeadlineFilter& f) {
  if (f.branches && f.branches->empty()) return std::int64_t{0};
  Params p;
  auto r = db().exec("count_open_deadlines", "SELECT count(*)" + pg::deadline_where(f, p), p);
  if (!r) return r.error();
  return r->int64(0, 0);
}

}  // namespace djflow::storage
