// End to end, as root: io_uring requests through the real probe become the events of the
// syscalls they stand for. The sensor runs with the upstream stable rules, our default rules
// and a rule on io_uring path and socket ops; a forked child of this test drives a minimal
// ring built from raw syscalls (<linux/io_uring.h>, no liburing).
//
// On the main branch before io_uring support every test here fails: the probe saw only
// io_uring_setup/enter/register, so no openat (and no "Read sensitive file untrusted") came
// from an IORING_OP_OPENAT, no unlinkat/mkdirat/connect from their ops, evt.is_io_uring did
// not exist (the sensor refused the append_output below) and no default rule watched
// io_uring_setup.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "e2e/live_suite.h"

using sensor::testing::field;
using sensor::testing::own_name;
using Json = nlohmann::json;

namespace {

constexpr const char* kUringRules = R"(
- rule: e2e io_uring path and socket ops
  desc: io_uring requests reported as their syscalls
  condition: evt.is_io_uring = true and evt.type in (unlinkat, mkdirat, connect)
  output: io_uring %evt.type by %proc.name (args=%evt.args fd=%fd.name)
  priority: INFO
)";

struct UringRules {
    static const char* name() { return "uring"; }
    static std::vector<std::string> args() {
        std::string custom = "/tmp/sensor-e2e-uring-rules-" + std::to_string(getpid()) + ".yaml";
        std::ofstream(custom) << kUringRules;
        return {"-r",
                std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml",
                "-r",
                std::string(SENSOR_SOURCE_DIR) + "/rules",
                "-r",
                custom,
                "-o",
                "rule_matching=all",
                "-o",
                "append_output=[{match: {source: syscall}, extra_fields: [evt.is_io_uring, "
                "proc.pid, proc.name, evt.type, fd.name]}]"};
    }
    static const char* symlink_rule() { return "Create Symlink Over Sensitive Files"; }
    static const char* linkpath_field() { return "evt.arg.linkpath"; }
};

// A minimal io_uring: one request at a time, submitted and waited for.
class Ring {
  public:
    explicit Ring(unsigned flags) {
        io_uring_params p{};
        p.flags = flags;
        p.sq_thread_idle = 2000;
        fd_ = static_cast<int>(syscall(SYS_io_uring_setup, 4, &p));
        if (fd_ < 0) return;
        sq_len_ = p.sq_off.array + p.sq_entries * sizeof(unsigned);
        cq_len_ = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
        sq_ = map(sq_len_, IORING_OFF_SQ_RING);
        cq_ = map(cq_len_, IORING_OFF_CQ_RING);
        sqes_len_ = p.sq_entries * sizeof(io_uring_sqe);
        sqes_ = static_cast<io_uring_sqe*>(map(sqes_len_, IORING_OFF_SQES));
        if (!sq_ || !cq_ || !sqes_) return;
        sq_tail_ = at(sq_, p.sq_off.tail);
        sq_mask_ = at(sq_, p.sq_off.ring_mask);
        sq_array_ = at(sq_, p.sq_off.array);
        sq_flags_ = at(sq_, p.sq_off.flags);
        cq_head_ = at(cq_, p.cq_off.head);
        cq_tail_ = at(cq_, p.cq_off.tail);
        cq_mask_ = at(cq_, p.cq_off.ring_mask);
        cqes_ = reinterpret_cast<io_uring_cqe*>(static_cast<char*>(cq_) + p.cq_off.cqes);
        sqpoll_ = (flags & IORING_SETUP_SQPOLL) != 0;
        ok_ = true;
    }
    ~Ring() {
        if (sq_) munmap(sq_, sq_len_);
        if (cq_) munmap(cq_, cq_len_);
        if (sqes_) munmap(sqes_, sqes_len_);
        if (fd_ >= 0) close(fd_);
    }
    bool ok() const { return ok_; }

    // Registers `n` empty fixed file slots.
    bool sparse_files(unsigned n) {
        std::vector<int> fds(n, -1);
        return syscall(SYS_io_uring_register, fd_, IORING_REGISTER_FILES, fds.data(), n) == 0;
    }

