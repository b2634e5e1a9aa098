#include "engine/history_hash.hpp"

// SHA-256 through OpenSSL's low-level interface, not EVP: the first EVP digest of a process
// initialises OpenSSL's provider machinery and reads its configuration file, which costs 2-20 ms
// of a 10 ms command (decision 0122). The digest is the same (tests/engine/history_hash_test.cpp
// checks the NIST vectors). The low-level calls are deprecated in OpenSSL 3, not removed.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <charconv>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/json_string.hpp"
#include "engine/utf8.hpp"

namespace djflow::engine {

namespace {

using Json = nlohmann::json;

// A string's place in the canonical form. Valid UTF-8 is the JSON string itself, exactly as it
// always was (so every hash in an existing database stays the same). A byte string that is not
// valid UTF-8 (only a database written behind djflow's back holds one) becomes an object
// {"invalid_utf8_hex": "<every byte in hex>"}: no valid string dumps as an object, and the hex
// keeps every byte, so "\xff" and "\xfe" hash differently.
Json canonical_string(const std::string& s) {
  if (utf8::valid(s)) return s;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(s.size() * 2);
  for (unsigned char c : s) {
    hex += kHex[c >> 4];
    hex += kHex[c & 0xF];
  }
  return Json{{"invalid_utf8_hex", hex}};
}

// The inputs map: an object as always when every key is valid UTF-8; otherwise an array of
// [key, value] pairs (an array is never what valid inputs dump as).
Json canonical_inputs(const Inputs& in) {
  bool keys_valid = true;
  for (const auto& kv : in) keys_valid = keys_valid && utf8::valid(kv.first);
  if (keys_valid) {
    Json j = Json::object();
    for (const auto& [k, v] : in) j[k] = canonical_string(v);
    return j;
  }
  Json a = Json::array();
  for (const auto& [k, v] : in) a.push_back(Json::array({canonical_string(k), canonical_string(v)}));
  return a;
}

Json canonical_list(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(canonical_string(s));
  return a;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  constexpr unsigned len = SHA256_DIGEST_LENGTH;
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(md, &ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0xf]);
  }
  return out;
}

// `s` as a JSON string, byte for byte as nlohmann::json::dump() writes a valid UTF-8 string
// (ensure_ascii off): '"', '\\' and the control characters escaped (\b \f \n \r \t, the
// others as \u00xx in lower-case hex), every other byte as it is (0x7f and non-ASCII included).
namespace {

void put_string(std::string& out, std::string_view s) { put_json_string(out, s); }

void put_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

bool all_valid(const EventRecord& e) {
  for (const std::string* s : {&e.event, &e.actor, &e.note, &e.ref, &e.rule_version, &e.from_state, &e.to_state})
    if (!utf8::valid(*s)) return false;
  for (const auto& [k, v] : e.inputs)
    if (!utf8::valid(k) || !utf8::valid(v)) return false;
  for (const auto& f : e.flags)
    if (!utf8::valid(f)) return false;
  return true;
}

// The canonical form through nlohmann::json: the definition, and the form of an event holding
// text that is not valid UTF-8.
std::string canonical_event_json(const EventRecord& e) {
  // nlohmann::json objects are std::map-backed: keys come out sorted, so dump() is canonical.
  // Every string goes through canonical_string, so dump() below never meets invalid UTF-8.
  Json j = {
      {"case", e.case_id},
      {"seq", e.seq},
      {"event", canonical_string(e.event)},
      {"date", e.date.iso()},
      {"recorded_at", e.recorded_at.time_since_epoch().count()},
      {"actor", canonical_string(e.actor)},
      {"inputs", canonical_inputs(e.inputs)},
      {"note", canonical_string(e.note)},
      {"ref", canonical_string(e.ref)},
      {"rule_version", canonical_string(e.rule_version)},
      {"from", canonical_string(e.from_state)},
      {"to", canonical_string(e.to_state)},
      {"flags", canonical_list(e.flags)},
  };
  return j.dump();
}

}  // namespace

std::string canonical_event(const EventRecord& e) {
  if (!all_valid(e)) return canonical_event_json(e);
  // Valid text (every event djflow writes): the same bytes as canonical_event_json, written
  // directly, keys in their sorted order (tests/engine/history_hash_test.cpp compares the two on
  // varied events). Building the JSON tree was a fifth of a PostgreSQL step's client
  // instructions (decision 0133).
  std::string out;
  out.reserve(192 + e.actor.size() + e.note.size() + e.ref.size() + e.event.size());
  out += "{\"actor\":";
  put_string(out, e.actor);
  out += ",\"case\":";
  put_int(out, e.case_id);
  out += ",\"date\":";
  put_string(out, e.date.iso());
  out += ",\"event\":";
  put_string(out, e.event);
  out += ",\"flags\":[";
  for (std::size_t i = 0; i < e.flags.size(); ++i) {
    if (i > 0) out += ',';
    put_string(out, e.flags[i]);
  }
  out += "],\"from\":";
  put_string(out, e.from_state);
  out += ",\"inputs\":{";
  bool first = true;
  for (const auto& [k, v] : e.inputs) {  // std::map: the keys in nlohmann's (std::less) order
    if (!first) out += ',';
    first = false;
    put_string(out, k);
    out += ':';
    put_string(out, v);
  }
  out += "},\"note\":";
  put_string(out, e.note);
  out += ",\"recorded_at\":";
  put_int(out, e.recorded_at.time_since_epoch().count());
  out += ",\"ref\":";
  put_string(out, e.ref);
  out += ",\"rule_version\":";
  put_string(out, e.rule_version);
  out += ",\"seq\":";
  put_int(out, e.seq);
  out += ",\"to\":";
  put_string(out, e.to_state);
  out += '}';
  return out;
}

std::string event_hash(const EventRecord& e) {
  return sha256_hex(e.prev_hash + "\n" + canonical_event(e));
}

}  // namespace djflow::engine
