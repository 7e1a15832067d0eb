#pragma once
// Which opens the loaded rules can match, judged by path alone, so the probe can leave the
// others in the kernel. Most opens on a node (libraries, /proc, caches, temp files) concern no
// rule; sending each costs the workload more than the syscall hook itself.
//
// The derivation over-approximates: it keeps every open some enabled rule could match. Each
// rule that applies to an open is reduced to the path constraints its condition implies;
// anything it cannot reduce (a negated path check, a transformer, a rule on opens that does
// not look at the path) keeps every open. Rules on close, dup and fcntl count as rules on the
// open: their fd fields come from the sensor's fd table, which knows only the sent opens.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sensor/engine/ruleset.h"

namespace sensor::capture {

struct OpenPathFilter {
    // No filtering: some rule may match an open, or a later event on its fd, of any path.
    bool pass_all = true;
    std::string reason;
    std::vector<std::string> prefixes;       // fd.name starts with one of these
    std::vector<std::string> suffixes;       // fd.name ends with one of these
    std::vector<std::string> name_contains;  // fd.name contains one of these (<= 4 bytes)
    std::vector<std::string> raw_contains;   // fd.nameraw contains one of these (<= 4 bytes)

    // What the probe decides for an open with this fd.name and fd.nameraw: true = send it.
    bool may_match(std::string_view name, std::string_view nameraw) const;
};

// The bytes of a prefix (its first) or suffix (its last) the probe compares first, in a
// table of each: a hit on a pattern longer than these is confirmed in its exact tries.
std::string_view compared_bytes(std::string_view pattern, bool suffix);

// The syscalls whose records the filter applies to (by name).
const std::vector<std::string_view>& path_filtered_syscalls();

OpenPathFilter open_path_filter(const engine::Ruleset& rules);

// One line for the log: what the filter keeps, or why it keeps everything.
std::string describe(const OpenPathFilter& f);

}  // namespace sensor::capture
