// Generic parameter rendering from the table's schema, raw arguments of syscalls without
// one, the record view, and records that lie about their size.
#include "capture/record_builder.h"
#include "sensor/capture/record_view.h"
#include "support/alloc_counter.h"

namespace sensor::testing {
namespace {

namespace oflags = events::oflags;

class DecodeParamsTest : public RecordDecoderTest {};

TEST_F(DecodeParamsTest, PtraceParams) {
    start_process();
    SyscallRec r;
    r.name = "ptrace";
    r.ret = 0;
    r.args = {16, 1234, 0, 0};
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "request"), "PTRACE_ATTACH");
    EXPECT_EQ(ev->param("request")->raw, 16);
    EXPECT_EQ(text(ev, "pid"), "1234");
    EXPECT_EQ(text(ev, "addr"), "0");  // Falco's PF_HEX: upper-case hex, no prefix
    r.args = {0x4206, 1234, 0, 0};
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "request"), "PTRACE_SEIZE");
}

// Parameters come in the schema's order, each from its source: strings, arguments (fds as
// ints), the result.
TEST_F(DecodeParamsTest, ParamsFollowTheSchema) {
    start_process();
    SyscallRec r;
    r.name = "linkat";
    r.ret = 0;
    r.args = {0xffffff9cull /* AT_FDCWD as an int */, 0, 5, 0, 0x400};
    r.str0 = "old";
    r.str1 = "new";
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    const events::SyscallEntry* e = events::syscall_entry("linkat");
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(ev->param_count, e->params.size());
    for (size_t i = 0; i < e->params.size(); ++i) EXPECT_EQ(ev->params[i].name, e->params[i].name);
    EXPECT_EQ(text(ev, "olddir"), "-100(AT_FDCWD)");
    EXPECT_EQ(ev->param("olddir")->raw, -100);
    EXPECT_EQ(text(ev, "oldpath"), "old");
    EXPECT_FALSE(ev->param("oldpath")->has_raw);
    EXPECT_EQ(text(ev, "newdir"), "5");
    EXPECT_EQ(text(ev, "newpath"), "new");
    EXPECT_EQ(text(ev, "flags"), "AT_SYMLINK_FOLLOW");  // Falco's linkat_flags
    EXPECT_EQ(ev->param("res")->raw, 0);
}

TEST_F(DecodeParamsTest, NamespaceFlags) {
    start_process();
    SyscallRec r;
    r.name = "unshare";
    r.ret = 0;
    r.args = {0x40000000 | 0x00020000};
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "flags"), "CLONE_NEWNS|CLONE_NEWNET");
}

// Syscalls without a schema carry their raw arguments, rendered in hex.
TEST_F(DecodeParamsTest, SchemalessSyscallHasRawArgs) {
    const events::SyscallEntry* shutdown = events::syscall_entry("shutdown");
    ASSERT_NE(shutdown, nullptr);  // there for its category
    ASSERT_FALSE(shutdown->has_schema());
    start_process();
    SyscallRec r;
    r.name = "shutdown";
    r.ret = 10;
    r.args = {3, 0x7ffd1000, 4096};
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->type, type_of("shutdown"));
    EXPECT_EQ(ev->res, 10);
    EXPECT_EQ(text(ev, "arg0"), "0x3");
    EXPECT_EQ(text(ev, "arg1"), "0x7ffd1000");
    EXPECT_EQ(text(ev, "arg2"), "0x1000");
    EXPECT_EQ(text(ev, "arg5"), "0x0");
    EXPECT_EQ(ev->fd, nullptr);

    // So do syscalls not in the table at all.
    ASSERT_EQ(events::syscall_entry("getpid"), nullptr);
    r.name = "getpid";
    r.ret = 100;
    r.args = {};
    ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->param_count, 6u);
    EXPECT_EQ(text(ev, "arg0"), "0x0");
}

