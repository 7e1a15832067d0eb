// The fd a syscall acts on (fd.* of calls without a state effect): from the fd table, from
// /proc (unless the call failed with EBADF), or as the kernel described it in the record.
#include "capture/record_builder.h"

namespace sensor::testing {
namespace {

namespace oflags = events::oflags;

class DecodeFdArgTest : public RecordDecoderTest {};

// An fd a syscall failed on with EBADF was not open then: whatever /proc shows under that
// number now is a later file, which the sensor must not take (its close may stay in the
// kernel). Any other result loads it.
TEST_F(DecodeFdArgTest, FdOfAnEbadfFailureIsNotLoadedFromProc) {
    start_process();
    proc_fd_link(7, "/srv/later.txt");
    SyscallRec r;
    r.name = "fcntl";
    r.args = {7, 3 /* F_GETFL */, 0};
    r.ret = -9;  // EBADF
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, nullptr);
    EXPECT_EQ(fds_.find(kPid, 7), nullptr);

    r.ret = -22;  // EINVAL: the fd was open
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/srv/later.txt");
}

// A call with no state effect still shows its fd argument.
TEST_F(DecodeFdArgTest, ListenShowsItsFd) {
    start_process();
    proc_fd_link(4, "/srv/sock");
    SyscallRec r;
    r.name = "listen";
    r.ret = 0;
    r.args = {4, 128};
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd, fds_.find(kPid, 4));
    EXPECT_EQ(text(ev, "fd"), "4(<f>/srv/sock)");
    EXPECT_EQ(text(ev, "backlog"), "128");
}

// Calls without an fd (or whose fd is not followed) have none.
TEST_F(DecodeFdArgTest, CallsWithoutAnFdHaveNone) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly), nullptr);
    SyscallRec r;
    r.name = "bpf";
    r.ret = 5;  // an fd number the table knows: not this event's
    r.args = {0};
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, nullptr);
    EXPECT_EQ(text(ev, "res_or_fd"), "5(<f>/etc/passwd)");
    r.name = "pipe2";
    r.ret = 0;
    r.args = {0x7ffd0000, oflags::kCloExec};
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, nullptr);
    EXPECT_EQ(text(ev, "flags"), "O_RDONLY|O_CLOEXEC");
}

TEST_F(DecodeFdArgTest, AFileTheRecordDescribesIsTakenFromTheKernelNotFromProc) {
    start_process();
    // /proc would say something else (or nothing, once the process has closed the fd).
    proc_fd_link(6, "/srv/proc-says.txt");
    SyscallRec r;
    r.name = "fchmod";
    r.args = {6, 0600};
    r.file = regular_file(oflags::kRdWr);
    r.str1 = "/etc/cron.d/job";
    const fields::Event* ev = decode(build(r));
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

// setns and finit_module describe their fd the same way.
TEST_F(DecodeFdArgTest, EveryFdFileCallTakesTheKernelsFile) {
    start_process();
    for (const char* name : {"setns", "finit_module"}) {
        SyscallRec r;
        r.name = name;
        r.args = {6, 0};
        r.file = regular_file(oflags::kRdOnly);
        r.str1 = std::string("/srv/") + name;
        const fields::Event* ev = decode(build(r));
        ASSERT_NE(ev, nullptr) << name;
        ASSERT_NE(ev->fd, nullptr) << name;
        EXPECT_EQ(ev->fd->name, std::string("/srv/") + name);
        EXPECT_EQ(fds_.find(kPid, 6), ev->fd) << name;
    }
}

}  // namespace
}  // namespace sensor::testing
