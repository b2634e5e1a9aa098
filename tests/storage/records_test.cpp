// Round trips of settings, holidays, branches, persons, cases and events through SqliteStore,
// on :memory: and on a file, and the append-only guarantees of the events table.
#include <catch2/catch.hpp>

#include "support/same_records.hpp"

#include "storage/sqlite_store.hpp"
#include "tests/storage/temp_dir.hpp"

using namespace djflow::engine;
using djflow::storage::OpenMode;
using djflow::storage::SqliteStore;
using djflow::storage::test::TempDir;

namespace {

TimePoint at(std::int64_t s) { return TimePoint{std::chrono::seconds{s}}; }
Date date(const char* iso) { return *Date::parse(iso); }

// A store on :memory: or on a temporary file (both must behave the same).
struct Fixture {
  TempDir dir;
  std::unique_ptr<SqliteStore> store;
  explicit Fixture(bool on_file) {
    auto s = SqliteStore::open(on_file ? dir.file("t.db") : ":memory:", OpenMode::Create);
    REQUIRE(s.ok());
    store = std::move(s).value();
  }
};

Branch make_branch(const std::string& code, const std::string& parent = "") {
  Branch b;
  b.code = code;
  b.name = "机关第" + code + "党支部";
  b.kind = parent.empty() ? "committee" : "branch";
  b.parent = parent;
  b.created_at = at(1700000001);
  return b;
}

Case make_case(std::optional<PersonId> person, const std::string& branch, const std::string& state) {
  Case c;
  c.workflow = "member";
  c.person = person;
  c.branch = branch;
  c.title = "张三";
  c.state = state;
  c.created_at = at(1700000100);
  c.updated_at = at(1700000200);
  return c;
}

EventRecord make_event(CaseId id, std::int64_t seq) {
  EventRecord e;
  e.case_id = id;
  e.seq = seq;
  e.event = seq == 1 ? "apply" : "talk";
  e.date = date("2024-02-29");
  e.recorded_at = at(1709200000 + seq);
  e.actor = "李书记";
  e.inputs = {{"to", "2024-03-08"}, {"from", "2024-03-01"}, {"备注", "含 \"引号\" 和\n换行"}};
  e.note = "谈话记录";
  e.ref = "纪要-12";
  e.rule_version = "2014";
  e.from_state = seq == 1 ? "" : "applicant";
  e.to_state = "applicant";
  e.flags = {"late:talk", "x"};
  e.prev_hash = seq == 1 ? "" : std::string(64, 'a');
  e.hash = std::string(64, static_cast<char>('a' + seq % 6));
  return e;
}

}  // namespace

