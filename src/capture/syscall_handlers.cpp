// The decoder's state handlers: what a syscall's exit does to the fd and process tables, one
// short function per events::Handler, called through kHandlers. Each returns the fd the event
// is about (fd.*), or nullptr. Every syscall fact they use (which argument is the fd, the
// flags, the dirfd...) comes from the call's table entry; every ABI value from linux_abi.h.
#include <algorithm>
#include <cstring>

#include "sensor/capture/record_decoder.h"
#include "sensor/capture/record_values.h"
#include "sensor/capture/record_view.h"
#include "sensor/events/linux_abi.h"
#include "sensor/events/open_flags.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/paths.h"
#include "sensor/state/process_table.h"

namespace sensor::capture {
namespace {

namespace abi = events::abi;
using state::FdInfo;
using state::FdType;
using state::L4Proto;
using state::ProcessInfo;

constexpr uint8_t kArgs = 6;  // argument indexes below this are arguments; SENSOR_NO_ARG is not

L4Proto proto_of_type(int64_t socket_type) {
    switch (socket_type & abi::kSockTypeMask) {
        case abi::kSockStream:
            return L4Proto::Tcp;
        case abi::kSockDgram:
            return L4Proto::Udp;
        case abi::kSockRaw:
            return L4Proto::Raw;
        default:
            return L4Proto::Unknown;
    }
}

void set_socket(FdInfo& f, const sensor_sock_section& r, bool accepted) {
    using fields::IpAddr;
    if (r.family != abi::kAfInet && r.family != abi::kAfInet6) {
        if (r.family == abi::kAfUnix) {
            f.type = FdType::Unix;
            f.sockfamily = sockfamily_of(f.type);
        }
        return;
    }
    bool v4 = r.family == abi::kAfInet;
    f.type = fd_type_of_family(r.family);
    f.sockfamily = sockfamily_of(f.type);
    f.l4proto = l4proto_of_ip_proto(r.proto);
    IpAddr local, remote;
    local.family = remote.family = v4 ? 4 : 6;
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
    f.name_by_tuple();
}

// A bound socket (Falco's parse_bind_exit): with a port, a server socket at the bound address,
// named "ip:port" as Falco prints the address; listen and accept then see it as the server.
void set_bound_socket(FdInfo& f, const sensor_sock_section& r) {
    if ((r.family != abi::kAfInet && r.family != abi::kAfInet6) || r.sport == 0) {
        set_socket(f, r, false);
        return;
    }
    set_socket(f, r, true);
    static constexpr uint8_t kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (f.sip.family == 6 && std::memcmp(f.sip.bytes.data(), kV4Mapped, 12) == 0) {
        f.type = FdType::Ipv4;  // Falco makes an IPv4-mapped address an IPv4 server socket
        f.sip.family = 4;
        std::memmove(f.sip.bytes.data(), f.sip.bytes.data() + 12, 4);
        std::memset(f.sip.bytes.data() + 4, 0, 12);
    }
    f.cip = {};
    f.cport = 0;
    f.connected = false;
    f.name = f.sip.to_string();
    f.name += ':';
    f.name += std::to_string(f.sport);
}

// What the file section says of a new file's fd.
void set_file_status(FdInfo& fd, uint32_t open_flags, const sensor_file_section& file) {
    fd.open_flags = open_flags;
    fd.dev = file.dev;
    fd.ino = file.ino;
    fd.refresh_derived();
}

void end_dir_with_slash(std::string& dir) {
    if (dir.back() != '/') dir += '/';
}

}  // namespace

const std::array<RecordDecoder::HandlerFn, events::kHandlerCount> RecordDecoder::kHandlers = [] {
    std::array<HandlerFn, events::kHandlerCount> t{};
    auto set = [&](events::Handler h, HandlerFn fn) { t[static_cast<size_t>(h)] = fn; };
    set(events::Handler::None, &RecordDecoder::on_event_fd);
    set(events::Handler::Open, &RecordDecoder::on_open);
    set(events::Handler::Memfd, &RecordDecoder::on_memfd);
    set(events::Handler::Close, &RecordDecoder::on_close);
    set(events::Handler::Dup, &RecordDecoder::on_dup);
    set(events::Handler::FcntlDup, &RecordDecoder::on_fcntl_dup);
    set(events::Handler::Socket, &RecordDecoder::on_socket);
    set(events::Handler::Connect, &RecordDecoder::on_connect);
    set(events::Handler::Accept, &RecordDecoder::on_accept);
    set(events::Handler::Bind, &RecordDecoder::on_bind);
    set(events::Handler::Chdir, &RecordDecoder::on_chdir);
    set(events::Handler::Fchdir, &RecordDecoder::on_fchdir);
    set(events::Handler::SetUid, &RecordDecoder::on_setuid);
    set(events::Handler::SetGid, &RecordDecoder::on_setgid);
    set(events::Handler::Exec, &RecordDecoder::on_failed_exec);
    set(events::Handler::SetSid, &RecordDecoder::on_setsid);
    set(events::Handler::SetPgid, &RecordDecoder::on_setpgid);
    return t;
}();

FdInfo* RecordDecoder::on_event_fd(const SyscallCall& c) {
    FdInfo* fd = nullptr;
    if (c.e.has(events::sysflag::kFdResult)) {
        if (c.ret >= 0) fd = fds_.find(c.pid, c.ret);
    } else if (c.e.args.fd < kArgs) {
        fd = fd_arg(c.pid, c.fd());
    }
    if (fd && c.v.sock->family != 0) set_socket(*fd, *c.v.sock, false);
    return fd;
}

FdInfo* RecordDecoder::new_file_fd(const SyscallCall& c) {
    FdInfo* fd = c.ret >= 0 ? put_fd(c.pid, c.ret) : nullptr;
    if (!fd) {  // failed (fd.num -1, as Falco reports it) or not tracked
        fd = &scratch_fd_;
        fd->num = c.ret >= 0 ? c.ret : -1;
    }
    return fd;
}

FdInfo* RecordDecoder::on_open(const SyscallCall& c) {
    const events::SyscallEntry& e = c.e;
    const sensor_file_section& file = *c.v.file;
    ev_.is_open_event = e.has(events::sysflag::kIsOpen);
    ev_.open_flags = e.args.flags < kArgs        ? static_cast<uint32_t>(c.arg(e.args.flags))
                     : e.implied_open_flags != 0 ? e.implied_open_flags
                                                 : file.f_flags;
    FdInfo* fd = new_file_fd(c);
    fd->type = c.ret >= 0 ? fd_type_of_mode(file.i_mode) : FdType::File;
    if (file.file_flags & SENSOR_FILE_MEMFD) fd->type = FdType::Memfd;
    int64_t dirfd = e.args.dirfd < kArgs ? c.arg(e.args.dirfd) : abi::kAtFdCwd;
    if (!c.v.kernel_path.empty() && !(file.file_flags & SENSOR_FILE_PATH_CUT))
        fd->name.assign(c.v.kernel_path);
    else if (c.proc && e.str_arg[0] != SENSOR_NO_ARG)  // an open by handle has no path
        resolve_path(*c.proc, c.pid, dirfd, c.v.dirfd_path, c.v.user_path, fd->name);
    else
        fd->name.assign(c.v.user_path);
    fd->nameraw.assign(c.v.user_path);
    set_file_status(*fd, ev_.open_flags, file);
    set_fs_path(*fd, c.v);
    return fd;
}

// A memfd's name is "memfd:NAME", as Falco reports it.
FdInfo* RecordDecoder::on_memfd(const SyscallCall& c) {
    ev_.open_flags = c.v.file->f_flags;
    FdInfo* fd = new_file_fd(c);
    fd->type = FdType::Memfd;
    fd->name = "memfd:";
    fd->name += c.v.user_path;
    fd->nameraw = c.v.user_path;
    set_file_status(*fd, ev_.open_flags, *c.v.file);
    return fd;
}

// The event still sees the closed fd: it leaves the table in finish().
FdInfo* RecordDecoder::on_close(const SyscallCall& c) {
    if (fixed_slot_) return &fixed_fd_;  // a fixed slot is no fd of the table
    FdInfo* fd = fds_.find(c.pid, c.fd());
    if (c.ret == 0) pending_ = {Pending::Close, c.pid, c.fd()};
    return fd;
}

FdInfo* RecordDecoder::on_dup(const SyscallCall& c) {
    if (c.ret < 0) return nullptr;
    fds_.dup(c.pid, c.fd(), c.ret);
    return fds_.find(c.pid, c.ret);
}

FdInfo* RecordDecoder::on_fcntl_dup(const SyscallCall& c) {
    int64_t cmd = c.arg(c.e.args.cmd);
    if (c.ret >= 0 && (cmd == abi::kFDupFd || cmd == abi::kFDupFdCloExec)) {
        fds_.dup(c.pid, c.fd(), c.ret);
        if (FdInfo* n = fds_.find(c.pid, c.ret); n && cmd == abi::kFDupFdCloExec)
            n->open_flags |= events::oflags::kCloExec;
    }
    return fd_arg(c.pid, c.fd());
}

FdInfo* RecordDecoder::on_socket(const SyscallCall& c) {
    FdInfo* fd = c.ret >= 0 ? put_fd(c.pid, c.ret) : nullptr;
    if (!fd) return nullptr;
    int64_t domain = c.arg(c.e.args.domain), type = c.arg(c.e.args.flags);
    fd->type = fd_type_of_family(domain);
    // Only IP sockets have a layer-4 protocol (Falco shows none for packet sockets).
    bool ip = fd->type == FdType::Ipv4 || fd->type == FdType::Ipv6;
    fd->l4proto = ip ? proto_of_type(type) : L4Proto::Unknown;
    fd->sockfamily = sockfamily_of(fd->type);
    if (type & abi::kSockCloExec) fd->open_flags |= events::oflags::kCloExec;
    return fd;
}

FdInfo* RecordDecoder::on_connect(const SyscallCall& c) {
    FdInfo* fd = fd_arg(c.pid, c.fd());
    if (fd && c.v.sock->family != 0) set_socket(*fd, *c.v.sock, false);
    return fd;
}

FdInfo* RecordDecoder::on_accept(const SyscallCall& c) {
    FdInfo* fd = c.ret >= 0 ? put_fd(c.pid, c.ret) : nullptr;
    if (fd) set_socket(*fd, *c.v.sock, true);
    return fd;
}

FdInfo* RecordDecoder::on_bind(const SyscallCall& c) {
    FdInfo* fd = fd_arg(c.pid, c.fd());
    if (fd && c.ret == 0 && c.v.sock->family != 0) set_bound_socket(*fd, *c.v.sock);
    return fd;
}

FdInfo* RecordDecoder::on_chdir(const SyscallCall& c) {
    if (c.ret == 0 && c.proc) {
        resolve_path(*c.proc, c.pid, abi::kAtFdCwd, {}, c.v.user_path, path_buf_);
        end_dir_with_slash(path_buf_);
        c.proc->cwd = path_buf_;
    }
    return nullptr;
}

// The new cwd is the fd's path as the kernel saw it during the call.
FdInfo* RecordDecoder::on_fchdir(const SyscallCall& c) {
    FdInfo* fd = fd_arg(c.pid, c.fd());
    if (c.ret == 0 && c.proc && !c.v.kernel_path.empty()) {
        c.proc->cwd.assign(c.v.kernel_path);
        end_dir_with_slash(c.proc->cwd);
    }
    return fd;
}

void RecordDecoder::set_effective_id(const SyscallCall& c, bool uid) {
    if (c.ret != 0 || !c.proc) return;
    auto id = static_cast<uint32_t>(c.arg(c.e.args.id));
    if (id == UINT32_MAX) return;  // -1: unchanged
    procs_.set_credentials(c.tid, uid ? id : c.proc->uid, uid ? c.proc->gid : id);
}

FdInfo* RecordDecoder::on_setuid(const SyscallCall& c) {
    set_effective_id(c, true);
    return nullptr;
}

FdInfo* RecordDecoder::on_setgid(const SyscallCall& c) {
    set_effective_id(c, false);
    return nullptr;
}

FdInfo* RecordDecoder::on_setsid(const SyscallCall& c) {
    if (c.ret > 0) procs_.on_setsid(c.tid);
    return nullptr;
}

FdInfo* RecordDecoder::on_setpgid(const SyscallCall& c) {
    if (c.ret == 0)
        procs_.on_setpgid(c.tid, static_cast<int32_t>(c.arg(0)), static_cast<int32_t>(c.arg(1)));
    return nullptr;
}

// The process is unchanged by a failed exec (a successful one is no syscall event).
FdInfo* RecordDecoder::on_failed_exec(const SyscallCall&) {
    return nullptr;
}

void RecordDecoder::resolve_path(const ProcessInfo& proc, int64_t pid, int64_t dirfd,
                                 std::string_view dirfd_path, std::string_view path,
                                 std::string& out) {
    if (!path.empty() && path[0] == '/') {
        out.assign(path);
    } else {
        out.clear();
        if (static_cast<int32_t>(dirfd) == abi::kAtFdCwd) {
            out = proc.cwd;
        } else if (!dirfd_path.empty()) {  // as the kernel saw it during the syscall
            out.assign(dirfd_path);
        } else if (const FdInfo* d = fd_arg(pid, static_cast<int32_t>(dirfd))) {
            out = d->name;
        }
        if (out.empty()) out = "/";
        end_dir_with_slash(out);
        out += path;
    }
    state::normalize_path(out);
}

// A record that describes the file behind its fd argument (fchmod, fchdir, setns,
// finit_module) names it as the kernel saw it during the syscall: that becomes the table's
// entry, with no /proc lookup, which can no longer find the fd once the process has closed
// it or exited. Files with no kernel path (memfds, nsfs) are left to the table and /proc.
void RecordDecoder::set_file_identities(std::vector<FileIdentity> files) {
    auto key = [](const FileIdentity& f) { return std::pair(f.dev, f.ino); };
    std::sort(files.begin(), files.end(),
              [&](const FileIdentity& a, const FileIdentity& b) { return key(a) < key(b); });
    identities_ = std::move(files);
}

void RecordDecoder::set_fs_path(FdInfo& fd, const SyscallView& v) const {
    const sensor_file_section& file = *v.file;
    if (file.file_flags & SENSOR_FILE_IDENTITY) {
        auto it = std::lower_bound(identities_.begin(), identities_.end(), file,
                                   [](const FileIdentity& f, const sensor_file_section& s) {
                                       return std::pair(f.dev, f.ino) < std::pair(s.dev, s.ino);
                                   });
        if (it != identities_.end() && it->dev == file.dev && it->ino == file.ino) {
            fd.fspath.assign(it->path);
            return;
        }
    }
    if (v.fs_path.empty() || v.fs_path.data() == v.kernel_path.data() || v.fs_path == fd.name)
        fd.fspath.clear();
    else
        fd.fspath.assign(v.fs_path);
}

void RecordDecoder::take_kernel_file(int64_t pid, int64_t fd_num, const sensor_file_section& file,
                                     std::string_view kernel_path) {
    if (kernel_path.empty() || (file.file_flags & SENSOR_FILE_PATH_CUT)) return;
    if (FdInfo* known = fds_.find(pid, static_cast<int32_t>(fd_num)))
        if (known->name == kernel_path && known->ino == file.ino && known->dev == file.dev) return;
    enter_kernel_file(pid, fd_num, file, kernel_path);
}

// A file with no usable kernel path (a socket, a pipe, a memfd, a cut path) enters with its
// type only; /proc may name it later.
FdInfo* RecordDecoder::enter_kernel_file(int64_t pid, int64_t fd_num,
                                         const sensor_file_section& file,
                                         std::string_view kernel_path) {
    auto n = static_cast<int32_t>(fd_num);
    if (n < 0) return nullptr;
    fds_.close(pid, n);  // another file than the entry says: nothing of it holds
    FdInfo* fd = fds_.put(pid, n);
    if (!fd) return nullptr;
    fd->type = file.file_flags & SENSOR_FILE_MEMFD ? FdType::Memfd : fd_type_of_mode(file.i_mode);
    if (!(file.file_flags & SENSOR_FILE_PATH_CUT)) fd->name.assign(kernel_path);
    fd->dev = file.dev;
    fd->ino = file.ino;
    fd->refresh_derived();
    return fd;
}

FdInfo* RecordDecoder::fd_arg(int64_t pid, int64_t fd) {
    if (fixed_slot_) return &fixed_fd_;
    return fd_arg_was_open_ ? fds_.find_or_load(pid, fd) : fds_.find(pid, fd);
}

}  // namespace sensor::capture
