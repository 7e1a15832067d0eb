#pragma once
// Builds the alert sinks a RunConfig asks for.
#include <memory>
#include <string>
#include <vector>

#include "run_config.h"
#include "sensor/output/sink.h"

namespace sensor::daemon {

// False with error when a sink cannot work at all (an unopenable file, a bad syslog
// address); a remote server that is merely down is not an error (its alerts count as failed).
bool make_sinks(const RunConfig& cfg, std::vector<std::unique_ptr<output::Sink>>& sinks,
                std::string& error);

}  // namespace sensor::daemon
