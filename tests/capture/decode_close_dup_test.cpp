// The fd table handlers: close (after the event), dup, dup2, dup3 and fcntl(F_DUPFD*).
#include "capture/record_builder.h"

namespace sensor::testing {
namespace {

using state::FdInfo;
using state::FdType;
namespace oflags = events::oflags;

constexpr uint64_t kFDupFd = 0, kFGetFl = 3, kFDupFdCloExec = 1030;

class DecodeCloseDupTest : public RecordDecoderTest {};

TEST_F(DecodeCloseDupTest, CloseSeesFdUntilFinish) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly), nullptr);
    dec_.finish();
    SyscallRec c;
    c.name = "close";
    c.ret = 0;
    c.args = {5};
    const fields::Event* ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("close"));
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/etc/passwd");  // rules on close still see what was closed
    EXPECT_EQ(text(ev, "res"), "0");
    EXPECT_EQ(text(ev, "fd"), "5(<f>/etc/passwd)");
    EXPECT_NE(fds_.find(kPid, 5), nullptr);
    dec_.finish();
    EXPECT_EQ(fds_.find(kPid, 5), nullptr);
}

TEST_F(DecodeCloseDupTest, FailedCloseKeepsFd) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly), nullptr);
    SyscallRec c;
    c.name = "close";
    c.ret = -4;  // EINTR
    c.args = {5};
    const fields::Event* ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "res"), "-4(EINTR)");
    dec_.finish();
    EXPECT_NE(fds_.find(kPid, 5), nullptr);
}

// A close never loads its fd from /proc: it is gone from there, or already reused.
TEST_F(DecodeCloseDupTest, CloseOfUnknownFdIsNotLoadedFromProc) {
    start_process();
    proc_fd_link(7, "/srv/reused.txt");
    SyscallRec c;
    c.name = "close";
    c.ret = 0;
    c.args = {7};
    const fields::Event* ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, nullptr);
    dec_.finish();
    EXPECT_EQ(fds_.find(kPid, 7), nullptr);
}

TEST_F(DecodeCloseDupTest, Dup2CopiesEntry) {
    if (!events::syscall_number("dup2")) GTEST_SKIP() << "no dup2 on this architecture";
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly | oflags::kCloExec), nullptr);
    SyscallRec d;
    d.name = "dup2";
    d.ret = 9;
    d.args = {5, 9};
    const fields::Event* ev = decode(build(d));
    ASSERT_NE(ev, nullptr);
    const FdInfo* n = fds_.find(kPid, 9);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(ev->fd, n);
    EXPECT_EQ(n->num, 9);
    EXPECT_EQ(n->name, "/etc/passwd");
    EXPECT_EQ(n->type, FdType::File);
    EXPECT_EQ(n->open_flags & oflags::kCloExec, 0u);  // dup2 never copies close-on-exec
    EXPECT_NE(fds_.find(kPid, 5), nullptr);
    EXPECT_EQ(text(ev, "res"), "9(<f>/etc/passwd)");
    EXPECT_EQ(text(ev, "oldfd"), "5(<f>/etc/passwd)");
    EXPECT_EQ(text(ev, "newfd"), "9(<f>/etc/passwd)");
}

TEST_F(DecodeCloseDupTest, DupAndDup3CopyEntry) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/group", oflags::kRdOnly), nullptr);
    SyscallRec d;
    d.name = "dup";
    d.ret = 6;
    d.args = {5};
    const fields::Event* ev = decode(build(d));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd, fds_.find(kPid, 6));
    EXPECT_EQ(ev->fd->name, "/etc/group");
    EXPECT_EQ(text(ev, "res"), "6(<f>/etc/group)");
    EXPECT_EQ(text(ev, "oldfd"), "5(<f>/etc/group)");

    d.name = "dup3";
    d.ret = 8;
    d.args = {5, 8, oflags::kCloExec};
    ev = decode(build(d));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd, fds_.find(kPid, 8));
    EXPECT_EQ(ev->fd->name, "/etc/group");
    EXPECT_EQ(text(ev, "flags"), "O_RDONLY|O_CLOEXEC");

    // Failed: nothing copied, no fd.
    d.ret = -9;
    d.args = {5, 11, 0};
    ev = decode(build(d));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, nullptr);
    EXPECT_EQ(fds_.find(kPid, 11), nullptr);
}

// fcntl copies the fd for F_DUPFD and F_DUPFD_CLOEXEC only; the event's fd is its argument.
TEST_F(DecodeCloseDupTest, FcntlDupFdCopiesEntry) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/motd", oflags::kRdOnly), nullptr);
    SyscallRec f;
    f.name = "fcntl";
    f.ret = 10;
    f.args = {5, kFDupFd, 10};
    const fields::Event* ev = decode(build(f));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, fds_.find(kPid, 5));
    EXPECT_EQ(text(ev, "cmd"), "F_DUPFD");
    ASSERT_NE(fds_.find(kPid, 10), nullptr);
    EXPECT_EQ(fds_.find(kPid, 10)->name, "/etc/motd");
    EXPECT_EQ(fds_.find(kPid, 10)->open_flags & oflags::kCloExec, 0u);

    f.ret = 11;
    f.args = {5, kFDupFdCloExec, 11};
    ASSERT_NE(decode(build(f)), nullptr);
    ASSERT_NE(fds_.find(kPid, 11), nullptr);
    EXPECT_NE(fds_.find(kPid, 11)->open_flags & oflags::kCloExec, 0u);

    // Another command returning a number copies nothing.
    f.ret = 12;
    f.args = {5, kFGetFl, 0};
    ev = decode(build(f));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, fds_.find(kPid, 5));
    EXPECT_EQ(fds_.find(kPid, 12), nullptr);
}

}  // namespace
}  // namespace sensor::testing
