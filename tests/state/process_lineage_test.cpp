// Lineage in the thread table: exited ancestors kept while a descendant lives (and released
// after), bounded with evictions counted, session and group leaders found by id.
#include <gtest/gtest.h>

#include <string>

#include "sensor/state/container_table.h"
#include "sensor/state/process_table.h"

using sensor::state::ContainerTable;
using sensor::state::ExecInfo;
using sensor::state::ProcessInfo;
using sensor::state::ProcessTable;

namespace {

// init(1) -> bash(20, session and group leader); httpd(30) forked by bash, leads its own group.
class LineageTest : public ::testing::Test {
  protected:
    void SetUp() override { build(t); }
    void build(ProcessTable& table) {
        add(table, 1, 0, "systemd", 1, 1);
        add(table, 20, 1, "bash", 20, 20);
        table.link_parents();
        table.on_clone(20, 30, 30, false);
        exec(table, 30, "httpd", 20);
        table.on_setpgid(30, 0, 0);
    }
    static void add(ProcessTable& table, int64_t pid, int64_t ppid, const char* name, int64_t sid,
                    int64_t pgid) {
        ProcessInfo* p = table.insert(pid);
        p->pid = p->vtid = p->vpid = pid;
        p->ppid = ppid;
        p->sid = sid;
        p->vpgid = pgid;
        p->name = p->exe = name;
        p->refresh_derived();
    }
    static ProcessInfo* exec(ProcessTable& table, int64_t tid, const char* name, int64_t ptid) {
        ExecInfo ex;  // views: the strings they name must outlive on_exec
        const std::string exepath = std::string("/usr/sbin/") + name;
        ex.name = name;
        ex.exe = name;
        ex.exepath = exepath;
        ex.args = "-k";
        ex.ptid = ptid;
        return table.on_exec(tid, ex);
    }
    // httpd(30) -> 31 -> 32, then 31 exits: the kernel gives 32 to init.
    void double_fork(ProcessTable& table) {
        table.on_clone(30, 31, 31, false);
        table.on_clone(31, 32, 32, false);
        table.on_exit(31);
    }
    ContainerTable containers;
    ProcessTable t{containers, nullptr, 1000, 100};
};

TEST_F(LineageTest, ExitedParentKeptWhileChildLives) {
    double_fork(t);
    EXPECT_EQ(t.find(31), nullptr);  // no longer a live process
    EXPECT_EQ(t.kept_size(), 1u);
    // The shell exec'd by the grandchild: the kernel says its parent is init (1).
    ProcessInfo* sh = exec(t, 32, "sh", 1);
    ASSERT_NE(sh->parent, nullptr);
    EXPECT_TRUE(t.is_kept(sh->parent));
    EXPECT_EQ(sh->parent->name, "httpd");  // the fork keeps its creator's identity
    EXPECT_EQ(sh->parent->pid, 31);
    EXPECT_EQ(sh->parent->exepath, "/usr/sbin/httpd");
    EXPECT_EQ(sh->parent->cmdline, "httpd -k");
    EXPECT_EQ(sh->ppid, 31);
    EXPECT_EQ(sh->parent->parent, t.find(30));

    // httpd exits too: it is kept, for the same descendant.
    t.on_exit(30);
    EXPECT_EQ(t.find(30), nullptr);
    EXPECT_EQ(t.kept_size(), 2u);
    ASSERT_NE(sh->parent->parent, nullptr);
    EXPECT_EQ(sh->parent->parent->name, "httpd");
    EXPECT_EQ(sh->parent->parent->parent, t.find(20));

    // The last descendant goes: the whole kept chain is released.
    t.on_exit(32);
    EXPECT_EQ(t.kept_size(), 0u);
    EXPECT_EQ(t.stats().kept_exited, 2u);
    EXPECT_EQ(t.stats().kept_evictions, 0u);
}

TEST_F(LineageTest, ExitWithoutChildrenKeepsNothing) {
    t.on_clone(30, 31, 31, false);
    t.on_exit(31);
    EXPECT_EQ(t.kept_size(), 0u);
    EXPECT_EQ(t.stats().kept_exited, 0u);
}

TEST_F(LineageTest, KernelParentAtExecDoesNotReplaceAKeptParent) {
    double_fork(t);
    // The kernel names the reaper (bash, as a subreaper) at exec; the kept creator stays.
    exec(t, 32, "sh", 20);
    ProcessInfo* child = t.find_mut(32);
    EXPECT_EQ(child->ppid, 31);
    ASSERT_TRUE(t.is_kept(child->parent));
    t.on_exit(32);
    EXPECT_EQ(t.kept_size(), 0u);
}

TEST_F(LineageTest, BoundEvictsOldestKeptAndCounts) {
    ProcessTable small{containers, nullptr, 1000, 2};
    build(small);
    // Three chains httpd -> 40+i -> 50+i with the middle exited: three kept, bound two.
    for (int64_t i = 0; i < 3; ++i) {
        small.on_clone(30, 40 + i, 40 + i, false);
        small.on_clone(40 + i, 50 + i, 50 + i, false);
        small.on_exit(40 + i);
    }
    EXPECT_EQ(small.kept_size(), 2u);
    EXPECT_EQ(small.stats().kept_evictions, 1u);
    // The oldest (40) went: its child 50 now hangs under 40's parent, httpd.
    EXPECT_EQ(small.find(50)->parent, small.find(30));
    EXPECT_EQ(small.find(50)->ppid, 30);
    EXPECT_TRUE(small.is_kept(small.find(51)->parent));
    EXPECT_TRUE(small.is_kept(small.find(52)->parent));
}

TEST_F(LineageTest, KeepingOffReparentsToReaper) {
    ProcessTable off{containers, nullptr, 1000, 0};
    build(off);
    double_fork(off);
    EXPECT_EQ(off.kept_size(), 0u);
    EXPECT_EQ(off.find(32)->parent, off.find(1));
    EXPECT_EQ(off.find(32)->ppid, 1);
}

TEST_F(LineageTest, PidReuseDoesNotDisturbKeptEntry) {
    double_fork(t);
    // pid 31 comes back as a new process while the old 31 is kept for 32.
    t.on_clone(20, 31, 31, false);
    ProcessInfo* fresh = exec(t, 31, "cron", 20);
    EXPECT_EQ(t.find(31), fresh);
    EXPECT_EQ(t.find(32)->parent->name, "httpd");
    EXPECT_TRUE(t.is_kept(t.find(32)->parent));
    EXPECT_FALSE(t.is_kept(fresh));
}

TEST_F(LineageTest, GroupLeaderByIdIncludingExited) {
    double_fork(t);
    const ProcessInfo* sh = exec(t, 32, "sh", 1);
    EXPECT_EQ(sh->vpgid, 30);  // inherited through both forks
    EXPECT_EQ(sh->sid, 20);
    EXPECT_EQ(t.group_leader(*sh), t.find(30));
    EXPECT_EQ(t.session_leader(*sh), t.find(20));
    t.on_exit(30);
    const ProcessInfo* leader = t.group_leader(*sh);
    ASSERT_NE(leader, nullptr);
    EXPECT_TRUE(t.is_kept(leader));
    EXPECT_EQ(leader->pid, 30);
    EXPECT_EQ(leader->name, "httpd");
}

TEST_F(LineageTest, SetsidInTheMiddleChild) {
    // The classic daemon: fork, setsid, fork, the middle one exits.
    t.on_clone(30, 31, 31, false);
    t.on_setsid(31);
    EXPECT_EQ(t.find(31)->sid, 31);
    EXPECT_EQ(t.find(31)->vpgid, 31);
    t.on_clone(31, 32, 32, false);
    t.on_exit(31);
    t.on_exit(30);
    const ProcessInfo* sh = exec(t, 32, "sh", 1);
    EXPECT_EQ(sh->sid, 31);
    const ProcessInfo* s = t.session_leader(*sh);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->pid, 31);
    EXPECT_EQ(s->exe, "httpd");
    EXPECT_EQ(t.group_leader(*sh), s);
    // The walk the fields did before found the shell itself: its parent chain has other ids.
    EXPECT_NE(s, sh);
}

