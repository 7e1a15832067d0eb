// End to end, as root: I/O data (evt.buffer, evt.buflen) from the real probe. Rules that
// search the data of writes, reads and socket calls fire on the data this test moves through
// a file and sockets, with the right length, and not when the data is absent or lies past
// the snaplen (80 bytes by default).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "e2e/live_suite.h"

using sensor::testing::field;
using sensor::testing::rule_of;
using Json = nlohmann::json;

namespace {

// Pipes are left out: the test reads the sensor's alerts (which show the data) from pipes.
// (`not fd.type = pipe` also holds for an fd the sensor does not know.)
constexpr const char* kRules = R"(- rule: e2e write secret
  desc: a write whose data holds the token
  condition: evt.type = write and evt.buffer contains SECRETTOKEN and not fd.type = pipe
  output: "wrote %evt.buffer len=%evt.buflen fd=%fd.name"
  priority: INFO
- rule: e2e read secret
  desc: a read whose data holds the token
  condition: evt.type in (read, recvfrom, readv, recvmsg) and evt.buffer contains READTOKEN and not fd.type = pipe
  output: "read %evt.buffer len=%evt.buflen fd=%fd.name"
  priority: INFO
- rule: e2e binary marker
  desc: bytes given in hex
  condition: evt.type in (sendto, sendmsg, writev) and evt.buffer bcontains DEADBEEF01 and not fd.type = pipe
  output: "sent %evt.buffer len=%evt.buflen"
  priority: INFO
)";

std::string rules_file() {
    std::string path = "/tmp/sensor-e2e-iodata-rules-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(path) << kRules;
    return path;
}

struct IoDataRules {
    static const char* name() { return "iodata"; }
    static std::vector<std::string> args() {
        return {"-r", std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml",
                "-r", rules_file(),
                "-o", "rule_matching=all"};
    }
    static const char* symlink_rule() { return "Create Symlink Over Sensitive Files"; }
    static const char* linkpath_field() { return "evt.arg.linkpath"; }
};

