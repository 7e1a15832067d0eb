// The real eBPF probe, loaded into this kernel (needs root; skipped otherwise).
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "record.h"
#include "sensor/capture/bpf_probe.h"

using sensor::capture::BpfProbe;
using sensor::capture::ProbeOptions;

namespace {

// Runs `opens` openat() calls on `path` in a child process and returns its pid.
pid_t child_opening(const std::string& path, int opens) {
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < opens; ++i) {
            int fd = open(path.c_str(), O_RDONLY | O_CREAT, 0600);
            if (fd >= 0) close(fd);
        }
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return child;
}

struct Seen {
    int child_openat = 0;
    int self = 0;
    int other_syscalls = 0;
};

void drain(BpfProbe& p, pid_t child, Seen& seen, int want_child) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < deadline) {
        p.poll(50, [&](const sensor_syscall_exit& r) {
            if (r.pid == static_cast<uint32_t>(getpid())) ++seen.self;
            if (r.nr != SYS_openat) ++seen.other_syscalls;
            if (r.pid == static_cast<uint32_t>(child) && r.nr == SYS_openat && r.ret >= 0)
                ++seen.child_openat;
        });
        if (seen.child_openat >= want_child) {
            p.poll(50, [&](const sensor_syscall_exit& r) {
                if (r.pid == static_cast<uint32_t>(getpid())) ++seen.self;
            });
            return;
        }
    }
}

class BpfProbeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "loading the eBPF probe needs root";
        path_ = "/tmp/sensor-probe-test-" + std::to_string(getpid());
    }
    void TearDown() override { unlink(path_.c_str()); }
    std::string path_;
};

}  // namespace

TEST_F(BpfProbeTest, DeliversOnlyTracedSyscallsOfOtherProcesses) {
    BpfProbe p;
    std::string err;
    ASSERT_TRUE(p.load({}, err)) << err;
    ASSERT_TRUE(p.set_syscalls({SYS_openat}, err)) << err;
    ASSERT_TRUE(p.attach(err)) << err;
    // Our own opens are excluded in the kernel.
    for (int i = 0; i < 5; ++i) close(open(path_.c_str(), O_RDONLY | O_CREAT, 0600));
    pid_t child = child_opening(path_, 3);
    Seen seen;
    drain(p, child, seen, 3);
    EXPECT_GE(seen.child_openat, 3);
    EXPECT_EQ(seen.self, 0);
    EXPECT_EQ(seen.other_syscalls, 0);
    EXPECT_EQ(p.dropped(), 0u);
}

TEST_F(BpfProbeTest, FilterChangesApplyWhileAttached) {
    BpfProbe p;
    std::string err;
    ASSERT_TRUE(p.load({}, err)) << err;
    ASSERT_TRUE(p.set_syscalls({SYS_openat}, err)) << err;
    ASSERT_TRUE(p.attach(err)) << err;
    ASSERT_TRUE(p.set_syscalls({SYS_getppid}, err)) << err;
    pid_t child = child_opening(path_, 3);
    Seen seen;
    drain(p, child, seen, 1);
    EXPECT_EQ(seen.child_openat, 0);
    EXPECT_FALSE(p.set_syscalls({SENSOR_MAX_SYSCALLS}, err));
}

TEST_F(BpfProbeTest, FullRingBufferIsCountedAsDrops) {
    BpfProbe p;
    std::string err;
    ProbeOptions tiny;
    tiny.ring_bytes = 4096;  // one page: a few dozen records
    ASSERT_TRUE(p.load(tiny, err)) << err;
    ASSERT_TRUE(p.set_syscalls({SYS_openat}, err)) << err;
    ASSERT_TRUE(p.attach(err)) << err;
    child_opening(path_, 2000);  // nobody reads meanwhile
    EXPECT_GT(p.dropped(), 0u);
    int delivered = p.poll(10, [](const sensor_syscall_exit&) {});
    EXPECT_GT(delivered, 0);
}

TEST(BpfProbePrerequisites, ThisKernelHasThem) {
    EXPECT_EQ(sensor::capture::probe_prerequisites_problem(), "");
}
