// Conformance (issue 12 §2): settings, the calendar, organisations and people, through the
// ports only, on the backend DJFLOW_TEST_DB names.
#include <catch2/catch.hpp>

#include "storage/conformance/seed.hpp"
#include "support/test_db.hpp"

using namespace djflow;
using engine::ErrorCode;
using storage::test::at;
using storage::test::day;
using storage::test::must;
using storage::test::seed_branch;

TEST_CASE("conformance: settings and holidays are stored, replaced and listed in order",
          "[conformance][settings]") {
  storage::test::TestDb db;
  auto s = db.open();
  CHECK_FALSE(must(s->setting("timezone")).has_value());
  must(s->set_setting("timezone", "Asia/Shanghai"));
  must(s->set_setting("reminder.time", "09:00"));
  must(s->set_setting("timezone", "Asia/Urumqi"));
  CHECK(must(s->setting("timezone")) == std::optional<std::string>("Asia/Urumqi"));
  const auto all = must(s->all_settings());
  CHECK(all == std::map<std::string, std::string>{{"reminder.time", "09:00"}, {"timezone", "Asia/Urumqi"}});

  must(s->upsert_holiday({day(2026, 10, 1), true, "国庆节"}));
  must(s->upsert_holiday({day(2026, 9, 27), false, "调休上班"}));
  must(s->upsert_holiday({day(2026, 10, 1), true, "国庆节（一）"}));
  const auto h = must(s->holidays());
  REQUIRE(h.size() == 2);
  CHECK(h[0].date == day(2026, 9, 27));
  CHECK_FALSE(h[0].day_off);
  CHECK(h[1].name == "国庆节（一）");
  CHECK(h[1].day_off);
}

TEST_CASE("conformance: organisations keep their tree and refuse duplicates and unknown parents",
          "[conformance][directory]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "C1");
  seed_branch(*s, "B2", "C1");
  seed_branch(*s, "B1", "C1");
  engine::Branch dup;
  dup.code = "B1";
  dup.name = "again";
  auto again = s->insert_branch(dup);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::Conflict);
  engine::Branch orphan;
  orphan.code = "X9";
  orphan.name = "orphan";
  orphan.parent = "NOPE";
  auto o = s->insert_branch(orphan);
  REQUIRE_FALSE(o.ok());
  CHECK(o.error().code == ErrorCode::NotFound);

  const auto b = must(s->find_branch("B1"));
  REQUIRE(b.has_value());
  CHECK(b->parent == "C1");
  CHECK(b->name == "第B1党支部");
  CHECK(b->created_at == at(1700000000));
  CHECK(must(s->find_branch("C1"))->parent.empty());
  CHECK_FALSE(must(s->find_branch("ZZ")).has_value());
  const auto list = must(s->list_branches());
  REQUIRE(list.size() == 3);
  CHECK(list[0].code == "B1");
  CHECK(list[2].code == "C1");
}

TEST_CASE("conformance: people are stored, found by id, name and key, updated and counted",
          "[conformance][directory]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "C1");
  seed_branch(*s, "B1", "C1");
  seed_branch(*s, "B2", "C1");
  engine::Person p;
  p.name = "王五";
  p.branch = "B1";
  p.born = day(1990, 5, 4);
  p.status = engine::MemberStatus::Full;
  p.joined = day(2015, 7, 1);
  p.created_at = at(1700000200);
  p.key = "E001";
  p.phone = "13800000000";
  const auto id1 = must(s->insert_person(p));
  p.name = "赵六";
  p.branch = "B2";
  p.key = "";
  p.phone = "";
  p.status = engine::MemberStatus::Probationary;
  p.joined.reset();
  const auto id2 = must(s->insert_person(p));
  CHECK(id2 > id1);

  p.key = "E001";
  auto dup = s->insert_person(p);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code == ErrorCode::Conflict);
  p.key = "";
  p.branch = "NOPE";
  auto nob = s->insert_person(p);
  REQUIRE_FALSE(nob.ok());
  CHECK(nob.error().code == ErrorCode::NotFound);

  const auto w = must(s->find_person(id1));
  REQUIRE(w.has_value());
  CHECK(w->name == "王五");
  CHECK(w->born == day(1990, 5, 4));
  CHECK(w->joined == std::optional<engine::Date>(day(2015, 7, 1)));
  CHECK(w->key == "E001");
  CHECK(w->phone == "13800000000");
  CHECK(w->status == engine::MemberStatus::Full);
  const auto z = must(s->find_person(id2));
  REQUIRE(z.has_value());
  CHECK(z->key.empty());
  CHECK_FALSE(z->joined.has_value());
  CHECK_FALSE(must(s->find_person(id2 + 100)).has_value());

  CHECK(must(s->list_persons(std::nullopt)).size() == 2);
  const auto of_b2 = must(s->list_persons(std::string("B2")));
  REQUIRE(of_b2.size() == 1);
  CHECK(of_b2[0].id == id2);
  CHECK(must(s->find_persons_by_name("王五")).size() == 1);
  CHECK(must(s->find_persons_by_name("无名")).empty());
  CHECK(must(s->find_person_by_key("E001"))->id == id1);
  CHECK_FALSE(must(s->find_person_by_key("E999")).has_value());

  CHECK(must(s->count_full_members("C1")) == 1);
  must(s->update_person_status(id2, engine::MemberStatus::Full, day(2026, 1, 2)));
  CHECK(must(s->count_full_members("C1")) == 2);
  CHECK(must(s->count_full_members("B2")) == 1);
  CHECK(must(s->find_person(id2))->joined == std::optional<engine::Date>(day(2026, 1, 2)));
  auto gone = s->update_person_status(id2 + 100, engine::MemberStatus::Full, std::nullopt);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == ErrorCode::NotFound);

  auto edited = *must(s->find_person(id2));
  edited.name = "赵六六";
  edited.key = "E002";
  edited.branch = "B1";
  must(s->update_person(edited, "改名"));
  CHECK(must(s->find_person(id2))->name == "赵六六");
  CHECK(must(s->find_person_by_key("E002"))->id == id2);
  CHECK(must(s->list_persons(std::string("B2"))).empty());
  edited.key = "E001";
  auto taken = s->update_person(edited, "");
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == ErrorCode::Conflict);
  edited.key = "";
  edited.id = id2 + 100;
  auto unknown = s->update_person(edited, "");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::NotFound);
}
