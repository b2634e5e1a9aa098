// The web workbench's static files (cli/web/), compiled into the binary by
// cmake/embed_assets.cmake: offline intranets have no CDN and djflow ships as one file.
#pragma once

#include <cstddef>
#include <string_view>

namespace djflow::cli {

struct WebAsset {
  std::string_view path;          // "/index.html", "/app.js", ...
  std::string_view content_type;
  std::string_view body;
};

// nullptr when there is no such asset.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace djflow::cli
