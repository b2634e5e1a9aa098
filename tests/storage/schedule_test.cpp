// Deadlines, durable timers and the notification outbox in SqliteStore, and the speed of the hot
// listing paths on 100,000 cases (tagged [.perf]: run with `storage_tests [perf]`).
#include <catch2/catch.hpp>

#include <chrono>
#include <iostream>

#include "storage/sqlite_store.hpp"
#include "tests/storage/temp_dir.hpp"

using namespace djflow::engine;
using djflow::storage::OpenMode;
using djflow::storage::SqliteStore;
using djflow::storage::test::TempDir;

namespace {

TimePoint at(std::int64_t s) { return TimePoint{std::chrono::seconds{s}}; }
Date date(const char* iso) { return *Date::parse(iso); }

std::unique_ptr<SqliteStore> memory_store() {
  auto s = SqliteStore::open(":memory:", OpenMode::Create);
  REQUIRE(s.ok());
  return std::move(s).value();
}

CaseId add_case(SqliteStore& s, const std::string& branch, const std::string& workflow = "member") {
  if (!s.find_branch(branch).value()) {
    Branch b;
    b.code = branch;
    b.name = branch;
    REQUIRE(s.insert_branch(b).ok());
  }
  Case c;
  c.workflow = workflow;
  c.branch = branch;
  c.title = "申请人";
  c.state = "applicant";
  return s.insert_case(c).value();
}

Deadline make_deadline(CaseId id, const char* kind, const char* due) {
  Deadline d;
  d.case_id = id;
  d.kind = kind;
  d.due = date(due);
  d.opened_on = date("2024-01-01");
  return d;
}

Timer make_timer(CaseId id, std::int64_t deadline, int offset, std::int64_t fire_at) {
  Timer t;
  t.case_id = id;
  t.deadline_id = deadline;
  t.kind = "talk";
  t.due = date("2024-02-01");
  t.offset_days = offset;
  t.key = std::to_string(id) + ":talk:2024-02-01:" + std::to_string(offset);
  t.fire_at = at(fire_at);
  return t;
}

}  // namespace

TEST_CASE("deadlines round-trip, close once, and list by due date", "[storage][deadlines]") {
  auto store = memory_store();
  SqliteStore& s = *store;
  const CaseId a = add_case(s, "B1");
  const CaseId b = add_case(s, "B2", "election");

  auto d1 = make_deadline(a, "talk", "2024-02-01");
  d1.overdue_every_days = 0;
  const auto id1 = s.insert_deadline(d1).value();
  auto d2 = make_deadline(a, "eligible", "2024-01-15");
  d2.milestone = true;
  const auto id2 = s.insert_deadline(d2).value();
  const auto id3 = s.insert_deadline(make_deadline(b, "review", "2024-01-15")).value();

  const auto open_a = s.open_deadlines(a).value();
  REQUIRE(open_a.size() == 2);
  CHECK(open_a[0].id == id2);  // by due date
  CHECK(open_a[0].milestone);
  CHECK(open_a[0].kind == "eligible");
  CHECK(open_a[0].opened_on == date("2024-01-01"));
  CHECK(open_a[0].open);
  CHECK_FALSE(open_a[0].closed_on);
  CHECK(open_a[1].id == id1);
  CHECK(open_a[1].overdue_every_days == 0);
  CHECK(open_a[1].due == date("2024-02-01"));

  auto ids = [](const std::vector<DeadlineRow>& rows) {
    std::vector<std::int64_t> out;
    for (const auto& r : rows) out.push_back(r.deadline.id);
    return out;
  };
  const auto all = s.list_open_deadlines({}).value();
  CHECK(ids(all) == std::vector<std::int64_t>{id2, id3, id1});  // due, then case id
  CHECK(all[0].c.id == a);
  CHECK(all[1].c.workflow == "election");
  DeadlineFilter f;
  f.due_on_or_before = date("2024-01-15");
  CHECK(ids(s.list_open_deadlines(f).value()) == std::vector<std::int64_t>{id2, id3});
  f.branch = "B2";
  CHECK(ids(s.list_open_deadlines(f).value()) == std::vector<std::int64_t>{id3});
  f = {};
  f.workflow = "member";
  f.limit = 1;
  CHECK(ids(s.list_open_deadlines(f).value()) == std::vector<std::int64_t>{id2});
  f = {};
  f.case_id = a;
  CHECK(ids(s.list_open_deadlines(f).value()) == std::vector<std::int64_t>{id2, id1});

  REQUIRE(s.close_deadline(id2, date("2024-01-10")).ok());
  CHECK(ids(s.list_open_deadlines({}).value()) == std::vector<std::int64_t>{id3, id1});
  CHECK(s.open_deadlines(a).value().size() == 1);
  CHECK(s.close_deadline(id2, date("2024-01-11")).error().code == ErrorCode::Conflict);
  CHECK(s.close_deadline(999, date("2024-01-11")).error().code == ErrorCode::NotFound);
}

