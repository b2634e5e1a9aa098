// Conformance (issue 12 §2): cases and their hash-chained history, the unit of work (a failed
// write leaves nothing; nested transactions; a refused statement leaves the transaction usable)
// and the append-only events, on the backend DJFLOW_TEST_DB names.
#include <catch2/catch.hpp>

#include "support/same_records.hpp"

#include "storage/conformance/seed.hpp"
#include "support/test_db.hpp"

using namespace djflow;
using engine::ErrorCode;
using storage::test::at;
using storage::test::chained_event;
using storage::test::must;
using storage::test::seed_branch;
using storage::test::seed_case;

namespace {

// Records a step as the engine does: the event and the case at the next version, in one
// append_step (decision 0139).
engine::Status step(engine::Store& s, const engine::EventRecord& e) {
  engine::WriteTransaction tx(s);
  DJFLOW_TRY(tx.begin());
  DJFLOW_TRY(s.append_step(e, e.seq - 1));
  return tx.commit();
}

}  // namespace

TEST_CASE("conformance: a case's hash chain is read back byte-identical and still verifies",
          "[conformance][history]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  const auto id = seed_case(*s, "B1");
  std::vector<engine::EventRecord> written;
  std::string prev;
  for (int seq = 1; seq <= 3; ++seq) {
    written.push_back(chained_event(id, seq, prev));
    prev = written.back().hash;
    must(step(*s, written.back()));
  }
  // Read back through another connection: nothing is served from the writer's memory.
  auto reader = db.open();
  const auto got = must(reader->events(id));
  REQUIRE(got.size() == written.size());
  std::string chain;
  for (std::size_t i = 0; i < got.size(); ++i) {
    djflow::testing::check_same_event(got[i], written[i]);
    CHECK(got[i].prev_hash == chain);
    CHECK(engine::event_hash(got[i]) == got[i].hash);  // the stored bytes hash to the same value
    chain = got[i].hash;
  }
  const auto c = must(reader->find_case(id));
  REQUIRE(c.has_value());
  CHECK(c->version == 3);
  CHECK(c->head_hash == chain);
  CHECK(c->updated_at == written.back().recorded_at);

  const auto page = must(reader->history_page(0, 10));
  REQUIRE(page.size() == 1);
  REQUIRE(page[0].events.size() == 3);
  djflow::testing::check_same_event(page[0].events[2], written[2]);
}

TEST_CASE("conformance: append_step appends a step's event and moves its case, or leaves both as they were",
          "[conformance][history]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  const auto id = seed_case(*s, "B1");
  // Each call in a write transaction, rolled back on an error, as the engine makes it.
  auto in_tx = [&](const engine::EventRecord& e, std::int64_t expected) -> engine::Status {
    engine::WriteTransaction tx(*s);
    DJFLOW_TRY(tx.begin());
    DJFLOW_TRY(s->append_step(e, expected));
    return tx.commit();
  };
  auto e1 = chained_event(id, 1, "");
  must(in_tx(e1, 0));
  auto reader = db.open();
  auto c = must(reader->find_case(id));
  REQUIRE(c.has_value());
  CHECK(c->version == 1);
  CHECK(c->state == e1.to_state);
  CHECK(c->head_hash == e1.hash);
  CHECK(c->updated_at == e1.recorded_at);
  auto got = must(reader->events(id));
  REQUIRE(got.size() == 1);
  djflow::testing::check_same_event(got[0], e1);

  auto e2 = chained_event(id, 2, e1.hash);
  SECTION("a stale version: Conflict, and nothing written") {
    auto stale = in_tx(e2, 0);
    REQUIRE_FALSE(stale.ok());
    CHECK(stale.error().code == ErrorCode::Conflict);
  }
  SECTION("an unknown case: NotFound, and nothing written") {
    auto other = e2;
    other.case_id = id + 1000;
    auto missing = in_tx(other, 1);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ErrorCode::NotFound);
  }
  SECTION("an event already at (case, seq) with the case's version unmoved: Conflict, the case as it was") {
    must(s->append_event(e2));  // a broken chain: an event past the case's version
    auto dup = chained_event(id, 2, e1.hash);
    dup.note = "again";
    auto twice = in_tx(dup, 1);
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.error().code == ErrorCode::Conflict);
    // Names the event, as append_event's refusal does.
    CHECK(twice.error().message.en.find("event " + std::to_string(id) + "#2 already exists") != std::string::npos);
    got = must(reader->events(id));
    REQUIRE(got.size() == 2);
    CHECK(got[1].note == e2.note);
    c = must(reader->find_case(id));
    CHECK(c->version == 1);
    CHECK(c->head_hash == e1.hash);
    return;
  }
  SECTION("inputs that are not UTF-8: InvalidInput, and nothing written") {
    auto bad = e2;
    bad.inputs["x"] = std::string("\xff\xfe", 2);
    auto refused = in_tx(bad, 1);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::InvalidInput);
  }
  got = must(reader->events(id));
  CHECK(got.size() == 1);
  c = must(reader->find_case(id));
  CHECK(c->version == 1);
  CHECK(c->head_hash == e1.hash);
  CHECK(c->state == e1.to_state);
}

