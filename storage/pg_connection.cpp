// The only file of djflow that includes libpq-fe.h (pg_connection.hpp).
#include "storage/pg_connection.hpp"

#include <libpq-fe.h>

#include "storage/libpq_lazy.hpp"

#include <charconv>
#include <utility>

namespace djflow::storage::pg {

using engine::Error;
using engine::Result;
using engine::Status;
using engine::Text;

namespace {

std::uint64_t trips = 0;  // round_trips()

// The primary message of a failed statement, without libpq's "ERROR:" prefix and newline.
std::string message_of(pg_conn* c, pg_result* r) {
  const char* m = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string s = m != nullptr ? m : (c != nullptr ? PQerrorMessage(c) : "no connection");
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::uint64_t round_trips() { return trips; }

bool is_postgres_url(std::string_view s) {
  return s.starts_with("postgresql://") || s.starts_with("postgres://");
}

std::string redact_url(const std::string& url) {
  std::string out = url;
  // user:password@host
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto start = scheme + 3;
    const auto at = out.find('@', start);
    const auto slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // ?password=... or &password=...
  for (const char* key : {"?password=", "&password="}) {
    auto p = out.find(key);
    if (p == std::string::npos) continue;
    p += std::char_traits<char>::length(key);
    const auto end = out.find('&', p);
    out.replace(p, (end == std::string::npos ? out.size() : end) - p, "***");
  }
  return out;
}

// --- parameters ------------------------------------------------------------------------------------

Params& Params::add(std::string_view v) {
  if (at_.empty()) {  // room for a step's statements without growing
    buf_.reserve(256);
    at_.reserve(16);
  }
  at_.push_back(static_cast<std::ptrdiff_t>(buf_.size()));
  buf_.append(v);
  buf_.push_back('\0');  // libpq reads text parameters as C strings
  return *this;
}
Params& Params::text(std::string_view v) { return add(v); }
Params& Params::int64(std::int64_t v) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
  return add(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}
Params& Params::null() {
  if (at_.empty()) at_.reserve(16);
  at_.push_back(-1);
  return *this;
}
Params& Params::opt_text(const std::optional<std::string>& v) { return v ? text(*v) : null(); }
Params& Params::text_or_null(const std::string& v) { return v.empty() ? null() : text(v); }

const char* const* Params::values() const {
  ptrs_.resize(at_.size());
  for (std::size_t i = 0; i < at_.size(); ++i) ptrs_[i] = at_[i] < 0 ? nullptr : buf_.data() + at_[i];
  return ptrs_.empty() ? nullptr : ptrs_.data();
}

// --- rows ------------------------------------------------------------------------------------------

Rows::Rows(pg_result* r) : r_(r) {}
Rows::~Rows() { PQclear(r_); }
Rows::Rows(Rows&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
Rows& Rows::operator=(Rows&& o) noexcept {
  if (this != &o) {
    PQclear(r_);
    r_ = std::exchange(o.r_, nullptr);
  }
  return *this;
}

int Rows::size() const { return r_ == nullptr ? 0 : PQntuples(r_); }
bool Rows::is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string_view Rows::text(int row, int col) const {
  return {PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col))};
}
std::int64_t Rows::int64(int row, int col) const {
  const auto t = text(row, col);
  std::int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}
bool Rows::integer_column(int col) const {
  // pg_type OIDs of int8, int2 and int4 (catalog/pg_type.dat; stable since PostgreSQL 7).
  const Oid t = PQftype(r_, col);
  return t == 20 || t == 21 || t == 23;
}
std::int64_t Rows::affected() const {
  const char* n = r_ == nullptr ? "" : PQcmdTuples(r_);
  std::int64_t v = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

// --- connection ------------------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::open(const std::string& url) {
  pg_conn* c = PQconnectdb(url.c_str());
  if (c == nullptr) {
    // libpq is loaded on first use (storage/libpq_lazy.cpp); NULL otherwise means out of memory.
    const char* why = djflow_libpq_error();
    return Error::storage("cannot connect to PostgreSQL " + redact_url(url) + ": " +
                          (why != nullptr ? why : "libpq could not allocate a connection"));
  }
  std::unique_ptr<Connection> conn(new Connection(c));
  if (c == nullptr || PQstatus(c) != CONNECTION_OK) {
    // libpq's message names host and port, not the password.
    return Error::storage("cannot connect to PostgreSQL " + redact_url(url) + ": " +
                          message_of(c, nullptr));
  }
  // The server's notices (NOTICE, WARNING) are not the user's business: libpq would print them on
  // stderr, in the middle of a command's output.
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  // Text in and out is UTF-8 whatever the server's or client's locale; instants are integers,
  // so the session time zone does not matter.
  DJFLOW_TRY(conn->exec_script("set up the connection",
                               "SET client_encoding = 'UTF8'; SET client_min_messages = warning"));
  return conn;
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

std::string Connection::where() const {
  const char* host = PQhost(conn_);
  const char* db = PQdb(conn_);
  return std::string(host != nullptr ? host : "") + "/" + (db != nullptr ? db : "");
}

int Connection::backend_pid() const { return PQbackendPID(conn_); }

int Connection::socket() const { return PQsocket(conn_); }

Result<std::vector<std::string>> Connection::take_notifications(std::string_view channel) {
  if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK)
    return Error::storage("reading notifications: " + message_of(conn_, nullptr) + " (PostgreSQL " + where() + ")");
  std::vector<std::string> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    if (channel == n->relname) out.emplace_back(n->extra != nullptr ? n->extra : "");
    PQfreemem(n);
  }
  return out;
}

bool Connection::in_transaction() const {
  if (begin_pending_) return true;
  const auto s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

bool Connection::transaction_failed() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

Error Connection::error_of(const char* what, pg_result* r) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  sqlstate_ = state != nullptr ? state : "";
  const std::string msg = message_of(conn_, r);
  const std::string at = " (PostgreSQL " + where() + ")";
  if (sqlstate_ == kUniqueViolation) {
    return Error::conflict(Text{std::string(what) + "：数据已存在（" + msg + "）",
                                std::string(what) + ": already exists (" + msg + ")"});
  }
  if (last_retryable()) {
    if (in_transaction()) transient_ = true;
    return Error::conflict(Text{std::string(what) + "：与并发操作冲突，请重试（" + msg + "）",
                                std::string(what) + ": conflicts with a concurrent command; try again (" +
                                    msg + ")"});
  }
  return Error::storage(std::string(what) + ": " + msg + at);
}

Result<const std::string*> Connection::prepared_name(const char* what, std::string_view text, int params) {
  // The statement's name on the server: prepared now if this text is new (one extra round trip,
  // once per connection). Prepared statements belong to the session, not to the transaction:
  // a rollback does not undo them.
  const auto seen = seen_.find(text.data());
  if (seen != seen_.end() && seen->second->first == text) return &seen->second->second;
  if (auto it = prepared_.find(text); it != prepared_.end()) {
    if (seen != seen_.end()) {
      seen->second = &*it;
    } else if (seen_.size() < kPreparedLimit) {
      seen_.emplace(text.data(), &*it);
    }
    return &it->second;
  }
  if (prepared_.size() >= kPreparedLimit) return static_cast<const std::string*>(nullptr);
  std::string fresh = "djflow_" + std::to_string(prepared_.size() + 1);
  ++trips;
  std::string owned(text);
  Rows made(PQprepare(conn_, fresh.c_str(), owned.c_str(), params, nullptr));
  const auto st = made.r_ == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(made.r_);
  // A statement that cannot be prepared (a syntax error, an unknown table) cannot run either:
  // its error is the statement's.
  if (st != PGRES_COMMAND_OK) return error_of(what, made.r_);
  return &prepared_.emplace(std::move(owned), std::move(fresh)).first->second;
}

Result<Rows> Connection::exec(const char* what, std::string_view sql, const Params& p) {
  auto named = prepared_name(what, sql, p.size());
  if (!named) return named.error();
  const std::string* name = named.value();
  if (begin_pending_) return exec_after_begin(what, name, sql, p);
  const std::string text = name != nullptr ? std::string() : std::string(sql);  // run unprepared
  for (int attempt = 1;; ++attempt) {
    const bool alone = !in_transaction();
    ++trips;
    Rows rows(name != nullptr
                  ? PQexecPrepared(conn_, name->c_str(), p.size(), p.values(), nullptr, nullptr, 0)
                  : PQexecParams(conn_, text.c_str(), p.size(), nullptr, p.values(), nullptr, nullptr, 0));
    const auto st = rows.r_ == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(rows.r_);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      sqlstate_.clear();
      return rows;
    }
    Error e = error_of(what, rows.r_);
    // A statement of its own is its own transaction: it may simply run again.
    if (alone && last_retryable() && attempt < kMaxRetries) continue;
    return e;
  }
}

