// Conformance (issue 12 §2): delivery channels, the routing cursor, the delivery rows of the
// outbox and the daemon lease, on the backend DJFLOW_TEST_DB names.
#include <catch2/catch.hpp>

#include "storage/conformance/seed.hpp"
#include "support/test_db.hpp"

using namespace djflow;
using engine::DeliveryStatus;
using engine::ErrorCode;
using storage::test::at;
using storage::test::day;
using storage::test::must;
using storage::test::seed_branch;
using storage::test::seed_case;

namespace {

std::int64_t notify(engine::Store& s, engine::CaseId id, const std::string& key) {
  engine::Notification n;
  n.key = key;
  n.case_id = id;
  n.workflow = "member";
  n.branch = "B1";
  n.kind = "talk";
  n.due = day(2026, 4, 1);
  n.days_left = 7;
  n.created_at = at(1770000000);
  n.text = {"谈话将于 7 天后到期", "the talk is due in 7 days"};
  return *must(s.insert_notification(n));
}

engine::Channel channel(const std::string& name) {
  engine::Channel c;
  c.name = name;
  c.type = "webhook";
  c.target = "https://example.invalid/hook?key=k";
  c.preset = "wecom";
  c.secret = "s3cret";
  c.workflows = {"member"};
  c.kinds = {"talk", "eligible"};
  c.rate_per_minute = 20;
  c.created_at = at(1770000100);
  return c;
}

engine::Delivery delivery(std::int64_t notification, std::int64_t channel, std::int64_t due) {
  engine::Delivery d;
  d.notification_id = notification;
  d.channel_id = channel;
  d.next_attempt_at = at(due);
  d.created_at = at(1770000200);
  return d;
}

}  // namespace

TEST_CASE("conformance: channels are added once by name, found by id or name, and removed with "
          "their pending deliveries",
          "[conformance][delivery]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  const auto id = seed_case(*s, "B1");
  const auto n1 = notify(*s, id, "k1");
  const auto ch = must(s->insert_channel(channel("企业微信")));
  CHECK(s->insert_channel(channel("企业微信")).error().code == ErrorCode::Conflict);
  const auto other = must(s->insert_channel(channel("备用")));
  const auto found = must(s->find_channel("企业微信"));
  REQUIRE(found.has_value());
  CHECK(found->id == ch);
  CHECK(found->after_notification == n1);  // later notifications only
  CHECK(found->kinds == std::vector<std::string>{"talk", "eligible"});
  CHECK(found->secret == "s3cret");
  CHECK(must(s->find_channel(std::to_string(other)))->name == "备用");
  CHECK_FALSE(must(s->find_channel("none")).has_value());

  const auto n2 = notify(*s, id, "k2");
  REQUIRE(must(s->insert_delivery(delivery(n2, ch, 1770000300))));
  REQUIRE(must(s->insert_delivery(delivery(n2, other, 1770000300))));
  must(s->remove_channel(other));
  CHECK(s->remove_channel(other).error().code == ErrorCode::NotFound);
  CHECK_FALSE(must(s->find_channel("备用")).has_value());
  CHECK(must(s->list_channels(false)).size() == 1);
  CHECK(must(s->list_channels(true)).size() == 2);
  engine::DeliveryFilter dead;
  dead.status = DeliveryStatus::Dead;
  const auto gone = must(s->list_deliveries(dead));
  REQUIRE(gone.size() == 1);
  CHECK(gone[0].d.last_error == "channel removed");
  CHECK(gone[0].channel == "备用");
  // Adding and removing are in the entity history (the secret only as its hash).
  const auto events = must(s->entity_history("channel", std::to_string(other)));
  REQUIRE(events.size() == 2);
  CHECK(events[1].action == "remove");
  CHECK(events[0].data.find("s3cret") == std::string::npos);
  CHECK(must(s->check_entities()).problems.empty());
}

