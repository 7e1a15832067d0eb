#pragma once
// The table of event type names a condition may name in `evt.type`: every Linux syscall (x86_64
// and the generic table) plus the sensor's non-syscall events. Ids are dense so that rule
// indexes can be flat arrays.
#include <cstdint>
#include <optional>
#include <string_view>

namespace sensor::events {

using EventTypeId = uint16_t;

// Number of known event types; ids are 0..count()-1.
size_t event_type_count();
std::optional<EventTypeId> event_type_id(std::string_view name);
std::string_view event_type_name(EventTypeId id);
// True for names that are syscalls (as opposed to sensor events like `procexit`, `container`).
bool is_syscall(EventTypeId id);

}  // namespace sensor::events
