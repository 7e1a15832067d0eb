// The syslog sink against real sockets made by the test: frames of each format, datagrams to
// UDP and unix receivers, and a TCP server that goes away and comes back.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "sensor/output/syslog_sink.h"

using namespace sensor::output;
using sensor::engine::Priority;

namespace {

constexpr uint64_t kTs = 1718000011000000000ull;  // 2024-06-10T06:13:31Z

Alert alert(const std::string& line, Priority p = Priority::Warning) {
    return Alert{line, p, kTs};
}

int bound_socket(int type, uint16_t& port) {
    int fd = socket(AF_INET, type, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    return fd;
}

std::string recv_all(int fd) {
    char buf[8192];
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace

TEST(SyslogSink, FramesEachFormat) {
    setenv("TZ", "UTC", 1);
    tzset();
    SyslogOptions o;
    o.hostname = "node-1";
    std::string pid = std::to_string(getpid());
    o.format = "rfc3164";
    // Local (/dev/log): no hostname, as syslog(3) sends it.
    EXPECT_EQ(SyslogSink(o).frame(alert("hello")),
              "<12>Jun 10 06:13:31 sensor[" + pid + "]: hello");
    o.transport = "udp";
    EXPECT_EQ(SyslogSink(o).frame(alert("hello")),
              "<12>Jun 10 06:13:31 node-1 sensor[" + pid + "]: hello");
    o.format = "rfc5424";
    EXPECT_EQ(SyslogSink(o).frame(alert("hello")),
              "<12>1 2024-06-10T06:13:31.000000Z node-1 sensor " + pid + " - - hello");
    o.format = "json";
    o.transport = "tcp";
    EXPECT_EQ(SyslogSink(o).frame(alert("{\"rule\":\"r\"}")),
              "<12>2024-06-10T06:13:31.000000Z node-1 sensor[" + pid + "]: {\"rule\":\"r\"}");
    // Priority is the severity; facility user (1).
    EXPECT_EQ(SyslogSink(o).frame(alert("x", Priority::Emergency)).substr(0, 3), "<8>");
    EXPECT_EQ(SyslogSink(o).frame(alert("x", Priority::Debug)).substr(0, 4), "<15>");
    EXPECT_EQ(SyslogSink(o).frame(alert("x", Priority::Critical)).substr(0, 4), "<10>");
}

TEST(SyslogSink, RejectsBadOptions) {
    SyslogOptions o;
    o.transport = "udp";
    o.host = "syslog.example.com";
    EXPECT_NE(syslog_options_problem(o).find("numeric"), std::string::npos);
    o.host = "127.0.0.1";
    o.format = "cef";
    EXPECT_NE(syslog_options_problem(o), "");
    o.format = "rfc5424";
    EXPECT_EQ(syslog_options_problem(o), "");
}

TEST(SyslogSink, UdpDatagramPerAlert) {
    uint16_t port = 0;
    int rx = bound_socket(SOCK_DGRAM, port);
    ASSERT_GE(rx, 0);
    SyslogOptions o;
    o.transport = "udp";
    o.port = port;
    o.format = "rfc5424";
    SyslogSink sink(o);
    ASSERT_EQ(sink.write(alert("first")), WriteOutcome::written) << sink.last_error;
    ASSERT_EQ(sink.write(alert("second")), WriteOutcome::written) << sink.last_error;
    EXPECT_EQ(recv_all(rx), sink.frame(alert("first")));
    EXPECT_EQ(recv_all(rx), sink.frame(alert("second")));
    close(rx);
}

TEST(SyslogSink, LocalUnixSocket) {
    std::string path = ::testing::TempDir() + "sensor-syslog-" + std::to_string(getpid());
    unlink(path.c_str());
    int rx = socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    ASSERT_EQ(bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    SyslogOptions o;
    o.path = path;
    SyslogSink sink(o);
    ASSERT_EQ(sink.write(alert("local")), WriteOutcome::written) << sink.last_error;
    EXPECT_EQ(recv_all(rx), sink.frame(alert("local")));
    close(rx);
    unlink(path.c_str());
    // The daemon gone: a failure with the reason, not a crash.
    SyslogSink gone(o);
    EXPECT_EQ(gone.write(alert("lost")), WriteOutcome::unavailable);
    EXPECT_NE(gone.last_error.find(path), std::string::npos);
}

TEST(SyslogSink, TcpServerRestartIsReconnected) {
    uint16_t port = 0;
    int lsn = bound_socket(SOCK_STREAM, port);
    ASSERT_GE(lsn, 0);
    ASSERT_EQ(listen(lsn, 4), 0);
    SyslogOptions o;
    o.transport = "tcp";
    o.port = port;
    SyslogSink sink(o);
    ASSERT_EQ(sink.write(alert("one")), WriteOutcome::written) << sink.last_error;
    int conn = accept(lsn, nullptr, nullptr);
    ASSERT_GE(conn, 0);
    EXPECT_EQ(recv_all(conn), sink.frame(alert("one")) + "\n");

    // The server goes away: the next alert fails (it is not sent into a dead connection).
    close(conn);
    close(lsn);
    usleep(50000);
    EXPECT_EQ(sink.write(alert("two")), WriteOutcome::unavailable);

    // ... and comes back on the same port: the sink reconnects.
    lsn = bound_socket(SOCK_STREAM, port);
    ASSERT_GE(lsn, 0);
    ASSERT_EQ(listen(lsn, 4), 0);
    ASSERT_EQ(sink.write(alert("three")), WriteOutcome::written) << sink.last_error;
    conn = accept(lsn, nullptr, nullptr);
    ASSERT_GE(conn, 0);
    EXPECT_EQ(recv_all(conn), sink.frame(alert("three")) + "\n");
    close(conn);
    close(lsn);
}