TEST_F(DecodeParamsTest, UnknownSyscallNumberIsCounted) {
    uint16_t nr = 511;
    ASSERT_TRUE(events::syscall_name(nr).empty());
    Bytes b = build(SyscallRec{});
    reinterpret_cast<sensor_syscall_exit*>(b.data())->h.nr = nr;
    EXPECT_EQ(decode(b), nullptr);
    EXPECT_EQ(dec_.stats().unknown_syscalls, 1u);
    EXPECT_EQ(dec_.stats().malformed, 0u);
}

// Every syscall with a schema decodes, with its parameters, from an all-zero record.
TEST_F(DecodeParamsTest, EveryEntryDecodes) {
    start_process();
    for (const events::SyscallEntry& e : events::syscall_entries()) {
        std::string name(e.name);
        if (!events::syscall_number(e.name)) continue;
        SyscallRec r;
        r.name = name.c_str();
        r.ret = -2;
        const fields::Event* ev = decode(build(r));
        dec_.finish();
        ASSERT_NE(ev, nullptr) << name;
        EXPECT_EQ(ev->type, e.type) << name;
        EXPECT_EQ(ev->param_count, e.has_schema() ? e.params.size() : 6u) << name;
    }
    EXPECT_EQ(dec_.stats().malformed, 0u);
}

// Once its buffers and tables are warm, decoding allocates nothing per event (the handlers
// reuse the table's entries and the decoder's strings).
TEST_F(DecodeParamsTest, SteadyStateAllocatesNothing) {
    start_process();
    SyscallRec open;
    open.ret = 5;
    open.args = {kAtFdcwd, 0, oflags::kRdOnly | oflags::kCloExec, 0};
    open.file = regular_file(oflags::kRdOnly | oflags::kCloExec);
    open.str0 = "lib/libc.so.6";
    open.str1 = "/usr/lib/x86_64-linux-gnu/libc.so.6";
    SyscallRec failed = open;
    failed.ret = -2;
    failed.file = {};
    failed.str0 = "../share/locale/nope.mo";
    failed.str1 = std::nullopt;
    SyscallRec fcntl;
    fcntl.name = "fcntl";
    fcntl.ret = 0;
    fcntl.args = {5, 1 /* F_GETFD */, 0};
    SyscallRec close;
    close.name = "close";
    close.ret = 0;
    close.args = {5};
    SyscallRec read;
    read.name = "read";
    read.ret = 10;
    read.args = {5, 0, 10};
    const Bytes records[] = {build(open), build(fcntl), build(read), build(failed), build(close)};
    auto round = [&] {
        for (const Bytes& b : records) {
            ASSERT_NE(decode(b), nullptr);
            dec_.finish();
        }
    };
    for (int i = 0; i < 3; ++i) round();  // warm
    uint64_t before = testing_support::allocation_count();
    for (int i = 0; i < 100; ++i) round();
    EXPECT_EQ(testing_support::allocation_count() - before, 0u);
}

// The view locates the arguments, the payload's section and the strings.
TEST(RecordViewTest, LocatesTheVariableParts) {
    SyscallRec r;
    r.ret = 5;
    r.args = {kAtFdcwd, 0x7ffd0000, oflags::kRdOnly, 0};
    r.file = regular_file(oflags::kRdOnly);
    r.str0 = "rel/path";
    r.str1 = "/abs/rel/path";
    Bytes b = build(r);
    capture::SyscallView v;
    ASSERT_TRUE(capture::parse_syscall(b.data(), b.size(), v));
    EXPECT_EQ(v.r->ret, 5);
    EXPECT_EQ(v.arg(0), -100);
    EXPECT_EQ(v.arg(2), static_cast<int64_t>(oflags::kRdOnly));
    EXPECT_EQ(v.file->ino, 4242u);
    EXPECT_EQ(v.sock->family, 0u);  // none in the record: a zeroed one
    EXPECT_EQ(v.user_path, "rel/path");
    EXPECT_EQ(v.kernel_path, "/abs/rel/path");
    EXPECT_EQ(v.dirfd_path, "");

    // The kernel's string is the dirfd's path when the file got none.
    r.file.file_flags = SENSOR_FILE_DIRFD_PATH;
    r.str1 = "/abs";
    b = build(r);
    ASSERT_TRUE(capture::parse_syscall(b.data(), b.size(), v));
    EXPECT_EQ(v.kernel_path, "");
    EXPECT_EQ(v.dirfd_path, "/abs");
    EXPECT_EQ(v.str.s[1], "/abs");

    // A socket section.
    SyscallRec c;
    c.name = "connect";
    c.args = {3};
    c.sock.family = 2;
    c.sock.dport = 80;
    b = build(c);
    ASSERT_TRUE(capture::parse_syscall(b.data(), b.size(), v));
    EXPECT_EQ(v.sock->dport, 80);
    EXPECT_EQ(v.file->ino, 0u);
    EXPECT_FALSE(capture::parse_syscall(b.data(), b.size() - 1, v));
}

