#include "sensor/state/records.h"

namespace sensor::state {
namespace {

void join(const std::vector<std::string>& parts, std::string& out) {
    out.clear();
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) out += ' ';
        out += parts[i];
    }
}

}  // namespace

void ProcessInfo::refresh_derived() {
    join(argv, args);
    cmdline = name;
    if (!args.empty()) {
        cmdline += ' ';
        cmdline += args;
    }
    join(env, env_joined);
}

void FdInfo::refresh_derived() {
    directory.clear();
    filename.clear();
    if (type == FdType::Directory) {
        directory = name;  // a directory fd is its own directory, as Falco reports it
        return;
    }
    if (type != FdType::File) return;
    size_t slash = name.rfind('/');
    if (slash == std::string::npos) {
        filename = name;
        return;
    }
    // assign() reuses the strings' storage: no allocation per event once warm.
    directory.assign(name, 0, slash == 0 ? 1 : slash);
    filename.assign(name, slash + 1);
}

std::string_view fd_type_name(FdType t) {
    switch (t) {
        case FdType::File:
            return "file";
        case FdType::Directory:
            return "directory";
        case FdType::Ipv4:
            return "ipv4";
        case FdType::Ipv6:
            return "ipv6";
        case FdType::Unix:
            return "unix";
        case FdType::Pipe:
            return "pipe";
        case FdType::Event:
            return "event";
        case FdType::Signalfd:
            return "signalfd";
        case FdType::Eventpoll:
            return "eventpoll";
        case FdType::Inotify:
            return "inotify";
        case FdType::Timerfd:
            return "timerfd";
        case FdType::Netlink:
            return "netlink";
        case FdType::Bpf:
            return "bpf";
        case FdType::Userfaultfd:
            return "userfaultfd";
        case FdType::IoUring:
            return "io_uring";
        case FdType::Memfd:
            return "memfd";
        case FdType::Pidfd:
            return "pidfd";
        case FdType::Unknown:
            break;
    }
    return "unknown";
}

// Letters as Falco's fd.typechar prints them (note userfaultfd shares 'u' with unix).
char fd_type_char(FdType t) {
    switch (t) {
        case FdType::File:
            return 'f';
        case FdType::Directory:
            return 'd';
        case FdType::Ipv4:
            return '4';
        case FdType::Ipv6:
            return '6';
        case FdType::Unix:
            return 'u';
        case FdType::Pipe:
            return 'p';
        case FdType::Event:
            return 'e';
        case FdType::Signalfd:
            return 's';
        case FdType::Eventpoll:
            return 'l';
        case FdType::Inotify:
            return 'i';
        case FdType::Timerfd:
            return 't';
        case FdType::Netlink:
            return 'n';
        case FdType::Bpf:
            return 'b';
        case FdType::Userfaultfd:
            return 'u';
        case FdType::IoUring:
            return 'r';
        case FdType::Memfd:
            return 'm';
        case FdType::Pidfd:
            return 'P';
        case FdType::Unknown:
            break;
    }
    return 'o';
}

std::string_view l4proto_name(L4Proto p) {
    switch (p) {
        case L4Proto::Tcp:
            return "tcp";
        case L4Proto::Udp:
            return "udp";
        case L4Proto::Icmp:
            return "icmp";
        case L4Proto::Raw:
            return "raw";
        case L4Proto::Unknown:
            break;
    }
    return "";
}

std::optional<FdType> fd_type_from_name(std::string_view name) {
    for (int t = 0; t <= static_cast<int>(FdType::Pidfd); ++t)
        if (fd_type_name(static_cast<FdType>(t)) == name) return static_cast<FdType>(t);
    return std::nullopt;
}

std::optional<L4Proto> l4proto_from_name(std::string_view name) {
    for (int p = static_cast<int>(L4Proto::Tcp); p <= static_cast<int>(L4Proto::Raw); ++p)
        if (l4proto_name(static_cast<L4Proto>(p)) == name) return static_cast<L4Proto>(p);
    return std::nullopt;
}

void FdInfo::name_by_tuple() {
    name = cip.to_string();
    name += ':';
    name += std::to_string(cport);
    name += "->";
    name += sip.to_string();
    name += ':';
    name += std::to_string(sport);
}

}  // namespace sensor::state
