#pragma once
// Parses the per-sink line `sensor run` logs at stop:
// "output NAME: A delivered, B failed, C dropped (queue full), D undelivered at stop; ..."
#include <array>
#include <cstdint>
#include <regex>
#include <string>

namespace sensor::testing {

// {delivered, failed, dropped, undelivered}; delivered is ~0 when the line is missing.
inline std::array<uint64_t, 4> output_counts(const std::string& log, const std::string& name) {
    std::smatch m;
    std::regex re("output " + name +
                  ": (\\d+) delivered, (\\d+) failed, (\\d+) dropped \\(queue full\\), (\\d+) "
                  "undelivered at stop");
    if (!std::regex_search(log, m, re)) return {~0ull, 0, 0, 0};
    return {std::stoull(m[1]), std::stoull(m[2]), std::stoull(m[3]), std::stoull(m[4])};
}

}  // namespace sensor::testing
