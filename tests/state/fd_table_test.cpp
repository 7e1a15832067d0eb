// The per-process fd table: put/find/close/dup/fork/exec bookkeeping, the per-process bound,
// node recycling, and lazy loading of descriptors from /proc/<pid>/fd.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "sensor/events/open_flags.h"
#include "sensor/state/fd_table.h"
#include "support/alloc_counter.h"

using sensor::state::fd_from_proc_link;
using sensor::state::FdInfo;
using sensor::state::FdTable;
using sensor::state::FdType;
namespace oflags = sensor::events::oflags;

namespace {

// A proc root with nothing in it, so lazy loads always miss instead of reading the real /proc.
class FdTableTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = ::testing::TempDir() + "fdtable-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
        root_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(root_); }

    // A file entry as the capture layer fills it after an open.
    static FdInfo* put_file(FdTable& t, int64_t pid, int64_t fd, const std::string& name,
                            uint32_t flags) {
        FdInfo* f = t.put(pid, fd);
        if (!f) return nullptr;
        f->type = FdType::File;
        f->name = name;
        f->nameraw = name;
        f->open_flags = flags;
        f->refresh_derived();
        return f;
    }

    std::string root_;
};

TEST_F(FdTableTest, PutFindClose) {
    FdTable t(root_);
    FdInfo* f = put_file(t, 10, 3, "/etc/passwd", oflags::kRdOnly);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->num, 3);
    EXPECT_EQ(t.find(10, 3), f);
    EXPECT_EQ(t.find(10, 3)->name, "/etc/passwd");
    EXPECT_EQ(t.find(10, 4), nullptr);
    EXPECT_EQ(t.find(11, 3), nullptr);  // descriptors are per process
    EXPECT_EQ(t.process_count(), 1u);
    EXPECT_EQ(t.fd_count(), 1u);

    t.close(10, 3);
    EXPECT_EQ(t.find(10, 3), nullptr);
    EXPECT_EQ(t.fd_count(), 0u);
    t.close(10, 3);  // closing twice, or in an unknown process, is harmless
    t.close(99, 1);
    EXPECT_EQ(t.fd_count(), 0u);
}

TEST_F(FdTableTest, NegativeFdIsNeverStored) {
    FdTable t(root_);
    EXPECT_EQ(t.put(10, -1), nullptr);
    EXPECT_EQ(t.find_or_load(10, -2), nullptr);
    EXPECT_EQ(t.fd_count(), 0u);
    EXPECT_EQ(t.stats().lazy_lookups, 0u);  // no /proc read for an error value
}

// put() on a live descriptor (a reuse the close of which was missed) yields a blank entry.
TEST_F(FdTableTest, PutReplacesExistingEntry) {
    FdTable t(root_);
    FdInfo* f = put_file(t, 10, 3, "/etc/passwd", oflags::kCloExec);
    f->connected = true;
    f->cport = 1234;
    f->sockfamily = "ip";
    FdInfo* g = t.put(10, 3);
    ASSERT_EQ(g, f);
    EXPECT_EQ(g->num, 3);
    EXPECT_EQ(g->type, FdType::Unknown);
    EXPECT_TRUE(g->name.empty());
    EXPECT_TRUE(g->directory.empty());
    EXPECT_TRUE(g->filename.empty());
    EXPECT_EQ(g->open_flags, 0u);
    EXPECT_FALSE(g->connected);
    EXPECT_EQ(g->cport, 0);
    EXPECT_TRUE(g->sockfamily.empty());
    EXPECT_EQ(t.fd_count(), 1u);
}

