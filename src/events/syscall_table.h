#pragma once
// The one syscall table: per syscall its name and event type (numbers per architecture come
// from syscalls.h), its category, what it does to the state tables (flags, and the decoder's
// handler), the indexes of the arguments that matter (fd, dirfd, flags...), what the probe adds
// to its record (payload, string arguments) and its Falco parameters with their sources and
// text forms. The probe's per-syscall config, the decoder, the syscalls traced for state, the
// open path filter's syscalls, `evt.category` and "is an open" all derive from it, so none can
// disagree with another; no syscall name is matched anywhere else.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "record.h"
#include "sensor/events/event_types.h"

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
    FileFlags,
    Data  // the I/O data the record carries (SyscallEntry::data_kind)
};

// How a parameter is rendered (Falco's text form) and whether it has a raw number.
enum class Fmt : uint8_t {
    Res,         // 0, or "-2(ENOENT)"
    Fd,          // "3", or the errno form when negative
    Dirfd,       // "-100(AT_FDCWD)" for AT_FDCWD
    Int,         // signed decimal
    Uint,        // unsigned decimal
    Uid,         // a user id: decimal, resolved to the user name (evt.arg.uid)
    Gid,         // a group id: decimal, resolved to the group name
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
    // Falco's flag tables (libs driver/flags_table.c): the names of the set bits in the
    // table's order, unknown bits left out, the decimal value when no name applies.
    Mode,            // chmod modes: S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR|S_ISUID ("%#o" when none)
    UnlinkatFlags,   // AT_REMOVEDIR
    LinkatFlags,     // AT_SYMLINK_FOLLOW|AT_EMPTY_PATH
    Renameat2Flags,  // RENAME_NOREPLACE...
    MountFlags,      // RDONLY|NOSUID... (the MS_MGC_VAL magic dropped)
    ModuleFlags,     // finit_module: MODULE_INIT_IGNORE_MODVERSIONS...
    UpperHex,        // Falco's PF_HEX numbers: upper-case hex without 0x (mkdir's mode: 1ED)
    BpfCmd,          // BPF_PROG_LOAD
    MmapProt,        // PROT_READ|PROT_EXEC (PROT_NONE when none)
};

struct ParamSpec {
    std::string_view name;
    Src src;
    Fmt fmt;
};

// evt.category.
enum class Category : uint8_t { Other, Process, Net, File, Memory };
std::string_view category_name(Category c);  // "other", "process", "net", "file", "memory"

// What the call does that the sensor's state follows.
namespace sysflag {
// Makes fds the fd table follows: files, memfds, sockets, copies, pipes (anonymous-inode fds,
// e.g. bpf's or userfaultfd's, are not followed).
inline constexpr uint32_t kCreatesFd = 1u << 0;
// Closes its fd argument.
inline constexpr uint32_t kClosesFd = 1u << 1;
// Its new fd is a copy of its fd argument's.
inline constexpr uint32_t kCopiesFd = 1u << 2;
// The event's fd (fd.*) is the returned one; else the fd argument, if it has one.
inline constexpr uint32_t kFdResult = 1u << 3;
// Opens a file by path or handle (evt.is_open_read...).
inline constexpr uint32_t kIsOpen = 1u << 4;
// Gives its fd argument's socket addresses.
inline constexpr uint32_t kSetsSocket = 1u << 5;
// Changes tasks, the program, the cwd or the name (new tasks and exits also arrive as the
// probe's fork and exit records).
inline constexpr uint32_t kChangesProcess = 1u << 6;
// Creates a task: in the parent it returns the child's id, after the probe's fork record.
inline constexpr uint32_t kNewTask = 1u << 9;
// Changes uids, gids or capabilities.
inline constexpr uint32_t kChangesCreds = 1u << 7;
// Changes namespaces or mounts.
inline constexpr uint32_t kChangesNamespace = 1u << 8;
// Reads data from, or writes data to, its fd argument (libs' EF_READS_FROM_FD,
// EF_WRITES_TO_FD: evt.is_io, evt.io_dir, evt.is_syslog).
inline constexpr uint32_t kReadsFd = 1u << 10;
inline constexpr uint32_t kWritesFd = 1u << 11;
// Makes the thread wait (libs' EF_WAITS: evt.is_wait).
inline constexpr uint32_t kWaits = 1u << 12;
// The probe can describe its fd argument's file (kernel path and status, SENSOR_PAY_FD_FILE
// with the argument in fd_arg) when a loaded rule reads the call's fd fields: user space
// cannot always know the file (an fd received, taken from another process, or opened before
// the sensor started by a process gone since).
inline constexpr uint32_t kFdFileOnDemand = 1u << 13;
// May receive fds (SCM_RIGHTS in the msghdr at args.data): the probe describes each.
inline constexpr uint32_t kReceivesFds = 1u << 14;
// Whatever the rules say, the state tables need these traced to stay correct.
inline constexpr uint32_t kState = kCreatesFd | kClosesFd | kCopiesFd | kSetsSocket |
                                   kChangesProcess | kChangesCreds | kChangesNamespace;
}  // namespace sysflag

