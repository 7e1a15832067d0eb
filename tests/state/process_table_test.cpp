// The thread table's per-event mutations: clone, exec, exit, re-parenting, eviction.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "sensor/state/container_table.h"
#include "sensor/state/process_table.h"

using sensor::state::ContainerTable;
using sensor::state::ExecInfo;
using sensor::state::ProcessInfo;
using sensor::state::ProcessTable;

namespace {

const std::string kId = "839e4e66bc670388ddcb7522426afc3242cd452901620854171ed457b7d0c5dc";

ProcessInfo* add(ProcessTable& t, int64_t tid, int64_t pid, int64_t ppid, const char* name) {
    ProcessInfo* p = t.insert(tid);
    p->pid = pid;
    p->ppid = ppid;
    p->vtid = tid;
    p->vpid = pid;
    p->name = name;
    p->exe = name;
    p->exepath = std::string("/usr/bin/") + name;
    p->refresh_derived();
    return p;
}

// Every parent pointer is a live entry of the table, chains end, ppid agrees with the parent.
void expect_ancestry_valid(const ProcessTable& t) {
    size_t n = 0;
    t.for_each([&](const ProcessInfo& p) {
        ++n;
        size_t depth = 0;
        for (const ProcessInfo* a = &p; a->parent; a = a->parent) {
            ASSERT_TRUE(t.find(a->parent->tid) == a->parent || t.is_kept(a->parent))
                << "dangling parent of " << a->tid;
            ASSERT_EQ(a->ppid, a->parent->pid) << "tid " << a->tid;
            ASSERT_LE(++depth, t.size() + t.kept_size()) << "cycle through " << p.tid;
        }
    });
    EXPECT_EQ(n, t.size());
}

class ProcessTableTest : public ::testing::Test {
  protected:
    // init(1) -> sshd(10) -> bash(20)
    void SetUp() override {
        add(t, 1, 1, 0, "systemd");
        add(t, 10, 10, 1, "sshd");
        ProcessInfo* bash = add(t, 20, 20, 10, "bash");
        bash->uid = 1000;
        bash->cwd = "/home/alice/";
        bash->container = containers.host();
        t.link_parents();
    }
    ContainerTable containers;
    // Keeping exited parents off: these tests follow the kernel's re-parenting (lineage with
    // kept exited ancestors: process_lineage_test.cpp).
    ProcessTable t{containers, nullptr, 1000, 0};
};

TEST_F(ProcessTableTest, LinkedFromPpid) {
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t.find(20)->parent, t.find(10));
    EXPECT_EQ(t.find(10)->parent, t.find(1));
    EXPECT_EQ(t.find(1)->parent, nullptr);
    EXPECT_EQ(t.thread_count(20), 1u);
    expect_ancestry_valid(t);
}

TEST_F(ProcessTableTest, CloneCopiesParent) {
    ProcessInfo* c = t.on_clone(20, 30, 30, false, 12345);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->tid, 30);
    EXPECT_EQ(c->pid, 30);
    EXPECT_EQ(c->ppid, 20);
    EXPECT_EQ(c->vtid, 30);  // parent in the host pid namespace
    EXPECT_EQ(c->vpid, 30);
    EXPECT_EQ(c->parent, t.find(20));
    EXPECT_EQ(c->name, "bash");
    EXPECT_EQ(c->exepath, "/usr/bin/bash");
    EXPECT_EQ(c->cwd, "/home/alice/");
    EXPECT_EQ(c->uid, 1000u);
    EXPECT_EQ(c->container, containers.host());
    EXPECT_EQ(c->start_ts, 12345u);
    expect_ancestry_valid(t);
}

TEST_F(ProcessTableTest, ThreadsShareTheGroupParent) {
    t.on_clone(20, 30, 30, false);
    ProcessInfo* th = t.on_clone(30, 31, 30, true);
    EXPECT_EQ(th->pid, 30);
    EXPECT_EQ(th->ppid, 20);
    EXPECT_EQ(th->parent, t.find(20));
    EXPECT_EQ(t.thread_count(30), 2u);
    // A thread creating a process: the child's parent is the group leader.
    ProcessInfo* c = t.on_clone(31, 40, 40, false);
    EXPECT_EQ(c->ppid, 30);
    EXPECT_EQ(c->parent, t.find(30));
    expect_ancestry_valid(t);
}

