// The per-syscall table. Parameter names and order are Falco's exit events (libs
// driver/event_table.c, digested in SPEC section 5); values we cannot observe at sys_exit
// (e.g. the data of sendto) are left out rather than faked, so fields on them read as missing.
#include "sensor/events/syscall_table.h"

#include <algorithm>

namespace sensor::events {
namespace {

constexpr uint8_t N = SENSOR_NO_ARG;

std::vector<SyscallSchema> build() {
    using S = Src;
    using F = Fmt;
    using E = Effect;
    std::vector<SyscallSchema> t;
    auto add = [&](std::string_view name, uint8_t payload, uint8_t s0, uint8_t s1, Effect eff,
                   Src fd, std::vector<ParamSpec> params) {
        t.push_back({name, payload, {s0, s1}, eff, fd, std::move(params)});
    };
    // Files
    add("open", SENSOR_PAY_NEW_FILE, 0, N, E::OpenFile, S::Ret,
        {{"fd", S::Ret, F::Fd},
         {"name", S::Str0, F::Path},
         {"flags", S::Arg1, F::OpenFlags},
         {"mode", S::Arg2, F::Oct}});
    add("openat", SENSOR_PAY_NEW_FILE, 1, N, E::OpenFile, S::Ret,
        {{"fd", S::Ret, F::Fd},
         {"dirfd", S::Arg0, F::Dirfd},
         {"name", S::Str0, F::Path},
         {"flags", S::Arg2, F::OpenFlags},
         {"mode", S::Arg3, F::Oct}});
    // openat2's flags and mode live in struct open_how (arg 2); the decoder reads them from
    // the kernel's file status instead.
    add("openat2", SENSOR_PAY_NEW_FILE, 1, N, E::OpenFile, S::Ret,
        {{"fd", S::Ret, F::Fd},
         {"dirfd", S::Arg0, F::Dirfd},
         {"name", S::Str0, F::Path},
         {"flags", S::FileFlags, F::OpenFlags}});
    add("creat", SENSOR_PAY_NEW_FILE, 0, N, E::OpenFile, S::Ret,
        {{"fd", S::Ret, F::Fd}, {"name", S::Str0, F::Path}, {"mode", S::Arg1, F::Oct}});
    add("memfd_create", SENSOR_PAY_NEW_FILE, 0, N, E::OpenFile, S::Ret,
        {{"fd", S::Ret, F::Fd}, {"name", S::Str0, F::Path}, {"flags", S::Arg1, F::MemfdFlags}});
    add("close", SENSOR_PAY_ARGS, N, N, E::Close, S::Arg0,
        {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}});
    add("dup", SENSOR_PAY_ARGS, N, N, E::Dup, S::Ret,
        {{"res", S::Ret, F::Fd}, {"oldfd", S::Arg0, F::Fd}});
    add("dup2", SENSOR_PAY_ARGS, N, N, E::Dup, S::Ret,
        {{"res", S::Ret, F::Fd}, {"oldfd", S::Arg0, F::Fd}, {"newfd", S::Arg1, F::Fd}});
    add("dup3", SENSOR_PAY_ARGS, N, N, E::Dup, S::Ret,
        {{"res", S::Ret, F::Fd},
         {"oldfd", S::Arg0, F::Fd},
         {"newfd", S::Arg1, F::Fd},
         {"flags", S::Arg2, F::OpenFlags}});
    add("fcntl", SENSOR_PAY_ARGS, N, N, E::FcntlDup, S::Arg0,
        {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}, {"cmd", S::Arg1, F::FcntlCmd}});
    add("pipe", SENSOR_PAY_ARGS, N, N, E::Pipe, S::None, {{"res", S::Ret, F::Res}});
    add("pipe2", SENSOR_PAY_ARGS, N, N, E::Pipe, S::None,
        {{"res", S::Ret, F::Res}, {"flags", S::Arg1, F::OpenFlags}});
    add("symlink", SENSOR_PAY_STRINGS, 0, 1, E::None, S::None,
        {{"res", S::Ret, F::Res}, {"target", S::Str0, F::Path}, {"linkpath", S::Str1, F::Path}});
    add("symlinkat", SENSOR_PAY_STRINGS, 0, 2, E::None, S::None,
        {{"res", S::Ret, F::Res},
         {"target", S::Str0, F::Path},
         {"linkdirfd", S::Arg1, F::Dirfd},
         {"linkpath", S::Str1, F::Path}});
    add("link", SENSOR_PAY_STRINGS, 0, 1, E::None, S::None,
        {{"res", S::Ret, F::Res}, {"oldpath", S::Str0, F::Path}, {"newpath", S::Str1, F::Path}});
    add("linkat", SENSOR_PAY_STRINGS, 1, 3, E::None, S::None,
        {{"res", S::Ret, F::Res},
         {"olddir", S::Arg0, F::Dirfd},
         {"oldpath", S::Str0, F::Path},
         {"newdir", S::Arg2, F::Dirfd},
         {"newpath", S::Str1, F::Path},
         {"flags", S::Arg4, F::Hex}});
    add("unlink", SENSOR_PAY_STRINGS, 0, N, E::None, S::None,
        {{"res", S::Ret, F::Res}, {"path", S::Str0, F::Path}});
    add("unlinkat", SENSOR_PAY_STRINGS, 1, N, E::None, S::None,
        {{"res", S::Ret, F::Res},
         {"dirfd", S::Arg0, F::Dirfd},
         {"name", S::Str0, F::Path},
         {"flags", S::Arg2, F::Hex}});
    add("rename", SENSOR_PAY_STRINGS, 0, 1, E::None, S::None,
        {{"res", S::Ret, F::Res}, {"oldpath", S::Str0, F::Path}, {"newpath", S::Str1, F::Path}});
    add("renameat", SENSOR_PAY_STRINGS, 1, 3, E::None, S::None,
        {{"res", S::Ret, F::Res},
         {"olddirfd", S::Arg0, F::Dirfd},
         {"oldpath", S::Str0, F::Path},
         {"newdirfd", S::Arg2, F::Dirfd},
         {"newpath", S::Str1, F::Path}});
    add("renameat2", SENSOR_PAY_STRINGS, 1, 3, E::None, S::None,
        {{"res", S::Ret, F::Res},
         {"olddirfd", S::Arg0, F::Dirfd},
         {"oldpath", S::Str0, F::Path},
         {"newdirfd", S::Arg2, F::Dirfd},
         {"newpath", S::Str1, F::Path},
         {"flags", S::Arg4, F::Hex}});
    add("mkdir", SENSOR_PAY_STRINGS, 0, N, E::None, S::None,
        {{"res", S::Ret, F::Res}, {"path", S::Str0, F::Path}, {"mode", S::Arg1, F::Oct}});
    add("mkdirat", SENSOR_PAY_STRINGS, 1, N, E::None, S::None,
        {{"res", S::Ret, F::Res},
         {"dirfd", S::Arg0, F::Dirfd},
         {"path", S::Str0, F::Path},
         {"mode", S::Arg2, F::Oct}});
    add("rmdir", SENSOR_PAY_STRINGS, 0, N, E::None, S::None,
        {{"res", S::Ret, F::Res}, {"path", S::Str0, F::Path}});
    add("chmod", SENSOR_PAY_STRINGS, 0, N, E::None, S::None,
        {{"res", S::Ret, F::Res}, {"filename", S::Str0, F::Path}, {"mode", S::Arg1, F::Oct}});
    add("fchmodat", SENSOR_PAY_STRINGS, 1, N, E::None, S::None,
        {{"res", S::Ret, F::Res},
         {"dirfd", S::Arg0, F::Dirfd},
         {"filename", S::Str0, F::Path},
         {"mode", S::Arg2, F::Oct}});
    add("fchmod", SENSOR_PAY_FD_FILE, N, N, E::None, S::Arg0,
        {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}, {"mode", S::Arg1, F::Oct}});
    add("chdir", SENSOR_PAY_STRINGS, 0, N, E::Chdir, S::None,
        {{"res", S::Ret, F::Res}, {"path", S::Str0, F::Path}});
    add("fchdir", SENSOR_PAY_FD_FILE, N, N, E::Fchdir, S::Arg0,
        {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}});
    add("mount", SENSOR_PAY_STRINGS, 0, 1, E::None, S::None,
        {{"res", S::Ret, F::Res},
         {"dev", S::Str0, F::Path},
         {"dir", S::Str1, F::Path},
         {"flags", S::Arg3, F::Hex}});
    add("init_module", SENSOR_PAY_STRINGS, 2, N, E::None, S::None,
        {{"res", S::Ret, F::Res}, {"length", S::Arg1, F::Uint}, {"uargs", S::Str0, F::Path}});
    add("finit_module", SENSOR_PAY_FD_FILE, 1, N, E::None, S::Arg0,
        {{"res", S::Ret, F::Res},
         {"fd", S::Arg0, F::Fd},
         {"uargs", S::Str0, F::Path},
         {"flags", S::Arg2, F::Hex}});
    // Network
    add("socket", SENSOR_PAY_ARGS, N, N, E::Socket, S::Ret,
        {{"fd", S::Ret, F::Fd},
         {"domain", S::Arg0, F::SockDomain},
         {"type", S::Arg1, F::SockType},
         {"proto", S::Arg2, F::Uint}});
    add("connect", SENSOR_PAY_SOCK_ARG0, N, N, E::Connect, S::Arg0,
        {{"res", S::Ret, F::Res}, {"tuple", S::Tuple, F::Tuple}, {"fd", S::Arg0, F::Fd}});
    add("bind", SENSOR_PAY_SOCK_ARG0, N, N, E::Bind, S::Arg0,
        {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}});
    add("listen", SENSOR_PAY_ARGS, N, N, E::None, S::Arg0,
        {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}, {"backlog", S::Arg1, F::Int}});
    add("accept", SENSOR_PAY_SOCK_RET, N, N, E::Accept, S::Ret,
        {{"fd", S::Ret, F::Fd}, {"tuple", S::Tuple, F::Tuple}});
    add("accept4", SENSOR_PAY_SOCK_RET, N, N, E::Accept, S::Ret,
        {{"fd", S::Ret, F::Fd}, {"tuple", S::Tuple, F::Tuple}, {"flags", S::Arg3, F::Hex}});
    for (std::string_view name : {"sendto", "sendmsg", "recvfrom", "recvmsg"})
        add(name, SENSOR_PAY_SOCK_ARG0, N, N, E::None, S::Arg0,
            {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}, {"tuple", S::Tuple, F::Tuple}});
    // Processes and credentials
    add("execve", SENSOR_PAY_STRINGS, 0, N, E::Execve, S::None,
        {{"res", S::Ret, F::Res}, {"filename", S::Str0, F::Path}});
    add("execveat", SENSOR_PAY_STRINGS, 1, N, E::Execve, S::None,
        {{"res", S::Ret, F::Res}, {"dirfd", S::Arg0, F::Dirfd}, {"pathname", S::Str0, F::Path}});
    for (std::string_view name : {"clone", "clone3", "fork", "vfork"})
        add(name, SENSOR_PAY_ARGS, N, N, E::None, S::None, {{"res", S::Ret, F::Res}});
    add("ptrace", SENSOR_PAY_ARGS, N, N, E::None, S::None,
        {{"res", S::Ret, F::Res},
         {"addr", S::Arg2, F::Hex},
         {"data", S::Arg3, F::Hex},
         {"request", S::Arg0, F::PtraceReq},
         {"pid", S::Arg1, F::Int}});
    add("setuid", SENSOR_PAY_ARGS, N, N, E::SetUid, S::None,
        {{"res", S::Ret, F::Res}, {"uid", S::Arg0, F::Uint}});
    add("setgid", SENSOR_PAY_ARGS, N, N, E::SetGid, S::None,
        {{"res", S::Ret, F::Res}, {"gid", S::Arg0, F::Uint}});
    add("setreuid", SENSOR_PAY_ARGS, N, N, E::SetUid, S::None,
        {{"res", S::Ret, F::Res}, {"ruid", S::Arg0, F::Uint}, {"euid", S::Arg1, F::Uint}});
    add("setresuid", SENSOR_PAY_ARGS, N, N, E::SetUid, S::None,
        {{"res", S::Ret, F::Res},
         {"ruid", S::Arg0, F::Uint},
         {"euid", S::Arg1, F::Uint},
         {"suid", S::Arg2, F::Uint}});
    add("setregid", SENSOR_PAY_ARGS, N, N, E::SetGid, S::None,
        {{"res", S::Ret, F::Res}, {"rgid", S::Arg0, F::Uint}, {"egid", S::Arg1, F::Uint}});
    add("setresgid", SENSOR_PAY_ARGS, N, N, E::SetGid, S::None,
        {{"res", S::Ret, F::Res},
         {"rgid", S::Arg0, F::Uint},
         {"egid", S::Arg1, F::Uint},
         {"sgid", S::Arg2, F::Uint}});
    add("setns", SENSOR_PAY_FD_FILE, N, N, E::None, S::Arg0,
        {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}, {"nstype", S::Arg1, F::Ns}});
    add("unshare", SENSOR_PAY_ARGS, N, N, E::None, S::None,
        {{"res", S::Ret, F::Res}, {"flags", S::Arg0, F::Ns}});
    add("prctl", SENSOR_PAY_ARGS, N, N, E::None, S::None,
        {{"res", S::Ret, F::Res}, {"option", S::Arg0, F::Int}, {"arg2_int", S::Arg1, F::Int}});
    add("capset", SENSOR_PAY_ARGS, N, N, E::None, S::None, {{"res", S::Ret, F::Res}});
    add("bpf", SENSOR_PAY_ARGS, N, N, E::None, S::None,
        {{"res_or_fd", S::Ret, F::Fd}, {"cmd", S::Arg0, F::Int}});
    add("userfaultfd", SENSOR_PAY_ARGS, N, N, E::None, S::None,
        {{"res", S::Ret, F::Fd}, {"flags", S::Arg0, F::Hex}});
    std::sort(t.begin(), t.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return t;
}

}  // namespace

