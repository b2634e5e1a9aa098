#include "storage/migrate_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "storage/pg_connection.hpp"
#include "storage/pg_store.hpp"
#include "storage/sqlite_store.hpp"
#include "storage/statement.hpp"

namespace djflow::storage {

using engine::Error;
using engine::Result;
using engine::Status;

namespace {

// Tables a fresh PostgreSQL database holds rows in before any command ran: the migrations seed
// them. They count as empty while they hold only the seed, and the copy replaces the seed.
// (djflow_schema, the version row, exists only on PostgreSQL and is not copied.)
const std::map<std::string, std::string> kSeeded = {
    {"outbox_cursor", "SELECT count(*) FROM outbox_cursor WHERE NOT (id = 1 AND routed_up_to = 0)"}};
const char* const kVersionTable = "djflow_schema";
// Tables derived from the events by a trigger in the events' transaction (migration 11, the
// year-end projection): not copied, the target's trigger builds them from the copied events (in
// the source's row order, each case's events in seq order), and the two are compared by count.
const std::set<std::string> kDerived = {"case_years"};

struct SqliteHandle {
  sqlite3* db = nullptr;
  ~SqliteHandle() {
    if (db != nullptr) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      sqlite3_close_v2(db);
    }
  }
};

struct ForeignKey {
  std::string from, table, to;  // column, referenced table, referenced column
};

struct SourceTable {
  std::string name;
  std::vector<std::string> columns;
  std::vector<ForeignKey> fks;
};

using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

Result<std::vector<std::string>> sqlite_strings(sqlite3* db, const std::string& sql, const std::string& arg = {}) {
  auto st = detail::Statement::prepare(db, sql);
  if (!st) return st.error();
  if (!arg.empty()) st->bind(1, std::string_view(arg));
  std::vector<std::string> out;
  int rc = 0;
  while ((rc = st->step()) == SQLITE_ROW) out.push_back(st->string(0));
  if (rc != SQLITE_DONE) return detail::sqlite_error(db, rc, "read the source's tables");
  return out;
}

Result<std::vector<SourceTable>> source_tables(sqlite3* db) {
  auto names = sqlite_strings(
      db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  if (!names) return names.error();
  std::vector<SourceTable> out;
  for (const auto& n : *names) {
    SourceTable t{n, {}, {}};
    auto cols = sqlite_strings(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", n);
    if (!cols) return cols.error();
    t.columns = std::move(*cols);
    auto st = detail::Statement::prepare(db, "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1)");
    if (!st) return st.error();
    st->bind(1, std::string_view(n));
    int rc = 0;
    while ((rc = st->step()) == SQLITE_ROW) t.fks.push_back({st->string(0), st->string(1), st->string(2)});
    if (rc != SQLITE_DONE) return detail::sqlite_error(db, rc, "read the source's foreign keys");
    out.push_back(std::move(t));
  }
  return out;
}

// Parents before children (foreign keys to other tables), otherwise by name.
std::vector<const SourceTable*> parents_first(const std::vector<SourceTable>& tables) {
  std::vector<const SourceTable*> order;
  std::set<std::string> placed;
  while (order.size() < tables.size()) {
    bool progress = false;
    for (const auto& t : tables) {
      if (placed.count(t.name)) continue;
      const bool ready = std::all_of(t.fks.begin(), t.fks.end(), [&](const ForeignKey& fk) {
        return fk.table == t.name || placed.count(fk.table) || !std::any_of(tables.begin(), tables.end(), [&](auto& o) {
                 return o.name == fk.table;
               });
      });
      if (!ready) continue;
      order.push_back(&t);
      placed.insert(t.name);
      progress = true;
    }
    if (!progress) {  // a cycle between tables (none in djflow's schema): the rest by name
      for (const auto& t : tables)
        if (!placed.count(t.name)) order.push_back(&t), placed.insert(t.name);
    }
  }
  return order;
}

// The target's columns: table -> (column -> data type).
Result<std::map<std::string, std::map<std::string, std::string>>> target_columns(pg::Connection& c) {
  auto r = c.exec("read the target's tables",
                  "SELECT table_name, column_name, data_type FROM information_schema.columns "
                  "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position");
  if (!r) return r.error();
  std::map<std::string, std::map<std::string, std::string>> out;
  for (int i = 0; i < r->size(); ++i) out[r->string(i, 0)][r->string(i, 1)] = r->string(i, 2);
  return out;
}

std::string hex(const unsigned char* p, int n) {
  static const char* digits = "0123456789abcdef";
  std::string s = "\\x";
  for (int i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

// Every row of `t`, each cell as PostgreSQL's text input for its column.
Result<std::vector<Row>> read_rows(sqlite3* db, const SourceTable& t, const std::map<std::string, std::string>& types) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < t.columns.size(); ++i) sql += (i ? ", " : "") + quoted(t.columns[i]);
  sql += " FROM " + quoted(t.name);
  auto st = detail::Statement::prepare(db, sql);
  if (!st) return st.error();
  std::vector<Row> rows;
  int rc = 0;
  while ((rc = st->step()) == SQLITE_ROW) {
    Row row(t.columns.size());
    for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) {
      sqlite3_stmt* s = st->get();
      switch (sqlite3_column_type(s, i)) {
        case SQLITE_NULL:
          break;
        case SQLITE_INTEGER:
          row[i] = std::to_string(sqlite3_column_int64(s, i));
          break;
        case SQLITE_FLOAT: {
          char buf[40];
          std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(s, i));
          row[i] = buf;
          break;
        }
        case SQLITE_BLOB: {
          if (types.at(t.columns[i]) != "bytea")
            return Error::storage("table " + t.name + ", column " + t.columns[i] +
                                  ": the source holds bytes where PostgreSQL expects " + types.at(t.columns[i]));
          row[i] = hex(static_cast<const unsigned char*>(sqlite3_column_blob(s, i)), sqlite3_column_bytes(s, i));
          break;
        }
        default:
          row[i] = st->string(i);
      }
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return detail::sqlite_error(db, rc, "read table " + t.name);
  return rows;
}

// Rows of a table that refers to itself (branches.parent -> branches.code): a row after the
// row it refers to, so that the foreign key holds at each insert.
void referenced_first(const SourceTable& t, std::vector<Row>& rows) {
  std::vector<std::pair<int, int>> self;  // (from column, to column)
  for (const auto& fk : t.fks) {
    if (fk.table != t.name) continue;
    const auto col = [&](const std::string& n) {
      return static_cast<int>(std::find(t.columns.begin(), t.columns.end(), n) - t.columns.begin());
    };
    self.emplace_back(col(fk.from), col(fk.to));
  }
  if (self.empty()) return;
  std::vector<Row> ordered;
  std::vector<std::set<std::string>> present(self.size());
  std::vector<bool> done(rows.size(), false);
  for (bool progress = true; progress && ordered.size() < rows.size();) {
    progress = false;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (done[r]) continue;
      bool ready = true;
      for (std::size_t k = 0; k < self.size(); ++k) {
        const auto& v = rows[r][self[k].first];
        ready = ready && (!v || present[k].count(*v));
      }
      if (!ready) continue;
      for (std::size_t k = 0; k < self.size(); ++k)
        if (rows[r][self[k].second]) present[k].insert(*rows[r][self[k].second]);
      ordered.push_back(rows[r]);
      done[r] = true;
      progress = true;
    }
  }
  for (std::size_t r = 0; r < rows.size(); ++r)  // dangling references: PostgreSQL will say so
    if (!done[r]) ordered.push_back(rows[r]);
  rows = std::move(ordered);
}

Status insert_rows(pg::Connection& c, const SourceTable& t, const std::vector<Row>& rows) {
  const std::size_t ncols = t.columns.size();
  const std::size_t batch = std::max<std::size_t>(1, std::min<std::size_t>(500, 30000 / ncols));
  std::string head = "INSERT INTO " + quoted(t.name) + " (";
  for (std::size_t i = 0; i < ncols; ++i) head += (i ? ", " : "") + quoted(t.columns[i]);
  head += ") OVERRIDING SYSTEM VALUE VALUES ";
  for (std::size_t start = 0; start < rows.size(); start += batch) {
    const std::size_t end = std::min(rows.size(), start + batch);
    std::string sql = head;
    pg::Params p;
    for (std::size_t r = start; r < end; ++r) {
      sql += r == start ? "(" : ", (";
      for (std::size_t i = 0; i < ncols; ++i) {
        p.opt_text(rows[r][i]);
        sql += (i ? ", $" : "$") + std::to_string(p.size());
      }
      sql += ")";
    }
    auto ins = c.exec("copy table", sql, p);
    if (!ins) {
      auto e = ins.error();
      e.message.zh = "复制数据表 " + t.name + " 失败：" + e.message.zh;
      e.message.en = "copying table " + t.name + ": " + e.message.en;
      return e;
    }
  }
  return {};
}

Result<std::int64_t> count_rows(pg::Connection& c, const std::string& sql) {
  auto r = c.exec("count rows", sql);
  if (!r) return r.error();
  return r->int64(0, 0);
}

// The schemas must match: every source table and column exists on the target, and the target
// has no table the source lacks (but its version row).
Status same_schema(const std::vector<SourceTable>& src,
                   const std::map<std::string, std::map<std::string, std::string>>& dst) {
  std::vector<std::string> missing;
  for (const auto& t : src) {
    auto it = dst.find(t.name);
    if (it == dst.end()) {
      missing.push_back(t.name);
      continue;
    }
    for (const auto& col : t.columns)
      if (!it->second.count(col)) missing.push_back(t.name + "." + col);
    for (const auto& [col, type] : it->second)
      if (std::find(t.columns.begin(), t.columns.end(), col) == t.columns.end())
        missing.push_back(t.name + "." + col + " (only on PostgreSQL)");
  }
  for (const auto& [name, cols] : dst) {
    if (name == kVersionTable) continue;
    if (std::none_of(src.begin(), src.end(), [&](const SourceTable& t) { return t.name == name; }))
      missing.push_back(name + " (only on PostgreSQL)");
  }
  if (missing.empty()) return {};
  std::string list;
  for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
  return Error{engine::ErrorCode::Storage,
               {"源数据库与目标数据库的表结构不一致，未复制任何数据：" + list,
                "the source and the target schemas differ, nothing copied: " + list},
               {}, {}, {}};
}

Status refuse_non_empty(pg::Connection& c, const std::vector<SourceTable>& src) {
  std::string zh, en;
  for (const auto& t : src) {
    auto seeded = kSeeded.find(t.name);
    auto n = count_rows(c, seeded != kSeeded.end() ? seeded->second : "SELECT count(*) FROM " + quoted(t.name));
    if (!n) return n.error();
    if (*n == 0) continue;
    zh += (zh.empty() ? "" : "，") + t.name + "（" + std::to_string(*n) + " 行）";
    en += (en.empty() ? "" : ", ") + t.name + " (" + std::to_string(*n) + " rows)";
  }
  if (zh.empty()) return {};
  return Error::conflict({"目标数据库不是空的，未复制任何数据（迁移只能写入新建的空数据库）：" + zh,
                          "the target database is not empty, nothing copied (migrate-store only writes into a "
                          "new, empty database): " + en});
}

Result<std::vector<CopiedTable>> copy_tables(sqlite3* src, pg::Connection& dst) {
  auto tables = source_tables(src);
  if (!tables) return tables.error();
  auto cols = target_columns(dst);
  if (!cols) return cols.error();
  DJFLOW_TRY(same_schema(*tables, *cols));
  std::string lock = "LOCK TABLE ";
  for (std::size_t i = 0; i < tables->size(); ++i) lock += (i ? ", " : "") + quoted((*tables)[i].name);
  DJFLOW_TRY(dst.exec("lock the target's tables", lock + " IN EXCLUSIVE MODE"));
  DJFLOW_TRY(refuse_non_empty(dst, *tables));

  std::vector<CopiedTable> copied;
  std::vector<std::pair<std::string, std::size_t>> derived;  // (table, rows on the source)
  for (const SourceTable* t : parents_first(*tables)) {
    auto rows = read_rows(src, *t, cols->at(t->name));
    if (!rows) return rows.error();
    if (kDerived.count(t->name)) {  // built on the target by its trigger from the copied events
      derived.emplace_back(t->name, rows->size());
      continue;
    }
    if (kSeeded.count(t->name)) DJFLOW_TRY(dst.exec("replace the seed", "DELETE FROM " + quoted(t->name)));
    referenced_first(*t, *rows);
    DJFLOW_TRY(insert_rows(dst, *t, *rows));
    auto n = count_rows(dst, "SELECT count(*) FROM " + quoted(t->name));
    if (!n) return n.error();
    if (*n != static_cast<std::int64_t>(rows->size()))
      return Error::storage("table " + t->name + ": " + std::to_string(rows->size()) + " rows read, " +
                            std::to_string(*n) + " on the target");
    copied.push_back({t->name, *n});
  }
  for (const auto& [name, source_rows] : derived) {
    auto n = count_rows(dst, "SELECT count(*) FROM " + quoted(name));
    if (!n) return n.error();
    if (*n != static_cast<std::int64_t>(source_rows))
      return Error::storage("table " + name + ": " + std::to_string(source_rows) + " rows on the source, " +
                            std::to_string(*n) + " derived on the target from the copied events");
    copied.push_back({name, *n});
  }
  // Ids the copy gave explicitly: the identity sequences continue after them.
  auto ids = dst.exec("read the identity columns",
                      "SELECT table_name, column_name FROM information_schema.columns "
                      "WHERE table_schema = current_schema() AND is_identity = 'YES'");
  if (!ids) return ids.error();
  for (int i = 0; i < ids->size(); ++i) {
    const std::string t = quoted(ids->string(i, 0)), c = quoted(ids->string(i, 1));
    pg::Params p;
    p.text(t).text(ids->string(i, 1));
    DJFLOW_TRY(dst.exec("move the identity sequence",
                        "SELECT setval(pg_get_serial_sequence($1, $2), m) FROM (SELECT max(" + c + ") AS m FROM " + t +
                            ") x WHERE m IS NOT NULL",
                        p));
  }
  std::sort(copied.begin(), copied.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return copied;
}

}  // namespace

Result<MigrateInfo> migrate_store(const std::string& from, const std::string& to) {
  if (pg::is_postgres_url(from))
    return Error::invalid({"--from 应为 SQLite 数据库文件，而不是 PostgreSQL 地址",
                           "--from takes a SQLite database file, not a PostgreSQL URL"});
  if (!pg::is_postgres_url(to))
    return Error::invalid({"--to 应为 PostgreSQL 地址（postgresql://…）：" + to,
                           "--to takes a PostgreSQL URL (postgresql://...), not " + to});
  const std::string path = from.starts_with("sqlite:") ? from.substr(7) : from;
  {  // The source must exist and be at this binary's schema (else: djflow init first).
    auto s = SqliteStore::open(path, OpenMode::Existing);
    if (!s) return s.error();
  }
  {  // The target gets the current schema when it has none (as `djflow init` would).
    auto s = PgStore::open(to, OpenMode::Create);
    if (!s) return s.error();
  }
  SqliteHandle src;
  detail::configure_library();
  if (const int rc = sqlite3_open_v2(path.c_str(), &src.db, SQLITE_OPEN_READONLY, nullptr); rc != SQLITE_OK)
    return detail::sqlite_error(src.db, rc, "open " + path);
  DJFLOW_TRY(detail::configure_connection(src.db));
  // One read transaction: every table from the same snapshot while other processes write.
  DJFLOW_TRY(detail::exec(src.db, "BEGIN; SELECT count(*) FROM sqlite_master;", "begin the read"));

  auto dst = pg::Connection::open(to);
  if (!dst) return dst.error();
  DJFLOW_TRY((*dst)->exec_script("begin", "BEGIN"));
  auto copied = copy_tables(src.db, **dst);
  if (!copied) {
    static_cast<void>((*dst)->exec_script("rollback", "ROLLBACK"));
    return copied.error();
  }
  DJFLOW_TRY((*dst)->exec_script("commit", "COMMIT"));
  return MigrateInfo{SqliteStore::schema_version(), std::move(*copied)};
}

}  // namespace djflow::storage