Result<Rows> Connection::exec_after_begin(const char* what, const std::string* name, std::string_view sql,
                                          const Params& p) {
  begin_pending_ = false;
  const std::string text = name != nullptr ? std::string() : std::string(sql);  // run unprepared
  const Sent one{name, &text, &p};
  Rows rows;
  DJFLOW_TRY(pipeline(what, true, &one, 1, &rows));
  return rows;
}

Result<std::vector<Rows>> Connection::exec_pipelined(const char* what, const std::vector<Query>& queries) {
  std::vector<std::string> texts(queries.size());  // of the statements run unprepared only
  std::vector<Sent> sent;
  sent.reserve(queries.size());
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const auto& q = queries[i];
    auto named = prepared_name(what, q.sql, q.params->size());
    if (!named) return named.error();
    if (named.value() == nullptr) texts[i] = std::string(q.sql);
    sent.push_back(Sent{named.value(), &texts[i], q.params});
  }
  const bool begin = begin_pending_;
  begin_pending_ = false;
  std::vector<Rows> rows(queries.size());
  DJFLOW_TRY(pipeline(what, begin, sent.data(), sent.size(), rows.data()));
  return rows;
}

Status Connection::pipeline(const char* what, bool begin, const Sent* statements, std::size_t n, Rows* out) {
  // BEGIN (when pending), the statements and one sync point sent together; their results read in
  // that order: one result per statement, each followed by NULL, then the sync's. A statement
  // after a failed one is not run (PGRES_PIPELINE_ABORTED). The transaction is explicit (BEGIN),
  // so the sync point commits nothing: the transaction stays open, failed or not, as after PQexec.
  ++trips;
  if (PQenterPipelineMode(conn_) != 1)
    return Error::storage(std::string(what) + ": " + message_of(conn_, nullptr) + " (PostgreSQL " + where() + ")");
  bool sent = !begin || PQsendQueryParams(conn_, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  for (std::size_t i = 0; sent && i < n; ++i) {
    const Sent& q = statements[i];
    sent = (q.name != nullptr
                ? PQsendQueryPrepared(conn_, q.name->c_str(), q.params->size(), q.params->values(), nullptr, nullptr, 0)
                : PQsendQueryParams(conn_, q.text->c_str(), q.params->size(), nullptr, q.params->values(), nullptr,
                                    nullptr, 0)) == 1;
  }
  sent = sent && PQpipelineSync(conn_) == 1;
  Rows begun;
  if (sent) {
    auto next = [&](Rows& into) {
      into = Rows(PQgetResult(conn_));
      if (into.r_ != nullptr && PQresultStatus(into.r_) != PGRES_PIPELINE_SYNC) PQclear(PQgetResult(conn_));  // the NULL
    };
    if (begin) next(begun);
    for (std::size_t i = 0; i < n; ++i) next(out[i]);
    for (pg_result* r = PQgetResult(conn_); r != nullptr; r = PQgetResult(conn_)) {  // the sync's
      const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) break;
    }
  }
  const std::string lost = sent ? "" : message_of(conn_, nullptr);
  PQexitPipelineMode(conn_);
  if (!sent) return Error::storage(std::string(what) + ": " + lost + " (PostgreSQL " + where() + ")");
  if (begin) {
    const auto began = begun.r_ == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(begun.r_);
    if (began != PGRES_COMMAND_OK) return error_of("BEGIN", begun.r_);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto st = out[i].r_ == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(out[i].r_);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error_of(what, out[i].r_);
  }
  sqlstate_.clear();
  return {};
}

