#pragma once
// What the probe is told to do, as one value: which syscalls it traces and which opens it may
// leave in the kernel (the open path filter, applied to the syscalls events::path_filtered()
// selects). The policy module derives it from a ruleset;
// BpfProbe::apply() installs it in one call.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

struct ProbeConfig {
    std::vector<uint32_t> syscalls;  // sorted syscall numbers of this architecture
    OpenPathFilter open_filter;      // pass_all when the filter is off
    // Traced calls whose records carry their I/O data (up to ProbeOptions::snaplen bytes):
    // those a loaded rule reads evt.buffer (or the data parameter) of. Sorted numbers.
    std::vector<uint32_t> data_syscalls;
    // Traced calls whose records carry the file of their fd argument (events::kFdFileOnDemand)
    // or the files they received (events::kReceivesFds): those a loaded rule reads fd fields
    // of (fields::reads_event_fd). Sorted numbers.
    std::vector<uint32_t> file_syscalls;
    // Of those, the calls sent only when they qualify: mmaps only when they map a file
    // executable, recvmsgs only when they received files, because every loaded rule on them
    // needs that (evt.is_exec_mapping = true, fd.received). Sorted numbers.
    std::vector<uint32_t> qualified_syscalls;
};

// The bytes of a prefix (its first) or suffix (its last) the probe compares first, in a
// table of each: a hit on a pattern longer than these is confirmed in its exact tries.
std::string_view compared_bytes(std::string_view pattern, bool suffix);

// One line for the log: what the filter keeps, or why it keeps everything.
std::string describe(const OpenPathFilter& f);

}  // namespace sensor::capture
