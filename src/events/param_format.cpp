#include "sensor/events/param_format.h"

#include <charconv>
#include <cstdint>
#include <utility>

#include "sensor/events/errno_names.h"
#include "sensor/events/open_flags.h"

namespace sensor::events {
namespace {

template <typename T>
void append_int(T v, std::string& out, int base = 10) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, base);
    out.append(buf, end);
}

// value|(NAME) for negative errno-style results: "-2(ENOENT)".
void append_res(int64_t v, std::string& out) {
    append_int(v, out);
    if (v >= 0 || v == INT64_MIN) return;  // -INT64_MIN would overflow; no errno is that big
    std::string_view name = events::errno_name(static_cast<long>(-v));
    if (name.empty()) return;
    out += '(';
    out += name;
    out += ')';
}

struct Flag {
    uint64_t bit;
    std::string_view name;
};

void append_flags(uint64_t v, const Flag* flags, size_t n, std::string& out) {
    size_t start = out.size();
    for (size_t i = 0; i < n; ++i) {
        if ((v & flags[i].bit) != flags[i].bit || flags[i].bit == 0) continue;
        if (out.size() > start) out += '|';
        out += flags[i].name;
        v &= ~flags[i].bit;
    }
    if (v != 0 || out.size() == start) {
        if (out.size() > start) out += '|';
        append_int(v, out);
    }
}

constexpr Flag kMemfdFlags[] = {{1, "MFD_CLOEXEC"}, {2, "MFD_ALLOW_SEALING"}, {4, "MFD_HUGETLB"}};
constexpr Flag kNsFlags[] = {
    {0x00020000, "CLONE_NEWNS"},        {0x02000000, "CLONE_NEWCGROUP"},
    {0x04000000, "CLONE_NEWUTS"},       {0x08000000, "CLONE_NEWIPC"},
    {0x10000000, "CLONE_NEWUSER"},      {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"},       {0x00000080, "CLONE_NEWTIME"},
    {0x00000200, "CLONE_FS"},           {0x00000400, "CLONE_FILES"},
    {0x00000800, "CLONE_SIGHAND"},      {0x00000100, "CLONE_VM"},
    {0x00010000, "CLONE_THREAD"},       {0x00004000, "CLONE_VFORK"},
    {0x00100000, "CLONE_SETTLS"},       {0x00008000, "CLONE_PARENT"},
    {0x00040000, "CLONE_SYSVSEM"},      {0x00200000, "CLONE_CHILD_CLEARTID"},
    {0x01000000, "CLONE_CHILD_SETTID"}, {0x00080000, "CLONE_PARENT_SETTID"}};

std::string_view fcntl_cmd_name(int64_t cmd) {
    switch (cmd) {
        case 0:
            return "F_DUPFD";
        case 1:
            return "F_GETFD";
        case 2:
            return "F_SETFD";
        case 3:
            return "F_GETFL";
        case 4:
            return "F_SETFL";
        case 5:
            return "F_GETLK";
        case 6:
            return "F_SETLK";
        case 7:
            return "F_SETLKW";
        case 8:
            return "F_SETOWN";
        case 9:
            return "F_GETOWN";
        case 1030:
            return "F_DUPFD_CLOEXEC";
        default:
            return {};
    }
}

std::string_view socket_type_name(int64_t type) {
    switch (type & 0xf) {
        case 1:
            return "SOCK_STREAM";
        case 2:
            return "SOCK_DGRAM";
        case 3:
            return "SOCK_RAW";
        case 4:
            return "SOCK_RDM";
        case 5:
            return "SOCK_SEQPACKET";
        case 6:
            return "SOCK_DCCP";
        case 10:
            return "SOCK_PACKET";
        default:
            return {};
    }
}

void append_named(int64_t v, std::string_view name, std::string& out) {
    if (name.empty())
        append_int(v, out);
    else
        out += name;
}

}  // namespace