class LiveIoData : public sensor::testing::LiveSuite<IoDataRules> {
  protected:
    static void TearDownTestSuite() {
        LiveSuite::TearDownTestSuite();
        std::remove(("/tmp/sensor-e2e-iodata-rules-" + std::to_string(getpid()) + ".yaml").c_str());
    }
    static bool buffer_has(const Json& a, const std::string& s) {
        return field(a, "evt.buffer").find(s) != std::string::npos;
    }
    // A connected pair of loopback UDP sockets: [0] sends to [1].
    static void udp_pair(int fds[2]) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        fds[1] = socket(AF_INET, SOCK_DGRAM, 0);
        ASSERT_EQ(bind(fds[1], reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        ASSERT_EQ(getsockname(fds[1], reinterpret_cast<sockaddr*>(&a), &len), 0);
        fds[0] = socket(AF_INET, SOCK_DGRAM, 0);
        ASSERT_EQ(connect(fds[0], reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    }
};

TEST_F(LiveIoData, WriteAndReadOfAFileCarryTheirData) {
    std::string path = dir_ + "/data.txt";
    int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR, 0600);
    ASSERT_GE(fd, 0);
    const std::string secret = "key=SECRETTOKEN;\n";
    ASSERT_EQ(write(fd, secret.data(), secret.size()), static_cast<ssize_t>(secret.size()));
    const std::string token = "READTOKEN-file";
    ASSERT_EQ(pwrite(fd, token.data(), token.size(), 100), static_cast<ssize_t>(token.size()));
    char buf[64] = {};
    ASSERT_EQ(pread(fd, buf, sizeof buf, 100), static_cast<ssize_t>(token.size()));
    ASSERT_EQ(lseek(fd, 100, SEEK_SET), 100);
    ASSERT_EQ(read(fd, buf, sizeof buf), static_cast<ssize_t>(token.size()));

    Json w = expect_alert("e2e write secret", [&](const Json& a) { return buffer_has(a, "key="); });
    EXPECT_EQ(field(w, "evt.buffer"), "key=SECRETTOKEN;.");  // the newline as Falco shows it
    EXPECT_EQ(field(w, "evt.buflen"), std::to_string(secret.size()));
    EXPECT_EQ(field(w, "fd.name"), path);
    Json r = expect_alert("e2e read secret",
                          [&](const Json& a) { return buffer_has(a, "READTOKEN-file"); });
    EXPECT_EQ(field(r, "evt.buflen"), std::to_string(token.size()));
    EXPECT_EQ(field(r, "fd.name"), path);
    // Open until here: the open path filter kept the open in the kernel, so the sensor learns
    // the fd from /proc when the write arrives.
    close(fd);
}

TEST_F(LiveIoData, SocketCallsCarryTheirData) {
    int udp[2] = {-1, -1};
    udp_pair(udp);
    ASSERT_FALSE(HasFatalFailure());
    const std::string secret = "SECRETTOKEN over udp";
    ASSERT_EQ(write(udp[0], secret.data(), secret.size()), static_cast<ssize_t>(secret.size()));
    char buf[128];
    ASSERT_GT(read(udp[1], buf, sizeof buf), 0);
    const std::string token = "READTOKEN via recvfrom";
    ASSERT_EQ(send(udp[0], token.data(), token.size(), 0), static_cast<ssize_t>(token.size()));
    ASSERT_EQ(recvfrom(udp[1], buf, sizeof buf, 0, nullptr, nullptr),
              static_cast<ssize_t>(token.size()));
    // Binary data split over two iovecs: the marker spans them.
    const unsigned char head[] = {0x00, 0xde, 0xad}, tail[] = {0xbe, 0xef, 0x01, 0x7f};
    iovec iov[2] = {{const_cast<unsigned char*>(head), sizeof head},
                    {const_cast<unsigned char*>(tail), sizeof tail}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    ASSERT_EQ(sendmsg(udp[0], &msg, 0), 7);
    // Read back (recv is recvfrom): no rule wants those bytes on a read.
    ASSERT_EQ(recv(udp[1], buf, sizeof buf, 0), 7);
    close(udp[0]);
    close(udp[1]);

    expect_alert("e2e write secret", [&](const Json& a) { return buffer_has(a, "over udp"); });
    Json r = expect_alert("e2e read secret",
                          [&](const Json& a) { return buffer_has(a, "via recvfrom"); });
    EXPECT_EQ(field(r, "evt.buflen"), std::to_string(token.size()));
    Json s = expect_alert("e2e binary marker", [](const Json&) { return true; });
    EXPECT_EQ(field(s, "evt.buffer"), ".......");
    EXPECT_EQ(field(s, "evt.buflen"), "7");
}

// The data is cut at the snaplen (80 bytes) and evt.buflen still says what the call moved;
// data past the snaplen, or not there at all, raises nothing.
TEST_F(LiveIoData, SnaplenCutsTheDataNotTheLength) {
    std::string path = dir_ + "/long.txt";
    int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    ASSERT_GE(fd, 0);
    std::string head = "SECRETTOKEN-head" + std::string(184, 'h');  // 200 bytes
    ASSERT_EQ(write(fd, head.data(), head.size()), 200);
    std::string late = std::string(100, 'l') + "SECRETTOKEN-late";  // past the snaplen
    ASSERT_EQ(write(fd, late.data(), late.size()), static_cast<ssize_t>(late.size()));
    std::string split = "SECRET TOKEN-absent";
    ASSERT_EQ(write(fd, split.data(), split.size()), static_cast<ssize_t>(split.size()));
    close(fd);

    Json a = expect_alert("e2e write secret",
                          [&](const Json& j) { return buffer_has(j, "SECRETTOKEN-head"); });
    EXPECT_EQ(field(a, "evt.buffer"), head.substr(0, 80));
    EXPECT_EQ(field(a, "evt.buflen"), "200");
    expect_no_alert(
        [&](const Json& j) {
            return rule_of(j) == "e2e write secret" &&
                   (buffer_has(j, "lll") || buffer_has(j, "TOKEN-absent"));
        },
        "a write without the token in its first 80 bytes");
}

}  // namespace
