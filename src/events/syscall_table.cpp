// The syscall table. Parameter names and order are Falco's exit events (libs
// driver/event_table.c, digested in SPEC section 5); values we cannot observe at sys_exit
// (e.g. the data of sendto) are left out rather than faked, so fields on them read as missing.
// Entries without parameters are there for their category or flags only: their events carry
// the six raw arguments.
#include "sensor/events/syscall_table.h"

#include <linux/io_uring.h>

#include <algorithm>
#include <array>

#include "sensor/events/linux_abi.h"
#include "sensor/events/open_flags.h"

namespace sensor::events {
namespace {

constexpr uint8_t N = SENSOR_NO_ARG;

using S = Src;
using F = Fmt;
using H = Handler;
using A = SyscallArgs;
using namespace sysflag;

class Builder {
  public:
    // An entry with a schema: payload and string arguments for the probe, parameters for the
    // event.
    SyscallEntry& add(std::string_view name, Category cat, uint32_t flags, Handler handler,
                      uint8_t payload, std::array<uint8_t, 2> str, SyscallArgs args,
                      std::vector<ParamSpec> params) {
        SyscallEntry& e = t_.emplace_back();
        e.name = name;
        e.category = cat;
        e.flags = flags;
        e.handler = handler;
        e.payload = payload;
        e.str_arg[0] = str[0];
        e.str_arg[1] = str[1];
        e.args = args;
        e.params = std::move(params);
        return e;
    }
    // An entry without a schema.
    void raw(std::string_view name, Category cat, uint32_t flags = 0) {
        SyscallEntry& e = t_.emplace_back();
        e.name = name;
        e.category = cat;
        e.flags = flags;
    }
    std::vector<SyscallEntry> done() {
        for (SyscallEntry& e : t_)
            if (auto id = event_type_id(e.name)) e.type = *id;
        std::sort(t_.begin(), t_.end(),
                  [](const auto& a, const auto& b) { return a.name < b.name; });
        return std::move(t_);
    }

