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

// Falco's flag tables (libs driver/flags_table.c), in their order: the order names print in.
constexpr Flag kChmodMode[] = {{01, "S_IXOTH"},    {02, "S_IWOTH"},    {04, "S_IROTH"},
                               {010, "S_IXGRP"},   {020, "S_IWGRP"},   {040, "S_IRGRP"},
                               {0100, "S_IXUSR"},  {0200, "S_IWUSR"},  {0400, "S_IRUSR"},
                               {01000, "S_ISVTX"}, {02000, "S_ISGID"}, {04000, "S_ISUID"}};
constexpr Flag kUnlinkatFlags[] = {{0x200, "AT_REMOVEDIR"}};
constexpr Flag kMmapProt[] = {{1, "PROT_READ"},
                              {2, "PROT_WRITE"},
                              {4, "PROT_EXEC"},
                              {8, "PROT_SEM"},
                              {0x01000000, "PROT_GROWSDOWN"},
                              {0x02000000, "PROT_GROWSUP"},
                              {0x10, "PROT_SAT"}};
constexpr Flag kLinkatFlags[] = {{0x400, "AT_SYMLINK_FOLLOW"}, {0x1000, "AT_EMPTY_PATH"}};
constexpr Flag kRenameat2Flags[] = {
    {1, "RENAME_NOREPLACE"}, {2, "RENAME_EXCHANGE"}, {4, "RENAME_WHITEOUT"}};
constexpr Flag kModuleFlags[] = {{1, "MODULE_INIT_IGNORE_MODVERSIONS"},
                                 {2, "MODULE_INIT_IGNORE_VERMAGIC"},
                                 {4, "MODULE_INIT_COMPRESSED_FILE"}};
constexpr Flag kMountFlags[] = {
    {1u << 0, "RDONLY"},      {1u << 1, "NOSUID"},       {1u << 2, "NODEV"},
    {1u << 3, "NOEXEC"},      {1u << 4, "SYNCHRONOUS"},  {1u << 5, "REMOUNT"},
    {1u << 6, "MANDLOCK"},    {1u << 7, "DIRSYNC"},      {1u << 10, "NOATIME"},
    {1u << 11, "NODIRATIME"}, {1u << 12, "BIND"},        {1u << 13, "MOVE"},
    {1u << 14, "REC"},        {1u << 15, "SILENT"},      {1u << 16, "POSIXACL"},
    {1u << 17, "UNBINDABLE"}, {1u << 18, "PRIVATE"},     {1u << 19, "SLAVE"},
    {1u << 20, "SHARED"},     {1u << 21, "RELATIME"},    {1u << 22, "KERNMOUNT"},
    {1u << 23, "I_VERSION"},  {1u << 24, "STRICTATIME"}, {1u << 25, "LAZYTIME"},
    {1u << 28, "NOSEC"},      {1u << 29, "BORN"},        {1u << 30, "ACTIVE"},
    {1u << 31, "NOUSER"}};
// mount(2) flags may carry this magic number in their top half (pre-2.4 callers); the
// driver drops it before rendering.
constexpr uint32_t kMsMgcMask = 0xffff0000, kMsMgcVal = 0xc0ed0000;

// Falco's rendering of a PT_FLAGS32 or PT_MODE value (sinsp_evt::get_param_as_str): the
// names of the table's entries whose bits are set, in table order, each taking its bits;
// bits no entry names are left out; with no name at all, the number (the fallback).
template <size_t N>
void append_table_flags(uint32_t v, const Flag (&table)[N], std::string& out, bool octal) {
    size_t start = out.size();
    uint32_t left = v;
    for (const Flag& f : table) {
        if (left == 0 || (left & f.bit) != f.bit) continue;
        if (out.size() > start) out += '|';
        out += f.name;
        left &= ~static_cast<uint32_t>(f.bit);
    }
    if (out.size() > start) return;
    if (octal && v != 0) out += '0';
    append_int(v, out, octal ? 8 : 10);
}

void append_upper_hex(uint64_t v, std::string& out) {
    size_t start = out.size();
    append_int(v, out, 16);
    for (size_t i = start; i < out.size(); ++i)
        if (out[i] >= 'a' && out[i] <= 'f') out[i] = static_cast<char>(out[i] - 'a' + 'A');
}