// Every way a record can lie about its size: nullptr, counted, no crash.
TEST_F(DecodeParamsTest, MalformedRecords) {
    start_process();
    uint64_t malformed = 0;
    auto expect_malformed = [&](const Bytes& b, size_t size, const char* what) {
        EXPECT_EQ(dec_.decode(b.data(), size), nullptr) << what;
        EXPECT_EQ(dec_.stats().malformed, ++malformed) << what;
    };
    // Copies the record into a buffer of exactly `size` bytes, so overreads would be real.
    auto exact = [&](const Bytes& b, size_t size, const char* what) {
        Bytes cut(b.begin(), b.begin() + static_cast<ptrdiff_t>(size));
        expect_malformed(cut, cut.size(), what);
    };

    SyscallRec open;
    open.ret = 5;
    open.args = {kAtFdcwd, 0, 0, 0};
    open.file = regular_file(0);
    open.str0 = "/etc/passwd";
    open.str1 = "/etc/passwd";
    const Bytes good = build(open);
    ASSERT_NE(decode(good), nullptr);  // the intact record is fine

    exact(good, 3, "shorter than a header");
    exact(good, sizeof(sensor_record_header), "header only");
    exact(good, sizeof(sensor_syscall_exit) + 8, "args cut");
    exact(good, sizeof(sensor_syscall_exit) + 4 * 8 + 4, "file section cut");
    exact(good, good.size() - 1, "last string cut");

    Bytes b = good;
    reinterpret_cast<sensor_syscall_exit*>(b.data())->nargs = 7;
    exact(b, b.size(), "more than six args");
    b = good;
    reinterpret_cast<sensor_syscall_exit*>(b.data())->str_len[0] = 60000;
    exact(b, b.size(), "string length past the end");
    b = good;
    reinterpret_cast<sensor_syscall_exit*>(b.data())->h.nr = SENSOR_MAX_SYSCALLS;
    exact(b, b.size(), "syscall number out of range");
    b = good;
    reinterpret_cast<sensor_record_header*>(b.data())->kind =
        15;  // the largest a 4-bit kind holds, none defined
    exact(b, b.size(), "unknown kind");

    const Bytes exec = build(ExecRec{});
    exact(exec, sizeof(sensor_exec) - 1, "exec fixed part cut");
    exact(exec, exec.size() - 1, "exec string cut");
    b = exec;
    reinterpret_cast<sensor_exec*>(b.data())->cwd_len = 5000;
    exact(b, b.size(), "exec cwd past the end");

    const Bytes forked = proc_event(SENSOR_REC_PROC_FORK, kPid, kPid, 200, 200);
    exact(forked, sizeof(sensor_proc_event) - 1, "fork cut");
    const Bytes exited = proc_event(SENSOR_REC_PROC_EXIT, kPid, kPid);
    exact(exited, sizeof(sensor_proc_event) - 1, "exit cut");

    // None of it changed the state.
    EXPECT_EQ(procs_.find(200), nullptr);
    EXPECT_EQ(procs_.find(kPid)->cwd, "/home/u/");
    dec_.finish();
    EXPECT_NE(procs_.find(kPid), nullptr);
}

}  // namespace
}  // namespace sensor::testing
