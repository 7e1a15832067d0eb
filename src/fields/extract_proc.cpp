// proc.* and thread.* fields: the process (and its ancestry) that generated the event.
#include "extract_util.h"
#include "field_tables.h"
#include "sensor/events/capabilities.h"
#include "sensor/state/process_table.h"

namespace sensor::fields::detail {
namespace {

// Ancestry walks stop here, so a corrupt (cyclic) parent chain cannot hang evaluation.
constexpr uint32_t kMaxDepth = 256;

const ProcessInfo* ancestor(const ProcessInfo* p, uint64_t level) {
    if (level > kMaxDepth) return nullptr;
    for (uint64_t i = 0; p && i < level; ++i) p = p->parent;
    return p;
}

// The process an ancestor field reads: with an argument, level arg.index (n is always 0);
// without one, value n is the ancestor at level n + 1 (parent first).
const ProcessInfo* ancestor_for(const Event& ev, const FieldArg& arg, uint32_t n) {
    if (arg.present) return n == 0 ? ancestor(ev.proc, static_cast<uint64_t>(arg.index)) : nullptr;
    return ancestor(ev.proc, uint64_t{n} + 1);
}

// The leader of the process's session or group: the ancestor (or self) whose pid is the id,
// else the eldest ancestor still sharing the id. `id_of` picks sid or vpgid.
template <typename IdOf, typename PidOf>
const ProcessInfo* leader(const ProcessInfo* p, IdOf id_of, PidOf pid_of) {
    if (!p) return nullptr;
    int64_t id = id_of(*p);
    const ProcessInfo* eldest = p;
    uint32_t depth = 0;
    for (const ProcessInfo* q = p; q && depth < kMaxDepth; q = q->parent, ++depth) {
        if (id_of(*q) != id) break;
        if (pid_of(*q) == id) return q;
        eldest = q;
    }
    return eldest;
}

}  // namespace

const ProcessInfo* session_leader_of(const Event& ev) {
    if (ev.proc && ev.threads) return ev.threads->session_leader(*ev.proc);
    return leader(
        ev.proc, [](const ProcessInfo& q) { return q.sid; },
        [](const ProcessInfo& q) { return q.pid; });
}

const ProcessInfo* group_leader_of(const Event& ev) {
    if (ev.proc && ev.threads) return ev.threads->group_leader(*ev.proc);
    return leader(
        ev.proc, [](const ProcessInfo& q) { return q.vpgid; },
        [](const ProcessInfo& q) { return q.vpid; });
}

namespace {

// proc.env[NAME]: the value of NAME in the environment, missing when unset.
bool env_value(const ProcessInfo& p, std::string_view key, Value& out) {
    for (const std::string& e : p.env) {
        std::string_view s = e;
        if (s.size() > key.size() && s.substr(0, key.size()) == key && s[key.size()] == '=')
            return put_str(out, s.substr(key.size() + 1));
    }
    return false;
}

bool caps(uint64_t mask, Value& out, std::string& scratch) {
    scratch.clear();
    events::append_capabilities(mask, scratch);
    return put_scratch(out, scratch);
}

// Identity.

bool proc_pid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_i64(out, ev.proc->pid);
}

bool proc_ppid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_i64(out, ev.proc->ppid);
}

bool proc_vpid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_i64(out, ev.proc->vpid);
}

bool proc_pvpid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->parent && put_i64(out, ev.proc->parent->vpid);
}

bool proc_sid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_i64(out, ev.proc->sid);
}

bool proc_vpgid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_i64(out, ev.proc->vpgid);
}

bool thread_tid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_i64(out, ev.proc->tid);
}

bool thread_vtid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_i64(out, ev.proc->vtid);
}

bool thread_ismain(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_bool(out, ev.proc->tid == ev.proc->pid);
}

// Names and command lines.

bool proc_name(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_str(out, ev.proc->name);
}