TEST_CASE("conformance: deliveries are inserted once, come due in order, and are updated only "
          "as they were read",
          "[conformance][delivery]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  const auto id = seed_case(*s, "B1");
  const auto ch = must(s->insert_channel(channel("企业微信")));
  const auto n1 = notify(*s, id, "k1");
  const auto n2 = notify(*s, id, "k2");
  const auto n3 = notify(*s, id, "k3");
  CHECK(must(s->routed_through()) == 0);
  must(s->set_routed_through(n3));
  CHECK(must(s->routed_through()) == n3);
  REQUIRE(must(s->insert_delivery(delivery(n1, ch, 1770000500))));
  REQUIRE(must(s->insert_delivery(delivery(n2, ch, 1770000400))));
  REQUIRE(must(s->insert_delivery(delivery(n3, ch, 1770009999))));
  CHECK_FALSE(must(s->insert_delivery(delivery(n1, ch, 1770000100))));  // (notification, channel) once
  CHECK(must(s->next_delivery_at()) == std::optional<engine::TimePoint>(at(1770000400)));

  const auto due = must(s->due_deliveries(at(1770000600), 10));
  REQUIRE(due.size() == 2);
  CHECK(due[0].d.notification_id == n2);  // by next_attempt_at
  CHECK(due[1].d.notification_id == n1);
  CHECK(due[0].n.key == "k2");
  CHECK(due[0].n.text.zh == "谈话将于 7 天后到期");
  CHECK(due[0].channel == "企业微信");
  CHECK(must(s->due_deliveries(at(1770000600), 1)).size() <= 1);

  // The outcome is written only while the row is as read.
  engine::Delivery sent = due[0].d;
  sent.status = DeliveryStatus::Delivered;
  sent.attempts = 1;
  sent.delivered_at = at(1770000601);
  must(s->update_delivery(sent, due[0].d));
  CHECK(s->update_delivery(sent, due[0].d).error().code == ErrorCode::Conflict);
  engine::Delivery ghost = sent;
  ghost.id = 999999;
  CHECK(s->update_delivery(ghost, ghost).error().code == ErrorCode::NotFound);
  engine::Delivery failed = due[1].d;
  failed.status = DeliveryStatus::Dead;
  failed.attempts = 8;
  failed.last_error = "HTTP 500";
  must(s->update_delivery(failed, due[1].d));

  const auto counts = must(s->delivery_counts());
  CHECK(counts.at("delivered") == 1);
  CHECK(counts.at("dead") == 1);
  CHECK(counts.at("pending") == 1);
  engine::DeliveryFilter all;
  const auto listed = must(s->list_deliveries(all));
  REQUIRE(listed.size() == 3);
  CHECK(listed[0].d.id > listed[1].d.id);  // newest first
  CHECK(must(s->retry_dead({}, at(1770000700))) == 1);
  const auto again = must(s->due_deliveries(at(1770000700), 10));
  REQUIRE(again.size() == 1);
  CHECK(again[0].d.notification_id == n1);
  CHECK(again[0].d.attempts == 0);
  CHECK(must(s->retry_dead({again[0].d.id}, at(1770000700))) == 0);  // not dead any more
}

TEST_CASE("conformance: the daemon lease is one row, renewed and released only by its owner",
          "[conformance][lease]") {
  storage::test::TestDb db;
  auto s = db.open();
  CHECK_FALSE(must(s->find_lease()).has_value());
  engine::Lease l;
  l.owner = "a1";
  l.pid = 4242;
  l.host = "node-1";
  l.started_at = at(1770000000);
  l.heartbeat_at = at(1770000000);
  l.expires_at = at(1770000015);
  must(s->put_lease(l));
  auto other = db.open();
  const auto held = must(other->find_lease());
  REQUIRE(held.has_value());
  CHECK(held->owner == "a1");
  CHECK(held->pid == 4242);
  CHECK(held->host == "node-1");
  CHECK(held->expires_at == at(1770000015));
  CHECK(must(other->renew_lease("a1", at(1770000005), at(1770000020))));
  CHECK_FALSE(must(other->renew_lease("b2", at(1770000005), at(1770000020))));
  CHECK(must(s->find_lease())->expires_at == at(1770000020));
  l.owner = "b2";  // taken over (the engine decides when: an expired lease)
  must(other->put_lease(l));
  must(s->release_lease("a1"));  // not the owner any more: nothing happens
  CHECK(must(s->find_lease())->owner == "b2");
  must(other->release_lease("b2"));
  CHECK_FALSE(must(s->find_lease()).has_value());
}
