#include "engine/history_hash.hpp"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

namespace djflow::engine {

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
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
  nlohmann::json j = {
      {"case", e.case_id},
      {"seq", e.seq},
      {"event", e.event},
      {"date", e.date.iso()},
      {"recorded_at", e.recorded_at.time_since_epoch().count()},
      {"actor", e.actor},
      {"inputs", e.inputs},
      {"note", e.note},
      {"ref", e.ref},
      {"rule_version", e.rule_version},
      {"from", e.from_state},
      {"to", e.to_state},
      {"flags", e.flags},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string event_hash(const EventRecord& e) {
  return sha256_hex(e.prev_hash + "\n" + canonical_event(e));
}

}  // namespace djflow::engine
