// What a backend knows about itself: whether its storage is sound, and whether another process
// has committed since it last looked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/error.hpp"

namespace djflow::engine {

class HealthStore {
 public:
  virtual ~HealthStore() = default;

  // The backend's own consistency check, as a list of problems in its own words; empty when
  // sound (SQLite: PRAGMA integrity_check).
  virtual Result<std::vector<std::string>> integrity_problems() = 0;

  // A token that changes when another process (or connection) has committed since the last call
  // could have seen it; cheap enough to poll every second. A daemon compares it with the last
  // value to re-read its next wake-up time (SQLite: PRAGMA data_version; a server backend may
  // count notifications it was sent).
  virtual Result<std::int64_t> change_token() = 0;
};

}  // namespace djflow::engine
