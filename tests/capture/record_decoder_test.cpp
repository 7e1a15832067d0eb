// The record decoder: hand-built probe records (bpf/record.h) in, events and process/fd table
// updates out. A temporary directory stands in for /proc so that threads the decoder has not
// seen are never looked up in the real one.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "record.h"
#include "sensor/capture/record_decoder.h"
#include "sensor/events/event_types.h"
#include "sensor/events/open_flags.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"
#include "sensor/state/container_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/process_table.h"

using namespace std::string_literals;
using sensor::capture::RecordDecoder;
using sensor::fields::Event;
using sensor::state::ContainerTable;
using sensor::state::FdInfo;
using sensor::state::FdTable;
using sensor::state::FdType;
using sensor::state::ProcessInfo;
using sensor::state::ProcessTable;
namespace oflags = sensor::events::oflags;

namespace {

using Bytes = std::vector<unsigned char>;

constexpr uint32_t kPid = 100;
constexpr uint64_t kAtFdcwd = static_cast<uint64_t>(-100);

uint16_t nr_of(const char* name) {
    auto nr = sensor::events::syscall_number(name);
    if (!nr) ADD_FAILURE() << "no syscall number for " << name;
    return nr ? static_cast<uint16_t>(*nr) : 0xffff;
}

sensor::events::EventTypeId type_of(const char* name) {
    auto id = sensor::events::event_type_id(name);
    if (!id) ADD_FAILURE() << "no event type " << name;
    return id ? *id : sensor::events::EventTypeId{};
}

template <typename T>
void append(Bytes& b, const T& v) {
    const auto* p = reinterpret_cast<const unsigned char*>(&v);
    b.insert(b.end(), p, p + sizeof v);
}

// Appends s and its NUL; returns the length the record announces (0: absent).
uint16_t append_str(Bytes& b, const std::optional<std::string>& s) {
    if (!s) return 0;
    b.insert(b.end(), s->begin(), s->end());
    b.push_back(0);
    return static_cast<uint16_t>(s->size() + 1);
}

// A sensor_syscall_exit. payload and nargs default to what the probe is configured to send
// for the syscall (its schema), so records look like the real ones.
struct SyscallRec {
    const char* name = "openat";
    uint32_t tid = kPid, pid = kPid;
    int64_t ret = 0;
    std::vector<uint64_t> args;
    std::optional<uint8_t> payload;
    sensor_file_section file{};
    sensor_sock_section sock{};
    std::optional<std::string> str0, str1;
    uint64_t ts = 1000;
};

Bytes build(const SyscallRec& s) {
    const auto* schema = sensor::events::syscall_schema(s.name);
    size_t nargs = schema ? sensor::events::args_needed(*schema) : 6;
    std::vector<uint64_t> args = s.args;
    if (args.size() < nargs) args.resize(nargs);
    sensor_syscall_exit r{};
    r.h.ts_ns = s.ts;
    r.h.tid = s.tid;
    r.h.pid = s.pid;
    r.h.kind = SENSOR_REC_SYSCALL_EXIT;
    r.h.nr = nr_of(s.name);
    r.ret = s.ret;
    r.nargs = static_cast<uint8_t>(args.size());
    r.payload = s.payload ? *s.payload : schema ? schema->payload : uint8_t{SENSOR_PAY_ARGS};
    Bytes b(sizeof r);
    for (uint64_t a : args) append(b, a);
    if (r.payload == SENSOR_PAY_NEW_FILE || r.payload == SENSOR_PAY_FD_FILE) append(b, s.file);
    if (r.payload == SENSOR_PAY_SOCK_ARG0 || r.payload == SENSOR_PAY_SOCK_RET) append(b, s.sock);
    r.str_len[0] = append_str(b, s.str0);
    r.str_len[1] = append_str(b, s.str1);
    r.h.size = static_cast<uint32_t>(b.size());
    std::memcpy(b.data(), &r, sizeof r);
    return b;
}

struct ExecRec {
    const char* syscall = "execve";
    uint32_t tid = kPid, pid = kPid, ppid = 1;
    uint32_t uid = 1000, gid = 1001, loginuid = 1000, tty = 34816, exe_flags = 0;
    uint64_t cap_effective = 0, fdlimit = 1024, exe_ino = 777;
    std::string comm = "myprog";
    std::optional<std::string> filename = "/usr/bin/myprog";
    std::optional<std::string> argv = "myprog\0-v\0x y"s;  // NUL-separated
    std::optional<std::string> cwd = "/home/u";
    std::optional<std::string> exepath = "/usr/bin/myprog";
    uint64_t ts = 5000;
};

Bytes build(const ExecRec& e) {
    sensor_exec r{};
    r.h.ts_ns = e.ts;
    r.h.tid = e.tid;
    r.h.pid = e.pid;
    r.h.kind = SENSOR_REC_PROC_EXEC;
    r.h.nr = nr_of(e.syscall);
    r.ppid = e.ppid;
    r.uid = e.uid;
    r.gid = e.gid;
    r.loginuid = e.loginuid;
    r.tty = e.tty;
    r.exe_flags = e.exe_flags;
    r.cap_effective = e.cap_effective;
    r.fdlimit = e.fdlimit;
    r.exe_ino = e.exe_ino;
    std::memcpy(r.comm, e.comm.data(), std::min(e.comm.size(), sizeof r.comm));
    Bytes b(sizeof r);
    r.filename_len = append_str(b, e.filename);
    r.argv_len = append_str(b, e.argv);
    r.cwd_len = append_str(b, e.cwd);
    r.exepath_len = append_str(b, e.exepath);
    r.h.size = static_cast<uint32_t>(b.size());
    std::memcpy(b.data(), &r, sizeof r);
    return b;
}

Bytes proc_event(uint16_t kind, uint32_t tid, uint32_t pid, uint32_t child_tid = 0,
                 uint32_t child_pid = 0, uint32_t exit_code = 0) {
    sensor_proc_event r{};
    r.h.ts_ns = 9000;
    r.h.tid = tid;
    r.h.pid = pid;
    r.h.kind = kind;
    r.h.size = sizeof r;
    r.child_tid = child_tid;
    r.child_pid = child_pid;
    r.exit_code = exit_code;
    Bytes b(sizeof r);
    std::memcpy(b.data(), &r, sizeof r);
    return b;
}

sensor_file_section regular_file(uint32_t f_flags) {
    sensor_file_section f{};
    f.f_flags = f_flags;
    f.i_mode = 0100644;
    f.dev = 0x803;
    f.ino = 4242;
    return f;
}

// A parameter's text, copied (the event's views die at the next decode).
std::string text(const Event* ev, std::string_view name) {
    const auto* p = ev ? ev->param(name) : nullptr;
    return p ? std::string(p->text) : "<missing " + std::string(name) + ">";
}

std::string make_temp_dir() {
    std::string tmpl = ::testing::TempDir() + "decoder-proc-XXXXXX";
    if (!mkdtemp(tmpl.data())) ADD_FAILURE() << "mkdtemp failed";
    return tmpl;
}

class RecordDecoderTest : public ::testing::Test {
  protected:
    ~RecordDecoderTest() override { std::filesystem::remove_all(root_); }

