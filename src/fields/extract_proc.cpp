// proc.* and thread.* fields: the process (and its ancestry) that generated the event.
#include "extract_util.h"
#include "field_tables.h"
#include "sensor/events/capabilities.h"

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

const ProcessInfo* session_leader(const ProcessInfo* p) {
    return leader(
        p, [](const ProcessInfo& q) { return q.sid; }, [](const ProcessInfo& q) { return q.pid; });
}

const ProcessInfo* group_leader(const ProcessInfo* p) {
    return leader(
        p, [](const ProcessInfo& q) { return q.vpgid; },
        [](const ProcessInfo& q) { return q.vpid; });
}

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

}  // namespace

void add_proc_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    // Identity.
    f.push_back({"proc.pid", FT::Int64, AK::None, "process id",
                 SENSOR_EXTRACTOR { return ev.proc && put_i64(out, ev.proc->pid);
}
}  // namespace sensor::fields::detail
);
    f.push_back({"proc.ppid", FT::Int64, AK::None, "parent process id",
                 SENSOR_EXTRACTOR { return ev.proc && put_i64(out, ev.proc->ppid);
    }
    });
    f.push_back({"proc.vpid", FT::Int64, AK::None, "process id inside its pid namespace",
                 SENSOR_EXTRACTOR { return ev.proc && put_i64(out, ev.proc->vpid);
    }
    });
    f.push_back({"proc.pvpid", FT::Int64, AK::None, "parent's id inside its pid namespace",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->parent && put_i64(out, ev.proc->parent->vpid);
    }
    });
    f.push_back({"proc.sid", FT::Int64, AK::None, "session id",
                 SENSOR_EXTRACTOR { return ev.proc && put_i64(out, ev.proc->sid);
    }
    });
    f.push_back({"proc.vpgid", FT::Int64, AK::None, "process group id in its pid namespace",
                 SENSOR_EXTRACTOR { return ev.proc && put_i64(out, ev.proc->vpgid);
    }
    });
    f.push_back({"thread.tid", FT::Int64, AK::None, "thread id",
                 SENSOR_EXTRACTOR { return ev.proc && put_i64(out, ev.proc->tid);
    }
    });
    f.push_back({"thread.vtid", FT::Int64, AK::None, "thread id inside its pid namespace",
                 SENSOR_EXTRACTOR { return ev.proc && put_i64(out, ev.proc->vtid);
    }
    });
    f.push_back({"thread.ismain", FT::Bool, AK::None, "true for the main thread (tid == pid)",
                 SENSOR_EXTRACTOR {
                     return ev.proc && put_bool(out, ev.proc->tid == ev.proc->pid);
    }
    });

    // Names and command lines.
    f.push_back({"proc.name", FT::String, AK::None, "process name (comm)",
                 SENSOR_EXTRACTOR { return ev.proc && put_str(out, ev.proc->name);
    }
    });
    f.push_back({"proc.exe", FT::String, AK::None, "first command-line argument (argv[0])",
                 SENSOR_EXTRACTOR { return ev.proc && put_str(out, ev.proc->exe);
    }
    });
    f.push_back({"proc.exepath", FT::String, AK::None, "full path of the executable",
                 SENSOR_EXTRACTOR { return ev.proc && put_str(out, ev.proc->exepath);
    }
    });
    f.push_back({"proc.args", FT::String, AK::None, "arguments after argv[0], space separated",
                 SENSOR_EXTRACTOR { return ev.proc && put_str(out, ev.proc->args);
    }
    });
    f.push_back({"proc.cmdline", FT::String, AK::None, "process name followed by its arguments",
                 SENSOR_EXTRACTOR { return ev.proc && put_str(out, ev.proc->cmdline);
    }
    });
    f.push_back({"proc.exeline", FT::String, AK::None, "argv[0] followed by the arguments",
                 SENSOR_EXTRACTOR {
                     if (!ev.proc) return false;
                     scratch = ev.proc->exe;
                     if (!ev.proc->args.empty()) scratch.append(" ").append(ev.proc->args);
                     return put_scratch(out, scratch);
    }
    });
    f.push_back({"proc.cmdnargs", FT::Uint64, AK::None, "number of arguments after argv[0]",
                 SENSOR_EXTRACTOR { return ev.proc && put_u64(out, ev.proc->argv.size());
    }
    });
    f.push_back({"proc.cmdlenargs", FT::Uint64, AK::None,
                 "total length of the arguments, separators excluded", SENSOR_EXTRACTOR {
                     if (!ev.proc) return false;
                     uint64_t len = 0;
                     for (const auto& a : ev.proc->argv) len += a.size();
                     return put_u64(out, len);
    }
    });
    f.push_back({"proc.cwd", FT::String, AK::None, "current working directory",
                 SENSOR_EXTRACTOR { return ev.proc && put_str(out, ev.proc->cwd);
    }
    });
    f.push_back({"proc.env", FT::String, AK::KeyOpt,
                 "environment (all of it, or one variable with proc.env[NAME])",
                 SENSOR_EXTRACTOR {
                     if (!ev.proc) return false;
                     if (arg.present) return env_value(*ev.proc, arg.key, out);
                     return put_str(out, ev.proc->env_joined);
    }
    });
    f.push_back({"proc.tty", FT::Uint64, AK::None, "controlling terminal; 0 if none",
                 SENSOR_EXTRACTOR { return ev.proc && put_u64(out, ev.proc->tty);
    }
    });

    // Parent.
    f.push_back({"proc.pname", FT::String, AK::None, "parent's process name",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->parent && put_str(out, ev.proc->parent->name);
    }
    });
    f.push_back({"proc.pexe", FT::String, AK::None, "parent's argv[0]", SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->parent && put_str(out, ev.proc->parent->exe);
    }
    });
    f.push_back({"proc.pexepath", FT::String, AK::None, "parent's executable path",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->parent &&
                            put_str(out, ev.proc->parent->exepath);
    }
    });
    f.push_back({"proc.pcmdline", FT::String, AK::None, "parent's command line",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->parent &&
                            put_str(out, ev.proc->parent->cmdline);
    }
    });

    // Ancestors: proc.aname[N] (0 = self) or any ancestor without an argument.
    f.push_back({"proc.aname", FT::String, AK::AncestorOpt, "name of an ancestor process",
                 SENSOR_EXTRACTOR {
                     const ProcessInfo* a = ancestor_for(ev, arg, n);
                     return a && put_str(out, a->name);
    }
    });
    f.push_back({"proc.apid", FT::Int64, AK::AncestorOpt, "pid of an ancestor process",
                 SENSOR_EXTRACTOR {
                     const ProcessInfo* a = ancestor_for(ev, arg, n);
                     return a && put_i64(out, a->pid);
    }
    });
    f.push_back({"proc.aexe", FT::String, AK::AncestorOpt, "argv[0] of an ancestor process",
                 SENSOR_EXTRACTOR {
                     const ProcessInfo* a = ancestor_for(ev, arg, n);
                     return a && put_str(out, a->exe);
    }
    });
    f.push_back({"proc.aexepath", FT::String, AK::AncestorOpt,
                 "executable path of an ancestor process", SENSOR_EXTRACTOR {
                     const ProcessInfo* a = ancestor_for(ev, arg, n);
                     return a && put_str(out, a->exepath);
    }
    });
    f.push_back({"proc.acmdline", FT::String, AK::AncestorOpt,
                 "command line of an ancestor process", SENSOR_EXTRACTOR {
                     const ProcessInfo* a = ancestor_for(ev, arg, n);
                     return a && put_str(out, a->cmdline);
    }
    });

    // Session and process group leaders.
    f.push_back({"proc.sname", FT::String, AK::None, "name of the session leader",
                 SENSOR_EXTRACTOR {
                     const ProcessInfo* l = session_leader(ev.proc);
                     return l && put_str(out, l->name);
    }
    });
    f.push_back({"proc.sid.exe", FT::String, AK::None, "argv[0] of the session leader",
                 SENSOR_EXTRACTOR {
                     const ProcessInfo* l = session_leader(ev.proc);
                     return l && put_str(out, l->exe);
    }
    });
    f.push_back({"proc.sid.exepath", FT::String, AK::None,
                 "executable path of the session leader", SENSOR_EXTRACTOR {
                     const ProcessInfo* l = session_leader(ev.proc);
                     return l && put_str(out, l->exepath);
    }
    });
    f.push_back({"proc.vpgid.name", FT::String, AK::None, "name of the process group leader",
                 SENSOR_EXTRACTOR {
                     const ProcessInfo* l = group_leader(ev.proc);
                     return l && put_str(out, l->name);
    }
    });
    f.push_back({"proc.vpgid.exe", FT::String, AK::None, "argv[0] of the process group leader",
                 SENSOR_EXTRACTOR {
                     const ProcessInfo* l = group_leader(ev.proc);
                     return l && put_str(out, l->exe);
    }
    });
    f.push_back({"proc.vpgid.exepath", FT::String, AK::None,
                 "executable path of the process group leader", SENSOR_EXTRACTOR {
                     const ProcessInfo* l = group_leader(ev.proc);
                     return l && put_str(out, l->exepath);
    }
    });
    f.push_back({"proc.is_sid_leader", FT::Bool, AK::None,
                 "true when the process leads its session (sid == vpid)", SENSOR_EXTRACTOR {
                     return ev.proc && put_bool(out, ev.proc->sid == ev.proc->vpid);
    }
    });
    f.push_back({"proc.is_vpgid_leader", FT::Bool, AK::None,
                 "true when the process leads its process group (vpgid == vpid)",
                 SENSOR_EXTRACTOR {
                     return ev.proc && put_bool(out, ev.proc->vpgid == ev.proc->vpid);
    }
    });

    // Times.
    f.push_back({"proc.duration", FT::RelTime, AK::None, "ns since the process started",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->start_ts && ev.ts >= ev.proc->start_ts &&
                            put_u64(out, ev.ts - ev.proc->start_ts);
    }
    });
    f.push_back({"proc.ppid.duration", FT::RelTime, AK::None,
                 "ns since the parent process started", SENSOR_EXTRACTOR {
                     const ProcessInfo* p = ev.proc ? ev.proc->parent : nullptr;
                     return p && p->start_ts && ev.ts >= p->start_ts &&
                            put_u64(out, ev.ts - p->start_ts);
    }
    });
    // Falco types these two as relative times although they hold epoch timestamps.
    f.push_back({"proc.pid.ts", FT::RelTime, AK::None, "process start time, ns since epoch",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->start_ts && put_u64(out, ev.proc->start_ts);
    }
    });
    f.push_back({"proc.ppid.ts", FT::RelTime, AK::None,
                 "parent's start time, ns since epoch", SENSOR_EXTRACTOR {
                     const ProcessInfo* p = ev.proc ? ev.proc->parent : nullptr;
                     return p && p->start_ts && put_u64(out, p->start_ts);
    }
    });
    f.push_back({"proc.pidns_init_start_ts", FT::Uint64, AK::None,
                 "start of the process's pid namespace, ns since epoch", SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->pidns_init_start_ts &&
                            put_u64(out, ev.proc->pidns_init_start_ts);
    }
    });

    // The executable file.
    f.push_back({"proc.exe_ino", FT::Int64, AK::None, "inode number of the executable",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->exe_ino &&
                            put_i64(out, static_cast<int64_t>(ev.proc->exe_ino));
    }
    });
    f.push_back({"proc.exe_ino.ctime", FT::AbsTime, AK::None,
                 "status change time of the executable", SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->exe_ino_ctime &&
                            put_u64(out, ev.proc->exe_ino_ctime);
    }
    });
    f.push_back({"proc.exe_ino.mtime", FT::AbsTime, AK::None,
                 "modification time of the executable", SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->exe_ino_mtime &&
                            put_u64(out, ev.proc->exe_ino_mtime);
    }
    });
    // Falco types the two durations below as absolute times; we keep its types.
    f.push_back({"proc.exe_ino.ctime_duration_proc_start", FT::AbsTime, AK::None,
                 "ns from the executable's ctime to the process start", SENSOR_EXTRACTOR {
                     const ProcessInfo* p = ev.proc;
                     return p && p->exe_ino_ctime && p->start_ts &&
                            p->start_ts >= p->exe_ino_ctime &&
                            put_u64(out, p->start_ts - p->exe_ino_ctime);
    }
    });
    f.push_back({"proc.exe_ino.ctime_duration_pidns_start", FT::AbsTime, AK::None,
                 "ns from the pid namespace start to the executable's ctime",
                 SENSOR_EXTRACTOR {
                     const ProcessInfo* p = ev.proc;
                     return p && p->exe_ino_ctime && p->pidns_init_start_ts &&
                            p->exe_ino_ctime > p->pidns_init_start_ts &&
                            put_u64(out, p->exe_ino_ctime - p->pidns_init_start_ts);
    }
    });
    f.push_back({"proc.is_exe_writable", FT::Bool, AK::None,
                 "true when the executable is writable by the process's user",
                 SENSOR_EXTRACTOR { return ev.proc && put_bool(out, ev.proc->exe_writable);
    }
    });
    f.push_back({"proc.is_exe_upper_layer", FT::Bool, AK::None,
                 "true when the executable is in an overlayfs upper layer",
                 SENSOR_EXTRACTOR {
                     return ev.proc && put_bool(out, ev.proc->exe_upper_layer);
    }
    });
    f.push_back({"proc.is_exe_lower_layer", FT::Bool, AK::None,
                 "true when the executable is in an overlayfs lower layer",
                 SENSOR_EXTRACTOR {
                     return ev.proc && put_bool(out, ev.proc->exe_lower_layer);
    }
    });
    f.push_back({"proc.is_exe_from_memfd", FT::Bool, AK::None,
                 "true when the executable is a memfd_create() file", SENSOR_EXTRACTOR {
                     return ev.proc && put_bool(out, ev.proc->exe_from_memfd);
    }
    });
    f.push_back({"proc.fdlimit", FT::Int64, AK::None, "maximum number of open fds",
                 SENSOR_EXTRACTOR {
                     return ev.proc && put_i64(out, static_cast<int64_t>(ev.proc->fdlimit));
    }
    });
    // Container probes are not tracked by the sensor: never a health check.
    for (std::string_view name :
         {"proc.is_container_healthcheck", "proc.is_container_liveness_probe",
          "proc.is_container_readiness_probe"}) {
        f.push_back({name, FT::Bool, AK::None, "container probe detection; always false",
                     SENSOR_EXTRACTOR { return ev.proc && put_bool(out, false);
    }
    });
    }

    // Capabilities, rendered as space-separated CAP_ names.
    f.push_back({"thread.cap_effective", FT::String, AK::None, "effective capability set",
                 SENSOR_EXTRACTOR {
                     return ev.proc && caps(ev.proc->cap_effective, out, scratch);
    }
    });
    f.push_back({"thread.cap_permitted", FT::String, AK::None, "permitted capability set",
                 SENSOR_EXTRACTOR {
                     return ev.proc && caps(ev.proc->cap_permitted, out, scratch);
    }
    });
    f.push_back({"thread.cap_inheritable", FT::String, AK::None, "inheritable capability set",
                 SENSOR_EXTRACTOR {
                     return ev.proc && caps(ev.proc->cap_inheritable, out, scratch);
    }
    });
    }

    }  // namespace sensor::fields::detail
