// Process handlers: exec records, failed execs, fork and exit records, threads first met in a
// syscall.
#include <fstream>

#include "capture/record_builder.h"

namespace sensor::testing {
namespace {

using state::ProcessInfo;
namespace oflags = events::oflags;

class DecodeProcessTest : public RecordDecoderTest {};

TEST_F(DecodeProcessTest, ExecCreatesProcessAndEvent) {
    ExecRec e;
    e.cap_effective = 1ull << 21;  // CAP_SYS_ADMIN
    const fields::Event* ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    const ProcessInfo* p = procs_.find(kPid);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->pid, kPid);
    EXPECT_EQ(p->name, "myprog");
    EXPECT_EQ(p->exe, "myprog");
    EXPECT_EQ(p->args, "-v x y");
    ASSERT_EQ(p->argv.size(), 2u);
    EXPECT_EQ(p->argv[1], "x y");
    EXPECT_EQ(p->cmdline, "myprog -v x y");
    EXPECT_EQ(p->cwd, "/home/u/");
    EXPECT_EQ(p->exepath, "/usr/bin/myprog");
    EXPECT_EQ(p->uid, 1000u);
    EXPECT_EQ(p->gid, 1001u);
    EXPECT_EQ(p->loginuid, 1000u);
    EXPECT_EQ(p->tty, 34816u);
    EXPECT_EQ(p->cap_effective, 1ull << 21);
    EXPECT_EQ(p->fdlimit, 1024u);
    EXPECT_EQ(p->exe_ino, 777u);
    EXPECT_FALSE(p->exe_from_memfd);
    EXPECT_FALSE(p->exe_writable);

    EXPECT_EQ(ev->type, type_of("execve"));
    EXPECT_EQ(ev->proc, p);
    EXPECT_NEAR(boot_ts(ev), 5000, kClockSlackNs);
    EXPECT_EQ(ev->res, 0);
    EXPECT_EQ(text(ev, "res"), "0");
    EXPECT_EQ(text(ev, "exe"), "myprog");
    EXPECT_EQ(text(ev, "args"), "-v x y");
    EXPECT_EQ(text(ev, "tid"), "100");
    EXPECT_EQ(text(ev, "pid"), "100");
    EXPECT_EQ(text(ev, "ptid"), "1");
    EXPECT_EQ(text(ev, "cwd"), "/home/u/");
    EXPECT_EQ(text(ev, "comm"), "myprog");
    EXPECT_EQ(text(ev, "tty"), "34816");
    EXPECT_EQ(text(ev, "loginuid"), "1000");
    EXPECT_EQ(text(ev, "uid"), "1000");
    EXPECT_EQ(text(ev, "gid"), "1001");
    EXPECT_EQ(text(ev, "flags"), "0");
    ASSERT_NE(ev->param("flags"), nullptr);
    EXPECT_TRUE(ev->param("flags")->has_raw);
    EXPECT_EQ(ev->param("flags")->raw, 0);
    EXPECT_EQ(text(ev, "cap_effective"), "CAP_SYS_ADMIN");
    EXPECT_EQ(text(ev, "trusted_exepath"), "/usr/bin/myprog");
    EXPECT_EQ(text(ev, "filename"), "/usr/bin/myprog");
    EXPECT_EQ(dec_.stats().execs, 1u);
    EXPECT_EQ(dec_.stats().events, 1u);
    EXPECT_EQ(dec_.stats().threads_from_proc, 0u);  // an exec record needs no /proc
}

// Events are stamped with the probe's boot time plus one offset to the epoch.
// The probe sends the new image's environment; a cut one loses its last, partial variable.
TEST_F(DecodeProcessTest, ExecCarriesTheEnvironment) {
    ExecRec e;
    e.env = "HOME=/root\0HTTP_PROXY=http://p:3128\0"s;
    ASSERT_NE(decode(build(e)), nullptr);
    const ProcessInfo* p = procs_.find(kPid);
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(p->env.size(), 2u);
    EXPECT_EQ(p->env[1], "HTTP_PROXY=http://p:3128");
    EXPECT_EQ(p->env_joined, "HOME=/root HTTP_PROXY=http://p:3128");
    EXPECT_EQ(dec_.stats().env_cut, 0u);

    e.env = "A=1\0B=2\0BIG=xxxx"s;
    e.cut_flags = SENSOR_EXEC_ENV_CUT | SENSOR_EXEC_ARGV_CUT;
    ASSERT_NE(decode(build(e)), nullptr);
    EXPECT_EQ(p->env_joined, "A=1 B=2");
    EXPECT_EQ(dec_.stats().env_cut, 1u);
    EXPECT_EQ(dec_.stats().argv_cut, 1u);

    e.env.reset();  // an empty environment replaces the old one
    e.cut_flags = 0;
    ASSERT_NE(decode(build(e)), nullptr);
    EXPECT_TRUE(p->env.empty());
    EXPECT_EQ(p->env_joined, "");
}

TEST_F(DecodeProcessTest, EventTimesKeepTheProbesIntervals) {
    ExecRec e;
    e.ts = 5000;
    const fields::Event* ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    uint64_t first = ev->ts;
    SyscallRec r;
    r.name = "chdir";
    r.str0 = "/tmp";
    r.ts = 7000;
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->ts - first, 2000u);
    EXPECT_NEAR(boot_ts(ev), 7000, kClockSlackNs);
}

