#include "sensor/capture/record_decoder.h"

#include <time.h>

#include <cerrno>
#include <cstring>

#include "record.h"
#include "sensor/events/capabilities.h"
#include "sensor/events/event_types.h"
#include "sensor/events/open_flags.h"
#include "sensor/events/param_format.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"
#include "sensor/state/container_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/file_io.h"
#include "sensor/state/proc_parse.h"
#include "sensor/state/process_table.h"

namespace sensor::capture {
namespace {

using events::append_param;
using events::Effect;
using events::Fmt;
using events::ParamSpec;
using events::Src;
using state::FdInfo;
using state::FdType;
using state::ProcessInfo;

uint64_t clock_ns(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// The strings that follow a record's fixed part, checked against the record's size.
struct Strings {
    std::string_view s[4];
    bool ok = true;
};

Strings split_strings(const void* record, size_t size, size_t fixed, const uint16_t* lens,
                      int count) {
    Strings out;
    const char* p = static_cast<const char*>(record) + fixed;
    size_t left = size - fixed;
    for (int i = 0; i < count; ++i) {
        size_t n = lens[i];
        if (n > left) {
            out.ok = false;
            return out;
        }
        // Lengths include the NUL; argv lists are NUL-separated and end in one.
        std::string_view v(p, n);
        while (!v.empty() && v.back() == '\0') v.remove_suffix(1);
        out.s[i] = v;
        p += n;
        left -= n;
    }
    return out;
}

// A sensor_syscall_exit with its variable parts located (see bpf/record.h).
struct SyscallView {
    const sensor_syscall_exit* r = nullptr;
    uint64_t args[6] = {};
    const sensor_file_section* file = nullptr;
    const sensor_sock_section* sock = nullptr;
    Strings str;
};

const sensor_file_section kNoFile{};
const sensor_sock_section kNoSock{};

bool parse_syscall(const void* record, size_t size, SyscallView& v) {
    if (size < sizeof(sensor_syscall_exit)) return false;
    v.r = static_cast<const sensor_syscall_exit*>(record);
    size_t off = sizeof(sensor_syscall_exit);
    size_t nargs = v.r->nargs;
    if (nargs > 6 || off + nargs * 8 > size) return false;
    std::memcpy(v.args, static_cast<const char*>(record) + off, nargs * 8);
    off += nargs * 8;
    v.file = &kNoFile;
    v.sock = &kNoSock;
    switch (v.r->payload) {
        case SENSOR_PAY_NEW_FILE:
        case SENSOR_PAY_FD_FILE:
            if (off + sizeof(sensor_file_section) > size) return false;
            v.file = reinterpret_cast<const sensor_file_section*>(static_cast<const char*>(record) +
                                                                  off);
            off += sizeof(sensor_file_section);
            break;
        case SENSOR_PAY_SOCK_ARG0:
        case SENSOR_PAY_SOCK_RET:
            if (off + sizeof(sensor_sock_section) > size) return false;
            v.sock = reinterpret_cast<const sensor_sock_section*>(static_cast<const char*>(record) +
                                                                  off);
            off += sizeof(sensor_sock_section);
            break;
        default:
            break;
    }
    v.str = split_strings(record, size, off, v.r->str_len, 2);
    return v.str.ok;
}

// Collapses "//", "/./" and "/../" in a path, in place. The loop needs an absolute path (it
// writes behind what it reads): a base that is no path, e.g. a dirfd named "socket:[N]" or
// "memfd:x", gets a leading '/'.
void normalize(std::string& path) {
    std::string& p = path;
    if (p.empty() || p[0] != '/') p.insert(p.begin(), '/');
    size_t out = 0;
    size_t i = 0;
    while (i < p.size()) {
        while (i < p.size() && p[i] == '/') ++i;
        size_t start = i;
        while (i < p.size() && p[i] != '/') ++i;
        std::string_view comp(p.data() + start, i - start);
        if (comp.empty() || comp == ".") continue;
        if (comp == "..") {
            while (out > 0 && p[out - 1] != '/') --out;
            if (out > 0) --out;  // drop the slash too
            continue;
        }
        p[out++] = '/';
        std::memmove(&p[out], comp.data(), comp.size());
        out += comp.size();
    }
    if (out == 0) p[out++] = '/';
    p.resize(out);
}

FdType type_of_mode(uint32_t mode) {
    switch (mode & 0170000) {
        case 0040000:
            return FdType::Directory;
        case 0140000:
            return FdType::Unknown;  // sockets are typed by their family
        case 0010000:
            return FdType::Pipe;
        default:
            return FdType::File;
    }
}

void set_socket(FdInfo& f, const sensor_sock_section& r, bool accepted) {
    using fields::IpAddr;
    using state::L4Proto;
    if (r.family != 2 && r.family != 10) {
        if (r.family == 1) {
            f.type = FdType::Unix;
            f.sockfamily = "unix";
        }
        return;
    }
    f.type = r.family == 2 ? FdType::Ipv4 : FdType::Ipv6;
    f.sockfamily = "ip";
    f.l4proto = r.proto == 6    ? L4Proto::Tcp
                : r.proto == 17 ? L4Proto::Udp
                : r.proto == 1  ? L4Proto::Icmp
                                : L4Proto::Raw;
    IpAddr local, remote;
    local.family = remote.family = r.family == 2 ? 4 : 6;
    std::memcpy(local.bytes.data(), r.saddr, 16);
    std::memcpy(remote.bytes.data(), r.daddr, 16);
    // The client is the end that connected; an accepted socket's client is the remote end.
    f.is_server = accepted;
    f.cip = accepted ? remote : local;
    f.cport = accepted ? r.dport : r.sport;
    f.sip = accepted ? local : remote;
    f.sport = accepted ? r.sport : r.dport;
    f.connected = r.dport != 0;
    f.name.clear();
    if (!f.connected) return;
    f.name = f.cip.to_string();
    f.name += ':';
    f.name += std::to_string(f.cport);
    f.name += "->";
    f.name += f.sip.to_string();
    f.name += ':';
    f.name += std::to_string(f.sport);
}

FdType type_of_domain(int64_t domain) {
    switch (domain) {
        case 1:
            return FdType::Unix;
        case 2:
            return FdType::Ipv4;
        case 10:
            return FdType::Ipv6;
        case 16:
            return FdType::Netlink;
        default:
            return FdType::Unknown;
    }
}

}  // namespace

RecordDecoder::RecordDecoder(state::ProcessTable& procs, state::FdTable& fds, std::string proc_root)
    : procs_(procs), fds_(fds), proc_root_(std::move(proc_root)) {
    boot_to_epoch_ns_ = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
    type_by_nr_.fill(-1);
    for (uint32_t nr = 0; nr < type_by_nr_.size(); ++nr) {
        std::string_view name = events::syscall_name(nr);
        if (name.empty()) continue;
        if (auto id = events::event_type_id(name)) type_by_nr_[nr] = *id;
        schema_by_nr_[nr] = events::syscall_schema(name);
    }
    if (auto id = events::event_type_id("execve")) execve_type_ = *id;
    if (auto id = events::event_type_id("execveat")) execveat_type_ = *id;
    if (auto id = events::event_type_id("procexit")) procexit_type_ = *id;
    if (auto nr = events::syscall_number("execveat")) execveat_nr_ = *nr;
}

RecordDecoder::~RecordDecoder() = default;

const fields::Event* RecordDecoder::decode(const void* record, size_t size) {
    ++stats_.records;
    if (size < sizeof(sensor_record_header)) {
        ++stats_.malformed;
        return nullptr;
    }
    const auto* h = static_cast<const sensor_record_header*>(record);
    const fields::Event* ev = nullptr;
    switch (h->kind) {
        case SENSOR_REC_SYSCALL_EXIT:
            ev = decode_syscall(record, size);
            break;
        case SENSOR_REC_PROC_EXEC:
            ev = decode_exec(record, size);
            break;
        case SENSOR_REC_PROC_FORK:
            ev = decode_fork(record, size);
            break;
        case SENSOR_REC_PROC_EXIT:
            ev = decode_exit(record, size);
            break;
        default:
            ++stats_.malformed;
            return nullptr;
    }
    if (ev) ++stats_.events;
    return ev;
}

void RecordDecoder::finish() {
    switch (pending_.kind) {
        case Pending::Close:
            fds_.close(pending_.pid, pending_.id);
            break;
        case Pending::Exit:
            procs_.on_exit(pending_.id);
            if (procs_.thread_count(pending_.pid) == 0) fds_.remove_process(pending_.pid);
            break;
        case Pending::None:
            break;
    }
    pending_.kind = Pending::None;
}

void RecordDecoder::start_event(events::EventTypeId type, uint64_t ts_boot, ProcessInfo* proc) {
    ev_.num = ++seq_;
    ev_.ts = ts_boot + boot_to_epoch_ns_;
    ev_.type = type;
    ev_.dir = fields::EventDir::Exit;
    ev_.res = 0;
    ev_.has_res = true;
    ev_.open_flags = 0;
    ev_.is_open_event = false;
    ev_.param_count = 0;
    ev_.proc = proc;
    ev_.fd = nullptr;
    ev_.container = nullptr;
}

std::string& RecordDecoder::add_param(std::string_view name) {
    uint16_t i = ev_.param_count++;
    fields::EventParam& p = ev_.params[i];
    p.name = name;
    p.raw = 0;
    p.has_raw = false;
    text_[i].clear();
    return text_[i];
}

void RecordDecoder::add_text_param(std::string_view name, std::string_view text) {
    uint16_t i = ev_.param_count;
    add_param(name).assign(text);
    ev_.params[i].text = text_[i];
}

void RecordDecoder::add_raw_param(std::string_view name, int64_t raw, std::string_view text) {
    uint16_t i = ev_.param_count;
    add_text_param(name, text);
    ev_.params[i].raw = raw;
    ev_.params[i].has_raw = true;
}

ProcessInfo* RecordDecoder::thread(int64_t tid, int64_t pid) {
    if (ProcessInfo* p = procs_.find_mut(tid)) {
        procs_.touch(tid);
        return p;
    }
    if (tid != pid && procs_.find(pid)) return procs_.on_clone(pid, tid, pid, true);
    // Started before the probe saw it (or its fork record was lost): read it from /proc.
    ++stats_.threads_from_proc;
    std::string base = proc_root_ + "/" + std::to_string(pid);
    std::string comm, cmdline, exe, cwd, status, cgroup;
    state::detail::read_file(base + "/task/" + std::to_string(tid) + "/comm", comm, 64);
    while (!comm.empty() && comm.back() == '\n') comm.pop_back();
    state::detail::read_file(base + "/cmdline", cmdline, 64 * 1024);
    state::detail::read_link(base + "/exe", exe);
    state::detail::read_link(base + "/cwd", cwd);
    state::detail::read_file(base + "/task/" + std::to_string(tid) + "/status", status);
    state::detail::StatusFields st;
    bool have_status = state::detail::parse_status(status, st);
    std::string_view argv(cmdline);
    while (!argv.empty() && argv.back() == '\0') argv.remove_suffix(1);
    size_t nul = argv.find('\0');
    state::ExecInfo info;
    info.pid = pid;
    info.ptid = have_status ? st.ppid : 0;
    info.name = comm;
    info.exe = argv.substr(0, nul);
    info.args = nul == std::string_view::npos ? std::string_view{} : argv.substr(nul + 1);
    info.exepath = exe;
    info.cwd = cwd;
    if (have_status) {
        info.has_creds = true;
        info.uid = st.uid;
        info.gid = st.gid;
        info.has_caps = true;
        info.cap_effective = st.cap_effective;
        info.cap_permitted = st.cap_permitted;
        info.cap_inheritable = st.cap_inheritable;
    }
    state::detail::read_file(base + "/cgroup", cgroup);
    ProcessInfo* p = procs_.on_exec(tid, info);
    if (p && !cgroup.empty()) p->container = procs_.containers().from_proc_cgroup_file(cgroup);
    return p;
}

const state::ContainerInfo* RecordDecoder::container_of_cgroup(uint64_t cgroup_id, int64_t pid) {
    if (cache_generation_ != procs_.containers().generation()) {
        containers_by_cgroup_.clear();  // it may point at evicted containers
        cache_generation_ = procs_.containers().generation();
    }
    auto it = containers_by_cgroup_.find(cgroup_id);
    if (it != containers_by_cgroup_.end()) return it->second;
    std::string text;
    if (state::detail::read_file(proc_root_ + "/" + std::to_string(pid) + "/cgroup", text) != 0)
        return nullptr;
    const state::ContainerInfo* c = procs_.containers().from_proc_cgroup_file(text);
    if (containers_by_cgroup_.size() > 65536) containers_by_cgroup_.clear();
    containers_by_cgroup_.emplace(cgroup_id, c);
    return c;
}

void RecordDecoder::resolve_path(const ProcessInfo& proc, int64_t pid, int64_t dirfd,
                                 std::string_view dirfd_path, std::string_view path,
                                 std::string& out) {
    if (!path.empty() && path[0] == '/') {
        out.assign(path);
    } else {
        out.clear();
        if (static_cast<int32_t>(dirfd) == -100) {
            out = proc.cwd;
        } else if (!dirfd_path.empty()) {  // as the kernel saw it during the syscall
            out.assign(dirfd_path);
        } else if (const FdInfo* d = fd_arg(pid, static_cast<int32_t>(dirfd))) {
            out = d->name;
        }
        if (out.empty()) out = "/";
        if (out.back() != '/') out += '/';
        out += path;
    }
    normalize(out);
}

// A record that describes the file behind its fd argument (fchmod, fchdir, setns,
// finit_module) names it as the kernel saw it during the syscall: that becomes the table's
// entry, with no /proc lookup, which can no longer find the fd once the process has closed
// it or exited. Files with no kernel path (memfds, nsfs) are left to the table and /proc.
void RecordDecoder::take_kernel_file(int64_t pid, int64_t fd_num, const sensor_file_section& file,
                                     std::string_view kernel_path) {
    if (kernel_path.empty() || (file.file_flags & SENSOR_FILE_PATH_CUT)) return;
    auto n = static_cast<int32_t>(fd_num);
    if (FdInfo* known = fds_.find(pid, n)) {
        if (known->name == kernel_path && known->ino == file.ino && known->dev == file.dev) return;
        fds_.close(pid, n);  // another file than the entry says: nothing of it holds
    }
    FdInfo* fd = fds_.put(pid, n);
    if (!fd) return;
    fd->type = type_of_mode(file.i_mode);
    fd->name.assign(kernel_path);
    fd->dev = file.dev;
    fd->ino = file.ino;
    fd->refresh_derived();
}

state::FdInfo* RecordDecoder::fd_arg(int64_t pid, int64_t fd) {
    return fd_arg_was_open_ ? fds_.find_or_load(pid, fd) : fds_.find(pid, fd);
}

const fields::Event* RecordDecoder::decode_syscall(const void* record, size_t size) {
    SyscallView v;
    if (!parse_syscall(record, size, v) || v.r->h.nr >= type_by_nr_.size()) {
        ++stats_.malformed;
        return nullptr;
    }
    const sensor_syscall_exit& r = *v.r;
    const sensor_file_section& file = *v.file;
    const sensor_sock_section& sock = *v.sock;
    const Strings& str = v.str;
    int32_t type = type_by_nr_[r.h.nr];
    if (type < 0) {
        ++stats_.unknown_syscalls;
        return nullptr;
    }
    const events::SyscallSchema* schema = schema_by_nr_[r.h.nr];
    fd_arg_was_open_ = r.ret != -EBADF;
    // A successful execve is reported by its exec record; only failures come from here.
    if (schema && schema->effect == Effect::Execve && r.ret == 0) return nullptr;

    const int64_t tid = r.h.tid, pid = r.h.pid;
    ProcessInfo* proc = thread(tid, pid);
    start_event(static_cast<events::EventTypeId>(type), r.h.ts_ns, proc);
    ev_.res = r.ret;
    if (!schema) {
        for (int i = 0; i < 6; ++i) {
            static constexpr std::string_view kNames[] = {"arg0", "arg1", "arg2",
                                                          "arg3", "arg4", "arg5"};
            tmp_.clear();
            append_param(Fmt::Hex, static_cast<int64_t>(v.args[i]), tmp_);
            add_raw_param(kNames[i], static_cast<int64_t>(v.args[i]), tmp_);
        }
        return &ev_;
    }

    auto arg = [&](int i) { return static_cast<int64_t>(v.args[i]); };
    std::string_view user_path = str.s[0], kernel_path = str.s[1], dirfd_path;
    if (file.file_flags & SENSOR_FILE_DIRFD_PATH) {  // the open's file got no kernel path
        dirfd_path = kernel_path;
        kernel_path = {};
    }
    FdInfo* fd = nullptr;
    if (schema->payload == SENSOR_PAY_FD_FILE) take_kernel_file(pid, arg(0), file, kernel_path);
    switch (schema->effect) {
        case Effect::OpenFile: {
            ev_.is_open_event = schema->name != "memfd_create";
            if (schema->name == "open")
                ev_.open_flags = static_cast<uint32_t>(arg(1));
            else if (schema->name == "openat")
                ev_.open_flags = static_cast<uint32_t>(arg(2));
            else if (schema->name == "creat")
                ev_.open_flags =
                    events::oflags::kCreat | events::oflags::kWrOnly | events::oflags::kTrunc;
            else
                ev_.open_flags = file.f_flags;
            fd = r.ret >= 0 ? fds_.put(pid, r.ret) : nullptr;
            if (!fd) {  // failed (fd.num -1, as Falco reports it) or not tracked
                fd = &scratch_fd_;
                fd->num = r.ret >= 0 ? r.ret : -1;
            }
            if (schema->name == "memfd_create") {
                fd->type = FdType::Memfd;
                fd->name = "memfd:";
                fd->name += user_path;
                fd->nameraw = user_path;
            } else {
                fd->type = r.ret >= 0 ? type_of_mode(file.i_mode) : FdType::File;
                if (file.file_flags & SENSOR_FILE_MEMFD) fd->type = FdType::Memfd;
                uint8_t dirfd_at = events::dirfd_arg(*schema);
                int64_t dirfd = dirfd_at < 6 ? arg(dirfd_at) : -100;
                if (!kernel_path.empty() && !(file.file_flags & SENSOR_FILE_PATH_CUT))
                    fd->name.assign(kernel_path);
                else if (proc)
                    resolve_path(*proc, pid, dirfd, dirfd_path, user_path, fd->name);
                else
                    fd->name.assign(user_path);
                fd->nameraw.assign(user_path);
            }
            fd->open_flags = ev_.open_flags;
            fd->dev = file.dev;
            fd->ino = file.ino;
            fd->refresh_derived();
            break;
        }
        case Effect::Close:
            fd = fds_.find(pid, static_cast<int32_t>(arg(0)));
            if (r.ret == 0) pending_ = {Pending::Close, pid, static_cast<int32_t>(arg(0))};
            break;
        case Effect::Dup:
            if (r.ret >= 0) fds_.dup(pid, static_cast<int32_t>(arg(0)), r.ret);
            fd = r.ret >= 0 ? fds_.find(pid, r.ret) : nullptr;
            break;
        case Effect::FcntlDup:
            if (r.ret >= 0 && (arg(1) == 0 || arg(1) == 1030)) {
                fds_.dup(pid, static_cast<int32_t>(arg(0)), r.ret);
                if (FdInfo* n = fds_.find(pid, r.ret); n && arg(1) == 1030)
                    n->open_flags |= events::oflags::kCloExec;
            }
            fd = fd_arg(pid, static_cast<int32_t>(arg(0)));
            break;
        case Effect::Socket:
            if (r.ret >= 0 && (fd = fds_.put(pid, r.ret))) {
                fd->type = type_of_domain(arg(0));
                int64_t t = arg(1) & 0xf;
                fd->l4proto = t == 1   ? state::L4Proto::Tcp
                              : t == 2 ? state::L4Proto::Udp
                              : t == 3 ? state::L4Proto::Raw
                                       : state::L4Proto::Unknown;
                fd->sockfamily = arg(0) == 1 ? "unix" : (arg(0) == 2 || arg(0) == 10) ? "ip" : "";
                if (arg(1) & 02000000) fd->open_flags |= events::oflags::kCloExec;
            }
            break;
        case Effect::Connect:
        case Effect::Bind:
            fd = fd_arg(pid, static_cast<int32_t>(arg(0)));
            if (fd && sock.family != 0) set_socket(*fd, sock, false);
            break;
        case Effect::Accept:
            if (r.ret >= 0 && (fd = fds_.put(pid, r.ret))) set_socket(*fd, sock, true);
            break;
        case Effect::Chdir:
            if (r.ret == 0 && proc) {
                resolve_path(*proc, pid, -100, {}, user_path, path_buf_);
                if (path_buf_.back() != '/') path_buf_ += '/';
                proc->cwd = path_buf_;
            }
            break;
        case Effect::Fchdir:
            fd = fd_arg(pid, static_cast<int32_t>(arg(0)));
            if (r.ret == 0 && proc && !kernel_path.empty()) {
                proc->cwd.assign(kernel_path);
                if (proc->cwd.back() != '/') proc->cwd += '/';
            }
            break;
        case Effect::SetUid:
        case Effect::SetGid:
            if (r.ret == 0 && proc) {
                // The new effective id: setuid's only argument, set*euid's second.
                int which = schema->name == "setuid" || schema->name == "setgid" ? 0 : 1;
                auto id = static_cast<uint32_t>(arg(which));
                if (id != UINT32_MAX) {
                    bool uid = schema->effect == Effect::SetUid;
                    procs_.set_credentials(tid, uid ? id : proc->uid, uid ? proc->gid : id);
                }
            }
            break;
        case Effect::None:
        case Effect::Execve:
        case Effect::Pipe:
            break;
    }
    // After a close the fd is gone from /proc, or already reused: never load it from there.
    if (!fd && schema->effect != Effect::OpenFile && schema->effect != Effect::Close) {
        if (schema->fd_src == Src::Arg0)
            fd = fd_arg(pid, static_cast<int32_t>(arg(0)));
        else if (schema->fd_src == Src::Ret && r.ret >= 0)
            fd = fds_.find(pid, r.ret);
        if (fd && sock.family != 0 && schema->effect == Effect::None) set_socket(*fd, sock, false);
    }
    ev_.fd = fd;

    for (const ParamSpec& spec : schema->params) {
        uint16_t i = ev_.param_count;
        std::string& text = add_param(spec.name);
        fields::EventParam& p = ev_.params[i];
        switch (spec.src) {
            case Src::Str0:
            case Src::Str1:
                text.assign(spec.src == Src::Str0 ? user_path : str.s[1]);
                break;
            case Src::Tuple:
                if (fd && fd->connected) text = fd->name;
                break;
            case Src::FileFlags:
                p.raw = file.f_flags;
                p.has_raw = true;
                append_param(Fmt::OpenFlags, p.raw, text);
                break;
            case Src::Ret:
                p.raw = r.ret;
                p.has_raw = true;
                append_param(spec.fmt, p.raw, text);
                break;
            case Src::None:
                break;
            default: {
                int a = static_cast<int>(spec.src) - static_cast<int>(Src::Arg0);
                int64_t v = arg(a);
                if (spec.fmt == Fmt::Fd || spec.fmt == Fmt::Dirfd) v = static_cast<int32_t>(v);
                p.raw = v;
                p.has_raw = true;
                append_param(spec.fmt, v, text);
                break;
            }
        }
        p.text = text;
    }
    return &ev_;
}

const fields::Event* RecordDecoder::decode_exec(const void* record, size_t size) {
    if (size < sizeof(sensor_exec)) {
        ++stats_.malformed;
        return nullptr;
    }
    const auto& r = *static_cast<const sensor_exec*>(record);
    const uint16_t lens[4] = {r.filename_len, r.argv_len, r.cwd_len, r.exepath_len};
    Strings str = split_strings(record, size, sizeof r, lens, 4);
    if (!str.ok) {
        ++stats_.malformed;
        return nullptr;
    }
    ++stats_.execs;
    const int64_t tid = r.h.tid, pid = r.h.pid;
    std::string_view filename = str.s[0], argv = str.s[1], cwd = str.s[2], exepath = str.s[3];
    size_t nul = argv.find('\0');
    std::string_view comm(r.comm, strnlen(r.comm, sizeof r.comm));

    // A memfd's executable path is "memfd:NAME", as Falco reports it (its rules match
    // proc.exepath = "memfd:runc_cloned:/proc/self/exe").
    state::ExecInfo info;
    info.pid = pid;
    info.ptid = r.ppid;
    info.name = comm;
    info.exe = argv.substr(0, nul);
    info.args = nul == std::string_view::npos ? std::string_view{} : argv.substr(nul + 1);
    info.exepath = exepath;
    info.cwd = cwd;
    info.has_creds = true;
    info.uid = r.uid;
    info.gid = r.gid;
    info.loginuid = r.loginuid;
    info.has_caps = true;
    info.cap_effective = r.cap_effective;
    info.cap_permitted = r.cap_permitted;
    info.cap_inheritable = r.cap_inheritable;
    ProcessInfo* p = procs_.on_exec(tid, info);
    fds_.exec(pid);
    if (p) {
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
        if (const auto* c = container_of_cgroup(r.cgroup_id, pid)) p->container = c;
    }

    bool at = r.h.nr == execveat_nr_ && execveat_type_ >= 0;
    int32_t type = at ? execveat_type_ : execve_type_;
    if (type < 0) return nullptr;
    start_event(static_cast<events::EventTypeId>(type), r.h.ts_ns, p);
    add_raw_param("res", 0, "0");
    add_text_param("exe", info.exe);
    add_text_param("args", p ? std::string_view(p->args) : std::string_view{});
    auto add_num = [&](std::string_view name, int64_t v) {
        tmp_.clear();
        append_param(Fmt::Int, v, tmp_);
        add_raw_param(name, v, tmp_);
    };
    add_num("tid", tid);
    add_num("pid", pid);
    add_num("ptid", r.ppid);
    add_text_param("cwd", p ? std::string_view(p->cwd) : std::string_view{});
    add_num("fdlimit", static_cast<int64_t>(r.fdlimit));
    add_text_param("comm", comm);
    add_num("tty", r.tty);
    add_num("loginuid", static_cast<int32_t>(r.loginuid));
    {
        static constexpr std::pair<uint32_t, std::string_view> kFlags[] = {
            {SENSOR_FILE_WRITABLE, "EXE_WRITABLE"},
            {SENSOR_FILE_UPPER_LAYER, "EXE_UPPER_LAYER"},
            {SENSOR_FILE_MEMFD, "EXE_FROM_MEMFD"},
            {SENSOR_FILE_LOWER_LAYER, "EXE_LOWER_LAYER"}};
        tmp_.clear();
        for (auto [bit, name] : kFlags) {
            if (!(r.exe_flags & bit)) continue;
            if (!tmp_.empty()) tmp_ += '|';
            tmp_ += name;
        }
        if (tmp_.empty()) tmp_ = "0";
        add_raw_param("flags", r.exe_flags, tmp_);
    }
    auto add_caps = [&](std::string_view name, uint64_t v) {
        tmp_.clear();
        events::append_capabilities(v, tmp_);
        add_raw_param(name, static_cast<int64_t>(v), tmp_);
    };
    add_caps("cap_inheritable", r.cap_inheritable);
    add_caps("cap_permitted", r.cap_permitted);
    add_caps("cap_effective", r.cap_effective);
    add_num("exe_ino", static_cast<int64_t>(r.exe_ino));
    add_num("exe_ino_ctime", static_cast<int64_t>(r.exe_ctime_ns));
    add_num("exe_ino_mtime", static_cast<int64_t>(r.exe_mtime_ns));
    add_num("uid", r.uid);
    add_text_param("trusted_exepath", exepath);
    add_num("gid", r.gid);
    if (!at) add_text_param("filename", filename);
    return &ev_;
}

const fields::Event* RecordDecoder::decode_fork(const void* record, size_t size) {
    if (size < sizeof(sensor_proc_event)) {
        ++stats_.malformed;
        return nullptr;
    }
    const auto& r = *static_cast<const sensor_proc_event*>(record);
    ++stats_.forks;
    bool is_thread = static_cast<int64_t>(r.child_pid) == static_cast<int64_t>(r.h.pid);
    thread(r.h.tid, r.h.pid);  // the parent must be known for the child to inherit from it
    procs_.on_clone(r.h.tid, r.child_tid, r.child_pid, is_thread, r.h.ts_ns + boot_to_epoch_ns_);
    if (!is_thread) fds_.fork(r.h.pid, r.child_pid);
    return nullptr;
}

const fields::Event* RecordDecoder::decode_exit(const void* record, size_t size) {
    if (size < sizeof(sensor_proc_event)) {
        ++stats_.malformed;
        return nullptr;
    }
    const auto& r = *static_cast<const sensor_proc_event*>(record);
    ++stats_.exits;
    pending_ = {Pending::Exit, r.h.pid, r.h.tid};
    ProcessInfo* p = procs_.find_mut(r.h.tid);
    if (procexit_type_ < 0 || !p) return nullptr;
    start_event(static_cast<events::EventTypeId>(procexit_type_), r.h.ts_ns, p);
    ev_.has_res = false;
    tmp_.clear();
    append_param(Fmt::Int, r.exit_code, tmp_);
    add_raw_param("status", r.exit_code, tmp_);
    return &ev_;
}

}  // namespace sensor::capture