    const Event* decode(const Bytes& b) { return dec_.decode(b.data(), b.size()); }
    // The process every test runs in: pid 100, cwd /home/u/.
    void start_process() {
        ASSERT_NE(decode(build(ExecRec{})), nullptr);
        ASSERT_NE(procs_.find(kPid), nullptr);
    }
    // A successful openat of `path` (kernel and user path alike) returning fd.
    const Event* open_file(int64_t fd, const std::string& path, uint32_t flags) {
        SyscallRec r;
        r.ret = fd;
        r.args = {kAtFdcwd, 0x7ffd0000, flags, 0};
        r.file = regular_file(flags);
        r.str0 = path;
        r.str1 = path;
        return decode(build(r));
    }

    // What /proc (root_) shows for the test process's fd.
    void proc_fd_link(int fd, const std::string& target) {
        std::string dir = root_ + "/" + std::to_string(kPid) + "/fd";
        std::filesystem::create_directories(dir);
        std::filesystem::create_symlink(target, dir + "/" + std::to_string(fd));
    }

    std::string root_ = make_temp_dir();
    ContainerTable containers_;
    ProcessTable procs_{containers_, nullptr};
    FdTable fds_{root_};
    RecordDecoder dec_{procs_, fds_, root_};
};

TEST_F(RecordDecoderTest, ExecCreatesProcessAndEvent) {
    ExecRec e;
    e.cap_effective = 1ull << 21;  // CAP_SYS_ADMIN
    const Event* ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    const ProcessInfo* p = procs_.find(kPid);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->pid, kPid);
    EXPECT_EQ(p->name, "myprog");
    EXPECT_EQ(p->exe, "myprog");
    EXPECT_EQ(p->args, "-v x y");
    ASSERT_EQ(p->argv.size(), 2u);
    EXPECT_EQ(p->argv[1], "x y");
    EXPECT_EQ(p->cmdline, "myprog -v x y");
    EXPECT_EQ(p->cwd, "/home/u/");
    EXPECT_EQ(p->exepath, "/usr/bin/myprog");
    EXPECT_EQ(p->uid, 1000u);
    EXPECT_EQ(p->gid, 1001u);
    EXPECT_EQ(p->loginuid, 1000u);
    EXPECT_EQ(p->tty, 34816u);
    EXPECT_EQ(p->cap_effective, 1ull << 21);
    EXPECT_EQ(p->fdlimit, 1024u);
    EXPECT_EQ(p->exe_ino, 777u);
    EXPECT_FALSE(p->exe_from_memfd);
    EXPECT_FALSE(p->exe_writable);

