// Fuzz target: JsonArrayWriter (the streaming JSON of `due` and `rectify list`) against
// nlohmann::json's dump(2), byte for byte, on objects built from the input: both refuse (invalid
// UTF-8) or both print, and what they print is identical.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/render.hpp"

using djflow::cli::JsonArrayWriter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The input is split at 0xFF bytes (never valid UTF-8, so no loss of coverage) into values; a
  // value's first byte chooses its type (i, b, n; anything else: a string of the whole value) and
  // an object ends every 4 values.
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::vector<std::string_view>> objects;
  while (!in.empty()) {
    const auto cut = in.find('\xff');
    if (objects.empty() || objects.back().size() == 4) objects.emplace_back();
    objects.back().push_back(in.substr(0, cut));
    in = cut == std::string_view::npos ? std::string_view() : in.substr(cut + 1);
  }
  auto integer = [](std::string_view v) { return static_cast<std::int64_t>(std::hash<std::string_view>{}(v)); };

  nlohmann::json doc = nlohmann::json::array();
  for (const auto& values : objects) {
    nlohmann::json obj = nlohmann::json::object();
    for (std::size_t f = 0; f < values.size(); ++f) {
      const auto v = values[f];
      const std::string key = "k" + std::to_string(f);
      switch (v.empty() ? 's' : v[0]) {
        case 'i': obj[key] = integer(v); break;
        case 'b': obj[key] = v.size() % 2 == 0; break;
        case 'n': obj[key] = nullptr; break;
        default: obj[key] = std::string(v);
      }
    }
    doc.push_back(obj);
  }
  std::string expected;
  bool dump_threw = false;
  try {
    // The writer replaces bytes that are not UTF-8 with U+FFFD, as dump does with `replace`
    // (issue 7 §1: output never aborts on stored bytes).
    expected = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } catch (const nlohmann::json::type_error&) {
    dump_threw = true;
  }

  std::ostringstream streamed;
  bool writer_threw = false;
  try {
    JsonArrayWriter w(streamed);
    for (const auto& values : objects) {
      w.begin_object();
      for (std::size_t f = 0; f < values.size(); ++f) {
        const auto v = values[f];
        const std::string key = "k" + std::to_string(f);
        switch (v.empty() ? 's' : v[0]) {
          case 'i': w.integer(key, integer(v)); break;
          case 'b': w.boolean(key, v.size() % 2 == 0); break;
          case 'n': w.null(key); break;
          default: w.string(key, v);
        }
      }
      w.end_object();
    }
    w.finish();
  } catch (const nlohmann::json::type_error&) {
    writer_threw = true;
  }
  if (writer_threw != dump_threw) std::abort();
  if (!writer_threw && streamed.str() != expected) std::abort();
  return 0;
}
