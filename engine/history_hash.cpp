#include "engine/history_hash.hpp"

// SHA-256 through OpenSSL's low-level interface, not EVP: the first EVP digest of a process
// initialises OpenSSL's provider machinery and reads its configuration file, which costs 2-20 ms
// of a 10 ms command (decision 0122). The digest is the same (tests/engine/history_hash_test.cpp
// checks the NIST vectors). The low-level calls are deprecated in OpenSSL 3, not removed.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <nlohmann/json.hpp>

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

std::string canonical_event(const EventRecord& e) {
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

std::string event_hash(const EventRecord& e) {
  return sha256_hex(e.prev_hash + "\n" + canonical_event(e));
}

}  // namespace djflow::engine
