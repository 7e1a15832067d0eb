#include "sensor/engine/priority.h"

#include <strings.h>

#include <array>
#include <string>

namespace sensor::engine {

namespace {
constexpr std::array<std::string_view, 8> kNames = {
    "Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"};
}

std::optional<Priority> parse_priority(std::string_view s) {
    std::string v(s);
    for (size_t i = 0; i < kNames.size(); ++i)
        if (strcasecmp(v.c_str(), std::string(kNames[i]).c_str()) == 0)
            return static_cast<Priority>(i);
    if (strcasecmp(v.c_str(), "info") == 0) return Priority::Informational;
    return std::nullopt;
}

std::string_view priority_name(Priority p) {
    return kNames[static_cast<size_t>(p)];
}

}  // namespace sensor::engine
