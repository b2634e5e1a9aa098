// The one UTF-8 codec of djflow (invariant I13, docs/invariants.md): every text that enters
// djflow (arguments, option values, --with values, file contents, settings) is checked here at
// the edge, and every text that leaves it (JSON, tables, hashes) is decoded here. Strict UTF-8
// (RFC 3629): no overlong forms, no surrogates (U+D800-U+DFFF), nothing above U+10FFFF, no
// truncated sequences. Text inputs must also hold no NUL and stay under a length limit.
// Pure functions, no state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "engine/error.hpp"

namespace djflow::engine::utf8 {

// Largest text field djflow accepts (a note, a name, an argument, a setting value): 64 KiB.
inline constexpr std::size_t kMaxTextBytes = 64 * 1024;

// Length (1-4) of the valid UTF-8 sequence that starts at s[i]; 0 when the bytes there are not
// valid UTF-8. REQUIRES: i < s.size().
std::size_t sequence_length(std::string_view s, std::size_t i);

// When sequence_length(s, i) == 0: how many bytes one U+FFFD replaces (at least 1; Unicode's
// maximal subpart, as nlohmann::json's error_handler_t::replace counts them).
std::size_t invalid_length(std::string_view s, std::size_t i);

// Offset of the first byte that does not start a valid UTF-8 sequence; nullopt when s is valid.
std::optional<std::size_t> first_invalid(std::string_view s);
inline bool valid(std::string_view s) { return !first_invalid(s); }

// Decodes the code point at s[i] and advances i; bytes that are not UTF-8 decode as one U+FFFD
// per invalid_length() (so a caller walking a string never stalls and never reads past its end).
char32_t next(std::string_view s, std::size_t& i);

// s with every invalid sequence (see invalid_length) replaced by U+FFFD (valid UTF-8 comes back unchanged). For output of
// text stored behind djflow's back (the database may hold anything).
std::string replace_invalid(std::string_view s);

// s with non-printable bytes shown as \xHH, for naming a bad input in an error message.
std::string escape_for_message(std::string_view s, std::size_t max_bytes = 60);

// Checks a text input at the edge: valid UTF-8, no NUL byte, at most `max_bytes` bytes.
// InvalidInput naming `what` (e.g. "--note", "argument 3", "calendar file line 4") otherwise.
Status check_text(std::string_view s, const Text& what, std::size_t max_bytes = kMaxTextBytes);
inline Status check_text(std::string_view s, std::string_view what, std::size_t max_bytes = kMaxTextBytes) {
  return check_text(s, Text{std::string(what), std::string(what)}, max_bytes);
}

}  // namespace djflow::engine::utf8