TEST_F(LineageTest, SetpgidOfAnotherProcessFromTheHost) {
    t.on_clone(20, 40, 40, false);
    t.on_setpgid(20, 40, 0);  // a shell puts its job in a group of its own
    EXPECT_EQ(t.find(40)->vpgid, 40);
    t.on_setpgid(20, 40, 30);
    EXPECT_EQ(t.find(40)->vpgid, 30);
    EXPECT_EQ(t.group_leader(*t.find(40)), t.find(30));
}

TEST_F(LineageTest, UnknownLeaderIsNull) {
    ProcessInfo* p = t.find_mut(20);
    p->vpgid = 777;
    p->sid = 778;
    EXPECT_EQ(t.group_leader(*p), nullptr);
    EXPECT_EQ(t.session_leader(*p), nullptr);
}

TEST_F(LineageTest, ThreadsOfAnExitedProcessKeepItsParent) {
    double_fork(t);
    t.on_clone(32, 33, 32, true);  // a thread of 32 shares 32's parent, the kept 31
    EXPECT_EQ(t.find(33)->parent, t.find(32)->parent);
    t.on_exit(32);  // the leader goes first; its thread still holds the group
    EXPECT_EQ(t.kept_size(), 1u);
    t.on_exit(33);
    EXPECT_EQ(t.kept_size(), 0u);
}

}  // namespace
