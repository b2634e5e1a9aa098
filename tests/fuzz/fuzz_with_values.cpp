// Fuzz target: the values of `record --with KEY=VALUE` that the workflows parse: person ids
// (mentors=, sponsors=), counts (present=, yes=), names (nominees=), votes (votes=) and rectification
// milestones. Properties: no crash, no UB; what parses prints back to text that parses the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "workflows/election/election_rules.hpp"
#include "workflows/member/member_rules.hpp"
#include "workflows/rectify/rectify_rules.hpp"

namespace el = djflow::workflows::election;
namespace mb = djflow::workflows::member;
namespace rc = djflow::workflows::rectify;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ids = mb::parse_ids(text)) {
    for (auto id : *ids)
      if (id <= 0) std::abort();  // "a positive id"
  }
  if (auto n = el::parse_count(text)) {
    if (*n < 0) std::abort();
  }
  if (auto names = el::parse_names(text)) {
    const auto again = el::parse_names(el::join_names(*names));
    if (!again || *again != *names) std::abort();
  }
  if (auto votes = el::parse_votes(text)) {
    for (const auto& v : *votes)
      if (v.yes < 0 || v.name.empty()) std::abort();
  }
  if (auto ms = rc::parse_milestones(text)) {
    const auto again = rc::parse_milestones(rc::format_milestones(*ms));
    if (!again || again->size() != ms->size()) std::abort();
  }
  return 0;
}