const std::vector<SyscallSchema>& syscall_schemas() {
    static const std::vector<SyscallSchema> table = build();
    return table;
}

uint8_t args_needed(const SyscallSchema& s) {
    // The effects read only arguments that are also parameters (fd, cmd, ids, flags).
    int n = 0;
    for (const ParamSpec& p : s.params) {
        if (p.src >= Src::Arg0 && p.src <= Src::Arg5)
            n = std::max(n, static_cast<int>(p.src) - static_cast<int>(Src::Arg0) + 1);
    }
    return static_cast<uint8_t>(n);
}

uint8_t dirfd_arg(const SyscallSchema& s) {
    for (const ParamSpec& p : s.params)
        if (p.fmt == Fmt::Dirfd && p.src >= Src::Arg0 && p.src <= Src::Arg5)
            return static_cast<uint8_t>(static_cast<int>(p.src) - static_cast<int>(Src::Arg0));
    return SENSOR_NO_ARG;
}

const SyscallSchema* syscall_schema(std::string_view name) {
    const auto& t = syscall_schemas();
    auto it =
        std::lower_bound(t.begin(), t.end(), name,
                         [](const SyscallSchema& s, std::string_view n) { return s.name < n; });
    return it != t.end() && it->name == name ? &*it : nullptr;
}

}  // namespace sensor::events
