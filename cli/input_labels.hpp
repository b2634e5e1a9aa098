// What the 备注 column of a case's history says about a step's inputs: under Chinese, the meaning
// ("培养联系人：李老师、王老师；整改类型：限期整改"), people by name rather than by number; under
// English, the stored key=value pairs. The stored inputs themselves (and --json) are unchanged.
#pragma once

#include <string>

#include "cli/app.hpp"

namespace djflow::cli {

// The note, the inputs and the record reference of a step, for the history table.
std::string step_detail_text(const Cli& cli, const engine::EventRecord& e);

}  // namespace djflow::cli