  private:
    std::vector<SyscallEntry> t_;
};

// Reads and writes. Parameters as Falco's exit events; the size of the vectored calls (the sum
// of their iovec lengths) is not observed, so they have none.
// Calls that move data between two fds: fd.* is the one read from (args.fd). Categories as
// libs gives them (sendfile and splice are "other").
void add_fd_to_fd(Builder& b) {
    constexpr Category C = Category::File, O = Category::Other;
    constexpr uint32_t kBoth = kReadsFd | kWritesFd | kFdFileOnDemand;
    const ParamSpec res{"res", S::Ret, F::Res};
    b.add("sendfile", O, kBoth, H::None, SENSOR_PAY_ARGS, {N, N}, A{.fd = 1},
          {res, {"out_fd", S::Arg0, F::Fd}, {"in_fd", S::Arg1, F::Fd}, {"size", S::Arg3, F::Uint}});
    b.add("splice", O, kBoth, H::None, SENSOR_PAY_ARGS, {N, N}, A{.fd = 0},
          {res,
           {"fd_in", S::Arg0, F::Fd},
           {"fd_out", S::Arg2, F::Fd},
           {"size", S::Arg4, F::Uint},
           {"flags", S::Arg5, F::Hex}});
    b.add("copy_file_range", C, kBoth, H::None, SENSOR_PAY_ARGS, {N, N}, A{.fd = 0},
          {res, {"fdin", S::Arg0, F::Fd}, {"fdout", S::Arg2, F::Fd}, {"len", S::Arg4, F::Uint}});
}

void add_file_io(Builder& b) {
    constexpr Category C = Category::File;
    constexpr uint8_t W = SENSOR_DATA_WRITES, BUF = SENSOR_DATA_BUF, IOV = SENSOR_DATA_IOV;
    constexpr uint32_t kRd = kReadsFd | kFdFileOnDemand, kWr = kWritesFd | kFdFileOnDemand;
    const ParamSpec res{"res", S::Ret, F::Res}, data{"data", S::Data, F::Path},
        fd{"fd", S::Arg0, F::Fd}, size{"size", S::Arg2, F::Uint}, pos{"pos", S::Arg3, F::Uint};
    const A io{.fd = 0, .data = 1};
    b.add("read", C, kRd, H::None, SENSOR_PAY_ARGS, {N, N}, io, {res, data, fd, size}).data_kind =
        BUF;
    b.add("write", C, kWr, H::None, SENSOR_PAY_ARGS, {N, N}, io, {res, data, fd, size}).data_kind =
        BUF | W;
    b.add("pread64", C, kRd, H::None, SENSOR_PAY_ARGS, {N, N}, io, {res, data, fd, size, pos})
        .data_kind = BUF;
    b.add("pwrite64", C, kWr, H::None, SENSOR_PAY_ARGS, {N, N}, io, {res, data, fd, size, pos})
        .data_kind = BUF | W;
    b.add("readv", C, kRd, H::None, SENSOR_PAY_ARGS, {N, N}, io, {res, data, fd}).data_kind = IOV;
    b.add("writev", C, kWr, H::None, SENSOR_PAY_ARGS, {N, N}, io, {res, data, fd}).data_kind =
        IOV | W;
    // preadv2 and pwritev2 are "other" in libs' categories.
    for (std::string_view name : {"preadv", "preadv2"})
        b.add(name, name == "preadv" ? C : Category::Other, kRd, H::None, SENSOR_PAY_ARGS, {N, N},
              io, {res, data, fd, pos})
            .data_kind = IOV;
    for (std::string_view name : {"pwritev", "pwritev2"})
        b.add(name, name == "pwritev" ? C : Category::Other, kWr, H::None, SENSOR_PAY_ARGS, {N, N},
              io, {res, data, fd, pos})
            .data_kind = IOV | W;
    add_fd_to_fd(b);
}

void add_files(Builder& b) {
    constexpr Category C = Category::File, O = Category::Other;
    constexpr uint32_t kOpen = kCreatesFd | kFdResult | kIsOpen;
    b.add("open", C, kOpen, H::Open, SENSOR_PAY_NEW_FILE, {0, N}, A{.flags = 1},
          {{"fd", S::Ret, F::Fd},
           {"name", S::Str0, F::Path},
           {"flags", S::Arg1, F::OpenFlags},
           {"mode", S::Arg2, F::Oct}});
    b.add("openat", C, kOpen, H::Open, SENSOR_PAY_NEW_FILE, {1, N}, A{.dirfd = 0, .flags = 2},
          {{"fd", S::Ret, F::Fd},
           {"dirfd", S::Arg0, F::Dirfd},
           {"name", S::Str0, F::Path},
           {"flags", S::Arg2, F::OpenFlags},
           {"mode", S::Arg3, F::Oct}});
    // openat2's flags and mode live in struct open_how (arg 2); the decoder reads them from
    // the kernel's file status instead.
    b.add("openat2", C, kOpen, H::Open, SENSOR_PAY_NEW_FILE, {1, N}, A{.dirfd = 0},
          {{"fd", S::Ret, F::Fd},
           {"dirfd", S::Arg0, F::Dirfd},
           {"name", S::Str0, F::Path},
           {"flags", S::FileFlags, F::OpenFlags}});
    b.add("creat", C, kOpen, H::Open, SENSOR_PAY_NEW_FILE, {0, N}, A{},
          {{"fd", S::Ret, F::Fd}, {"name", S::Str0, F::Path}, {"mode", S::Arg1, F::Oct}})
        .implied_open_flags = oflags::kCreat | oflags::kWrOnly | oflags::kTrunc;
    // The file comes from the kernel: the handle names no path.
    b.add("open_by_handle_at", O, kOpen, H::Open, SENSOR_PAY_NEW_FILE, {N, N}, A{.flags = 2},
          {{"fd", S::Ret, F::Fd},
           {"mountfd", S::Arg0, F::Fd},
           {"flags", S::Arg2, F::OpenFlags},
           {"path", S::Str1, F::Path}});
    // A copy of another process's fd: a new file of this one, described by the kernel.
    b.add("pidfd_getfd", O, kCreatesFd | kFdResult, H::Open, SENSOR_PAY_NEW_FILE, {N, N}, A{},
          {{"fd", S::Ret, F::Fd},
           {"pid_fd", S::Arg0, F::Fd},
           {"target_fd", S::Arg1, F::Fd},
           {"flags", S::Arg2, F::Uint}});
    b.add("memfd_create", O, kCreatesFd | kFdResult, H::Memfd, SENSOR_PAY_NEW_FILE, {0, N}, A{},
          {{"fd", S::Ret, F::Fd}, {"name", S::Str0, F::Path}, {"flags", S::Arg1, F::MemfdFlags}});
    b.add("close", C, kClosesFd, H::Close, SENSOR_PAY_ARGS, {N, N}, A{.fd = 0},
          {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}});
    constexpr uint32_t kDup = kCreatesFd | kCopiesFd | kFdResult;
    b.add("dup", C, kDup, H::Dup, SENSOR_PAY_ARGS, {N, N}, A{.fd = 0},
          {{"res", S::Ret, F::Fd}, {"oldfd", S::Arg0, F::Fd}});
    b.add("dup2", C, kDup, H::Dup, SENSOR_PAY_ARGS, {N, N}, A{.fd = 0},
          {{"res", S::Ret, F::Fd}, {"oldfd", S::Arg0, F::Fd}, {"newfd", S::Arg1, F::Fd}});
    b.add("dup3", O, kDup, H::Dup, SENSOR_PAY_ARGS, {N, N}, A{.fd = 0, .flags = 2},
          {{"res", S::Ret, F::Fd},
           {"oldfd", S::Arg0, F::Fd},
           {"newfd", S::Arg1, F::Fd},
           {"flags", S::Arg2, F::OpenFlags}});
    b.add("fcntl", O, kCreatesFd | kCopiesFd, H::FcntlDup, SENSOR_PAY_ARGS, {N, N},
          A{.fd = 0, .cmd = 1},
          {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}, {"cmd", S::Arg1, F::FcntlCmd}});
    // The new fds are in user memory, not in the record: /proc gives them when they are used.
    b.add("pipe", O, kCreatesFd, H::None, SENSOR_PAY_ARGS, {N, N}, A{}, {{"res", S::Ret, F::Res}});
    b.add("pipe2", O, kCreatesFd, H::None, SENSOR_PAY_ARGS, {N, N}, A{.flags = 1},
          {{"res", S::Ret, F::Res}, {"flags", S::Arg1, F::OpenFlags}});
    add_file_io(b);
}

