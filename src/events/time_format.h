#pragma once
// Event timestamps rendered the way Falco prints them.
#include <cstdint>
#include <string>

namespace sensor::events {

// Appends `ts_ns` (ns since the epoch) formatted with strftime `fmt`, in UTC or local time,
// followed by ".nnnnnnnnn" when `nanos`.
void append_time(uint64_t ts_ns, bool utc, const char* fmt, bool nanos, std::string& out);

}  // namespace sensor::events
