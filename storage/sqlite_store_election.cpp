// SqliteStore, elections part: the count of full members behind the E1-E4 thresholds and the E3
// guard. Terms are cases of the "term" workflow and need no table (decision 0030).
#include "storage/sqlite_store.hpp"
#include "storage/statement_cache.hpp"

namespace djflow::storage {

using engine::Result;

namespace {

// Counts through the organisation tree (a general branch or a committee counts the members of
// its branches). WITH RECURSIVE is portable (PostgreSQL has it too). "+b.parent": branches has
// no index on parent, and without the "+" SQLite built an automatic index on it at every
// execution, which cost 2.3 ms instead of 0.04 ms on the 100,000-case database and made
// GET /api/v1/terms (one count per organisation) 25 times slower than the other overview reads;
// a scan of the few branch rows per level is cheaper (docs/performance.md, "Third round").
constexpr const char* kCountFullMembers =
    "WITH RECURSIVE tree(code) AS ("
    "  SELECT code FROM branches WHERE code = ?1"
    "  UNION SELECT b.code FROM branches b JOIN tree t ON +b.parent = t.code)"
    " SELECT count(*) FROM persons p WHERE p.status = 'full' AND p.branch IN (SELECT code FROM tree)";

}  // namespace

Result<int> SqliteDirectory::count_full_members(const std::string& branch) {
  DJFLOW_STATEMENT(s, std::string(kCountFullMembers));
  s.bind(1, branch);
  const int rc = s.step();
  if (rc != SQLITE_ROW) return detail::sqlite_error(db_, rc, "count_full_members");
  return static_cast<int>(s.int64(0));
}

}  // namespace djflow::storage
