#pragma once
// Timestamps as text: event times the way Falco prints them, and syslog's forms. Every
// module that renders a time does it here.
#include <cstdint>
#include <string>

namespace sensor::events {

// Appends `ts_ns` (ns since the epoch) formatted with strftime `fmt`, in UTC or local time,
// followed by ".nnnnnnnnn" when `nanos`.
void append_time(uint64_t ts_ns, bool utc, const char* fmt, bool nanos, std::string& out);

// Syslog's timestamps:
// "Jun 10 06:13:31", RFC 3164's: local time without a year, the day padded with a space.
void append_rfc3164_time(uint64_t ts_ns, std::string& out);
// "2024-06-10T06:13:31.000000Z", RFC 3339 in UTC with microseconds (RFC 5424's).
void append_rfc3339_micros(uint64_t ts_ns, std::string& out);

}  // namespace sensor::events