std::string_view ptrace_request_name(int64_t r) {
    switch (r) {
        case 0:
            return "PTRACE_TRACEME";
        case 1:
            return "PTRACE_PEEKTEXT";
        case 2:
            return "PTRACE_PEEKDATA";
        case 3:
            return "PTRACE_PEEKUSR";
        case 4:
            return "PTRACE_POKETEXT";
        case 5:
            return "PTRACE_POKEDATA";
        case 6:
            return "PTRACE_POKEUSR";
        case 7:
            return "PTRACE_CONT";
        case 8:
            return "PTRACE_KILL";
        case 9:
            return "PTRACE_SINGLESTEP";
        case 12:
            return "PTRACE_GETREGS";
        case 13:
            return "PTRACE_SETREGS";
        case 14:
            return "PTRACE_GETFPREGS";
        case 15:
            return "PTRACE_SETFPREGS";
        case 16:
            return "PTRACE_ATTACH";
        case 17:
            return "PTRACE_DETACH";
        case 24:
            return "PTRACE_SYSCALL";
        case 0x4200:
            return "PTRACE_SETOPTIONS";
        case 0x4201:
            return "PTRACE_GETEVENTMSG";
        case 0x4202:
            return "PTRACE_GETSIGINFO";
        case 0x4203:
            return "PTRACE_SETSIGINFO";
        case 0x4204:
            return "PTRACE_GETREGSET";
        case 0x4205:
            return "PTRACE_SETREGSET";
        case 0x4206:
            return "PTRACE_SEIZE";
        case 0x4207:
            return "PTRACE_INTERRUPT";
        case 0x4208:
            return "PTRACE_LISTEN";
        default:
            return {};
    }
}

std::string_view socket_domain_name(int64_t d) {
    switch (d) {
        case 1:
            return "AF_UNIX";
        case 2:
            return "AF_INET";
        case 10:
            return "AF_INET6";
        case 16:
            return "AF_NETLINK";
        case 17:
            return "AF_PACKET";
        default:
            return {};
    }
}

void append_param(Fmt fmt, int64_t v, std::string& out) {
    switch (fmt) {
        case Fmt::Res:
        case Fmt::Fd:
            append_res(v, out);
            return;
        case Fmt::Dirfd:
            if (static_cast<int32_t>(v) == -100) {
                out += "-100(AT_FDCWD)";
                return;
            }
            append_res(static_cast<int32_t>(v), out);
            return;
        case Fmt::Int:
            append_int(v, out);
            return;
        case Fmt::Uint:
            append_int(static_cast<uint64_t>(v), out);
            return;
        case Fmt::Hex:
            out += "0x";
            append_int(static_cast<uint64_t>(v), out, 16);
            return;
        case Fmt::Oct:
            out += '0';
            if (v != 0) append_int(static_cast<uint64_t>(v), out, 8);
            return;
        case Fmt::OpenFlags:
            events::oflags::append_open_flags(static_cast<uint32_t>(v), out);
            return;
        case Fmt::PtraceReq:
            append_named(v, ptrace_request_name(v), out);
            return;
        case Fmt::SockDomain:
            append_named(v, socket_domain_name(v), out);
            return;
        case Fmt::SockType:
            append_named(v, socket_type_name(v), out);
            return;
        case Fmt::FcntlCmd:
            append_named(v, fcntl_cmd_name(v), out);
            return;
        case Fmt::MemfdFlags:
            append_flags(static_cast<uint64_t>(v), kMemfdFlags, std::size(kMemfdFlags), out);
            return;
        case Fmt::CloneFlags:
        case Fmt::Ns:
            append_flags(static_cast<uint64_t>(v), kNsFlags, std::size(kNsFlags), out);
            return;
        case Fmt::Path:
        case Fmt::Tuple:
            return;
    }
}

std::string_view param_type_name(Fmt fmt) {
    switch (fmt) {
        case Fmt::Res:
            return "errno";
        case Fmt::Fd:
        case Fmt::Dirfd:
            return "fd";
        case Fmt::Int:
            return "int64";
        case Fmt::Uint:
        case Fmt::Hex:
            return "uint64";
        case Fmt::Oct:
            return "mode";
        case Fmt::OpenFlags:
        case Fmt::SockType:
        case Fmt::CloneFlags:
        case Fmt::MemfdFlags:
        case Fmt::Ns:
            return "flags32";
        case Fmt::PtraceReq:
            return "flags16";
        case Fmt::SockDomain:
            return "enumflags32";
        case Fmt::FcntlCmd:
            return "enumflags8";
        case Fmt::Path:
            return "fspath";
        case Fmt::Tuple:
            return "socktuple";
    }
    return "uint64";
}

}  // namespace sensor::events
