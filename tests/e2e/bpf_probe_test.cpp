// The real eBPF probe, loaded into this kernel (needs root: SENSOR_REQUIRE_ROOT).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "e2e/require_root.h"
#include "record.h"
#include "sensor/capture/bpf_probe.h"

using sensor::capture::BpfProbe;
using sensor::capture::ProbeOptions;

namespace {

// A probe configuration tracing these syscalls, with no open path filter.
sensor::capture::ProbeConfig traced(std::vector<uint32_t> syscalls) {
    sensor::capture::ProbeConfig c;
    c.syscalls = std::move(syscalls);
    return c;
}

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
        p.poll(50, [&](const void* rec, size_t) {
            auto& h = *static_cast<const sensor_record_header*>(rec);
            if (h.kind != SENSOR_REC_SYSCALL_EXIT) return;
            auto& r = *static_cast<const sensor_syscall_exit*>(rec);
            if (r.h.pid == static_cast<uint32_t>(getpid())) ++seen.self;
            if (r.h.nr != SYS_openat) ++seen.other_syscalls;
            if (r.h.pid == static_cast<uint32_t>(child) && r.h.nr == SYS_openat && r.ret >= 0)
                ++seen.child_openat;
        });
        if (seen.child_openat >= want_child) {
            p.poll(50, [&](const void* rec, size_t) {
                auto& h = *static_cast<const sensor_record_header*>(rec);
                if (h.kind != SENSOR_REC_SYSCALL_EXIT) return;
                auto& r = *static_cast<const sensor_syscall_exit*>(rec);
                if (r.h.pid == static_cast<uint32_t>(getpid())) ++seen.self;
            });
            return;
        }
    }
}

class BpfProbeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        SENSOR_REQUIRE_ROOT("loading the eBPF probe");
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
    ASSERT_TRUE(p.apply(traced({SYS_openat}), err)) << err;
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
    ASSERT_TRUE(p.apply(traced({SYS_openat}), err)) << err;
    ASSERT_TRUE(p.attach(err)) << err;
    ASSERT_TRUE(p.apply(traced({SYS_getppid}), err)) << err;
    pid_t child = child_opening(path_, 3);
    Seen seen;
    drain(p, child, seen, 1);
    EXPECT_EQ(seen.child_openat, 0);
    EXPECT_FALSE(p.apply(traced({SENSOR_MAX_SYSCALLS}), err));
}

TEST_F(BpfProbeTest, FullRingBufferIsCountedAsDrops) {
    BpfProbe p;
    std::string err;
    ProbeOptions tiny;
    tiny.ring_bytes = 32768;  // the smallest ring: about a hundred small records
    ASSERT_TRUE(p.load(tiny, err)) << err;
    ASSERT_TRUE(p.apply(traced({SYS_openat}), err)) << err;
    ASSERT_TRUE(p.attach(err)) << err;
    child_opening(path_, 2000);  // nobody reads meanwhile
    EXPECT_GT(p.dropped(), 0u);
    int delivered = p.poll(10, [](const void*, size_t) {});
    EXPECT_GT(delivered, 0);
}

uint64_t boottime_ns() {
    timespec t{};
    clock_gettime(CLOCK_BOOTTIME, &t);
    return static_cast<uint64_t>(t.tv_sec) * 1000000000ull + static_cast<uint64_t>(t.tv_nsec);
}

// Each openat record's time against the child's own clock readings around that call: exact
// stamps fall between them; batched ones may be early, but by less than a tick (10 ms covers
// HZ >= 100) and never late. Batching must really share readings, exact mode never.
void check_record_times(const std::string& path, bool exact) {
    BpfProbe p;
    std::string err;
    ProbeOptions opts;
    opts.exact_timestamps = exact;
    ASSERT_TRUE(p.load(opts, err)) << err;
    EXPECT_EQ(p.batched_timestamps(), !exact);  // this kernel (6.x) has the counter
    ASSERT_TRUE(p.apply(traced({SYS_openat}), err)) << err;
    ASSERT_TRUE(p.attach(err)) << err;

    constexpr int kOpens = 400;
    auto* around =
        static_cast<uint64_t*>(mmap(nullptr, 2 * kOpens * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                                    MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    ASSERT_NE(around, MAP_FAILED);
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < kOpens; ++i) {
            if (i % 100 == 0) usleep(20000);  // bursts, and gaps longer than a tick
            around[2 * i] = boottime_ns();
            int fd = open(path.c_str(), O_RDONLY | O_CREAT, 0600);
            around[2 * i + 1] = boottime_ns();
            if (fd >= 0) close(fd);
        }
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);

    std::vector<uint64_t> times;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (times.size() < kOpens && std::chrono::steady_clock::now() < deadline)
        p.poll(20, [&](const void* rec, size_t) {
            auto& r = *static_cast<const sensor_syscall_exit*>(rec);
            if (r.h.kind == SENSOR_REC_SYSCALL_EXIT && r.h.pid == static_cast<uint32_t>(child) &&
                r.h.nr == SYS_openat)
                times.push_back(r.h.ts_ns);
        });
    ASSERT_EQ(times.size(), static_cast<size_t>(kOpens));
    const uint64_t tick_ns = 10'000'000;
    int shared = 0;
    for (int i = 0; i < kOpens; ++i) {
        uint64_t before = around[2 * i], after = around[2 * i + 1];
        EXPECT_LE(times[i], after) << "record " << i << " stamped after its syscall returned";
        EXPECT_GE(times[i] + (exact ? 0 : tick_ns), before) << "record " << i;
        if (i > 0) {
            EXPECT_GE(times[i], times[i - 1]) << "record " << i;
            if (times[i] == times[i - 1]) ++shared;
        }
        if (i % 100 == 0) {
            EXPECT_GE(times[i], before) << "record " << i << " (first of a burst) is exact";
        }
    }
    if (exact) {
        EXPECT_EQ(shared, 0);
    } else {
        EXPECT_GT(shared, kOpens / 2);
    }
    munmap(around, 2 * kOpens * sizeof(uint64_t));
}

