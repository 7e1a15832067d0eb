// The thread table's steady state allocates nothing: clone/exec/exit churn reuses exited nodes
// and their string buffers. Measured by counting global operator new calls in this binary.
#include <gtest/gtest.h>

#include <string>

#include "sensor/state/container_table.h"
#include "sensor/state/process_table.h"

#include "support/alloc_counter.h"

using sensor::testing_support::allocation_count;

namespace {

using sensor::state::ContainerTable;
using sensor::state::ExecInfo;
using sensor::state::ProcessTable;

TEST(StateAllocation, CloneExecExitChurnAllocatesNothing) {
    ContainerTable containers;
    ProcessTable t(containers, nullptr, 4096);
    auto* init = t.insert(1);
    init->pid = 1;
    init->vpid = init->vtid = 1;
    auto* shell = t.insert(100);
    shell->pid = 100;
    shell->ppid = 1;
    shell->vpid = shell->vtid = 100;
    shell->name = "bash";
    shell->exe = "/usr/local/bin/a-rather-long-shell-name";
    shell->exepath = "/usr/local/bin/a-rather-long-shell-name";
    shell->argv = {"--rcfile=/etc/profile.d/long-enough.sh", "-i"};
    shell->cwd = "/home/someone/projects/some-repository/";
    shell->refresh_derived();
    t.link_parents();

    const std::string args("--color=auto\0--long-option-value=/var/lib/something/else\0", 57);
    const std::string cgroups("cpuset=/\0memory=/system.slice/ssh.service\0", 43);
    ExecInfo ex;
    ex.name = "ls";
    ex.exe = "/usr/bin/ls-with-a-long-argv0-name";
    ex.exepath = "/usr/bin/ls-with-a-long-argv0-name";
    ex.args = args;
    ex.cwd = "/home/someone/projects/some-repository";
    ex.cgroups = cgroups;

    auto cycle = [&](int64_t tid) {
        t.on_clone(100, tid, tid, false, 1);
        t.on_clone(tid, tid + 1, tid, true, 2);  // and a thread
        t.on_exec(tid, ex);
        t.on_exit(tid + 1);
        t.on_exit(tid);
    };
    // Warm-up: fills the spare-node list, the container path cache and the string buffers.
    uint64_t start = allocation_count();
    for (int64_t i = 0; i < 50; ++i) cycle(1000 + 2 * i);
    uint64_t before = allocation_count();
    EXPECT_GT(before, start);  // the counter is live: warming up does allocate
    for (int64_t i = 0; i < 2000; ++i) cycle(5000 + 2 * i);
    EXPECT_EQ(allocation_count() - before, 0u);
    EXPECT_EQ(t.size(), 2u);
    EXPECT_EQ(t.stats().exits, 2u * 2050);
}

// Double forks: the middle process exits first and is kept for the grandchild, then both
// go. Keeping moves the node between tables; nothing is allocated once warm.
TEST(StateAllocation, DoubleForkChurnWithKeptParentsAllocatesNothing) {
    ContainerTable containers;
    ProcessTable t(containers, nullptr, 4096, 64);
    auto* init = t.insert(1);
    init->pid = 1;
    init->vpid = init->vtid = 1;
    init->name = "systemd";
    t.link_parents();
    ExecInfo ex;
    ex.name = "sh";
    ex.exe = "/bin/sh-with-a-long-enough-argv0";
    ex.exepath = "/usr/bin/dash-with-a-long-enough-path";
    ex.ptid = 1;
    auto cycle = [&](int64_t tid) {
        t.on_clone(1, tid, tid, false, 1);
        t.on_clone(tid, tid + 1, tid + 1, false, 2);
        t.on_exit(tid);  // kept: its child lives
        t.on_exec(tid + 1, ex);
        t.on_exit(tid + 1);  // releases the kept parent
    };
    for (int64_t i = 0; i < 50; ++i) cycle(1000 + 2 * i);
    uint64_t before = allocation_count();
    for (int64_t i = 0; i < 2000; ++i) cycle(5000 + 2 * i);
    EXPECT_EQ(allocation_count() - before, 0u);
    EXPECT_EQ(t.kept_size(), 0u);
    EXPECT_EQ(t.stats().kept_exited, 2050u);
}

}  // namespace