TEST_F(FdTableTest, PerProcessLimit) {
    FdTable t(root_, 2);
    ASSERT_NE(t.put(10, 0), nullptr);
    ASSERT_NE(t.put(10, 1), nullptr);
    EXPECT_EQ(t.put(10, 2), nullptr);
    EXPECT_EQ(t.stats().over_limit, 1u);
    EXPECT_EQ(t.find(10, 2), nullptr);
    // Replacing a tracked descriptor is not growth, and the bound is per process.
    EXPECT_NE(t.put(10, 1), nullptr);
    EXPECT_NE(t.put(11, 7), nullptr);
    EXPECT_EQ(t.stats().over_limit, 1u);
    // A close makes room again.
    t.close(10, 0);
    EXPECT_NE(t.put(10, 2), nullptr);
    EXPECT_EQ(t.fd_count(), 3u);
    // dup onto an untracked number past the limit does not track it either.
    t.dup(10, 1, 5);
    EXPECT_EQ(t.find(10, 5), nullptr);
    EXPECT_EQ(t.stats().over_limit, 2u);
}

// A recycled node must not carry the previous descriptor's state into the new one.
TEST_F(FdTableTest, RecycledNodeIsReset) {
    FdTable t(root_);
    FdInfo* f = put_file(t, 10, 3, "/var/log/syslog", oflags::kWrOnly | oflags::kAppend);
    f->dev = 42;
    f->ino = 43;
    f->name_changed = true;
    t.close(10, 3);
    FdInfo* g = t.put(20, 8);  // another process and number: reuses the spare node
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->num, 8);
    EXPECT_EQ(g->type, FdType::Unknown);
    EXPECT_TRUE(g->name.empty());
    EXPECT_TRUE(g->nameraw.empty());
    EXPECT_TRUE(g->directory.empty());
    EXPECT_TRUE(g->filename.empty());
    EXPECT_EQ(g->open_flags, 0u);
    EXPECT_EQ(g->dev, 0u);
    EXPECT_EQ(g->ino, 0u);
    EXPECT_FALSE(g->name_changed);
    EXPECT_EQ(t.find(10, 3), nullptr);
    EXPECT_EQ(t.find(20, 8), g);
}

// The point of recycling: steady open/close churn does not touch the heap.
TEST_F(FdTableTest, OpenCloseChurnDoesNotAllocate) {
    FdTable t(root_);
    const std::string name = "/tmp/a-name-longer-than-sso";  // built once: not part of the count
    auto cycle = [&] {
        for (int fd = 3; fd < 35; ++fd) put_file(t, 10, fd, name, 0);
        for (int fd = 3; fd < 35; ++fd) t.close(10, fd);
    };
    cycle();  // warm up: nodes, buckets, the process entry
    uint64_t before = sensor::testing_support::allocation_count();
    for (int i = 0; i < 10; ++i) cycle();
    EXPECT_EQ(sensor::testing_support::allocation_count(), before);
}

TEST_F(FdTableTest, DupCopiesAndClearsCloseOnExec) {
    FdTable t(root_);
    put_file(t, 10, 3, "/etc/hosts", oflags::kRdOnly | oflags::kCloExec);
    t.dup(10, 3, 7);
    const FdInfo* n = t.find(10, 7);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->num, 7);
    EXPECT_EQ(n->type, FdType::File);
    EXPECT_EQ(n->name, "/etc/hosts");
    EXPECT_EQ(n->filename, "hosts");
    EXPECT_EQ(n->open_flags & oflags::kCloExec, 0u);
    // The original keeps its own flags.
    ASSERT_NE(t.find(10, 3), nullptr);
    EXPECT_NE(t.find(10, 3)->open_flags & oflags::kCloExec, 0u);
    EXPECT_EQ(t.find(10, 3)->num, 3);

    t.dup(10, 3, 3);  // dup onto itself changes nothing
    EXPECT_NE(t.find(10, 3)->open_flags & oflags::kCloExec, 0u);
}

// dup of a descriptor we know nothing about: the target is no longer what we thought it was.
TEST_F(FdTableTest, DupOfUnknownFdForgetsTarget) {
    FdTable t(root_);
    put_file(t, 10, 7, "/old/target", 0);
    t.dup(10, 3, 7);
    EXPECT_EQ(t.find(10, 7), nullptr);
    EXPECT_EQ(t.stats().lazy_misses, 1u);  // it did try /proc first
}

