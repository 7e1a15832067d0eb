// End to end, as root: event fidelity of live events against what the test knows it did.
// Each test names the behaviour of the sensor before its fix that made it fail:
//  - environments: exec records carried none, so proc.env was empty for every process started
//    after the sensor and no rule on it (GLIBC_TUNABLES) could fire;
//  - chmod modes: rendered as octal ("04755"), so Falco's "Set Setuid or Setgid bit"
//    (evt.arg.mode contains "S_ISUID") never matched;
//  - bound sockets: bind set the socket as a client with the bound address as its client end,
//    so a listening socket read fd.sip=0.0.0.0, fd.is_server=false and an empty fd.name;
//  - times: records of one task within one tick shared the first one's clock reading, so a
//    burst of failed setuid calls carried times from before most of the calls.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "e2e/live_helpers.h"
#include "e2e/live_suite.h"

using sensor::testing::field;
using sensor::testing::own_name;
using Json = nlohmann::json;

namespace {

std::string rules_path() {
    return "/tmp/sensor-e2e-fidelity-rules-" + std::to_string(getpid()) + ".yaml";
}

// The test's own children keep its comm (proc.name); alerts are told apart by pid.
std::string rules_file() {
    std::string me = own_name();
    std::ofstream out(rules_path());
    out << "- rule: e2e env\n"
           "  desc: the environment of a process started after the sensor\n"
           "  condition: evt.type in (execve, execveat) and proc.name = e2e-env\n"
           "  output: \"env %proc.pid %proc.env %proc.env[HTTP_PROXY] %proc.env[GLIBC_TUNABLES] "
           "%proc.env[BIG] %proc.aenv[E2E_PARENT_MARK] %proc.aenv[1] %proc.aenv[0]\"\n"
           "  priority: INFO\n"
           "- rule: e2e aenv any\n"
           "  desc: proc.aenv without an argument matches any parent's environment\n"
           "  condition: evt.type in (execve, execveat) and proc.name = e2e-env and proc.aenv "
           "contains 'E2E_PARENT_MARK=from-parent'\n"
           "  output: \"aenv %proc.pid\"\n"
           "  priority: INFO\n"
           "- rule: e2e mode\n"
           "  desc: chmod modes as Falco renders them\n"
           "  condition: evt.type in (chmod, fchmod, fchmodat) and proc.name = \""
        << me
        << "\"\n"
           "  output: \"mode %proc.pid %evt.type %evt.arg.mode %evt.rawarg.mode\"\n"
           "  priority: INFO\n"
           "- rule: e2e socket\n"
           "  desc: a bound, listening and accepting server socket\n"
           "  condition: evt.type in (bind, listen, accept, accept4) and proc.name = \""
        << me
        << "\"\n"
           "  output: \"sock %proc.pid %evt.type %fd.num %fd.name %fd.sip %fd.sport %fd.cip "
           "%fd.is_server %fd.typechar %fd.lip %fd.lport %fd.l4proto %evt.arg.addr %evt.res\"\n"
           "  priority: INFO\n"
           "- rule: e2e clock\n"
           "  desc: every record's time\n"
           "  condition: evt.type = setuid and proc.name = \""
        << me
        << "\"\n"
           "  output: \"clock %proc.pid %evt.rawtime %evt.rawarg.uid %evt.res\"\n"
           "  priority: INFO\n";
    return rules_path();
}

struct FidelityRules {
    static const char* name() { return "fidelity"; }
    static std::vector<std::string> args() {
        std::string rules = rules_file();  // read once at start; the suite removes it
        return {"-r", std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml",
                "-r", std::string(SENSOR_SHARED_DIR) + "/rules/falco-incubating_rules.yaml",
                "-r", rules,
                "-o", "rule_matching=all"};
    }
    static const char* symlink_rule() { return "Create Symlink Over Sensitive Files"; }
    static const char* linkpath_field() { return "evt.arg.linkpath"; }
};

class LiveFidelity : public sensor::testing::LiveSuite<FidelityRules> {
  protected:
    static void TearDownTestSuite() {
        std::filesystem::remove(rules_path());
        LiveSuite<FidelityRules>::TearDownTestSuite();
    }
};

// Runs body in a forked child; returns its exit code (0: every step succeeded).
template <typename Body>
int in_child(pid_t& pid, Body body) {
    pid = fork();
    if (pid == 0) _exit(body());
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

uint64_t realtime_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

TEST_F(LiveFidelity, ExecCarriesTheEnvironmentBoundedAndAncestorsEnvironments) {
    // A shell (with the parent's mark in its environment) runs env(1), which execs the
    // program with exactly this environment, in this order: BIG crosses the probe's bound of
    // 4095 bytes, so it is cut and dropped; the variables before it are kept.
    std::string prog = copy_binary("/bin/true", "e2e-env");
    std::string shell = copy_binary("/bin/bash", "e2e-envp");
    std::string big(6000, 'x');
    std::string script =
        "/usr/bin/env -i GLIBC_TUNABLES=glibc.malloc.check=1 "
        "HTTP_PROXY=http://10.1.2.3:3128 BIG=" +
        big + " " + prog + "; true";
    pid_t parent = 0;
    ASSERT_EQ(in_child(parent,
                       [&] {
                           char mark[] = "E2E_PARENT_MARK=from-parent";
                           char path[] = "PATH=/usr/bin:/bin";
                           char* envp[] = {mark, path, nullptr};
                           execle(shell.c_str(), "e2e-envp", "-c", script.c_str(),
                                  static_cast<char*>(nullptr), envp);
                           return 127;
                       }),
              0);
    Json e = expect_alert("e2e env", [](const Json&) { return true; });
    EXPECT_EQ(field(e, "proc.env[HTTP_PROXY]"), "http://10.1.2.3:3128");
    EXPECT_EQ(field(e, "proc.env[GLIBC_TUNABLES]"), "glibc.malloc.check=1");
    EXPECT_EQ(field(e, "proc.env[BIG]"), "<null>") << "the cut variable is dropped, not kept cut";
    EXPECT_EQ(field(e, "proc.env"),
              "GLIBC_TUNABLES=glibc.malloc.check=1 HTTP_PROXY=http://10.1.2.3:3128");
    EXPECT_EQ(field(e, "proc.aenv[0]"), field(e, "proc.env"));
    EXPECT_EQ(field(e, "proc.aenv[E2E_PARENT_MARK]"), "from-parent");
    EXPECT_EQ(field(e, "proc.aenv[1]"), "E2E_PARENT_MARK=from-parent PATH=/usr/bin:/bin");
    expect_alert("e2e aenv any",
                 [&](const Json& j) { return field(j, "proc.pid") == field(e, "proc.pid"); });
    // Falco's own rule on the variable (CVE-2023-4911) fires on it.
    Json g = expect_alert("Potential Local Privilege Escalation via Environment Variables Misuse",
                          [](const Json& j) { return field(j, "proc.name") == "e2e-env"; });
    EXPECT_NE(field(g, "proc.env").find("GLIBC_TUNABLES=glibc.malloc.check=1"), std::string::npos);
}

TEST_F(LiveFidelity, ChmodModesRenderAsFalcosFlagNames) {
    std::string file = dir_ + "/suid-target";
    std::ofstream(file) << "x";
    pid_t child = 0;
    ASSERT_EQ(in_child(child,
                       [&] {
                           // The syscalls themselves: libc may implement one with another.
                           if (syscall(SYS_chmod, file.c_str(), 04755) != 0) return 1;
                           int fd = open(file.c_str(), O_RDONLY);
                           if (fd < 0 || syscall(SYS_fchmod, fd, 02750) != 0) return 2;
                           close(fd);
                           return syscall(SYS_fchmodat, AT_FDCWD, file.c_str(), 0644) == 0 ? 0 : 3;
                       }),
              0);
    auto mode_of = [&](const std::string& type) {
        Json m = expect_alert("e2e mode", [&](const Json& j) {
            return field(j, "proc.pid") == std::to_string(child) && field(j, "evt.type") == type;
        });
        return field(m, "evt.arg.mode");
    };
    EXPECT_EQ(mode_of("chmod"), "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID");
    EXPECT_EQ(mode_of("fchmod"), "S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISGID");
    EXPECT_EQ(mode_of("fchmodat"), "S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR");
    // Falco's rule on it (incubating), for chmod and fchmod but not the plain 0644. Its
    // output has no pid: the file (this run's own) and the mode tell the events apart.
    const std::string suid = "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID";
    const std::string sgid = "S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISGID";
    const std::string rule = "Set Setuid or Setgid bit";
    Json c = expect_alert(rule, [&](const Json& j) {
        return field(j, "evt.type") == "chmod" && field(j, "evt.arg.filename") == file;
    });
    EXPECT_EQ(field(c, "evt.arg.mode"), suid);
    expect_alert(rule, [&](const Json& j) {
        return field(j, "evt.type") == "fchmod" && field(j, "evt.arg.mode") == sgid;
    });
    expect_no_alert(
        [&](const Json& j) {
            return sensor::testing::rule_of(j) == rule && field(j, "evt.type") == "fchmodat" &&
                   field(j, "evt.arg.filename") == file;
        },
        "a chmod without setuid or setgid bits");
}

TEST_F(LiveFidelity, BoundListeningSocketIsAServerAtItsAddress) {
    uint16_t port = sensor::testing::free_local_port(SOCK_STREAM);
    ASSERT_NE(port, 0);
    pid_t child = 0;
    ASSERT_EQ(in_child(child,
                       [&] {
                           int s = socket(AF_INET, SOCK_STREAM, 0);
                           sockaddr_in a{};
                           a.sin_family = AF_INET;
                           a.sin_port = htons(port);
                           a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                           if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 1;
                           if (listen(s, 4) != 0) return 2;
                           int c = socket(AF_INET, SOCK_STREAM, 0);
                           if (connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 3;
                           return accept(s, nullptr, nullptr) >= 0 ? 0 : 4;
                       }),
              0);
    std::string pid = std::to_string(child), addr = "127.0.0.1:" + std::to_string(port);
    auto event = [&](const std::string& type) {
        return expect_alert("e2e socket", [&](const Json& j) {
            std::string t = field(j, "evt.type");
            return field(j, "proc.pid") == pid &&
                   (t == type || (type == "accept" && t == "accept4"));
        });
    };
    Json b = event("bind");
    EXPECT_EQ(field(b, "evt.arg.addr"), addr);
    EXPECT_EQ(field(b, "fd.name"), addr);
    for (const Json& e : {b, event("listen")}) {
        EXPECT_EQ(field(e, "fd.name"), addr) << e.dump();
        EXPECT_EQ(field(e, "fd.sip"), "127.0.0.1");
        EXPECT_EQ(field(e, "fd.sport"), std::to_string(port));
        EXPECT_EQ(field(e, "fd.lip"), "127.0.0.1");
        EXPECT_EQ(field(e, "fd.lport"), std::to_string(port));
        EXPECT_EQ(field(e, "fd.cip"), "<null>");
        EXPECT_EQ(field(e, "fd.is_server"), "true");
        EXPECT_EQ(field(e, "fd.typechar"), "4");
        EXPECT_EQ(field(e, "fd.l4proto"), "tcp");
        EXPECT_EQ(field(e, "evt.res"), "SUCCESS");
    }
    Json a = event("accept");  // or accept4: glibc's accept is that on some architectures
    EXPECT_EQ(field(a, "fd.is_server"), "true");
    EXPECT_EQ(field(a, "fd.sip"), "127.0.0.1");
    EXPECT_EQ(field(a, "fd.sport"), std::to_string(port));
    EXPECT_EQ(field(a, "fd.name").substr(field(a, "fd.name").size() - addr.size() - 2),
              "->" + addr);
}

TEST_F(LiveFidelity, EveryRecordCarriesItsOwnExactTime) {
    // The child (as nobody) calls setuid(0) 64 times, each failing with EPERM, with the wall
    // clock read just before and after each call; after call 10 it sleeps 200 ms. Each
    // record's evt.rawtime must lie in its call's window: a shared or stale clock reading
    // puts most of a burst's records before their windows.
    constexpr int kCalls = 64;
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t child = 0;
    int rc = in_child(child, [&] {
        close(fds[0]);
        if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) return 1;
        uint64_t window[kCalls][2];
        for (int i = 0; i < kCalls; ++i) {
            if (i == 10) usleep(200 * 1000);
            window[i][0] = realtime_ns();
            if (setuid(static_cast<uid_t>(i)) == 0) return 2;  // as nobody it must fail
            window[i][1] = realtime_ns();
        }
        return write(fds[1], window, sizeof window) == sizeof window ? 0 : 3;
    });
    close(fds[1]);
    uint64_t window[kCalls][2] = {};
    ASSERT_EQ(read(fds[0], window, sizeof window), static_cast<ssize_t>(sizeof window));
    close(fds[0]);
    ASSERT_EQ(rc, 0);
    for (int i = 0; i < kCalls; ++i) {
        Json e = expect_alert("e2e clock", [&](const Json& j) {
            return field(j, "proc.pid") == std::to_string(child) &&
                   field(j, "evt.rawarg.uid") == std::to_string(i);
        });
        uint64_t t = std::stoull(field(e, "evt.rawtime"));
        EXPECT_EQ(field(e, "evt.res"), "EPERM");
        EXPECT_GE(t, window[i][0])
            << "call " << i << " stamped " << window[i][0] - t << " ns before it started";
        EXPECT_LE(t, window[i][1])
            << "call " << i << " stamped " << t - window[i][1] << " ns after it returned";
    }
}

}  // namespace
