// Issue 7: the store's health checks (stored text that is not UTF-8, quick_check) and the
// conditional write of a delivery's outcome.
#include <catch2/catch.hpp>

#include "storage/sqlite_store.hpp"
#include "tests/storage/temp_dir.hpp"

using namespace djflow::engine;
using djflow::storage::OpenMode;
using djflow::storage::SqliteStore;

namespace {

TimePoint at(std::int64_t s) { return TimePoint{std::chrono::seconds{s}}; }

std::unique_ptr<SqliteStore> memory_store() {
  auto s = SqliteStore::open(":memory:", OpenMode::Create);
  REQUIRE(s.ok());
  return std::move(s).value();
}

// A channel, a notification and its pending delivery; returns the delivery as read.
Delivery pending_delivery(SqliteStore& s) {
  Branch b;
  b.code = "B1";
  b.name = "B1";
  REQUIRE(s.insert_branch(b).ok());
  Case c;
  c.workflow = "member";
  c.branch = "B1";
  c.title = "t";
  c.state = "applicant";
  const CaseId id = s.insert_case(c).value();
  Channel ch;
  ch.name = "file";
  ch.type = "file";
  ch.target = "/tmp/x";
  const auto channel = s.insert_channel(ch).value();
  Notification n;
  n.key = "1:talk:2024-02-01:0";
  n.case_id = id;
  n.workflow = "member";
  n.branch = "B1";
  n.kind = "talk";
  n.due = *Date::parse("2024-02-01");
  n.text = {"提醒", "reminder"};
  const auto nid = s.insert_notification(n).value();
  REQUIRE(nid);
  Delivery d;
  d.notification_id = *nid;
  d.channel_id = channel;
  d.next_attempt_at = at(100);
  REQUIRE(s.insert_delivery(d).value());
  auto rows = s.due_deliveries(at(1000), 10).value();
  REQUIRE(rows.size() == 1);
  return rows[0].d;
}

}  // namespace

TEST_CASE("update_delivery writes only over the row as it was read", "[storage][delivery]") {
  auto s = memory_store();
  const Delivery read = pending_delivery(*s);
  Delivery sent = read;
  sent.attempts = 1;
  sent.status = DeliveryStatus::Delivered;
  sent.delivered_at = at(200);

  SECTION("unchanged meanwhile: written") {
    REQUIRE(s->update_delivery(sent, read).ok());
    CHECK(s->list_deliveries({}).value().at(0).d.status == DeliveryStatus::Delivered);
  }
  SECTION("the channel was removed meanwhile: its dead-letter is kept") {
    REQUIRE(s->remove_channel(read.channel_id).ok());
    auto r = s->update_delivery(sent, read);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Conflict);
    const auto row = s->list_deliveries({}).value().at(0).d;
    CHECK(row.status == DeliveryStatus::Dead);
    CHECK(row.last_error == "channel removed");
  }
  SECTION("retried meanwhile: the retry is kept") {
    Delivery dead = read;
    dead.status = DeliveryStatus::Dead;
    dead.attempts = 8;
    REQUIRE(s->update_delivery(dead, read).ok());
    const Delivery read_dead = s->list_deliveries({}).value().at(0).d;
    REQUIRE(s->retry_dead({}, at(300)).value() == 1);
    Delivery late = read_dead;  // an outcome computed from the dead row, written after the retry
    late.last_error = "stale";
    CHECK(s->update_delivery(late, read_dead).error().code == ErrorCode::Conflict);
    const auto row = s->list_deliveries({}).value().at(0).d;
    CHECK(row.status == DeliveryStatus::Pending);
    CHECK(row.attempts == 0);
  }
  SECTION("gone: not found") {
    Delivery ghost = sent;
    ghost.id = 999;
    CHECK(s->update_delivery(ghost, read).error().code == ErrorCode::NotFound);
  }
}

TEST_CASE("the scan names every stored text that is not valid UTF-8", "[storage][utf8]") {
  auto s = memory_store();
  Branch b;
  b.code = "B1";
  b.name = "第一支部";
  REQUIRE(s->insert_branch(b).ok());
  Person p;
  p.name = "张三";
  p.branch = "B1";
  p.born = *Date::parse("2000-01-01");
  const auto id = s->insert_person(p).value();
  CHECK(s->invalid_text().value().empty());
  REQUIRE(s->test_exec("UPDATE persons SET name = CAST(X'FFFE' AS TEXT) WHERE id = " + std::to_string(id)).ok());
  REQUIRE(s->test_exec("UPDATE branches SET name = CAST(X'61006200' AS TEXT)").ok());  // a NUL inside
  const auto bad = s->invalid_text().value();
  REQUIRE(bad.size() == 2);
  CHECK(bad[0].table == "branches");
  CHECK(bad[0].column == "name");
  CHECK(bad[1].table == "persons");
  CHECK(bad[1].row == id);
  CHECK(bad[1].column == "name");
  CHECK(s->quick_problems().value().empty());
}

TEST_CASE("store: the write mark moves with every write, this connection's and another's, and not with a read",
          "[store][health]") {
  djflow::storage::test::TempDir dir;
  const std::string path = dir.file("mark.db");
  auto a = SqliteStore::open(path, OpenMode::Create);
  REQUIRE(a.ok());
  auto b = SqliteStore::open(path, OpenMode::Existing);
  REQUIRE(b.ok());
  Branch br;
  br.code = "B1";
  br.name = "B1";
  const auto m0 = a.value()->write_mark().value();
  REQUIRE(a.value()->list_cases({}).ok());
  CHECK(a.value()->write_mark().value() == m0);  // a read leaves it
  REQUIRE(a.value()->insert_branch(br).ok());
  const auto m1 = a.value()->write_mark().value();
  CHECK(m1 != m0);  // this connection wrote
  Case c;
  c.workflow = "member";
  c.branch = "B1";
  c.title = "t";
  c.state = "applicant";
  REQUIRE(b.value()->insert_case(c).ok());
  CHECK(a.value()->write_mark().value() != m1);  // another connection committed
}
