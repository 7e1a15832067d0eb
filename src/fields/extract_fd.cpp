// fd.* fields: the file descriptor the event acts on (files, sockets, pipes ...).
#include <arpa/inet.h>

#include "extract_util.h"
#include "field_tables.h"

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

}  // namespace

void add_fd_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    f.push_back({"fd.num", FT::Int64, AK::None, "file descriptor number",
                 SENSOR_EXTRACTOR { return ev.fd && put_i64(out, ev.fd->num);
}
}  // namespace sensor::fields::detail
);
    f.push_back({"fd.type", FT::String, AK::None, "fd kind: file, directory, ipv4, unix, pipe ...",
                 SENSOR_EXTRACTOR { return ev.fd && put_str(out, fd_type_name(ev.fd->type));
    }
    });
    f.push_back({"fd.typechar", FT::String, AK::None,
                 "fd kind as one letter: f d 4 6 u p e s l i t n b r m P o",
                 SENSOR_EXTRACTOR {
                     if (!ev.fd) return false;
                     scratch.assign(1, fd_type_char(ev.fd->type));
                     return put_scratch(out, scratch);
    }
    });
    f.push_back({"fd.name", FT::Path, AK::None,
                 "full path for files, connection tuple for sockets",
                 SENSOR_EXTRACTOR { return ev.fd && put_str(out, ev.fd->name);
    }
    });
    f.push_back({"fd.nameraw", FT::Path, AK::None, "name as the syscall passed it",
                 SENSOR_EXTRACTOR { return ev.fd && put_str(out, ev.fd->nameraw);
    }
    });
    f.push_back({"fd.directory", FT::Path, AK::None, "directory holding the file",
                 SENSOR_EXTRACTOR { return ev.fd && put_nonempty(out, ev.fd->directory);
    }
    });
    f.push_back({"fd.filename", FT::String, AK::None, "file name without its directory",
                 SENSOR_EXTRACTOR { return ev.fd && put_nonempty(out, ev.fd->filename);
    }
    });
    f.push_back({"fd.containername", FT::String, AK::None, "container id, ':', fd.name",
                 SENSOR_EXTRACTOR {
                     return ev.fd && container_prefixed(ev, ev.fd->name, out, scratch);
    }
    });
    f.push_back({"fd.containerdirectory", FT::String, AK::None,
                 "container id, ':', fd.directory", SENSOR_EXTRACTOR {
                     return ev.fd && !ev.fd->directory.empty() &&
                            container_prefixed(ev, ev.fd->directory, out, scratch);
    }
    });
    f.push_back({"fd.name_changed", FT::Bool, AK::None,
                 "true when this event changed the fd's name",
                 SENSOR_EXTRACTOR { return ev.fd && put_bool(out, ev.fd->name_changed);
    }
    });
    f.push_back({"fd.dev", FT::Uint64, AK::None, "device number of the file",
                 SENSOR_EXTRACTOR { return ev.fd && put_u64(out, ev.fd->dev);
    }
    });
    // Kernel-internal dev_t layout: 12-bit major above a 20-bit minor.
    f.push_back({"fd.dev.major", FT::Uint64, AK::None, "major device number",
                 SENSOR_EXTRACTOR { return ev.fd && put_u64(out, ev.fd->dev >> 20);
    }
    });
    f.push_back({"fd.dev.minor", FT::Uint64, AK::None, "minor device number",
                 SENSOR_EXTRACTOR { return ev.fd && put_u64(out, ev.fd->dev & 0xfffff);
    }
    });
    f.push_back({"fd.ino", FT::Int64, AK::None, "inode number of the file",
                 SENSOR_EXTRACTOR {
                     return ev.fd && put_i64(out, static_cast<int64_t>(ev.fd->ino));
    }
    });

    // Sockets.
    f.push_back({"fd.connected", FT::Bool, AK::None, "true for a connected socket",
                 SENSOR_EXTRACTOR { return ev.fd && put_bool(out, ev.fd->connected);
    }
    });
    f.push_back({"fd.is_server", FT::Bool, AK::None, "true when this end is the server",
                 SENSOR_EXTRACTOR { return is_socket(ev.fd) && put_bool(out, ev.fd->is_server);
    }
    });
    f.push_back({"fd.l4proto", FT::String, AK::None, "transport protocol: tcp, udp, icmp, raw",
                 SENSOR_EXTRACTOR {
                     return ev.fd && put_nonempty(out, l4proto_name(ev.fd->l4proto));
    }
    });
    f.push_back({"fd.sockfamily", FT::String, AK::None, "socket family: ip or unix",
                 SENSOR_EXTRACTOR {
                     if (!ev.fd) return false;
                     if (!ev.fd->sockfamily.empty()) return put_str(out, ev.fd->sockfamily);
                     if (is_ip_socket(ev.fd)) return put_str(out, "ip");
                     if (ev.fd->type == FdType::Unix) return put_str(out, "unix");
                     return false;
    }
    });
    f.push_back({"fd.cip", FT::Ip, AK::None, "client IP address",
                 SENSOR_EXTRACTOR { return ip_of(ev, End::Client, out);
    }
    });
    f.push_back({"fd.sip", FT::Ip, AK::None, "server IP address",
                 SENSOR_EXTRACTOR { return ip_of(ev, End::Server, out);
    }
    });
    f.push_back({"fd.lip", FT::Ip, AK::None, "local IP address",
                 SENSOR_EXTRACTOR { return ip_of(ev, End::Local, out);
    }
    });
    f.push_back({"fd.rip", FT::Ip, AK::None, "remote IP address",
                 SENSOR_EXTRACTOR { return ip_of(ev, End::Remote, out);
    }
    });
    f.push_back(any_of({"fd.ip", FT::Ip, AK::None, "client or server IP address",
                        SENSOR_EXTRACTOR { return nth_end(ev, n, out, ip_of);
    }
    }));
    f.push_back({"fd.cport", FT::Uint64, AK::None, "client port",
                 SENSOR_EXTRACTOR { return port_of(ev, End::Client, out);
    }
    });
    f.push_back({"fd.sport", FT::Uint64, AK::None, "server port",
                 SENSOR_EXTRACTOR { return port_of(ev, End::Server, out);
    }
    });
    f.push_back({"fd.lport", FT::Uint64, AK::None, "local port",
                 SENSOR_EXTRACTOR { return port_of(ev, End::Local, out);
    }
    });
    f.push_back({"fd.rport", FT::Uint64, AK::None, "remote port",
                 SENSOR_EXTRACTOR { return port_of(ev, End::Remote, out);
    }
    });
    f.push_back(any_of({"fd.port", FT::Uint64, AK::None, "client or server port",
                        SENSOR_EXTRACTOR { return nth_end(ev, n, out, port_of);
    }
    }));
    f.push_back({"fd.cnet", FT::Net, AK::None, "client address, matched against a network",
                 SENSOR_EXTRACTOR { return net_of(ev, End::Client, out);
    }
    });
    f.push_back({"fd.snet", FT::Net, AK::None, "server address, matched against a network",
                 SENSOR_EXTRACTOR { return net_of(ev, End::Server, out);
    }
    });
    f.push_back({"fd.lnet", FT::Net, AK::None, "local address, matched against a network",
                 SENSOR_EXTRACTOR { return net_of(ev, End::Local, out);
    }
    });
    f.push_back({"fd.rnet", FT::Net, AK::None, "remote address, matched against a network",
                 SENSOR_EXTRACTOR { return net_of(ev, End::Remote, out);
    }
    });
    f.push_back(any_of({"fd.net", FT::Net, AK::None,
                        "client or server address, matched against a network",
                        SENSOR_EXTRACTOR { return nth_end(ev, n, out, net_of);
    }
    }));

    // Names resolved from addresses and ports would need a DNS cache and a services table,
    // which the sensor does not keep: these are always missing.
    for (std::string_view name : {"fd.cip.name", "fd.sip.name", "fd.lip.name", "fd.rip.name"}) {
        f.push_back({name, FT::String, AK::None, "domain name of an address; not resolved",
                     SENSOR_EXTRACTOR { return false;
    }
    });
    }
    f.push_back(any_of({"fd.ip.name", FT::String, AK::None,
                        "domain name of either address; not resolved",
                        SENSOR_EXTRACTOR { return false;
    }
    }));
    for (std::string_view name : {"fd.cproto", "fd.sproto", "fd.lproto", "fd.rproto"}) {
        f.push_back({name, FT::String, AK::None, "service name of a port; not resolved",
                     SENSOR_EXTRACTOR { return false;
    }
    });
    }
    f.push_back(any_of({"fd.proto", FT::String, AK::None,
                        "service name of either port; not resolved",
                        SENSOR_EXTRACTOR { return false;
    }
    }));
    }

    }  // namespace sensor::fields::detail