// The decoder's state handler of a syscall's exit (a small table of functions indexed by it).
enum class Handler : uint8_t {
    None,      // no state change; the event's fd is the fd argument, or the result (kFdResult)
    Open,      // the result is a new fd of the file the record describes (an open by path or
               // handle, an fd taken from another process)
    Memfd,     // the result is a new memfd
    Close,     // the fd argument is closed (after the event)
    Dup,       // the result copies the fd argument
    FcntlDup,  // F_DUPFD, F_DUPFD_CLOEXEC: the result copies the fd argument
    Socket,    // the result is a new socket of the domain and type arguments
    Connect,   // the fd argument's socket gets the record's addresses (connect, bind)
    Accept,    // the result is a connected socket
    Bind,      // the fd argument's socket is bound: a server socket at the bound address
    Chdir,     // cwd = the path argument
    Fchdir,    // cwd = the fd argument's path
    SetUid,    // the effective uid becomes the id argument
    SetGid,    // the effective gid becomes the id argument
    Exec,      // a failed exec (a successful one arrives as an exec record)
    SetSid,    // the process leads a new session and process group
    SetPgid,   // the pid argument's process joins the pgid argument's group
};
inline constexpr size_t kHandlerCount = static_cast<size_t>(Handler::SetPgid) + 1;

// Argument indexes; SENSOR_NO_ARG when the call has none.
struct SyscallArgs {
    uint8_t fd = SENSOR_NO_ARG;      // the fd it acts on
    uint8_t dirfd = SENSOR_NO_ARG;   // the directory a relative path argument resolves against
    uint8_t flags = SENSOR_NO_ARG;   // open flags; socket: the type with its SOCK_* flags
    uint8_t cmd = SENSOR_NO_ARG;     // fcntl's command
    uint8_t domain = SENSOR_NO_ARG;  // socket's address family
    uint8_t id = SENSOR_NO_ARG;      // set*id: the new effective id (-1: unchanged)
    uint8_t data = SENSOR_NO_ARG;    // the I/O buffer, iovec array or msghdr (data_kind)
    uint8_t prot = SENSOR_NO_ARG;    // mmap's memory protection (PROT_*)
};

struct SyscallEntry {
    std::string_view name;  // Falco event type
    EventTypeId type = 0;   // event_type_id(name)
    Category category = Category::Other;
    uint32_t flags = 0;  // sysflag::
    Handler handler = Handler::None;
    uint8_t payload = SENSOR_PAY_ARGS;                    // enum sensor_payload
    uint8_t str_arg[2] = {SENSOR_NO_ARG, SENSOR_NO_ARG};  // arguments the probe reads as strings
    SyscallArgs args;
    uint32_t implied_open_flags = 0;  // an open with no flags argument (creat): what it means
    // How the probe reads the I/O data at args.data (enum sensor_data_kind, with
    // SENSOR_DATA_WRITES for writes); 0 when the call has none. Copied only when a rule asks.
    uint8_t data_kind = 0;
    // Falco's exit event parameters. Empty: no schema, the event has the six raw arguments.
    std::vector<ParamSpec> params;

    bool has(uint32_t flag) const { return (flags & flag) != 0; }
    bool has_schema() const { return !params.empty(); }
};

