#include "storage/channel_rows.hpp"

#include <nlohmann/json.hpp>

namespace djflow::storage::detail {

using Json = nlohmann::json;

std::string encode_list(const std::vector<std::string>& v) { return Json(v).dump(); }

engine::Status decode_list(std::string_view text, const char* what, std::vector<std::string>& out) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  out.clear();
  const auto malformed = [&] {
    return engine::Error::corruption({std::string(what) + " 格式错误", std::string(what) + " is malformed"});
  };
  if (!j.is_array()) return malformed();
  for (const auto& e : j) {
    if (!e.is_string()) return malformed();
    out.push_back(e.get<std::string>());
  }
  return {};
}

}  // namespace djflow::storage::detail
