// Small builders of port values for the conformance suite.
#pragma once

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "engine/history_hash.hpp"
#include "engine/store.hpp"

namespace djflow::storage::test {

inline engine::Date day(int y, unsigned m, unsigned d) {
  return engine::Date::from_sys_days(std::chrono::sys_days{
      std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}});
}

inline engine::TimePoint at(std::int64_t unix_seconds) {
  return engine::TimePoint{std::chrono::seconds{unix_seconds}};
}

template <class T>
T must(engine::Result<T> r) {
  if (!r) FAIL(r.error().message.en);
  return std::move(r).value();
}

inline void must(const engine::Status& s) {
  if (!s) FAIL(s.error().message.en);
}

inline void seed_branch(engine::Store& s, const std::string& code, const std::string& parent = "") {
  engine::Branch b;
  b.code = code;
  b.name = "第" + code + "党支部";
  b.kind = parent.empty() ? "committee" : "branch";
  b.parent = parent;
  b.created_at = at(1700000000);
  must(s.insert_branch(b));
}

inline engine::CaseId seed_case(engine::Store& s, const std::string& branch, const std::string& title = "张三") {
  engine::Case c;
  c.workflow = "member";
  c.branch = branch;
  c.title = title;
  c.state = "applied";
  c.created_at = at(1700000100);
  c.updated_at = c.created_at;
  return must(s.insert_case(c));
}

// Event `seq` of a case, chained from `prev_hash`, with text that must survive byte for byte.
inline engine::EventRecord chained_event(engine::CaseId id, std::int64_t seq, const std::string& prev_hash) {
  engine::EventRecord e;
  e.case_id = id;
  e.seq = seq;
  e.event = seq == 1 ? "apply" : "talk";
  e.date = day(2026, 3, static_cast<unsigned>(seq));
  e.recorded_at = at(1770000000 + seq);
  e.actor = "李书记";
  e.inputs = {{"note \"quoted\"", "第一行\n第二行\t制表"}, {"a", "é ü 𝄞"}};
  e.note = "谈话记录 #" + std::to_string(seq) + " — 'quotes' \\ backslash";
  e.ref = "党委〔2026〕" + std::to_string(seq) + "号";
  e.rule_version = "2014";
  e.from_state = seq == 1 ? "" : "applied";
  e.to_state = "applied";
  e.flags = seq == 1 ? std::vector<std::string>{} : std::vector<std::string>{"late:talk", "补录"};
  e.prev_hash = prev_hash;
  e.hash = engine::event_hash(e);
  return e;
}

}  // namespace djflow::storage::test
