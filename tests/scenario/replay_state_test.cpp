// Replay runs the live decoder and state tables: events whose meaning depends on earlier ones
// (a process's ancestry from its clone and exec, an fd named by its open and used later) get
// their fields from state, as they do in live capture.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "sensor/capture/fixture_events.h"
#include "sensor/engine/output_template.h"
#include "sensor/events/event_types.h"

using namespace sensor;

namespace {

capture::FixtureSet replay(const std::string& text) {
    std::istringstream in(text);
    return capture::load_fixture_events(in, "state.jsonl");
}

// The fields as an output template renders them (missing ones as <NA>).
std::string render(const fields::Event& ev, const std::string& format) {
    std::string out;
    engine::compile_output(format).render(ev, out);
    return out;
}

// A login shell (its ancestry given once), which forks a child that runs cat, which opens a
// file by a relative path and closes it. Only the first line describes a process; the rest
// name the thread by pid and rely on what earlier lines did to the tables.
const char* kSession =
    R"({"type":"execve","res":0,"proc":{"pid":400,"name":"bash","exepath":"/usr/bin/bash",)"
    R"("cwd":"/root/","uid":0,"user":"root","parent":{"pid":300,"name":"sshd",)"
    R"("exepath":"/usr/sbin/sshd","parent":{"pid":1,"name":"systemd",)"
    R"("exepath":"/usr/lib/systemd/systemd"}}}})"
    "\n"
    R"({"type":"clone","pid":400,"res":500})"
    "\n"
    R"({"type":"execve","res":0,"proc":{"pid":500,"name":"cat","exepath":"/usr/bin/cat",)"
    R"("args":["secrets.txt"],"uid":0,"user":"root"}})"
    "\n"
    R"({"type":"openat","pid":500,"res":3,"args":{"fd":3,"dirfd":-100,"name":"secrets.txt",)"
    R"("flags":"O_RDONLY","mode":0}})"
    "\n"
    R"({"type":"close","pid":500,"res":0,"args":{"fd":3}})"
    "\n"
    R"({"type":"close","pid":500,"res":-9,"args":{"fd":3}})"
    "\n";

TEST(ReplayState, AncestryComesFromTheEarlierCloneAndExec) {
    capture::FixtureSet set = replay(kSession);
    ASSERT_EQ(set.events.size(), 6u);
    const fields::Event& clone = set.events[1];
    EXPECT_EQ(events::event_type_name(clone.type), "clone");
    EXPECT_EQ(render(clone, "%proc.name %evt.res %evt.rawres"), "bash SUCCESS 500");

    const fields::Event& exec = set.events[2];
    EXPECT_EQ(render(exec, "%proc.name %proc.ppid %proc.pname %proc.aname[2] %proc.aname[3]"),
              "cat 400 bash sshd systemd");
    // The child inherited the shell's working directory through the clone.
    EXPECT_EQ(render(exec, "%proc.cwd %proc.cmdline %user.name"), "/root/ cat secrets.txt root");
}

TEST(ReplayState, AnFdOpenedEarlierNamesTheLaterClose) {
    capture::FixtureSet set = replay(kSession);
    ASSERT_EQ(set.events.size(), 6u);
    const fields::Event& open = set.events[3];
    // The decoder resolved the relative path against the cwd the process has in state.
    EXPECT_EQ(render(open, "%fd.name %fd.nameraw %proc.name %proc.pname"),
              "/root/secrets.txt secrets.txt cat bash");
    const fields::Event& close = set.events[4];
    EXPECT_EQ(render(close, "%evt.type %fd.num %fd.name %fd.typechar %proc.name"),
              "close 3 /root/secrets.txt f cat");
    // The close removed the fd from the table: a second close names no file.
    const fields::Event& again = set.events[5];
    EXPECT_EQ(render(again, "%evt.res %fd.name"), "EBADF <NA>");
}

TEST(ReplayState, AnExecWithItsAncestryGivenKeepsTheLinesChain) {
    capture::FixtureSet set =
        replay(std::string(kSession) +
               R"({"type":"execve","res":0,"proc":{"pid":500,"name":"id","exepath":"/usr/bin/id",)"
               R"("parent":{"pid":77,"name":"cron","exepath":"/usr/sbin/cron"}}})" +
               "\n");
    ASSERT_EQ(set.events.size(), 7u);
    EXPECT_EQ(render(set.events[6], "%proc.name %proc.pname %proc.aname[2]"), "id cron <NA>");
    // Earlier events keep the state they were decoded in.
    EXPECT_EQ(render(set.events[2], "%proc.name %proc.pname"), "cat bash");
}

}  // namespace