    // Submits sqe, waits for its completion and returns its result.
    int run(const io_uring_sqe& sqe) {
        unsigned tail = *sq_tail_;
        unsigned i = tail & *sq_mask_;
        sqes_[i] = sqe;
        sq_array_[i] = i;
        __atomic_store_n(sq_tail_, tail + 1, __ATOMIC_RELEASE);
        unsigned enter = IORING_ENTER_GETEVENTS;
        unsigned submit = 1;
        if (sqpoll_) {  // the kernel thread submits; wake it if it sleeps
            submit = 0;
            if (__atomic_load_n(sq_flags_, __ATOMIC_ACQUIRE) & IORING_SQ_NEED_WAKEUP)
                enter |= IORING_ENTER_SQ_WAKEUP;
        }
        if (syscall(SYS_io_uring_enter, fd_, submit, 1, enter, nullptr, 0) < 0) return -errno;
        unsigned head = *cq_head_;
        while (head == __atomic_load_n(cq_tail_, __ATOMIC_ACQUIRE))
            syscall(SYS_io_uring_enter, fd_, 0, 1, IORING_ENTER_GETEVENTS, nullptr, 0);
        int res = cqes_[head & *cq_mask_].res;
        __atomic_store_n(cq_head_, head + 1, __ATOMIC_RELEASE);
        return res;
    }

  private:
    void* map(size_t len, off_t off) {
        void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, off);
        return p == MAP_FAILED ? nullptr : p;
    }
    static unsigned* at(void* base, unsigned off) {
        return reinterpret_cast<unsigned*>(static_cast<char*>(base) + off);
    }

    int fd_ = -1;
    bool ok_ = false, sqpoll_ = false;
    size_t sq_len_ = 0, cq_len_ = 0, sqes_len_ = 0;
    void *sq_ = nullptr, *cq_ = nullptr;
    io_uring_sqe* sqes_ = nullptr;
    unsigned *sq_tail_ = nullptr, *sq_mask_ = nullptr, *sq_array_ = nullptr, *sq_flags_ = nullptr;
    unsigned *cq_head_ = nullptr, *cq_tail_ = nullptr, *cq_mask_ = nullptr;
    io_uring_cqe* cqes_ = nullptr;
};

io_uring_sqe openat_sqe(const char* path, unsigned file_index) {
    io_uring_sqe s{};
    s.opcode = IORING_OP_OPENAT;
    s.fd = AT_FDCWD;
    s.addr = reinterpret_cast<uint64_t>(path);
    s.open_flags = O_RDONLY;
    s.file_index = file_index;
    return s;
}

io_uring_sqe read_sqe(int fd, char* buf, unsigned len, bool fixed) {
    io_uring_sqe s{};
    s.opcode = IORING_OP_READ;
    s.fd = fd;
    s.addr = reinterpret_cast<uint64_t>(buf);
    s.len = len;
    s.off = 0;
    if (fixed) s.flags = IOSQE_FIXED_FILE;
    return s;
}

enum class Mode { Plain, FixedSlot, SqPoll };

// In a child: opens /etc/shadow and reads it through io_uring. Exit 0 when the read returned
// bytes; the parent gets the child's pid.
pid_t read_shadow_in_child(Mode mode) {
    pid_t child = fork();
    if (child != 0) return child;
    Ring ring(mode == Mode::SqPoll ? IORING_SETUP_SQPOLL : 0);
    if (!ring.ok()) _exit(10);
    bool fixed = mode == Mode::FixedSlot;
    if (fixed && !ring.sparse_files(1)) _exit(11);
    int fd = ring.run(openat_sqe("/etc/shadow", fixed ? 1 : 0));  // file_index: slot 0 + 1
    if (fd < 0) _exit(12);
    char buf[256];
    int n = ring.run(read_sqe(fixed ? 0 : fd, buf, sizeof buf, fixed));
    _exit(n > 0 ? 0 : 13);
}

int wait_exit(pid_t child) {
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool by_pid(const Json& j, pid_t pid) {
    return field(j, "proc.pid") == std::to_string(pid);
}

class LiveIoUring : public sensor::testing::LiveSuite<UringRules> {
  protected:
    static void expect_shadow_alert(Mode mode, const char* what) {
        pid_t child = read_shadow_in_child(mode);
        ASSERT_EQ(wait_exit(child), 0) << what << ": the io_uring read failed in the child";
        Json a = expect_alert("Read sensitive file untrusted",
                              [&](const Json& j) { return by_pid(j, child); });
        EXPECT_EQ(field(a, "fd.name"), "/etc/shadow") << what;
        EXPECT_EQ(field(a, "evt.type"), "openat") << what;
        EXPECT_EQ(field(a, "evt.is_io_uring"), "true") << what;
        EXPECT_EQ(field(a, "proc.name"), own_name()) << what;
        // The child set the ring up, and nothing in io_uring_binaries is this test.
        Json u = expect_alert("io_uring set up by unexpected program",
                              [&](const Json& j) { return by_pid(j, child); });
        EXPECT_EQ(field(u, "proc.name"), own_name()) << what;
        EXPECT_EQ(field(u, "evt.is_io_uring"), "false") << what;
    }
};

}  // namespace

