// The working directory handlers: chdir (a path relative to the cwd) and fchdir (an fd's path
// as the kernel gives it).
#include "capture/record_builder.h"

namespace sensor::testing {
namespace {

namespace oflags = events::oflags;

class DecodeCwdTest : public RecordDecoderTest {};

TEST_F(DecodeCwdTest, ChdirChangesWhereRelativePathsResolve) {
    start_process();
    SyscallRec c;
    c.name = "chdir";
    c.ret = 0;
    c.str0 = "../../tmp/./work";
    const fields::Event* ev = decode(build(c));
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

TEST_F(DecodeCwdTest, AbsoluteAndFailedChdir) {
    start_process();
    SyscallRec c;
    c.name = "chdir";
    c.ret = 0;
    c.str0 = "/srv//app/";
    ASSERT_NE(decode(build(c)), nullptr);
    EXPECT_EQ(procs_.find(kPid)->cwd, "/srv/app/");
    c.ret = -2;
    c.str0 = "/nonexistent";
    const fields::Event* ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "res"), "-2(ENOENT)");
    EXPECT_EQ(procs_.find(kPid)->cwd, "/srv/app/");
    c.ret = 0;
    c.str0 = "/";
    ASSERT_NE(decode(build(c)), nullptr);
    EXPECT_EQ(procs_.find(kPid)->cwd, "/");
}

TEST_F(DecodeCwdTest, FchdirTakesTheKernelsPathOfTheFd) {
    start_process();
    SyscallRec f;
    f.name = "fchdir";
    f.ret = 0;
    f.args = {6};
    f.file = regular_file(oflags::kRdOnly | oflags::kDirectory);
    f.file.i_mode = 0040755;
    f.str1 = "/var/lib/app";
    const fields::Event* ev = decode(build(f));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->name, "/var/lib/app");
    EXPECT_EQ(ev->fd->type, state::FdType::Directory);
    EXPECT_EQ(text(ev, "fd"), "6(<d>/var/lib/app)");
    EXPECT_EQ(procs_.find(kPid)->cwd, "/var/lib/app/");

    // Failed, or no kernel path: the cwd stays.
    f.ret = -20;
    f.str1 = "/etc/passwd";
    ASSERT_NE(decode(build(f)), nullptr);
    EXPECT_EQ(procs_.find(kPid)->cwd, "/var/lib/app/");
    f.ret = 0;
    f.str1 = std::nullopt;
    ASSERT_NE(decode(build(f)), nullptr);
    EXPECT_EQ(procs_.find(kPid)->cwd, "/var/lib/app/");
}

}  // namespace
}  // namespace sensor::testing
