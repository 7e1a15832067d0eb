// Fixture event loader: the JSON-lines format and its error reporting.
#include <gtest/gtest.h>

#include <sstream>

#include "sensor/capture/fixture_events.h"
#include "sensor/events/event_types.h"
#include "sensor/events/open_flags.h"
#include "sensor/fields/registry.h"

using namespace sensor;
using sensor::capture::FixtureSet;
using sensor::capture::load_fixture_events;

namespace {

FixtureSet load(const std::string& text) {
    std::istringstream in(text);
    return load_fixture_events(in, "t.jsonl");
}

std::string error_of(const std::string& text) {
    try {
        load(text);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no error)";
}

std::string field(const fields::Event& ev, const std::string& name,
                  const std::string* arg = nullptr) {
    std::string err;
    auto ref = fields::resolve_field(name, arg, err);
    if (!ref) return "ERR " + err;
    fields::Value v;
    std::string scratch, out;
    if (!ref->def->extract(ev, ref->arg, 0, v, scratch)) return "<NA>";
    fields::append_value_text(*ref->def, v, out);
    return out;
}

const char* kOpen =
    R"j({"type":"openat","res":3,"args":{"fd":3,"dirfd":{"text":"-100(AT_FDCWD)","raw":-100},)j"
    R"("name":"/etc/shadow","flags":"O_RDONLY|O_CLOEXEC"},)"
    R"("proc":{"pid":42,"name":"cat","exepath":"/usr/bin/cat","args":["/etc/shadow"],)"
    R"("uid":0,"user":"root","gid":0,"group":"root","loginuid":1000,"loginname":"bob",)"
    R"("tty":34816,"cap_effective":["CAP_SYS_ADMIN"],)"
    R"("parent":{"pid":7,"name":"bash","parent":{"pid":1,"name":"systemd"}}}})";

}  // namespace

TEST(FixtureEvents, HappyPath) {
    FixtureSet set = load(std::string("# comment\n\n") + kOpen + "\n" +
                          R"({"type":"close","dir":">","args":{"fd":3}})" + "\n");
    ASSERT_EQ(set.events.size(), 2u);
    const fields::Event& ev = set.events[0];
    EXPECT_EQ(events::event_type_name(ev.type), "openat");
    EXPECT_EQ(ev.num, 1u);
    EXPECT_EQ(ev.ts, 1700000000000000000ULL);
    EXPECT_TRUE(ev.is_open_event);
    EXPECT_EQ(ev.open_flags, events::oflags::kCloExec);
    EXPECT_EQ(field(ev, "evt.args"),
              "fd=3(<f>/etc/shadow) dirfd=-100(AT_FDCWD) name=/etc/shadow flags=O_RDONLY|O_CLOEXEC "
              "mode=0");
    EXPECT_EQ(field(ev, "evt.rawarg.dirfd"), "-100");
    EXPECT_EQ(field(ev, "evt.is_open_read"), "true");
    // The opened file's fd is made from the "name" argument.
    EXPECT_EQ(field(ev, "fd.name"), "/etc/shadow");
    EXPECT_EQ(field(ev, "fd.num"), "3");
    EXPECT_EQ(field(ev, "fd.directory"), "/etc");
    EXPECT_EQ(field(ev, "proc.cmdline"), "cat /etc/shadow");
    EXPECT_EQ(field(ev, "proc.exe"), "cat");
    EXPECT_EQ(field(ev, "proc.pname"), "bash");
    EXPECT_EQ(field(ev, "proc.ppid"), "7");
    EXPECT_EQ(field(ev, "proc.tid"), "ERR filter_check called with nonexistent field proc.tid");
    EXPECT_EQ(field(ev, "thread.tid"), "42");
    std::string two = "2";
    EXPECT_EQ(field(ev, "proc.aname", &two), "systemd");
    EXPECT_EQ(field(ev, "user.name"), "root");
    EXPECT_EQ(field(ev, "user.loginname"), "bob");
    EXPECT_EQ(field(ev, "group.name"), "root");
    EXPECT_EQ(field(ev, "thread.cap_effective"), "CAP_SYS_ADMIN");
    EXPECT_EQ(field(ev, "container.id"), "host");

    const fields::Event& close = set.events[1];
    EXPECT_EQ(close.ts, 1700000000000001000ULL);
    EXPECT_EQ(close.num, 2u);
    EXPECT_EQ(field(close, "evt.dir"), ">");
    EXPECT_EQ(field(close, "evt.res"), "<NA>");  // enter event without res
    EXPECT_EQ(field(close, "proc.name"), "<NA>");
}

