#pragma once
// What `sensor run` checks and sets up about its own process: privileges, logging, RSS.
#include <cstdint>
#include <string>

namespace sensor::daemon {

// What keeps this process from loading the probe, or "" when nothing does.
std::string privilege_problem();

// spdlog to stderr (journald picks it up) at debug, info, warning or error.
void setup_logging(const std::string& level);

// Peak resident set size (VmHWM), kB.
uint64_t peak_rss_kb();

}  // namespace sensor::daemon