    EXPECT_EQ(ev->type, type_of("execve"));
    EXPECT_EQ(ev->proc, p);
    EXPECT_EQ(ev->ts - dec_.boot_to_epoch_ns(), 5000u);
    EXPECT_EQ(ev->res, 0);
    EXPECT_EQ(text(ev, "res"), "0");
    EXPECT_EQ(text(ev, "exe"), "myprog");
    EXPECT_EQ(text(ev, "args"), "-v x y");
    EXPECT_EQ(text(ev, "tid"), "100");
    EXPECT_EQ(text(ev, "pid"), "100");
    EXPECT_EQ(text(ev, "ptid"), "1");
    EXPECT_EQ(text(ev, "cwd"), "/home/u/");
    EXPECT_EQ(text(ev, "comm"), "myprog");
    EXPECT_EQ(text(ev, "tty"), "34816");
    EXPECT_EQ(text(ev, "loginuid"), "1000");
    EXPECT_EQ(text(ev, "uid"), "1000");
    EXPECT_EQ(text(ev, "gid"), "1001");
    EXPECT_EQ(text(ev, "flags"), "0");
    ASSERT_NE(ev->param("flags"), nullptr);
    EXPECT_TRUE(ev->param("flags")->has_raw);
    EXPECT_EQ(ev->param("flags")->raw, 0);
    EXPECT_EQ(text(ev, "cap_effective"), "CAP_SYS_ADMIN");
    EXPECT_EQ(text(ev, "trusted_exepath"), "/usr/bin/myprog");
    EXPECT_EQ(text(ev, "filename"), "/usr/bin/myprog");
    EXPECT_EQ(dec_.stats().execs, 1u);
    EXPECT_EQ(dec_.stats().events, 1u);
    EXPECT_EQ(dec_.stats().threads_from_proc, 0u);  // an exec record needs no /proc
}

TEST_F(RecordDecoderTest, ExecUnsetLoginuidAndFullComm) {
    ExecRec e;
    e.loginuid = UINT32_MAX;
    e.comm = "0123456789abcdef";  // 16 bytes: no NUL in the record
    const Event* ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "loginuid"), "-1");
    EXPECT_EQ(text(ev, "comm"), "0123456789abcdef");
    EXPECT_EQ(procs_.find(kPid)->name, "0123456789abcdef");
    EXPECT_EQ(procs_.find(kPid)->loginuid, UINT32_MAX);
}

TEST_F(RecordDecoderTest, ExecFromMemfd) {
    ExecRec e;
    e.exe_flags = SENSOR_FILE_MEMFD;
    e.argv = "./x"s;
    e.filename = "/proc/self/fd/3";
    e.exepath = "memfd:payload";
    const Event* ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    const ProcessInfo* p = procs_.find(kPid);
    EXPECT_TRUE(p->exe_from_memfd);
    EXPECT_EQ(p->exepath, "memfd:payload");  // as Falco reports it (rules match on it)
    EXPECT_EQ(p->exe, "./x");
    EXPECT_EQ(p->args, "");
    EXPECT_EQ(text(ev, "flags"), "EXE_FROM_MEMFD");
    EXPECT_EQ(ev->param("flags")->raw, SENSOR_FILE_MEMFD);
    EXPECT_EQ(text(ev, "trusted_exepath"), "memfd:payload");

    // A later exec of an ordinary binary clears the memfd flag.
    e = ExecRec{};
    e.exe_flags = SENSOR_FILE_WRITABLE | SENSOR_FILE_UPPER_LAYER;
    ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "flags"), "EXE_WRITABLE|EXE_UPPER_LAYER");
    EXPECT_FALSE(p->exe_from_memfd);
    EXPECT_TRUE(p->exe_writable);
    EXPECT_TRUE(p->exe_upper_layer);
    EXPECT_FALSE(p->exe_lower_layer);
    EXPECT_EQ(p->exepath, "/usr/bin/myprog");
}

TEST_F(RecordDecoderTest, ExecveatHasNoFilenameParam) {
    ExecRec e;
    e.syscall = "execveat";
    const Event* ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("execveat"));
    EXPECT_EQ(ev->param("filename"), nullptr);
    EXPECT_EQ(text(ev, "exe"), "myprog");
}

TEST_F(RecordDecoderTest, ExecClosesCloseOnExecFds) {
    start_process();
    ASSERT_NE(open_file(3, "/etc/keep", oflags::kRdOnly), nullptr);
    ASSERT_NE(open_file(4, "/etc/drop", oflags::kRdOnly | oflags::kCloExec), nullptr);
    ASSERT_NE(decode(build(ExecRec{})), nullptr);
    EXPECT_NE(fds_.find(kPid, 3), nullptr);
    EXPECT_EQ(fds_.find(kPid, 4), nullptr);
}