TEST_F(ProcessTableTest, ExecUpdatesTheProcess) {
    t.on_clone(20, 30, 30, false);
    const std::string args("-la\0/etc\0", 9);
    const std::string cgroups =
        "cpuset=/docker/" + kId + std::string(1, '\0') + "memory=/docker/" + kId;
    ExecInfo ex;
    ex.name = "ls";
    ex.exe = "ls";
    ex.exepath = "/usr/bin/ls";
    ex.args = args;
    ex.cwd = "/etc";
    ex.cgroups = cgroups;
    ex.has_creds = true;
    ex.uid = 0;
    ex.gid = 0;
    ex.loginuid = 1000;
    ex.has_caps = true;
    ex.cap_effective = 0x1fffeffffffULL;
    ProcessInfo* p = t.on_exec(30, ex);
    ASSERT_EQ(p, t.find(30));
    EXPECT_EQ(p->name, "ls");
    EXPECT_EQ(p->exe, "ls");
    EXPECT_EQ(p->exepath, "/usr/bin/ls");
    ASSERT_EQ(p->argv.size(), 2u);
    EXPECT_EQ(p->argv[1], "/etc");
    EXPECT_EQ(p->args, "-la /etc");
    EXPECT_EQ(p->cmdline, "ls -la /etc");
    EXPECT_EQ(p->cwd, "/etc/");
    ASSERT_NE(p->container, nullptr);
    EXPECT_EQ(p->container->id, kId.substr(0, 12));
    EXPECT_EQ(p->uid, 0u);
    EXPECT_EQ(p->loginuid, 1000u);
    EXPECT_EQ(p->cap_effective, 0x1fffeffffffULL);
    EXPECT_EQ(p->parent, t.find(20));
    EXPECT_EQ(t.find(20)->name, "bash");  // the parent is untouched

    // A second exec with fewer arguments and no cwd change.
    ExecInfo ex2;
    ex2.name = "true";
    ex2.exe = "/bin/true";
    ex2.exepath = "/usr/bin/true";
    t.on_exec(30, ex2);
    EXPECT_TRUE(p->argv.empty());
    EXPECT_EQ(p->cmdline, "true");
    EXPECT_EQ(p->cwd, "/etc/");
    EXPECT_EQ(p->container->id, kId.substr(0, 12));
}

TEST_F(ProcessTableTest, ExecOfUnknownProcessBuildsIt) {
    ExecInfo ex;
    ex.pid = 77;
    ex.ptid = 20;
    ex.name = "curl";
    ex.exe = "curl";
    ex.exepath = "/usr/bin/curl";
    ProcessInfo* p = t.on_exec(77, ex);
    EXPECT_EQ(p->pid, 77);
    EXPECT_EQ(p->ppid, 20);
    EXPECT_EQ(p->parent, t.find(20));
    EXPECT_EQ(p->uid, 1000u);  // inherited from the parent
    EXPECT_EQ(t.stats().unknown_parent, 0u);
    expect_ancestry_valid(t);
}

TEST_F(ProcessTableTest, ExitReparentsToInit) {
    t.on_clone(20, 30, 30, false);
    t.on_clone(20, 31, 31, false);
    t.on_clone(31, 32, 32, true);  // a thread of 31 (shares parent 20)
    EXPECT_TRUE(t.on_exit(20));
    EXPECT_EQ(t.find(20), nullptr);
    for (int64_t tid : {30, 31, 32}) {
        ASSERT_NE(t.find(tid), nullptr);
        EXPECT_EQ(t.find(tid)->parent, t.find(1)) << tid;
        EXPECT_EQ(t.find(tid)->ppid, 1) << tid;
    }
    EXPECT_FALSE(t.on_exit(20));
    EXPECT_EQ(t.stats().missing_exit_tid, 1u);
    expect_ancestry_valid(t);
}