TEST(FixtureEvents, SocketAndContainer) {
    FixtureSet set = load(
        R"({"type":"connect","ts":5,"num":9,"res":0,"fd":{"num":4,"type":"ipv4","l4proto":"tcp",)"
        R"("cip":"10.0.0.2","cport":5555,"sip":"10.96.0.1","sport":443,"connected":true},)"
        R"("container":{"full_id":"0123456789ab0123456789ab0123456789ab0123456789ab0123456789ab0123",)"
        R"("name":"app","image":"registry.io/team/app:v1@sha256:abc","privileged":false,)"
        R"("labels":{"a":"b"},"k8s_ns_name":"prod"},"proc":{"pid":5,"name":"curl"}})");
    ASSERT_EQ(set.events.size(), 1u);
    const fields::Event& ev = set.events[0];
    EXPECT_EQ(ev.ts, 5u);
    EXPECT_EQ(ev.num, 9u);
    EXPECT_EQ(field(ev, "fd.name"), "10.0.0.2:5555->10.96.0.1:443");
    EXPECT_EQ(field(ev, "fd.sport"), "443");
    EXPECT_EQ(field(ev, "fd.sockfamily"), "ip");
    EXPECT_EQ(field(ev, "fd.connected"), "true");
    EXPECT_EQ(field(ev, "container.id"), "0123456789ab");
    EXPECT_EQ(field(ev, "container.image.repository"), "registry.io/team/app");
    EXPECT_EQ(field(ev, "container.image.tag"), "v1");
    EXPECT_EQ(field(ev, "container.image.digest"), "sha256:abc");
    EXPECT_EQ(field(ev, "container.privileged"), "false");
    EXPECT_EQ(field(ev, "k8s.ns.name"), "prod");
    // The process lives in the event's container.
    EXPECT_EQ(ev.proc->container, ev.container);
}

TEST(FixtureEvents, SetIsMovable) {
    FixtureSet a = load(kOpen);
    FixtureSet b = std::move(a);
    EXPECT_EQ(field(b.events[0], "proc.pname"), "bash");
}

TEST(FixtureEvents, Errors) {
    EXPECT_EQ(error_of(R"({"type":"openat","prc":{}})"), "t.jsonl:1: unknown key \"prc\"");
    EXPECT_EQ(error_of("\n"
                       R"({"type":"execve","proc":{"pid":1,"nmae":"x"}})"),
              "t.jsonl:2: unknown key \"proc.nmae\"");
    EXPECT_EQ(error_of(R"({"type":"execve","proc":{"parent":{"pid":"1"}}})"),
              "t.jsonl:1: proc.parent.pid: expected an integer");
    EXPECT_EQ(error_of(R"({"type":"nosuchcall"})"), "t.jsonl:1: unknown event type \"nosuchcall\"");
    EXPECT_EQ(error_of(R"({"dir":"<"})"), "t.jsonl:1: missing \"type\"");
    EXPECT_EQ(error_of(R"({"type":"open","args":{"flags":"O_RDONLY|O_BOGUS"}})"),
              "t.jsonl:1: args.flags: unknown open flag in \"O_RDONLY|O_BOGUS\"");
    EXPECT_EQ(error_of(R"({"type":"open","dir":"x"})"),
              "t.jsonl:1: dir: expected \"<\" (exit) or \">\" (enter)");
    EXPECT_EQ(error_of(R"({"type":"connect","fd":{"type":"socket"}})"),
              "t.jsonl:1: fd.type: unknown fd type \"socket\"");
    EXPECT_EQ(error_of(R"({"type":"connect","fd":{"type":"ipv4","cip":"1.2.3"}})"),
              "t.jsonl:1: fd.cip: not an IP address: \"1.2.3\"");
    EXPECT_EQ(error_of(R"({"type":"execve","proc":{"cap_effective":"CAP_NOPE"}})"),
              "t.jsonl:1: proc.cap_effective: unknown capability in \"CAP_NOPE\"");
    EXPECT_EQ(error_of(R"({"type":"execve","proc":{"args":"a b"}})"),
              "t.jsonl:1: proc.args: expected an array of strings");
    EXPECT_EQ(error_of(R"({"type":"execve","container":{"name":"x"}})"),
              "t.jsonl:1: container: \"id\" or \"full_id\" is required");
    EXPECT_EQ(error_of("[1]"), "t.jsonl:1: line: expected an object");
    EXPECT_EQ(error_of("{bad json").rfind("t.jsonl:1: invalid JSON", 0), 0u);
}

// A read or write line's `data` becomes the record's data section: evt.buffer and evt.buflen.
TEST(FixtureEvents, IoDataFromArgs) {
    FixtureSet set =
        load(R"({"type":"write","res":11,"args":{"fd":1,"data":"SECRET\ttoken","size":11},)"
             R"("proc":{"pid":42,"name":"cat"}})"
             "\n");
    ASSERT_EQ(set.events.size(), 1u);
    const fields::Event& ev = set.events[0];
    EXPECT_EQ(ev.buffer, "SECRET\ttoken");
    EXPECT_EQ(field(ev, "evt.buffer"), "SECRET.token");
    EXPECT_EQ(field(ev, "evt.buflen"), "11");
    std::string data = "data";
    EXPECT_EQ(field(ev, "evt.arg", &data), "SECRET.token");
}
