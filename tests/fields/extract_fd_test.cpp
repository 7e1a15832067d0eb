// fd.* fields of files and sockets.
#include <gtest/gtest.h>

#include "fields/fields_harness.h"

using namespace sensor::fields;
using namespace sensor::fields::fields_test;

TEST(FieldsFd, FileFields) {
    World w;
    EXPECT_EQ(val(w.ev, "fd.num"), "3");
    EXPECT_EQ(val(w.ev, "fd.type"), "file");
    EXPECT_EQ(val(w.ev, "fd.typechar"), "f");
    EXPECT_EQ(val(w.ev, "fd.name"), "/etc/shadow");
    EXPECT_EQ(val(w.ev, "fd.nameraw"), "shadow");
    EXPECT_EQ(val(w.ev, "fd.directory"), "/etc");
    EXPECT_EQ(val(w.ev, "fd.filename"), "shadow");
    EXPECT_EQ(val(w.ev, "fd.containername"), "host:/etc/shadow");
    EXPECT_EQ(val(w.ev, "fd.cip"), "<NA>");
    EXPECT_EQ(val(w.ev, "fd.sport"), "<NA>");
    EXPECT_EQ(values(w.ev, "fd.ip"), std::vector<std::string>{});
    w.file.name = "/shadow";
    w.file.refresh_derived();
    EXPECT_EQ(val(w.ev, "fd.directory"), "/");
    w.ev.fd = nullptr;
    EXPECT_EQ(val(w.ev, "fd.name"), "<NA>");
    EXPECT_EQ(val(w.ev, "fd.num"), "<NA>");
    EXPECT_EQ(val(w.ev, "fd.typechar"), "<NA>");
}

TEST(FieldsFd, TypeChars) {
    EXPECT_EQ(fd_type_char(FdType::Directory), 'd');
    EXPECT_EQ(fd_type_char(FdType::Ipv6), '6');
    EXPECT_EQ(fd_type_char(FdType::Memfd), 'm');
    EXPECT_EQ(fd_type_char(FdType::Unknown), 'o');
    EXPECT_EQ(fd_type_name(FdType::IoUring), "io_uring");
}

TEST(FieldsFd, SocketEnds) {
    World w;
    w.ev.fd = &w.sock;
    w.ev.type = type_id("connect");
    EXPECT_EQ(val(w.ev, "fd.typechar"), "4");
    EXPECT_EQ(val(w.ev, "fd.l4proto"), "tcp");
    EXPECT_EQ(val(w.ev, "fd.sockfamily"), "ip");
    EXPECT_EQ(val(w.ev, "fd.cip"), "10.0.0.1");
    EXPECT_EQ(val(w.ev, "fd.sip"), "93.184.216.34");
    EXPECT_EQ(val(w.ev, "fd.lip"), "10.0.0.1");
    EXPECT_EQ(val(w.ev, "fd.rport"), "443");
    EXPECT_EQ(val(w.ev, "fd.lport"), "40000");
    EXPECT_EQ(values(w.ev, "fd.ip"), (std::vector<std::string>{"10.0.0.1", "93.184.216.34"}));
    EXPECT_EQ(values(w.ev, "fd.port"), (std::vector<std::string>{"40000", "443"}));
    EXPECT_EQ(values(w.ev, "fd.net"),
              (std::vector<std::string>{"10.0.0.1/32", "93.184.216.34/32"}));
    EXPECT_EQ(val(w.ev, "fd.sip.name"), "<NA>");
    // An accepted socket: this end is the server, so local/remote swap.
    w.sock.is_server = true;
    EXPECT_EQ(val(w.ev, "fd.lip"), "93.184.216.34");
    EXPECT_EQ(val(w.ev, "fd.rip"), "10.0.0.1");
    EXPECT_EQ(val(w.ev, "fd.lport"), "443");
    // A missing client address must not hide the server candidate.
    w.sock.cip = IpAddr{};
    EXPECT_EQ(values(w.ev, "fd.ip"), std::vector<std::string>{"93.184.216.34"});
    // Net values are the address as a single-host network.
    FieldRef snet = must_resolve("fd.snet");
    Value v;
    std::string scratch;
    ASSERT_TRUE(snet.def->extract(w.ev, snet.arg, 0, v, scratch));
    EXPECT_TRUE(IpNet::parse("93.184.0.0/16")->contains(v.net.addr));
    EXPECT_EQ(v.net.prefix, 32);
}

// fd.nameraw_mismatch: the raw path, taken lexically, against the file the kernel opened.
TEST(FieldsFd, NamerawMismatch) {
    World w;  // cat, cwd /root/, opened /etc/shadow as "shadow"
    // A relative path the cwd does not explain still ends the opened path (a stale cwd).
    EXPECT_EQ(val(w.ev, "fd.nameraw_mismatch"), "false");
    w.file.nameraw = "/tmp/../etc/./shadow";
    EXPECT_EQ(val(w.ev, "fd.nameraw_mismatch"), "false");
    w.file.nameraw = "../etc/shadow";  // from /root/
    EXPECT_EQ(val(w.ev, "fd.nameraw_mismatch"), "false");
    // The buffer was rewritten during the call.
    w.file.nameraw = "/tmp/xxxxxxxxxxxxxxx";
    EXPECT_EQ(val(w.ev, "fd.nameraw_mismatch"), "true");
    // ".." from another directory leads elsewhere.
    w.file.nameraw = "../etc/shadow";
    w.cat.cwd = "/home/bob/";
    EXPECT_EQ(val(w.ev, "fd.nameraw_mismatch"), "true");
    // Reached through a symlink.
    w.file.nameraw = "/proc/self/root/etc/shadow";
    EXPECT_EQ(val(w.ev, "fd.nameraw_mismatch"), "true");
    // A failed open opened nothing; other events have no such path.
    w.ev.res = -2;
    EXPECT_EQ(val(w.ev, "fd.nameraw_mismatch"), "false");
    w.ev.res = 3;
    w.ev.is_open_event = false;
    EXPECT_EQ(val(w.ev, "fd.nameraw_mismatch"), "<NA>");
}
