// Database health checks shared by `verify` and `serve` (issue 7 §1, §4): stored text that is
// not valid UTF-8 (invariant I13) and SQLite's quick page check.
#pragma once

#include <string>
#include <vector>

#include "cli/app.hpp"

namespace djflow::cli {

// One problem line per stored text value that is not valid UTF-8 ("persons row 3 column name:
// ..."), for verify's report. Error when the scan itself fails.
engine::Result<std::vector<std::string>> invalid_text_problems(Cli& cli);
engine::Result<std::vector<std::string>> invalid_text_problems(engine::Store& store);

// PRAGMA quick_check before `serve` starts: Corruption naming SQLite's findings when the pages
// are damaged (the daemon would otherwise fail later, one notification at a time).
engine::Status check_pages(Cli& cli);

}  // namespace djflow::cli
