// proc.* and thread.* fields that need more than the event's own process record: the process
// group and its leader, the process's threads and fds in the state tables, and the kernel's
// per-process counters read from procfs when a field asks (state/proc_counters.h).
#include <charconv>

#include "extract_util.h"
#include "field_tables.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/proc_counters.h"
#include "sensor/state/process_table.h"

namespace sensor::fields::detail {
namespace {

constexpr uint32_t kMaxDepth = 256;  // ancestry walks stop here (a corrupt chain cannot hang)

const ProcessInfo* ancestor(const ProcessInfo* p, int64_t level) {
    if (level < 0 || level > kMaxDepth) return nullptr;
    for (int64_t i = 0; p && i < level; ++i) p = p->parent;
    return p;
}

// The process group id in the host pid namespace: the vpgid for a host process, else the host
// pid of the leader that has it as its vpid.
bool host_pgid(const Event& ev, int64_t& out) {
    const ProcessInfo* p = ev.proc;
    if (!p) return false;
    if (p->pid == p->vpid) {
        out = p->vpgid;
        return true;
    }
    const ProcessInfo* l = group_leader_of(ev);
    if (!l || l->vpid != p->vpgid) return false;
    out = l->pid;
    return true;
}

void append_args(const ProcessInfo& p, std::string& out) {
    out += p.args;
}

bool proc_args(const Event& ev, const FieldArg& arg, uint32_t, Value& out, std::string&) {
    if (!ev.proc) return false;
    if (!arg.present) return put_str(out, ev.proc->args);
    if (arg.index >= static_cast<int64_t>(ev.proc->argv.size())) return put_str(out, "");
    return put_str(out, ev.proc->argv[static_cast<size_t>(arg.index)]);
}

// proc.aargs[N]: ancestor N's args; without an argument, every ancestor's, space separated.
bool proc_aargs(const Event& ev, const FieldArg& arg, uint32_t, Value& out, std::string& scratch) {
    scratch.clear();
    if (arg.present) {
        const ProcessInfo* a = ancestor(ev.proc, arg.index);
        return a && put_str(out, a->args);
    }
    uint32_t depth = 0;
    for (const ProcessInfo* a = ev.proc ? ev.proc->parent : nullptr; a && depth < kMaxDepth;
         a = a->parent, ++depth) {
        if (!scratch.empty()) scratch += ' ';
        append_args(*a, scratch);
    }
    return !scratch.empty() && put_scratch(out, scratch);
}

bool proc_pgid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    int64_t id = 0;
    return host_pgid(ev, id) && put_i64(out, id);
}

bool proc_pgid_name(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* l = group_leader_of(ev);
    return l && put_str(out, l->name);
}

bool proc_pgid_exe(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* l = group_leader_of(ev);
    return l && put_str(out, l->exe);
}

bool proc_pgid_exepath(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* l = group_leader_of(ev);
    return l && put_str(out, l->exepath);
}

bool proc_is_pgid_leader(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    int64_t id = 0;
    return host_pgid(ev, id) && put_bool(out, ev.proc->pid == id);
}

// The pid of the eldest ancestor (or self) whose name ends in "sh", as libs does.
bool proc_loginshellid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* shell = nullptr;
    uint32_t depth = 0;
    for (const ProcessInfo* q = ev.proc; q && depth < kMaxDepth; q = q->parent, ++depth) {
        std::string_view n = q->name;
        if (n.size() >= 2 && n.substr(n.size() - 2) == "sh") shell = q;
    }
    return shell && put_i64(out, shell->pid);
}

bool proc_nthreads(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.threads && put_u64(out, ev.threads->thread_count(ev.proc->pid));
}

// Threads other than the leader.
bool proc_nchilds(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    if (!ev.proc || !ev.threads) return false;
    uint32_t n = ev.threads->thread_count(ev.proc->pid);
    return put_u64(out, n > 0 ? n - 1 : 0);
}

// Open fds of the event's process, from procfs; false when there is none to read.
bool open_fd_count(const Event& ev, uint64_t& n) {
    if (!ev.proc || !ev.proc_root) return false;
    int64_t c = state::count_open_fds(ev.proc_root, ev.proc->pid);
    if (c < 0) return false;
    n = static_cast<uint64_t>(c);
    return true;
}

