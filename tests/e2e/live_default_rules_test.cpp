// End to end, as root: the real sensor with the project's own default rules (rules/) against
// real actions, each alert asserted with its rule name and key fields.
#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/live_suite.h"

using sensor::testing::field;
using sensor::testing::own_name;
using sensor::testing::run_program;
using Json = nlohmann::json;

namespace {

struct DefaultRules {
    static const char* name() { return "default"; }
    static std::vector<std::string> args() {
        return {"-r", std::string(SENSOR_SOURCE_DIR) + "/rules", "-o", "rule_matching=all"};
    }
    static const char* symlink_rule() { return "Symlink to sensitive path created"; }
    static const char* linkpath_field() { return "evt.arg.linkpath"; }
};

using LiveDefaultRules = sensor::testing::LiveSuite<DefaultRules>;

TEST_F(LiveDefaultRules, CredentialFileRead) {
    std::string cat = copy_binary("/bin/cat", "e2e-credcat");
    ASSERT_EQ(run_program({cat, "/etc/shadow"}), 0);
    Json a = expect_alert("Credential file read by untrusted program",
                          [](const Json& j) { return field(j, "proc.name") == "e2e-credcat"; });
    EXPECT_EQ(field(a, "fd.name"), "/etc/shadow");
    EXPECT_EQ(field(a, "proc.cmdline"), "e2e-credcat /etc/shadow");
    EXPECT_EQ(a.value("priority", ""), "Warning");

    std::string benign = copy_binary("/bin/cat", "e2e-hostcat");
    ASSERT_EQ(run_program({benign, "/etc/hostname"}), 0);
    expect_no_alert([](const Json& j) { return field(j, "proc.name") == "e2e-hostcat"; },
                    "reading /etc/hostname");
}

TEST_F(LiveDefaultRules, WritesBelowBinaryDirAndEtc) {
    std::string bin = "/usr/local/bin/sensor-e2e-" + std::to_string(getpid());
    std::string conf = "/etc/sensor-e2e-" + std::to_string(getpid()) + ".conf";
    std::string sh = copy_binary("/bin/sh", "e2e-dropper");
    ASSERT_EQ(run_program({sh, "-c", "echo x > " + bin + "; echo y > " + conf}), 0);
    Json a = expect_alert("File written in system binary directory",
                          [&](const Json& j) { return field(j, "fd.name") == bin; });
    EXPECT_EQ(field(a, "proc.name"), "e2e-dropper");
    EXPECT_EQ(a.value("priority", ""), "Error");
    Json b = expect_alert("Configuration file written below /etc",
                          [&](const Json& j) { return field(j, "fd.name") == conf; });
    EXPECT_EQ(field(b, "proc.name"), "e2e-dropper");
    std::filesystem::remove(bin);
    std::filesystem::remove(conf);

    // Reading a binary is not writing one.
    ASSERT_EQ(run_program({sh, "-c", "cat /usr/bin/true > /dev/null"}), 0);
    expect_no_alert(
        [](const Json& j) {
            return sensor::testing::rule_of(j) == "File written in system binary directory" &&
                   field(j, "fd.name") == "/usr/bin/true";
        },
        "reading /usr/bin/true");
}

TEST_F(LiveDefaultRules, NamespaceChange) {
    std::string unshare = copy_binary("/usr/bin/unshare", "e2e-unshare");
    ASSERT_EQ(run_program({unshare, "-n", "/bin/true"}), 0);
    Json a = expect_alert("Namespace change by unexpected program",
                          [](const Json& j) { return field(j, "proc.name") == "e2e-unshare"; });
    EXPECT_EQ(field(a, "evt.type"), "unshare");
    EXPECT_NE(field(a, "evt.args").find("flags=CLONE_NEWNET"), std::string::npos) << a.dump();
}

TEST_F(LiveDefaultRules, FilelessAndPtrace) {
    ASSERT_EQ(sensor::testing::run_from_memfd("e2e-default-fileless"), 0);
    Json a = expect_alert("Fileless program run from memfd", [](const Json& j) {
        return field(j, "proc.exepath") == "memfd:e2e-default-fileless";
    });
    EXPECT_EQ(field(a, "proc.pname"), own_name());

    pid_t victim = fork();
    if (victim == 0) {
        pause();
        _exit(0);
    }
    ASSERT_EQ(ptrace(PTRACE_ATTACH, victim, nullptr, nullptr), 0);
    int status = 0;
    waitpid(victim, &status, 0);
    ptrace(PTRACE_DETACH, victim, nullptr, nullptr);
    kill(victim, SIGKILL);
    waitpid(victim, &status, 0);
    Json p = expect_alert("Ptrace attach or memory write",
                          [](const Json& j) { return field(j, "proc.name") == own_name(); });
    EXPECT_EQ(field(p, "evt.arg.request"), "PTRACE_ATTACH");
    EXPECT_EQ(field(p, "evt.arg.pid"), std::to_string(victim));
    EXPECT_EQ(field(p, "evt.res"), "SUCCESS");
}

}  // namespace
