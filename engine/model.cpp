#include "engine/model.hpp"

namespace djflow::engine {

const char* to_string(MemberStatus s) {
  switch (s) {
    case MemberStatus::None: return "none";
    case MemberStatus::Probationary: return "probationary";
    case MemberStatus::Full: return "full";
  }
  return "none";
}

std::optional<MemberStatus> member_status_from(std::string_view s) {
  if (s == "none") return MemberStatus::None;
  if (s == "probationary") return MemberStatus::Probationary;
  if (s == "full") return MemberStatus::Full;
  return std::nullopt;
}

}  // namespace djflow::engine
