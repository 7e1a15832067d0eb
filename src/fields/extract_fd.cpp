// fd.* fields: the file descriptor the event acts on (files, sockets, pipes ...).
#include <arpa/inet.h>

#include <charconv>

#include "extract_util.h"
#include "field_tables.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/paths.h"

namespace sensor::fields::detail {

void append_ip(const IpAddr& a, std::string& out) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (a.family == 4)
        inet_ntop(AF_INET, a.bytes.data(), buf, sizeof buf);
    else if (a.family == 6)
        inet_ntop(AF_INET6, a.bytes.data(), buf, sizeof buf);
    out += buf;
}

namespace {

bool is_ip_socket(const FdInfo* fd) {
    return fd && (fd->type == FdType::Ipv4 || fd->type == FdType::Ipv6);
}
bool is_socket(const FdInfo* fd) {
    return is_ip_socket(fd) || (fd && fd->type == FdType::Unix);
}

// Which end of the connection a field reads. Local is the client unless this end accepted.
enum class End { Client, Server, Local, Remote };

bool is_client(const FdInfo& fd, End e) {
    switch (e) {
        case End::Client:
            return true;
        case End::Server:
            return false;
        case End::Local:
            return !fd.is_server;
        case End::Remote:
            return fd.is_server;
    }
    return true;
}

bool ip_of(const Event& ev, End e, Value& out) {
    if (!is_ip_socket(ev.fd)) return false;
    const IpAddr& a = is_client(*ev.fd, e) ? ev.fd->cip : ev.fd->sip;
    if (!a.valid()) return false;
    out.ip = a;
    return true;
}

bool port_of(const Event& ev, End e, Value& out) {
    if (!is_ip_socket(ev.fd)) return false;
    return put_u64(out, is_client(*ev.fd, e) ? ev.fd->cport : ev.fd->sport);
}

// A Net-typed value is the address itself as a /32 (or /128) network; the compiler tests it
// against the rule's network with `contains`.
bool net_of(const Event& ev, End e, Value& out) {
    Value v;
    if (!ip_of(ev, e, v)) return false;
    out.net.addr = v.ip;
    out.net.prefix = v.ip.family == 4 ? 32 : 128;
    return true;
}

// any_of candidates: the client end, then the server end, skipping an end with no value so
// that a missing client address does not hide the server's.
template <typename Get>
bool nth_end(const Event& ev, uint32_t n, Value& out, Get get) {
    for (End e : {End::Client, End::Server}) {
        if (!get(ev, e, out)) continue;
        if (n == 0) return true;
        --n;
    }
    return false;
}

// The "container:path" form of fd.containername / fd.containerdirectory.
bool container_prefixed(const Event& ev, std::string_view path, Value& out, std::string& scratch) {
    const ContainerInfo* ci = ev.container_info();
    scratch.assign(ci ? std::string_view(ci->id) : std::string_view("host"));
    scratch += ':';
    scratch += path;
    return put_scratch(out, scratch);
}

// The file.

bool fd_num(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_i64(out, ev.fd->num);
}

bool fd_type(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_str(out, fd_type_name(ev.fd->type));
}

bool fd_typechar(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    if (!ev.fd) return false;
    scratch.assign(1, fd_type_char(ev.fd->type));
    return put_scratch(out, scratch);
}

bool fd_name(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_str(out, ev.fd->name);
}

bool fd_nameraw(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_str(out, ev.fd->nameraw);
}

// Files and directories only: the path from the file's filesystem root, or the path a rule
// names its inode by; the name where the probe gave neither.
bool fd_fspath(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    if (!ev.fd || (ev.fd->type != FdType::File && ev.fd->type != FdType::Directory)) return false;
    return put_nonempty(out, ev.fd->fspath.empty() ? ev.fd->name : ev.fd->fspath);
}

// The directory a relative open path starts from: the dirfd's path, or the cwd ("" unknown).
std::string_view open_base(const Event& ev) {
    constexpr int32_t kAtFdCwd = -100;
    const EventParam* dirfd = ev.param("dirfd");
    if (!dirfd || static_cast<int32_t>(dirfd->raw) == kAtFdCwd) {
        return ev.proc ? std::string_view(ev.proc->cwd) : std::string_view{};
    }
    const FdInfo* d = ev.fds && ev.proc ? ev.fds->find(ev.proc->pid, dirfd->raw) : nullptr;
    return d ? std::string_view(d->name) : std::string_view{};
}

// On a successful open: true when the path read from the caller's memory at exit does not
// lead lexically to the file the kernel opened (the path changed during the call, or a
// symlink was followed). Computed only when a rule asks, so opens pay nothing for it.
bool fd_nameraw_mismatch(const Event& ev, const FieldArg&, uint32_t, Value& out,
                         std::string& scratch) {
    if (!ev.is_open_event || !ev.fd) return false;
    if (ev.res < 0 || ev.fd->type == FdType::Memfd) return put_bool(out, false);
    std::string_view raw = ev.fd->nameraw;
    std::string_view base = raw.empty() || raw[0] == '/' ? std::string_view{} : open_base(ev);
    return put_bool(out, !state::raw_path_leads_to(raw, base, ev.fd->name, scratch));
}

bool fd_directory(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_nonempty(out, ev.fd->directory);
}

bool fd_filename(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_nonempty(out, ev.fd->filename);
}

bool fd_containername(const Event& ev, const FieldArg&, uint32_t, Value& out,
                      std::string& scratch) {
    return ev.fd && container_prefixed(ev, ev.fd->name, out, scratch);
}

bool fd_containerdirectory(const Event& ev, const FieldArg&, uint32_t, Value& out,
                           std::string& scratch) {
    return ev.fd && !ev.fd->directory.empty() &&
           container_prefixed(ev, ev.fd->directory, out, scratch);
}

bool fd_name_changed(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_bool(out, ev.fd->name_changed);
}

bool fd_dev(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_i64(out, static_cast<int64_t>(ev.fd->dev));
}

// Kernel-internal dev_t layout: 12-bit major above a 20-bit minor.
bool fd_dev_major(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_i64(out, static_cast<int64_t>(ev.fd->dev >> 20));
}

bool fd_dev_minor(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_i64(out, static_cast<int64_t>(ev.fd->dev & 0xfffff));
}

bool fd_ino(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_i64(out, static_cast<int64_t>(ev.fd->ino));
}

// Sockets.

bool fd_connected(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_bool(out, ev.fd->connected);
}

bool fd_is_server(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return is_socket(ev.fd) && put_bool(out, ev.fd->is_server);
}

bool fd_l4proto(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.fd && put_nonempty(out, l4proto_name(ev.fd->l4proto));
}

bool fd_sockfamily(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    if (!ev.fd) return false;
    if (!ev.fd->sockfamily.empty()) return put_str(out, ev.fd->sockfamily);
    if (is_ip_socket(ev.fd)) return put_str(out, "ip");
    if (ev.fd->type == FdType::Unix) return put_str(out, "unix");
    return false;
}

bool fd_cip(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ip_of(ev, End::Client, out);
}

bool fd_sip(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ip_of(ev, End::Server, out);
}

bool fd_lip(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ip_of(ev, End::Local, out);
}

bool fd_rip(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ip_of(ev, End::Remote, out);
}

bool fd_ip(const Event& ev, const FieldArg&, uint32_t n, Value& out, std::string&) {
    return nth_end(ev, n, out, ip_of);
}

bool fd_cport(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return port_of(ev, End::Client, out);
}

bool fd_sport(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return port_of(ev, End::Server, out);
}

bool fd_lport(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return port_of(ev, End::Local, out);
}

bool fd_rport(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return port_of(ev, End::Remote, out);
}

bool fd_port(const Event& ev, const FieldArg&, uint32_t n, Value& out, std::string&) {
    return nth_end(ev, n, out, port_of);
}

bool fd_cnet(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return net_of(ev, End::Client, out);
}

bool fd_snet(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return net_of(ev, End::Server, out);
}

bool fd_lnet(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return net_of(ev, End::Local, out);
}

bool fd_rnet(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return net_of(ev, End::Remote, out);
}

bool fd_net(const Event& ev, const FieldArg&, uint32_t n, Value& out, std::string&) {
    return nth_end(ev, n, out, net_of);
}

// fd.types[N]: the type of fd N of the process; fd.types: each type among the process's fds,
// once (libs needs the event to have an fd, too). Value n is the nth distinct type.
bool fd_types(const Event& ev, const FieldArg& arg, uint32_t n, Value& out, std::string&) {
    if (!ev.proc || !ev.fd || !ev.fds) return false;
    if (arg.present) {
        const FdInfo* f = ev.fds->find(ev.proc->pid, arg.index);
        return n == 0 && f && put_str(out, state::fd_type_name(f->type));
    }
    uint32_t seen_mask = 0;  // FdType values fit in 32 bits
    uint32_t distinct = 0;
    bool found = false;
    ev.fds->for_each_fd(ev.proc->pid, [&](const FdInfo& f) {
        uint32_t bit = 1u << static_cast<uint32_t>(f.type);
        if (found || (seen_mask & bit)) return;
        seen_mask |= bit;
        if (distinct++ == n) {
            found = true;
            out.str = state::fd_type_name(f.type);
        }
    });
    return found;
}

// libs: the thread id followed by the event's fd number, as digits with no separator.
bool fd_uid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    if (!ev.proc || !ev.fd) return false;
    char buf[48];
    auto r = std::to_chars(buf, buf + 24, ev.proc->tid);
    r = std::to_chars(r.ptr, buf + sizeof buf, ev.fd->num);
    scratch.assign(buf, r.ptr);
    return put_scratch(out, scratch);
}

