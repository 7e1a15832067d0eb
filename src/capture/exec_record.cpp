// Exec records: a program was executed. In three steps: what the record says of the new
// program (exec_info), what that does to the tables (apply_exec), and the execve/execveat exit
// event's parameters (add_exec_params).
#include <cstring>
#include <utility>

#include "sensor/capture/record_decoder.h"
#include "sensor/capture/record_view.h"
#include "sensor/events/capabilities.h"
#include "sensor/events/param_format.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/process_table.h"

namespace sensor::capture {
namespace {

// The record's program as the process table takes it; views into the record. A memfd's
// executable path is "memfd:NAME", as Falco reports it (its rules match
// proc.exepath = "memfd:runc_cloned:/proc/self/exe").
state::ExecInfo exec_info(const sensor_exec& r, const RecordStrings& str) {
    std::string_view argv = str.s[1];
    size_t nul = argv.find('\0');
    state::ExecInfo info;
    info.pid = r.h.pid;
    info.ptid = r.ppid;
    info.name = std::string_view(r.comm, strnlen(r.comm, sizeof r.comm));
    info.exe = argv.substr(0, nul);
    info.args = nul == std::string_view::npos ? std::string_view{} : argv.substr(nul + 1);
    info.exepath = str.s[3];
    info.cwd = str.s[2];
    info.has_env = true;
    info.env = str.s[4];
    // A variable cut by the bound would be a lie (as for /proc/PID/environ): drop it.
    if (r.cut_flags & SENSOR_EXEC_ENV_CUT) {
        size_t last = info.env.rfind('\0');
        info.env = info.env.substr(0, last == std::string_view::npos ? 0 : last);
    }
    info.has_creds = true;
    info.uid = r.uid;
    info.gid = r.gid;
    info.loginuid = r.loginuid;
    info.has_caps = true;
    info.cap_effective = r.cap_effective;
    info.cap_permitted = r.cap_permitted;
    info.cap_inheritable = r.cap_inheritable;
    return info;
}

// The exe_flags parameter: "EXE_WRITABLE|EXE_UPPER_LAYER", or "0".
void append_exe_flags(uint32_t flags, std::string& out) {
    static constexpr std::pair<uint32_t, std::string_view> kFlags[] = {
        {SENSOR_FILE_WRITABLE, "EXE_WRITABLE"},
        {SENSOR_FILE_UPPER_LAYER, "EXE_UPPER_LAYER"},
        {SENSOR_FILE_MEMFD, "EXE_FROM_MEMFD"},
        {SENSOR_FILE_LOWER_LAYER, "EXE_LOWER_LAYER"}};
    size_t start = out.size();
    for (auto [bit, name] : kFlags) {
        if (!(flags & bit)) continue;
        if (out.size() > start) out += '|';
        out += name;
    }
    if (out.size() == start) out += '0';
}

}  // namespace

const fields::Event* RecordDecoder::decode_exec(const void* record, size_t size) {
    if (size < sizeof(sensor_exec)) {
        ++stats_.malformed;
        return nullptr;
    }
    const auto& r = *static_cast<const sensor_exec*>(record);
    const uint16_t lens[5] = {r.filename_len, r.argv_len, r.cwd_len, r.exepath_len, r.env_len};
    RecordStrings str = split_strings(record, size, sizeof r, lens, 5);
    if (!str.ok) {
        ++stats_.malformed;
        return nullptr;
    }
    ++stats_.execs;
    if (r.cut_flags & SENSOR_EXEC_ARGV_CUT) ++stats_.argv_cut;
    if (r.cut_flags & SENSOR_EXEC_ENV_CUT) ++stats_.env_cut;
    const state::ExecInfo info = exec_info(r, str);
    state::ProcessInfo* p = apply_exec(r, info);

    bool at = r.h.nr == execveat_nr_ && execveat_type_ >= 0;
    int32_t type = at ? execveat_type_ : execve_type_;
    if (type < 0) return nullptr;
    start_event(static_cast<events::EventTypeId>(type), r.h.ts_ns, p);
    add_exec_params(r, info, p, str.s[0], at);
    return &ev_;
}

state::ProcessInfo* RecordDecoder::apply_exec(const sensor_exec& r, const state::ExecInfo& info) {
    state::ProcessInfo* p = procs_.on_exec(r.h.tid, info);
    fds_.exec(info.pid);
    if (!p) return nullptr;
    p->tty = r.tty;
    p->exe_writable = r.exe_flags & SENSOR_FILE_WRITABLE;
    p->exe_upper_layer = r.exe_flags & SENSOR_FILE_UPPER_LAYER;
    p->exe_lower_layer = r.exe_flags & SENSOR_FILE_LOWER_LAYER;
    p->exe_from_memfd = r.exe_flags & SENSOR_FILE_MEMFD;
    p->exe_ino = r.exe_ino;
    p->exe_ino_ctime = r.exe_ctime_ns;
    p->exe_ino_mtime = r.exe_mtime_ns;
    p->fdlimit = r.fdlimit;
    if (r.vpid) p->vpid = r.vpid;
    if (r.vtid) p->vtid = r.vtid;
    if (r.sid) p->sid = r.sid;
    p->vpgid = r.vpgid;
    if (!p->start_ts && r.start_boot_ns) p->start_ts = r.start_boot_ns + boot_to_epoch_ns_;
    if (const auto* c = container_of_cgroup(r.cgroup_id, info.pid)) p->container = c;
    return p;
}

// Falco's execve exit parameters; execveat's have no filename.
void RecordDecoder::add_exec_params(const sensor_exec& r, const state::ExecInfo& info,
                                    const state::ProcessInfo* p, std::string_view filename,
                                    bool at) {
    add_raw_param("res", 0, "0");
    add_text_param("exe", info.exe);
    add_text_param("args", p ? std::string_view(p->args) : std::string_view{});
    add_num_param("tid", r.h.tid);
    add_num_param("pid", r.h.pid);
    add_num_param("ptid", r.ppid);
    add_text_param("cwd", p ? std::string_view(p->cwd) : std::string_view{});
    add_num_param("fdlimit", static_cast<int64_t>(r.fdlimit));
    add_text_param("comm", info.name);
    add_num_param("tty", r.tty);
    add_num_param("loginuid", static_cast<int32_t>(r.loginuid));
    tmp_.clear();
    append_exe_flags(r.exe_flags, tmp_);
    add_raw_param("flags", r.exe_flags, tmp_);
    auto add_caps = [&](std::string_view name, uint64_t v) {
        tmp_.clear();
        events::append_capabilities(v, tmp_);
        add_raw_param(name, static_cast<int64_t>(v), tmp_);
    };
    add_caps("cap_inheritable", r.cap_inheritable);
    add_caps("cap_permitted", r.cap_permitted);
    add_caps("cap_effective", r.cap_effective);
    add_num_param("exe_ino", static_cast<int64_t>(r.exe_ino));
    add_num_param("exe_ino_ctime", static_cast<int64_t>(r.exe_ctime_ns));
    add_num_param("exe_ino_mtime", static_cast<int64_t>(r.exe_mtime_ns));
    add_num_param("uid", r.uid);
    add_text_param("trusted_exepath", info.exepath);
    add_num_param("gid", r.gid);
    if (!at) add_text_param("filename", filename);
}

}  // namespace sensor::capture
