// Issue 7, section 2: `djflow verify` finds every edit made behind djflow's back. One populated
// database (member development up to probationary membership, a second applicant, a
// rectification batch with an item that went overdue by itself, a term and an election, two
// channels, notifications after a tick, a setting changed later), then each edit below made with
// raw SQL on a fresh copy, and `verify` must exit 4 naming it. The clean copy verifies (exit 0).
// A history rewritten with every hash recomputed is found by `verify --anchor` only.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/history_hash.hpp"
#include "support/cli_runner.hpp"

using djflow::testing::Djflow;
using djflow::testing::RunResult;

namespace {

const std::string kNow = "--now=2027-09-01T12:00";

RunResult ok(const Djflow& d, std::vector<std::string> args) {
  args.insert(args.begin(), {"--lang", "en"});
  auto r = d.run(args);
  INFO(args[2] << ": " << r.err);
  REQUIRE(r.code == 0);
  return r;
}

void populate(const Djflow& d, const std::string& dir) {
  const std::string n = "--now=2027-09-01";
  ok(d, {n, "init"});
  ok(d, {n, "branch", "add", "B00", "--name", "机关党委", "--kind", "committee"});
  ok(d, {n, "branch", "add", "B01", "--name", "第一党支部", "--parent", "B00"});
  ok(d, {n, "branch", "add", "B02", "--name", "第二党支部", "--parent", "B00"});
  for (const char* p : {"李老师", "王老师", "赵老师", "钱老师"})  // persons 1-4
    ok(d, {n, "person", "add", p, "--branch", "B01", "--born", "1980-01-01", "--status", "full", "--joined", "2005-07-01"});
  for (int i = 1; i <= 5; ++i)  // persons 5-9
    ok(d, {n, "person", "add", "党员" + std::to_string(i), "--branch", "B02", "--born", "1981-01-01", "--status", "full",
           "--joined", "2009-07-01"});
  ok(d, {n, "person", "add", "张三", "--branch", "B01", "--born", "2000-05-01"});  // 10
  ok(d, {n, "person", "add", "李四", "--branch", "B02", "--born", "1999-01-01"});  // 11
  ok(d, {n, "member", "apply", "10", "--date", "2026-05-12"});                      // case 1
  const std::vector<std::vector<std::string>> steps{
      {"talk", "2026-05-20"},
      {"activist", "2026-06-01"},
      {"mentors", "2026-06-02", "mentors=1,2"},
      {"review", "2026-12-01"},
      {"propose", "2027-06-01"},
      {"consent", "2027-06-04"},
      {"publicize", "2027-06-11", "from=2027-06-07", "to=2027-06-11"},
      {"sponsors", "2027-06-12", "sponsors=3,4"},
      {"political-review", "2027-06-15", "result=pass"},
      {"training", "2027-06-20", "days=3"},
      {"pre-review", "2027-07-01"},
      {"admit", "2027-07-15", "eligible=4", "present=4", "yes=3"},
      {"interview", "2027-07-20"},
      {"approve", "2027-08-01"},  // 张三 becomes a probationary member
  };
  for (const auto& s : steps) {
    std::vector<std::string> args{n, "record", "1", s[0], "--date", s[1]};
    for (std::size_t i = 2; i < s.size(); ++i) args.insert(args.end(), {"--with", s[i]});
    ok(d, args);
  }
  ok(d, {n, "member", "apply", "11", "--date", "2027-08-20"});  // case 2
  ok(d, {n, "rectify", "batch", "add", "--source", "theme-education", "--org", "B01", "--feedback", "2027-08-01",
         "--title", "主题教育检视整改"});  // case 3
  ok(d, {n, "rectify", "add", "--batch", "3", "--problem", "党员教育方式单一", "--category", "教育", "--cause", "认识不足",
         "--target", "到位", "--measures", "制定分层学习计划", "--leader", "王书记", "--department", "组织委员",
         "--owner", "李委员", "--type", "deadline", "--deadline", "2027-08-25", "--date", "2027-08-02"});  // case 4
  ok(d, {"--now=2027-01-10", "branch", "term", "B02", "--start", "2024-06-20"});                   // case 5
  ok(d, {"--now=2027-03-01", "election", "start", "B02", "--date", "2027-03-01"});                 // case 6
  ok(d, {n, "record", "6", "请示", "--date", "2027-04-10", "--ref", "党支部〔2027〕3号"});
  ok(d, {n, "notify", "add", "file", dir + "/out.jsonl", "--name", "log"});
  ok(d, {n, "notify", "add", "webhook", "https://robot.example.org/hook", "--name", "robot", "--preset", "generic"});
  ok(d, {"--now=2027-09-01T10:00", "tick"});  // reminders fire; item 4 turns overdue by itself
  ok(d, {"--now=2027-09-01T11:00", "config", "set", "rectify.progress_days", "20"});
}

// The populated database, built once and copied for every edit.
const std::string& template_db() {
  static Djflow* d = nullptr;
  if (!d) {
    d = new Djflow();
    populate(*d, d->dir().path().string());
  }
  return d->db();
}

void sql(const std::string& db, const std::string& text) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h, text.c_str(), nullptr, nullptr, &err);
  INFO(text << ": " << (err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(h);
  REQUIRE(rc == SQLITE_OK);
}

// Copies the populated database into a fresh Djflow.
void copy_into(const Djflow& d) {
  std::filesystem::copy_file(template_db(), d.db(), std::filesystem::copy_options::overwrite_existing);
}

const std::string kDropEventTriggers = "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;";
const std::string kDropEntityTriggers = "DROP TRIGGER entity_events_no_update; DROP TRIGGER entity_events_no_delete;";
const std::string kEventTriggers = R"(
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: UPDATE is not allowed');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: DELETE is not allowed');
END;)";

