#pragma once
// The set of event types a compiled condition can match (Falco's ppm_event_codes): `and`
// intersects, `or` unites, `not` is pushed to the leaves; evt.type checks give sets, other
// checks are neutral (all types).
#include <cstdint>
#include <vector>

#include "sensor/engine/filter.h"

namespace sensor::engine {

// One byte per event type id of the condition's source; 1 when the condition can match that
// type.
using EventTypeMask = std::vector<uint8_t>;

// The set of a condition compiled for `source`, over that source's event types.
EventTypeMask event_types_of(const FilterNode& root,
                             fields::SourceId source = fields::kSyscallSource);
// Whether the check is `evt.num = 0` (the rules' `never_true`), which no event satisfies.
bool is_never_true(const Check& k);
size_t count_types(const EventTypeMask& m);

}  // namespace sensor::engine
