// Fields added for Falco 0.44 parity, on hand-built events and, where a field reads the state
// tables or procfs, on real tables and this test process's own /proc entries.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "fields/fields_harness.h"
#include "sensor/state/container_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/process_table.h"

using namespace sensor::fields;
using namespace sensor::fields::fields_test;

TEST(FieldsFalco44, EventFlagsComeFromTheSyscallTable) {
    World w;
    w.ev.type = type_id("read");
    EXPECT_EQ(val(w.ev, "evt.is_io"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_io_read"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_io_write"), "false");
    EXPECT_EQ(val(w.ev, "evt.io_dir"), "read");
    EXPECT_EQ(val(w.ev, "evt.is_wait"), "false");
    w.ev.type = type_id("sendto");
    EXPECT_EQ(val(w.ev, "evt.io_dir"), "write");
    w.ev.type = type_id("poll");
    EXPECT_EQ(val(w.ev, "evt.is_wait"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_io"), "false");
    EXPECT_EQ(val(w.ev, "evt.io_dir"), "<NA>");
    w.ev.type = type_id("mmap");
    EXPECT_EQ(val(w.ev, "evt.category"), "memory");
}

TEST(FieldsFalco44, SyslogWritesAreThoseToDevLog) {
    World w;
    w.ev.type = type_id("sendto");
    w.file.name = "/dev/log";
    EXPECT_EQ(val(w.ev, "evt.is_syslog"), "true");
    w.ev.type = type_id("read");
    EXPECT_EQ(val(w.ev, "evt.is_syslog"), "false");
}

TEST(FieldsFalco44, Counts) {
    World w;  // a successful openat on a file
    EXPECT_EQ(val(w.ev, "evt.count"), "1");
    EXPECT_EQ(val(w.ev, "evt.count.exit"), "1");
    EXPECT_EQ(val(w.ev, "evt.count.error"), "0");
    EXPECT_EQ(val(w.ev, "evt.count.error.file"), "0");
    EXPECT_EQ(val(w.ev, "evt.count.error.net"), "<NA>");
    w.ev.res = -2;
    w.ev.fd = nullptr;
    EXPECT_EQ(val(w.ev, "evt.count.error"), "1");
    EXPECT_EQ(val(w.ev, "evt.count.error.file"), "1");  // an open without an fd
    EXPECT_EQ(val(w.ev, "evt.count.error.other"), "<NA>");
    w.ev.type = type_id("connect");
    EXPECT_EQ(val(w.ev, "evt.count.error.net"), "1");
    w.ev.type = type_id("brk");
    EXPECT_EQ(val(w.ev, "evt.count.error.memory"), "1");
    w.ev.type = type_id("ptrace");
    EXPECT_EQ(val(w.ev, "evt.count.error.other"), "1");
    w.ev.fd = &w.sock;
    EXPECT_EQ(val(w.ev, "evt.count.error.net"), "1");
}

TEST(FieldsFalco44, TypeIsInfoAndPluginFields) {
    World w;
    EXPECT_EQ(val(w.ev, "evt.type.is.openat"), "1");
    EXPECT_EQ(val(w.ev, "evt.type.is.open"), "0");
    EXPECT_EQ(val(w.ev, "evt.info"), val(w.ev, "evt.args"));
    EXPECT_EQ(val(w.ev, "evt.pluginname"), "<NA>");
    EXPECT_EQ(val(w.ev, "evt.plugininfo"), "<NA>");
    EXPECT_EQ(val(w.ev, "evt.asynctype"), "<NA>");
    std::string err;
    EXPECT_FALSE(resolve("evt.type.is.nosuchcall", err));
    EXPECT_NE(err.find("unknown event type nosuchcall"), std::string::npos) << err;
    EXPECT_FALSE(resolve("evt.type.is", err));
    EXPECT_TRUE(must_resolve("evt.around[1404996934793590564]").def->unavailable != nullptr);
}

TEST(FieldsFalco44, RelativeTimes) {
    World w;
    EXPECT_EQ(val(w.ev, "evt.reltime"), "<NA>");  // no capture start known
    w.ev.first_ts = w.ev.ts - 2'500'000'000ULL;
    EXPECT_EQ(val(w.ev, "evt.reltime"), "2500000000");
    EXPECT_EQ(val(w.ev, "evt.reltime.s"), "2");
    EXPECT_EQ(val(w.ev, "evt.reltime.ns"), "500000000");

    // evt.deltatime is kept per extracting node, as libs keeps it per filter check.
    FieldRef ref = must_resolve("evt.deltatime.ns");
    std::string node_scratch;
    Value v;
    ASSERT_TRUE(ref.def->extract(w.ev, ref.arg, 0, v, node_scratch));
    EXPECT_EQ(v.u64, 0u);  // the first event
    w.ev.ts += 1'000'000'123ULL;
    ASSERT_TRUE(ref.def->extract(w.ev, ref.arg, 0, v, node_scratch));
    EXPECT_EQ(v.u64, 123u);
}

TEST(FieldsFalco44, FsPathFieldsFollowLibsPerSyscall) {
    World w;
    w.ev.type = type_id("renameat");
    w.ev.res = 0;
    w.ev.param_count = 0;
    w.add_param("res", "0", 0);
    w.add_param("olddirfd", "-100(AT_FDCWD)", -100);
    w.add_param("oldpath", "a/../b.txt");
    w.add_param("newdirfd", "-100(AT_FDCWD)", -100);
    w.add_param("newpath", "/tmp//c.txt");
    EXPECT_EQ(val(w.ev, "fs.path.source"), "/root/b.txt");
    EXPECT_EQ(val(w.ev, "fs.path.sourceraw"), "a/../b.txt");
    EXPECT_EQ(val(w.ev, "fs.path.target"), "/tmp/c.txt");
    EXPECT_EQ(val(w.ev, "fs.path.targetraw"), "/tmp//c.txt");
    EXPECT_EQ(val(w.ev, "fs.path.name"), "<NA>");  // a two-path call
    EXPECT_EQ(val(w.ev, "evt.abspath"), "/root/b.txt");
    EXPECT_EQ(val(w.ev, "evt.abspath.dst"), "/tmp/c.txt");
    w.ev.res = -2;  // failed calls give no fs.path
    EXPECT_EQ(val(w.ev, "fs.path.source"), "<NA>");

    World o;  // openat: the name resolves to the fd's (already resolved) name
    o.ev.params[1].text = "shadow";
    EXPECT_EQ(val(o.ev, "fs.path.nameraw"), "shadow");
    EXPECT_EQ(val(o.ev, "fs.path.name"), "/etc/shadow");
}

TEST(FieldsFalco44, AbspathResolvesADirfdFromTheFdTable) {
    World w;
    sensor::state::FdTable fds("/nonexistent-proc");
    FdInfo* dir = fds.put(w.cat.pid, 5);
    dir->type = FdType::Directory;
    dir->name = "/var/lib";
    w.ev.fds = &fds;
    w.ev.type = type_id("mkdirat");
    w.ev.res = 0;
    w.ev.param_count = 0;
    w.add_param("res", "0", 0);
    w.add_param("dirfd", "5", 5);
    w.add_param("path", "x/./y");
    EXPECT_EQ(val(w.ev, "evt.abspath"), "/var/lib/x/y");
    EXPECT_EQ(val(w.ev, "fs.path.name"), "/var/lib/x/y");
    w.ev.params[1].raw = 9;  // unknown dirfd
    EXPECT_EQ(val(w.ev, "fs.path.name"), "<UNKNOWN>/x/./y");
}

TEST(FieldsFalco44, ProcessGroupArgsAndEnvironment) {
    World w;  // cat (pid 300, vpgid 300) under bash under sshd (vpgid 100)
    EXPECT_EQ(val(w.ev, "proc.pgid"), "300");
    EXPECT_EQ(val(w.ev, "proc.is_pgid_leader"), "true");
    EXPECT_EQ(val(w.ev, "proc.pgid.name"), "cat");
    w.cat.vpgid = 100;
    EXPECT_EQ(val(w.ev, "proc.pgid.name"), "sshd");
    EXPECT_EQ(val(w.ev, "proc.pgid.exepath"), "/usr/sbin/sshd");
    EXPECT_EQ(val(w.ev, "proc.is_pgid_leader"), "false");
    EXPECT_EQ(val(w.ev, "proc.args[1]"), "-n");
    EXPECT_EQ(val(w.ev, "proc.args[5]"), "");
    EXPECT_EQ(val(w.ev, "proc.aargs[2]"), "-D");
    // Every ancestor's args, parent first, joined as libs joins them (bash's and init's are
    // empty: "" then "-D" then " ").
    EXPECT_EQ(val(w.ev, "proc.aargs"), "-D ");
    EXPECT_EQ(val(w.ev, "proc.loginshellid"), "200");  // bash
}

TEST(FieldsFalco44, ThreadsAndFdsFromTheStateTables) {
    World w;
    sensor::state::ContainerTable containers;
    sensor::state::ProcessTable threads(containers, nullptr);
    for (int64_t tid : {300, 301, 302}) {
        ProcessInfo* p = threads.insert(tid);
        p->pid = 300;
        p->tid = tid;
    }
    threads.link_parents();
    sensor::state::FdTable fds("/nonexistent-proc");
    for (int64_t n : {0, 1, 3}) {
        FdInfo* f = fds.put(300, n);
        f->type = n == 3 ? FdType::Ipv4 : FdType::File;
        f->name = n == 0 ? "/dev/null" : "/dev/pts/0";
    }
    w.ev.threads = &threads;
    w.ev.fds = &fds;
    EXPECT_EQ(val(w.ev, "proc.nthreads"), "3");
    EXPECT_EQ(val(w.ev, "proc.nchilds"), "2");
    EXPECT_EQ(val(w.ev, "proc.stdin.name"), "/dev/null");
    EXPECT_EQ(val(w.ev, "proc.stdout.type"), "file");
    EXPECT_EQ(val(w.ev, "proc.stderr.name"), "<NA>");  // not in the table, no procfs
    auto types = values(w.ev, "fd.types");
    std::sort(types.begin(), types.end());
    EXPECT_EQ(types, (std::vector<std::string>{"file", "ipv4"}));
    EXPECT_EQ(values(w.ev, "fd.types[3]"), std::vector<std::string>{"ipv4"});
    EXPECT_EQ(val(w.ev, "fd.uid"), "3013");  // tid 301, fd 3
    EXPECT_TRUE(must_resolve("fd.is_upper_layer").def->unavailable != nullptr);
    EXPECT_EQ(val(w.ev, "fd.is_upper_layer"), "<NA>");
}

// The procfs-backed fields read this test process's own entries.
TEST(FieldsFalco44, ProcfsCountersOfALiveProcess) {
    World w;
    w.cat.pid = w.cat.tid = getpid();
    w.ev.proc_root = "/proc";
    EXPECT_GT(std::stoull(val(w.ev, "proc.vmsize")), 1000u);
    EXPECT_GT(std::stoull(val(w.ev, "proc.vmrss")), 100u);
    EXPECT_NE(val(w.ev, "proc.vmswap"), "<NA>");
    EXPECT_GT(std::stoull(val(w.ev, "thread.vmrss")), 100u);
    EXPECT_GT(std::stoull(val(w.ev, "thread.pfminor")), 0u);
    EXPECT_NE(val(w.ev, "thread.pfmajor"), "<NA>");
    EXPECT_GE(std::stoll(val(w.ev, "proc.fdopencount")), 3);
    EXPECT_NE(val(w.ev, "proc.stdin.name"), "<NA>");
    std::string cgroups = val(w.ev, "thread.cgroups");
    EXPECT_NE(cgroups.find('='), std::string::npos) << cgroups;
    std::string first = cgroups.substr(0, cgroups.find('='));
    EXPECT_EQ(val(w.ev, "thread.cgroup." + first),
              cgroups.substr(first.size() + 1, cgroups.find(' ') - first.size() - 1));
    w.cat.tid = getpid() + 100000;  // another thread of the process: libs gives 0
    EXPECT_EQ(val(w.ev, "thread.vmsize"), "0");
    w.cat.tid = w.cat.pid;
    w.ev.proc_root = nullptr;  // hand-built events read nothing
    EXPECT_EQ(val(w.ev, "proc.vmrss"), "<NA>");
    EXPECT_EQ(val(w.ev, "thread.exectime"), "0");
}
