// The syscall table and the sets derived from it: each must equal the list it replaced.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "record.h"
#include "sensor/events/event_types.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"

namespace sensor::events {
namespace {

using Names = std::set<std::string_view>;

Names names_where(bool (*pred)(const SyscallEntry&)) {
    auto v = syscall_names_where(pred);
    return Names(v.begin(), v.end());
}

int arg_of(Src s) {
    return s >= Src::Arg0 && s <= Src::Arg5 ? static_cast<int>(s) - static_cast<int>(Src::Arg0)
                                            : -1;
}

TEST(SyscallTableTest, StateSetIsTheOneTracedForState) {
    const Names expected = {// process lifecycle and identity
                            "clone", "clone3", "fork", "vfork", "execve", "execveat", "setuid",
                            "setgid", "setreuid", "setregid", "setresuid", "setresgid", "capset",
                            "prctl", "chdir", "fchdir", "unshare", "setns", "setsid", "setpgid",
                            // file descriptors
                            "open", "openat", "openat2", "creat", "close", "dup", "dup2", "dup3",
                            "fcntl", "pipe", "pipe2", "memfd_create", "socket", "connect", "accept",
                            "accept4", "bind", "mount",
                            // fds whose file user space cannot know otherwise
                            "open_by_handle_at", "pidfd_getfd"};
    EXPECT_EQ(names_where(traced_for_state), expected);
}

TEST(SyscallTableTest, PathFilterSet) {
    EXPECT_EQ(names_where(path_filtered),
              (Names{"open", "openat", "openat2", "creat", "open_by_handle_at"}));
}

TEST(SyscallTableTest, FdTableSet) {
    EXPECT_EQ(names_where(uses_fd_table), (Names{"close", "dup", "dup2", "dup3", "fcntl"}));
}

TEST(SyscallTableTest, IsOpenSet) {
    Names opens;
    for (size_t t = 0; t < event_type_count(); ++t)
        if (is_open(static_cast<EventTypeId>(t)))
            opens.insert(event_type_name(static_cast<EventTypeId>(t)));
    EXPECT_EQ(opens, (Names{"open", "openat", "openat2", "creat", "open_by_handle_at"}));
}

TEST(SyscallTableTest, QuietClosesAreTheClosesOfFds) {
    EXPECT_EQ(names_where([](const SyscallEntry& e) { return e.has(sysflag::kClosesFd); }),
              (Names{"close"}));
}

// evt.category of every event type, as the lists it replaced gave it.
TEST(SyscallTableTest, Categories) {
    const Names process = {"execve",    "execveat",  "clone",  "clone3",     "fork",
                           "vfork",     "procexit",  "exit",   "exit_group", "kill",
                           "tkill",     "tgkill",    "ptrace", "setuid",     "setgid",
                           "setresuid", "setresgid", "capset", "prctl",      "setsid"};
    const Names net = {"socket",     "connect",    "accept",   "accept4", "bind",     "listen",
                       "sendto",     "sendmsg",    "recvfrom", "recvmsg", "shutdown", "getsockopt",
                       "setsockopt", "socketpair", "sendmmsg", "recvmmsg"};
    const Names file = {"open",           "openat",    "openat2",  "creat",     "close",  "read",
                        "write",          "pread64",   "pwrite64", "readv",     "writev", "unlink",
                        "unlinkat",       "rename",    "renameat", "renameat2", "mkdir",  "mkdirat",
                        "rmdir",          "chmod",     "fchmod",   "fchmodat",  "link",   "linkat",
                        "symlink",        "symlinkat", "dup",      "dup2",      "preadv", "pwritev",
                        "copy_file_range"};
    // libs' EC_MEMORY calls.
    const Names memory = {"brk",    "mmap",     "munmap",  "mprotect",  "mlock",
                          "mlock2", "mlockall", "munlock", "munlockall"};
    ASSERT_EQ(process.size(), 20u);
    ASSERT_EQ(net.size(), 16u);
    ASSERT_EQ(file.size(), 31u);
    for (size_t t = 0; t < event_type_count(); ++t) {
        auto id = static_cast<EventTypeId>(t);
        std::string_view name = event_type_name(id);
        std::string_view want = process.count(name)  ? "process"
                                : net.count(name)    ? "net"
                                : file.count(name)   ? "file"
                                : memory.count(name) ? "memory"
                                                     : "other";
        EXPECT_EQ(event_category(id), want) << name;
    }
    EXPECT_EQ(event_category(static_cast<EventTypeId>(event_type_count())), "other");
}

// evt.is_io*, evt.io_dir and evt.is_wait come from these flags (libs' EF_READS_FROM_FD,
// EF_WRITES_TO_FD, EF_WAITS).
TEST(SyscallTableTest, IoAndWaitFlags) {
    auto flags = [](const char* n) { return event_flags(*event_type_id(n)); };
    EXPECT_TRUE(flags("recvfrom") & sysflag::kReadsFd);
    EXPECT_FALSE(flags("recvfrom") & sysflag::kWritesFd);
    EXPECT_TRUE(flags("writev") & sysflag::kWritesFd);
    EXPECT_TRUE(flags("nanosleep") & sysflag::kWaits);
    EXPECT_EQ(io_direction(*event_type_id("copy_file_range")), "write");
    EXPECT_EQ(io_direction(*event_type_id("pread64")), "read");
    EXPECT_EQ(io_direction(*event_type_id("openat")), "");
    const PathRoles* r = path_roles(*event_type_id("linkat"));
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->source.param, "newpath");  // libs' choice
    EXPECT_EQ(r->abspath[1].dirfd, "newdir");
    EXPECT_EQ(path_roles(*event_type_id("read")), nullptr);
}

// Every entry is a syscall of one of the two architectures, with its event type.
TEST(SyscallTableTest, EntriesAreSyscallsWithEventTypes) {
    std::string_view last;
    for (const SyscallEntry& e : syscall_entries()) {
        EXPECT_LT(last, e.name) << "sorted, no duplicates";
        last = e.name;
        EXPECT_TRUE(syscall_number(e.name, SyscallArch::X86_64) ||
                    syscall_number(e.name, SyscallArch::Arm64))
            << e.name;
        auto id = event_type_id(e.name);
        ASSERT_TRUE(id) << e.name;
        EXPECT_EQ(e.type, *id) << e.name;
        EXPECT_TRUE(is_syscall(e.type)) << e.name;
        EXPECT_EQ(syscall_entry(e.name), &e);
        EXPECT_EQ(syscall_entry_by_type(e.type), &e);
    }
    EXPECT_EQ(syscall_entry("getpid"), nullptr);
    EXPECT_EQ(syscall_entry_by_type(*event_type_id("procexit")), nullptr);
}

// The argument indexes agree with the parameters and with what the probe reads.
TEST(SyscallTableTest, ArgumentIndexesAgreeWithTheSchema) {
    for (const SyscallEntry& e : syscall_entries()) {
        SCOPED_TRACE(std::string(e.name));
        if (!e.has_schema()) {
            EXPECT_EQ(e.handler, Handler::None);
            EXPECT_EQ(e.payload, SENSOR_PAY_ARGS);
            EXPECT_EQ(args_needed(e), 6);
            continue;
        }
        int first_dirfd = -1;
        bool fd_is_param = false;
        for (const ParamSpec& p : e.params) {
            if (p.fmt == Fmt::Dirfd && first_dirfd < 0) first_dirfd = arg_of(p.src);
            fd_is_param |= p.fmt == Fmt::Fd && arg_of(p.src) == e.args.fd;
        }
        EXPECT_EQ(e.args.dirfd, first_dirfd < 0 ? SENSOR_NO_ARG : first_dirfd);
        // The fd argument is an fd parameter (the probe sends only arguments that are);
        // sendfile's is its second (in_fd).
        if (e.args.fd != SENSOR_NO_ARG) {
            EXPECT_TRUE(fd_is_param);
        }
        for (uint8_t a :
             {e.args.fd, e.args.dirfd, e.args.flags, e.args.cmd, e.args.domain, e.args.id}) {
            if (a != SENSOR_NO_ARG) {
                EXPECT_LT(a, args_needed(e));
            }
        }
        // The probe describes the fd in argument 0 for these payloads.
        if (e.payload == SENSOR_PAY_FD_FILE || e.payload == SENSOR_PAY_SOCK_ARG0) {
            EXPECT_EQ(e.args.fd, 0);
        }
        if (e.has(sysflag::kFdResult)) {
            EXPECT_EQ(e.params[0].src, Src::Ret);
            EXPECT_EQ(e.params[0].fmt, Fmt::Fd);
        }
    }
}

// What each handler reads is in its entries.
TEST(SyscallTableTest, HandlersHaveTheirArguments) {
    std::set<Handler> seen;
    for (const SyscallEntry& e : syscall_entries()) {
        SCOPED_TRACE(std::string(e.name));
        seen.insert(e.handler);
        switch (e.handler) {
            case Handler::Open:
                // Opens by path pass one; open_by_handle_at and pidfd_getfd get theirs from
                // the kernel.
                EXPECT_TRUE(e.has(sysflag::kFdResult));
                EXPECT_EQ(e.payload, SENSOR_PAY_NEW_FILE);
                EXPECT_EQ(e.str_arg[0] == SENSOR_NO_ARG,
                          e.name == "open_by_handle_at" || e.name == "pidfd_getfd");
                break;
            case Handler::Memfd:
                EXPECT_EQ(e.payload, SENSOR_PAY_NEW_FILE);
                EXPECT_FALSE(e.has(sysflag::kIsOpen));
                break;
            case Handler::Close:
            case Handler::Dup:
            case Handler::Connect:
            case Handler::Fchdir:
                EXPECT_NE(e.args.fd, SENSOR_NO_ARG);
                break;
            case Handler::FcntlDup:
                EXPECT_NE(e.args.fd, SENSOR_NO_ARG);
                EXPECT_NE(e.args.cmd, SENSOR_NO_ARG);
                break;
            case Handler::Socket:
                EXPECT_NE(e.args.domain, SENSOR_NO_ARG);
                EXPECT_NE(e.args.flags, SENSOR_NO_ARG);
                break;
            case Handler::Accept:
                EXPECT_EQ(e.payload, SENSOR_PAY_SOCK_RET);
                break;
            case Handler::Bind:  // the bound address is the fd argument's socket's
                EXPECT_NE(e.args.fd, SENSOR_NO_ARG);
                EXPECT_EQ(e.payload, SENSOR_PAY_SOCK_ARG0);
                break;
            case Handler::Chdir:
                EXPECT_EQ(e.str_arg[0], 0);
                break;
            case Handler::SetUid:
            case Handler::SetGid:
                EXPECT_NE(e.args.id, SENSOR_NO_ARG);
                break;
            case Handler::SetSid:
                EXPECT_TRUE(e.has(sysflag::kChangesProcess));
                break;
            case Handler::SetPgid:  // reads the pid and pgid arguments
                EXPECT_TRUE(e.has(sysflag::kChangesProcess));
                EXPECT_GE(args_needed(e), 2);
                break;
            case Handler::Exec:
            case Handler::None:
                break;
        }
    }
    EXPECT_EQ(seen.size(), kHandlerCount);
    EXPECT_EQ(syscall_entry("creat")->implied_open_flags != 0, true);
}

// The calls with I/O data have Falco's `data` parameter, and only they.
TEST(SyscallTableTest, IoDataCallsHaveTheDataParameter) {
    size_t with_data = 0;
    for (const SyscallEntry& e : syscall_entries()) {
        SCOPED_TRACE(std::string(e.name));
        bool param = false;
        for (const ParamSpec& p : e.params)
            if (p.src == Src::Data) param = p.name == "data";
        EXPECT_EQ(param, has_io_data(e));
        if (!has_io_data(e)) continue;
        ++with_data;
        EXPECT_EQ(e.args.fd, 0);
        EXPECT_EQ(e.args.data, 1);
        uint8_t kind = e.data_kind & 0xf;
        EXPECT_TRUE(kind == SENSOR_DATA_BUF || kind == SENSOR_DATA_IOV || kind == SENSOR_DATA_MSG);
        bool writes = e.name.find("write") != std::string_view::npos || e.name.starts_with("send");
        EXPECT_EQ((e.data_kind & SENSOR_DATA_WRITES) != 0, writes);
    }
    EXPECT_EQ(with_data, 14u);
}

}  // namespace
}  // namespace sensor::events
