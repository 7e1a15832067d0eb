#pragma once
// How each traced syscall is captured and decoded: what the probe adds to its record
// (sensor_payload), which Falco parameters its exit event has and where each comes from, and
// what it does to the state tables. One table drives both the probe's per-syscall config and
// the decoder, so the two cannot disagree.
#include <cstdint>
#include <string_view>
#include <vector>

#include "record.h"

namespace sensor::events {

// Where a parameter's value comes from in a sensor_syscall_exit record.
enum class Src : uint8_t {
    None,
    Ret,
    Arg0,
    Arg1,
    Arg2,
    Arg3,
    Arg4,
    Arg5,
    Str0,
    Str1,
    Tuple,
    FileFlags
};

// How a parameter is rendered (Falco's text form) and whether it has a raw number.
enum class Fmt : uint8_t {
    Res,         // 0, or "-2(ENOENT)"
    Fd,          // "3", or the errno form when negative
    Dirfd,       // "-100(AT_FDCWD)" for AT_FDCWD
    Int,         // signed decimal
    Uint,        // unsigned decimal
    Hex,         // 0x...
    Oct,         // 0644
    OpenFlags,   // O_RDONLY|O_CLOEXEC
    PtraceReq,   // PTRACE_ATTACH
    SockDomain,  // AF_INET
    SockType,    // SOCK_STREAM
    Path,        // a string as the process passed it
    Tuple,       // 10.0.0.1:5000->10.0.0.2:80
    FcntlCmd,    // F_DUPFD
    CloneFlags,  // CLONE_FILES|CLONE_VM...
    MemfdFlags,  // MFD_CLOEXEC
    Ns,          // CLONE_NEWNET... (setns/unshare)
};

struct ParamSpec {
    std::string_view name;
    Src src;
    Fmt fmt;
};

// What the call does to the state tables.
enum class Effect : uint8_t {
    None,
    OpenFile,  // the returned fd is a file (or memfd)
    Close,     // arg0 closed
    Dup,       // ret becomes a copy of arg0
    FcntlDup,  // fcntl(F_DUPFD*): ret copies arg0
    Socket,    // the returned fd is a socket
    Connect,   // arg0 connected: tuple
    Accept,    // the returned fd is a connected socket
    Bind,      // arg0 bound
    Pipe,      // arg0 points at two new fds (read from the process)
    Chdir,     // cwd = Str0 (relative to cwd)
    Fchdir,    // cwd = path of the fd in arg0
    SetUid,    // effective uid changed
    SetGid,
    Execve,  // failed exec (a successful one arrives as an exec record)
};

struct SyscallSchema {
    std::string_view name;  // Falco event type
    uint8_t payload;        // enum sensor_payload
    uint8_t str_arg[2];     // argument indexes the probe reads as strings (SENSOR_NO_ARG)
    Effect effect;
    Src fd_src;  // the fd the event is about (fd.*): Ret, Arg0 or None
    std::vector<ParamSpec> params;
};

// The schema of a syscall (by Falco event name), or nullptr when it is traced with raw
// arguments only.
const SyscallSchema* syscall_schema(std::string_view name);
// How many leading raw arguments the decoder reads for this syscall (the probe sends no more).
uint8_t args_needed(const SyscallSchema& s);
// The argument holding the first directory fd relative paths resolve against (SENSOR_NO_ARG).
uint8_t dirfd_arg(const SyscallSchema& s);
// Every syscall with a schema.
const std::vector<SyscallSchema>& syscall_schemas();

}  // namespace sensor::events
