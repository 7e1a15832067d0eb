// End to end, as root: the real sensor binary with the upstream stable rules
// (../shared/rules/falco_rules.yaml) and the real probe, while this test performs real attacks
// and their benign counterparts. Each attack's alert is asserted with its output fields; each
// benign action must produce no alert (checked after a later alert proves the sensor has
// processed everything before it).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "e2e/live_suite.h"

namespace fs = std::filesystem;
using sensor::testing::field;
using sensor::testing::own_name;
using sensor::testing::run_program;
using Json = nlohmann::json;

namespace {

struct StableRules {
    static const char* name() { return "stable"; }
    static std::vector<std::string> args() {
        return {"-r", std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml", "-o",
                "rule_matching=all"};
    }
    static const char* symlink_rule() { return "Create Symlink Over Sensitive Files"; }
    static const char* linkpath_field() { return "evt.arg.linkpath"; }
};

using LiveAttacks = sensor::testing::LiveSuite<StableRules>;

TEST_F(LiveAttacks, ShadowReadByUntrustedProgram) {
    std::string cat = copy_binary("/bin/cat", "e2e-shadowcat");
    ASSERT_EQ(run_program({cat, "/etc/shadow"}), 0);
    Json a = expect_alert("Read sensitive file untrusted",
                          [](const Json& j) { return field(j, "proc.name") == "e2e-shadowcat"; });
    EXPECT_EQ(field(a, "fd.name"), "/etc/shadow");
    EXPECT_EQ(field(a, "proc.cmdline"), "e2e-shadowcat /etc/shadow");
    EXPECT_EQ(field(a, "proc.exepath"), cat);
    EXPECT_EQ(field(a, "proc.pname"), own_name());
    EXPECT_EQ(field(a, "user.name"), "root");
    EXPECT_EQ(field(a, "user.uid"), "0");
    EXPECT_EQ(field(a, "evt.type"), "openat");
    EXPECT_EQ(a.value("priority", ""), "Warning");
    EXPECT_EQ(a.value("source", ""), "syscall");
}

TEST_F(LiveAttacks, ShadowReadBenignCounterparts) {
    // The same program reading a non-sensitive file, and a trusted program (sshd) reading
    // /etc/shadow, are not alerts.
    std::string cat = copy_binary("/bin/cat", "e2e-benigncat");
    std::string sshd = copy_binary("/bin/cat", "sshd");
    ASSERT_EQ(run_program({cat, "/etc/hostname"}), 0);
    ASSERT_EQ(run_program({sshd, "/etc/shadow"}), 0);
    expect_no_alert(
        [](const Json& j) {
            return field(j, "proc.name") == "e2e-benigncat" ||
                   (field(j, "proc.name") == "sshd" && field(j, "fd.name") == "/etc/shadow");
        },
        "a benign read");
}

TEST_F(LiveAttacks, SymlinkOverShadow) {
    std::string link = dir_ + "/innocent-link";
    ASSERT_EQ(run_program({"/bin/ln", "-s", "/etc/shadow", link}), 0);
    Json a = expect_alert("Create Symlink Over Sensitive Files",
                          [&](const Json& j) { return field(j, "evt.arg.linkpath") == link; });
    EXPECT_EQ(field(a, "evt.arg.target"), "/etc/shadow");
    EXPECT_EQ(field(a, "proc.name"), "ln");
    EXPECT_EQ(field(a, "proc.cmdline"), "ln -s /etc/shadow " + link);
    EXPECT_EQ(field(a, "evt.type"), "symlinkat");
    EXPECT_EQ(field(a, "user.name"), "root");

    std::string benign = dir_ + "/hostname-link";
    ASSERT_EQ(run_program({"/bin/ln", "-s", "/etc/hostname", benign}), 0);
    expect_no_alert([&](const Json& j) { return field(j, "evt.arg.linkpath") == benign; },
                    "a symlink to /etc/hostname");
}

TEST_F(LiveAttacks, TruncateLogFile) {
    std::string log = "/var/log/sensor-e2e-" + std::to_string(getpid()) + ".log";
    // Created without O_TRUNC (an ofstream would truncate, and rightly alert).
    int fd = open(log.c_str(), O_CREAT | O_WRONLY | O_APPEND, 0644);
    ASSERT_GE(fd, 0);
    close(fd);
    std::string sh = copy_binary("/bin/sh", "e2e-logwiper");
    // Appending is benign; `: > file` opens it with O_TRUNC.
    ASSERT_EQ(run_program({sh, "-c", "echo more >> " + log}), 0);
    ASSERT_EQ(run_program({sh, "-c", ": > " + log}), 0);
    Json a = expect_alert("Clear Log Activities",
                          [&](const Json& j) { return field(j, "fd.name") == log; });
    EXPECT_EQ(field(a, "proc.name"), "e2e-logwiper");
    EXPECT_EQ(field(a, "proc.cmdline"), "e2e-logwiper -c : > " + log);
    EXPECT_EQ(field(a, "evt.type"), "openat");
    EXPECT_EQ(field(a, "user.name"), "root");
    size_t n = 0;
    for (const auto& x : alerts())
        n += sensor::testing::rule_of(x) == "Clear Log Activities" && field(x, "fd.name") == log;
    EXPECT_EQ(n, 1u) << "only the truncating open alerts, not the append";
    fs::remove(log);
}

TEST_F(LiveAttacks, ExecuteFromDevShm) {
    std::string bin = "/dev/shm/e2e-shm-" + std::to_string(getpid());
    fs::copy_file("/bin/true", bin, fs::copy_options::overwrite_existing);
    fs::permissions(bin, fs::perms::owner_all);
    ASSERT_EQ(run_program({bin}), 0);
    Json a = expect_alert("Execution from /dev/shm",
                          [&](const Json& j) { return field(j, "proc.exepath") == bin; });
    EXPECT_EQ(field(a, "evt.type"), "execve");
    EXPECT_EQ(field(a, "evt.res"), "SUCCESS");
    EXPECT_EQ(field(a, "proc.pname"), own_name());
    EXPECT_EQ(field(a, "user.name"), "root");
    fs::remove(bin);

    std::string benign = copy_binary("/bin/true", "e2e-not-shm");
    ASSERT_EQ(run_program({benign}), 0);
    expect_no_alert(
        [&](const Json& j) {
            return sensor::testing::rule_of(j) == "Execution from /dev/shm" &&
                   field(j, "proc.exepath") == benign;
        },
        "an exec outside /dev/shm");
}

TEST_F(LiveAttacks, ExecuteMemfd) {
    ASSERT_EQ(sensor::testing::run_from_memfd("e2e-fileless"), 0);
    Json a = expect_alert("Fileless execution via memfd_create", [&](const Json& j) {
        return field(j, "proc.cmdline").rfind("fileless", 0) == 0 ||
               field(j, "proc.exepath").find("memfd:e2e-fileless") != std::string::npos;
    });
    EXPECT_NE(field(a, "proc.exepath").find("memfd:e2e-fileless"), std::string::npos);
    std::string type = field(a, "evt.type");
    EXPECT_TRUE(type == "execve" || type == "execveat") << type;
    EXPECT_EQ(field(a, "proc.pname"), own_name());
    EXPECT_NE(field(a, "evt.arg.flags").find("EXE_FROM_MEMFD"), std::string::npos);
}

TEST_F(LiveAttacks, PtraceAttach) {
    pid_t victim = fork();
    if (victim == 0) {
        pause();
        _exit(0);
    }
    // A benign ptrace request first (a peek at a process we do not trace: ESRCH).
    errno = 0;
    ptrace(PTRACE_PEEKDATA, victim, nullptr, nullptr);
    ASSERT_EQ(ptrace(PTRACE_ATTACH, victim, nullptr, nullptr), 0) << strerror(errno);
    int status = 0;
    waitpid(victim, &status, 0);
    ptrace(PTRACE_DETACH, victim, nullptr, nullptr);
    kill(victim, SIGKILL);
    waitpid(victim, &status, 0);
    Json a = expect_alert("PTRACE attached to process",
                          [&](const Json& j) { return field(j, "proc.name") == own_name(); });
    EXPECT_EQ(field(a, "evt.type"), "ptrace");
    EXPECT_EQ(field(a, "user.name"), "root");
    EXPECT_NE(field(a, "proc.cmdline").find(own_name()), std::string::npos);
    size_t n = 0;
    for (const auto& x : alerts())
        n += sensor::testing::rule_of(x) == "PTRACE attached to process" &&
             field(x, "proc.name") == own_name();
    EXPECT_EQ(n, 1u) << "PTRACE_PEEKDATA is not an attach";
}

TEST_F(LiveAttacks, ShellSpawnedByWebServer) {
    std::string nginx = copy_binary("/bin/bash", "nginx");
    // "; true" makes the outer shell fork for the inner sh instead of exec'ing it.
    ASSERT_EQ(run_program({nginx, "-c", "/bin/sh -c 'echo pwned'; true"}), 0);
    Json a = expect_alert("Run shell untrusted",
                          [](const Json& j) { return field(j, "proc.pname") == "nginx"; });
    EXPECT_EQ(field(a, "proc.name"), "sh");
    EXPECT_EQ(field(a, "proc.cmdline"), "sh -c echo pwned");
    EXPECT_EQ(field(a, "proc.pexepath"), nginx);
    EXPECT_EQ(field(a, "evt.type"), "execve");
    EXPECT_EQ(field(a, "user.name"), "root");

    std::string builder = copy_binary("/bin/bash", "e2e-builder");
    ASSERT_EQ(run_program({builder, "-c", "/bin/sh -c 'echo build'; true"}), 0);
    expect_no_alert([](const Json& j) { return field(j, "proc.pname") == "e2e-builder"; },
                    "a shell spawned by a non-server program");
}

TEST_F(LiveAttacks, FindPrivateKeys) {
    ASSERT_EQ(run_program({"/usr/bin/find", dir_, "-name", "id_rsa"}), 0);
    Json a = expect_alert("Search Private Keys or Passwords", [&](const Json& j) {
        return field(j, "proc.cmdline") == "find " + dir_ + " -name id_rsa";
    });
    EXPECT_EQ(field(a, "proc.name"), "find");
    EXPECT_EQ(field(a, "proc.exepath"), "/usr/bin/find");
    EXPECT_EQ(field(a, "evt.type"), "execve");
    EXPECT_EQ(field(a, "proc.pname"), own_name());

    ASSERT_EQ(run_program({"/usr/bin/find", dir_, "-name", "*.txt"}), 0);
    expect_no_alert(
        [&](const Json& j) { return field(j, "proc.cmdline") == "find " + dir_ + " -name *.txt"; },
        "find for text files");
}

}  // namespace
