// The unit of work every command runs in. A command's reads and writes happen between
// begin_write() and commit(); any error before commit() is followed by rollback() (see
// WriteTransaction in engine/store.hpp), so a command commits all of its rows or none (I1).
//
// What the engine relies on, whatever the backend: inside a write transaction, a case read and
// then updated with update_case or append_step (expected_version) either commits or fails with
// Conflict; and the uniqueness rules of the stores (timer and notification keys, event (case,
// seq), branch codes) hold under concurrent transactions, reported as Conflict or as "not
// inserted". How a backend achieves it is its own business: SQLite takes the database's write
// lock at begin (BEGIN IMMEDIATE), a server backend locks the rows it updates and may retry
// serialization failures. Used by one thread at a time.
#pragma once

#include "engine/error.hpp"

namespace djflow::engine {

class Transactions {
 public:
  virtual ~Transactions() = default;
  // Opens a write transaction. Inside an open one it nests (SQLite: a SAVEPOINT): commit()
  // releases the nested level into the outer transaction, rollback() undoes only the nested
  // level's writes. `djflow import` runs a whole file as one outer transaction this way, and the
  // engine's per-step transactions nest inside it (docs/decisions/0081-import-one-transaction.md).
  virtual Status begin_write() = 0;
  virtual Status commit() = 0;
  virtual void rollback() noexcept = 0;
  virtual bool in_transaction() const = 0;
  // True when the last write transaction failed because the backend broke a conflict between
  // concurrent transactions (PostgreSQL: serialization failure 40001, deadlock 40P01), so that
  // running the whole transaction again may succeed; until the next outermost begin_write().
  // SQLite's one writer never does (decision 0125).
  virtual bool transient_failure() const { return false; }
  // How many outermost write transactions this store has committed since it was opened, where a
  // backend can report a transient failure (0 elsewhere): a command that failed with one is run
  // again only if it committed nothing (cli/app.cpp, decision 0128).
  virtual long committed() const { return 0; }
};

}  // namespace djflow::engine