TEST_F(RecordDecoderTest, FailedExecveSyscallIsAnEvent) {
    start_process();
    SyscallRec r;
    r.name = "execve";
    r.ret = -2;
    r.str0 = "/nonexistent";
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("execve"));
    EXPECT_EQ(ev->res, -2);
    EXPECT_EQ(text(ev, "res"), "-2(ENOENT)");
    EXPECT_EQ(ev->param("res")->raw, -2);
    EXPECT_EQ(text(ev, "filename"), "/nonexistent");
    EXPECT_EQ(ev->proc, procs_.find(kPid));
    // The process is unchanged by a failed exec.
    EXPECT_EQ(procs_.find(kPid)->exe, "myprog");
}

// A successful execve is reported by its exec record, not by the syscall exit.
TEST_F(RecordDecoderTest, SuccessfulExecveSyscallIsNoEvent) {
    start_process();
    uint64_t events = dec_.stats().events;
    SyscallRec r;
    r.name = "execve";
    r.ret = 0;
    r.str0 = "/usr/bin/other";
    EXPECT_EQ(decode(build(r)), nullptr);
    EXPECT_EQ(dec_.stats().events, events);
    EXPECT_EQ(dec_.stats().malformed, 0u);
    EXPECT_EQ(procs_.find(kPid)->exe, "myprog");
}

TEST_F(RecordDecoderTest, OpenatWithKernelPath) {
    start_process();
    SyscallRec r;
    r.ret = 5;
    r.args = {kAtFdcwd, 0x7ffd0000, oflags::kRdOnly | oflags::kCloExec, 0};
    r.file = regular_file(oflags::kRdOnly | oflags::kCloExec);
    r.str0 = "../../etc/passwd";  // as the process passed it
    r.str1 = "/etc/passwd";       // as the kernel resolved it
    r.ts = 7000;
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("openat"));
    EXPECT_EQ(ev->ts - dec_.boot_to_epoch_ns(), 7000u);
    EXPECT_EQ(ev->res, 5);
    EXPECT_TRUE(ev->is_open_event);
    EXPECT_EQ(ev->open_flags, oflags::kRdOnly | oflags::kCloExec);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->num, 5);
    EXPECT_EQ(ev->fd->type, FdType::File);
    EXPECT_EQ(ev->fd->name, "/etc/passwd");
    EXPECT_EQ(ev->fd->nameraw, "../../etc/passwd");
    EXPECT_EQ(ev->fd->directory, "/etc");
    EXPECT_EQ(ev->fd->filename, "passwd");
    EXPECT_EQ(ev->fd->open_flags, oflags::kRdOnly | oflags::kCloExec);
    EXPECT_EQ(ev->fd->dev, 0x803u);
    EXPECT_EQ(ev->fd->ino, 4242u);
    EXPECT_EQ(text(ev, "fd"), "5");
    EXPECT_EQ(text(ev, "dirfd"), "-100(AT_FDCWD)");
    EXPECT_EQ(ev->param("dirfd")->raw, -100);
    EXPECT_EQ(text(ev, "name"), "../../etc/passwd");
    EXPECT_EQ(text(ev, "flags"), "O_RDONLY|O_CLOEXEC");
    EXPECT_EQ(text(ev, "mode"), "0");
    // The descriptor is tracked, and the event points at the table's entry.
    const FdInfo* f = fds_.find(kPid, 5);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(ev->fd, f);
    EXPECT_EQ(f->name, "/etc/passwd");
}

TEST_F(RecordDecoderTest, OpenatOfDirectoryUsesFileMode) {
    start_process();
    SyscallRec r;
    r.ret = 6;
    r.args = {kAtFdcwd, 0, oflags::kRdOnly | oflags::kDirectory, 0};
    r.file = regular_file(oflags::kRdOnly | oflags::kDirectory);
    r.file.i_mode = 0040755;
    r.str0 = "/var/lib";
    r.str1 = "/var/lib";
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Directory);
    EXPECT_EQ(ev->fd->directory, "/var/lib");
}

TEST_F(RecordDecoderTest, FailedOpenatResolvesAgainstCwd) {
    start_process();
    size_t fds_before = fds_.fd_count();
    SyscallRec r;
    r.ret = -2;
    r.args = {kAtFdcwd, 0, oflags::kWrOnly | oflags::kCreat, 0644};
    r.str0 = "sub/../x/./y.txt";  // no kernel path: the open failed
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->res, -2);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->num, -1);
    EXPECT_EQ(ev->fd->type, FdType::File);
    EXPECT_EQ(ev->fd->name, "/home/u/x/y.txt");
    EXPECT_EQ(ev->fd->nameraw, "sub/../x/./y.txt");
    EXPECT_EQ(ev->fd->directory, "/home/u/x");
    EXPECT_EQ(ev->fd->filename, "y.txt");
    EXPECT_EQ(text(ev, "fd"), "-2(ENOENT)");
    EXPECT_EQ(text(ev, "name"), "sub/../x/./y.txt");
    EXPECT_EQ(text(ev, "flags"), "O_CREAT|O_WRONLY");
    EXPECT_EQ(text(ev, "mode"), "0644");
    EXPECT_EQ(fds_.fd_count(), fds_before);  // nothing tracked for a failure

    // ".." cannot climb above the root.
    r.str0 = "../../../../etc//shadow";
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->name, "/etc/shadow");
}

