// End to end, as root: process lineage survives the classic ways of hiding a shell's origin.
// A program named httpd double-forks (and, in the second case, the middle child calls setsid,
// as a daemon does); the middle child and httpd exit, so the kernel hands the grandchild to
// pid 1 before it execs a shell. The real sensor, with the upstream stable rules and our
// default rules, must still name httpd as the shell's parent, its group leader and (after
// setsid) its session leader.
//
// On main before lineage keeping, each case failed: the sensor re-parented the grandchild to
// pid 1 when the middle child exited, so proc.pname was pid 1's name, proc.aname[] held no
// httpd (neither "Run shell untrusted" nor "Shell spawned by network service" fired), and the
// group and session leaders, found by walking parents, came out as the shell itself.
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "e2e/lineage_rules.h"
#include "e2e/live_suite.h"

using sensor::testing::field;
using sensor::testing::run_program;
using Json = nlohmann::json;

namespace {

using LiveLineage = sensor::testing::LiveSuite<sensor::testing::StableAndDefaultRules>;

// httpd (perl under that name) leads its own process group, forks a child that forks the
// grandchild and exits; httpd reaps it and exits. The grandchild waits for both to be gone
// (EOF on a pipe only they hold open) and then execs `sh -c ": TAG"`. With setsid, the middle
// child first starts a session (and group) of its own, as a daemonizing server does.
std::string double_fork_script(const std::string& tag, bool setsid) {
    std::string s =
        "use POSIX (); setpgrp(0, 0); pipe(my $r, my $w) or die;"
        "my $c1 = fork(); die unless defined $c1;"
        "if ($c1 == 0) {";
    if (setsid) s += " POSIX::setsid() > 0 or POSIX::_exit(3);";
    s += "  my $c2 = fork(); POSIX::_exit(4) unless defined $c2;"
         "  if ($c2 == 0) { close($w); my $x; sysread($r, $x, 1);"
         "    exec { '/bin/sh' } 'sh', '-c', ': " +
         tag +
         "'; POSIX::_exit(5); }"
         "  POSIX::_exit(0);"
         "}"
         "waitpid($c1, 0); POSIX::_exit($? >> 8);";
    return s;
}

bool shell_alert(const Json& j, const std::string& tag) {
    return field(j, "proc.cmdline") == "sh -c : " + tag;
}

TEST_F(LiveLineage, ShellAfterDoubleForkNamesHttpd) {
    std::string httpd = copy_binary("/usr/bin/perl", "httpd");
    ASSERT_EQ(run_program({httpd, "-e", double_fork_script("lineage-double-fork", false)}), 0);
    auto is_ours = [](const Json& j) { return shell_alert(j, "lineage-double-fork"); };
    Json a = expect_alert("Run shell untrusted", is_ours);
    EXPECT_EQ(field(a, "proc.pname"), "httpd") << a.dump();
    EXPECT_EQ(field(a, "proc.aname[2]"), "httpd") << a.dump();
    // httpd has exited: its kept identity still leads the shell's process group.
    EXPECT_EQ(field(a, "proc.vpgid.name"), "httpd") << a.dump();
    EXPECT_EQ(field(a, "proc.pexepath"), httpd) << a.dump();
    Json b = expect_alert("Shell spawned by network service", is_ours);
    EXPECT_EQ(field(b, "proc.pname"), "httpd") << b.dump();
    EXPECT_EQ(field(b, "proc.vpgid.name"), "httpd") << b.dump();
}

TEST_F(LiveLineage, ShellAfterDoubleForkAndSetsidNamesHttpd) {
    std::string httpd = copy_binary("/usr/bin/perl", "httpd");
    ASSERT_EQ(run_program({httpd, "-e", double_fork_script("lineage-setsid", true)}), 0);
    auto is_ours = [](const Json& j) { return shell_alert(j, "lineage-setsid"); };
    Json a = expect_alert("Run shell untrusted", is_ours);
    EXPECT_EQ(field(a, "proc.pname"), "httpd") << a.dump();
    EXPECT_EQ(field(a, "proc.aname[2]"), "httpd") << a.dump();
    // The middle child (a fork of httpd, exited) leads the new session and group.
    EXPECT_EQ(field(a, "proc.sid.exe"), httpd) << a.dump();
    EXPECT_EQ(field(a, "proc.vpgid.name"), "httpd") << a.dump();
    Json b = expect_alert("Shell spawned by network service", is_ours);
    EXPECT_EQ(field(b, "proc.sid.exe"), httpd) << b.dump();
}

// The same program without the double fork is a plain child: still httpd, and a benign
// program (not a shell) run the same way raises nothing.
TEST_F(LiveLineage, NonShellAfterDoubleForkIsNoAlert) {
    std::string httpd = copy_binary("/usr/bin/perl", "httpd");
    std::string script = double_fork_script("lineage-benign", false);
    // exec /bin/true instead of a shell
    std::string from = "exec { '/bin/sh' } 'sh', '-c', ': lineage-benign';";
    size_t at = script.find(from);
    ASSERT_NE(at, std::string::npos);
    script.replace(at, from.size(), "exec { '/bin/true' } 'true', 'lineage-benign';");
    ASSERT_EQ(run_program({httpd, "-e", script}), 0);
    expect_no_alert([](const Json& j) { return field(j, "proc.cmdline") == "true lineage-benign"; },
                    "a non-shell program after a double fork");
}

}  // namespace