TEST_CASE("timers are idempotent by key and come due in order", "[storage][timers]") {
  auto store = memory_store();
  SqliteStore& s = *store;
  const CaseId c = add_case(s, "B1");
  const auto d = s.insert_deadline(make_deadline(c, "talk", "2024-02-01")).value();
  const auto other = s.insert_deadline(make_deadline(c, "review", "2024-03-01")).value();

  CHECK_FALSE(s.next_timer_at().value());
  CHECK(s.insert_timer(make_timer(c, d, 0, 3000)).value());
  CHECK(s.insert_timer(make_timer(c, d, -7, 2000)).value());
  CHECK(s.insert_timer(make_timer(c, d, -30, 1000)).value());
  CHECK(s.insert_timer(make_timer(c, d, 7, 4000)).value());
  auto t5 = make_timer(c, other, 0, 2000);
  t5.key = "other";
  CHECK(s.insert_timer(t5).value());
  // Same key again: not inserted, nothing changes (even with a different fire time).
  CHECK_FALSE(s.insert_timer(make_timer(c, d, 0, 1)).value());

  CHECK(*s.next_timer_at().value() == at(1000));
  const auto due = s.due_timers(at(3000), 0).value();
  REQUIRE(due.size() == 4);
  CHECK(due[0].offset_days == -30);
  CHECK(due[1].fire_at == at(2000));
  CHECK(due[2].fire_at == at(2000));
  CHECK(due[1].id < due[2].id);  // ties by id
  CHECK(due[3].fire_at == at(3000));
  CHECK(due[3].key == std::to_string(c) + ":talk:2024-02-01:0");
  CHECK(due[3].due == date("2024-02-01"));
  CHECK(due[3].kind == "talk");
  CHECK(due[3].deadline_id == d);
  CHECK_FALSE(due[3].fired_at);
  CHECK(s.due_timers(at(3000), 2).value().size() == 2);
  CHECK(s.due_timers(at(999), 0).value().empty());

  const auto pending = s.pending_timers(d).value();
  REQUIRE(pending.size() == 4);
  CHECK(pending.front().fire_at == at(1000));

  REQUIRE(s.mark_timer_fired(due[0].id, at(3100)).ok());
  CHECK(s.mark_timer_fired(due[0].id, at(3200)).error().code == ErrorCode::Conflict);
  CHECK(s.mark_timer_fired(9999, at(3200)).error().code == ErrorCode::NotFound);
  CHECK(s.due_timers(at(3000), 0).value().size() == 3);
  CHECK(s.pending_timers(d).value().size() == 3);
  CHECK(*s.next_timer_at().value() == at(2000));

  REQUIRE(s.drop_pending_timers(d).ok());
  CHECK(s.pending_timers(d).value().empty());
  CHECK(s.pending_timers(other).value().size() == 1);
  // The fired timer stays, so its key can never fire again.
  CHECK_FALSE(s.insert_timer(make_timer(c, d, -30, 1000)).value());
  CHECK(s.insert_timer(make_timer(c, d, 0, 3000)).value());  // dropped keys may come back
}

TEST_CASE("notifications are idempotent by key and read in id order", "[storage][notifications]") {
  auto store = memory_store();
  SqliteStore& s = *store;
  const CaseId c = add_case(s, "B1");
  Notification n;
  n.key = "k1";
  n.case_id = c;
  n.workflow = "member";
  n.branch = "B1";
  n.kind = "talk";
  n.due = date("2024-02-01");
  n.days_left = -12;
  n.created_at = at(1706745600);
  n.text = {"张三：谈话已逾期 12 天", "Zhang San: talk overdue by 12 days"};
  const auto id1 = s.insert_notification(n).value();
  REQUIRE(id1);
  CHECK_FALSE(s.insert_notification(n).value());
  n.key = "k2";
  const auto id2 = s.insert_notification(n).value();
  REQUIRE(id2);
  CHECK(*id2 > *id1);

  const auto all = s.notifications_since(0, 0).value();
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == *id1);
  CHECK(all[0].key == "k1");
  CHECK(all[0].case_id == c);
  CHECK(all[0].workflow == "member");
  CHECK(all[0].branch == "B1");
  CHECK(all[0].kind == "talk");
  CHECK(all[0].due == date("2024-02-01"));
  CHECK(all[0].days_left == -12);
  CHECK(all[0].created_at == at(1706745600));
  CHECK(all[0].text.zh == "张三：谈话已逾期 12 天");
  CHECK(all[0].text.en == "Zhang San: talk overdue by 12 days");
  CHECK(s.notifications_since(*id1, 0).value().size() == 1);
  CHECK(s.notifications_since(0, 1).value().size() == 1);
}

