// End to end, as root: files that come into a process without an open by path (a file handle,
// an fd taken from another process, an fd received over a socket), code mapped by the dynamic
// loader, and a read of a file opened before the sensor started. The real sensor runs with the
// upstream stable rules and the project's default rules (plus one rule on reads); every
// technique must raise its alert with the file named from the kernel.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "e2e/live_suite.h"

namespace fs = std::filesystem;
using sensor::testing::field;
using sensor::testing::run_program;
using Json = nlohmann::json;

namespace {

std::string preopened_path() {
    return "/var/tmp/sensor-e2e-preopened-" + std::to_string(getpid());
}

std::string extra_rules_path() {
    return "/tmp/sensor-e2e-fdres-rules-" + std::to_string(getpid()) + ".yaml";
}

// A rule on reads by fd: its file is named only through the fd.
std::string extra_rules_file() {
    std::ofstream(extra_rules_path()) << "- rule: e2e read of preopened file\n"
                                         "  desc: a read of the marker file\n"
                                         "  condition: evt.type = read and fd.name = "
                                      << preopened_path()
                                      << "\n"
                                         "  output: \"read %fd.name by %proc.pid\"\n"
                                         "  priority: INFO\n";
    return extra_rules_path();
}

struct StableAndDefaultRules {
    static const char* name() { return "fdres"; }
    static std::vector<std::string> args() {
        return {"-r", std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml",
                "-r", std::string(SENSOR_SOURCE_DIR) + "/rules",
                "-r", extra_rules_file(),
                "-o", "rule_matching=all"};
    }
    static const char* symlink_rule() { return "Create Symlink Over Sensitive Files"; }
    static const char* linkpath_field() { return "evt.arg.linkpath"; }
};

// A child that opened the marker file before the sensor started and reads it, then exits at
// once, when told to (a byte on its pipe).
struct PreopenedReader {
    pid_t pid = -1;
    int go = -1;
};

class LiveFdResolution : public sensor::testing::LiveSuite<StableAndDefaultRules> {
  protected:
    static void SetUpTestSuite() {
        std::ofstream(preopened_path()) << "marker\n";
        reader_ = start_reader();
        LiveSuite::SetUpTestSuite();
    }
    static void TearDownTestSuite() {
        if (reader_.pid > 0) {
            close(reader_.go);  // the child reads EOF and exits
            waitpid(reader_.pid, nullptr, 0);
        }
        LiveSuite::TearDownTestSuite();
        fs::remove(preopened_path());
        fs::remove(extra_rules_path());
    }

    static PreopenedReader start_reader() {
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) return {};    // the sensor must not hold the write end
        const std::string path = preopened_path();  // named by this process's pid
        pid_t child = fork();
        if (child == 0) {
            close(p[1]);
            int fd = open(path.c_str(), O_RDONLY);
            char c, buf[16];
            if (fd < 0 || read(p[0], &c, 1) != 1) _exit(1);
            _exit(read(fd, buf, sizeof buf) > 0 ? 0 : 2);
        }
        close(p[0]);
        return {child, p[1]};
    }

    static pid_t fork_child(const std::function<int()>& body) {
        pid_t child = fork();
        if (child == 0) _exit(body());
        return child;
    }

    static int wait_exit(pid_t child) {
        int status = 0;
        waitpid(child, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    static bool by_pid(const Json& j, pid_t pid) {
        return field(j, "proc.pid") == std::to_string(pid);
    }

    static inline PreopenedReader reader_;
};

constexpr const char* kTakenRule = "Credential file opened by handle or taken from another process";

// Reads a little of fd so the technique completes as an attacker's would.
int read_some(int fd) {
    char buf[64];
    return read(fd, buf, sizeof buf) > 0 ? 0 : 3;
}

// Fails on main: open_by_handle_at had no schema and no file, so fd.name was <NA> and no rule
// could name /etc/shadow.
TEST_F(LiveFdResolution, ShadowOpenedByHandle) {
    pid_t child = fork_child([] {
        alignas(file_handle) unsigned char buf[sizeof(file_handle) + MAX_HANDLE_SZ] = {};
        auto* handle = reinterpret_cast<file_handle*>(buf);
        handle->handle_bytes = MAX_HANDLE_SZ;
        int mount_id = 0;
        if (name_to_handle_at(AT_FDCWD, "/etc/shadow", handle, &mount_id, 0) != 0) return 1;
        int mount_fd = open("/etc", O_RDONLY | O_DIRECTORY);
        int fd = open_by_handle_at(mount_fd, handle, O_RDONLY);
        return fd < 0 ? 2 : read_some(fd);
    });
    ASSERT_EQ(wait_exit(child), 0);
    Json a = expect_alert(kTakenRule, [&](const Json& j) { return by_pid(j, child); });
    EXPECT_EQ(field(a, "fd.name"), "/etc/shadow");
    EXPECT_EQ(field(a, "evt.type"), "open_by_handle_at");
    EXPECT_EQ(a.value("priority", ""), "Warning");
}

// Fails on main: pidfd_getfd was not followed, so the copied fd had no entry and no rule
// looked at the call.
TEST_F(LiveFdResolution, ShadowTakenWithPidfdGetfd) {
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    pid_t holder = fork_child([&] {  // may open the file; the thief may not (by our rules)
        close(p[1]);
        int fd = open("/etc/shadow", O_RDONLY);
        if (fd != 77 && dup2(fd, 77) != 77) return 1;
        char c;
        return read(p[0], &c, 1) >= 0 ? 0 : 1;  // until the thief is done
    });
    close(p[0]);
    pid_t thief = fork_child([&] {
        int pidfd = static_cast<int>(syscall(SYS_pidfd_open, holder, 0));
        for (int i = 0; i < 1000; ++i) {  // until the holder has its fd 77
            int fd = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, 77, 0));
            if (fd >= 0) return read_some(fd);
            usleep(1000);
        }
        return 4;
    });
    ASSERT_EQ(wait_exit(thief), 0);
    close(p[1]);
    ASSERT_EQ(wait_exit(holder), 0);
    Json a = expect_alert(kTakenRule, [&](const Json& j) { return by_pid(j, thief); });
    EXPECT_EQ(field(a, "fd.name"), "/etc/shadow");
    EXPECT_EQ(field(a, "evt.type"), "pidfd_getfd");
}