bool proc_fdopencount(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    uint64_t n = 0;
    return open_fd_count(ev, n) && put_u64(out, n);
}

// libs' fd usage: open fds as a percentage of the fd limit (100 at most; 0 without a limit).
bool proc_fdusage(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    uint64_t open = 0;
    if (!open_fd_count(ev, open)) return false;
    const uint64_t limit = ev.proc->fdlimit;
    if (limit == 0) return put_f64(out, 0);
    return put_f64(
        out, open <= limit ? static_cast<double>(open) * 100 / static_cast<double>(limit) : 100.0);
}

// proc.stdin/stdout/stderr: fd 0, 1 or 2 from the fd table, else its /proc link.
const FdInfo* std_fd(const Event& ev, int64_t num, std::string& scratch) {
    if (!ev.proc) return nullptr;
    if (ev.fds)
        if (const FdInfo* f = ev.fds->find(ev.proc->pid, num)) return f;
    static thread_local FdInfo from_proc;  // reused: its strings keep their capacity
    scratch.clear();
    if (!state::append_fd_link(ev.proc_root, ev.proc->pid, num, scratch)) return nullptr;
    state::fd_from_proc_link(scratch, from_proc);
    return &from_proc;
}

template <int64_t Num>
bool std_name(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    const FdInfo* f = std_fd(ev, Num, scratch);
    return f && put_str(out, f->name);
}

template <int64_t Num>
bool std_type(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    const FdInfo* f = std_fd(ev, Num, scratch);
    return f && put_str(out, state::fd_type_name(f->type));
}

enum class Mem { Size, Rss, Swap };

template <Mem M, bool MainOnly>
bool mem_field(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    if (!ev.proc) return false;
    // thread.vm*: libs gives 0 for threads other than the main one.
    if (MainOnly && ev.proc->tid != ev.proc->pid) return put_u64(out, 0);
    state::MemCounters m;
    if (!state::read_mem_counters(ev.proc_root, ev.proc->pid, m)) return false;
    return put_u64(out, M == Mem::Size ? m.vmsize_kb : M == Mem::Rss ? m.vmrss_kb : m.vmswap_kb);
}

template <bool Major>
bool faults(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    uint64_t minflt = 0, majflt = 0;
    return ev.proc && state::read_fault_counters(ev.proc_root, ev.proc->tid, minflt, majflt) &&
           put_u64(out, Major ? majflt : minflt);
}

bool thread_cgroups(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    scratch.clear();
    return ev.proc && state::append_cgroups(ev.proc_root, ev.proc->tid, {}, scratch) &&
           put_scratch(out, scratch);
}

bool thread_cgroup(const Event& ev, const FieldArg& arg, uint32_t, Value& out,
                   std::string& scratch) {
    scratch.clear();
    return ev.proc && state::append_cgroups(ev.proc_root, ev.proc->tid, arg.key, scratch) &&
           put_scratch(out, scratch);
}

// Execution times come from scheduler switch events, which the sensor (like Falco by default)
// does not capture: libs then reports 0.
bool zero_exectime(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_u64(out, 0);
}

bool cgroup_arg(const FieldArg& arg, std::string& error) {
    if (!arg.key.empty()) return true;
    error = "the argument must be a cgroup subsystem name, e.g. thread.cgroup.cpuacct";
    return false;
}

}  // namespace