TEST_CASE("records round-trip", "[storage][records]") {
  const bool on_file = GENERATE(false, true);
  Fixture fx(on_file);
  SqliteStore& s = *fx.store;

  SECTION("settings") {
    CHECK_FALSE(s.setting("timezone").value().has_value());
    REQUIRE(s.set_setting("timezone", "Asia/Shanghai").ok());
    REQUIRE(s.set_setting("reminder.time", "08:30").ok());
    REQUIRE(s.set_setting("timezone", "Asia/Urumqi").ok());  // upsert
    CHECK(*s.setting("timezone").value() == "Asia/Urumqi");
    const auto all = s.all_settings().value();
    CHECK(all == std::map<std::string, std::string>{{"reminder.time", "08:30"},
                                                    {"timezone", "Asia/Urumqi"}});
  }

  SECTION("holidays") {
    REQUIRE(s.upsert_holiday({date("2024-10-01"), true, "国庆节"}).ok());
    REQUIRE(s.upsert_holiday({date("2024-09-29"), false, "国庆节"}).ok());
    REQUIRE(s.upsert_holiday({date("2024-10-01"), true, "国庆"}).ok());  // upsert
    const auto rows = s.holidays().value();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].date == date("2024-09-29"));
    CHECK_FALSE(rows[0].day_off);
    CHECK(rows[1].date == date("2024-10-01"));
    CHECK(rows[1].day_off);
    CHECK(rows[1].name == "国庆");
  }

  SECTION("branches") {
    REQUIRE(s.insert_branch(make_branch("C1")).ok());
    REQUIRE(s.insert_branch(make_branch("B2", "C1")).ok());
    const auto b = s.find_branch("B2").value();
    REQUIRE(b);
    CHECK(b->name == "机关第B2党支部");
    CHECK(b->kind == "branch");
    CHECK(b->parent == "C1");
    CHECK(b->created_at == at(1700000001));
    CHECK(s.find_branch("C1").value()->parent.empty());
    CHECK_FALSE(s.find_branch("nope").value());
    const auto all = s.list_branches().value();
    REQUIRE(all.size() == 2);
    CHECK(all[0].code == "B2");  // ordered by code
    CHECK(all[1].code == "C1");

    auto dup = s.insert_branch(make_branch("C1"));
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.error().code == ErrorCode::Conflict);
    auto orphan = s.insert_branch(make_branch("B3", "MISSING"));
    REQUIRE_FALSE(orphan.ok());
    CHECK(orphan.error().code == ErrorCode::NotFound);
  }

  SECTION("persons") {
    REQUIRE(s.insert_branch(make_branch("B1")).ok());
    REQUIRE(s.insert_branch(make_branch("B2")).ok());
    Person p;
    p.name = "王五";
    p.branch = "B1";
    p.born = date("2000-02-29");
    p.created_at = at(1700000300);
    const PersonId a = s.insert_person(p).value();
    p.name = "赵六";
    p.branch = "B2";
    p.status = MemberStatus::Full;
    p.joined = date("2010-07-01");
    const PersonId b = s.insert_person(p).value();
    CHECK(b > a);

    const auto pa = s.find_person(a).value();
    REQUIRE(pa);
    CHECK(pa->name == "王五");
    CHECK(pa->branch == "B1");
    CHECK(pa->born == date("2000-02-29"));
    CHECK(pa->status == MemberStatus::None);
    CHECK_FALSE(pa->joined);
    CHECK(pa->created_at == at(1700000300));
    CHECK(s.find_person(b).value()->joined == date("2010-07-01"));
    CHECK_FALSE(s.find_person(999).value());

    CHECK(s.list_persons(std::nullopt).value().size() == 2);
    const auto in_b2 = s.list_persons(std::string("B2")).value();
    REQUIRE(in_b2.size() == 1);
    CHECK(in_b2[0].id == b);

    REQUIRE(s.update_person_status(a, MemberStatus::Probationary, date("2024-05-01")).ok());
    CHECK(s.find_person(a).value()->status == MemberStatus::Probationary);
    CHECK(s.find_person(a).value()->joined == date("2024-05-01"));
    REQUIRE(s.update_person_status(a, MemberStatus::None, std::nullopt).ok());
    CHECK_FALSE(s.find_person(a).value()->joined);
    CHECK(s.update_person_status(999, MemberStatus::Full, std::nullopt).error().code ==
          ErrorCode::NotFound);

    p.branch = "MISSING";
    CHECK(s.insert_person(p).error().code == ErrorCode::NotFound);
  }

  SECTION("cases") {
    REQUIRE(s.insert_branch(make_branch("B1")).ok());
    REQUIRE(s.insert_branch(make_branch("B2")).ok());
    Person p;
    p.name = "张三";
    p.branch = "B1";
    p.born = date("2001-01-01");
    const PersonId pid = s.insert_person(p).value();

    auto c1 = make_case(pid, "B1", "applicant");
    c1.version = 7;  // ignored: new cases start at version 0
    const CaseId id1 = s.insert_case(c1).value();
    const CaseId id2 = s.insert_case(make_case(std::nullopt, "B2", "activist")).value();
    const CaseId id3 = s.insert_case(make_case(std::nullopt, "B1", "full")).value();

    const auto got = s.find_case(id1).value();
    REQUIRE(got);
    CHECK(got->id == id1);
    CHECK(got->workflow == "member");
    CHECK(got->person == pid);
    CHECK(got->branch == "B1");
    CHECK(got->title == "张三");
    CHECK(got->state == "applicant");
    CHECK(got->version == 0);
    CHECK(got->head_hash.empty());
    CHECK(got->created_at == at(1700000100));
    CHECK(got->updated_at == at(1700000200));
    CHECK_FALSE(s.find_case(id2).value()->person);
    CHECK_FALSE(s.find_case(12345).value());

    auto ids = [](const std::vector<Case>& v) {
      std::vector<CaseId> out;
      for (const auto& c : v) out.push_back(c.id);
      return out;
    };
    CHECK(ids(s.list_cases({}).value()) == std::vector<CaseId>{id1, id2, id3});
    CaseFilter f;
    f.branch = "B1";
    CHECK(ids(s.list_cases(f).value()) == std::vector<CaseId>{id1, id3});
    f.states = std::vector<std::string>{"full", "activist"};
    CHECK(ids(s.list_cases(f).value()) == std::vector<CaseId>{id3});
    f = {};
    f.states = std::vector<std::string>{"full", "activist"};
    CHECK(ids(s.list_cases(f).value()) == std::vector<CaseId>{id2, id3});
    f.limit = 1;
    CHECK(ids(s.list_cases(f).value()) == std::vector<CaseId>{id2});
    f = {};
    f.person = pid;
    f.workflow = "member";
    CHECK(ids(s.list_cases(f).value()) == std::vector<CaseId>{id1});
    f.workflow = "election";
    CHECK(s.list_cases(f).value().empty());
    f = {};
    f.states = std::vector<std::string>{};
    CHECK(s.list_cases(f).value().empty());

    REQUIRE(s.update_case(id1, 0, "activist", "h1", at(1700000999)).ok());
    const auto moved = s.find_case(id1).value();
    CHECK(moved->state == "activist");
    CHECK(moved->version == 1);
    CHECK(moved->head_hash == "h1");
    CHECK(moved->updated_at == at(1700000999));
    CHECK(moved->created_at == at(1700000100));

    auto stale = s.update_case(id1, 0, "proposed", "h2", at(1700001000));
    REQUIRE_FALSE(stale.ok());
    CHECK(stale.error().code == ErrorCode::Conflict);
    CHECK(s.find_case(id1).value()->state == "activist");
    CHECK(s.update_case(999, 0, "x", "h", at(0)).error().code == ErrorCode::NotFound);
  }

  SECTION("events") {
    REQUIRE(s.insert_branch(make_branch("B1")).ok());
    const CaseId id = s.insert_case(make_case(std::nullopt, "B1", "applicant")).value();
    const auto e1 = make_event(id, 1);
    const auto e2 = make_event(id, 2);
    // A case's events are appended in seq order (migration 11's trigger refuses one inserted
    // before a later seq: the year-end projection assumes it, decision 0129).
    REQUIRE(s.append_event(e1).ok());
    REQUIRE(s.append_event(e2).ok());
    const auto got = s.events(id).value();
    REQUIRE(got.size() == 2);
    djflow::testing::check_same_event(got[0], e1);
    djflow::testing::check_same_event(got[1], e2);
    CHECK(s.events(id + 1).value().empty());

    auto dup = s.append_event(make_event(id, 2));
    REQUIRE_FALSE(dup.ok());
    CHECK(dup.error().code == ErrorCode::Conflict);

    auto bad = make_event(id, 3);
    bad.inputs["x"] = std::string("\xff\xfe", 2);
    CHECK(s.append_event(bad).error().code == ErrorCode::InvalidInput);

    auto nocase = make_event(999, 1);
    CHECK(s.append_event(nocase).error().code == ErrorCode::NotFound);

    const CaseId later = s.insert_case(make_case(std::nullopt, "B1", "applicant")).value();
    REQUIRE(s.append_event(make_event(later, 2)).ok());
    CHECK_FALSE(s.append_event(make_event(later, 1)).ok());  // before a later seq of its case

    auto empty = make_event(id, 4);
    empty.inputs.clear();
    empty.flags.clear();
    REQUIRE(s.append_event(empty).ok());
    const auto back = s.events(id).value();
    REQUIRE(back.size() == 3);
    CHECK(back[2].inputs.empty());
    CHECK(back[2].flags.empty());
  }
}