// Calls that matter only for their flags or category (evt.is_wait, evt.category "memory").
void add_others(Builder& b) {
    for (std::string_view name : {"poll", "ppoll", "select", "epoll_wait", "nanosleep"})
        b.raw(name, Category::Other, kWaits);
    for (std::string_view name :
         {"brk", "munmap", "mprotect", "mlock", "mlock2", "mlockall", "munlock", "munlockall"})
        b.raw(name, Category::Memory);
    // fd.* is the mapped file (evt.is_exec_mapping); vm_size and the like are not observed.
    b.add("mmap", Category::Memory, kFdFileOnDemand, H::None, SENSOR_PAY_ARGS, {N, N},
          A{.fd = 4, .prot = 2},
          {{"res", S::Ret, F::Hex},
           {"addr", S::Arg0, F::Hex},
           {"length", S::Arg1, F::Uint},
           {"prot", S::Arg2, F::MmapProt},
           {"flags", S::Arg3, F::Hex},
           {"fd", S::Arg4, F::Fd},
           {"offset", S::Arg5, F::Uint}});
}

void add_paths(Builder& b) {
    constexpr Category C = Category::File, O = Category::Other;
    constexpr uint8_t P = SENSOR_PAY_STRINGS;
    b.add("symlink", C, 0, H::None, P, {0, 1}, A{},
          {{"res", S::Ret, F::Res}, {"target", S::Str0, F::Path}, {"linkpath", S::Str1, F::Path}});
    b.add("symlinkat", C, 0, H::None, P, {0, 2}, A{.dirfd = 1},
          {{"res", S::Ret, F::Res},
           {"target", S::Str0, F::Path},
           {"linkdirfd", S::Arg1, F::Dirfd},
           {"linkpath", S::Str1, F::Path}});
    b.add("link", C, 0, H::None, P, {0, 1}, A{},
          {{"res", S::Ret, F::Res}, {"oldpath", S::Str0, F::Path}, {"newpath", S::Str1, F::Path}});
    b.add("linkat", C, 0, H::None, P, {1, 3}, A{.dirfd = 0, .flags = 4},
          {{"res", S::Ret, F::Res},
           {"olddir", S::Arg0, F::Dirfd},
           {"oldpath", S::Str0, F::Path},
           {"newdir", S::Arg2, F::Dirfd},
           {"newpath", S::Str1, F::Path},
           {"flags", S::Arg4, F::LinkatFlags}});
    b.add("unlink", C, 0, H::None, P, {0, N}, A{},
          {{"res", S::Ret, F::Res}, {"path", S::Str0, F::Path}});
    b.add("unlinkat", C, 0, H::None, P, {1, N}, A{.dirfd = 0, .flags = 2},
          {{"res", S::Ret, F::Res},
           {"dirfd", S::Arg0, F::Dirfd},
           {"name", S::Str0, F::Path},
           {"flags", S::Arg2, F::UnlinkatFlags}});
    b.add("rename", C, 0, H::None, P, {0, 1}, A{},
          {{"res", S::Ret, F::Res}, {"oldpath", S::Str0, F::Path}, {"newpath", S::Str1, F::Path}});
    b.add("renameat", C, 0, H::None, P, {1, 3}, A{.dirfd = 0},
          {{"res", S::Ret, F::Res},
           {"olddirfd", S::Arg0, F::Dirfd},
           {"oldpath", S::Str0, F::Path},
           {"newdirfd", S::Arg2, F::Dirfd},
           {"newpath", S::Str1, F::Path}});
    b.add("renameat2", C, 0, H::None, P, {1, 3}, A{.dirfd = 0, .flags = 4},
          {{"res", S::Ret, F::Res},
           {"olddirfd", S::Arg0, F::Dirfd},
           {"oldpath", S::Str0, F::Path},
           {"newdirfd", S::Arg2, F::Dirfd},
           {"newpath", S::Str1, F::Path},
           {"flags", S::Arg4, F::Renameat2Flags}});
    b.add("mkdir", C, 0, H::None, P, {0, N}, A{},
          {{"res", S::Ret, F::Res}, {"path", S::Str0, F::Path}, {"mode", S::Arg1, F::UpperHex}});
    b.add("mkdirat", C, 0, H::None, P, {1, N}, A{.dirfd = 0},
          {{"res", S::Ret, F::Res},
           {"dirfd", S::Arg0, F::Dirfd},
           {"path", S::Str0, F::Path},
           {"mode", S::Arg2, F::UpperHex}});
    b.add("rmdir", C, 0, H::None, P, {0, N}, A{},
          {{"res", S::Ret, F::Res}, {"path", S::Str0, F::Path}});
    b.add("chmod", C, 0, H::None, P, {0, N}, A{},
          {{"res", S::Ret, F::Res}, {"filename", S::Str0, F::Path}, {"mode", S::Arg1, F::Mode}});
    b.add("fchmodat", C, 0, H::None, P, {1, N}, A{.dirfd = 0},
          {{"res", S::Ret, F::Res},
           {"dirfd", S::Arg0, F::Dirfd},
           {"filename", S::Str0, F::Path},
           {"mode", S::Arg2, F::Mode}});
    b.add("fchmod", C, 0, H::None, SENSOR_PAY_FD_FILE, {N, N}, A{.fd = 0},
          {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}, {"mode", S::Arg1, F::Mode}});
    b.add("chdir", O, kChangesProcess, H::Chdir, P, {0, N}, A{},
          {{"res", S::Ret, F::Res}, {"path", S::Str0, F::Path}});
    b.add("fchdir", O, kChangesProcess, H::Fchdir, SENSOR_PAY_FD_FILE, {N, N}, A{.fd = 0},
          {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}});
    b.add("mount", O, kChangesNamespace, H::None, P, {0, 1}, A{.flags = 3},
          {{"res", S::Ret, F::Res},
           {"dev", S::Str0, F::Path},
           {"dir", S::Str1, F::Path},
           {"flags", S::Arg3, F::MountFlags}});
    b.add("init_module", O, 0, H::None, P, {2, N}, A{},
          {{"res", S::Ret, F::Res}, {"length", S::Arg1, F::Uint}, {"uargs", S::Str0, F::Path}});
    b.add("finit_module", O, kReadsFd, H::None, SENSOR_PAY_FD_FILE, {1, N}, A{.fd = 0, .flags = 2},
          {{"res", S::Ret, F::Res},
           {"fd", S::Arg0, F::Fd},
           {"uargs", S::Str0, F::Path},
           {"flags", S::Arg2, F::ModuleFlags}});
}

