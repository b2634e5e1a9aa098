// Conformance (issue 12 §2): the entity history (what `djflow verify` checks besides the case
// chains) and the append-only schema, on the backend DJFLOW_TEST_DB names. Every tracked write
// appends one hash-chained event with the row's image, byte-identical on both backends; an edit,
// an insert or a delete made behind the store's back is found, and so is a trigger switched off.
#include <catch2/catch.hpp>

#include "engine/clock.hpp"
#include "storage/conformance/seed.hpp"
#include "support/test_db.hpp"

using namespace djflow;
using storage::test::at;
using storage::test::day;
using storage::test::must;
using storage::test::seed_branch;
using storage::test::seed_case;
using storage::test::TestDb;

namespace {

// The tracked writes of a small organisation, as the engine makes them, in one transaction.
void populate(engine::Store& s, const engine::Clock& clock) {
  s.set_change_context(&clock, "李书记");
  engine::WriteTransaction tx(s);
  must(tx.begin());
  must(s.set_setting("remind.days", "30,7,1"));
  engine::HolidayRow h;
  h.date = day(2026, 10, 1);
  h.day_off = true;
  h.name = "国庆节";
  must(s.upsert_holiday(h));
  seed_branch(s, "C1");
  seed_branch(s, "B1", "C1");
  engine::Person p;
  p.name = "张三";
  p.branch = "B1";
  p.born = day(2000, 5, 1);
  p.created_at = at(1700000050);
  p.id = must(s.insert_person(p));
  p.phone = "13800000000";
  must(s.update_person(p, "电话补录"));
  must(s.update_person_status(p.id, engine::MemberStatus::Probationary, day(2026, 7, 1)));
  const auto id = seed_case(s, "B1");
  must(s.update_case_branch(id, "C1"));
  engine::Notification n;
  n.key = std::to_string(id) + ":talk:1:-7";
  n.case_id = id;
  n.workflow = "member";
  n.branch = "C1";
  n.kind = "talk";
  n.due = day(2026, 4, 1);
  n.days_left = 7;
  n.created_at = at(1770000000);
  n.text = {"谈话将于 7 天后到期", "the talk is due in 7 days"};
  REQUIRE(must(s.insert_notification(n)).has_value());
  must(tx.commit());
}

std::vector<engine::EntityEvent> chain(engine::Store& s) {
  std::vector<engine::EntityEvent> out;
  must(s.for_each_entity_event([&](const engine::EntityEvent& e) {
    out.push_back(e);
    return true;
  }));
  return out;
}

bool has_problem(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("conformance: every tracked write appends one hash-chained event with the row's image",
          "[conformance][audit]") {
  TestDb db;
  auto s = db.open();
  engine::ManualClock clock(at(1770000500));
  populate(*s, clock);
  auto reader = db.open();
  const auto events = chain(*reader);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"setting", "set"},   {"holiday", "set"},   {"branch", "insert"}, {"branch", "insert"},
      {"person", "insert"}, {"person", "update"}, {"person", "status"}, {"case", "insert"},
      {"case", "update"},   {"notification", "insert"}};
  REQUIRE(events.size() == expected.size());
  std::string prev;
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO("event " << i + 1);
    CHECK(events[i].seq == static_cast<std::int64_t>(i + 1));
    CHECK(events[i].entity == expected[i].first);
    CHECK(events[i].action == expected[i].second);
    CHECK(events[i].actor == "李书记");
    CHECK(events[i].recorded_at == at(1770000500));
    CHECK(events[i].prev_hash == prev);
    CHECK(engine::entity_event_hash(events[i]) == events[i].hash);
    prev = events[i].hash;
  }
  // The images are the storage format's (docs/storage_format.md), the same bytes on both
  // backends: integers as numbers, NULL as null, later columns left out while NULL.
  CHECK(events[3].key == "B1");
  CHECK(events[3].data == R"({"created_at":1700000000,"kind":"branch","name":"第B1党支部","parent":"C1"})");
  CHECK(events[4].data ==
        R"({"born":"2000-05-01","branch":"B1","created_at":1700000050,"joined":null,"name":"张三","status":"none"})");
  CHECK(events[6].data ==
        R"({"born":"2000-05-01","branch":"B1","change_reason":"电话补录","created_at":1700000050,)"
        R"("joined":"2026-07-01","name":"张三","phone":"13800000000","status":"probationary"})");
  CHECK(events[8].data == R"({"branch":"C1","created_at":1700000100,"person_id":null,"title":"张三","workflow":"member"})");

  const auto check = must(reader->check_entities());
  CHECK(check.problems.empty());
  CHECK(check.events == 10);
  CHECK(check.head == events.back().hash);
  const auto person = must(reader->entity_history("person", events[4].key));
  REQUIRE(person.size() == 3);
  CHECK(person[2].action == "status");
  CHECK(must(reader->schema_problems()).empty());
}