TEST_CASE("events are append-only unless the triggers are dropped", "[storage][records]") {
  Fixture fx(true);
  SqliteStore& s = *fx.store;
  REQUIRE(s.insert_branch(make_branch("B1")).ok());
  const CaseId id = s.insert_case(make_case(std::nullopt, "B1", "applicant")).value();
  REQUIRE(s.append_event(make_event(id, 1)).ok());
  REQUIRE(s.append_event(make_event(id, 2)).ok());

  auto upd = s.test_exec("UPDATE events SET note = 'forged' WHERE seq = 1");
  REQUIRE_FALSE(upd.ok());
  CHECK(upd.error().message.en.find("append-only") != std::string::npos);
  auto del = s.test_exec("DELETE FROM events WHERE seq = 2");
  REQUIRE_FALSE(del.ok());
  CHECK(del.error().message.en.find("append-only") != std::string::npos);
  CHECK(s.events(id).value().size() == 2);
  CHECK(s.events(id).value()[0].note == "谈话记录");

  // An attacker with the file can drop the triggers; the hash chain (engine) must catch that.
  REQUIRE(s.test_exec("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete").ok());
  REQUIRE(s.test_exec("UPDATE events SET note = 'forged' WHERE seq = 1").ok());
  REQUIRE(s.test_exec("DELETE FROM events WHERE seq = 2").ok());
  const auto left = s.events(id).value();
  REQUIRE(left.size() == 1);
  CHECK(left[0].note == "forged");
}