TEST_CASE("conformance: case_file reads a case, its events in order and its subject in one call",
          "[conformance][history]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  engine::Person p;
  p.name = "王五";
  p.branch = "B1";
  p.born = storage::test::day(1990, 5, 4);
  p.status = engine::MemberStatus::Full;
  p.joined = storage::test::day(2015, 7, 1);
  p.created_at = at(1700000200);
  p.key = "E001";
  p.phone = "13800000000";
  const auto pid = must(s->insert_person(p));
  engine::Case with;
  with.workflow = "member";
  with.person = pid;
  with.branch = "B1";
  with.title = "王五";
  with.state = "applied";
  with.created_at = with.updated_at = at(1700000300);
  const auto id = must(s->insert_case(with));
  const auto bare = seed_case(*s, "B1", "无人");

  // No events yet: the case and its subject, an empty history.
  auto empty = must(s->case_file(id));
  REQUIRE(empty.has_value());
  CHECK(empty->c.id == id);
  CHECK(empty->events.empty());
  REQUIRE(empty->subject.has_value());
  CHECK(empty->subject->id == pid);

  std::vector<engine::EventRecord> written;
  std::string prev;
  for (int seq = 1; seq <= 3; ++seq) {
    written.push_back(chained_event(id, seq, prev));
    prev = written.back().hash;
    must(step(*s, written.back()));
  }
  must(step(*s, chained_event(bare, 1, "")));

  auto reader = db.open();
  const auto f = must(reader->case_file(id));
  REQUIRE(f.has_value());
  const auto c = must(reader->find_case(id));
  REQUIRE(c.has_value());
  CHECK(f->c.version == c->version);
  CHECK(f->c.head_hash == c->head_hash);
  CHECK(f->c.person == c->person);
  CHECK(f->c.title == "王五");
  REQUIRE(f->events.size() == written.size());
  for (std::size_t i = 0; i < written.size(); ++i) djflow::testing::check_same_event(f->events[i], written[i]);
  REQUIRE(f->subject.has_value());
  CHECK(f->subject->name == "王五");
  CHECK(f->subject->key == "E001");
  CHECK(f->subject->phone == "13800000000");
  CHECK(f->subject->joined == p.joined);
  CHECK(f->subject->status == engine::MemberStatus::Full);

  // A case without a subject; another case's events are not mixed in.
  const auto g = must(reader->case_file(bare));
  REQUIRE(g.has_value());
  CHECK_FALSE(g->subject.has_value());
  REQUIRE(g->events.size() == 1);
  CHECK(g->events[0].case_id == bare);

  CHECK_FALSE(must(reader->case_file(bare + 100)).has_value());
}

TEST_CASE("conformance: cases are listed by filter and guarded by their version",
          "[conformance][history]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "C1");
  seed_branch(*s, "B1", "C1");
  seed_branch(*s, "B2", "C1");
  const auto a = seed_case(*s, "B1", "甲");
  const auto b = seed_case(*s, "B2", "乙");
  const auto c = seed_case(*s, "B2", "丙");
  CHECK(a < b);
  CHECK(b < c);
  must(s->update_case(c, 0, "probation", "h1", at(1770000500)));

  engine::CaseFilter f;
  CHECK(must(s->list_cases(f)).size() == 3);
  f.branch = "B2";
  CHECK(must(s->list_cases(f)).size() == 2);
  f.states = std::vector<std::string>{"probation", "full"};
  const auto only_c = must(s->list_cases(f));
  REQUIRE(only_c.size() == 1);
  CHECK(only_c[0].id == c);
  CHECK(only_c[0].state == "probation");
  f = {};
  f.limit = 2;
  const auto limited = must(s->list_cases(f));
  REQUIRE(limited.size() == 2);
  CHECK(limited[1].id == b);
  f = {};
  f.states = std::vector<std::string>{};
  CHECK(must(s->list_cases(f)).empty());
  f = {};
  f.workflow = "term";
  CHECK(must(s->list_cases(f)).empty());

  auto stale = s->update_case(c, 0, "full", "h2", at(1770000600));
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == ErrorCode::Conflict);
  auto unknown = s->update_case(c + 100, 0, "full", "h2", at(1770000600));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::NotFound);
  CHECK(must(s->find_case(c))->version == 1);

  must(s->update_case_branch(a, "B2"));
  CHECK(must(s->find_case(a))->branch == "B2");
  auto nob = s->update_case_branch(a, "NOPE");
  REQUIRE_FALSE(nob.ok());
  CHECK(nob.error().code == ErrorCode::NotFound);
  auto noc = s->update_case_branch(c + 100, "B1");
  REQUIRE_FALSE(noc.ok());
  CHECK(noc.error().code == ErrorCode::NotFound);

  const auto after_a = must(s->history_page(a, 1));
  REQUIRE(after_a.size() == 1);
  CHECK(after_a[0].c.id == b);
  CHECK(after_a[0].events.empty());
}