void add_network(Builder& b) {
    constexpr Category C = Category::Net;
    b.add("socket", C, kCreatesFd | kFdResult, H::Socket, SENSOR_PAY_ARGS, {N, N},
          A{.flags = 1, .domain = 0},
          {{"fd", S::Ret, F::Fd},
           {"domain", S::Arg0, F::SockDomain},
           {"type", S::Arg1, F::SockType},
           {"proto", S::Arg2, F::Uint}});
    b.add("connect", C, kSetsSocket, H::Connect, SENSOR_PAY_SOCK_ARG0, {N, N}, A{.fd = 0},
          {{"res", S::Ret, F::Res}, {"tuple", S::Tuple, F::Tuple}, {"fd", S::Arg0, F::Fd}});
    b.add("bind", C, kSetsSocket, H::Bind, SENSOR_PAY_SOCK_ARG0, {N, N}, A{.fd = 0},
          {{"res", S::Ret, F::Res}, {"addr", S::Tuple, F::Tuple}, {"fd", S::Arg0, F::Fd}});
    b.add("listen", C, 0, H::None, SENSOR_PAY_ARGS, {N, N}, A{.fd = 0},
          {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}, {"backlog", S::Arg1, F::Int}});
    constexpr uint32_t kAccept = kCreatesFd | kFdResult;
    b.add("accept", C, kAccept, H::Accept, SENSOR_PAY_SOCK_RET, {N, N}, A{},
          {{"fd", S::Ret, F::Fd}, {"tuple", S::Tuple, F::Tuple}});
    b.add("accept4", C, kAccept, H::Accept, SENSOR_PAY_SOCK_RET, {N, N}, A{.flags = 3},
          {{"fd", S::Ret, F::Fd}, {"tuple", S::Tuple, F::Tuple}, {"flags", S::Arg3, F::UpperHex}});
    // Parameters in Falco's order; the msg calls' size (their iovecs' sum) is not observed.
    const ParamSpec res{"res", S::Ret, F::Res}, data{"data", S::Data, F::Path},
        fd{"fd", S::Arg0, F::Fd}, size{"size", S::Arg2, F::Uint},
        tuple{"tuple", S::Tuple, F::Tuple};
    const A io{.fd = 0, .data = 1};
    constexpr uint8_t P = SENSOR_PAY_SOCK_ARG0, W = SENSOR_DATA_WRITES;
    b.add("sendto", C, kWritesFd, H::None, P, {N, N}, io, {res, data, fd, size, tuple}).data_kind =
        SENSOR_DATA_BUF | W;
    b.add("recvfrom", C, kReadsFd, H::None, P, {N, N}, io, {res, data, tuple, fd, size}).data_kind =
        SENSOR_DATA_BUF;
    b.add("sendmsg", C, kWritesFd, H::None, P, {N, N}, io, {res, data, fd, tuple}).data_kind =
        SENSOR_DATA_MSG | W;
    b.add("recvmsg", C, kReadsFd | kReceivesFds, H::None, P, {N, N}, io, {res, data, tuple, fd})
        .data_kind = SENSOR_DATA_MSG;
    for (std::string_view name : {"shutdown", "getsockopt", "setsockopt", "socketpair"})
        b.raw(name, C);
    b.raw("sendmmsg", C, kWritesFd);
    b.raw("recvmmsg", C, kReadsFd);
}

