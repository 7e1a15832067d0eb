#pragma once
// Bootstrap of the thread table from a procfs tree: every process and (optionally) its
// threads, with parents linked after the scan. The root is configurable so tests can point it
// at a fake tree and a DaemonSet at the host's /proc (e.g. /host/proc).
#include <cstddef>
#include <cstdint>
#include <string>

#include "sensor/state/process_table.h"

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

// One thread as /proc shows it, for a thread first met in a syscall (born before the probe,
// or its fork record lost). A file that cannot be read is left empty.
struct ThreadSnapshot {
    std::string comm;     // the thread's, without its newline
    std::string cmdline;  // the process's, NUL-separated (at most 64 KiB)
    std::string exepath, cwd, cgroup;
    bool has_status = false;  // the thread's status was read: ppid, ids, capabilities
    int64_t ppid = 0;
    uint32_t uid = 0, gid = 0;  // effective
    uint64_t cap_effective = 0, cap_permitted = 0, cap_inheritable = 0;

    // The thread as an exec of process pid would describe it; views into this snapshot.
    ExecInfo exec_info(int64_t pid) const;
};
// Reads proc_root/<pid> and proc_root/<pid>/task/<tid> into out; returns out.has_status.
bool read_thread_from_proc(const std::string& proc_root, int64_t pid, int64_t tid,
                           ThreadSnapshot& out);
// proc_root/<pid>/cgroup into out; false when it cannot be read.
bool read_proc_cgroup(const std::string& proc_root, int64_t pid, std::string& out);

}  // namespace sensor::state