TEST_F(ProcessTableTest, ExitReparentsToReaperGivenByDriver) {
    t.on_clone(20, 30, 30, false);
    t.on_clone(30, 40, 40, false);
    EXPECT_TRUE(t.on_exit(30, 10));  // sshd as a child subreaper
    EXPECT_EQ(t.find(40)->parent, t.find(10));
    EXPECT_EQ(t.find(40)->ppid, 10);
    // A reaper that is a descendant of the dying process would close a loop: ignored.
    t.on_clone(40, 50, 50, false);
    EXPECT_TRUE(t.on_exit(40, 50));
    EXPECT_EQ(t.find(50)->parent, t.find(1));
    expect_ancestry_valid(t);
}

TEST_F(ProcessTableTest, ExitInContainerReparentsToNamespaceInit) {
    // containerd-shim(100) -> container init(200, vpid 1) -> sh(210, vpid 7) -> sleep(220)
    t.on_clone(1, 100, 100, false);
    t.on_clone(100, 200, 200, false, 0, 1, 1);
    t.on_clone(200, 210, 210, false, 0, 7, 7);
    ProcessInfo* sleep = t.on_clone(210, 220, 220, false, 0, 8, 8);
    EXPECT_EQ(t.find(200)->vpid, 1);
    EXPECT_EQ(sleep->vpid, 8);
    EXPECT_TRUE(t.on_exit(210));
    EXPECT_EQ(sleep->parent, t.find(200));
    EXPECT_EQ(sleep->ppid, 200);
    // A clone in a child pid namespace without vtid info leaves the virtual ids unknown.
    ProcessInfo* c = t.on_clone(220, 230, 230, false);
    EXPECT_EQ(c->vtid, 0);
    EXPECT_EQ(c->vpid, 0);
    expect_ancestry_valid(t);
}

TEST_F(ProcessTableTest, LeaderExitKeepsGroupUntilLastThread) {
    t.on_clone(20, 30, 30, false);
    t.on_clone(30, 31, 30, true);
    t.on_clone(30, 32, 30, true);
    t.on_clone(31, 40, 40, false);  // child of the group
    EXPECT_EQ(t.thread_count(30), 3u);
    EXPECT_TRUE(t.on_exit(30));  // the leader goes first, threads remain
    ASSERT_NE(t.find(30), nullptr);
    EXPECT_EQ(t.find(40)->parent, t.find(30));
    EXPECT_TRUE(t.on_exit(31));
    ASSERT_NE(t.find(30), nullptr);
    EXPECT_TRUE(t.on_exit(32));  // last thread: the group is gone
    EXPECT_EQ(t.find(30), nullptr);
    EXPECT_EQ(t.find(40)->parent, t.find(1));
    expect_ancestry_valid(t);
}

TEST_F(ProcessTableTest, TidReuseReplacesStaleEntry) {
    t.on_clone(20, 30, 30, false);
    t.on_clone(30, 40, 40, false);
    // 30 exited unseen; its tid now shows up as a child of sshd.
    ProcessInfo* c = t.on_clone(10, 30, 30, false);
    EXPECT_EQ(c->name, "sshd");
    EXPECT_EQ(c->parent, t.find(10));
    EXPECT_EQ(t.find(40)->parent, t.find(1));  // the old 30's child was orphaned
    expect_ancestry_valid(t);
}

TEST_F(ProcessTableTest, UnknownParent) {
    ProcessInfo* c = t.on_clone(999, 1000, 1000, false);
    EXPECT_EQ(c->parent, nullptr);
    EXPECT_EQ(c->pid, 1000);
    EXPECT_EQ(t.stats().unknown_parent, 1u);
    expect_ancestry_valid(t);
}