TEST_CASE("hot paths on 100,000 cases", "[.perf][storage]") {
  TempDir dir;
  auto opened = SqliteStore::open(dir.file("big.db"), OpenMode::Create);
  REQUIRE(opened.ok());
  SqliteStore& s = **opened;
  constexpr int kCases = 100000;
  const Date base = date("2024-01-01");
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(s.begin_write().ok());
  for (const char* code : {"B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9"}) {
    Branch b;
    b.code = code;
    b.name = code;
    REQUIRE(s.insert_branch(b).ok());
  }
  for (int i = 0; i < kCases; ++i) {
    Case c;
    c.workflow = "member";
    c.branch = "B" + std::to_string(i % 10);
    c.title = "申请人" + std::to_string(i);
    c.state = i % 3 == 0 ? "activist" : "applicant";
    const CaseId id = s.insert_case(c).value();
    for (int k = 0; k < 2; ++k) {
      Deadline d;
      d.case_id = id;
      d.kind = k == 0 ? "talk" : "review";
      d.due = base.add_days((i * 7 + k * 180) % 1000);
      d.opened_on = base;
      const auto did = s.insert_deadline(d).value();
      for (int off : {-30, -7, 0}) {
        Timer t;
        t.key = std::to_string(id) + ":" + d.kind + ":" + std::to_string(off);
        t.case_id = id;
        t.deadline_id = did;
        t.kind = d.kind;
        t.due = d.due;
        t.offset_days = off;
        t.fire_at = TimePoint{d.due.add_days(off).sys_days()};
        REQUIRE(s.insert_timer(t).value());
      }
    }
  }
  REQUIRE(s.commit().ok());
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::cout << "setup: " << ms(std::chrono::steady_clock::now() - t0) << " ms\n";

  // Dues are spread evenly over 1000 days from `base`. On day 0 nothing is overdue and 3% of the
  // deadlines fall within 30 days; on day 300 a third of them are overdue as well.
  DeadlineFilter within30;
  within30.due_on_or_before = base.add_days(30);
  t0 = std::chrono::steady_clock::now();
  const auto soon = s.list_open_deadlines(within30).value();
  const double soon_ms = ms(std::chrono::steady_clock::now() - t0);
  std::cout << "list_open_deadlines(due within 30 days of day 0): " << soon.size() << " rows, "
            << soon_ms << " ms\n";
  t0 = std::chrono::steady_clock::now();
  const auto again = s.list_open_deadlines(within30).value();
  std::cout << "  the same again: " << again.size() << " rows, "
            << ms(std::chrono::steady_clock::now() - t0) << " ms\n";
  within30.due_on_or_before = base.add_days(300 + 30);
  t0 = std::chrono::steady_clock::now();
  const auto late = s.list_open_deadlines(within30).value();
  std::cout << "list_open_deadlines(overdue or due within 30 days of day 300): " << late.size()
            << " rows, " << ms(std::chrono::steady_clock::now() - t0) << " ms\n";

  t0 = std::chrono::steady_clock::now();
  const auto all = s.list_open_deadlines({}).value();
  const double all_ms = ms(std::chrono::steady_clock::now() - t0);
  std::cout << "list_open_deadlines(all): " << all.size() << " rows, " << all_ms << " ms\n";
  REQUIRE(all.size() == 2 * kCases);
  for (std::size_t i = 1; i < all.size(); ++i) REQUIRE(all[i - 1].deadline.due <= all[i].deadline.due);

  t0 = std::chrono::steady_clock::now();
  const auto due = s.due_timers(TimePoint{base.add_days(30).sys_days()}, 100).value();
  std::cout << "due_timers(limit 100): " << due.size() << " rows, "
            << ms(std::chrono::steady_clock::now() - t0) << " ms\n";

  CaseFilter f;
  f.branch = "B3";
  f.states = std::vector<std::string>{"activist"};
  t0 = std::chrono::steady_clock::now();
  const auto cases = s.list_cases(f).value();
  std::cout << "list_cases(branch, state): " << cases.size() << " rows, "
            << ms(std::chrono::steady_clock::now() - t0) << " ms\n";

  t0 = std::chrono::steady_clock::now();
  const auto one = s.find_case(54321).value();
  const auto dl = s.open_deadlines(54321).value();
  std::cout << "find_case + open_deadlines: " << ms(std::chrono::steady_clock::now() - t0)
            << " ms\n";
  CHECK(soon_ms < 100.0);
}
