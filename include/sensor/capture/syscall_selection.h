#pragma once
// Which syscalls the probe must trace: those the loaded rules can match, plus those the state
// tables need to stay correct (process lifecycle, fds, credentials, namespaces).
#include <cstdint>
#include <string_view>
#include <vector>

#include "sensor/engine/ruleset.h"

namespace sensor::capture {

// Syscalls traced for state whatever the rules say.
const std::vector<std::string_view>& state_syscalls();

// Sorted syscall numbers for the in-kernel filter. A rule that can match any event type makes
// every syscall traced.
std::vector<uint32_t> traced_syscalls(const engine::Ruleset& rules);

}  // namespace sensor::capture