// bpf(2) commands by number (Falco's bpf_commands, an enumeration: 10 has two names).
constexpr std::string_view kBpfCommands[] = {"BPF_MAP_CREATE",
                                             "BPF_MAP_LOOKUP_ELEM",
                                             "BPF_MAP_UPDATE_ELEM",
                                             "BPF_MAP_DELETE_ELEM",
                                             "BPF_MAP_GET_NEXT_KEY",
                                             "BPF_PROG_LOAD",
                                             "BPF_OBJ_PIN",
                                             "BPF_OBJ_GET",
                                             "BPF_PROG_ATTACH",
                                             "BPF_PROG_DETACH",
                                             "BPF_PROG_TEST_RUN|BPF_PROG_RUN",
                                             "BPF_PROG_GET_NEXT_ID",
                                             "BPF_MAP_GET_NEXT_ID",
                                             "BPF_PROG_GET_FD_BY_ID",
                                             "BPF_MAP_GET_FD_BY_ID",
                                             "BPF_OBJ_GET_INFO_BY_FD",
                                             "BPF_PROG_QUERY",
                                             "BPF_RAW_TRACEPOINT_OPEN",
                                             "BPF_BTF_LOAD",
                                             "BPF_BTF_GET_FD_BY_ID",
                                             "BPF_TASK_FD_QUERY",
                                             "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
                                             "BPF_MAP_FREEZE",
                                             "BPF_BTF_GET_NEXT_ID",
                                             "BPF_MAP_LOOKUP_BATCH",
                                             "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
                                             "BPF_MAP_UPDATE_BATCH",
                                             "BPF_MAP_DELETE_BATCH",
                                             "BPF_LINK_CREATE",
                                             "BPF_LINK_UPDATE",
                                             "BPF_LINK_GET_FD_BY_ID",
                                             "BPF_LINK_GET_NEXT_ID",
                                             "BPF_ENABLE_STATS",
                                             "BPF_ITER_CREATE",
                                             "BPF_LINK_DETACH",
                                             "BPF_PROG_BIND_MAP"};

std::string_view bpf_cmd_name(int64_t cmd) {
    return cmd >= 0 && cmd < static_cast<int64_t>(std::size(kBpfCommands))
               ? kBpfCommands[static_cast<size_t>(cmd)]
               : std::string_view{};
}

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
        case Fmt::Uid:
        case Fmt::Gid:
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
        case Fmt::BpfCmd:
            append_named(v, bpf_cmd_name(v), out);
            return;
        case Fmt::MemfdFlags:
            append_flags(static_cast<uint64_t>(v), kMemfdFlags, std::size(kMemfdFlags), out);
            return;
        case Fmt::CloneFlags:
        case Fmt::Ns:
            append_flags(static_cast<uint64_t>(v), kNsFlags, std::size(kNsFlags), out);
            return;
        case Fmt::Mode:
            append_table_flags(static_cast<uint32_t>(v), kChmodMode, out, true);
            return;
        case Fmt::UnlinkatFlags:
            append_table_flags(static_cast<uint32_t>(v), kUnlinkatFlags, out, false);
            return;
        case Fmt::MmapProt:
            if (v == 0)
                out += "PROT_NONE";
            else
                append_table_flags(static_cast<uint32_t>(v), kMmapProt, out, false);
            return;
        case Fmt::LinkatFlags:
            append_table_flags(static_cast<uint32_t>(v), kLinkatFlags, out, false);
            return;
        case Fmt::Renameat2Flags:
            append_table_flags(static_cast<uint32_t>(v), kRenameat2Flags, out, false);
            return;
        case Fmt::ModuleFlags:
            append_table_flags(static_cast<uint32_t>(v), kModuleFlags, out, false);
            return;
        case Fmt::MountFlags: {
            uint32_t flags = static_cast<uint32_t>(v);
            if ((flags & kMsMgcMask) == kMsMgcVal) flags &= ~kMsMgcMask;
            append_table_flags(flags, kMountFlags, out, false);
            return;
        }
        case Fmt::UpperHex:
            append_upper_hex(static_cast<uint64_t>(v), out);
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
        case Fmt::UpperHex:
            return "uint64";
        case Fmt::Uid:
            return "uid";
        case Fmt::Gid:
            return "gid";
        case Fmt::Oct:
        case Fmt::Mode:
            return "mode";
        case Fmt::BpfCmd:
            return "enumflags32";
        case Fmt::UnlinkatFlags:
        case Fmt::LinkatFlags:
        case Fmt::Renameat2Flags:
        case Fmt::MountFlags:
        case Fmt::ModuleFlags:
        case Fmt::MmapProt:
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
