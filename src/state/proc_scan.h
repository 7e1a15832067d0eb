#pragma once
// Bootstrap of the thread table from a procfs tree: every process and (optionally) its
// threads, with parents linked after the scan. The root is configurable so tests can point it
// at a fake tree and a DaemonSet at the host's /proc (e.g. /host/proc).
#include <cstddef>
#include <cstdint>
#include <string>

namespace sensor::state {

class ProcessTable;

struct ProcScanOptions {
    std::string proc_root = "/proc";
    bool threads = true;             // also read /proc/<pid>/task/<tid> for every thread
    bool environ = false;            // read /proc/<pid>/environ into ProcessInfo::env
    size_t environ_cap = 16 * 1024;  // bytes of environ kept per process
    size_t cmdline_cap = 64 * 1024;  // bytes of cmdline kept per process
    uint64_t clock_ticks = 0;        // USER_HZ for stat start times; 0 = sysconf(_SC_CLK_TCK)
};

struct ProcScanStats {
    uint64_t processes = 0;
    uint64_t threads = 0;     // non-leader threads
    uint64_t vanished = 0;    // processes or threads gone during the scan (normal, not errors)
    uint64_t errors = 0;      // reads that failed for any other reason (EACCES, parse errors)
    std::string first_error;  // "path: reason" of the first error, for the log
};

// Clears the table, scans proc_root, links parents and resolves users and containers through
// the table's user and container tables.
ProcScanStats bootstrap_from_proc(ProcessTable& table, const ProcScanOptions& options = {});

}  // namespace sensor::state