TEST_F(DecodeProcessTest, ExecUnsetLoginuidAndFullComm) {
    ExecRec e;
    e.loginuid = UINT32_MAX;
    e.comm = "0123456789abcdef";  // 16 bytes: no NUL in the record
    const fields::Event* ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "loginuid"), "-1");
    EXPECT_EQ(text(ev, "comm"), "0123456789abcdef");
    EXPECT_EQ(procs_.find(kPid)->name, "0123456789abcdef");
    EXPECT_EQ(procs_.find(kPid)->loginuid, UINT32_MAX);
}

TEST_F(DecodeProcessTest, ExecFromMemfd) {
    ExecRec e;
    e.exe_flags = SENSOR_FILE_MEMFD;
    e.argv = "./x"s;
    e.filename = "/proc/self/fd/3";
    e.exepath = "memfd:payload";
    const fields::Event* ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    const ProcessInfo* p = procs_.find(kPid);
    EXPECT_TRUE(p->exe_from_memfd);
    EXPECT_EQ(p->exepath, "memfd:payload");  // as Falco reports it (rules match on it)
    EXPECT_EQ(p->exe, "./x");
    EXPECT_EQ(p->args, "");
    EXPECT_EQ(text(ev, "flags"), "EXE_FROM_MEMFD");
    EXPECT_EQ(ev->param("flags")->raw, SENSOR_FILE_MEMFD);
    EXPECT_EQ(text(ev, "trusted_exepath"), "memfd:payload");

    // A later exec of an ordinary binary clears the memfd flag.
    e = ExecRec{};
    e.exe_flags = SENSOR_FILE_WRITABLE | SENSOR_FILE_UPPER_LAYER;
    ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "flags"), "EXE_WRITABLE|EXE_UPPER_LAYER");
    EXPECT_FALSE(p->exe_from_memfd);
    EXPECT_TRUE(p->exe_writable);
    EXPECT_TRUE(p->exe_upper_layer);
    EXPECT_FALSE(p->exe_lower_layer);
    EXPECT_EQ(p->exepath, "/usr/bin/myprog");
}

TEST_F(DecodeProcessTest, ExecveatHasNoFilenameParam) {
    ExecRec e;
    e.syscall = "execveat";
    const fields::Event* ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("execveat"));
    EXPECT_EQ(ev->param("filename"), nullptr);
    EXPECT_EQ(text(ev, "exe"), "myprog");
}

// An exec record whose number is no exec (a compat or kernel exec) is reported as execve.
TEST_F(DecodeProcessTest, ExecRecordOfAnotherNumberIsAnExecve) {
    ExecRec e;
    e.syscall = "munmap";
    const fields::Event* ev = decode(build(e));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("execve"));
    EXPECT_EQ(text(ev, "filename"), "/usr/bin/myprog");
}

TEST_F(DecodeProcessTest, ExecClosesCloseOnExecFds) {
    start_process();
    ASSERT_NE(open_file(3, "/etc/keep", oflags::kRdOnly), nullptr);
    ASSERT_NE(open_file(4, "/etc/drop", oflags::kRdOnly | oflags::kCloExec), nullptr);
    ASSERT_NE(decode(build(ExecRec{})), nullptr);
    EXPECT_NE(fds_.find(kPid, 3), nullptr);
    EXPECT_EQ(fds_.find(kPid, 4), nullptr);
}

TEST_F(DecodeProcessTest, FailedExecveSyscallIsAnEvent) {
    start_process();
    SyscallRec r;
    r.name = "execve";
    r.ret = -2;
    r.str0 = "/nonexistent";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("execve"));
    EXPECT_EQ(ev->res, -2);
    EXPECT_EQ(text(ev, "res"), "-2(ENOENT)");
    EXPECT_EQ(ev->param("res")->raw, -2);
    EXPECT_EQ(text(ev, "filename"), "/nonexistent");
    EXPECT_EQ(ev->proc, procs_.find(kPid));
    EXPECT_EQ(ev->fd, nullptr);
    // The process is unchanged by a failed exec.
    EXPECT_EQ(procs_.find(kPid)->exe, "myprog");
}