void add_processes(Builder& b) {
    constexpr Category C = Category::Process, O = Category::Other;
    constexpr uint8_t P = SENSOR_PAY_ARGS;
    // A task's exit arrives as the probe's exit record; kill is not followed.
    for (std::string_view name : {"exit", "exit_group", "kill", "tkill", "tgkill"}) b.raw(name, C);
    // Session and group changes keep proc.sid and proc.vpgid (and their leaders) current.
    b.add("setsid", C, kChangesProcess, H::SetSid, P, {N, N}, A{}, {{"res", S::Ret, F::Res}});
    b.add("setpgid", O, kChangesProcess, H::SetPgid, P, {N, N}, A{},
          {{"res", S::Ret, F::Res}, {"pid", S::Arg0, F::Int}, {"pgid", S::Arg1, F::Int}});
    b.add("execve", C, kChangesProcess, H::Exec, SENSOR_PAY_STRINGS, {0, N}, A{},
          {{"res", S::Ret, F::Res}, {"filename", S::Str0, F::Path}});
    b.add("execveat", C, kChangesProcess, H::Exec, SENSOR_PAY_STRINGS, {1, N}, A{.dirfd = 0},
          {{"res", S::Ret, F::Res}, {"dirfd", S::Arg0, F::Dirfd}, {"pathname", S::Str0, F::Path}});
    // New tasks arrive as the probe's fork records.
    for (std::string_view name : {"clone", "clone3", "fork", "vfork"})
        b.add(name, C, kChangesProcess | kNewTask, H::None, P, {N, N}, A{},
              {{"res", S::Ret, F::Res}});
    b.add("ptrace", C, 0, H::None, P, {N, N}, A{},
          {{"res", S::Ret, F::Res},
           {"addr", S::Arg2, F::UpperHex},
           {"data", S::Arg3, F::UpperHex},
           {"request", S::Arg0, F::PtraceReq},
           {"pid", S::Arg1, F::Int}});
    // The category lists these came from leave setreuid and setregid out of "process".
    b.add("setuid", C, kChangesCreds, H::SetUid, P, {N, N}, A{.id = 0},
          {{"res", S::Ret, F::Res}, {"uid", S::Arg0, F::Uid}});
    b.add("setgid", C, kChangesCreds, H::SetGid, P, {N, N}, A{.id = 0},
          {{"res", S::Ret, F::Res}, {"gid", S::Arg0, F::Gid}});
    b.add("setreuid", O, kChangesCreds, H::SetUid, P, {N, N}, A{.id = 1},
          {{"res", S::Ret, F::Res}, {"ruid", S::Arg0, F::Uid}, {"euid", S::Arg1, F::Uid}});
    b.add("setresuid", C, kChangesCreds, H::SetUid, P, {N, N}, A{.id = 1},
          {{"res", S::Ret, F::Res},
           {"ruid", S::Arg0, F::Uid},
           {"euid", S::Arg1, F::Uid},
           {"suid", S::Arg2, F::Uid}});
    b.add("setregid", O, kChangesCreds, H::SetGid, P, {N, N}, A{.id = 1},
          {{"res", S::Ret, F::Res}, {"rgid", S::Arg0, F::Gid}, {"egid", S::Arg1, F::Gid}});
    b.add("setresgid", C, kChangesCreds, H::SetGid, P, {N, N}, A{.id = 1},
          {{"res", S::Ret, F::Res},
           {"rgid", S::Arg0, F::Gid},
           {"egid", S::Arg1, F::Gid},
           {"sgid", S::Arg2, F::Gid}});
    b.add("setns", O, kChangesNamespace, H::None, SENSOR_PAY_FD_FILE, {N, N}, A{.fd = 0},
          {{"res", S::Ret, F::Res}, {"fd", S::Arg0, F::Fd}, {"nstype", S::Arg1, F::Ns}});
    b.add("unshare", O, kChangesNamespace, H::None, P, {N, N}, A{.flags = 0},
          {{"res", S::Ret, F::Res}, {"flags", S::Arg0, F::Ns}});
    b.add("prctl", C, kChangesProcess, H::None, P, {N, N}, A{},
          {{"res", S::Ret, F::Res}, {"option", S::Arg0, F::Int}, {"arg2_int", S::Arg1, F::Int}});
    b.add("capset", C, kChangesCreds, H::None, P, {N, N}, A{}, {{"res", S::Ret, F::Res}});
    // Their fds (anonymous inodes) are not followed.
    b.add("bpf", O, 0, H::None, P, {N, N}, A{},
          {{"res_or_fd", S::Ret, F::Fd}, {"cmd", S::Arg0, F::BpfCmd}});
    b.add("userfaultfd", O, 0, H::None, P, {N, N}, A{.flags = 0},
          {{"res", S::Ret, F::Fd}, {"flags", S::Arg0, F::OpenFlags}});
}

