// The credential handlers: the set*uid and set*gid families change the effective id.
#include <fstream>

#include "capture/record_builder.h"

namespace sensor::testing {
namespace {

class DecodeCredentialsTest : public RecordDecoderTest {
  protected:
    const fields::Event* call(const char* name, int64_t ret, std::vector<uint64_t> args) {
        SyscallRec r;
        r.name = name;
        r.ret = ret;
        r.args = std::move(args);
        return decode(build(r));
    }
    uint32_t uid() { return procs_.find(kPid)->uid; }
    uint32_t gid() { return procs_.find(kPid)->gid; }
};

// setuid's only argument is the new effective uid.
TEST_F(DecodeCredentialsTest, SetuidAndSetgid) {
    start_process();
    ASSERT_EQ(uid(), 1000u);
    const fields::Event* ev = call("setuid", 0, {0});
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("setuid"));
    EXPECT_EQ(text(ev, "uid"), "0");
    EXPECT_EQ(uid(), 0u);
    EXPECT_EQ(gid(), 1001u);
    ev = call("setgid", 0, {50});
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "gid"), "50");
    EXPECT_EQ(gid(), 50u);
    EXPECT_EQ(uid(), 0u);
}

// As in Falco, ids print as "65534(nobody)" in evt.args and evt.arg.uid is the name; an id
// the passwd file lacks stays a number. Errno results resolve to their names.
TEST_F(DecodeCredentialsTest, UidsAndGidsResolveToNames) {
    std::ofstream(root_ + "/passwd") << "root:x:0:0:root:/root:/bin/bash\n"
                                        "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
    std::ofstream(root_ + "/group") << "root:x:0:\nnogroup:x:65534:\n";
    users_.reload();
    start_process();
    const fields::Event* ev = call("setuid", 0, {65534});
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "uid"), "65534(nobody)");
    EXPECT_EQ(arg_value(ev, "uid"), "nobody");
    EXPECT_EQ(arg_value(ev, "res"), "0");
    ev = call("setgid", -1, {65534});
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "gid"), "65534(nogroup)");
    EXPECT_EQ(arg_value(ev, "gid"), "nogroup");
    EXPECT_EQ(text(ev, "res"), "-1(EPERM)");
    EXPECT_EQ(arg_value(ev, "res"), "EPERM");
    ev = call("setresuid", 0, {0, 4242, 0});
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(arg_value(ev, "ruid"), "root");
    EXPECT_EQ(arg_value(ev, "euid"), "4242");  // not in the file
}

// set{re,res}[ug]id: the effective id is the second argument.
TEST_F(DecodeCredentialsTest, SetreAndSetresTakeTheSecondArgument) {
    start_process();
    ASSERT_NE(call("setreuid", 0, {1, 2}), nullptr);
    EXPECT_EQ(uid(), 2u);
    const fields::Event* ev = call("setresuid", 0, {3, 4, 5});
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "ruid"), "3");
    EXPECT_EQ(text(ev, "euid"), "4");
    EXPECT_EQ(text(ev, "suid"), "5");
    EXPECT_EQ(uid(), 4u);
    ASSERT_NE(call("setregid", 0, {6, 7}), nullptr);
    EXPECT_EQ(gid(), 7u);
    ASSERT_NE(call("setresgid", 0, {8, 9, 10}), nullptr);
    EXPECT_EQ(gid(), 9u);
    EXPECT_EQ(uid(), 4u);
}

// -1 leaves the id as it is; a failed call changes nothing.
TEST_F(DecodeCredentialsTest, MinusOneAndFailuresChangeNothing) {
    start_process();
    ASSERT_NE(call("setresuid", 0, {0, 0xffffffffull, 0}), nullptr);
    EXPECT_EQ(uid(), 1000u);
    ASSERT_NE(call("setreuid", 0, {0xffffffffull, 0xffffffffull}), nullptr);
    EXPECT_EQ(uid(), 1000u);
    const fields::Event* ev = call("setuid", -1, {0});
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "res"), "-1(EPERM)");
    EXPECT_EQ(uid(), 1000u);
    ASSERT_NE(call("setgid", -1, {0}), nullptr);
    EXPECT_EQ(gid(), 1001u);
}

// A thread's credentials are its own.
TEST_F(DecodeCredentialsTest, OnlyTheCallingThreadChanges) {
    start_process();
    ASSERT_EQ(decode(proc_event(SENSOR_REC_PROC_FORK, kPid, kPid, 101, kPid)), nullptr);
    SyscallRec r;
    r.name = "setuid";
    r.tid = 101;
    r.ret = 0;
    r.args = {33};
    ASSERT_NE(decode(build(r)), nullptr);
    EXPECT_EQ(procs_.find(101)->uid, 33u);
    EXPECT_EQ(uid(), 1000u);
}

// capset is traced for state but changes nothing the tables hold yet.
TEST_F(DecodeCredentialsTest, CapsetIsAnEvent) {
    start_process();
    const fields::Event* ev = call("capset", 0, {0x7ffd0000, 0x7ffd1000});
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "res"), "0");
    EXPECT_EQ(uid(), 1000u);
}

}  // namespace
}  // namespace sensor::testing
