// Fuzz target: webhook URLs (`notify add webhook URL`): parse_url and redact_url. Properties: no
// crash, no UB; an accepted URL has an http(s) scheme, a host and a target starting with '/',
// and its redacted form is accepted too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/runtime/message.hpp"

using djflow::engine::runtime::parse_url;
using djflow::engine::runtime::redact_url;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string redacted = redact_url(text);
  auto u = parse_url(text);
  if (!u) return 0;
  if (u->scheme != "http" && u->scheme != "https") std::abort();
  if (u->host.empty() || u->target.empty() || u->target[0] != '/') std::abort();
  if (!parse_url(redacted)) std::abort();
  return 0;
}
