// LISTEN/NOTIFY on PostgreSQL (storage/wake.hpp). One channel for every djflow database of the
// cluster, the payload the schema (current_schema()), so that a daemon wakes only for its own.
#include "storage/open_store.hpp"
#include "storage/pg_connection.hpp"
#include "storage/pg_store.hpp"
#include "storage/wake.hpp"

namespace djflow::storage {

namespace {

constexpr const char* kWakeChannel = "djflow_wake";

class PgWakeListener final : public WakeListener {
 public:
  PgWakeListener(std::unique_ptr<pg::Connection> c, std::string schema)
      : conn_(std::move(c)), schema_(std::move(schema)) {}
  int fd() const override { return conn_->socket(); }
  engine::Result<bool> drain() override {
    auto got = conn_->take_notifications(kWakeChannel);
    if (!got) return got.error();
    for (const auto& payload : got.value())
      if (payload == schema_) return true;
    return false;
  }

 private:
  std::unique_ptr<pg::Connection> conn_;
  std::string schema_;
};

}  // namespace

engine::Result<std::unique_ptr<WakeListener>> listen_for_wakes(const std::string& db) {
  if (!is_postgres(db)) return std::unique_ptr<WakeListener>();
  auto c = pg::Connection::open(db);
  if (!c) return c.error();
  auto schema = (*c)->exec("listen", "SELECT current_schema()");
  if (!schema) return schema.error();
  DJFLOW_TRY((*c)->exec_script("listen", std::string("LISTEN ") + kWakeChannel));
  return std::unique_ptr<WakeListener>(std::make_unique<PgWakeListener>(std::move(*c), schema->string(0, 0)));
}

namespace detail {

engine::Status PgBase::notify_wake() {
  // pg_notify in the writer's transaction: PostgreSQL sends it at COMMIT, and never after a
  // rollback; several in one transaction are sent once.
  auto r = db().exec("notify", "SELECT pg_notify('djflow_wake', current_schema())");
  if (!r) return r.error();
  return {};
}

}  // namespace detail

}  // namespace djflow::storage