TEST_CASE("conformance: a tracked write that is rolled back leaves no entity event",
          "[conformance][audit]") {
  TestDb db;
  auto s = db.open();
  engine::ManualClock clock(at(1770000500));
  populate(*s, clock);
  {
    engine::WriteTransaction tx(*s);
    must(tx.begin());
    must(s->set_setting("remind.days", "7"));
    seed_branch(*s, "B9", "C1");
  }  // rolled back
  must(s->set_setting("remind.days", "14"));  // outside a transaction: its own
  const auto events = chain(*s);
  REQUIRE(events.size() == 11);
  CHECK(events.back().data == R"({"value":"14"})");
  CHECK(must(s->check_entities()).problems.empty());
}

TEST_CASE("conformance: the entity check finds rows edited, inserted and deleted behind the store",
          "[conformance][audit]") {
  TestDb db;
  auto s = db.open();
  engine::ManualClock clock(at(1770000500));
  populate(*s, clock);
  must(TestDb::raw(*s, "UPDATE persons SET name = '李四' WHERE name = '张三'"));
  must(TestDb::raw(*s, "INSERT INTO settings (key, value) VALUES ('smuggled', 'x')"));
  must(TestDb::raw(*s, "DELETE FROM holidays"));
  const auto check = must(s->check_entities());
  INFO(check.problems.size());
  CHECK(check.problems.size() == 3);
  CHECK(has_problem(check.problems, R"(changed behind djflow's back: name: history "张三", stored "李四")"));
  CHECK(has_problem(check.problems, "setting smuggled: not in the entity history (written behind djflow's back)"));
  CHECK(has_problem(check.problems, "holiday 2026-10-01: deleted behind djflow's back"));
}

TEST_CASE("conformance: the entity chain is append-only, and with its trigger off an edit breaks the "
          "chain and the schema check names the trigger",
          "[conformance][audit]") {
  TestDb db;
  auto s = db.open();
  engine::ManualClock clock(at(1770000500));
  populate(*s, clock);
  CHECK_FALSE(TestDb::raw(*s, "UPDATE entity_events SET actor = 'x' WHERE seq = 5"));
  CHECK_FALSE(TestDb::raw(*s, "DELETE FROM entity_events WHERE seq = 5"));
  CHECK(must(s->check_entities()).problems.empty());

  if (db.postgres()) {
    must(TestDb::raw(*s, "ALTER TABLE entity_events DISABLE TRIGGER entity_events_no_update; "
                         "ALTER TABLE entity_events DISABLE TRIGGER entity_events_no_delete"));
  } else {
    must(TestDb::raw(*s, "DROP TRIGGER entity_events_no_update; DROP TRIGGER entity_events_no_delete"));
  }
  const auto schema = must(s->schema_problems());
  CHECK(has_problem(schema, "trigger entity_events_no_update is"));
  CHECK(has_problem(schema, "trigger entity_events_no_delete is"));
  must(TestDb::raw(*s, "UPDATE entity_events SET data = replace(data, '2000-05-01', '1990-05-01') WHERE seq = 5"));
  must(TestDb::raw(*s, "DELETE FROM entity_events WHERE seq = 8"));
  const auto check = must(s->check_entities());
  CHECK(has_problem(check.problems, "entity history event 5 (person 1): content does not match its hash (edited)"));
  CHECK(has_problem(check.problems, "entity history: event 8 is missing or out of order (found seq 9)"));
  CHECK(has_problem(check.problems, "entity history event 9 (case 1): chain broken"));
}

