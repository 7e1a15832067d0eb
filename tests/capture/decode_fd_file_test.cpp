// Files the kernel names in the record, for fds user space cannot know: a read whose record
// carries its fd's file, an open by handle, an fd taken with pidfd_getfd, fds received over
// SCM_RIGHTS (their own records, before the recvmsg's), and an mmap's file.
#include "capture/record_builder.h"

namespace sensor::testing {
namespace {

class DecodeFdFileTest : public RecordDecoderTest {
  protected:
    // A sensor_fd_received record for fd, naming path (empty: no kernel path).
    static Bytes received(int64_t fd, const std::string& path, uint32_t cut = 0,
                          uint32_t tid = kPid) {
        sensor_fd_received r{};
        r.h.ts_ns = 2000;
        r.h.tid = tid;
        r.h.pid = kPid;
        r.h.kind = SENSOR_REC_FD_RECEIVED;
        r.h.nr = nr_of("recvmsg");
        r.fd = fd;
        r.cut = cut;
        r.file = regular_file(0);
        Bytes b(sizeof r);
        r.path_len = path.empty() ? 0 : append_str(b, path);
        r.h.size = static_cast<uint16_t>(b.size());
        std::memcpy(b.data(), &r, sizeof r);
        return b;
    }
    static SyscallRec recvmsg_rec() {
        SyscallRec r;
        r.name = "recvmsg";
        r.ret = 1;
        r.args = {5, 0x1000, 0};
        return r;
    }
};

// A read of an fd the sensor never saw opened: the record's file names it (no /proc entry
// exists), and a later read of the same file leaves the entry as it is.
TEST_F(DecodeFdFileTest, ReadCarryingItsFileNamesTheFd) {
    start_process();
    SyscallRec r;
    r.name = "read";
    r.payload = SENSOR_PAY_FD_FILE;
    r.args = {9, 0x1000, 64};
    r.ret = 5;
    r.file = regular_file(0);
    r.str1 = "/var/tmp/marker";
    r.data = "hello";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/var/tmp/marker");
    EXPECT_EQ(ev->fd->ino, 4242u);
    EXPECT_EQ(ev->buffer, "hello");  // the data still follows the file
    const state::FdInfo* entry = fds_.find(kPid, 9);
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, entry);
}

// Without the file (no rule reads fd.* of reads), the entry comes from the table or /proc.
TEST_F(DecodeFdFileTest, ReadWithoutItsFileUsesTheTable) {
    start_process();
    proc_fd_link(9, "/srv/from-proc");
    SyscallRec r;
    r.name = "read";
    r.args = {9, 0x1000, 64};
    r.ret = 0;
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/srv/from-proc");
}

// sendfile's fd.* is the file it reads from (in_fd, argument 1).
TEST_F(DecodeFdFileTest, SendfileNamesItsInputFd) {
    start_process();
    SyscallRec r;
    r.name = "sendfile";
    r.payload = SENSOR_PAY_FD_FILE;
    r.args = {1, 6, 0, 4096};
    r.ret = 100;
    r.file = regular_file(0);
    r.str1 = "/etc/shadow";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->num, 6);
    EXPECT_EQ(ev->fd->name, "/etc/shadow");
    EXPECT_EQ(text(ev, "in_fd"), "6(<f>/etc/shadow)");
}

TEST_F(DecodeFdFileTest, OpenByHandleIsAnOpenOfTheKernelsFile) {
    start_process();
    SyscallRec r;
    r.name = "open_by_handle_at";
    r.args = {3, 0x2000, 0 /* O_RDONLY */};
    r.ret = 4;
    r.file = regular_file(0);
    r.str1 = "/etc/shadow";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/etc/shadow");
    EXPECT_TRUE(ev->is_open_event);
    EXPECT_EQ(text(ev, "path"), "/etc/shadow");
    EXPECT_EQ(text(ev, "flags"), "O_RDONLY");
    ASSERT_NE(fds_.find(kPid, 4), nullptr);

    // A file with no kernel path gets no name (not the cwd).
    r.ret = 5;
    r.file.i_mode = 0140777;  // a socket
    r.str1.reset();
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "");
}

TEST_F(DecodeFdFileTest, PidfdGetfdEntersTheCopiedFile) {
    start_process();
    SyscallRec r;
    r.name = "pidfd_getfd";
    r.args = {3, 77, 0};
    r.ret = 4;
    r.file = regular_file(0);
    r.str1 = "/etc/shadow";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/etc/shadow");
    EXPECT_FALSE(ev->is_open_event);
    EXPECT_EQ(fds_.find(kPid, 4), ev->fd);
}

// Received fds enter the table and name the recvmsg's fd.received; another call of the
// thread does not inherit them, nor a recvmsg that received nothing.
TEST_F(DecodeFdFileTest, ReceivedFdsEnterTheTableAndTheRecvmsg) {
    start_process();
    EXPECT_EQ(decode(received(7, "/etc/shadow")), nullptr);
    EXPECT_EQ(decode(received(8, "", 3)), nullptr);  // no kernel path; 3 more not described
    const fields::Event* ev = decode(build(recvmsg_rec()));
    ASSERT_NE(ev, nullptr);
    ASSERT_EQ(ev->received_count, 1);
    EXPECT_EQ(ev->received[0], "/etc/shadow");
    ASSERT_NE(fds_.find(kPid, 7), nullptr);
    EXPECT_EQ(fds_.find(kPid, 7)->name, "/etc/shadow");
    EXPECT_NE(fds_.find(kPid, 8), nullptr);
    EXPECT_EQ(dec_.stats().fds_received, 2u);
    EXPECT_EQ(dec_.stats().fds_received_cut, 3u);

    ev = decode(build(recvmsg_rec()));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->received_count, 0);

    EXPECT_EQ(decode(received(9, "/etc/sudoers")), nullptr);
    SyscallRec other;
    other.name = "close";
    other.args = {9};
    ev = decode(build(other));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->received_count, 0);
    dec_.finish();
    ev = decode(build(recvmsg_rec()));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->received_count, 0);
}

TEST_F(DecodeFdFileTest, MmapNamesTheMappedFile) {
    start_process();
    SyscallRec r;
    r.name = "mmap";
    r.payload = SENSOR_PAY_FD_FILE;
    r.args = {0, 8192, 5 /* PROT_READ|PROT_EXEC */, 2 /* MAP_PRIVATE */, 3, 0};
    r.ret = 0x7f0000000000;
    r.file = regular_file(0);
    r.str1 = "/dev/shm/x";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/dev/shm/x");
    EXPECT_EQ(text(ev, "prot"), "PROT_READ|PROT_EXEC");
}

}  // namespace
}  // namespace sensor::testing