TEST_F(FdTableTest, ForkCopiesParentDescriptors) {
    FdTable t(root_);
    put_file(t, 10, 3, "/etc/passwd", 0);
    put_file(t, 10, 4, "/etc/group", oflags::kCloExec);
    t.fork(10, 20);
    EXPECT_EQ(t.process_count(), 2u);
    ASSERT_NE(t.find(20, 3), nullptr);
    ASSERT_NE(t.find(20, 4), nullptr);
    EXPECT_EQ(t.find(20, 3)->name, "/etc/passwd");
    EXPECT_NE(t.find(20, 4)->open_flags & oflags::kCloExec, 0u);
    // Independent copies: the child's close does not affect the parent.
    t.close(20, 3);
    EXPECT_EQ(t.find(20, 3), nullptr);
    ASSERT_NE(t.find(10, 3), nullptr);
    t.find(20, 4)->name = "/changed";
    EXPECT_EQ(t.find(10, 4)->name, "/etc/group");
}

// A child of a parent with no known descriptors must not keep stale ones of a reused pid.
TEST_F(FdTableTest, ForkFromUnknownParentClearsChild) {
    FdTable t(root_);
    put_file(t, 20, 3, "/stale", 0);
    t.fork(10, 20);
    EXPECT_EQ(t.find(20, 3), nullptr);
    EXPECT_EQ(t.process_count(), 0u);
}

TEST_F(FdTableTest, ExecClosesOnlyCloseOnExec) {
    FdTable t(root_);
    put_file(t, 10, 0, "/dev/null", oflags::kRdOnly);
    put_file(t, 10, 3, "/etc/shadow", oflags::kRdOnly | oflags::kCloExec);
    put_file(t, 10, 4, "/tmp/log", oflags::kWrOnly);
    put_file(t, 10, 5, "/tmp/other", oflags::kWrOnly | oflags::kCloExec);
    put_file(t, 11, 3, "/etc/shadow", oflags::kCloExec);
    t.exec(10);
    EXPECT_NE(t.find(10, 0), nullptr);
    EXPECT_EQ(t.find(10, 3), nullptr);
    EXPECT_NE(t.find(10, 4), nullptr);
    EXPECT_EQ(t.find(10, 5), nullptr);
    EXPECT_NE(t.find(11, 3), nullptr);  // other processes are untouched
    EXPECT_EQ(t.fd_count(), 3u);
    t.exec(99);  // unknown process: nothing to do
    EXPECT_EQ(t.fd_count(), 3u);
}

TEST_F(FdTableTest, RemoveProcess) {
    FdTable t(root_);
    for (int fd = 0; fd < 10; ++fd) put_file(t, 10, fd, "/f" + std::to_string(fd), 0);
    put_file(t, 11, 0, "/g", 0);
    t.remove_process(10);
    EXPECT_EQ(t.process_count(), 1u);
    EXPECT_EQ(t.fd_count(), 1u);
    EXPECT_EQ(t.find(10, 0), nullptr);
    t.remove_process(10);  // twice is harmless
    // The freed nodes come back blank.
    FdInfo* f = t.put(12, 5);
    ASSERT_NE(f, nullptr);
    EXPECT_TRUE(f->name.empty());
    EXPECT_EQ(f->type, FdType::Unknown);
}

TEST_F(FdTableTest, LazyLoadMissIsNotCached) {
    FdTable t(root_);
    EXPECT_EQ(t.find_or_load(10, 3), nullptr);
    EXPECT_EQ(t.stats().lazy_lookups, 1u);
    EXPECT_EQ(t.stats().lazy_misses, 1u);
    EXPECT_EQ(t.find(10, 3), nullptr);
    EXPECT_EQ(t.fd_count(), 0u);
}