TEST(ProcessTableBound, EvictsLeastRecentlyActive) {
    ContainerTable containers;
    ProcessTable t(containers, nullptr, 50);
    add(t, 1, 1, 0, "init");
    t.link_parents();
    int64_t parent = 1;
    for (int64_t tid = 2; tid < 1000; ++tid) {
        t.on_clone(parent, tid, tid, false);
        if (tid % 3 == 0) parent = tid;  // deep chains and fan-out
        ASSERT_LE(t.size(), 50u);
    }
    EXPECT_EQ(t.size(), 50u);
    EXPECT_EQ(t.stats().evictions, 1000u - 1 - 50);
    ASSERT_NE(t.find(1), nullptr);  // init is never the victim while others can go
    ASSERT_NE(t.find(999), nullptr);
    expect_ancestry_valid(t);
}

TEST(ProcessTableBound, TouchProtectsActiveEntries) {
    ContainerTable containers;
    ProcessTable t(containers, nullptr, 10);
    add(t, 1, 1, 0, "init");
    add(t, 5, 5, 1, "busy");
    t.link_parents();
    for (int64_t tid = 100; tid < 200; ++tid) {
        t.on_clone(1, tid, tid, false);
        t.touch(5);
    }
    EXPECT_NE(t.find(5), nullptr);
    EXPECT_LE(t.size(), 10u);
}

TEST(ProcessTableBound, LinkParentsEnforcesBound) {
    ContainerTable containers;
    ProcessTable t(containers, nullptr, 5);
    for (int64_t tid = 1; tid <= 20; ++tid) add(t, tid, tid, tid - 1, "p");
    t.link_parents();
    EXPECT_EQ(t.size(), 5u);
    EXPECT_EQ(t.stats().evictions, 15u);
    expect_ancestry_valid(t);
}

// Random clone/exec/exit sequences with a small bound: ancestry stays valid throughout.
TEST(ProcessTableStress, RandomLifecycleKeepsAncestryValid) {
    ContainerTable containers;
    ProcessTable t(containers, nullptr, 64);
    add(t, 1, 1, 0, "init");
    t.link_parents();
    std::mt19937 rng(42);
    std::vector<int64_t> live{1};
    int64_t next_tid = 2;
    const std::string args("a\0b\0c", 5);
    for (int step = 0; step < 20000; ++step) {
        int op = static_cast<int>(rng() % 10);
        int64_t tid = live[rng() % live.size()];
        if (!t.find(tid)) {
            live.erase(std::find(live.begin(), live.end(), tid));
            if (live.empty()) live.push_back(1);
            continue;
        }
        if (op < 4) {
            bool thread = op == 0;
            int64_t child = next_tid++;
            t.on_clone(tid, child, thread ? t.find(tid)->pid : child, thread);
            live.push_back(child);
        } else if (op < 6) {
            ExecInfo ex;
            ex.name = "x";
            ex.exe = "x";
            ex.args = args;
            t.on_exec(tid, ex);
        } else if (tid != 1) {
            int64_t reaper = (rng() % 4 == 0) ? live[rng() % live.size()] : 0;
            t.on_exit(tid, reaper);
        }
        ASSERT_LE(t.size(), 64u);
        if (step % 500 == 0) expect_ancestry_valid(t);
    }
    expect_ancestry_valid(t);
    EXPECT_GT(t.stats().evictions, 0u);
    EXPECT_GT(t.stats().exits, 0u);
}

}  // namespace

// runc's init is cloned with CLONE_PARENT and later adopted by containerd-shim (a child
// subreaper); the exec record's parent, read from the kernel, corrects the inferred link.
TEST_F(ProcessTableTest, ExecTakesTheKernelsParent) {
    t.on_clone(20, 30, 30, false);  // inferred parent: 20
    ExecInfo ex;
    ex.name = "sh";
    ex.exe = "sh";
    ex.exepath = "/bin/sh";
    ex.ptid = 10;  // the kernel says 10
    ProcessInfo* p = t.on_exec(30, ex);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->ppid, 10);
    EXPECT_EQ(p->parent, t.find(10));
    expect_ancestry_valid(t);
    // A parent that is the process's own descendant is refused (no cycles).
    t.on_clone(30, 40, 40, false);
    ex.ptid = 40;
    t.on_exec(30, ex);
    EXPECT_EQ(t.find(30)->ppid, 10);
    expect_ancestry_valid(t);
}