// The files a recvmsg received over SCM_RIGHTS, one value each.
bool fd_received(const Event& ev, const FieldArg&, uint32_t n, Value& out, std::string&) {
    return n < ev.received_count && put_str(out, ev.received[n]);
}

}  // namespace

void add_fd_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    const FieldDef table[] = {
        // The file.
        {"fd.num", FT::Int64, AK::None, "file descriptor number", fd_num},
        {"fd.type", FT::String, AK::None, "fd kind: file, directory, ipv4, unix, pipe ...",
         fd_type},
        {"fd.typechar", FT::String, AK::None,
         "fd kind as one letter: f d 4 6 u p e s l i t n b r m P o", fd_typechar},
        {"fd.name", FT::Path, AK::None, "full path for files, connection tuple for sockets",
         fd_name},
        {"fd.nameraw", FT::Path, AK::None, "name as the syscall passed it", fd_nameraw},
        {"fd.fspath", FT::Path, AK::None,
         "file's path from its filesystem's root, the same through bind mounts, chroots and "
         "/proc/PID/root; for a file a rule names by path, that path (hardlinks too)",
         fd_fspath},
        {"fd.nameraw_mismatch", FT::Bool, AK::None,
         "on an open: fd.nameraw does not lead to the file opened (path changed during the "
         "call, or a symlink)",
         fd_nameraw_mismatch},
        {"fd.directory", FT::Path, AK::None, "directory holding the file", fd_directory},
        {"fd.filename", FT::String, AK::None, "file name without its directory", fd_filename},
        {"fd.containername", FT::String, AK::None, "container id, ':', fd.name", fd_containername},
        {"fd.containerdirectory", FT::String, AK::None, "container id, ':', fd.directory",
         fd_containerdirectory},
        {"fd.name_changed", FT::Bool, AK::None, "true when this event changed the fd's name",
         fd_name_changed},
        {"fd.dev", FT::Int64, AK::None, "device number of the file", fd_dev},
        {"fd.dev.major", FT::Int64, AK::None, "major device number", fd_dev_major},
        {"fd.dev.minor", FT::Int64, AK::None, "minor device number", fd_dev_minor},
        {"fd.ino", FT::Int64, AK::None, "inode number of the file", fd_ino},
        list_of({"fd.types", FT::String, AK::IndexOpt,
                 "types of the process's fds, each once; fd.types[N] the type of fd N", fd_types}),
        {"fd.uid", FT::String, AK::None, "thread id followed by the fd number", fd_uid},
        list_of({"fd.received", FT::Path, AK::None,
                 "recvmsg: names of the files it received over SCM_RIGHTS, as the kernel gave "
                 "them",
                 fd_received}),
        unavailable(
            {"fd.is_upper_layer", FT::Bool, AK::None,
             "file in an overlayfs upper layer; not reported by the probe for fds", never_filled},
            "the probe does not report overlayfs layers"),
        unavailable(
            {"fd.is_lower_layer", FT::Bool, AK::None,
             "file in an overlayfs lower layer; not reported by the probe for fds", never_filled},
            "the probe does not report overlayfs layers"),

        // Sockets.
        {"fd.connected", FT::Bool, AK::None, "true for a connected socket", fd_connected},
        {"fd.is_server", FT::Bool, AK::None, "true when this end is the server", fd_is_server},
        {"fd.l4proto", FT::String, AK::None, "transport protocol: tcp, udp, icmp, raw", fd_l4proto},
        {"fd.sockfamily", FT::String, AK::None, "socket family: ip or unix", fd_sockfamily},
        {"fd.cip", FT::Ip, AK::None, "client IP address", fd_cip},
        {"fd.sip", FT::Ip, AK::None, "server IP address", fd_sip},
        {"fd.lip", FT::Ip, AK::None, "local IP address", fd_lip},
        {"fd.rip", FT::Ip, AK::None, "remote IP address", fd_rip},
        any_of({"fd.ip", FT::Ip, AK::None, "client or server IP address", fd_ip}),
        {"fd.cport", FT::Uint64, AK::None, "client port", fd_cport},
        {"fd.sport", FT::Uint64, AK::None, "server port", fd_sport},
        {"fd.lport", FT::Uint64, AK::None, "local port", fd_lport},
        {"fd.rport", FT::Uint64, AK::None, "remote port", fd_rport},
        any_of({"fd.port", FT::Uint64, AK::None, "client or server port", fd_port}),
        {"fd.cnet", FT::Net, AK::None, "client address, matched against a network", fd_cnet},
        {"fd.snet", FT::Net, AK::None, "server address, matched against a network", fd_snet},
        {"fd.lnet", FT::Net, AK::None, "local address, matched against a network", fd_lnet},
        {"fd.rnet", FT::Net, AK::None, "remote address, matched against a network", fd_rnet},
        any_of({"fd.net", FT::Net, AK::None, "client or server address, matched against a network",
                fd_net}),

        // Names of addresses and ports: not resolved (that needs a DNS cache and a services
        // table, which the sensor does not keep).
        {"fd.cip.name", FT::String, AK::None, "domain name of an address; not resolved",
         never_filled},
        {"fd.sip.name", FT::String, AK::None, "domain name of an address; not resolved",
         never_filled},
        {"fd.lip.name", FT::String, AK::None, "domain name of an address; not resolved",
         never_filled},
        {"fd.rip.name", FT::String, AK::None, "domain name of an address; not resolved",
         never_filled},
        any_of({"fd.ip.name", FT::String, AK::None, "domain name of either address; not resolved",
                never_filled}),
        {"fd.cproto", FT::String, AK::None, "service name of a port; not resolved", never_filled},
        {"fd.sproto", FT::String, AK::None, "service name of a port; not resolved", never_filled},
        {"fd.lproto", FT::String, AK::None, "service name of a port; not resolved", never_filled},
        {"fd.rproto", FT::String, AK::None, "service name of a port; not resolved", never_filled},
        // Falco types fd.proto as a port, unlike its fd.cproto ... siblings.
        any_of({"fd.proto", FT::Uint64, AK::None, "service name of either port; not resolved",
                never_filled}),
    };
    append_fields(f, table);
}

}  // namespace sensor::fields::detail
