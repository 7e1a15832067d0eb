#pragma once
#include <string>
#include <vector>

#include "sensor/engine/ruleset.h"
#include "sensor/output/alert_format.h"

namespace sensor::daemon {

// Runs k8s_audit rules over audit log files or directories ("-": stdin); alerts as JSON lines
// on stdout, decode problems and a summary on stderr. Returns the exit code.
int replay_audit(const std::vector<std::string>& paths, const engine::Ruleset& rules,
                 const output::AlertFormat& fmt);

}  // namespace sensor::daemon
