// PgStore, HealthStore: PostgreSQL's equivalents of SQLite's PRAGMA quick_check and
// integrity_check. The server keeps its own pages consistent (checksums, WAL); what can go wrong
// under djflow is in the catalog: an index left invalid by a failed CREATE INDEX CONCURRENTLY or
// REINDEX, a constraint added NOT VALID, foreign keys switched off with DISABLE TRIGGER ALL, or
// a read-only standby given to a command that writes. Each is a problem in words, with its fix.
#include "engine/utf8.hpp"
#include "storage/pg_store.hpp"

namespace djflow::storage {

using engine::InvalidText;
using engine::Result;
using pg::Params;

namespace {

constexpr const char* kSchema = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";

// What quick_problems checks: a standby and invalid indexes (both cheap catalog reads).
Result<std::vector<std::string>> quick(pg::Connection& db) {
  std::vector<std::string> out;
  auto standby = db.exec("quick_problems", "SELECT pg_is_in_recovery()");
  if (!standby) return standby.error();
  if (standby->text(0, 0) == "t")
    out.push_back("PostgreSQL " + db.where() + " is a standby in recovery (read-only): djflow cannot write to it");
  auto idx = db.exec("quick_problems",
                     std::string("SELECT t.relname, c.relname FROM pg_index i "
                                 "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
                                 "WHERE NOT (i.indisvalid AND i.indisready) AND c.relnamespace = ") +
                         kSchema + " ORDER BY c.relname");
  if (!idx) return idx.error();
  for (int i = 0; i < idx->size(); ++i)
    out.push_back("index " + idx->string(i, 1) + " on " + idx->string(i, 0) +
                  " is invalid (a failed CREATE INDEX CONCURRENTLY or REINDEX): run REINDEX INDEX " +
                  idx->string(i, 1));
  return out;
}

}  // namespace

Result<std::vector<std::string>> PgHealth::quick_problems() { return quick(db()); }

Result<std::vector<std::string>> PgHealth::integrity_problems() {
  auto out = quick(db());
  if (!out) return out;
  auto cons = db().exec("integrity_problems",
                        std::string("SELECT t.relname, c.conname FROM pg_constraint c "
                                    "JOIN pg_class t ON t.oid = c.conrelid "
                                    "WHERE NOT c.convalidated AND c.connamespace = ") +
                            kSchema + " ORDER BY t.relname, c.conname");
  if (!cons) return cons.error();
  for (int i = 0; i < cons->size(); ++i)
    out->push_back("constraint " + cons->string(i, 1) + " on " + cons->string(i, 0) +
                   " is not validated (NOT VALID): stored rows may break it");
  // The foreign keys are enforced by internal triggers; DISABLE TRIGGER ALL switches them off.
  auto fk = db().exec("integrity_problems",
                      std::string("SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                                  "WHERE t.tgisinternal AND t.tgenabled = 'D' AND c.relnamespace = ") +
                          kSchema + " ORDER BY c.relname");
  if (!fk) return fk.error();
  for (int i = 0; i < fk->size(); ++i)
    out->push_back("the foreign keys of " + fk->string(i, 0) +
                   " are disabled (ALTER TABLE ... DISABLE TRIGGER ALL): its references are not enforced");
  return out;
}

Result<std::vector<InvalidText>> PgHealth::invalid_text() {
  // A UTF8 database refuses invalid UTF-8 and NUL bytes in text on input, whoever writes: nothing
  // to scan. A database created with another encoding (SQL_ASCII stores any bytes) is scanned:
  // every text column of djflow's tables; `row` is the row's position in the table (1-based).
  auto enc = db().exec("invalid_text", "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()");
  if (!enc) return enc.error();
  std::vector<InvalidText> out;
  if (enc->size() == 0 || enc->text(0, 0) == "UTF8") return out;
  auto cols = db().exec("invalid_text",
                        "SELECT table_name::text, column_name::text FROM information_schema.columns "
                        "WHERE table_schema = current_schema() AND data_type = 'text' "
                        "ORDER BY table_name, ordinal_position");
  if (!cols) return cols.error();
  for (int i = 0; i < cols->size(); ++i) {
    const std::string table = cols->string(i, 0), column = cols->string(i, 1);
    // The server passes SQL_ASCII bytes through unconverted: checked here, one column at a time.
    auto r = db().exec("invalid_text", "SELECT row_number() OVER (), \"" + column + "\" FROM \"" + table + "\"");
    if (!r) return r.error();
    for (int k = 0; k < r->size(); ++k) {
      const std::string_view v = r->text(k, 1);
      if (!r->is_null(k, 1) && (engine::utf8::first_invalid(v) || v.find('\0') != std::string_view::npos))
        out.push_back({table, r->int64(k, 0), column});
    }
  }
  return out;
}

Result<std::int64_t> PgHealth::change_token() {
  // The next transaction id to be assigned: it moves whenever any transaction writes (another
  // daemon's step, a command, this connection's own writes), which is what the daemon needs to
  // re-read its next wake-up; a move for an unrelated write only costs one extra read.
  auto r = db().exec("change_token", "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
  if (!r) return r.error();
  return r->int64(0, 0);
}

Result<std::int64_t> PgHealth::write_mark() {
  // No token here is exact: the next transaction id moves when a writer starts, not when it
  // commits, so a count read between the two would be cached past the commit. Without a mark
  // the web's counts are not cached on PostgreSQL (decision 0100, "Reads at scale").
  return engine::Error{engine::ErrorCode::Storage,
                       engine::Text{"PostgreSQL 数据库没有写入标记", "PostgreSQL has no write mark"}, {}, {}, {}};
}

}  // namespace djflow::storage