TEST_F(BpfProbeTest, ExactTimestampsFallWithinTheSyscall) {
    check_record_times(path_, true);
}

TEST_F(BpfProbeTest, BatchedTimestampsAreEarlyByLessThanATickAndShared) {
    check_record_times(path_, false);
}

TEST_F(BpfProbeTest, ReportsForkExecAndExitOfOtherProcesses) {
    BpfProbe p;
    std::string err;
    ASSERT_TRUE(p.load({}, err)) << err;
    ASSERT_TRUE(p.apply(traced({}), err)) << err;
    ASSERT_TRUE(p.attach(err)) << err;
    // Our own fork is excluded in the kernel, so the child forks a grandchild that runs
    // /bin/true: the probe must report the child's fork, the grandchild's exec and both exits.
    pid_t child = fork();
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            execl("/bin/true", "true", static_cast<char*>(nullptr));
            _exit(127);
        }
        int st = 0;
        waitpid(grandchild, &st, 0);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    uint32_t grandchild = 0;
    bool self_fork = false, execed = false, child_exited = false, grandchild_exited = false;
    std::string exec_path;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!(execed && child_exited && grandchild_exited) &&
           std::chrono::steady_clock::now() < deadline) {
        p.poll(50, [&](const void* rec, size_t size) {
            auto& h = *static_cast<const sensor_record_header*>(rec);
            if (h.kind == SENSOR_REC_SYSCALL_EXIT) return;
            if (h.pid == static_cast<uint32_t>(getpid())) self_fork = true;
            if (h.kind == SENSOR_REC_PROC_EXEC && grandchild && h.pid == grandchild) {
                ASSERT_GE(size, sizeof(sensor_exec));
                auto& r = *static_cast<const sensor_exec*>(rec);
                execed = true;
                const char* strings = static_cast<const char*>(rec) + sizeof(sensor_exec);
                exec_path.assign(strings, r.filename_len ? r.filename_len - 1 : 0);
                return;
            }
            ASSERT_GE(size, sizeof(sensor_proc_event));
            auto& r = *static_cast<const sensor_proc_event*>(rec);
            if (h.kind == SENSOR_REC_PROC_FORK && h.pid == static_cast<uint32_t>(child))
                grandchild = r.child_pid;
            if (h.kind == SENSOR_REC_PROC_EXIT && h.pid == static_cast<uint32_t>(child))
                child_exited = true;
            if (h.kind == SENSOR_REC_PROC_EXIT && grandchild && h.pid == grandchild)
                grandchild_exited = true;
        });
    }
    EXPECT_NE(grandchild, 0u) << "no fork record for the child";
    EXPECT_NE(grandchild, static_cast<uint32_t>(child));
    EXPECT_TRUE(execed);
    EXPECT_EQ(exec_path, "/bin/true");
    EXPECT_TRUE(child_exited);
    EXPECT_TRUE(grandchild_exited);
    EXPECT_FALSE(self_fork) << "the sensor's own process must be excluded";
}

TEST(BpfProbePrerequisites, ThisKernelHasThem) {
    EXPECT_EQ(sensor::capture::probe_prerequisites_problem(), "");
}

namespace {

// The kernel-resolved path (string 1) and the user's path (string 0) of a child's openat
// records, read from the raw record layout (bpf/record.h).
struct OpenSeen {
    std::vector<std::pair<std::string, std::string>> user_and_kernel;
    std::vector<uint32_t> file_flags;  // SENSOR_FILE_* of each
};

void collect_opens(BpfProbe& p, pid_t child, OpenSeen& seen, size_t want) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (seen.user_and_kernel.size() < want && std::chrono::steady_clock::now() < deadline) {
        p.poll(20, [&](const void* rec, size_t size) {
            auto& h = *static_cast<const sensor_record_header*>(rec);
            if (h.kind != SENSOR_REC_SYSCALL_EXIT || h.pid != static_cast<uint32_t>(child) ||
                h.nr != SYS_openat)
                return;
            auto& r = *static_cast<const sensor_syscall_exit*>(rec);
            if (r.ret < 0 || r.payload != SENSOR_PAY_NEW_FILE) return;
            size_t off = sizeof(r) + r.nargs * 8 + sizeof(sensor_file_section);
            ASSERT_LE(off + r.str_len[0] + r.str_len[1], size);
            const char* strs = static_cast<const char*>(rec) + off;
            std::string user(strs, r.str_len[0] ? r.str_len[0] - 1 : 0);
            std::string kernel(strs + r.str_len[0], r.str_len[1] ? r.str_len[1] - 1 : 0);
            seen.user_and_kernel.emplace_back(user, kernel);
            seen.file_flags.push_back(
                reinterpret_cast<const sensor_file_section*>(static_cast<const char*>(rec) + off -
                                                             sizeof(sensor_file_section))
                    ->file_flags);
        });
    }
}