TEST_CASE("conformance: the schema check names the year-end projection's trigger when it is gone",
          "[conformance][audit][projection]") {
  // Decision 0129: case_years is kept by a trigger on events; dropped (or, on PostgreSQL, switched
  // off) behind djflow's back, new events would leave the projection behind. verify names it.
  TestDb db;
  auto s = db.open();
  engine::ManualClock clock(at(1770000500));
  populate(*s, clock);
  CHECK(must(s->schema_problems()).empty());
  if (db.postgres()) {
    must(TestDb::raw(*s, "ALTER TABLE events DISABLE TRIGGER case_years_event; DROP TRIGGER case_years_order ON events"));
    const auto schema = must(s->schema_problems());
    CHECK(schema.size() == 2);
    CHECK(has_problem(schema, "trigger case_years_event is disabled: the year-end projection (case_years) no longer "
                              "follows the events"));
    CHECK(has_problem(schema, "trigger case_years_order is missing: the year-end projection (case_years) no longer "
                              "follows the events"));
  } else {
    must(TestDb::raw(*s, "DROP TRIGGER case_years_event"));
    const auto schema = must(s->schema_problems());
    CHECK(schema.size() == 1);
    CHECK(has_problem(schema, "trigger case_years_event is missing: the year-end projection (case_years) no longer "
                              "follows the events"));
  }
}

TEST_CASE("conformance: every case is read for verify with all of its rows, as stored",
          "[conformance][audit]") {
  TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  std::vector<engine::CaseId> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(seed_case(*s, "B1", "申请人" + std::to_string(i)));
  engine::Deadline d;
  d.case_id = ids[1];
  d.kind = "talk";
  d.due = day(2026, 4, 1);
  d.opened_on = day(2026, 3, 1);
  const auto dl = must(s->insert_deadline(d));
  engine::Timer t;
  t.key = "k1";
  t.case_id = ids[1];
  t.deadline_id = dl;
  t.kind = "talk";
  t.due = d.due;
  t.offset_days = -7;
  t.fire_at = at(1774000000);
  REQUIRE(must(s->insert_timer(t)));
  must(TestDb::raw(*s, "UPDATE cases SET state = 'full' WHERE id = " + std::to_string(ids[2])));

  std::vector<engine::CaseRecord> seen;
  must(s->for_each_case_record([&](const engine::CaseRecord& r) {
    seen.push_back(r);
    return true;
  }));
  REQUIRE(seen.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(seen[i].case_id == ids[i]);
    REQUIRE(seen[i].c.has_value());
  }
  CHECK(seen[0].deadlines.empty());
  REQUIRE(seen[1].deadlines.size() == 1);
  CHECK(seen[1].deadlines[0].id == dl);
  REQUIRE(seen[1].timers.size() == 1);
  CHECK(seen[1].timers[0].key == "k1");
  CHECK(seen[2].c->state == "full");  // what verify's replay compares with the derived state

  int calls = 0;
  must(s->for_each_case_record([&](const engine::CaseRecord&) { return ++calls < 2; }));
  CHECK(calls == 2);  // stops early on false
}

TEST_CASE("conformance: the backend's health checks find nothing on a sound database",
          "[conformance][audit]") {
  TestDb db;
  auto s = db.open();
  engine::ManualClock clock(at(1770000500));
  populate(*s, clock);
  CHECK(must(s->integrity_problems()).empty());
  CHECK(must(s->quick_problems()).empty());
  CHECK(must(s->invalid_text()).empty());
  // Another connection's commit changes the token.
  const auto before = must(s->change_token());
  auto other = db.open();
  must(other->set_setting("remind.days", "3"));
  CHECK(must(s->change_token()) != before);
}