// Rewrites the note of event `seq` of `case_id` and recomputes every later hash and the case's
// head, then restores the triggers: the chain is consistent again, only an anchor can tell.
void forge_chain(const std::string& db, int case_id, int seq, const std::string& note) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(h,
                             "SELECT seq, event, effective_date, recorded_at, actor, inputs, note, ref, rule_version, "
                             "from_state, to_state, flags FROM events WHERE case_id = ?1 ORDER BY seq",
                             -1, &s, nullptr) == SQLITE_OK);
  sqlite3_bind_int(s, 1, case_id);
  std::vector<djflow::engine::EventRecord> events;
  auto text = [&](int c) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c))); };
  while (sqlite3_step(s) == SQLITE_ROW) {
    djflow::engine::EventRecord e;
    e.case_id = case_id;
    e.seq = sqlite3_column_int64(s, 0);
    e.event = text(1);
    e.date = *djflow::engine::Date::parse(text(2));
    e.recorded_at = djflow::engine::TimePoint(std::chrono::seconds(sqlite3_column_int64(s, 3)));
    e.actor = text(4);
    e.inputs = nlohmann::json::parse(text(5)).get<djflow::engine::Inputs>();
    e.note = text(6);
    e.ref = text(7);
    e.rule_version = text(8);
    e.from_state = text(9);
    e.to_state = text(10);
    e.flags = nlohmann::json::parse(text(11)).get<std::vector<std::string>>();
    events.push_back(e);
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  std::string prev, script = kDropEventTriggers;
  for (auto& e : events) {
    if (e.seq == seq) e.note = note;
    e.prev_hash = prev;
    e.hash = djflow::engine::event_hash(e);
    prev = e.hash;
    script += "UPDATE events SET note = '" + e.note + "', prev_hash = '" + e.prev_hash + "', hash = '" + e.hash +
              "' WHERE case_id = " + std::to_string(case_id) + " AND seq = " + std::to_string(e.seq) + ";";
  }
  script += "UPDATE cases SET head_hash = '" + prev + "' WHERE id = " + std::to_string(case_id) + ";" + kEventTriggers;
  sql(db, script);
}

struct Edit {
  const char* what;
  std::string sql;
  const char* expect;  // a piece of the problem verify must report
};

// The timer of case `c` that is still pending, the earliest one.
std::string pending_timer(int c) {
  return "(SELECT min(id) FROM timers WHERE case_id = " + std::to_string(c) + " AND fired_at IS NULL)";
}
std::string fired_timer(int c) {
  return "(SELECT max(id) FROM timers WHERE case_id = " + std::to_string(c) + " AND fired_at IS NOT NULL)";
}
std::string open_deadline(int c) {
  return "(SELECT min(id) FROM deadlines WHERE case_id = " + std::to_string(c) + " AND open = 1)";
}
std::string closed_deadline(int c) {
  return "(SELECT max(id) FROM deadlines WHERE case_id = " + std::to_string(c) + " AND open = 0)";
}
const std::string kSomeNotification = "(SELECT min(id) FROM notifications)";

