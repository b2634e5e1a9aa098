#include "storage/open_store.hpp"

#include "storage/pg_connection.hpp"
#include "storage/pg_store.hpp"

namespace djflow::storage {

bool is_postgres(const std::string& db) { return pg::is_postgres_url(db); }

std::string display_db(const std::string& db) { return is_postgres(db) ? pg::redact_url(db) : db; }

engine::Error not_on_postgres(const std::string& what) {
  return engine::Error{engine::ErrorCode::Storage,
                       engine::Text{"PostgreSQL 数据库尚不支持" + what + "（议题 12 尚未完成）；请使用 SQLite 数据库文件",
                                    what + " is not yet available on PostgreSQL (issue 12 is in progress); use a "
                                           "SQLite database file"},
                       {},
                       {},
                       {}};
}

engine::Result<std::unique_ptr<engine::Store>> open_store(const std::string& db, OpenMode mode) {
  if (is_postgres(db)) {
    auto s = PgStore::open(db, mode);
    if (!s) return s.error();
    return std::unique_ptr<engine::Store>(std::move(*s));
  }
  const std::string path = db.starts_with("sqlite:") ? db.substr(7) : db;
  auto s = SqliteStore::open(path, mode);
  if (!s) return s.error();
  return std::unique_ptr<engine::Store>(std::move(*s));
}

}  // namespace djflow::storage
