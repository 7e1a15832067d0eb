#pragma once
// What `sensor run` checks and sets up about its own process: privileges, logging, RSS.
#include <cstdint>
#include <string>

#include "ops_keys.h"

namespace sensor::daemon {

// What keeps this process from loading the probe, or "" when nothing does.
std::string privilege_problem();

// spdlog to stderr (journald picks it up) and/or the local syslog, at Falco's log_level.
// libs_logger.* needs nothing here: the sensor's capture and state code log through this
// same logger (docs/config.md).
void setup_logging(const LogConfig& log);

// Peak resident set size (VmHWM), kB.
uint64_t peak_rss_kb();

}  // namespace sensor::daemon
