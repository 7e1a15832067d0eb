// The socket handlers: socket, connect and bind, accept and accept4; tuples on send/recv.
#include "capture/record_builder.h"

namespace sensor::testing {
namespace {

using state::FdType;
using state::L4Proto;
namespace oflags = events::oflags;

constexpr uint64_t kAfUnix = 1, kAfInet = 2, kAfInet6 = 10, kAfNetlink = 16;
constexpr uint64_t kSockStream = 1, kSockDgram = 2, kSockRaw = 3, kSockCloExec = 02000000;

class DecodeSocketTest : public RecordDecoderTest {
  protected:
    // An IPv4 section: local 10.0.0.1:sport, remote 10.0.0.2:dport.
    static sensor_sock_section tcp4(uint16_t sport, uint16_t dport) {
        sensor_sock_section s{};
        s.family = kAfInet;
        s.type = kSockStream;
        s.proto = 6;
        s.sport = sport;
        s.dport = dport;
        const uint8_t local[4] = {10, 0, 0, 1}, remote[4] = {10, 0, 0, 2};
        std::memcpy(s.saddr, local, 4);
        std::memcpy(s.daddr, remote, 4);
        return s;
    }
    const fields::Event* socket(int64_t fd, uint64_t domain, uint64_t type) {
        SyscallRec s;
        s.name = "socket";
        s.ret = fd;
        s.args = {domain, type, 0};
        return decode(build(s));
    }
};

TEST_F(DecodeSocketTest, SocketThenConnectGivesTuple) {
    start_process();
    SyscallRec s;
    s.name = "socket";
    s.ret = 3;
    s.args = {2, 1 | 02000000, 6};  // AF_INET, SOCK_STREAM|SOCK_CLOEXEC, TCP
    const fields::Event* ev = decode(build(s));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(text(ev, "domain"), "AF_INET");
    EXPECT_EQ(text(ev, "type"), "SOCK_STREAM");
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Ipv4);
    EXPECT_EQ(ev->fd->l4proto, L4Proto::Tcp);
    EXPECT_NE(ev->fd->open_flags & oflags::kCloExec, 0u);

    SyscallRec c;
    c.name = "connect";
    c.ret = 0;
    c.args = {3};
    c.sock = tcp4(40000, 80);
    ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd, fds_.find(kPid, 3));
    EXPECT_EQ(ev->fd->type, FdType::Ipv4);
    EXPECT_EQ(ev->fd->name, "10.0.0.1:40000->10.0.0.2:80");
    EXPECT_TRUE(ev->fd->connected);
    EXPECT_FALSE(ev->fd->is_server);
    EXPECT_EQ(ev->fd->cport, 40000);
    EXPECT_EQ(ev->fd->sport, 80);
    EXPECT_EQ(ev->fd->cip.to_string(), "10.0.0.1");
    EXPECT_EQ(ev->fd->sip.to_string(), "10.0.0.2");
    EXPECT_EQ(ev->fd->sockfamily, "ip");
    EXPECT_EQ(text(ev, "tuple"), "10.0.0.1:40000->10.0.0.2:80");
    EXPECT_EQ(text(ev, "res"), "0");
    EXPECT_EQ(text(ev, "fd"), "3(<4>10.0.0.1:40000->10.0.0.2:80)");
}

TEST_F(DecodeSocketTest, SocketDomainsAndTypes) {
    start_process();
    const fields::Event* ev = socket(3, kAfUnix, kSockDgram);
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Unix);
    EXPECT_EQ(ev->fd->sockfamily, "unix");
    EXPECT_EQ(ev->fd->l4proto, L4Proto::Unknown);  // only IP sockets have one, as in Falco
    EXPECT_EQ(ev->fd->open_flags & oflags::kCloExec, 0u);

    ev = socket(4, kAfInet6, kSockRaw);
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Ipv6);
    EXPECT_EQ(ev->fd->sockfamily, "ip");
    EXPECT_EQ(ev->fd->l4proto, L4Proto::Raw);

    ev = socket(5, kAfNetlink, kSockRaw | kSockCloExec);
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Netlink);
    EXPECT_EQ(ev->fd->sockfamily, "");
    EXPECT_NE(ev->fd->open_flags & oflags::kCloExec, 0u);

    ev = socket(6, 17 /* AF_PACKET */, 10 /* SOCK_PACKET */);
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Unknown);
    EXPECT_EQ(ev->fd->l4proto, L4Proto::Unknown);

    // Failed: no fd.
    ev = socket(-97, kAfInet, kSockStream);
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, nullptr);
    EXPECT_EQ(text(ev, "fd"), "-97(EAFNOSUPPORT)");
}

// An accepted socket's client is the remote end; this end is the server.
TEST_F(DecodeSocketTest, AcceptGivesAServerSocket) {
    start_process();
    for (const char* name : {"accept", "accept4"}) {
        SyscallRec a;
        a.name = name;
        a.ret = 7;
        a.args = {3, 0, 0, 0};
        a.sock = tcp4(8080, 51000);
        const fields::Event* ev = decode(build(a));
        ASSERT_NE(ev, nullptr) << name;
        ASSERT_NE(ev->fd, nullptr) << name;
        EXPECT_EQ(ev->fd, fds_.find(kPid, 7));
        EXPECT_TRUE(ev->fd->is_server) << name;
        EXPECT_EQ(ev->fd->cip.to_string(), "10.0.0.2");
        EXPECT_EQ(ev->fd->cport, 51000);
        EXPECT_EQ(ev->fd->sip.to_string(), "10.0.0.1");
        EXPECT_EQ(ev->fd->sport, 8080);
        EXPECT_EQ(ev->fd->name, "10.0.0.2:51000->10.0.0.1:8080");
        EXPECT_EQ(text(ev, "tuple"), "10.0.0.2:51000->10.0.0.1:8080");
        EXPECT_EQ(text(ev, "fd"), "7(<4>10.0.0.2:51000->10.0.0.1:8080)");
    }
    SyscallRec a;
    a.name = "accept";
    a.ret = -11;
    const fields::Event* ev = decode(build(a));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd, nullptr);
    EXPECT_EQ(text(ev, "tuple"), "");
}