void add_thread_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    FieldDef cgroup{"thread.cgroup", FT::String, AK::EvtArg,
                    "cgroup of the thread for one subsystem: thread.cgroup.cpuacct (procfs)",
                    thread_cgroup};
    cgroup.check_arg = cgroup_arg;
    const FieldDef table[] = {
        {"proc.args", FT::String, AK::IndexOpt,
         "arguments after argv[0], space separated; proc.args[N] the Nth (from 0)", proc_args},
        {"proc.aargs", FT::String, AK::IndexOpt,
         "arguments of ancestor N (proc.aargs[N], 0 = self); without N every ancestor's",
         proc_aargs},
        {"proc.pgid", FT::Int64, AK::None, "process group id in the host pid namespace", proc_pgid},
        {"proc.pgid.name", FT::String, AK::None, "name of the process group leader",
         proc_pgid_name},
        {"proc.pgid.exe", FT::String, AK::None, "argv[0] of the process group leader",
         proc_pgid_exe},
        {"proc.pgid.exepath", FT::String, AK::None, "executable path of the process group leader",
         proc_pgid_exepath},
        {"proc.is_pgid_leader", FT::Bool, AK::None,
         "true when the process leads its process group (pid == pgid)", proc_is_pgid_leader},
        {"proc.loginshellid", FT::Int64, AK::None,
         "pid of the eldest shell (name ending in sh) among the process and its ancestors",
         proc_loginshellid},
        {"proc.nthreads", FT::Uint64, AK::None, "live threads of the process, the leader included",
         proc_nthreads},
        {"proc.nchilds", FT::Uint64, AK::None, "live threads of the process other than the leader",
         proc_nchilds},
        {"proc.fdopencount", FT::Uint64, AK::None, "open fds of the process (procfs)",
         proc_fdopencount},
        {"proc.fdusage", FT::Double, AK::None, "open fds as a percentage of the fd limit (procfs)",
         proc_fdusage},
        // libs computes these from procinfo events only, which live capture does not have.
        unavailable({"thread.cpu", FT::Double, AK::None,
                     "CPU consumed by the thread in the last second", never_filled},
                    "needs per-thread CPU samples (Falco's procinfo events)"),
        unavailable({"thread.cpu.user", FT::Double, AK::None,
                     "user CPU consumed by the thread in the last second", never_filled},
                    "needs per-thread CPU samples (Falco's procinfo events)"),
        unavailable({"thread.cpu.system", FT::Double, AK::None,
                     "system CPU consumed by the thread in the last second", never_filled},
                    "needs per-thread CPU samples (Falco's procinfo events)"),
        {"proc.stdin.name", FT::String, AK::None, "name of the process's fd 0", std_name<0>},
        {"proc.stdin.type", FT::String, AK::None, "type of the process's fd 0", std_type<0>},
        {"proc.stdout.name", FT::String, AK::None, "name of the process's fd 1", std_name<1>},
        {"proc.stdout.type", FT::String, AK::None, "type of the process's fd 1", std_type<1>},
        {"proc.stderr.name", FT::String, AK::None, "name of the process's fd 2", std_name<2>},
        {"proc.stderr.type", FT::String, AK::None, "type of the process's fd 2", std_type<2>},
        {"proc.vmsize", FT::Uint64, AK::None, "virtual memory of the process, kB (procfs)",
         mem_field<Mem::Size, false>},
        {"proc.vmrss", FT::Uint64, AK::None, "resident memory of the process, kB (procfs)",
         mem_field<Mem::Rss, false>},
        {"proc.vmswap", FT::Uint64, AK::None, "swapped memory of the process, kB (procfs)",
         mem_field<Mem::Swap, false>},
        {"thread.vmsize", FT::Uint64, AK::None,
         "virtual memory of the process for its main thread, else 0; kB (procfs)",
         mem_field<Mem::Size, true>},
        {"thread.vmrss", FT::Uint64, AK::None,
         "resident memory of the process for its main thread, else 0; kB (procfs)",
         mem_field<Mem::Rss, true>},
        {"thread.pfmajor", FT::Uint64, AK::None, "major page faults of the thread (procfs)",
         faults<true>},
        {"thread.pfminor", FT::Uint64, AK::None, "minor page faults of the thread (procfs)",
         faults<false>},
        {"thread.cgroups", FT::String, AK::None,
         "cgroups of the thread, subsys=path space separated (procfs)", thread_cgroups},
        cgroup,
        unavailable({"thread.exectime", FT::RelTime, AK::None,
                     "CPU time of the last scheduled slice; 0 (needs scheduler switch events)",
                     zero_exectime},
                    "needs scheduler switch events; always 0"),
        unavailable(
            {"thread.totexectime", FT::RelTime, AK::None,
             "total CPU time of the thread; 0 (needs scheduler switch events)", zero_exectime},
            "needs scheduler switch events; always 0"),
    };
    append_fields(f, table);
}

}  // namespace sensor::fields::detail