void check_kernel_paths(bool fast) {
    BpfProbe p;
    std::string err;
    ProbeOptions opts;
    opts.fast_file_access = fast;
    ASSERT_TRUE(p.load(opts, err)) << err;
    if (!fast) {
        EXPECT_FALSE(p.fast_file_access());
    }
    ASSERT_TRUE(p.apply(traced({SYS_openat}), err)) << err;
    ASSERT_TRUE(p.attach(err)) << err;
    std::string dir = "/tmp/sensor-path-test-" + std::to_string(getpid());
    std::string sub = dir + "/a/b";
    ASSERT_EQ(system(("mkdir -p " + sub + " && touch " + sub + "/f").c_str()), 0);
    pid_t child = fork();
    if (child == 0) {
        if (chdir((dir + "/a").c_str()) != 0) _exit(1);
        // relative, with "..", and through a symlinked directory: the kernel path is canonical
        close(open("b/f", O_RDONLY));
        close(open("../a/./b/f", O_RDONLY));
        if (symlink(sub.c_str(), (dir + "/link").c_str()) != 0) _exit(2);
        close(open((dir + "/link/f").c_str(), O_RDONLY));
        close(open("/", O_RDONLY | O_DIRECTORY));
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    OpenSeen seen;
    collect_opens(p, child, seen, 4);
    ASSERT_GE(seen.user_and_kernel.size(), 4u);
    std::vector<std::pair<std::string, std::string>> want = {
        {"b/f", sub + "/f"}, {"../a/./b/f", sub + "/f"}, {dir + "/link/f", sub + "/f"}, {"/", "/"}};
    for (const auto& w : want) {
        bool found = false;
        for (const auto& s : seen.user_and_kernel) found |= s == w;
        EXPECT_TRUE(found) << "no open of " << w.first << " resolved to " << w.second;
    }
    ASSERT_EQ(system(("rm -rf " + dir).c_str()), 0);
}

// A file 40 directories deep opened through a short symlink: its whole kernel path with the
// bpf_loop walk; cut (SENSOR_FILE_PATH_CUT) after 32 components without it.
void check_deep_path(bool fast, bool full_walk) {
    BpfProbe p;
    std::string err;
    ProbeOptions opts;
    opts.fast_file_access = fast;
    opts.full_path_walk = full_walk;
    ASSERT_TRUE(p.load(opts, err)) << err;
    ASSERT_TRUE(p.apply(traced({SYS_openat}), err)) << err;
    ASSERT_TRUE(p.attach(err)) << err;
    std::string dir = "/tmp/sensor-deep-test-" + std::to_string(getpid());
    std::string deep = dir;
    for (int i = 0; i < 40; ++i) deep += "/d";
    ASSERT_EQ(system(("mkdir -p " + deep + " && touch " + deep + "/f").c_str()), 0);
    std::string link = dir + "/s";
    ASSERT_EQ(symlink(deep.c_str(), link.c_str()), 0);
    pid_t child = fork();
    if (child == 0) {
        close(open((link + "/f").c_str(), O_RDONLY));
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    OpenSeen seen;
    collect_opens(p, child, seen, 1);
    ASSERT_EQ(system(("rm -rf " + dir).c_str()), 0);
    ASSERT_EQ(seen.user_and_kernel.size(), 1u);
    EXPECT_EQ(seen.user_and_kernel[0].first, link + "/f");
    if (full_walk) {
        EXPECT_EQ(seen.user_and_kernel[0].second, deep + "/f");
        EXPECT_EQ(seen.file_flags[0] & SENSOR_FILE_PATH_CUT, 0u);
    } else {
        EXPECT_NE(seen.file_flags[0] & SENSOR_FILE_PATH_CUT, 0u);
    }
}

}  // namespace

TEST_F(BpfProbeTest, DeepPathsWalkedInFullWithBpfLoop) {
    check_deep_path(true, true);
    check_deep_path(false, true);
}

TEST_F(BpfProbeTest, DeepPathsCutWithoutBpfLoop) {
    check_deep_path(true, false);
    check_deep_path(false, false);
}

TEST_F(BpfProbeTest, KernelPathsFastFileAccess) {
    check_kernel_paths(true);
}

TEST_F(BpfProbeTest, KernelPathsHelperWalk) {
    check_kernel_paths(false);
}
