#include "storage/codec.hpp"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "engine/json_string.hpp"
#include "engine/utf8.hpp"

namespace djflow::engine::detail {
bool put_iso_date(char* p, const std::chrono::year_month_day& ymd);  // engine/date.cpp
}  // namespace djflow::engine::detail

namespace djflow::storage::detail {

using engine::Date;
using engine::Error;
using engine::Result;
using engine::Status;
using engine::Text;
using Json = nlohmann::json;

namespace {

Error corrupt(const char* what, std::string_view value) {
  std::string v(value.substr(0, 80));
  return Error::corruption(Text{"数据库中 " + std::string(what) + " 的值无效：'" + v + "'",
                                "invalid stored value in " + std::string(what) + ": '" + v + "'"});
}

int digits(std::string_view s, std::size_t from, std::size_t n) {
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

Result<std::string> dump(const Json& j) {
  try {
    return j.dump();  // strict: throws on invalid UTF-8
  } catch (const Json::exception& e) {
    return Error::invalid(Text{"输入不是有效的 UTF-8 文本", std::string("input is not valid UTF-8 text (") + e.what() + ")"});
  }
}

}  // namespace

IsoDate::IsoDate(Date d) {
  const std::chrono::year_month_day ymd{d.sys_days()};
  // The digits written directly, as Date::iso() does (every step binds three or four dates:
  // snprintf's format parsing was 4% of a PostgreSQL step's client instructions, decision 0133).
  if (engine::detail::put_iso_date(buf_, ymd)) {
    len_ = 10;
    return;
  }
  const int n = std::snprintf(buf_, sizeof buf_, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  len_ = n > 0 ? static_cast<std::size_t>(n) : 0;
}

bool parse_iso_date(std::string_view s, Date& out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (y < 0 || m < 0 || d < 0) return false;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  out = Date::from_sys_days(std::chrono::sys_days{ymd});
  return true;
}

namespace {

// A JSON string at t[i] (the opening quote) holding no escape and no control character: its
// bytes, i past its closing quote. False for anything else (the caller then runs the parser).
bool plain_string(std::string_view t, std::size_t& i, std::string_view& out) {
  if (i >= t.size() || t[i] != '"') return false;
  const std::size_t start = ++i;
  for (; i < t.size(); ++i) {
    const auto c = static_cast<unsigned char>(t[i]);
    if (c == '"') {
      out = t.substr(start, i - start);
      ++i;
      return true;
    }
    if (c == '\\' || c < 0x20) return false;
  }
  return false;
}

// The compact form encode_inputs writes, {"k":"v",...}, each key once, read without the parser
// (a step reads every event of its case). False, with `out` untouched, for any other text, which
// decode_inputs hands to nlohmann::json as before. `t` is valid UTF-8.
bool plain_inputs(std::string_view t, engine::Inputs& out) {
  engine::Inputs read;
  std::size_t i = 1;  // past '{'
  for (;;) {
    std::string_view k, v;
    if (!plain_string(t, i, k) || i >= t.size() || t[i++] != ':' || !plain_string(t, i, v)) return false;
    if (!read.emplace(std::string(k), std::string(v)).second) return false;  // a key twice: the parser's rule
    if (i >= t.size()) return false;
    const char next = t[i++];
    if (next == '}' && i == t.size()) break;
    if (next != ',') return false;
  }
  out = std::move(read);
  return true;
}

// The compact form encode_flags writes, ["a","b",...], as plain_inputs.
bool plain_flags(std::string_view t, std::vector<std::string>& out) {
  std::vector<std::string> read;
  std::size_t i = 1;  // past '['
  for (;;) {
    std::string_view f;
    if (!plain_string(t, i, f)) return false;
    read.emplace_back(f);
    if (i >= t.size()) return false;
    const char next = t[i++];
    if (next == ']' && i == t.size()) break;
    if (next != ',') return false;
  }
  out = std::move(read);
  return true;
}

}  // namespace

Result<std::string> encode_inputs(const engine::Inputs& in) {
  // Valid UTF-8 (every value djflow takes in): the bytes dump() writes, written directly.
  bool valid = true;
  for (const auto& [k, v] : in) valid = valid && engine::utf8::valid(k) && engine::utf8::valid(v);
  if (valid) {
    std::string out = "{";
    for (const auto& [k, v] : in) {  // std::map: the keys in nlohmann's (std::less) order
      if (out.size() > 1) out += ',';
      engine::put_json_string(out, k);
      out += ':';
      engine::put_json_string(out, v);
    }
    out += '}';
    return out;
  }
  Json j = Json::object();
  for (const auto& [k, v] : in) j[k] = v;  // nlohmann::json objects keep keys sorted
  return dump(j);  // fails: not UTF-8
}

Result<std::string> encode_flags(const std::vector<std::string>& flags) {
  bool valid = true;
  for (const auto& f : flags) valid = valid && engine::utf8::valid(f);
  if (valid) {
    std::string out = "[";
    for (const auto& f : flags) {
      if (out.size() > 1) out += ',';
      engine::put_json_string(out, f);
    }
    out += ']';
    return out;
  }
  return dump(Json(flags));  // fails: not UTF-8
}

Error corrupt_value(const char* what, std::string_view value) { return corrupt(what, value); }

Error event_exists(const engine::EventRecord& e) {
  const std::string id = std::to_string(e.case_id), seq = std::to_string(e.seq);
  return Error::conflict(engine::Text{"事项 #" + id + " 的第 " + seq + " 条记录已存在（可能被并发记录）；请重试",
                                      "event " + id + "#" + seq + " already exists (recorded concurrently?); try again"});
}

Status decode_inputs(std::string_view text, engine::Inputs& out) {
  out.clear();
  if (text == "{}") return {};  // most steps have no inputs: no parser for what encode_inputs wrote empty
  // What encode_inputs writes (nlohmann's parser rejects text that is not UTF-8: so does this).
  if (text.starts_with('{') && engine::utf8::valid(text) && plain_inputs(text, out)) return {};
  // Parse failures are reported as corruption, never thrown across the boundary.
  const Json inputs = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!inputs.is_object()) return corrupt("events.inputs", text);
  for (const auto& [k, v] : inputs.items()) {
    if (!v.is_string()) return corrupt("events.inputs", text);
    out.emplace(k, v.get<std::string>());
  }
  return {};
}

Status decode_flags(std::string_view text, std::vector<std::string>& out) {
  out.clear();
  if (text == "[]") return {};  // most steps have no flags (encode_flags' empty list)
  if (text.starts_with('[') && engine::utf8::valid(text) && plain_flags(text, out)) return {};
  const Json flags = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!flags.is_array()) return corrupt("events.flags", text);
  for (const auto& f : flags) {
    if (!f.is_string()) return corrupt("events.flags", text);
    out.push_back(f.get<std::string>());
  }
  return {};
}

Status read_date(const Statement& s, int col, const char* what, Date& out) {
  if (!parse_iso_date(s.text(col), out)) return corrupt(what, s.text(col));
  return {};
}

Status read_opt_date(const Statement& s, int col, const char* what, std::optional<Date>& out) {
  if (s.is_null(col)) {
    out.reset();
    return {};
  }
  Date d;
  DJFLOW_TRY(read_date(s, col, what, d));
  out = d;
  return {};
}

Status decode(const Statement& s, int col, engine::Branch& out) {
  out.code = s.string(col);
  out.name = s.string(col + 1);
  out.kind = s.string(col + 2);
  out.parent = s.string(col + 3);  // NULL -> ""
  out.created_at = from_unix(s.int64(col + 4));
  return {};
}

Status decode(const Statement& s, int col, engine::Person& out) {
  out.id = s.int64(col);
  out.name = s.string(col + 1);
  out.branch = s.string(col + 2);
  DJFLOW_TRY(read_date(s, col + 3, "persons.born", out.born));
  auto status = engine::member_status_from(s.text(col + 4));
  if (!status) return corrupt("persons.status", s.text(col + 4));
  out.status = *status;
  DJFLOW_TRY(read_opt_date(s, col + 5, "persons.joined", out.joined));
  out.created_at = from_unix(s.int64(col + 6));
  out.key = s.string(col + 7);    // NULL -> ""
  out.phone = s.string(col + 8);  // NULL -> ""
  return {};
}

Status decode(const Statement& s, int col, engine::Case& out) {
  out.id = s.int64(col);
  out.workflow = s.string(col + 1);
  if (s.is_null(col + 2)) {
    out.person.reset();
  } else {
    out.person = s.int64(col + 2);
  }
  out.branch = s.string(col + 3);
  out.title = s.string(col + 4);
  out.state = s.string(col + 5);
  out.version = s.int64(col + 6);
  out.head_hash = s.string(col + 7);
  out.created_at = from_unix(s.int64(col + 8));
  out.updated_at = from_unix(s.int64(col + 9));
  return {};
}

Status decode(const Statement& s, int col, engine::EventRecord& out) {
  out.case_id = s.int64(col);
  out.seq = s.int64(col + 1);
  out.event = s.string(col + 2);
  DJFLOW_TRY(read_date(s, col + 3, "events.effective_date", out.date));
  out.recorded_at = from_unix(s.int64(col + 4));
  out.actor = s.string(col + 5);
  DJFLOW_TRY(decode_inputs(s.text(col + 6), out.inputs));
  out.note = s.string(col + 7);
  out.ref = s.string(col + 8);
  out.rule_version = s.string(col + 9);
  out.from_state = s.string(col + 10);
  out.to_state = s.string(col + 11);
  DJFLOW_TRY(decode_flags(s.text(col + 12), out.flags));
  out.prev_hash = s.string(col + 13);
  out.hash = s.string(col + 14);
  return {};
}

Status decode(const Statement& s, int col, engine::Deadline& out) {
  out.id = s.int64(col);
  out.case_id = s.int64(col + 1);
  out.kind = s.string(col + 2);
  DJFLOW_TRY(read_date(s, col + 3, "deadlines.due_date", out.due));
  DJFLOW_TRY(read_date(s, col + 4, "deadlines.opened_on", out.opened_on));
  out.milestone = s.int64(col + 5) != 0;
  out.overdue_every_days = static_cast<int>(s.int64(col + 6));
  out.open = s.int64(col + 7) != 0;
  out.on_due_event = s.string(col + 9);
  return read_opt_date(s, col + 8, "deadlines.closed_on", out.closed_on);
}

Status decode(const Statement& s, int col, engine::Timer& out) {
  out.id = s.int64(col);
  out.key = s.string(col + 1);
  out.case_id = s.int64(col + 2);
  out.deadline_id = s.int64(col + 3);
  out.kind = s.string(col + 4);
  DJFLOW_TRY(read_date(s, col + 5, "timers.due_date", out.due));
  out.offset_days = static_cast<int>(s.int64(col + 6));
  out.fire_at = from_unix(s.int64(col + 7));
  if (s.is_null(col + 8)) {
    out.fired_at.reset();
  } else {
    out.fired_at = from_unix(s.int64(col + 8));
  }
  return {};
}

Status decode(const Statement& s, int col, engine::Notification& out) {
  out.id = s.int64(col);
  out.key = s.string(col + 1);
  out.case_id = s.int64(col + 2);
  out.workflow = s.string(col + 3);
  out.branch = s.string(col + 4);
  out.kind = s.string(col + 5);
  DJFLOW_TRY(read_date(s, col + 6, "notifications.due_date", out.due));
  out.days_left = static_cast<int>(s.int64(col + 7));
  out.created_at = from_unix(s.int64(col + 8));
  out.text.zh = s.string(col + 9);
  out.text.en = s.string(col + 10);
  return {};
}

}  // namespace djflow::storage::detail
