// SqliteStore, elections part: member counts for the E1-E4 thresholds and the organisation
// attributes of migration 2 (org_profiles). Terms themselves are cases of the "term" workflow and
// need no table of their own (docs/decisions/0030-terms-are-cases.md).
#include "storage/sqlite_store.hpp"
#include "storage/statement_cache.hpp"

namespace djflow::storage {

using engine::Error;
using engine::Result;
using engine::Status;
using detail::Statement;

namespace {

// Counts through the organisation tree (a general branch or committee counts its branches'
// members). WITH RECURSIVE is portable (PostgreSQL has it too).
constexpr const char* kCountFullMembers =
    "WITH RECURSIVE tree(code) AS ("
    "  SELECT code FROM branches WHERE code = ?1"
    "  UNION SELECT b.code FROM branches b JOIN tree t ON b.parent = t.code)"
    " SELECT count(*) FROM persons p WHERE p.status = 'full' AND p.branch IN (SELECT code FROM tree)";
constexpr const char* kOrgLocality = "SELECT locality FROM org_profiles WHERE branch = ?1";
constexpr const char* kSetOrgLocality =
    "INSERT INTO org_profiles (branch, locality) VALUES (?1, ?2)"
    " ON CONFLICT (branch) DO UPDATE SET locality = excluded.locality";

}  // namespace

Result<int> SqliteStore::count_full_members(const std::string& branch) {
  DJFLOW_STATEMENT(s, std::string(kCountFullMembers));
  s.bind(1, branch);
  const int rc = s.step();
  if (rc != SQLITE_ROW) return detail::sqlite_error(db_, rc, "count_full_members");
  return static_cast<int>(s.int64(0));
}

Result<std::string> SqliteStore::org_locality(const std::string& branch) {
  DJFLOW_STATEMENT(s, std::string(kOrgLocality));
  s.bind(1, branch);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return detail::sqlite_error(db_, rc, "org_locality");
  return s.string(0);
}

Status SqliteStore::set_org_locality(const std::string& branch, const std::string& locality) {
  if (locality != "" && locality != "village" && locality != "community")
    return Error::invalid({"地区类型应为 village、community 或空：" + locality,
                           "locality must be village, community or empty, got " + locality});
  DJFLOW_STATEMENT(s, std::string(kSetOrgLocality));
  s.bind(1, branch);
  s.bind(2, locality);
  return detail::run(db_, s, "set_org_locality");
}

}  // namespace djflow::storage
