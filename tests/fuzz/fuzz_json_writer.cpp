// Fuzz target: JsonArrayWriter (the streaming JSON of `due` and `rectify list`) against
// nlohmann::json's dump(2), byte for byte, on objects built from the input: both accept or both
// refuse (invalid UTF-8) each value, and what they print is identical.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/render.hpp"

using djflow::cli::JsonArrayWriter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The input is split at 0xFF bytes (never valid UTF-8, so no loss of coverage) into values;
  // a value's first byte chooses its type and an object ends every 4 values.
  std::string_view in(reinterpret_cast<const char*>(data), size);
  nlohmann::json doc = nlohmann::json::array();
  std::ostringstream streamed;
  bool writer_threw = false;
  bool dump_threw = false;
  {
    JsonArrayWriter w(streamed);
    nlohmann::json obj = nlohmann::json::object();
    int field = 0;
    bool open = false;
    try {
      while (!in.empty()) {
        const auto cut = in.find('\xff');
        std::string_view v = in.substr(0, cut);
        in = cut == std::string_view::npos ? std::string_view() : in.substr(cut + 1);
        if (!open) {
          w.begin_object();
          open = true;
        }
        const std::string key = "k" + std::to_string(field);
        const char kind = v.empty() ? 's' : v[0];
        if (kind == 'i') {
          const std::int64_t n = static_cast<std::int64_t>(std::hash<std::string_view>{}(v));
          w.integer(key, n);
          obj[key] = n;
        } else if (kind == 'b') {
          w.boolean(key, v.size() % 2 == 0);
          obj[key] = v.size() % 2 == 0;
        } else if (kind == 'n') {
          w.null(key);
          obj[key] = nullptr;
        } else {
          w.string(key, v);
          obj[key] = std::string(v);
        }
        if (++field == 4) {
          w.end_object();
          doc.push_back(obj);
          obj = nlohmann::json::object();
          field = 0;
          open = false;
        }
      }
      if (open) {
        w.end_object();
        doc.push_back(obj);
      }
      w.finish();
    } catch (const nlohmann::json::type_error&) {
      writer_threw = true;
    }
  }
  std::string expected;
  try {
    expected = doc.dump(2) + "\n";
  } catch (const nlohmann::json::type_error&) {
    dump_threw = true;
  }
  if (writer_threw != dump_threw) std::abort();
  if (!writer_threw && streamed.str() != expected) std::abort();
  return 0;
}
