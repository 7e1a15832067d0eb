#pragma once
// Which opens the loaded rules can match, judged by path alone, so the probe can leave the
// others in the kernel. Most opens on a node (libraries, /proc, caches, temp files) concern no
// rule; sending each costs the workload more than the syscall hook itself.
//
// The derivation over-approximates: it keeps every open some enabled rule could match. Each
// rule that applies to an open is reduced to the path constraints its condition implies;
// anything it cannot reduce (a negated path check, a transformer, a rule on opens that does
// not look at the path) keeps every open. Rules on the syscalls whose fd fields come from the
// fd table (close, dup, fcntl: flag UsesFdTable) count as rules on the open: the table knows
// only the sent opens.
#include "sensor/capture/probe_config.h"
#include "sensor/engine/ruleset.h"

namespace sensor::policy {

capture::OpenPathFilter open_path_filter(const engine::Ruleset& rules);

}  // namespace sensor::policy
