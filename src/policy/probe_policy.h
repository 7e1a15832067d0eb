#pragma once
// A ruleset becomes one probe configuration: the syscalls the probe must trace (those the
// loaded rules can match, plus those the state tables need to stay correct) and the open path
// filter (policy/open_path_policy.h). The daemon applies it with one BpfProbe::apply() call, at
// start and on every reload.
#include <cstdint>
#include <vector>

#include "sensor/capture/probe_config.h"
#include "sensor/engine/ruleset.h"

namespace sensor::policy {

// Sorted syscall numbers for the in-kernel filter. A rule that can match any event type makes
// every syscall traced.
std::vector<uint32_t> traced_syscalls(const engine::Ruleset& rules);

// Sorted numbers of the traced syscalls whose records must carry I/O data: those with data
// (events::has_io_data) that an enabled syscall rule applies to and whose condition or output
// reads it (evt.buffer, evt.arg.data, evt.arg[N], evt.args). Other rules cost no copy.
std::vector<uint32_t> data_syscalls(const engine::Ruleset& rules);

// The probe configuration for a ruleset; filter_opens is capture.open_path_filter.
capture::ProbeConfig probe_config(const engine::Ruleset& rules, bool filter_opens);

}  // namespace sensor::policy
