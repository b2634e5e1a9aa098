// Internal to storage/: the per-connection cache of prepared statements. Every fixed query of
// SqliteStore is prepared once, on first use, and reused for the connection's life (no re-prepare
// per call); queries whose text depends on a filter's shape are cached by their text. Also the
// small stepping helpers shared by the SqliteStore translation units.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/codec.hpp"
#include "storage/statement.hpp"

namespace djflow::storage::detail {

// The fixed statements of the store, prepared on first use and kept for the connection's life.
// clang-format off
enum class Q {
  Begin, Commit, Rollback, Savepoint, Release,
  GetSetting, SetSetting, AllSettings,
  ListHolidays, UpsertHoliday,
  InsertBranch, FindBranch, ListBranches,
  InsertPerson, FindPerson, ListPersons, ListPersonsOfBranch, UpdatePersonStatus,
  PersonsByName, PersonByKey, UpdatePerson,
  InsertCase, FindCase, CaseVersion, UpdateCase,
  AppendEvent, Events, HistoryCases, HistoryEvents,
  InsertDeadline, OpenDeadlines, CloseDeadline, DeadlineOpen,
  InsertTimer, DueTimers, PendingTimers, MarkTimerFired, TimerFired, DropPendingTimers,
  NextTimerAt,
  InsertNotification, NotificationsSince,
  IntegrityCheck,
  Count
};
// clang-format on

class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}

  engine::Result<Statement*> get(Q q);
  // Statements built from a filter's shape (list_cases, list_open_deadlines): a handful of
  // distinct texts, each prepared once.
  engine::Result<Statement*> get(const std::string& sql);

 private:
  sqlite3* db_;
  std::array<Statement, static_cast<std::size_t>(Q::Count)> fixed_;
  std::unordered_map<std::string, Statement> dynamic_;
};

inline constexpr std::int64_t kNoLimit = -1;  // SQLite: a negative LIMIT means no limit

inline std::int64_t sql_limit(std::size_t limit) {
  return limit == 0 ? kNoLimit : static_cast<std::int64_t>(limit);
}

// "?, ?, ?": n placeholders for an IN list (n > 0).
inline std::string sql_placeholders(std::size_t n) {
  std::string out = "?";
  for (std::size_t i = 1; i < n; ++i) out += ", ?";
  return out;
}

// Steps a statement without result rows to completion.
inline engine::Status run(sqlite3* db, Statement& s, std::string_view what) {
  const int rc = s.step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return sqlite_error(db, rc, what);
  return {};
}

// Collects every row of `s` decoded as T.
template <class T>
engine::Result<std::vector<T>> collect(sqlite3* db, Statement& s, std::string_view what) {
  std::vector<T> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error(db, rc, what);
    T v;
    DJFLOW_TRY(decode(s, 0, v));
    out.push_back(std::move(v));
  }
}

// The first row of `s` decoded as T, or nullopt.
template <class T>
engine::Result<std::optional<T>> first(sqlite3* db, Statement& s, std::string_view what) {
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<T>();
  if (rc != SQLITE_ROW) return sqlite_error(db, rc, what);
  T v;
  DJFLOW_TRY(decode(s, 0, v));
  return std::optional<T>(std::move(v));
}

}  // namespace djflow::storage::detail

// Inside a SqliteStore member: binds `var` to the cached statement for `key` and resets it when
// the scope ends; returns the error from the enclosing function when it cannot be prepared.
#define DJFLOW_STATEMENT(var, key)                     \
  auto var##_p = cache_->get(key);                     \
  if (!var##_p.ok()) return var##_p.error();           \
  ::djflow::storage::detail::Statement& var = **var##_p; \
  ::djflow::storage::detail::Use var##_use(var)