TEST_F(RecordDecoderTest, FailedOpenatResolvesAgainstDirfd) {
    start_process();
    FdInfo* dir = fds_.put(kPid, 7);
    dir->type = FdType::Directory;
    dir->name = "/var/lib";
    SyscallRec r;
    r.ret = -13;
    r.args = {7, 0, oflags::kRdOnly, 0};
    r.str0 = "../log/auth.log";
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->name, "/var/log/auth.log");
    EXPECT_EQ(text(ev, "dirfd"), "7");
    EXPECT_EQ(text(ev, "fd"), "-13(EACCES)");
}

// The probe gives a relative open whose file got no kernel path (it failed, or is a device)
// its dirfd's kernel path: it wins over the fd table, which may not know the fd (its open was
// filtered) or be out of date.
TEST_F(RecordDecoderTest, RelativeOpensResolveAgainstTheDirfdPathTheKernelGave) {
    start_process();
    FdInfo* stale = fds_.put(kPid, 7);
    stale->type = FdType::Directory;
    stale->name = "/tmp/elsewhere";
    for (const char* name : {"openat", "openat2"}) {
        SyscallRec r;
        r.name = name;
        r.ret = -2;
        r.args = {7, 0, oflags::kRdOnly, 0};
        r.file.file_flags = SENSOR_FILE_DIRFD_PATH;
        r.str0 = "../etc/shadow";
        r.str1 = "/srv/app";
        const Event* ev = decode(build(r));
        ASSERT_NE(ev, nullptr) << name;
        EXPECT_EQ(ev->fd->name, "/srv/etc/shadow") << name;
        EXPECT_EQ(ev->fd->type, FdType::File) << name;
        EXPECT_EQ(fds_.find(kPid, 7)->name, "/tmp/elsewhere") << name;

        // Opened, but a device: the section is the device's, the path the dirfd's.
        r.ret = 9;
        r.file.i_mode = 020600;
        r.file.ino = 99;
        r.str0 = "mem";
        r.str1 = "/dev";
        ev = decode(build(r));
        ASSERT_NE(ev, nullptr) << name;
        EXPECT_EQ(ev->fd->name, "/dev/mem") << name;
        EXPECT_EQ(ev->fd->ino, 99u) << name;

        // Without the dirfd's path (none sent): the table as before.
        r.ret = -2;
        r.file = {};
        r.str0 = "../etc/shadow";
        r.str1 = std::nullopt;
        ev = decode(build(r));
        ASSERT_NE(ev, nullptr) << name;
        EXPECT_EQ(ev->fd->name, "/tmp/etc/shadow") << name;
    }
}

// A kernel path the probe had to cut short is not trusted: the user path is resolved instead.
TEST_F(RecordDecoderTest, CutKernelPathFallsBackToUserPath) {
    start_process();
    SyscallRec r;
    r.ret = 5;
    r.args = {kAtFdcwd, 0, oflags::kRdOnly, 0};
    r.file = regular_file(oflags::kRdOnly);
    r.file.file_flags = SENSOR_FILE_PATH_CUT;
    r.str0 = "data/file";
    r.str1 = "/e/data/file";
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->name, "/home/u/data/file");
    EXPECT_EQ(fds_.find(kPid, 5)->name, "/home/u/data/file");
}

TEST_F(RecordDecoderTest, ChdirChangesWhereRelativePathsResolve) {
    start_process();
    SyscallRec c;
    c.name = "chdir";
    c.ret = 0;
    c.str0 = "../../tmp/./work";
    const Event* ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "path"), "../../tmp/./work");
    EXPECT_EQ(procs_.find(kPid)->cwd, "/tmp/work/");

    SyscallRec r;
    r.ret = -2;
    r.args = {kAtFdcwd, 0, 0, 0};
    r.str0 = "f";
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->name, "/tmp/work/f");
}

TEST_F(RecordDecoderTest, CloseSeesFdUntilFinish) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly), nullptr);
    dec_.finish();
    SyscallRec c;
    c.name = "close";
    c.ret = 0;
    c.args = {5};
    const Event* ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("close"));
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/etc/passwd");  // rules on close still see what was closed
    EXPECT_EQ(text(ev, "res"), "0");
    EXPECT_EQ(text(ev, "fd"), "5");
    EXPECT_NE(fds_.find(kPid, 5), nullptr);
    dec_.finish();
    EXPECT_EQ(fds_.find(kPid, 5), nullptr);
}

