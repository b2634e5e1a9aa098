// Reproducible random text for the tests that compare djflow's JSON writers with nlohmann's
// (history_hash_test, codec_test, json_string_test): strings glued from `pieces` (escapes,
// controls, multi-byte and, where a test wants them, invalid UTF-8) by a xorshift generator
// with a fixed seed, so a failure names a case that comes back the same on every run.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace djflow::test {

class RandomText {
 public:
  explicit RandomText(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {}

  // A number below n (0 when n is 0).
  std::uint64_t next(std::uint64_t n) {
    x_ ^= x_ << 13;
    x_ ^= x_ >> 7;
    x_ ^= x_ << 17;
    return n == 0 ? 0 : x_ % n;
  }

  // Up to max_pieces - 1 pieces, each drawn from `pieces`.
  std::string text(std::uint64_t max_pieces = 6) {
    std::string s;
    for (auto n = next(max_pieces); n > 0; --n) s += pieces_[next(pieces_.size())];
    return s;
  }

 private:
  std::vector<std::string> pieces_;
  std::uint64_t x_ = 0x9E3779B97F4A7C15ull;
};

}  // namespace djflow::test
