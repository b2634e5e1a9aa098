// The persistence ports. The engine owns these interfaces; storage/ implements them on SQLite.
// Each port is one concern (engine/ports/): the unit of work, settings and calendar, the
// directory of organisations and people, case histories, deadlines and timers, the notification
// outbox, the rectification ledger, delivery to channels, the daemon lease, the backend's
// health, what verify audits (the entity history), and who may use the web (users, sessions). A backend implements each port in a class of its own over a shared connection, and
// `Store` is only their sum, so that code which needs everything (the engine facade, the CLI)
// takes a Store&, and code which needs one concern takes that port.
//
// The ports are virtual bases of Store and of each backend's per-port class; the backend's store
// class derives from Store and from its port classes, whose overrides are then the final ones
// (docs/decisions/0050-store-ports.md). A Store is used by one thread at a time; every command
// groups its calls into one write transaction (begin_write ... commit), so a command's event,
// case state, deadlines, timers and notifications commit together or not at all (I1).
#pragma once

#include "engine/ports/access_store.hpp"
#include "engine/ports/audit_store.hpp"
#include "engine/ports/delivery_store.hpp"
#include "engine/ports/directory_store.hpp"
#include "engine/ports/health_store.hpp"
#include "engine/ports/history_store.hpp"
#include "engine/ports/lease_store.hpp"
#include "engine/ports/ledger_store.hpp"
#include "engine/ports/outbox_store.hpp"
#include "engine/ports/schedule_store.hpp"
#include "engine/ports/settings_store.hpp"
#include "engine/ports/transactions.hpp"

namespace djflow::engine {

class Store : public virtual Transactions,
              public virtual SettingsStore,
              public virtual DirectoryStore,
              public virtual HistoryStore,
              public virtual ScheduleStore,
              public virtual OutboxStore,
              public virtual LedgerStore,
              public virtual DeliveryStore,
              public virtual LeaseStore,
              public virtual HealthStore,
              public virtual AuditStore,
              public virtual AccessStore {
 public:
  ~Store() override = default;
};

// Rolls back on scope exit unless commit() succeeded. Use one per command.
class WriteTransaction {
 public:
  explicit WriteTransaction(Transactions& s) : store_(s) {}
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction() {
    if (active_) store_.rollback();
  }
  Status begin() {
    auto s = store_.begin_write();
    active_ = s.ok();
    return s;
  }
  Status commit() {
    auto s = store_.commit();
    if (s.ok()) active_ = false;
    return s;
  }

 private:
  Transactions& store_;
  bool active_ = false;
};

}  // namespace djflow::engine