TEST_F(RecordDecoderTest, FailedCloseKeepsFd) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly), nullptr);
    SyscallRec c;
    c.name = "close";
    c.ret = -4;  // EINTR
    c.args = {5};
    const Event* ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "res"), "-4(EINTR)");
    dec_.finish();
    EXPECT_NE(fds_.find(kPid, 5), nullptr);
}

TEST_F(RecordDecoderTest, Dup2CopiesEntry) {
    if (!sensor::events::syscall_number("dup2")) GTEST_SKIP() << "no dup2 on this architecture";
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly | oflags::kCloExec), nullptr);
    SyscallRec d;
    d.name = "dup2";
    d.ret = 9;
    d.args = {5, 9};
    const Event* ev = decode(build(d));
    ASSERT_NE(ev, nullptr);
    const FdInfo* n = fds_.find(kPid, 9);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(ev->fd, n);
    EXPECT_EQ(n->num, 9);
    EXPECT_EQ(n->name, "/etc/passwd");
    EXPECT_EQ(n->type, FdType::File);
    EXPECT_EQ(n->open_flags & oflags::kCloExec, 0u);  // dup2 never copies close-on-exec
    EXPECT_NE(fds_.find(kPid, 5), nullptr);
    EXPECT_EQ(text(ev, "res"), "9");
    EXPECT_EQ(text(ev, "oldfd"), "5");
    EXPECT_EQ(text(ev, "newfd"), "9");
}

TEST_F(RecordDecoderTest, SocketThenConnectGivesTuple) {
    start_process();
    SyscallRec s;
    s.name = "socket";
    s.ret = 3;
    s.args = {2, 1 | 02000000, 6};  // AF_INET, SOCK_STREAM|SOCK_CLOEXEC, TCP
    const Event* ev = decode(build(s));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "domain"), "AF_INET");
    EXPECT_EQ(text(ev, "type"), "SOCK_STREAM");
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Ipv4);
    EXPECT_EQ(ev->fd->l4proto, sensor::state::L4Proto::Tcp);
    EXPECT_NE(ev->fd->open_flags & oflags::kCloExec, 0u);

    SyscallRec c;
    c.name = "connect";
    c.ret = 0;
    c.args = {3};
    c.sock.family = 2;
    c.sock.type = 1;
    c.sock.proto = 6;
    c.sock.sport = 40000;
    c.sock.dport = 80;
    const uint8_t local[4] = {10, 0, 0, 1}, remote[4] = {10, 0, 0, 2};
    std::memcpy(c.sock.saddr, local, 4);
    std::memcpy(c.sock.daddr, remote, 4);
    ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd, fds_.find(kPid, 3));
    EXPECT_EQ(ev->fd->type, FdType::Ipv4);
    EXPECT_EQ(ev->fd->name, "10.0.0.1:40000->10.0.0.2:80");
    EXPECT_TRUE(ev->fd->connected);
    EXPECT_FALSE(ev->fd->is_server);
    EXPECT_EQ(ev->fd->cport, 40000);
    EXPECT_EQ(ev->fd->sport, 80);
    EXPECT_EQ(ev->fd->cip.to_string(), "10.0.0.1");
    EXPECT_EQ(ev->fd->sip.to_string(), "10.0.0.2");
    EXPECT_EQ(ev->fd->sockfamily, "ip");
    EXPECT_EQ(text(ev, "tuple"), "10.0.0.1:40000->10.0.0.2:80");
    EXPECT_EQ(text(ev, "res"), "0");
    EXPECT_EQ(text(ev, "fd"), "3");
}

TEST_F(RecordDecoderTest, ForkThenExit) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly), nullptr);
    EXPECT_EQ(decode(proc_event(SENSOR_REC_PROC_FORK, kPid, kPid, 200, 200)), nullptr);
    const ProcessInfo* c = procs_.find(200);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->pid, 200);
    EXPECT_EQ(c->ppid, kPid);
    EXPECT_EQ(c->name, "myprog");  // inherited until it execs
    EXPECT_EQ(c->cwd, "/home/u/");
    ASSERT_NE(fds_.find(200, 5), nullptr);  // inherited descriptors
    EXPECT_EQ(fds_.find(200, 5)->name, "/etc/passwd");
    EXPECT_EQ(dec_.stats().forks, 1u);
    dec_.finish();

    const Event* ev = decode(proc_event(SENSOR_REC_PROC_EXIT, 200, 200, 0, 0, 256));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("procexit"));
    EXPECT_EQ(ev->proc, c);
    EXPECT_FALSE(ev->has_res);
    EXPECT_EQ(text(ev, "status"), "256");
    // The exit event still sees the process; finish() removes it.
    EXPECT_NE(procs_.find(200), nullptr);
    dec_.finish();
    EXPECT_EQ(procs_.find(200), nullptr);
    EXPECT_EQ(fds_.find(200, 5), nullptr);
    EXPECT_NE(fds_.find(kPid, 5), nullptr);  // the parent's are untouched
    EXPECT_EQ(dec_.stats().exits, 1u);
}

