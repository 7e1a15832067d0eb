// evt.* fields extracted from hand-built events.
#include <gtest/gtest.h>

#include "fields/fields_harness.h"

using namespace sensor::fields;
using namespace sensor::fields::fields_test;

TEST(FieldsEvt, BasicEventFields) {
    World w;
    EXPECT_EQ(val(w.ev, "evt.type"), "openat");
    EXPECT_EQ(val(w.ev, "evt.num"), "7");
    EXPECT_EQ(val(w.ev, "evt.dir"), "<");
    EXPECT_EQ(val(w.ev, "evt.rawtime"), "1700000000123456789");
    EXPECT_EQ(val(w.ev, "evt.time.iso8601"), "2023-11-14T22:13:20.123456789+0000");
    std::string t = val(w.ev, "evt.time");
    ASSERT_EQ(t.size(), 18u);
    EXPECT_EQ(t.substr(8), ".123456789");
    EXPECT_EQ(val(w.ev, "evt.res"), "SUCCESS");
    EXPECT_EQ(val(w.ev, "evt.rawres"), "3");
    EXPECT_EQ(val(w.ev, "evt.failed"), "false");
    EXPECT_EQ(val(w.ev, "evt.args"), "fd=3 name=/etc/shadow flags=O_RDONLY|O_CLOEXEC");
    EXPECT_EQ(val(w.ev, "evt.arg.name"), "/etc/shadow");
    EXPECT_EQ(val(w.ev, "evt.arg[2]"), "O_RDONLY|O_CLOEXEC");
    EXPECT_EQ(val(w.ev, "evt.arg[flags]"), "O_RDONLY|O_CLOEXEC");
    EXPECT_EQ(val(w.ev, "evt.arg[9]"), "<NA>");
    EXPECT_EQ(val(w.ev, "evt.arg.mode"), "<NA>");
    EXPECT_EQ(val(w.ev, "evt.rawarg.flags"), std::to_string(oflags::kCloExec));
    EXPECT_EQ(val(w.ev, "evt.rawarg.name"), "<NA>");  // no raw value
    EXPECT_EQ(val(w.ev, "evt.category"), "file");
    EXPECT_EQ(val(w.ev, "evt.latency"), "<NA>");
    EXPECT_TRUE(must_resolve("evt.latency").def->deprecated);
}

TEST(FieldsEvt, ResultsAndOpenFlags) {
    World w;
    EXPECT_EQ(val(w.ev, "evt.is_open_read"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_open_write"), "false");
    EXPECT_EQ(val(w.ev, "evt.is_open_create"), "false");
    w.ev.open_flags = oflags::kRdWr | oflags::kCreat | oflags::kFCreated;
    EXPECT_EQ(val(w.ev, "evt.is_open_read"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_open_write"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_open_create"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_open_exec"), "false");
    w.add_param("mode", "0755", 0755);
    EXPECT_EQ(val(w.ev, "evt.is_open_exec"), "true");
    w.ev.is_open_event = false;
    EXPECT_EQ(val(w.ev, "evt.is_open_read"), "false");

    w.ev.res = -2;
    EXPECT_EQ(val(w.ev, "evt.res"), "ENOENT");
    EXPECT_EQ(val(w.ev, "evt.rawres"), "-2");
    EXPECT_EQ(val(w.ev, "evt.failed"), "true");
    w.ev.res = -4000;
    EXPECT_EQ(val(w.ev, "evt.res"), "-4000");
    w.ev.has_res = false;
    EXPECT_EQ(val(w.ev, "evt.res"), "<NA>");
    EXPECT_EQ(val(w.ev, "evt.rawres"), "<NA>");
    w.ev.dir = EventDir::Enter;
    EXPECT_EQ(val(w.ev, "evt.dir"), ">");
}

TEST(FieldsEvt, Hostname) {
    World w;
    set_event_hostname("sensor-host");
    EXPECT_EQ(val(w.ev, "evt.hostname"), "sensor-host");
}
