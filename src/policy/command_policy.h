#pragma once
// Which values of a call's command argument the probe must send (fcntl's command): those the
// state tables act on, and those the loaded rules can match. A flood of the others (F_GETFL,
// F_SETLK...) then stays in the kernel, counted, instead of filling the rings.
//
// The derivation over-approximates like the open path filter: a rule that applies to the call
// and does not pin its command to named values (with = or in, not negated) keeps every
// command.
#include <vector>

#include "sensor/capture/probe_config.h"
#include "sensor/engine/ruleset.h"

namespace sensor::policy {

// The predicates for the traced syscalls (sorted numbers) that have a command argument;
// none for a call some rule may match with any command, or that every_command names.
std::vector<capture::ArgPredicate> command_predicates(const engine::Ruleset& rules,
                                                      const std::vector<uint32_t>& traced,
                                                      bool every_command = false);

}  // namespace sensor::policy