std::vector<SyscallEntry> build() {
    Builder b;
    add_files(b);
    add_paths(b);
    add_network(b);
    add_processes(b);
    add_others(b);
    return b.done();
}

// Events that are no syscall, with a category.
constexpr std::pair<std::string_view, Category> kEventCategories[] = {
    {"procexit", Category::Process}};

struct ByType {
    std::vector<const SyscallEntry*> entry;
    std::vector<Category> category;
    ByType() : entry(event_type_count(), nullptr), category(event_type_count(), Category::Other) {
        for (const SyscallEntry& e : syscall_entries()) {
            if (e.type >= entry.size() || event_type_name(e.type) != e.name) continue;
            entry[e.type] = &e;
            category[e.type] = e.category;
        }
        for (auto [name, cat] : kEventCategories)
            if (auto id = event_type_id(name)) category[*id] = cat;
    }
};

const ByType& by_type() {
    static const ByType t;
    return t;
}

// Opcodes are ABI; those newer than the build's <linux/io_uring.h> (6.11's bind and listen) are
// numbers. Reads and writes at an offset are read and write: rules on reads name read and
// readv, and io_uring has no separate positional ops.
constexpr IoUringOp kIoUringOps[] = {
    {IORING_OP_READV, "readv"},
    {IORING_OP_WRITEV, "writev"},
    {IORING_OP_READ_FIXED, "read"},
    {IORING_OP_WRITE_FIXED, "write"},
    {IORING_OP_SENDMSG, "sendmsg"},
    {IORING_OP_RECVMSG, "recvmsg"},
    {IORING_OP_ACCEPT, "accept4"},
    {IORING_OP_CONNECT, "connect"},
    {IORING_OP_OPENAT, "openat"},
    {IORING_OP_CLOSE, "close"},
    {IORING_OP_READ, "read"},
    {IORING_OP_WRITE, "write"},
    {IORING_OP_SEND, "sendto"},
    {IORING_OP_RECV, "recvfrom"},
    {IORING_OP_OPENAT2, "openat2"},
    {IORING_OP_RENAMEAT, "renameat2"},
    {IORING_OP_UNLINKAT, "unlinkat"},
    {IORING_OP_MKDIRAT, "mkdirat"},
    {IORING_OP_SYMLINKAT, "symlinkat"},
    {IORING_OP_LINKAT, "linkat"},
    {IORING_OP_SOCKET, "socket"},
    {IORING_OP_SEND_ZC, "sendto"},
    {IORING_OP_SENDMSG_ZC, "sendmsg"},
    {56 /* IORING_OP_BIND */, "bind"},
    {57 /* IORING_OP_LISTEN */, "listen"},
};

}  // namespace