Status Connection::exec_script(const char* what, const std::string& sql) {
  if (begin_pending_) {
    begin_pending_ = false;
    return exec_script(what, "BEGIN; " + sql);
  }
  ++trips;
  Rows owned(PQexec(conn_, sql.c_str()));
  pg_result* r = owned.r_;
  const auto st = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    sqlstate_.clear();
    return {};
  }
  return error_of(what, r);
}

Result<Rows> Connection::exec_guarded(const char* what, std::string_view sql, const Params& p) {
  if (!in_transaction()) return exec(what, sql, p);
  DJFLOW_TRY(exec_script(what, "SAVEPOINT djflow_stmt"));
  auto rows = exec(what, sql, p);
  if (!rows) {
    const std::string state = sqlstate_;
    static_cast<void>(exec_script(what, "ROLLBACK TO SAVEPOINT djflow_stmt; RELEASE SAVEPOINT djflow_stmt"));
    sqlstate_ = state;  // the caller reads the failed statement's SQLSTATE
    return rows.error();
  }
  DJFLOW_TRY(exec_script(what, "RELEASE SAVEPOINT djflow_stmt"));
  return rows;
}

Status retry_transaction(Connection& c, const std::function<Status()>& body, int attempts) {
  for (int attempt = 1;; ++attempt) {
    DJFLOW_TRY(c.exec_script("BEGIN", "BEGIN"));
    Status s = body();
    if (s) s = c.exec_script("COMMIT", "COMMIT");
    if (s) return s;
    const bool retry = c.last_retryable() && attempt < attempts;
    if (c.in_transaction()) static_cast<void>(c.exec_script("ROLLBACK", "ROLLBACK"));
    if (!retry) return s;
  }
}

}  // namespace djflow::storage::pg