bool proc_exe(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_str(out, ev.proc->exe);
}

bool proc_exepath(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_str(out, ev.proc->exepath);
}

bool proc_cmdline(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_str(out, ev.proc->cmdline);
}

bool proc_exeline(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    if (!ev.proc) return false;
    scratch = ev.proc->exe;
    if (!ev.proc->args.empty()) scratch.append(" ").append(ev.proc->args);
    return put_scratch(out, scratch);
}

bool proc_cmdnargs(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_u64(out, ev.proc->argv.size());
}

bool proc_cmdlenargs(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    if (!ev.proc) return false;
    uint64_t len = 0;
    for (const auto& a : ev.proc->argv) len += a.size();
    return put_u64(out, len);
}

bool proc_cwd(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_str(out, ev.proc->cwd);
}

bool proc_env(const Event& ev, const FieldArg& arg, uint32_t, Value& out, std::string&) {
    if (!ev.proc) return false;
    if (arg.present) return env_value(*ev.proc, arg.key, out);
    return put_str(out, ev.proc->env_joined);
}

// proc.aenv (Falco's, experimental): [N] the environment of the ancestor at level N (0 =
// self); [NAME] the value of NAME in the nearest of up to 20 ancestors that has it; without an
// argument any parent's environment (a check holds if it holds for one, as in Falco).
bool proc_aenv(const Event& ev, const FieldArg& arg, uint32_t n, Value& out, std::string&) {
    constexpr uint32_t kEnvAncestors = 20;
    if (!ev.proc) return false;
    if (!arg.present) {
        const ProcessInfo* a = ancestor(ev.proc, uint64_t{n} + 1);
        return n < kEnvAncestors && a && put_str(out, a->env_joined);
    }
    if (n > 0) return false;
    const std::string& key = arg.key;
    if (!key.empty() && key.find_first_not_of("0123456789") == std::string::npos) {
        const ProcessInfo* a = key.size() > 3 ? nullptr : ancestor(ev.proc, std::stoull(key));
        return a && put_str(out, a->env_joined);
    }
    const ProcessInfo* a = ev.proc->parent;
    for (uint32_t i = 0; a && i < kEnvAncestors; ++i, a = a->parent)
        if (env_value(*a, key, out)) return true;
    return false;
}

bool proc_tty(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_u64(out, ev.proc->tty);
}

// Parent.

bool proc_pname(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->parent && put_str(out, ev.proc->parent->name);
}

bool proc_pexe(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->parent && put_str(out, ev.proc->parent->exe);
}

bool proc_pexepath(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->parent && put_str(out, ev.proc->parent->exepath);
}

bool proc_pcmdline(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->parent && put_str(out, ev.proc->parent->cmdline);
}

// Ancestors: proc.aname[N] (0 = self) or any ancestor without an argument.

bool proc_aname(const Event& ev, const FieldArg& arg, uint32_t n, Value& out, std::string&) {
    const ProcessInfo* a = ancestor_for(ev, arg, n);
    return a && put_str(out, a->name);
}

bool proc_apid(const Event& ev, const FieldArg& arg, uint32_t n, Value& out, std::string&) {
    const ProcessInfo* a = ancestor_for(ev, arg, n);
    return a && put_i64(out, a->pid);
}

bool proc_aexe(const Event& ev, const FieldArg& arg, uint32_t n, Value& out, std::string&) {
    const ProcessInfo* a = ancestor_for(ev, arg, n);
    return a && put_str(out, a->exe);
}

bool proc_aexepath(const Event& ev, const FieldArg& arg, uint32_t n, Value& out, std::string&) {
    const ProcessInfo* a = ancestor_for(ev, arg, n);
    return a && put_str(out, a->exepath);
}

bool proc_acmdline(const Event& ev, const FieldArg& arg, uint32_t n, Value& out, std::string&) {
    const ProcessInfo* a = ancestor_for(ev, arg, n);
    return a && put_str(out, a->cmdline);
}

