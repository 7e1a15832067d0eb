// The open handlers: open, openat, openat2, creat (a file by path) and memfd_create.
#include "capture/record_builder.h"

namespace sensor::testing {
namespace {

using state::FdInfo;
using state::FdType;
namespace oflags = events::oflags;

class DecodeOpenTest : public RecordDecoderTest {};

TEST_F(DecodeOpenTest, OpenatWithKernelPath) {
    start_process();
    SyscallRec r;
    r.ret = 5;
    r.args = {kAtFdcwd, 0x7ffd0000, oflags::kRdOnly | oflags::kCloExec, 0};
    r.file = regular_file(oflags::kRdOnly | oflags::kCloExec);
    r.str0 = "../../etc/passwd";  // as the process passed it
    r.str1 = "/etc/passwd";       // as the kernel resolved it
    r.ts = 7000;
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("openat"));
    EXPECT_NEAR(boot_ts(ev), 7000, kClockSlackNs);
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
    EXPECT_EQ(text(ev, "fd"), "5(<f>/etc/passwd)");
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

TEST_F(DecodeOpenTest, OpenatOfDirectoryUsesFileMode) {
    start_process();
    SyscallRec r;
    r.ret = 6;
    r.args = {kAtFdcwd, 0, oflags::kRdOnly | oflags::kDirectory, 0};
    r.file = regular_file(oflags::kRdOnly | oflags::kDirectory);
    r.file.i_mode = 0040755;
    r.str0 = "/var/lib";
    r.str1 = "/var/lib";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Directory);
    EXPECT_EQ(ev->fd->directory, "/var/lib");
}

// The file's mode types the fd: a fifo is a pipe, a socket waits for its family.
TEST_F(DecodeOpenTest, OpenOfFifoAndSocketFiles) {
    start_process();
    SyscallRec r;
    r.ret = 6;
    r.args = {kAtFdcwd, 0, oflags::kRdOnly, 0};
    r.file = regular_file(oflags::kRdOnly);
    r.file.i_mode = 0010600;
    r.str0 = r.str1 = "/run/fifo";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Pipe);
    r.file.i_mode = 0140777;
    r.str0 = r.str1 = "/run/sock";
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Unknown);
    // A memfd opened by path (/proc/self/fd/N) stays a memfd.
    r.file = regular_file(oflags::kRdOnly);
    r.file.file_flags = SENSOR_FILE_MEMFD;
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Memfd);
}

TEST_F(DecodeOpenTest, FailedOpenatResolvesAgainstCwd) {
    start_process();
    size_t fds_before = fds_.fd_count();
    SyscallRec r;
    r.ret = -2;
    r.args = {kAtFdcwd, 0, oflags::kWrOnly | oflags::kCreat, 0644};
    r.str0 = "sub/../x/./y.txt";  // no kernel path: the open failed
    const fields::Event* ev = decode(build(r));
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

TEST_F(DecodeOpenTest, FailedOpenatResolvesAgainstDirfd) {
    start_process();
    FdInfo* dir = fds_.put(kPid, 7);
    dir->type = FdType::Directory;
    dir->name = "/var/lib";
    SyscallRec r;
    r.ret = -13;
    r.args = {7, 0, oflags::kRdOnly, 0};
    r.str0 = "../log/auth.log";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->name, "/var/log/auth.log");
    EXPECT_EQ(text(ev, "dirfd"), "7");
    EXPECT_EQ(text(ev, "fd"), "-13(EACCES)");
}

// The probe gives a relative open whose file got no kernel path (it failed, or is a device)
// its dirfd's kernel path: it wins over the fd table, which may not know the fd (its open was
// filtered) or be out of date.
TEST_F(DecodeOpenTest, RelativeOpensResolveAgainstTheDirfdPathTheKernelGave) {
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
        const fields::Event* ev = decode(build(r));
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

// A relative open against a dirfd whose name is no path (a socket, a memfd) resolves to that
// name under the root. It used to make the normalization write past the string's end.
TEST_F(DecodeOpenTest, RelativeOpenAgainstAnFdNamedNoPath) {
    start_process();
    FdInfo* sock = fds_.put(kPid, 7);
    sock->type = FdType::Unix;
    sock->name = "socket:[123]";
    FdInfo* memfd = fds_.put(kPid, 8);
    memfd->type = FdType::Memfd;
    memfd->name = "memfd:x";
    SyscallRec r;
    r.ret = -20;  // ENOTDIR
    r.args = {7, 0, oflags::kRdOnly, 0};
    r.str0 = "a/b/../c/d/e/f/g/h/i/j";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->name, "/socket:[123]/a/c/d/e/f/g/h/i/j");
    r.args = {8, 0, oflags::kRdOnly, 0};
    r.str0 = "";
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->name, "/memfd:x");
    // The kernel's path of the dirfd, likewise.
    r.file.file_flags = SENSOR_FILE_DIRFD_PATH;
    r.str0 = "x/./y";
    r.str1 = "anon_inode:[eventfd]";
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->name, "/anon_inode:[eventfd]/x/y");
}