// Every entry, by name.
const std::vector<SyscallEntry>& syscall_entries();
// The entry of a syscall (by Falco event name), or nullptr when it has none.
const SyscallEntry* syscall_entry(std::string_view name);
// The entry of an event type, or nullptr (an array lookup).
const SyscallEntry* syscall_entry_by_type(EventTypeId type);

// How many leading raw arguments the decoder reads (the probe sends no more): all six for an
// entry without a schema.
uint8_t args_needed(const SyscallEntry& s);

// Derived sets.
// Traced for the state tables whatever the rules say.
bool traced_for_state(const SyscallEntry& s);
// Opens whose records the probe's open path filter applies to: those by path that carry the
// new file's kernel path.
bool path_filtered(const SyscallEntry& s);
// Calls that carry I/O data (evt.buffer) when a rule asks for it.
bool has_io_data(const SyscallEntry& s);
// Calls whose fd fields come only from the fd table's entry, learnt at the open (a close, a
// copy): rules on them are judged as rules on the open by the open path filter.
bool uses_fd_table(const SyscallEntry& s);
// The values of a call's command argument (args.cmd) the state tables act on (fcntl:
// F_DUPFD, F_DUPFD_CLOEXEC, see Handler::FcntlDup): the probe must send those whatever the
// rules say. Empty for calls without one.
std::vector<int64_t> state_commands(const SyscallEntry& s);
// The parameter that shows the command argument (fcntl's "cmd"), or nullptr.
const ParamSpec* command_param(const SyscallEntry& s);
// Calls whose fd fields a rule can read: they act on an fd argument or return one. Rules
// reading fd.* on other calls only are warned about (LOAD_UNFILLABLE_FIELD).
bool acts_on_fd(const SyscallEntry& s);
bool acts_on_fd(EventTypeId type);
// Names of the entries a predicate holds for, in the table's order.
std::vector<std::string_view> syscall_names_where(bool (*pred)(const SyscallEntry&));

// evt.category of any event type ("other" for those without one).
std::string_view event_category(EventTypeId type);
// True for the event types of calls that open a file (sysflag::kIsOpen).
bool is_open(EventTypeId type);
// evt.io_dir of an event type: "write" for calls that write an fd's data (also when they read
// it too, as libs answers), "read" for those that read it, else empty.
std::string_view io_direction(EventTypeId type);

// The paths a call acts on, for fs.path.* and evt.abspath (libs' sinsp_filtercheck_fspath.cpp
// and extract_abspath): the parameter naming each, and what a relative one resolves against.
enum class PathBase : uint8_t {
    Cwd,      // the thread's cwd
    Dirfd,    // the dirfd parameter named beside it (AT_FDCWD: the cwd)
    FdName,   // the event's fd name (openat: the decoder has resolved it already)
    Unknown,  // libs gives "<UNKNOWN>" (symlinkat's target)
};
struct PathRole {
    std::string_view param;  // empty: none; "fd": the event's fd name
    PathBase base = PathBase::Cwd;
    std::string_view dirfd;  // for PathBase::Dirfd
};
struct PathRoles {
    PathRole path, source, target;  // fs.path.name, .source, .target (successful calls only)
    bool success_is_fd = false;     // success is fd != -1 (opens) rather than res == 0
    PathRole abspath[2];            // evt.abspath(.src), evt.abspath.dst: Dirfd roles
};
// nullptr for calls without path roles.
const PathRoles* path_roles(EventTypeId type);

// io_uring requests that become the events of syscalls: an IORING_OP_* request is reported as
// the event of `syscall` (same type, parameters and fd), traced when that syscall is. How to
// read each op's request is the probe's (bpf/probe.bpf.c, "io_uring"); BpfProbe::apply()
// writes this table into the probe's uring_ops map.
struct IoUringOp {
    uint8_t opcode;  // IORING_OP_*
    std::string_view syscall;
};
std::span<const IoUringOp> io_uring_ops();

// The sysflag:: bits of an event type (0 for those without an entry).
uint32_t event_flags(EventTypeId type);
// The category of an event type.
Category event_category_of(EventTypeId type);

}  // namespace sensor::events
