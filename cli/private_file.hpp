// Files djflow creates for the user (exports, the daemon's log) hold members' personal data:
// they are mode 0600 whatever the umask, and an existing file is narrowed to 0600 too.
#pragma once

#include <string>
#include <string_view>

#include "engine/error.hpp"

namespace djflow::cli {

// Creates `path` (mode 0600) unless it exists, and sets its mode to 0600. InvalidInput naming the
// path when it cannot (a directory, no permission).
engine::Status make_private_file(const std::string& path);

// Replaces the contents of `path` with `data`; the file is 0600 as above.
engine::Status write_private_file(const std::string& path, std::string_view data);

}  // namespace djflow::cli