// Session and process group leaders.

bool proc_sname(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* l = session_leader_of(ev);
    return l && put_str(out, l->name);
}

bool proc_sid_exe(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* l = session_leader_of(ev);
    return l && put_str(out, l->exe);
}

bool proc_sid_exepath(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* l = session_leader_of(ev);
    return l && put_str(out, l->exepath);
}

bool proc_vpgid_name(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* l = group_leader_of(ev);
    return l && put_str(out, l->name);
}

bool proc_vpgid_exe(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* l = group_leader_of(ev);
    return l && put_str(out, l->exe);
}

bool proc_vpgid_exepath(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* l = group_leader_of(ev);
    return l && put_str(out, l->exepath);
}

bool proc_is_sid_leader(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_bool(out, ev.proc->sid == ev.proc->vpid);
}

bool proc_is_vpgid_leader(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_bool(out, ev.proc->vpgid == ev.proc->vpid);
}

// Times.

bool proc_duration(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->start_ts && ev.ts >= ev.proc->start_ts &&
           put_u64(out, ev.ts - ev.proc->start_ts);
}

bool proc_ppid_duration(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* p = ev.proc ? ev.proc->parent : nullptr;
    return p && p->start_ts && ev.ts >= p->start_ts && put_u64(out, ev.ts - p->start_ts);
}

bool proc_pid_ts(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->start_ts && put_u64(out, ev.proc->start_ts);
}

bool proc_ppid_ts(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ProcessInfo* p = ev.proc ? ev.proc->parent : nullptr;
    return p && p->start_ts && put_u64(out, p->start_ts);
}

bool proc_pidns_init_start_ts(const Event& ev, const FieldArg&, uint32_t, Value& out,
                              std::string&) {
    return ev.proc && ev.proc->pidns_init_start_ts && put_u64(out, ev.proc->pidns_init_start_ts);
}

// The executable file.

bool proc_exe_ino(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->exe_ino && put_i64(out, static_cast<int64_t>(ev.proc->exe_ino));
}

bool proc_exe_ino_ctime(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->exe_ino_ctime && put_u64(out, ev.proc->exe_ino_ctime);
}

bool proc_exe_ino_mtime(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->exe_ino_mtime && put_u64(out, ev.proc->exe_ino_mtime);
}

bool proc_exe_ino_ctime_duration_proc_start(const Event& ev, const FieldArg&, uint32_t, Value& out,
                                            std::string&) {
    const ProcessInfo* p = ev.proc;
    return p && p->exe_ino_ctime && p->start_ts && p->start_ts >= p->exe_ino_ctime &&
           put_u64(out, p->start_ts - p->exe_ino_ctime);
}

bool proc_exe_ino_ctime_duration_pidns_start(const Event& ev, const FieldArg&, uint32_t, Value& out,
                                             std::string&) {
    const ProcessInfo* p = ev.proc;
    return p && p->exe_ino_ctime && p->pidns_init_start_ts &&
           p->exe_ino_ctime > p->pidns_init_start_ts &&
           put_u64(out, p->exe_ino_ctime - p->pidns_init_start_ts);
}

bool proc_is_exe_writable(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_bool(out, ev.proc->exe_writable);
}

bool proc_is_exe_upper_layer(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_bool(out, ev.proc->exe_upper_layer);
}

bool proc_is_exe_lower_layer(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_bool(out, ev.proc->exe_lower_layer);
}

bool proc_is_exe_from_memfd(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_bool(out, ev.proc->exe_from_memfd);
}

bool proc_fdlimit(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_i64(out, static_cast<int64_t>(ev.proc->fdlimit));
}

// Capabilities, rendered as space-separated CAP_ names.

bool thread_cap_effective(const Event& ev, const FieldArg&, uint32_t, Value& out,
                          std::string& scratch) {
    return ev.proc && caps(ev.proc->cap_effective, out, scratch);
}

