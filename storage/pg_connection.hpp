// Internal to storage/: one libpq connection to PostgreSQL (issue 12 §3), parameterised queries
// in text format, RAII results and the translation of SQLSTATEs into engine::Error. Only
// pg_connection.cpp includes libpq-fe.h; this header forward-declares its two handles, so that
// libpq never leaks into a header included above storage/.
//
// Errors: 23505 (unique violation) -> Conflict; 40001 (serialization failure) and 40P01
// (deadlock) -> retried up to kMaxRetries times when the statement runs on its own (autocommit),
// Conflict ("try again") inside a transaction, where only the whole transaction can be retried
// (retry_transaction); anything else -> Storage. Messages name the host and database, never the
// password (redact_url).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/error.hpp"

struct pg_conn;
struct pg_result;

namespace djflow::storage::pg {

inline constexpr int kMaxRetries = 3;

// SQLSTATEs the store acts on.
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kForeignKeyViolation = "23503";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlock = "40P01";

// The URL with any password replaced by "***" (user:secret@host -> user:***@host, and a
// password=... query parameter), for messages and logs.
std::string redact_url(const std::string& url);
// True for a URL djflow hands to PostgreSQL: postgresql:// or postgres://.
bool is_postgres_url(std::string_view s);

// Parameters of one statement, $1, $2, ... in the order added, sent as text (NULL when absent).
class Params {
 public:
  Params& text(std::string_view v);
  Params& int64(std::int64_t v);
  Params& null();
  Params& opt_text(const std::optional<std::string>& v);
  // Empty text as NULL (the optional columns persons.key, .phone, branches.parent).
  Params& text_or_null(const std::string& v);
  int size() const { return static_cast<int>(at_.size()); }
  const char* const* values() const;

 private:
  // Every value in one buffer, each followed by its NUL, rather than a string each (a step binds
  // some forty values: one allocation each was a tenth of its client instructions).
  Params& add(std::string_view v);
  std::string buf_;
  std::vector<std::ptrdiff_t> at_;  // where each value starts in buf_; -1 for NULL
  mutable std::vector<const char*> ptrs_;
};

// A query's rows; owns the PGresult. Cells are read as text (the text format of libpq).
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* r);
  ~Rows();
  Rows(Rows&& o) noexcept;
  Rows& operator=(Rows&& o) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;
  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;  // "" for NULL
  std::string string(int row, int col) const { return std::string(text(row, col)); }
  std::int64_t int64(int row, int col) const;     // 0 for NULL
  // True when column `col` is smallint, integer or bigint (PQftype), for the entity images.
  bool integer_column(int col) const;
  // Rows changed by INSERT / UPDATE / DELETE (PQcmdTuples).
  std::int64_t affected() const;

 private:
  friend class Connection;
  pg_result* r_ = nullptr;
};