// Every table, every column that carries meaning.
const std::vector<Edit>& edits() {
  static const std::vector<Edit> all = {
      // cases: the binding (in the entity history) and the derived columns (replay, chain)
      {"case moved to another person", "UPDATE cases SET person_id = 11 WHERE id = 1", "case 1 changed behind djflow's back: person_id"},
      {"case moved to another workflow", "UPDATE cases SET workflow = 'term' WHERE id = 2", "case 2 changed behind djflow's back: workflow"},
      {"case moved to another organisation", "UPDATE cases SET branch = 'B02' WHERE id = 1", "case 1 changed behind djflow's back: branch"},
      {"case retitled", "UPDATE cases SET title = '王五' WHERE id = 1", "title: history"},
      {"case state changed", "UPDATE cases SET state = 'full' WHERE id = 1", "case #1: state 'full' differs"},
      {"case version changed", "UPDATE cases SET version = version + 1 WHERE id = 2", "case #2: version"},
      {"case head changed", "UPDATE cases SET head_hash = 'x' WHERE id = 2", "case #2: chain head"},
      {"case created_at changed", "UPDATE cases SET created_at = created_at - 86400 WHERE id = 2", "case 2 changed behind djflow's back: created_at"},
      {"case updated_at changed", "UPDATE cases SET updated_at = updated_at + 86400 WHERE id = 2", "case #2: updated_at"},
      {"whole case deleted",
       kDropEventTriggers + "DELETE FROM timers WHERE case_id = 2; DELETE FROM deliveries WHERE notification_id IN "
       "(SELECT id FROM notifications WHERE case_id = 2); DELETE FROM notifications WHERE case_id = 2; "
       "DELETE FROM deadlines WHERE case_id = 2; DELETE FROM events WHERE case_id = 2; DELETE FROM cases WHERE id = 2;" + kEventTriggers,
       "case 2: deleted behind djflow's back"},
      {"case row inserted",
       "INSERT INTO cases (id, workflow, person_id, branch, title, state, version, head_hash, created_at, updated_at) "
       "VALUES (50, 'member', 11, 'B02', '李四', 'applicant', 0, '', 0, 0)",
       "case 50: not in the entity history"},
      {"orphan events",
       kDropEventTriggers + "INSERT INTO events SELECT 99, seq, event, effective_date, recorded_at, actor, inputs, note, ref, "
       "rule_version, from_state, to_state, flags, prev_hash, hash FROM events WHERE case_id = 2;" + kEventTriggers,
       "case #99 does not exist"},
      {"last event deleted and the case row fixed up",
       kDropEventTriggers + "DELETE FROM events WHERE case_id = 1 AND seq = 15; UPDATE cases SET version = 14, state = "
       "(SELECT to_state FROM events WHERE case_id = 1 AND seq = 14), head_hash = (SELECT hash FROM events WHERE "
       "case_id = 1 AND seq = 14), updated_at = (SELECT recorded_at FROM events WHERE case_id = 1 AND seq = 14) "
       "WHERE id = 1;" + kEventTriggers,
       "case #1: deadline"},
      // events
      {"event edited", kDropEventTriggers + "UPDATE events SET note = '补记' WHERE case_id = 1 AND seq = 2",
       "case #1 event 2 (talk): content does not match its hash"},
      {"event deleted in the middle", kDropEventTriggers + "DELETE FROM events WHERE case_id = 1 AND seq = 3",
       "case #1: event 3 is missing"},
      {"event date moved and the chain recomputed", "", "case #1"},  // special: see below
      // deadlines
      {"deadline moved", "UPDATE deadlines SET due_date = '2030-01-01' WHERE id = " + open_deadline(2), "due_date stored 2030-01-01"},
      {"deadline closed", "UPDATE deadlines SET open = 0, closed_on = '2027-08-21' WHERE id = " + open_deadline(2), "open stored 0, derived 1"},
      {"deadline deleted", "DELETE FROM timers WHERE deadline_id = " + open_deadline(2) + "; DELETE FROM deadlines WHERE id = " + open_deadline(2),
       "derived from the history is not stored (deleted)"},
      {"deadline inserted", "INSERT INTO deadlines (case_id, kind, due_date, opened_on, milestone, overdue_every_days, open) "
       "VALUES (2, 'review', '2027-12-01', '2027-08-20', 0, 7, 1)", "is not derived from the history (inserted)"},
      {"deadline reopened", "UPDATE deadlines SET open = 1, closed_on = NULL WHERE id = " + closed_deadline(1), "open stored 1, derived 0"},
      {"deadline opened_on changed", "UPDATE deadlines SET opened_on = '2027-01-01' WHERE id = " + open_deadline(2), "opened_on stored 2027-01-01"},
      {"deadline milestone flag flipped", "UPDATE deadlines SET milestone = 1 - milestone WHERE id = " + open_deadline(2), "milestone stored"},
      {"deadline repeat changed", "UPDATE deadlines SET overdue_every_days = 99 WHERE id = " + open_deadline(2), "overdue_every_days stored 99"},
      {"deadline on-due event changed", "UPDATE deadlines SET on_due_event = '' WHERE id = " + open_deadline(4) + " OR id = " + closed_deadline(4),
       "on_due_event stored"},
      {"deadline closed_on changed", "UPDATE deadlines SET closed_on = '2020-01-01' WHERE id = " + closed_deadline(1), "closed_on stored 2020-01-01"},
      // timers
      {"timer marked fired", "UPDATE timers SET fired_at = fire_at WHERE id = " + pending_timer(2), "is marked fired but no notification says so"},
      {"timer deleted", "DELETE FROM timers WHERE id = " + pending_timer(2), "is missing (deleted)"},
      {"timer moved ten years ahead", "UPDATE timers SET fire_at = fire_at + 315360000 WHERE id = " + pending_timer(2), "(moved)"},
      {"fired timer unfired", "UPDATE timers SET fired_at = NULL WHERE id = " + fired_timer(2), "has no fired timer with its key"},
      {"fired timer deleted", "DELETE FROM timers WHERE id = " + fired_timer(2), "has no fired timer with its key"},
      {"timer inserted", "INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, fire_at) SELECT "
       "case_id || ':' || kind || ':' || due_date || ':-3', case_id, deadline_id, kind, due_date, -3, fire_at - 4 * 86400 "
       "FROM timers WHERE id = " + pending_timer(2), "not a reminder its deadline schedules (inserted)"},
      {"timer re-keyed", "UPDATE timers SET key = key || 'x' WHERE id = " + pending_timer(2), "key, kind or due date do not match"},
      {"timer fired in the future", "UPDATE timers SET fired_at = fire_at - 86400 WHERE id = " + pending_timer(2), "marked fired before it fell due"},
      // notifications
      {"notification deleted", "DELETE FROM deliveries WHERE notification_id = " + kSomeNotification +
       "; DELETE FROM notifications WHERE id = " + kSomeNotification, "deleted behind djflow's back"},
      {"notification text edited", "UPDATE notifications SET text_zh = '已办结' WHERE id = " + kSomeNotification, "text_zh: history"},
      {"notification days_left edited", "UPDATE notifications SET days_left = 99 WHERE id = " + kSomeNotification, "days_left: history"},
      {"notification inserted", "INSERT INTO notifications (key, case_id, workflow, branch, kind, due_date, days_left, created_at, "
       "text_zh, text_en) VALUES ('x', 1, 'member', 'B01', 'talk', '2027-01-01', 0, 0, '', '')", "not in the entity history"},
      // persons
      {"person's birth date changed", "UPDATE persons SET born = '2012-05-01' WHERE id = 10", "person 10 changed behind djflow's back: born"},
      {"person's status changed", "UPDATE persons SET status = 'full' WHERE id = 10", "person 10 (张三): status full, its cases derive probationary"},
      {"person's joined date changed", "UPDATE persons SET joined = '2020-01-01' WHERE id = 1", "person 1 changed behind djflow's back: joined"},
      {"person renamed", "UPDATE persons SET name = '某人' WHERE id = 3", "person 3 changed behind djflow's back: name"},
      {"person moved to another branch", "UPDATE persons SET branch = 'B02' WHERE id = 3", "person 3 changed behind djflow's back: branch"},
      {"person deleted", "DELETE FROM persons WHERE id = 9", "person 9: deleted behind djflow's back"},
      {"person inserted", "INSERT INTO persons (name, branch, born, status, joined, created_at) VALUES ('幽灵', 'B02', '1980-01-01', 'full', '2000-01-01', 0)",
       "person 12: not in the entity history"},
      // organisations
      {"branch renamed", "UPDATE branches SET name = '第三党支部' WHERE code = 'B01'", "branch B01 changed behind djflow's back: name"},
      {"branch moved", "UPDATE branches SET parent = NULL WHERE code = 'B02'", "branch B02 changed behind djflow's back: parent"},
      {"branch kind changed", "UPDATE branches SET kind = 'general' WHERE code = 'B01'", "branch B01 changed behind djflow's back: kind"},
      {"branch inserted", "INSERT INTO branches (code, name, kind, parent, created_at) VALUES ('B09', '影子支部', 'branch', 'B00', 0)",
       "branch B09: not in the entity history"},
      // rectification ledger
      {"rectification item's owner changed", "UPDATE rectify_items SET owner = '张三' WHERE case_id = 4", "rectify-item 4 changed behind djflow's back: owner"},
      {"rectification item's deadline changed", "UPDATE rectify_items SET deadline = '2028-01-01' WHERE case_id = 4", "rectify-item 4 changed behind djflow's back: deadline"},
      {"rectification item's leader changed", "UPDATE rectify_items SET leader = '某领导' WHERE case_id = 4", "leader: history"},
      {"rectification batch retitled", "UPDATE rectify_batches SET title = '其他' WHERE case_id = 3", "rectify-batch 3 changed behind djflow's back: title"},
      // channels
      {"webhook URL redirected", "UPDATE channels SET target = 'https://evil.example.net/collect' WHERE name = 'robot'", "channel 2 changed behind djflow's back: target"},
      {"channel secret changed", "UPDATE channels SET secret = 'stolen' WHERE name = 'robot'", "secret: history"},
      {"channel routing changed", "UPDATE channels SET branch = 'B01', kinds = '[\"talk\"]' WHERE name = 'log'", "channel 1 changed behind djflow's back: branch"},
      {"channel deleted", "DELETE FROM deliveries WHERE channel_id = 1; DELETE FROM channels WHERE id = 1", "channel 1: deleted behind djflow's back"},
      // settings and calendar
      {"time zone changed", "UPDATE settings SET value = 'Asia/Tokyo' WHERE key = 'timezone'; "
       "INSERT OR IGNORE INTO settings VALUES ('timezone', 'Asia/Tokyo')", "setting timezone"},
      {"reminder time changed", "INSERT OR REPLACE INTO settings VALUES ('reminder.time', '06:00')", "setting reminder.time"},
      {"setting changed", "UPDATE settings SET value = '200' WHERE key = 'rectify.progress_days'", "setting rectify.progress_days changed behind djflow's back: value"},
      {"setting deleted", "DELETE FROM settings WHERE key = 'rectify.progress_days'", "setting rectify.progress_days: deleted"},
      {"holiday changed", "UPDATE holidays SET kind = 'work' WHERE date = '2026-10-01'", "holiday 2026-10-01 changed behind djflow's back: kind"},
      {"holiday deleted", "DELETE FROM holidays WHERE date = '2026-10-02'", "holiday 2026-10-02: deleted"},
      {"holiday inserted", "INSERT INTO holidays VALUES ('2027-09-15', 'off', '自定')", "holiday 2027-09-15: not in the entity history"},
      // the year-end projection (migration 11): derived from the events, recomputed by verify
      {"year-end projection row edited", "UPDATE case_years SET state = 'full' WHERE case_id = 1 AND year = 2026",
       "case_years: row case #1, year 2026: date 2026-12-01, state full"},
      {"year-end projection mixed flag flipped", "UPDATE case_years SET mixed = 1 WHERE case_id = 1 AND year = 2027",
       "mixed 1 differs from its history's"},
      {"year-end projection row deleted", "DELETE FROM case_years WHERE case_id = 2", "case_years: row missing: case #2, year 2027"},
      {"year-end projection trigger dropped", "DROP TRIGGER case_years_event",
       "trigger case_years_event is missing: the year-end projection (case_years) no longer follows the events"},
      {"year-end projection trigger replaced by a no-op",
       "DROP TRIGGER case_years_event; CREATE TRIGGER case_years_event AFTER INSERT ON events BEGIN SELECT 1; END",
       "trigger case_years_event was altered"},
      {"year-end projection row inserted", "INSERT INTO case_years VALUES (1, 2030, '2030-01-01', 'full', ',full,', 0)",
       "case_years: row case #1, year 2030: date 2030-01-01, state full, states ,full,, mixed 0 is not derived from the history"},
      // the append-only guarantees themselves
      {"events update trigger dropped", "DROP TRIGGER events_no_update", "trigger events_no_update is missing"},
      {"events delete trigger dropped", "DROP TRIGGER events_no_delete", "trigger events_no_delete is missing"},
      {"events trigger replaced by a no-op", "DROP TRIGGER events_no_delete; CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT 1; END",
       "trigger events_no_delete was altered"},
      {"entity history triggers dropped", kDropEntityTriggers, "trigger entity_events_no_update is missing"},
      {"entity event edited", kDropEntityTriggers + "UPDATE entity_events SET data = replace(data, '1980', '1970') WHERE entity = 'person' AND key = '1'",
       "(person 1): content does not match its hash"},
      {"entity event deleted", kDropEntityTriggers + "DELETE FROM entity_events WHERE seq = 5", "entity history: event 5 is missing"},
  };
  return all;
}

}  // namespace

