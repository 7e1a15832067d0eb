// fd.fspath from open records: the path from the file's filesystem root (a suffix of the
// kernel path, or the record's third string), and the rule's path for a file the probe marks
// as one the rules name (SENSOR_FILE_IDENTITY).
#include "capture/record_builder.h"
#include "sensor/fields/registry.h"

namespace sensor::testing {
namespace {

namespace oflags = events::oflags;

std::string fspath_of(const fields::Event* ev) {
    std::string err;
    auto ref = fields::resolve_field("fd.fspath", nullptr, err);
    if (!ref || !ev) return "ERR " + err;
    fields::Value v;
    std::string scratch, out;
    if (!ref->def->extract(*ev, ref->arg, 0, v, scratch)) return "<NA>";
    fields::append_value_text(*ref->def, v, out);
    return out;
}

class DecodeFsPathTest : public RecordDecoderTest {
  protected:
    SyscallRec open_of(const std::string& kernel_path, int64_t fd = 5) {
        SyscallRec r;
        r.ret = fd;
        r.args = {kAtFdcwd, 0, oflags::kRdOnly, 0};
        r.file = regular_file(oflags::kRdOnly);
        r.str0 = kernel_path;
        r.str1 = kernel_path;
        return r;
    }
};

TEST_F(DecodeFsPathTest, OrdinaryOpenIsItsName) {
    start_process();
    const fields::Event* ev = decode(build(open_of("/etc/hostname")));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(fspath_of(ev), "/etc/hostname");
    EXPECT_TRUE(ev->fd->fspath.empty());  // nothing copied
}

TEST_F(DecodeFsPathTest, SuffixOfTheKernelPath) {
    start_process();
    // /proc/PID/root of a container: the overlay's root is crossed at /run/.../rootfs.
    SyscallRec r = open_of("/run/c/rootfs/etc/shadow");
    r.file.fspath_off = 13;
    const fields::Event* ev = decode(build(r));
    EXPECT_EQ(ev->fd->name, "/run/c/rootfs/etc/shadow");
    EXPECT_EQ(fspath_of(ev), "/etc/shadow");
    // Later events on the fd see it too; a new open of the fd number forgets it.
    EXPECT_EQ(fds_.find(kPid, 5)->fspath, "/etc/shadow");
    EXPECT_EQ(fspath_of(decode(build(open_of("/tmp/x")))), "/tmp/x");
    EXPECT_TRUE(fds_.find(kPid, 5)->fspath.empty());
}

TEST_F(DecodeFsPathTest, FilesystemRootItself) {
    start_process();
    SyscallRec r = open_of("/run/user");
    r.file.i_mode = 0040755;
    r.file.fspath_off = 9;  // at the end: the directory is its filesystem's root
    EXPECT_EQ(fspath_of(decode(build(r))), "/");
}

TEST_F(DecodeFsPathTest, ThirdStringWhenNoSuffix) {
    start_process();
    SyscallRec r = open_of("/tmp/m/shadow");  // /etc bind-mounted at /tmp/m
    r.fspath = "/etc/shadow";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->name, "/tmp/m/shadow");
    EXPECT_EQ(fspath_of(ev), "/etc/shadow");
}

TEST_F(DecodeFsPathTest, ThirdStringPastTheRecordIsMalformed) {
    start_process();
    SyscallRec r = open_of("/tmp/m/shadow");
    r.fspath = "/etc/shadow";
    Bytes b = build(r);
    b.resize(b.size() - 4);
    reinterpret_cast<sensor_syscall_exit*>(b.data())->h.size = static_cast<uint16_t>(b.size());
    EXPECT_EQ(decode(b), nullptr);
    EXPECT_EQ(dec_.stats().malformed, 1u);
}

TEST_F(DecodeFsPathTest, NamedInodeShowsTheRulesPath) {
    start_process();
    sensor_file_section shadow = regular_file(oflags::kRdOnly);
    dec_.set_file_identities({{"/etc/shadow", shadow.dev, shadow.ino}, {"/etc/sudoers", 1, 2}});
    SyscallRec r = open_of("/tmp/innocent");  // a hardlink of /etc/shadow
    r.file.file_flags |= SENSOR_FILE_IDENTITY;
    const fields::Event* ev = decode(build(r));
    EXPECT_EQ(ev->fd->name, "/tmp/innocent");
    EXPECT_EQ(fspath_of(ev), "/etc/shadow");
    // Without the probe's mark the table is not consulted.
    EXPECT_EQ(fspath_of(decode(build(open_of("/tmp/other", 6)))), "/tmp/other");
    // After a reload that names other files, the mark finds nothing: the path stands.
    dec_.set_file_identities({});
    EXPECT_EQ(fspath_of(decode(build(r))), "/tmp/innocent");
}

TEST_F(DecodeFsPathTest, NotForSockets) {
    start_process();
    SyscallRec r;
    r.name = "socket";
    r.ret = 7;
    r.args = {2, 1, 0};
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(fspath_of(ev), "<NA>");
}

}  // namespace
}  // namespace sensor::testing