// A thread shares its process's descriptors: its exit must not drop them.
TEST_F(RecordDecoderTest, ThreadExitKeepsProcessFds) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly), nullptr);
    EXPECT_EQ(decode(proc_event(SENSOR_REC_PROC_FORK, kPid, kPid, 101, kPid)), nullptr);
    const ProcessInfo* t = procs_.find(101);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->pid, kPid);
    EXPECT_EQ(fds_.process_count(), 1u);  // no separate table for a thread

    ASSERT_NE(decode(proc_event(SENSOR_REC_PROC_EXIT, 101, kPid)), nullptr);
    dec_.finish();
    EXPECT_EQ(procs_.find(101), nullptr);
    EXPECT_NE(procs_.find(kPid), nullptr);
    EXPECT_NE(fds_.find(kPid, 5), nullptr);
}

// A thread first seen in a syscall is read from proc_root, never the real /proc.
TEST_F(RecordDecoderTest, UnknownThreadIsReadFromProcRoot) {
    namespace fs = std::filesystem;
    fs::create_directories(root_ + "/300/task/300");
    std::ofstream(root_ + "/300/task/300/comm") << "fakeproc\n";
    std::ofstream(root_ + "/300/cmdline") << "fakeproc\0--x\0"s;

    SyscallRec r;
    r.tid = r.pid = 300;
    r.ret = -2;
    r.args = {kAtFdcwd, 0, 0, 0};
    r.str0 = "/nope";
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->proc, nullptr);
    EXPECT_EQ(ev->proc->tid, 300);
    EXPECT_EQ(ev->proc->name, "fakeproc");
    EXPECT_EQ(ev->proc->exe, "fakeproc");
    EXPECT_EQ(ev->proc->args, "--x");
    EXPECT_EQ(dec_.stats().threads_from_proc, 1u);

    decode(build(r));  // known now
    EXPECT_EQ(dec_.stats().threads_from_proc, 1u);
}

// A new thread of a known process is cloned from it rather than read from /proc.
TEST_F(RecordDecoderTest, UnknownThreadOfKnownProcessIsCloned) {
    start_process();
    SyscallRec r;
    r.tid = 101;
    r.ret = -2;
    r.args = {kAtFdcwd, 0, 0, 0};
    r.str0 = "x";
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->proc, nullptr);
    EXPECT_EQ(ev->proc->tid, 101);
    EXPECT_EQ(ev->proc->pid, kPid);
    EXPECT_EQ(ev->proc->name, "myprog");
    EXPECT_EQ(ev->fd->name, "/home/u/x");
    EXPECT_EQ(dec_.stats().threads_from_proc, 0u);
}

TEST_F(RecordDecoderTest, PtraceParams) {
    start_process();
    SyscallRec r;
    r.name = "ptrace";
    r.ret = 0;
    r.args = {16, 1234, 0, 0};
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "request"), "PTRACE_ATTACH");
    EXPECT_EQ(ev->param("request")->raw, 16);
    EXPECT_EQ(text(ev, "pid"), "1234");
    EXPECT_EQ(text(ev, "addr"), "0x0");
    r.args = {0x4206, 1234, 0, 0};
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "request"), "PTRACE_SEIZE");
}

// Syscalls without a schema carry their raw arguments, rendered in hex.
TEST_F(RecordDecoderTest, SchemalessSyscallHasRawArgs) {
    ASSERT_EQ(sensor::events::syscall_schema("read"), nullptr);
    start_process();
    SyscallRec r;
    r.name = "read";
    r.ret = 10;
    r.args = {3, 0x7ffd1000, 4096};
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("read"));
    EXPECT_EQ(ev->res, 10);
    EXPECT_EQ(text(ev, "arg0"), "0x3");
    EXPECT_EQ(text(ev, "arg1"), "0x7ffd1000");
    EXPECT_EQ(text(ev, "arg2"), "0x1000");
    EXPECT_EQ(text(ev, "arg5"), "0x0");
}

TEST_F(RecordDecoderTest, UnknownSyscallNumberIsCounted) {
    uint16_t nr = 511;
    ASSERT_TRUE(sensor::events::syscall_name(nr).empty());
    Bytes b = build(SyscallRec{});
    reinterpret_cast<sensor_syscall_exit*>(b.data())->h.nr = nr;
    EXPECT_EQ(decode(b), nullptr);
    EXPECT_EQ(dec_.stats().unknown_syscalls, 1u);
    EXPECT_EQ(dec_.stats().malformed, 0u);
}

