// Field-by-field comparison of two stored events, for the tests that check a store or a view
// gives back exactly what was written (storage records, the conformance suite, record's view).
// Every field is compared on its own, so that a failure names the field.
#pragma once

#include <catch2/catch.hpp>

#include "engine/model.hpp"

namespace djflow::testing {

inline void check_same_event(const engine::EventRecord& a, const engine::EventRecord& b) {
  CHECK(a.case_id == b.case_id);
  CHECK(a.seq == b.seq);
  CHECK(a.event == b.event);
  CHECK(a.date == b.date);
  CHECK(a.recorded_at == b.recorded_at);
  CHECK(a.actor == b.actor);
  CHECK(a.inputs == b.inputs);
  CHECK(a.note == b.note);
  CHECK(a.ref == b.ref);
  CHECK(a.rule_version == b.rule_version);
  CHECK(a.from_state == b.from_state);
  CHECK(a.to_state == b.to_state);
  CHECK(a.flags == b.flags);
  CHECK(a.prev_hash == b.prev_hash);
  CHECK(a.hash == b.hash);
}

}  // namespace djflow::testing