TEST_CASE("the clean populated database verifies", "[cli][verify][tamper]") {
  Djflow d;
  copy_into(d);
  auto r = d.run({"--lang", "en", kNow, "verify"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  auto j = d.run({"--json", kNow, "verify"}).json();
  CHECK(j["ok"] == true);
  CHECK(j["cases"] == 6);
  CHECK(j["problems"].empty());
}

TEST_CASE("verify finds every edit made behind djflow's back", "[cli][verify][tamper]") {
  REQUIRE(edits().size() >= 49);
  for (const auto& e : edits()) {
    DYNAMIC_SECTION(e.what) {
      Djflow d;
      copy_into(d);
      if (e.sql.empty()) {
        // The talk's date moved with every hash recomputed: the chain is sound, but the deadline
        // the talk opened no longer matches its history.
        forge_chain(d.db(), 1, 2, "谈话");
        sql(d.db(), kDropEventTriggers + "UPDATE events SET effective_date = '2026-05-13' WHERE case_id = 1 AND seq = 2;" + kEventTriggers);
        forge_chain(d.db(), 1, 2, "谈话");
      } else {
        sql(d.db(), e.sql);
      }
      auto r = d.run({"--lang", "en", kNow, "verify"});
      INFO(r.out << r.err);
      CHECK(r.code == 4);
      CHECK(r.out.find(e.expect) != std::string::npos);
    }
  }
}

TEST_CASE("a history rewritten with every hash recomputed is found by its anchor", "[cli][verify][anchor]") {
  Djflow d;
  copy_into(d);
  const std::string file = (d.dir().path() / "anchors").string();
  auto a = d.run({"--json", kNow, "anchor", "--file", file});
  REQUIRE(a.code == 0);
  const std::string root = a.json()["root"];
  CHECK(root.size() == 64);
  // Unchanged: both forms prove today's history extends the anchor.
  CHECK(d.run({kNow, "verify", "--anchor", file}).code == 0);
  CHECK(d.run({kNow, "verify", "--anchor", root, "--file", file}).code == 0);
  // Growth after the anchor is fine.
  REQUIRE(d.run({kNow, "record", "2", "talk", "--date", "2027-08-30"}).code == 0);
  CHECK(d.run({kNow, "verify", "--anchor", root, "--file", file}).code == 0);

  forge_chain(d.db(), 1, 3, "改写的记录");
  auto plain = d.run({"--lang", "en", kNow, "verify"});
  INFO(plain.out);
  CHECK(plain.code == 0);  // the chain alone cannot tell
  auto anchored = d.run({"--lang", "en", kNow, "verify", "--anchor", root, "--file", file});
  INFO(anchored.out);
  CHECK(anchored.code == 4);
  CHECK(anchored.out.find("not the anchored " + root) != std::string::npos);
  // An unknown digest is not found (exit 3), a malformed file is invalid input (exit 2).
  CHECK(d.run({kNow, "verify", "--anchor", std::string(64, 'a'), "--file", file}).code == 3);
  std::ofstream(d.dir().path() / "bad") << "not json\n";
  CHECK(d.run({kNow, "verify", "--anchor", (d.dir().path() / "bad").string()}).code == 2);
}