// Every way a record can lie about its size: nullptr, counted, no crash.
TEST_F(RecordDecoderTest, MalformedRecords) {
    start_process();
    uint64_t malformed = 0;
    auto expect_malformed = [&](const Bytes& b, size_t size, const char* what) {
        EXPECT_EQ(dec_.decode(b.data(), size), nullptr) << what;
        EXPECT_EQ(dec_.stats().malformed, ++malformed) << what;
    };
    // Copies the record into a buffer of exactly `size` bytes, so overreads would be real.
    auto exact = [&](const Bytes& b, size_t size, const char* what) {
        Bytes cut(b.begin(), b.begin() + static_cast<ptrdiff_t>(size));
        expect_malformed(cut, cut.size(), what);
    };

    SyscallRec open;
    open.ret = 5;
    open.args = {kAtFdcwd, 0, 0, 0};
    open.file = regular_file(0);
    open.str0 = "/etc/passwd";
    open.str1 = "/etc/passwd";
    const Bytes good = build(open);
    ASSERT_NE(decode(good), nullptr);  // the intact record is fine

    exact(good, 3, "shorter than a header");
    exact(good, sizeof(sensor_record_header), "header only");
    exact(good, sizeof(sensor_syscall_exit) + 8, "args cut");
    exact(good, sizeof(sensor_syscall_exit) + 4 * 8 + 4, "file section cut");
    exact(good, good.size() - 1, "last string cut");

    Bytes b = good;
    reinterpret_cast<sensor_syscall_exit*>(b.data())->nargs = 7;
    exact(b, b.size(), "more than six args");
    b = good;
    reinterpret_cast<sensor_syscall_exit*>(b.data())->str_len[0] = 60000;
    exact(b, b.size(), "string length past the end");
    b = good;
    reinterpret_cast<sensor_syscall_exit*>(b.data())->h.nr = 512;
    exact(b, b.size(), "syscall number out of range");
    b = good;
    reinterpret_cast<sensor_record_header*>(b.data())->kind =
        15;  // the largest a 4-bit kind holds, none defined
    exact(b, b.size(), "unknown kind");

    const Bytes exec = build(ExecRec{});
    exact(exec, sizeof(sensor_exec) - 1, "exec fixed part cut");
    exact(exec, exec.size() - 1, "exec string cut");
    b = exec;
    reinterpret_cast<sensor_exec*>(b.data())->cwd_len = 5000;
    exact(b, b.size(), "exec cwd past the end");

    const Bytes forked = proc_event(SENSOR_REC_PROC_FORK, kPid, kPid, 200, 200);
    exact(forked, sizeof(sensor_proc_event) - 1, "fork cut");
    const Bytes exited = proc_event(SENSOR_REC_PROC_EXIT, kPid, kPid);
    exact(exited, sizeof(sensor_proc_event) - 1, "exit cut");

    // None of it changed the state.
    EXPECT_EQ(procs_.find(200), nullptr);
    EXPECT_EQ(procs_.find(kPid)->cwd, "/home/u/");
    dec_.finish();
    EXPECT_NE(procs_.find(kPid), nullptr);
}

}  // namespace

// An fd a syscall failed on with EBADF was not open then: whatever /proc shows under that
// number now is a later file, which the sensor must not take (its close may stay in the
// kernel). Any other result loads it.
TEST_F(RecordDecoderTest, FdOfAnEbadfFailureIsNotLoadedFromProc) {
    start_process();
    proc_fd_link(7, "/srv/later.txt");
    SyscallRec r;
    r.name = "fcntl";
    r.args = {7, 3 /* F_GETFL */, 0};
    r.ret = -9;  // EBADF
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, nullptr);
    EXPECT_EQ(fds_.find(kPid, 7), nullptr);

    r.ret = -22;  // EINVAL: the fd was open
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/srv/later.txt");
}

TEST_F(RecordDecoderTest, AFileTheRecordDescribesIsTakenFromTheKernelNotFromProc) {
    start_process();
    // /proc would say something else (or nothing, once the process has closed the fd).
    proc_fd_link(6, "/srv/proc-says.txt");
    SyscallRec r;
    r.name = "fchmod";
    r.args = {6, 0600};
    r.file = regular_file(oflags::kRdWr);
    r.str1 = "/etc/cron.d/job";
    const Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/etc/cron.d/job");
    EXPECT_EQ(ev->fd->filename, "job");
    EXPECT_EQ(ev->fd->type, sensor::state::FdType::File);
    EXPECT_EQ(ev->fd->ino, 4242u);

    // An entry for another file under that number (its close never seen) is replaced whole.
    ASSERT_NE(open_file(8, "/tmp/old", oflags::kWrOnly | oflags::kCloExec), nullptr);
    r.args = {8, 0600};
    r.file.ino = 777;
    r.str1 = "/srv/new";
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/srv/new");
    EXPECT_EQ(ev->fd->nameraw, "");
    EXPECT_EQ(ev->fd->open_flags, 0u);

    // No kernel path (a memfd, a cut path): the table and /proc as before.
    r.args = {6, 0600};
    r.str1 = std::nullopt;
    r.file = regular_file(0);
    fds_.close(kPid, 6);
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/srv/proc-says.txt");
}