// find_or_load against the test process's own descriptors in the real /proc.
class FdTableProcTest : public ::testing::Test {
  protected:
    void TearDown() override {
        for (int fd : fds_)
            if (fd >= 0) ::close(fd);
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    int keep(int fd) {
        fds_.push_back(fd);
        return fd;
    }
    std::vector<int> fds_;
    std::string path_;
    FdTable t_{"/proc"};
    const int64_t pid_ = getpid();
};

TEST_F(FdTableProcTest, LoadsRegularFile) {
    std::string tmpl = ::testing::TempDir() + "fdtable-file-XXXXXX";
    int fd = keep(mkstemp(tmpl.data()));
    ASSERT_GE(fd, 0);
    path_ = tmpl;
    char real[PATH_MAX];
    ASSERT_NE(realpath(tmpl.c_str(), real), nullptr);  // the link shows the resolved path

    const FdInfo* f = t_.find_or_load(pid_, fd);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->num, fd);
    EXPECT_EQ(f->type, FdType::File);
    EXPECT_EQ(f->name, real);
    EXPECT_EQ(f->nameraw, real);
    std::string r(real);
    EXPECT_EQ(f->filename, r.substr(r.rfind('/') + 1));
    EXPECT_EQ(f->directory, r.substr(0, r.rfind('/')));
    EXPECT_EQ(t_.stats().lazy_lookups, 1u);
    EXPECT_EQ(t_.stats().lazy_misses, 0u);

    // Cached: the second lookup does not read /proc again.
    EXPECT_EQ(t_.find_or_load(pid_, fd), f);
    EXPECT_EQ(t_.stats().lazy_lookups, 1u);
}

TEST_F(FdTableProcTest, LoadsPipeSocketEventfdMemfd) {
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    keep(p[0]);
    keep(p[1]);
    int s = keep(socket(AF_UNIX, SOCK_STREAM, 0));
    ASSERT_GE(s, 0);
    int e = keep(eventfd(0, 0));
    ASSERT_GE(e, 0);
    int m = keep(memfd_create("fdtable-test", 0));
    ASSERT_GE(m, 0);

    const FdInfo* f = t_.find_or_load(pid_, p[0]);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->type, FdType::Pipe);
    EXPECT_EQ(f->name.rfind("pipe:[", 0), 0u) << f->name;
    ASSERT_NE(t_.find_or_load(pid_, p[1]), nullptr);
    EXPECT_EQ(t_.find(pid_, p[1])->type, FdType::Pipe);

    f = t_.find_or_load(pid_, s);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->type, FdType::Unknown);  // the family is learnt when the socket is used
    EXPECT_EQ(f->name.rfind("socket:[", 0), 0u) << f->name;

    f = t_.find_or_load(pid_, e);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->type, FdType::Event);
    EXPECT_EQ(f->name, "anon_inode:[eventfd]");

    f = t_.find_or_load(pid_, m);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->type, FdType::Memfd);
    EXPECT_EQ(f->name, "memfd:fdtable-test");  // as memfd_create events name it

    EXPECT_EQ(t_.stats().lazy_lookups, 5u);
    EXPECT_EQ(t_.stats().lazy_misses, 0u);
}

TEST_F(FdTableProcTest, ClosedDescriptorMisses) {
    int fd = eventfd(0, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::close(fd), 0);
    EXPECT_EQ(t_.find_or_load(pid_, fd), nullptr);
    EXPECT_EQ(t_.stats().lazy_misses, 1u);
    EXPECT_EQ(t_.find(pid_, fd), nullptr);
}

// dup() of a descriptor opened before the table knew the process loads it from /proc first.
TEST_F(FdTableProcTest, DupLoadsSourceFromProc) {
    int e = keep(eventfd(0, 0));
    ASSERT_GE(e, 0);
    t_.dup(pid_, e, 1000);
    const FdInfo* n = t_.find(pid_, 1000);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->num, 1000);
    EXPECT_EQ(n->type, FdType::Event);
}

struct LinkCase {
    const char* link;
    FdType type;
    const char* name;
};

