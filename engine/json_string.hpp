// A JSON string written as nlohmann::json::dump() writes it with ensure_ascii off and
// error_handler_t::replace: UTF-8 as it is; \b \t \n \f \r \" \\ and \u00xx for the other
// control characters; each invalid UTF-8 sequence (utf8::invalid_length) as U+FFFD. One writer
// for the event's canonical form (engine/history_hash.cpp: its text is valid UTF-8 there, so the
// bytes, and every stored hash, are those of dump()), the stored inputs and flags
// (storage/codec.cpp) and the CLI's JSON output (cli/json_text.hpp, cli/render.cpp).
#pragma once

#include <string>
#include <string_view>

namespace djflow::engine {

// Appends `s` quoted and escaped to `out`.
void put_json_string(std::string& out, std::string_view s);

}  // namespace djflow::engine