TEST_CASE("corrupted stored values are reported, not thrown", "[storage][records]") {
  Fixture fx(false);
  SqliteStore& s = *fx.store;
  REQUIRE(s.insert_branch(make_branch("B1")).ok());
  const CaseId id = s.insert_case(make_case(std::nullopt, "B1", "applicant")).value();
  REQUIRE(s.append_event(make_event(id, 1)).ok());
  REQUIRE(s.test_exec("DROP TRIGGER events_no_update").ok());
  SECTION("inputs") {
    REQUIRE(s.test_exec("UPDATE events SET inputs = '{not json'").ok());
    CHECK(s.events(id).error().code == ErrorCode::Corruption);
  }
  SECTION("date") {
    REQUIRE(s.test_exec("UPDATE events SET effective_date = '2024-02-30'").ok());
    CHECK(s.events(id).error().code == ErrorCode::Corruption);
  }
}

TEST_CASE("for_each_history streams every case with its events in order", "[storage][records]") {
  Fixture fx(true);
  SqliteStore& s = *fx.store;
  REQUIRE(s.insert_branch(make_branch("B1")).ok());
  const CaseId a = s.insert_case(make_case(std::nullopt, "B1", "applicant")).value();
  const CaseId b = s.insert_case(make_case(std::nullopt, "B1", "applicant")).value();
  const CaseId c = s.insert_case(make_case(std::nullopt, "B1", "applicant")).value();
  for (int i = 1; i <= 3; ++i) REQUIRE(s.append_event(make_event(c, i)).ok());  // in seq order (decision 0129)
  REQUIRE(s.append_event(make_event(a, 1)).ok());
  // b has no events (an anomaly verify must be able to see)

  std::vector<std::pair<CaseId, std::vector<std::int64_t>>> seen;
  REQUIRE(s.for_each_history([&](const Case& cs, const std::vector<EventRecord>& evs) {
             std::vector<std::int64_t> seqs;
             for (const auto& e : evs) {
               CHECK(e.case_id == cs.id);
               seqs.push_back(e.seq);
             }
             seen.emplace_back(cs.id, seqs);
             // Other reads are allowed from inside the callback.
             CHECK(s.find_case(cs.id).value().has_value());
             return true;
           }).ok());
  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == std::make_pair(a, std::vector<std::int64_t>{1}));
  CHECK(seen[1] == std::make_pair(b, std::vector<std::int64_t>{}));
  CHECK(seen[2] == std::make_pair(c, std::vector<std::int64_t>{1, 2, 3}));

  int calls = 0;
  REQUIRE(s.for_each_history([&](const Case&, const std::vector<EventRecord>&) {
             ++calls;
             return false;
           }).ok());
  CHECK(calls == 1);

  int none = 0;
  Fixture empty(false);
  REQUIRE(empty.store->for_each_history([&](const Case&, const std::vector<EventRecord>&) {
                       ++none;
                       return true;
                     }).ok());
  CHECK(none == 0);
}