class Connection {
 public:
  // Connects to `url` (postgresql://user@host/db?..., any libpq connection URI; a password may
  // come from the URL, PGPASSFILE / ~/.pgpass or a service file: libpq reads them). Storage
  // error naming the redacted URL when it fails.
  static engine::Result<std::unique_ptr<Connection>> open(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement with parameters. `what` names the operation in errors. The statement is
  // prepared on the server the first time its text is run on this connection (PQprepare) and run
  // by name afterwards (PQexecPrepared): the server parses and plans it once per connection, not
  // at every call (decision 0128). Up to kPreparedLimit distinct texts are kept; beyond that
  // (texts built per call, e.g. an IN list of many values) it runs unprepared (PQexecParams).
  engine::Result<Rows> exec(const char* what, std::string_view sql, const Params& p = {});
  static constexpr std::size_t kPreparedLimit = 256;
  // How many statements this connection has prepared (tests, the bench).
  std::size_t prepared_count() const { return prepared_.size(); }
  // Several statements with parameters in one round trip (libpq's pipeline mode), with the
  // pending BEGIN if there is one, each prepared as exec() prepares it; their rows in order. A
  // failed statement fails the call with its error (the ones after it are not run), and inside a
  // transaction leaves it failed, as exec() does. For reads that go together (decision 0133).
  struct Query {
    std::string_view sql;
    const Params* params;
  };
  engine::Result<std::vector<Rows>> exec_pipelined(const char* what, const std::vector<Query>& queries);
  // Several statements without parameters (migrations, BEGIN / COMMIT).
  engine::Status exec_script(const char* what, const std::string& sql);
  // A statement that may fail on a constraint inside an open transaction, wrapped in a
  // savepoint so that its failure leaves the transaction usable (as in SQLite, where a failed
  // statement does not abort the transaction).
  engine::Result<Rows> exec_guarded(const char* what, std::string_view sql, const Params& p = {});

  // The SQLSTATE of the last failed statement ("" after a success).
  const std::string& last_sqlstate() const { return sqlstate_; }
  bool last_retryable() const {
    return sqlstate_ == kSerializationFailure || sqlstate_ == kDeadlock;
  }
  // True when a statement inside a transaction failed with 40001 or 40P01 since the last
  // clear_transient() (called at each outermost BEGIN): the transaction may be run again.
  bool transient_failure() const { return transient_; }
  void clear_transient() { transient_ = false; }
  // The outermost transaction's BEGIN, sent with the first statement that follows (exec: one
  // round trip in libpq's pipeline mode; exec_script: "BEGIN; " prefixed to its text), not on
  // its own (decision 0130). A transaction that runs no statement sends nothing: commit() and
  // rollback() of the store then only drop the pending BEGIN (drop_pending_begin).
  void begin_lazily() { begin_pending_ = true; }
  bool begin_pending() const { return begin_pending_; }
  void drop_pending_begin() { begin_pending_ = false; }
  // True inside BEGIN ... COMMIT (including a failed transaction block, and a BEGIN pending).
  bool in_transaction() const;
  // True when the open transaction failed and PostgreSQL will only roll it back.
  bool transaction_failed() const;
  // "host/db" (or "socket dir/db"), for messages.
  std::string where() const;
  // The server's backend process id (pg_backend_pid), for tests.
  int backend_pid() const;

  // LISTEN/NOTIFY (pg_wake.cpp): the connection's socket, to watch for readability, and the
  // payloads of the notifications on `channel` that have arrived, read without blocking
  // (PQconsumeInput, PQnotifies). Storage error when the connection is broken.
  int socket() const;
  engine::Result<std::vector<std::string>> take_notifications(std::string_view channel);

 private:
  explicit Connection(pg_conn* c) : conn_(c) {}
  engine::Error error_of(const char* what, pg_result* r);
  // The name of `text` prepared on this connection (prepared now if new: one round trip, once);
  // nullptr when over kPreparedLimit (run unprepared); an error when it cannot be prepared.
  engine::Result<const std::string*> prepared_name(const char* what, std::string_view text, int params);
  // The pending BEGIN and one statement (by name when prepared, else by text) in one pipeline.
  engine::Result<Rows> exec_after_begin(const char* what, const std::string* name, std::string_view text,
                                        const Params& p);
  // A statement to send in a pipeline: by its prepared name, or by its text when it has none.
  struct Sent {
    const std::string* name;
    const std::string* text;
    const Params* params;
  };
  // BEGIN when `begin`, then the `n` statements, in one round trip; their results into `out`
  // (n of them). The first error is returned (BEGIN's, then the statements' in order).
  engine::Status pipeline(const char* what, bool begin, const Sent* statements, std::size_t n, Rows* out);

  pg_conn* conn_ = nullptr;
  // Looked up by the caller's text as it is (a string_view), not by a copy of it.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> prepared_;  // text -> its name
  // The entry of prepared_ last found for a text at this address (most texts are string literals
  // or kept strings, at the same address at every call), confirmed by comparing the text, which
  // costs a tenth of hashing it. Up to kPreparedLimit addresses.
  std::unordered_map<const char*, const std::pair<const std::string, std::string>*> seen_;
  std::string sqlstate_;
  bool transient_ = false;
  bool begin_pending_ = false;
};

// How many round trips to the server this process has made through any Connection (a query, a
// PQprepare, a pipeline: each waits once for the server), for the bench (decision 0130).
std::uint64_t round_trips();

// Runs `body` between BEGIN and COMMIT, again (up to `attempts` times in all) when it fails with
// a serialization failure or a deadlock; any other error rolls back and is returned.
engine::Status retry_transaction(Connection& c, const std::function<engine::Status()>& body,
                                 int attempts = kMaxRetries);

}  // namespace djflow::storage::pg
