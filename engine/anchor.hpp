// Anchors (issue 7): one digest over every chain head, published outside the database (the
// daemon posts it to a channel; `djflow anchor` appends it to an anchors file), so that a
// history rewritten with every hash recomputed no longer matches what was published.
//
//   leaf(case)     = SHA-256("case\n" id "\n" seq "\n" hash-of-event-seq)
//   leaf(entities) = SHA-256("entities\n" seq "\n" hash-of-entity-event-seq)
//   root           = Merkle root over the case leaves by case id, then the entity leaf
//                    (pairs hashed as SHA-256(left || right) in hex; an odd node moves up).
//
// An anchor line stores the root and the chain lengths (per case), which is what
// `djflow verify --anchor` needs to recompute the root over today's prefixes of those lengths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/clock.hpp"
#include "engine/error.hpp"
#include "engine/model.hpp"

namespace djflow::engine {

struct ChainHead {
  CaseId case_id = 0;
  std::int64_t seq = 0;     // chain length (events); 0 for a case without events
  std::string hash;         // hash of event `seq` ("" when seq is 0)
};

struct Anchor {
  TimePoint at{};
  std::string root;
  std::int64_t cases = 0;
  std::int64_t events = 0;
  std::int64_t entity_events = 0;
  std::string entity_head;
  std::vector<std::pair<CaseId, std::int64_t>> lengths;  // per case, by id
};

std::string case_leaf(const ChainHead& h);
std::string entity_leaf(std::int64_t seq, const std::string& head);
// The root over leaves in order (SHA-256 of "" when there are none).
std::string merkle_root(std::vector<std::string> leaves);

// Builds the anchor of `heads` (sorted by case id) and the entity chain.
Anchor make_anchor(TimePoint at, const std::vector<ChainHead>& heads, std::int64_t entity_events,
                   const std::string& entity_head);

// One line of the anchors file (JSON, no newline) and back.
std::string anchor_line(const Anchor& a);
Result<Anchor> parse_anchor_line(const std::string& line);
// Appends anchor_line(a) and a newline to `path` (created 0600) and fsyncs it.
Status append_anchor(const std::string& path, const Anchor& a);
// True for a 64-digit lowercase hex digest.
bool looks_like_digest(const std::string& s);

}  // namespace djflow::engine