TEST_CASE("conformance: an event is appended once: a second (case, seq) is a conflict",
          "[conformance][history]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  const auto id = seed_case(*s, "B1");
  const auto e = chained_event(id, 1, "");
  must(s->append_event(e));
  auto again = s->append_event(e);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::Conflict);
  auto nocase = s->append_event(chained_event(id + 100, 1, ""));
  REQUIRE_FALSE(nocase.ok());
  CHECK(nocase.error().code == ErrorCode::NotFound);
  CHECK(must(s->events(id)).size() == 1);
}

TEST_CASE("conformance: a transaction that fails at any write leaves nothing behind",
          "[conformance][atomicity]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  // The writes of one step; the step fails (and rolls back) after `fail_after` of them.
  for (int fail_after = 0; fail_after <= 5; ++fail_after) {
    INFO("failing after write " << fail_after);
    {
      engine::WriteTransaction tx(*s);
      must(tx.begin());
      int done = 0;
      auto write = [&](auto&& fn) {
        if (done++ < fail_after) fn();
      };
      engine::CaseId id = 0;
      write([&] { id = seed_case(*s, "B1", "回滚"); });
      write([&] { must(s->append_event(chained_event(id, 1, ""))); });
      write([&] { must(s->set_setting("k" + std::to_string(fail_after), "v")); });
      std::int64_t dl = 0;
      write([&] {
        engine::Deadline d;
        d.case_id = id;
        d.kind = "talk";
        d.due = storage::test::day(2026, 4, 1);
        d.opened_on = storage::test::day(2026, 3, 1);
        dl = must(s->insert_deadline(d));
      });
      write([&] {
        engine::Timer t;
        t.key = "t" + std::to_string(fail_after);
        t.case_id = id;
        t.deadline_id = dl;
        t.kind = "talk";
        t.due = storage::test::day(2026, 4, 1);
        t.fire_at = at(1775000000);
        CHECK(must(s->insert_timer(t)));
      });
      // The failing write: the event again (Conflict); the transaction then rolls back.
      if (id != 0 && fail_after >= 2) {
        auto dup = s->append_event(chained_event(id, 1, ""));
        CHECK(dup.error().code == ErrorCode::Conflict);
      }
    }  // ~WriteTransaction: rollback
    CHECK(must(s->list_cases({})).empty());
    CHECK(must(s->all_settings()).empty());
    CHECK_FALSE(must(s->next_timer_at()).has_value());
    CHECK(must(s->list_open_deadlines({})).empty());
  }
}

TEST_CASE("conformance: a refused write inside a transaction leaves it usable, and nested "
          "transactions roll back only their own writes",
          "[conformance][atomicity]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  {
    engine::WriteTransaction outer(*s);
    must(outer.begin());
    engine::Branch dup;
    dup.code = "B1";
    dup.name = "dup";
    CHECK(s->insert_branch(dup).error().code == ErrorCode::Conflict);
    seed_branch(*s, "B2");  // the transaction goes on after the refusal
    {
      engine::WriteTransaction inner(*s);
      must(inner.begin());
      seed_branch(*s, "B3");
    }  // inner rolls back: B3 only
    {
      engine::WriteTransaction inner(*s);
      must(inner.begin());
      seed_branch(*s, "B4");
      must(inner.commit());
    }
    CHECK(s->in_transaction());
    must(outer.commit());
  }
  CHECK_FALSE(s->in_transaction());
  auto reader = db.open();
  const auto list = must(reader->list_branches());
  REQUIRE(list.size() == 3);
  CHECK(list[0].code == "B1");
  CHECK(list[1].code == "B2");
  CHECK(list[2].code == "B4");
}

TEST_CASE("conformance: events are append-only even behind the ports", "[conformance][history]") {
  storage::test::TestDb db;
  auto s = db.open();
  seed_branch(*s, "B1");
  const auto id = seed_case(*s, "B1");
  must(s->append_event(chained_event(id, 1, "")));
  auto upd = storage::test::TestDb::raw(*s, "UPDATE events SET note = 'edited'");
  REQUIRE_FALSE(upd.ok());
  CHECK_THAT(upd.error().message.en, Catch::Contains("append-only"));
  auto del = storage::test::TestDb::raw(*s, "DELETE FROM events");
  REQUIRE_FALSE(del.ok());
  CHECK_THAT(del.error().message.en, Catch::Contains("append-only"));
  CHECK(must(s->events(id)).at(0).note == chained_event(id, 1, "").note);
}