std::span<const IoUringOp> io_uring_ops() {
    return kIoUringOps;
}

std::string_view category_name(Category c) {
    switch (c) {
        case Category::Process:
            return "process";
        case Category::Net:
            return "net";
        case Category::File:
            return "file";
        case Category::Memory:
            return "memory";
        case Category::Other:
            break;
    }
    return "other";
}

const std::vector<SyscallEntry>& syscall_entries() {
    static const std::vector<SyscallEntry> table = build();
    return table;
}

const SyscallEntry* syscall_entry(std::string_view name) {
    const auto& t = syscall_entries();
    auto it =
        std::lower_bound(t.begin(), t.end(), name,
                         [](const SyscallEntry& s, std::string_view n) { return s.name < n; });
    return it != t.end() && it->name == name ? &*it : nullptr;
}

const SyscallEntry* syscall_entry_by_type(EventTypeId type) {
    const auto& t = by_type();
    return type < t.entry.size() ? t.entry[type] : nullptr;
}

uint8_t args_needed(const SyscallEntry& s) {
    if (!s.has_schema()) return 6;
    // The handlers read only arguments that are also parameters (fd, cmd, ids, flags).
    int n = 0;
    for (const ParamSpec& p : s.params) {
        if (p.src >= Src::Arg0 && p.src <= Src::Arg5)
            n = std::max(n, static_cast<int>(p.src) - static_cast<int>(Src::Arg0) + 1);
    }
    return static_cast<uint8_t>(n);
}

bool traced_for_state(const SyscallEntry& s) {
    return s.has(sysflag::kState);
}

bool path_filtered(const SyscallEntry& s) {
    return s.has(sysflag::kIsOpen) && s.payload == SENSOR_PAY_NEW_FILE;
}

bool has_io_data(const SyscallEntry& s) {
    return s.data_kind != 0 && s.args.data != SENSOR_NO_ARG;
}

bool uses_fd_table(const SyscallEntry& s) {
    return s.has(sysflag::kClosesFd | sysflag::kCopiesFd);
}

std::vector<int64_t> state_commands(const SyscallEntry& s) {
    if (s.handler == Handler::FcntlDup) return {abi::kFDupFd, abi::kFDupFdCloExec};
    return {};
}

const ParamSpec* command_param(const SyscallEntry& s) {
    if (s.args.cmd == SENSOR_NO_ARG) return nullptr;
    const Src src = static_cast<Src>(static_cast<uint8_t>(Src::Arg0) + s.args.cmd);
    for (const ParamSpec& p : s.params)
        if (p.src == src) return &p;
    return nullptr;
}

bool acts_on_fd(const SyscallEntry& s) {
    return s.args.fd != SENSOR_NO_ARG || s.has(sysflag::kFdResult);
}

