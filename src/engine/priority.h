#pragma once
// Falco rule priorities: lower number is more severe.
#include <cstdint>
#include <optional>
#include <string_view>

namespace sensor::engine {

enum class Priority : uint8_t {
    Emergency = 0,
    Alert,
    Critical,
    Error,
    Warning,
    Notice,
    Informational,
    Debug,
};

// Case-insensitive; accepts `info` for Informational, as Falco does.
std::optional<Priority> parse_priority(std::string_view s);
std::string_view priority_name(Priority p);  // full names: "Informational", not "Info"
// The syslog severity of a priority: Falco's priorities are syslog's severities in the same
// order, so LOG_EMERG (0) .. LOG_DEBUG (7) equals the numeric priority.
inline int priority_syslog_severity(Priority p) {
    return static_cast<int>(p);
}

}  // namespace sensor::engine
