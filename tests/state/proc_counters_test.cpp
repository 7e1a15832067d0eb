// The procfs text parsers behind proc.vm*, thread.pf* and thread.cgroup(s).
#include "sensor/state/proc_counters.h"

#include <gtest/gtest.h>

using namespace sensor::state;

TEST(ProcCounters, MemoryFromStatus) {
    MemCounters m;
    ASSERT_TRUE(detail::parse_mem_counters(
        "Name:\tbash\nVmPeak:\t 9999 kB\nVmSize:\t   8412 kB\nVmRSS:\t    5120 kB\nVmSwap:\t  "
        "12 kB\n",
        m));
    EXPECT_EQ(m.vmsize_kb, 8412u);
    EXPECT_EQ(m.vmrss_kb, 5120u);
    EXPECT_EQ(m.vmswap_kb, 12u);
    MemCounters kernel_thread;
    EXPECT_FALSE(detail::parse_mem_counters("Name:\tkthreadd\nState:\tS\n", kernel_thread));
}

TEST(ProcCounters, FaultsFromStatWithAnAwkwardComm) {
    uint64_t minflt = 0, majflt = 0;
    ASSERT_TRUE(detail::parse_fault_counters("42 (a) b (c) S 1 42 42 0 -1 4194560 1234 99 7 0 10 5",
                                             minflt, majflt));
    EXPECT_EQ(minflt, 1234u);
    EXPECT_EQ(majflt, 7u);
    EXPECT_FALSE(detail::parse_fault_counters("42 (x) S 1 2", minflt, majflt));
}

constexpr const char* kProcCgroups =
    "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
    "cpuset\t3\t97\t1\n"
    "cpu\t1\t97\t1\n"
    "cpuacct\t1\t97\t1\n"
    "net_cls\t0\t1\t0\n"
    "memory\t0\t97\t1\n";

TEST(ProcCounters, CgroupsPerSubsystemV1AndV2) {
    const char* mine = "3:cpuset:/\n1:cpu,cpuacct:/user.slice\n0::/system.slice/x.service\n";
    std::string out;
    ASSERT_TRUE(detail::render_cgroups(kProcCgroups, mine, "", out));
    // memory is bound to the v2 hierarchy; net_cls is disabled.
    EXPECT_EQ(out, "cpuset=/ cpu=/user.slice cpuacct=/user.slice memory=/system.slice/x.service");
    out.clear();
    ASSERT_TRUE(detail::render_cgroups(kProcCgroups, mine, "cpuacct", out));
    EXPECT_EQ(out, "/user.slice");
    out.clear();
    EXPECT_FALSE(detail::render_cgroups(kProcCgroups, mine, "net_cls", out));
}

TEST(ProcCounters, UnreadableProcessesAreUnknown) {
    MemCounters m;
    EXPECT_FALSE(read_mem_counters("/nonexistent-proc", 1, m));
    EXPECT_FALSE(read_mem_counters(nullptr, 1, m));
    EXPECT_EQ(count_open_fds("/nonexistent-proc", 1), -1);
}