TEST_CASE("history pages hold whole cases across page boundaries, and the callback may write",
          "[storage][records]") {
  Fixture fx(true);
  SqliteStore& s = *fx.store;
  REQUIRE(s.insert_branch(make_branch("B1")).ok());
  // 600 cases: more than two pages of for_each_history (256 cases each), every third without
  // events, each other one with (id % 4) + 1 events.
  std::vector<CaseId> ids;
  for (int i = 0; i < 600; ++i) {
    const CaseId id = s.insert_case(make_case(std::nullopt, "B1", "applicant")).value();
    ids.push_back(id);
    if (i % 3 == 0) continue;
    for (int seq = 1; seq <= id % 4 + 1; ++seq) REQUIRE(s.append_event(make_event(id, seq)).ok());
  }

  const auto page = s.history_page(ids[255], 10).value();
  REQUIRE(page.size() == 10);
  CHECK(page.front().c.id == ids[256]);
  CHECK(page.back().c.id == ids[265]);
  CHECK(s.history_page(ids.back(), 10).value().empty());

  std::size_t seen = 0;
  REQUIRE(s.for_each_history([&](const Case& c, const std::vector<EventRecord>& evs) {
             const auto i = seen++;
             REQUIRE(c.id == ids[i]);
             const std::size_t expected = i % 3 == 0 ? 0 : static_cast<std::size_t>(c.id % 4 + 1);
             CHECK(evs.size() == expected);
             for (std::size_t k = 0; k < evs.size(); ++k) {
               CHECK(evs[k].case_id == c.id);
               CHECK(evs[k].seq == static_cast<std::int64_t>(k + 1));
             }
             // No cursor is open while the callback runs: it may even write.
             CHECK(s.set_setting("test.seen", std::to_string(seen)).ok());
             return true;
           }).ok());
  CHECK(seen == ids.size());
  CHECK(s.setting("test.seen").value() == std::optional<std::string>("600"));
}

// Decision 0100 ("Reads at scale"), docs/performance.md "Third round": the full members of an
// organisation are counted down its whole tree, and the count builds no automatic index (SQLite
// built one on branches.parent at every execution, 2.3 ms a count on the 100,000-case database;
// GET /api/v1/terms runs one count per organisation).
TEST_CASE("storage: full members are counted down the organisation tree without an automatic index", "[storage]") {
  Fixture f(true);
  auto& s = *f.store;
  // C1 (committee) -> G1 (general branch) -> B1, B2; C1 -> B3. Two full members in B1, one in
  // B2, one in B3, one in C1 itself; a non-member in B1.
  REQUIRE(s.insert_branch(make_branch("C1")).ok());
  REQUIRE(s.insert_branch(make_branch("G1", "C1")).ok());
  REQUIRE(s.insert_branch(make_branch("B1", "G1")).ok());
  REQUIRE(s.insert_branch(make_branch("B2", "G1")).ok());
  REQUIRE(s.insert_branch(make_branch("B3", "C1")).ok());
  int n = 0;
  for (const char* org : {"B1", "B1", "B2", "B3", "C1", "B1"}) {
    Person p;
    p.name = "党员" + std::to_string(++n);
    p.branch = org;
    p.born = date("1990-01-01");
    p.created_at = at(1700000300);
    if (n < 6) {
      p.status = MemberStatus::Full;
      p.joined = date("2015-07-01");
    }
    REQUIRE(s.insert_person(p).ok());
  }
  CHECK(s.count_full_members("B1").value() == 2);
  CHECK(s.count_full_members("B2").value() == 1);
  CHECK(s.count_full_members("G1").value() == 3);
  CHECK(s.count_full_members("B3").value() == 1);
  CHECK(s.count_full_members("C1").value() == 5);
  CHECK(s.count_full_members("NONE").value() == 0);
  CHECK(s.test_autoindex_rows() == 0);
}