TEST(FdTableLink, ClassifiesProcLinks) {
    const LinkCase cases[] = {
        {"/etc/passwd", FdType::File, "/etc/passwd"},
        {"/memfd:x (deleted)", FdType::Memfd, "memfd:x"},
        {"/memfd:kept", FdType::Memfd, "memfd:kept"},
        {"/memfd: (deleted)", FdType::Memfd, "memfd:"},
        {"socket:[123]", FdType::Unknown, "socket:[123]"},
        {"pipe:[9]", FdType::Pipe, "pipe:[9]"},
        {"anon_inode:[eventfd]", FdType::Event, "anon_inode:[eventfd]"},
        {"anon_inode:[signalfd]", FdType::Signalfd, "anon_inode:[signalfd]"},
        {"anon_inode:[eventpoll]", FdType::Eventpoll, "anon_inode:[eventpoll]"},
        {"anon_inode:inotify", FdType::Inotify, "anon_inode:inotify"},
        {"anon_inode:[timerfd]", FdType::Timerfd, "anon_inode:[timerfd]"},
        {"anon_inode:bpf-map", FdType::Bpf, "anon_inode:bpf-map"},
        {"anon_inode:bpf-prog", FdType::Bpf, "anon_inode:bpf-prog"},
        {"anon_inode:[userfaultfd]", FdType::Userfaultfd, "anon_inode:[userfaultfd]"},
        {"anon_inode:[io_uring]", FdType::IoUring, "anon_inode:[io_uring]"},
        {"anon_inode:[pidfd]", FdType::Pidfd, "anon_inode:[pidfd]"},
        {"anon_inode:[something-new]", FdType::Unknown, "anon_inode:[something-new]"},
        {"net:[4026531840]", FdType::Unknown, "net:[4026531840]"},
    };
    for (const LinkCase& c : cases) {
        FdInfo f;
        fd_from_proc_link(c.link, f);
        EXPECT_EQ(f.type, c.type) << c.link;
        EXPECT_EQ(f.name, c.name) << c.link;
        EXPECT_EQ(f.nameraw, f.name) << c.link;
    }
}

TEST(FdTableLink, FileDerivesDirectoryAndFilename) {
    FdInfo f;
    fd_from_proc_link("/var/log/syslog", f);
    EXPECT_EQ(f.directory, "/var/log");
    EXPECT_EQ(f.filename, "syslog");
    fd_from_proc_link("/vmlinuz", f);
    EXPECT_EQ(f.directory, "/");
    EXPECT_EQ(f.filename, "vmlinuz");
    // Re-classified as a non-file: the derived path parts must not linger.
    fd_from_proc_link("pipe:[1]", f);
    EXPECT_EQ(f.type, FdType::Pipe);
    EXPECT_TRUE(f.directory.empty());
    EXPECT_TRUE(f.filename.empty());
}

}  // namespace

// A /proc link cannot tell a directory from a file; the loader asks the inode.
TEST_F(FdTableProcTest, LoadsDirectoryAsDirectory) {
    int fd = keep(::open("/usr/bin", O_RDONLY | O_DIRECTORY));
    ASSERT_GE(fd, 0);
    const FdInfo* f = t_.find_or_load(pid_, fd);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->type, FdType::Directory);
    EXPECT_EQ(f->name, "/usr/bin");
    EXPECT_EQ(f->directory, "/usr/bin");
}

TEST(FdTableRetain, DropsTablesOfProcessesNoLongerKnown) {
    sensor::state::FdTable t("/nonexistent");
    ASSERT_NE(t.put(10, 3), nullptr);
    ASSERT_NE(t.put(11, 3), nullptr);
    ASSERT_NE(t.put(12, 4), nullptr);
    EXPECT_EQ(t.retain_processes([](int64_t pid) { return pid != 11; }), 1u);
    EXPECT_EQ(t.process_count(), 2u);
    EXPECT_EQ(t.find(11, 3), nullptr);
    EXPECT_NE(t.find(12, 4), nullptr);
}
