#pragma once
// Per-process facts read from procfs at the moment a field asks for them (proc.vmrss,
// thread.pfmajor, thread.cgroups, proc.fdopencount ...): values the kernel changes constantly
// and the sensor does not follow by events. Each read uses fixed stack buffers (no heap
// allocation) and only happens for rules or outputs that name such a field.
#include <cstdint>
#include <string>
#include <string_view>

namespace sensor::state {

// VmSize, VmRSS and VmSwap of /proc/<pid>/status, in kB.
struct MemCounters {
    uint64_t vmsize_kb = 0;
    uint64_t vmrss_kb = 0;
    uint64_t vmswap_kb = 0;
};
bool read_mem_counters(const char* proc_root, int64_t pid, MemCounters& out);

// Minor and major page faults of /proc/<tid>/stat.
bool read_fault_counters(const char* proc_root, int64_t tid, uint64_t& minflt, uint64_t& majflt);

// The thread's cgroups as Falco renders them: "subsys=path" per enabled kernel subsystem in
// /proc/cgroups order, space separated (a cgroup v2 host gives every subsystem the unified
// path), appended to out. With a subsystem name, only that path. False when unknown.
bool append_cgroups(const char* proc_root, int64_t tid, std::string_view subsys, std::string& out);

// Open fds of the process (entries of /proc/<pid>/fd); -1 when unreadable.
int64_t count_open_fds(const char* proc_root, int64_t pid);

// The target of /proc/<pid>/fd/<fd>, appended to out. False when unreadable.
bool append_fd_link(const char* proc_root, int64_t pid, int64_t fd, std::string& out);

// Parsers of the files' text, exposed for tests.
namespace detail {
bool parse_mem_counters(std::string_view status, MemCounters& out);
bool parse_fault_counters(std::string_view stat, uint64_t& minflt, uint64_t& majflt);
bool render_cgroups(std::string_view proc_cgroups, std::string_view pid_cgroup,
                    std::string_view subsys, std::string& out);
}  // namespace detail

}  // namespace sensor::state
