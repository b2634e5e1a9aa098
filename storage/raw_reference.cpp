#include "storage/raw_reference.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "storage/codec.hpp"
#include "storage/migrations.hpp"
#include "storage/statement.hpp"

namespace djflow::storage {

namespace {

using detail::IsoDate;
using detail::Statement;
using detail::Use;
using engine::Date;
using engine::Result;
using engine::Status;

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

// A hex string of `n` characters derived from `seed`, standing in for a SHA-256 digest.
std::string fake_hex(std::uint64_t seed, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(n, '0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& ch : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    ch = kHex[x & 15];
  }
  return s;
}

Status step_done(sqlite3* db, Statement& s, const char* what) {
  Use use(s);
  const int rc = s.step();
  if (rc != SQLITE_DONE) return detail::sqlite_error(db, rc, what);
  return {};
}

Result<double> run(const std::string& path, int cases, int steps_per_case) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);

  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK) return detail::sqlite_error(raw, rc, "open " + path);
  DJFLOW_TRY(detail::configure_connection(raw));
  DJFLOW_TRY(detail::set_wal(raw));
  DJFLOW_TRY(detail::migrate(raw));

  auto prepare = [&](const char* sql) { return Statement::prepare(raw, sql); };
  auto begin = prepare("BEGIN IMMEDIATE");
  auto commit = prepare("COMMIT");
  auto ins_person = prepare(
      "INSERT INTO persons (name, branch, born, status, joined, created_at) "
      "VALUES (?1, 'B1', '2000-01-01', 'none', NULL, 1700000000)");
  auto ins_case = prepare(
      "INSERT INTO cases (workflow, person_id, branch, title, state, version, head_hash, "
      "created_at, updated_at) VALUES ('member', ?1, 'B1', ?2, 'applicant', 0, '', 1700000000, "
      "1700000000)");
  auto ins_event = prepare(
      "INSERT INTO events (case_id, seq, event, effective_date, recorded_at, actor, inputs, note, "
      "ref, rule_version, from_state, to_state, flags, prev_hash, hash) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  auto upd_case = prepare(
      "UPDATE cases SET state = ?3, version = version + 1, head_hash = ?4, updated_at = ?5 "
      "WHERE id = ?1 AND version = ?2");
  auto ins_deadline = prepare(
      "INSERT INTO deadlines (case_id, kind, due_date, opened_on, milestone, overdue_every_days, "
      "open, closed_on) VALUES (?1, ?2, ?3, ?4, 0, 7, 1, NULL)");
  auto ins_timer = prepare(
      "INSERT INTO timers (key, case_id, deadline_id, kind, due_date, offset_days, fire_at, "
      "fired_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL) ON CONFLICT (key) DO NOTHING");
  for (auto* s : {&begin, &commit, &ins_person, &ins_case, &ins_event, &upd_case, &ins_deadline,
                  &ins_timer}) {
    if (!s->ok()) return s->error();
  }

  // Set-up, untimed: one branch, one person and one case per case.
  DJFLOW_TRY(detail::exec(raw, "BEGIN IMMEDIATE", "setup"));
  DJFLOW_TRY(detail::exec(raw,
                          "INSERT INTO branches (code, name, kind, parent, created_at) "
                          "VALUES ('B1', '第一党支部', 'branch', NULL, 1700000000)",
                          "setup"));
  for (int c = 1; c <= cases; ++c) {
    const std::string name = "申请人" + std::to_string(c);
    ins_person->bind(1, std::string_view(name));
    DJFLOW_TRY(step_done(raw, *ins_person, "insert person"));
    ins_case->bind(1, static_cast<std::int64_t>(sqlite3_last_insert_rowid(raw)));
    ins_case->bind(2, std::string_view(name));
    DJFLOW_TRY(step_done(raw, *ins_case, "insert case"));
  }
  DJFLOW_TRY(detail::exec(raw, "COMMIT", "setup"));

  const std::string inputs = R"({"from":"2024-03-01","to":"2024-03-08"})";
  const std::string flags = R"(["late:talk"])";
  const std::string note = "支部委员会会议纪要 第12号";
  const std::string actor = "bench";
  const Date base = Date::from_days(19723);  // 2024-01-01

  const auto start = std::chrono::steady_clock::now();
  for (int c = 1; c <= cases; ++c) {
    std::string prev_hash;
    for (int s = 1; s <= steps_per_case; ++s) {
      const std::uint64_t n = static_cast<std::uint64_t>(c) * 1000003u + static_cast<unsigned>(s);
      const std::string hash = fake_hex(n, 64);
      const Date date = base.add_days(s * 30);
      const Date due = date.add_days(30);
      const IsoDate date_text(date), due_text(due);
      const std::int64_t now = 1704067200 + n;

      DJFLOW_TRY(step_done(raw, *begin, "begin"));
      {
        Statement& e = *ins_event;
        e.bind(1, std::int64_t{c});
        e.bind(2, std::int64_t{s});
        e.bind(3, std::string_view("review"));
        e.bind(4, date_text.view());
        e.bind(5, now);
        e.bind(6, actor);
        e.bind(7, inputs);
        e.bind(8, note);
        e.bind(9, std::string_view("纪要-2024-12"));
        e.bind(10, std::string_view("2014"));
        e.bind(11, std::string_view("activist"));
        e.bind(12, std::string_view("activist"));
        e.bind(13, flags);
        e.bind(14, prev_hash);
        e.bind(15, hash);
        DJFLOW_TRY(step_done(raw, e, "insert event"));
      }
      {
        Statement& u = *upd_case;
        u.bind(1, std::int64_t{c});
        u.bind(2, std::int64_t{s - 1});
        u.bind(3, std::string_view("activist"));
        u.bind(4, hash);
        u.bind(5, now);
        DJFLOW_TRY(step_done(raw, u, "update case"));
        if (sqlite3_changes(raw) != 1) return engine::Error::storage("reference: version mismatch");
      }
      {
        Statement& d = *ins_deadline;
        d.bind(1, std::int64_t{c});
        d.bind(2, std::string_view("review"));
        d.bind(3, due_text.view());
        d.bind(4, date_text.view());
        DJFLOW_TRY(step_done(raw, d, "insert deadline"));
      }
      const std::int64_t deadline_id = sqlite3_last_insert_rowid(raw);
      for (const int offset : {-7, 0, 7}) {
        Statement& t = *ins_timer;
        const std::string key = std::to_string(c) + ":review:" + std::string(due_text.view()) +
                                ":" + std::to_string(offset);
        t.bind(1, key);
        t.bind(2, std::int64_t{c});
        t.bind(3, deadline_id);
        t.bind(4, std::string_view("review"));
        t.bind(5, due_text.view());
        t.bind(6, offset);
        t.bind(7, now + 86400 * (30 + offset));
        DJFLOW_TRY(step_done(raw, t, "insert timer"));
      }
      DJFLOW_TRY(step_done(raw, *commit, "commit"));
      prev_hash = hash;
    }
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  const double steps = static_cast<double>(cases) * steps_per_case;
  return elapsed.count() > 0 ? steps / elapsed.count() : 0.0;
}

}  // namespace

double raw_sqlite_reference_steps(const std::string& path, int cases, int steps_per_case) {
  auto r = run(path, cases, steps_per_case);
  if (!r) {
    std::cerr << "raw_sqlite_reference_steps: " << r.error().message.en << "\n";
    return -1.0;
  }
  return *r;
}

}  // namespace djflow::storage
