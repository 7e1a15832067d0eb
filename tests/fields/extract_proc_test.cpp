// proc.* fields: the process, its parent and ancestors, session and group leaders.
#include <gtest/gtest.h>

#include "fields/fields_harness.h"

using namespace sensor::fields;
using namespace sensor::fields::fields_test;

TEST(FieldsProc, ProcessAndParent) {
    World w;
    EXPECT_EQ(val(w.ev, "proc.name"), "cat");
    EXPECT_EQ(val(w.ev, "proc.pid"), "300");
    EXPECT_EQ(val(w.ev, "thread.tid"), "301");
    EXPECT_EQ(val(w.ev, "thread.ismain"), "false");
    EXPECT_EQ(val(w.ev, "proc.args"), "/etc/shadow -n");
    EXPECT_EQ(val(w.ev, "proc.cmdline"), "cat /etc/shadow -n");
    EXPECT_EQ(val(w.ev, "proc.cmdnargs"), "2");
    EXPECT_EQ(val(w.ev, "proc.pname"), "bash");
    EXPECT_EQ(val(w.ev, "proc.pcmdline"), "bash");
    EXPECT_EQ(val(w.ev, "proc.pexepath"), "/usr/bin/bash");
    EXPECT_EQ(val(w.ev, "proc.tty"), "34816");
    EXPECT_EQ(val(w.ev, "proc.cwd"), "/root/");
    EXPECT_EQ(val(w.ev, "proc.env"), "HOME=/root PATH=/bin EMPTY=");
    EXPECT_EQ(val(w.ev, "proc.env[HOME]"), "/root");
    EXPECT_EQ(val(w.ev, "proc.env[EMPTY]"), "");
    EXPECT_EQ(val(w.ev, "proc.env[HOM]"), "<NA>");
    EXPECT_EQ(val(w.ev, "proc.duration"), std::to_string(w.ev.ts - 5000));
    EXPECT_EQ(val(w.ev, "proc.ppid.duration"), std::to_string(w.ev.ts - 1000));
    EXPECT_EQ(val(w.ev, "thread.cap_effective"), "CAP_NET_ADMIN CAP_SYS_ADMIN");
    EXPECT_EQ(val(w.ev, "thread.cap_permitted"), "");
    EXPECT_EQ(val(w.ev, "proc.exe_ino.ctime"), "<NA>");

    // The root process has no parent: parent fields are missing.
    w.ev.proc = &w.init;
    EXPECT_EQ(val(w.ev, "proc.pname"), "<NA>");
    EXPECT_EQ(val(w.ev, "proc.cmdline"), "systemd");
    EXPECT_EQ(values(w.ev, "proc.aname"), std::vector<std::string>{});
    w.ev.proc = nullptr;
    EXPECT_EQ(val(w.ev, "proc.name"), "<NA>");
    EXPECT_EQ(val(w.ev, "user.uid"), "<NA>");
}

TEST(FieldsProc, Ancestors) {
    World w;
    EXPECT_EQ(val(w.ev, "proc.aname[0]"), "cat");
    EXPECT_EQ(val(w.ev, "proc.aname[1]"), "bash");
    EXPECT_EQ(val(w.ev, "proc.aname[2]"), "sshd");
    EXPECT_EQ(val(w.ev, "proc.aname[3]"), "systemd");
    EXPECT_EQ(val(w.ev, "proc.aname[4]"), "<NA>");
    EXPECT_EQ(val(w.ev, "proc.apid[2]"), "100");
    EXPECT_EQ(val(w.ev, "proc.aexepath[2]"), "/usr/sbin/sshd");
    EXPECT_EQ(val(w.ev, "proc.acmdline[2]"), "sshd -D");
    EXPECT_EQ(values(w.ev, "proc.aname"), (std::vector<std::string>{"bash", "sshd", "systemd"}));
    EXPECT_EQ(values(w.ev, "proc.apid"), (std::vector<std::string>{"200", "100", "1"}));
    // With an argument only n = 0 yields a value.
    FieldRef ref = must_resolve("proc.aname[1]");
    Value v;
    std::string scratch;
    EXPECT_FALSE(ref.def->extract(w.ev, ref.arg, 1, v, scratch));
}

TEST(FieldsProc, SessionAndGroupLeaders) {
    World w;
    // cat's sid is 100 (sshd); bash and sshd share it.
    EXPECT_EQ(val(w.ev, "proc.sname"), "sshd");
    EXPECT_EQ(val(w.ev, "proc.is_sid_leader"), "false");
    EXPECT_EQ(val(w.ev, "proc.vpgid.name"), "cat");
    EXPECT_EQ(val(w.ev, "proc.is_vpgid_leader"), "true");
    w.ev.proc = &w.bash;
    EXPECT_EQ(val(w.ev, "proc.vpgid.name"), "sshd");
    EXPECT_EQ(val(w.ev, "proc.is_vpgid_leader"), "false");
    // No process with pid == sid: the eldest ancestor sharing the sid leads.
    w.sshd.sid = w.bash.sid = w.cat.sid = 77;
    w.ev.proc = &w.cat;
    EXPECT_EQ(val(w.ev, "proc.sname"), "sshd");
}

// proc.aenv (Falco's): [N] a level's whole environment, [NAME] the nearest ancestor's value
// (never the process's own), no argument: each parent's environment, nearest first.
TEST(FieldsProc, AncestorsEnvironment) {
    World w;
    w.sshd.env = {"LANG=C", "PROXY=sshd"};
    w.sshd.refresh_derived();
    w.bash.env = {"PROXY=bash"};
    w.bash.refresh_derived();
    EXPECT_EQ(val(w.ev, "proc.aenv[0]"), "HOME=/root PATH=/bin EMPTY=");
    EXPECT_EQ(val(w.ev, "proc.aenv[1]"), "PROXY=bash");
    EXPECT_EQ(val(w.ev, "proc.aenv[2]"), "LANG=C PROXY=sshd");
    EXPECT_EQ(val(w.ev, "proc.aenv[9]"), "<NA>");
    EXPECT_EQ(val(w.ev, "proc.aenv[PROXY]"), "bash");
    EXPECT_EQ(val(w.ev, "proc.aenv[LANG]"), "C");
    EXPECT_EQ(val(w.ev, "proc.aenv[HOME]"), "<NA>");  // only the process itself has it
    EXPECT_EQ(values(w.ev, "proc.aenv"),
              (std::vector<std::string>{"PROXY=bash", "LANG=C PROXY=sshd", ""}));
}