// bind to an address with a port makes a server socket there, named "ip:port" (Falco's
// parse_bind_exit); listen then sees it. Before, bind set the bound address as the client
// end: fd.sip 0.0.0.0, fd.is_server false and no name.
TEST_F(DecodeSocketTest, BindMakesAServerSocketAtTheBoundAddress) {
    start_process();
    ASSERT_NE(socket(3, kAfInet, kSockDgram), nullptr);
    SyscallRec b;
    b.name = "bind";
    b.ret = 0;
    b.args = {3};
    b.sock = tcp4(5353, 0);
    b.sock.proto = 17;
    std::memset(b.sock.daddr, 0, sizeof b.sock.daddr);
    const fields::Event* ev = decode(build(b));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_FALSE(ev->fd->connected);
    EXPECT_TRUE(ev->fd->is_server);
    EXPECT_EQ(ev->fd->name, "10.0.0.1:5353");
    EXPECT_EQ(ev->fd->sip.to_string(), "10.0.0.1");
    EXPECT_EQ(ev->fd->sport, 5353);
    EXPECT_FALSE(ev->fd->cip.valid());
    EXPECT_EQ(ev->fd->cport, 0);
    EXPECT_EQ(ev->fd->l4proto, L4Proto::Udp);
    EXPECT_EQ(text(ev, "addr"), "10.0.0.1:5353");
    EXPECT_EQ(text(ev, "fd"), "3(<4>10.0.0.1:5353)");

    SyscallRec l;
    l.name = "listen";
    l.args = {3, 16};
    ev = decode(build(l));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_TRUE(ev->fd->is_server);
    EXPECT_EQ(ev->fd->name, "10.0.0.1:5353");
}

// Without a port (the kernel picks one at listen or send) Falco keeps it a client; an
// IPv4-mapped IPv6 address makes an IPv4 server socket; a failed bind changes nothing.
TEST_F(DecodeSocketTest, BindWithoutPortMappedAddressAndFailure) {
    start_process();
    ASSERT_NE(socket(3, kAfInet, kSockStream), nullptr);
    SyscallRec b;
    b.name = "bind";
    b.args = {3};
    b.sock = tcp4(0, 0);
    const fields::Event* ev = decode(build(b));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_FALSE(ev->fd->is_server);
    EXPECT_EQ(ev->fd->name, "");

    ASSERT_NE(socket(4, kAfInet6, kSockStream), nullptr);
    b.args = {4};
    b.sock = sensor_sock_section{};
    b.sock.family = kAfInet6;
    b.sock.type = kSockStream;
    b.sock.proto = 6;
    b.sock.sport = 8080;
    const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 7};
    std::memcpy(b.sock.saddr, mapped, 16);
    ev = decode(build(b));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Ipv4);
    EXPECT_EQ(ev->fd->name, "192.168.1.7:8080");
    EXPECT_EQ(ev->fd->sip.to_string(), "192.168.1.7");

    ASSERT_NE(socket(5, kAfInet, kSockStream), nullptr);
    b.args = {5};
    b.ret = -98;  // EADDRINUSE
    b.sock = tcp4(80, 0);
    ev = decode(build(b));
    ASSERT_NE(ev, nullptr);
    ASSERT_NE(ev->fd, nullptr);
    EXPECT_FALSE(ev->fd->is_server);
    EXPECT_EQ(ev->fd->name, "");
}

TEST_F(DecodeSocketTest, UnixConnectAndNoSocketSection) {
    start_process();
    ASSERT_NE(socket(3, kAfUnix, kSockStream), nullptr);
    SyscallRec c;
    c.name = "connect";
    c.ret = 0;
    c.args = {3};
    c.sock.family = kAfUnix;
    const fields::Event* ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::Unix);
    EXPECT_EQ(ev->fd->sockfamily, "unix");
    EXPECT_EQ(text(ev, "tuple"), "");
    // Family 0: the fd is no socket the probe could read; the entry is left as it is.
    ASSERT_NE(open_file(5, "/etc/passwd", oflags::kRdOnly), nullptr);
    c.args = {5};
    c.sock = {};
    ev = decode(build(c));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->fd->type, FdType::File);
    EXPECT_EQ(ev->fd->name, "/etc/passwd");
}

// send/recv have no state effect, but their record's tuple describes their socket.
TEST_F(DecodeSocketTest, SendAndRecvCarryTheTuple) {
    start_process();
    ASSERT_NE(socket(3, kAfInet, kSockDgram), nullptr);
    for (const char* name : {"sendto", "sendmsg", "recvfrom", "recvmsg"}) {
        SyscallRec s;
        s.name = name;
        s.ret = 12;
        s.args = {3};
        s.sock = tcp4(40001, 53);
        s.sock.proto = 17;
        const fields::Event* ev = decode(build(s));
        ASSERT_NE(ev, nullptr) << name;
        ASSERT_NE(ev->fd, nullptr) << name;
        EXPECT_EQ(ev->fd->name, "10.0.0.1:40001->10.0.0.2:53") << name;
        EXPECT_EQ(ev->fd->l4proto, L4Proto::Udp) << name;
        EXPECT_EQ(text(ev, "tuple"), "10.0.0.1:40001->10.0.0.2:53") << name;
        EXPECT_EQ(text(ev, "res"), "12") << name;
    }
}

}  // namespace
}  // namespace sensor::testing