TEST_F(DecodeProcessTest, FailedExecveatSyscallIsAnEvent) {
    start_process();
    SyscallRec r;
    r.name = "execveat";
    r.ret = -13;
    r.args = {kAtFdcwd};
    r.str0 = "bin/x";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("execveat"));
    EXPECT_EQ(text(ev, "res"), "-13(EACCES)");
    EXPECT_EQ(text(ev, "dirfd"), "-100(AT_FDCWD)");
    EXPECT_EQ(text(ev, "pathname"), "bin/x");
    EXPECT_EQ(procs_.find(kPid)->exe, "myprog");
}

// A successful execve is reported by its exec record, not by the syscall exit.
TEST_F(DecodeProcessTest, SuccessfulExecveSyscallIsNoEvent) {
    start_process();
    uint64_t events = dec_.stats().events;
    for (const char* name : {"execve", "execveat"}) {
        SyscallRec r;
        r.name = name;
        r.ret = 0;
        r.str0 = "/usr/bin/other";
        EXPECT_EQ(decode(build(r)), nullptr) << name;
    }
    EXPECT_EQ(dec_.stats().events, events);
    EXPECT_EQ(dec_.stats().malformed, 0u);
    EXPECT_EQ(procs_.find(kPid)->exe, "myprog");
}

// Tasks come from fork records: the clone family's exits change nothing.
TEST_F(DecodeProcessTest, CloneSyscallsAreEventsOnly) {
    start_process();
    for (const char* name : {"clone", "clone3", "fork", "vfork"}) {
        if (!events::syscall_number(name)) continue;  // fork and vfork: not on arm64
        SyscallRec r;
        r.name = name;
        r.ret = 4321;
        const fields::Event* ev = decode(build(r));
        ASSERT_NE(ev, nullptr) << name;
        EXPECT_EQ(ev->type, type_of(name));
        EXPECT_EQ(text(ev, "res"), "4321") << name;
        EXPECT_EQ(ev->fd, nullptr) << name;
        EXPECT_EQ(procs_.find(4321), nullptr) << name;
    }
}

TEST_F(DecodeProcessTest, ForkThenExit) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly), nullptr);
    EXPECT_EQ(decode(proc_event(SENSOR_REC_PROC_FORK, kPid, kPid, 200, 200)), nullptr);
    const ProcessInfo* c = procs_.find(200);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->pid, 200);
    EXPECT_EQ(c->ppid, kPid);
    EXPECT_EQ(c->name, "myprog");  // inherited until it execs
    EXPECT_EQ(c->cwd, "/home/u/");
    ASSERT_NE(fds_.find(200, 5), nullptr);  // inherited descriptors
    EXPECT_EQ(fds_.find(200, 5)->name, "/etc/passwd");
    EXPECT_EQ(dec_.stats().forks, 1u);
    dec_.finish();

    const fields::Event* ev = decode(proc_event(SENSOR_REC_PROC_EXIT, 200, 200, 0, 0, 256));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("procexit"));
    EXPECT_EQ(ev->proc, c);
    EXPECT_FALSE(ev->has_res);
    EXPECT_EQ(text(ev, "status"), "256");
    // The exit event still sees the process; finish() removes it.
    EXPECT_NE(procs_.find(200), nullptr);
    dec_.finish();
    EXPECT_EQ(procs_.find(200), nullptr);
    EXPECT_EQ(fds_.find(200, 5), nullptr);
    EXPECT_NE(fds_.find(kPid, 5), nullptr);  // the parent's are untouched
    EXPECT_EQ(dec_.stats().exits, 1u);
}

// setsid and setpgid keep the session and group ids current, for the child forked after too.
TEST_F(DecodeProcessTest, SetsidAndSetpgidUpdateIds) {
    start_process();
    procs_.find_mut(kPid)->vpid = kPid;  // a host process (the record builder leaves 0)
    procs_.find_mut(kPid)->vtid = kPid;
    SyscallRec pg;
    pg.name = "setpgid";
    pg.args = {0, 0};  // the caller leads a group of its own
    const fields::Event* ev = decode(build(pg));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("setpgid"));
    EXPECT_EQ(procs_.find(kPid)->vpgid, kPid);
    EXPECT_EQ(decode(proc_event(SENSOR_REC_PROC_FORK, kPid, kPid, 200, 200)), nullptr);
    EXPECT_EQ(procs_.find(200)->vpgid, kPid);  // inherited
    SyscallRec sid;
    sid.name = "setsid";
    sid.tid = sid.pid = 200;
    sid.ret = 200;
    ASSERT_NE(decode(build(sid)), nullptr);
    EXPECT_EQ(procs_.find(200)->sid, 200);
    EXPECT_EQ(procs_.find(200)->vpgid, 200);
    EXPECT_EQ(procs_.session_leader(*procs_.find(200)), procs_.find(200));
    // A failed call changes nothing.
    sid.tid = sid.pid = kPid;
    sid.ret = -1;
    int64_t before = procs_.find(kPid)->sid;
    decode(build(sid));
    EXPECT_EQ(procs_.find(kPid)->sid, before);
}

