// io_uring requests' records (SENSOR_REC_URING*): decoded as their syscall's event with
// evt.is_io_uring, and on a fixed file slot without touching the process's fd table.
#include "capture/record_builder.h"

namespace sensor::testing {
namespace {

namespace oflags = events::oflags;

class DecodeIoUringTest : public RecordDecoderTest {};

TEST_F(DecodeIoUringTest, OpenatRequestIsTheOpenatEvent) {
    start_process();
    SyscallRec r;
    r.kind = SENSOR_REC_URING;
    r.ret = 5;
    r.args = {kAtFdcwd, 0, oflags::kRdOnly, 0};
    r.file = regular_file(oflags::kRdOnly);
    r.str0 = "/etc/shadow";
    r.str1 = "/etc/shadow";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("openat"));
    EXPECT_TRUE(ev->is_io_uring);
    EXPECT_TRUE(ev->is_open_event);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/etc/shadow");
    EXPECT_EQ(text(ev, "fd"), "5(<f>/etc/shadow)");
    // An fd of the process like the syscall's: later syscalls on it find it.
    EXPECT_EQ(ev->fd, fds_.find(kPid, 5));
    EXPECT_EQ(dec_.stats().io_uring, 1u);

    // The next syscall's event is no io_uring event.
    ev = open_file(6, "/etc/hostname", oflags::kRdOnly);
    ASSERT_NE(ev, nullptr);
    EXPECT_FALSE(ev->is_io_uring);
}

// An open into a fixed slot: fd.num is the slot and fd.name the file, but the slot is no fd
// of the process, so the fd table (where fd 0 is stdin) is left alone.
TEST_F(DecodeIoUringTest, FixedSlotOpenLeavesTheFdTableAlone) {
    start_process();
    ASSERT_NE(open_file(0, "/dev/pts/0", oflags::kRdWr), nullptr);
    SyscallRec r;
    r.kind = SENSOR_REC_URING_FIXED;
    r.ret = 0;  // slot 0
    r.args = {kAtFdcwd, 0, oflags::kRdOnly, 0};
    r.file = regular_file(oflags::kRdOnly);
    r.str0 = "/etc/shadow";
    r.str1 = "/etc/shadow";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_TRUE(ev->is_io_uring);
    EXPECT_TRUE(ev->is_open_event);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->num, 0);
    EXPECT_EQ(ev->fd->name, "/etc/shadow");
    EXPECT_EQ(ev->fd->type, state::FdType::File);
    const state::FdInfo* stdin_fd = fds_.find(kPid, 0);
    ASSERT_NE(stdin_fd, nullptr);
    EXPECT_EQ(stdin_fd->name, "/dev/pts/0");
}

// A read of a fixed slot names the file from the record: no fd table entry, no /proc lookup
// (what /proc shows under that number is another file).
TEST_F(DecodeIoUringTest, FixedSlotReadNamesTheFileFromTheRecord) {
    start_process();
    proc_fd_link(2, "/dev/null");
    SyscallRec r;
    r.name = "read";
    r.kind = SENSOR_REC_URING_FIXED;
    r.payload = SENSOR_PAY_FD_FILE;
    r.ret = 64;
    r.args = {2, 0x7000, 256};
    r.file = regular_file(oflags::kRdOnly);
    r.str1 = "/etc/shadow";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("read"));
    EXPECT_TRUE(ev->is_io_uring);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->num, 2);
    EXPECT_EQ(ev->fd->name, "/etc/shadow");
    EXPECT_EQ(fds_.find(kPid, 2), nullptr);
}

// A read of a plain fd the sensor never saw opened takes the file the record describes.
TEST_F(DecodeIoUringTest, ReadOfAnFdTakesTheKernelFile) {
    start_process();
    SyscallRec r;
    r.name = "read";
    r.kind = SENSOR_REC_URING;
    r.payload = SENSOR_PAY_FD_FILE;
    r.ret = 64;
    r.args = {7, 0x7000, 256};
    r.file = regular_file(oflags::kRdOnly);
    r.str1 = "/etc/shadow";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/etc/shadow");
    const state::FdInfo* f = fds_.find(kPid, 7);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->name, "/etc/shadow");
}

// Closing a fixed slot closes no fd.
TEST_F(DecodeIoUringTest, FixedSlotCloseKeepsTheFd) {
    start_process();
    ASSERT_NE(open_file(3, "/var/log/app.log", oflags::kWrOnly), nullptr);
    SyscallRec r;
    r.name = "close";
    r.kind = SENSOR_REC_URING_FIXED;
    r.ret = 0;
    r.args = {3};
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_TRUE(ev->is_io_uring);
    dec_.finish();
    ASSERT_NE(fds_.find(kPid, 3), nullptr);

    r.kind = SENSOR_REC_URING;  // a plain fd: closed after the event, as by close(2)
    ASSERT_NE(decode(build(r)), nullptr);
    dec_.finish();
    EXPECT_EQ(fds_.find(kPid, 3), nullptr);
}

// An accept into a fixed slot: the socket is described, the fd table untouched.
TEST_F(DecodeIoUringTest, FixedSlotAcceptDescribesTheSocket) {
    start_process();
    SyscallRec r;
    r.name = "accept4";
    r.kind = SENSOR_REC_URING_FIXED;
    r.ret = 4;
    r.args = {3, 0, 0, 0};
    r.sock.family = 2;
    r.sock.proto = 6;
    r.sock.sport = 8080;
    r.sock.dport = 41000;
    r.sock.saddr[0] = 127;
    r.sock.saddr[3] = 1;
    r.sock.daddr[0] = 127;
    r.sock.daddr[3] = 1;
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->num, 4);
    EXPECT_EQ(ev->fd->name, "127.0.0.1:41000->127.0.0.1:8080");
    EXPECT_EQ(fds_.find(kPid, 4), nullptr);
}

}  // namespace
}  // namespace sensor::testing