bool acts_on_fd(EventTypeId type) {
    const SyscallEntry* e = syscall_entry_by_type(type);
    return e && acts_on_fd(*e);
}

std::vector<std::string_view> syscall_names_where(bool (*pred)(const SyscallEntry&)) {
    std::vector<std::string_view> out;
    for (const SyscallEntry& e : syscall_entries())
        if (pred(e)) out.push_back(e.name);
    return out;
}

std::string_view event_category(EventTypeId type) {
    const auto& t = by_type();
    return category_name(type < t.category.size() ? t.category[type] : Category::Other);
}

bool is_open(EventTypeId type) {
    const SyscallEntry* e = syscall_entry_by_type(type);
    return e && e->has(sysflag::kIsOpen);
}

std::string_view io_direction(EventTypeId type) {
    uint32_t f = event_flags(type);
    if (f & sysflag::kWritesFd) return "write";
    if (f & sysflag::kReadsFd) return "read";
    return {};
}

namespace {

constexpr PathRole rel(std::string_view p) {
    return {p, PathBase::Cwd, {}};
}
constexpr PathRole at(std::string_view p, std::string_view dirfd) {
    return {p, PathBase::Dirfd, dirfd};
}
constexpr PathRole kNoPath{{}, PathBase::Cwd, {}};

struct NamedRoles {
    std::string_view name;
    PathRoles roles;
};

// One path: fs.path.name; evt.abspath when it is dirfd-relative.
constexpr NamedRoles one(std::string_view name, PathRole path, bool abs = false) {
    return {name, {path, kNoPath, kNoPath, false, {abs ? path : kNoPath, kNoPath}}};
}
// Two paths: fs.path.source and .target; evt.abspath.src/.dst from the given dirfd roles.
constexpr NamedRoles two(std::string_view name, PathRole source, PathRole target,
                         PathRole abs_src = kNoPath, PathRole abs_dst = kNoPath) {
    return {name, {kNoPath, source, target, false, {abs_src, abs_dst}}};
}
constexpr NamedRoles open_call(std::string_view name, PathRole path, PathRole abs = kNoPath) {
    return {name, {path, kNoPath, kNoPath, true, {abs, kNoPath}}};
}

// libs' per-syscall choices, by our parameter names (link's source is its new path, as in
// libs).
constexpr NamedRoles kPathRoles[] = {
    one("mkdir", rel("path")),
    one("mkdirat", at("path", "dirfd"), true),
    one("rmdir", rel("path")),
    one("unlink", rel("path")),
    one("unlinkat", at("name", "dirfd"), true),
    open_call("open", rel("name")),
    open_call("openat", {"name", PathBase::FdName, {}}, at("name", "dirfd")),
    open_call("openat2", {"name", PathBase::FdName, {}}, at("name", "dirfd")),
    one("fchmodat", at("filename", "dirfd"), true),
    one("chmod", rel("filename")),
    one("fchmod", rel("fd")),
    two("rename", rel("oldpath"), rel("newpath")),
    two("renameat", rel("oldpath"), rel("newpath"), at("oldpath", "olddirfd"),
        at("newpath", "newdirfd")),
    two("renameat2", at("oldpath", "olddirfd"), at("newpath", "newdirfd"),
        at("oldpath", "olddirfd"), at("newpath", "newdirfd")),
    two("link", rel("newpath"), rel("oldpath")),
    two("linkat", rel("newpath"), rel("oldpath"), at("oldpath", "olddir"), at("newpath", "newdir")),
    two("symlink", rel("linkpath"), rel("target")),
    two("symlinkat", at("linkpath", "linkdirfd"), {"target", PathBase::Unknown, {}},
        at("linkpath", "linkdirfd")),
    two("mount", rel("dev"), rel("dir")),
};

}  // namespace

const PathRoles* path_roles(EventTypeId type) {
    static const std::vector<const PathRoles*> index = [] {
        std::vector<const PathRoles*> v(event_type_count(), nullptr);
        for (const NamedRoles& r : kPathRoles)
            if (auto id = event_type_id(r.name)) v[*id] = &r.roles;
        return v;
    }();
    return type < index.size() ? index[type] : nullptr;
}

uint32_t event_flags(EventTypeId type) {
    const SyscallEntry* e = syscall_entry_by_type(type);
    return e ? e->flags : 0;
}

Category event_category_of(EventTypeId type) {
    const auto& t = by_type();
    return type < t.category.size() ? t.category[type] : Category::Other;
}

}  // namespace sensor::events