// Sends fd over the Unix socket s with SCM_RIGHTS.
bool send_fd(int s, int fd) {
    char byte = 'x';
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(s, &msg, 0) == 1;
}

int receive_fd(int s) {
    char byte;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (recvmsg(s, &msg, 0) != 1) return -1;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
    int fd;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

// Fails on main: recvmsg's control data was not read, so the received fd had no entry and
// no field named the received file.
TEST_F(LiveFdResolution, ShadowReceivedOverSocket) {
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pid_t sender = fork_child([&] {
        int fd = open("/etc/shadow", O_RDONLY);
        return fd >= 0 && send_fd(sv[0], fd) ? 0 : 1;
    });
    pid_t receiver = fork_child([&] {
        int fd = receive_fd(sv[1]);
        return fd < 0 ? 2 : read_some(fd);
    });
    ASSERT_EQ(wait_exit(sender), 0);
    ASSERT_EQ(wait_exit(receiver), 0);
    close(sv[0]);
    close(sv[1]);
    Json a = expect_alert("Credential file received over a socket",
                          [&](const Json& j) { return by_pid(j, receiver); });
    EXPECT_NE(field(a, "fd.received").find("/etc/shadow"), std::string::npos) << a.dump();
    EXPECT_NE(field(a, "fd.name"), "/etc/shadow");  // fd.* is still the socket
}

std::string dynamic_loader() {
    for (const char* p : {"/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1"})
        if (fs::exists(p)) return p;
    return {};
}

// Fails on main: mmap carried no file (fd.* unfilled) and no field said a mapping was
// executable, so a binary run by `ld.so /dev/shm/x` was never named.
TEST_F(LiveFdResolution, LoaderRunsBinaryFromDevShm) {
    std::string loader = dynamic_loader();
    ASSERT_FALSE(loader.empty()) << "no dynamic loader found";
    std::string bin = "/dev/shm/e2e-ldso-" + std::to_string(getpid());
    fs::copy_file("/bin/true", bin, fs::copy_options::overwrite_existing);
    fs::permissions(bin, fs::perms::owner_read | fs::perms::owner_write);  // no exec bit
    ASSERT_EQ(run_program({loader, bin}), 0);
    Json a = expect_alert("Program loaded from writable location by dynamic loader",
                          [&](const Json& j) { return field(j, "fd.name") == bin; });
    EXPECT_NE(field(a, "evt.arg.prot").find("PROT_EXEC"), std::string::npos) << a.dump();
    fs::remove(bin);

    // The loader running a system binary is no alert.
    ASSERT_EQ(run_program({loader, "/bin/true"}), 0);
    std::string system_true = fs::canonical("/bin/true").string();
    expect_no_alert(
        [&](const Json& j) {
            return sensor::testing::rule_of(j) ==
                       "Program loaded from writable location by dynamic loader" &&
                   field(j, "fd.name") == system_true;
        },
        "the loader running /bin/true");
}

// The read's file comes from the kernel with the record: the reader opened it before the
// sensor started and exits right after the read, so /proc no longer has the fd when the
// sensor looks (on main fd.name was <NA>, unless the sensor won that race).
TEST_F(LiveFdResolution, ReadOfFileOpenedBeforeStart) {
    ASSERT_GT(reader_.pid, 0);
    ASSERT_EQ(write(reader_.go, "g", 1), 1);
    ASSERT_EQ(wait_exit(reader_.pid), 0);
    pid_t pid = reader_.pid;
    reader_.pid = -1;
    Json a =
        expect_alert("e2e read of preopened file", [&](const Json& j) { return by_pid(j, pid); });
    EXPECT_EQ(field(a, "fd.name"), preopened_path());
}

}  // namespace