TEST_F(LiveIoUring, OpenReadShadowPlain) {
    expect_shadow_alert(Mode::Plain, "plain");
}

TEST_F(LiveIoUring, OpenReadShadowFixedFileSlot) {
    expect_shadow_alert(Mode::FixedSlot, "fixed file slot");
}

TEST_F(LiveIoUring, OpenReadShadowSqPoll) {
    // The SQPOLL kernel thread submits: the alert still names the child (the ring's creator).
    expect_shadow_alert(Mode::SqPoll, "SQPOLL");
}

TEST_F(LiveIoUring, PathAndSocketOpsAreTheirSyscalls) {
    std::string dir = dir_ + "/uring-mkdir";
    std::string file = dir_ + "/uring-unlink";
    std::ofstream(file) << "x";
    // A local listener for the connect.
    int srv = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(srv, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(getsockname(srv, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    ASSERT_EQ(listen(srv, 1), 0);
    const int port = ntohs(addr.sin_port);

    pid_t child = fork();
    if (child == 0) {
        Ring ring(0);
        if (!ring.ok()) _exit(10);
        io_uring_sqe s{};
        s.opcode = IORING_OP_MKDIRAT;
        s.fd = AT_FDCWD;
        s.addr = reinterpret_cast<uint64_t>(dir.c_str());
        s.len = 0755;
        if (ring.run(s) != 0) _exit(11);
        s = {};
        s.opcode = IORING_OP_UNLINKAT;
        s.fd = AT_FDCWD;
        s.addr = reinterpret_cast<uint64_t>(file.c_str());
        if (ring.run(s) != 0) _exit(12);
        int c = socket(AF_INET, SOCK_STREAM, 0);
        s = {};
        s.opcode = IORING_OP_CONNECT;
        s.fd = c;
        s.addr = reinterpret_cast<uint64_t>(&addr);
        s.off = sizeof addr;  // the address length
        if (ring.run(s) != 0) _exit(13);
        _exit(0);
    }
    ASSERT_EQ(wait_exit(child), 0);
    close(srv);
    const std::string rule = "e2e io_uring path and socket ops";
    Json m = expect_alert(
        rule, [&](const Json& j) { return by_pid(j, child) && field(j, "evt.type") == "mkdirat"; });
    EXPECT_NE(field(m, "evt.args").find("path=" + dir), std::string::npos) << m.dump();
    EXPECT_NE(field(m, "evt.args").find("dirfd=-100(AT_FDCWD)"), std::string::npos) << m.dump();
    Json u = expect_alert(rule, [&](const Json& j) {
        return by_pid(j, child) && field(j, "evt.type") == "unlinkat";
    });
    EXPECT_NE(field(u, "evt.args").find("name=" + file), std::string::npos) << u.dump();
    Json c = expect_alert(
        rule, [&](const Json& j) { return by_pid(j, child) && field(j, "evt.type") == "connect"; });
    EXPECT_NE(field(c, "fd.name").find("->127.0.0.1:" + std::to_string(port)), std::string::npos)
        << c.dump();
    EXPECT_EQ(field(c, "evt.is_io_uring"), "true");
    EXPECT_TRUE(std::filesystem::is_directory(dir));
}

// At start the sensor says which hooks it uses: tracepoints, with the io_uring ones on this
// kernel, and what became of its BPF LSM and fentry test programs (this machine refuses both;
// elsewhere the line says "available, unused").
TEST_F(LiveIoUring, StartLogNamesTheHooks) {
    std::string text = sensor_->stderr_text();
    size_t at = text.find("info: hooks: tracepoints with io_uring (BPF LSM: ");
    ASSERT_NE(at, std::string::npos) << text;
    std::string line = text.substr(at, text.find('\n', at) - at);
    EXPECT_NE(line.find("; fentry: "), std::string::npos) << line;
    bool lsm_known = line.find("BPF LSM: available, unused") != std::string::npos ||
                     line.find("BPF LSM: load refused (") != std::string::npos ||
                     line.find("BPF LSM: attach refused (") != std::string::npos;
    EXPECT_TRUE(lsm_known) << line;
}