bool thread_cap_permitted(const Event& ev, const FieldArg&, uint32_t, Value& out,
                          std::string& scratch) {
    return ev.proc && caps(ev.proc->cap_permitted, out, scratch);
}

bool thread_cap_inheritable(const Event& ev, const FieldArg&, uint32_t, Value& out,
                            std::string& scratch) {
    return ev.proc && caps(ev.proc->cap_inheritable, out, scratch);
}

}  // namespace

void add_proc_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    const FieldDef table[] = {
        // Identity.
        {"proc.pid", FT::Int64, AK::None, "process id", proc_pid},
        {"proc.ppid", FT::Int64, AK::None, "parent process id", proc_ppid},
        {"proc.vpid", FT::Int64, AK::None, "process id inside its pid namespace", proc_vpid},
        {"proc.pvpid", FT::Int64, AK::None, "parent's id inside its pid namespace", proc_pvpid},
        {"proc.sid", FT::Int64, AK::None, "session id", proc_sid},
        {"proc.vpgid", FT::Int64, AK::None, "process group id in its pid namespace", proc_vpgid},
        {"thread.tid", FT::Int64, AK::None, "thread id", thread_tid},
        {"thread.vtid", FT::Int64, AK::None, "thread id inside its pid namespace", thread_vtid},
        {"thread.ismain", FT::Bool, AK::None, "true for the main thread (tid == pid)",
         thread_ismain},

        // Names and command lines.
        {"proc.name", FT::String, AK::None, "process name (comm)", proc_name},
        {"proc.exe", FT::String, AK::None, "first command-line argument (argv[0])", proc_exe},
        {"proc.exepath", FT::String, AK::None, "full path of the executable", proc_exepath},
        {"proc.cmdline", FT::String, AK::None, "process name followed by its arguments",
         proc_cmdline},
        {"proc.exeline", FT::String, AK::None, "argv[0] followed by the arguments", proc_exeline},
        {"proc.cmdnargs", FT::Uint64, AK::None, "number of arguments after argv[0]", proc_cmdnargs},
        {"proc.cmdlenargs", FT::Uint64, AK::None,
         "total length of the arguments, separators excluded", proc_cmdlenargs},
        {"proc.cwd", FT::String, AK::None, "current working directory", proc_cwd},
        {"proc.env", FT::String, AK::KeyOpt,
         "environment (all of it, or one variable with proc.env[NAME])", proc_env},
        any_of({"proc.aenv", FT::String, AK::KeyOpt,
                "ancestors' environment: proc.aenv[N] of level N, proc.aenv[NAME] from the "
                "nearest ancestor that has it, or any parent's without an argument",
                proc_aenv}),
        {"proc.tty", FT::Uint64, AK::None, "controlling terminal; 0 if none", proc_tty},

        // Parent.
        {"proc.pname", FT::String, AK::None, "parent's process name", proc_pname},
        {"proc.pexe", FT::String, AK::None, "parent's argv[0]", proc_pexe},
        {"proc.pexepath", FT::String, AK::None, "parent's executable path", proc_pexepath},
        {"proc.pcmdline", FT::String, AK::None, "parent's command line", proc_pcmdline},

        // Ancestors: proc.aname[N] (0 = self) or any ancestor without an argument.
        {"proc.aname", FT::String, AK::AncestorOpt, "name of an ancestor process", proc_aname},
        {"proc.apid", FT::Int64, AK::AncestorOpt, "pid of an ancestor process", proc_apid},
        {"proc.aexe", FT::String, AK::AncestorOpt, "argv[0] of an ancestor process", proc_aexe},
        {"proc.aexepath", FT::String, AK::AncestorOpt, "executable path of an ancestor process",
         proc_aexepath},
        {"proc.acmdline", FT::String, AK::AncestorOpt, "command line of an ancestor process",
         proc_acmdline},

        // Session and process group leaders.
        {"proc.sname", FT::String, AK::None, "name of the session leader", proc_sname},
        {"proc.sid.exe", FT::String, AK::None, "argv[0] of the session leader", proc_sid_exe},
        {"proc.sid.exepath", FT::String, AK::None, "executable path of the session leader",
         proc_sid_exepath},
        {"proc.vpgid.name", FT::String, AK::None, "name of the process group leader",
         proc_vpgid_name},
        {"proc.vpgid.exe", FT::String, AK::None, "argv[0] of the process group leader",
         proc_vpgid_exe},
        {"proc.vpgid.exepath", FT::String, AK::None, "executable path of the process group leader",
         proc_vpgid_exepath},
        {"proc.is_sid_leader", FT::Bool, AK::None,
         "true when the process leads its session (sid == vpid)", proc_is_sid_leader},
        {"proc.is_vpgid_leader", FT::Bool, AK::None,
         "true when the process leads its process group (vpgid == vpid)", proc_is_vpgid_leader},

        // Times. Falco types proc.pid.ts and proc.ppid.ts as relative times although they hold
        // epoch timestamps.
        {"proc.duration", FT::RelTime, AK::None, "ns since the process started", proc_duration},
        {"proc.ppid.duration", FT::RelTime, AK::None, "ns since the parent process started",
         proc_ppid_duration},
        {"proc.pid.ts", FT::RelTime, AK::None, "process start time, ns since epoch", proc_pid_ts},
        {"proc.ppid.ts", FT::RelTime, AK::None, "parent's start time, ns since epoch",
         proc_ppid_ts},
        {"proc.pidns_init_start_ts", FT::Uint64, AK::None,
         "start of the process's pid namespace, ns since epoch", proc_pidns_init_start_ts},

        // The executable file. Falco types the two durations as absolute times; we keep its
        // types.
        {"proc.exe_ino", FT::Int64, AK::None, "inode number of the executable", proc_exe_ino},
        {"proc.exe_ino.ctime", FT::AbsTime, AK::None, "status change time of the executable",
         proc_exe_ino_ctime},
        {"proc.exe_ino.mtime", FT::AbsTime, AK::None, "modification time of the executable",
         proc_exe_ino_mtime},
        {"proc.exe_ino.ctime_duration_proc_start", FT::AbsTime, AK::None,
         "ns from the executable's ctime to the process start",
         proc_exe_ino_ctime_duration_proc_start},
        {"proc.exe_ino.ctime_duration_pidns_start", FT::AbsTime, AK::None,
         "ns from the pid namespace start to the executable's ctime",
         proc_exe_ino_ctime_duration_pidns_start},
        {"proc.is_exe_writable", FT::Bool, AK::None,
         "true when the executable is writable by the process's user", proc_is_exe_writable},
        {"proc.is_exe_upper_layer", FT::Bool, AK::None,
         "true when the executable is in an overlayfs upper layer", proc_is_exe_upper_layer},
        {"proc.is_exe_lower_layer", FT::Bool, AK::None,
         "true when the executable is in an overlayfs lower layer", proc_is_exe_lower_layer},
        {"proc.is_exe_from_memfd", FT::Bool, AK::None,
         "true when the executable is a memfd_create() file", proc_is_exe_from_memfd},
        {"proc.fdlimit", FT::Int64, AK::None, "maximum number of open fds", proc_fdlimit},
        // proc.is_container_* are the container plugin's: extract_container.cpp.

        // Capabilities.
        {"thread.cap_effective", FT::String, AK::None, "effective capability set",
         thread_cap_effective},
        {"thread.cap_permitted", FT::String, AK::None, "permitted capability set",
         thread_cap_permitted},
        {"thread.cap_inheritable", FT::String, AK::None, "inheritable capability set",
         thread_cap_inheritable},
    };
    append_fields(f, table);
}

}  // namespace sensor::fields::detail