// A kernel path the probe had to cut short is not trusted: the user path is resolved instead.
TEST_F(DecodeOpenTest, CutKernelPathFallsBackToUserPath) {
    start_process();
    SyscallRec r;
    r.ret = 5;
    r.args = {kAtFdcwd, 0, oflags::kRdOnly, 0};
    r.file = regular_file(oflags::kRdOnly);
    r.file.file_flags = SENSOR_FILE_PATH_CUT;
    r.str0 = "data/file";
    r.str1 = "/e/data/file";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->name, "/home/u/data/file");
    EXPECT_EQ(fds_.find(kPid, 5)->name, "/home/u/data/file");
}

// open(2) has no dirfd (relative to the cwd) and its flags in argument 1.
TEST_F(DecodeOpenTest, OpenTakesFlagsFromItsSecondArgument) {
    if (!events::syscall_number("open")) GTEST_SKIP() << "no open on this architecture";
    start_process();
    SyscallRec r;
    r.name = "open";
    r.ret = 3;
    r.args = {0x7ffd0000, oflags::kWrOnly | oflags::kAppend, 0600};
    r.file = regular_file(oflags::kRdOnly);  // the kernel's flags are not the event's
    r.str0 = "log.txt";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_TRUE(ev->is_open_event);
    EXPECT_EQ(ev->open_flags, oflags::kWrOnly | oflags::kAppend);
    EXPECT_EQ(ev->fd->open_flags, oflags::kWrOnly | oflags::kAppend);
    EXPECT_EQ(ev->fd->name, "/home/u/log.txt");
    EXPECT_EQ(text(ev, "flags"), "O_APPEND|O_WRONLY");
    EXPECT_EQ(text(ev, "mode"), "0600");
    EXPECT_EQ(ev->param("dirfd"), nullptr);
}

// creat(2) has no flags argument: it means O_CREAT|O_WRONLY|O_TRUNC.
TEST_F(DecodeOpenTest, CreatImpliesItsFlags) {
    if (!events::syscall_number("creat")) GTEST_SKIP() << "no creat on this architecture";
    start_process();
    SyscallRec r;
    r.name = "creat";
    r.ret = 4;
    r.args = {0x7ffd0000, 0644};
    r.file = regular_file(oflags::kWrOnly);
    r.str0 = "/tmp/new";
    r.str1 = "/tmp/new";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_TRUE(ev->is_open_event);
    uint32_t implied = oflags::kCreat | oflags::kWrOnly | oflags::kTrunc;
    EXPECT_EQ(ev->open_flags, implied);
    EXPECT_EQ(fds_.find(kPid, 4)->open_flags, implied);
    EXPECT_EQ(text(ev, "mode"), "0644");
    EXPECT_EQ(ev->param("flags"), nullptr);
}

// openat2's flags are in struct open_how: the event takes the kernel's.
TEST_F(DecodeOpenTest, Openat2TakesFlagsFromTheFile) {
    start_process();
    SyscallRec r;
    r.name = "openat2";
    r.ret = 5;
    r.args = {kAtFdcwd, 0x7ffd0000, 0x7ffd1000, 24};
    r.file = regular_file(oflags::kRdWr | oflags::kCloExec);
    r.str0 = "/etc/hosts";
    r.str1 = "/etc/hosts";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_TRUE(ev->is_open_event);
    EXPECT_EQ(ev->open_flags, oflags::kRdWr | oflags::kCloExec);
    EXPECT_EQ(text(ev, "flags"), "O_RDWR|O_CLOEXEC");
    EXPECT_EQ(ev->param("flags")->raw, oflags::kRdWr | oflags::kCloExec);
    EXPECT_EQ(ev->fd->name, "/etc/hosts");
}

TEST_F(DecodeOpenTest, MemfdCreateIsAMemfdAndNoOpen) {
    start_process();
    SyscallRec r;
    r.name = "memfd_create";
    r.ret = 6;
    r.args = {0x7ffd0000, 1 /* MFD_CLOEXEC */};
    r.file = regular_file(oflags::kRdWr);
    r.str0 = "payload";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_FALSE(ev->is_open_event);
    EXPECT_EQ(ev->open_flags, oflags::kRdWr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd, fds_.find(kPid, 6));
    EXPECT_EQ(ev->fd->type, FdType::Memfd);
    EXPECT_EQ(ev->fd->name, "memfd:payload");
    EXPECT_EQ(ev->fd->nameraw, "payload");
    EXPECT_EQ(ev->fd->ino, 4242u);
    EXPECT_EQ(text(ev, "name"), "payload");
    EXPECT_EQ(text(ev, "flags"), "MFD_CLOEXEC");

    // Failed: the scratch fd, numbered -1.
    r.ret = -24;
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->num, -1);
    EXPECT_EQ(ev->fd->name, "memfd:payload");
    EXPECT_EQ(text(ev, "fd"), "-24(EMFILE)");
}

// open_by_handle_at and pidfd_getfd: decode_fd_file_test.cpp.

}  // namespace
}  // namespace sensor::testing
