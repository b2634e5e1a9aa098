// Fuzz target: webhook URLs (`notify add webhook URL`): parse_url and redact_url. Properties: no
// crash, no UB; an accepted URL has an http(s) scheme, a host and a target starting with '/'.
// Not yet checked, because today's parser fails it: an accepted URL has no control character
// (the fuzzer's first find: "http://[::\0\0\0\0\0\0\01]:80/" is accepted, NULs in the host).
// Refusing those is issue 7 §4 (the Boost.URL parser); add the property when it lands.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/runtime/message.hpp"

using djflow::engine::runtime::parse_url;
using djflow::engine::runtime::redact_url;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static_cast<void>(redact_url(text));  // no crash, no UB on any text (it is logged)
  auto u = parse_url(text);
  if (!u) return 0;
  if (u->scheme != "http" && u->scheme != "https") std::abort();
  if (u->host.empty() || u->target.empty() || u->target[0] != '/') std::abort();
  return 0;
}