// The exit of a task the decoder never saw is no event, but still counted.
TEST_F(DecodeProcessTest, ExitOfUnknownTaskIsNoEvent) {
    EXPECT_EQ(decode(proc_event(SENSOR_REC_PROC_EXIT, 555, 555)), nullptr);
    EXPECT_EQ(dec_.stats().exits, 1u);
    dec_.finish();
    EXPECT_EQ(procs_.find(555), nullptr);
}

// A thread shares its process's descriptors: its exit must not drop them.
TEST_F(DecodeProcessTest, ThreadExitKeepsProcessFds) {
    start_process();
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly), nullptr);
    EXPECT_EQ(decode(proc_event(SENSOR_REC_PROC_FORK, kPid, kPid, 101, kPid)), nullptr);
    const ProcessInfo* t = procs_.find(101);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->pid, kPid);
    EXPECT_EQ(fds_.process_count(), 1u);  // no separate table for a thread

    ASSERT_NE(decode(proc_event(SENSOR_REC_PROC_EXIT, 101, kPid)), nullptr);
    dec_.finish();
    EXPECT_EQ(procs_.find(101), nullptr);
    EXPECT_NE(procs_.find(kPid), nullptr);
    EXPECT_NE(fds_.find(kPid, 5), nullptr);
}

// A thread first seen in a syscall is read from proc_root, never the real /proc.
TEST_F(DecodeProcessTest, UnknownThreadIsReadFromProcRoot) {
    namespace fs = std::filesystem;
    fs::create_directories(root_ + "/300/task/300");
    std::ofstream(root_ + "/300/task/300/comm") << "fakeproc\n";
    std::ofstream(root_ + "/300/cmdline") << "fakeproc\0--x\0"s;

    SyscallRec r;
    r.tid = r.pid = 300;
    r.ret = -2;
    r.args = {kAtFdcwd, 0, 0, 0};
    r.str0 = "/nope";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->proc, nullptr);
    EXPECT_EQ(ev->proc->tid, 300);
    EXPECT_EQ(ev->proc->name, "fakeproc");
    EXPECT_EQ(ev->proc->exe, "fakeproc");
    EXPECT_EQ(ev->proc->args, "--x");
    EXPECT_EQ(dec_.stats().threads_from_proc, 1u);

    decode(build(r));  // known now
    EXPECT_EQ(dec_.stats().threads_from_proc, 1u);
}

// Its status gives the parent, credentials and capabilities.
TEST_F(DecodeProcessTest, UnknownThreadTakesCredentialsFromStatus) {
    namespace fs = std::filesystem;
    fs::create_directories(root_ + "/301/task/302");
    std::ofstream(root_ + "/301/task/302/comm") << "worker\n";
    std::ofstream(root_ + "/301/task/302/status")
        << "Name:\tworker\nTgid:\t301\nPid:\t302\nPPid:\t7\nUid:\t0\t33\t0\t0\n"
           "Gid:\t0\t44\t0\t0\nCapInh:\t0000000000000000\nCapPrm:\t0000000000200000\n"
           "CapEff:\t0000000000200000\n";

    SyscallRec r;
    r.name = "chdir";
    r.tid = 302;
    r.pid = 301;
    r.ret = -2;
    r.str0 = "/x";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->proc, nullptr);
    EXPECT_EQ(ev->proc->tid, 302);
    EXPECT_EQ(ev->proc->pid, 301);
    EXPECT_EQ(ev->proc->name, "worker");
    EXPECT_EQ(ev->proc->uid, 33u);
    EXPECT_EQ(ev->proc->gid, 44u);
    EXPECT_EQ(ev->proc->cap_effective, 1ull << 21);
    EXPECT_EQ(dec_.stats().threads_from_proc, 1u);
}

// A new thread of a known process is cloned from it rather than read from /proc.
TEST_F(DecodeProcessTest, UnknownThreadOfKnownProcessIsCloned) {
    start_process();
    SyscallRec r;
    r.tid = 101;
    r.ret = -2;
    r.args = {kAtFdcwd, 0, 0, 0};
    r.str0 = "x";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->proc, nullptr);
    EXPECT_EQ(ev->proc->tid, 101);
    EXPECT_EQ(ev->proc->pid, kPid);
    EXPECT_EQ(ev->proc->name, "myprog");
    EXPECT_EQ(ev->fd->name, "/home/u/x");
    EXPECT_EQ(dec_.stats().threads_from_proc, 0u);
}

}  // namespace
}  // namespace sensor::testing
