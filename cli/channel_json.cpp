#include "cli/channel_json.hpp"

#include "engine/runtime/message.hpp"

namespace djflow::cli {

using engine::Channel;
namespace rt = engine::runtime;

namespace {

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

std::string shown_target(const Channel& c) {
  if (c.type == "console") return "stdout";
  if (c.type == "webhook") return rt::redact_url(c.target);
  if (c.type == "command") return join([&] {
      std::vector<std::string> v{c.target};
      v.insert(v.end(), c.args.begin(), c.args.end());
      return v;
    }(), " ");
  return c.target;
}

Json channel_json(const Channel& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"type", c.type},
          {"target", shown_target(c)},
          {"preset", c.preset},
          {"secret_set", !c.secret.empty()},
          {"branch", c.branch},
          {"workflows", c.workflows},
          {"kinds", c.kinds},
          {"digest", c.digest},
          {"rate_per_minute", c.rate_per_minute},
          {"max_attempts", c.max_attempts},
          {"timeout_seconds", c.timeout_seconds},
          {"lang", c.lang}};
}

}  // namespace djflow::cli
