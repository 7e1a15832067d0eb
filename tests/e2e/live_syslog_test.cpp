// End to end, as root: the live sensor's syslog output received by a real rsyslogd (Debian's),
// started by the test with a private config: a local datagram socket, a TCP and a UDP input.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "e2e/live_helpers.h"
#include "e2e/live_sensor.h"
#include "e2e/require_root.h"

namespace fs = std::filesystem;
using sensor::testing::free_local_port;
using sensor::testing::LiveSensor;

namespace {

bool tcp_accepts(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class Rsyslog {
  public:
    bool start(const std::string& dir, std::string& error) {
        dir_ = dir;
        port_ = free_local_port(SOCK_STREAM);
        udp_port_ = free_local_port(SOCK_DGRAM);
        std::ofstream(dir + "/rsyslog.conf")
            << "global(workDirectory=\"" << dir << "\")\n"
            << "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
            << "input(type=\"imuxsock\" Socket=\"" << socket_path() << "\")\n"
            << "module(load=\"imtcp\")\n"
            << "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" << port_ << "\")\n"
            << "module(load=\"imudp\")\n"
            << "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" << udp_port_ << "\")\n"
            << "template(name=\"raw\" type=\"string\" "
               "string=\"%syslogseverity% %programname% %msg%\\n\")\n"
            << "*.* action(type=\"omfile\" file=\"" << out_path() << "\" template=\"raw\")\n";
        pid_ = fork();
        if (pid_ == 0) {
            execl("/usr/sbin/rsyslogd", "rsyslogd", "-n", "-f", (dir + "/rsyslog.conf").c_str(),
                  "-i", (dir + "/rsyslog.pid").c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int i = 0; i < 100; ++i) {
            if (fs::exists(socket_path()) && tcp_accepts(port_)) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        error = "rsyslogd did not come up";
        return false;
    }
    ~Rsyslog() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
    }
    std::string socket_path() const { return dir_ + "/log.sock"; }
    std::string out_path() const { return dir_ + "/received.log"; }
    uint16_t port() const { return port_; }
    uint16_t udp_port() const { return udp_port_; }

    // The received line whose message holds `needle`, waiting up to 10 s.
    std::string wait_line(const std::string& needle) {
        for (int i = 0; i < 200; ++i) {
            std::istringstream in(slurp(out_path()));
            for (std::string l; std::getline(in, l);)
                if (l.find(needle) != std::string::npos) return l;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return {};
    }

  private:
    std::string dir_;
    uint16_t port_ = 0, udp_port_ = 0;
    pid_t pid_ = -1;
};

// "SEVERITY PROGRAM MSG" -> the alert JSON in MSG.
nlohmann::json alert_of(const std::string& line) {
    size_t brace = line.find('{');
    if (brace == std::string::npos) return nlohmann::json();
    return nlohmann::json::parse(line.substr(brace), nullptr, false);
}

void check_syslog_delivery(const std::vector<std::string>& syslog_opts, const std::string& tag) {
    std::string dir = sensor::testing::fresh_dir("syslog-" + tag);
    Rsyslog rs;
    std::string err;
    ASSERT_TRUE(rs.start(dir, err)) << err;
    // A rule that sees only this test's symlinks: other tests running at the same time make
    // symlinks to /etc/shadow too, and the delivered count below must be exactly ours.
    std::string rules =
        sensor::testing::write_shadow_symlink_rule(dir, "Create Symlink Over Sensitive Files");
    std::vector<std::string> args = {"-r", rules, "-o", "syslog_output.enabled=true"};
    for (const auto& o : syslog_opts) {
        std::string v = o;
        size_t at = v.find("@PORT@");
        if (at != std::string::npos) v.replace(at, 6, std::to_string(rs.port()));
        at = v.find("@UDPPORT@");
        if (at != std::string::npos) v.replace(at, 9, std::to_string(rs.udp_port()));
        at = v.find("@SOCK@");
        if (at != std::string::npos) v.replace(at, 6, rs.socket_path());
        args.insert(args.end(), {"-o", v});
    }
    LiveSensor s;
    ASSERT_TRUE(s.start(args, err)) << err;
    std::string link = dir + "/to-shadow";
    ASSERT_EQ(symlink("/etc/shadow", link.c_str()), 0);
    std::string line = rs.wait_line(link);
    ASSERT_FALSE(line.empty()) << "rsyslog received nothing; sensor log:\n" << s.stderr_text();
    // Warning is syslog severity 4; the program is "sensor"; the message is the alert JSON.
    EXPECT_EQ(line.substr(0, 9), "4 sensor ") << line;
    auto a = alert_of(line);
    ASSERT_TRUE(a.is_object()) << line;
    EXPECT_EQ(a.value("rule", ""), "Create Symlink Over Sensitive Files");
    EXPECT_EQ(a["output_fields"].value("evt.arg.linkpath", ""), link);
    EXPECT_EQ(s.stop(), 0);
    EXPECT_NE(s.stderr_text().find("output syslog: 1 delivered, 0 failed"), std::string::npos)
        << s.stderr_text();
    fs::remove_all(dir);
}

}  // namespace

TEST(LiveSyslog, LocalSocketRfc3164) {
    SENSOR_REQUIRE_ROOT("the live sensor and rsyslogd");
    check_syslog_delivery({"syslog_output.path=@SOCK@", "syslog_output.format=rfc3164"}, "unix");
}

TEST(LiveSyslog, TcpJsonFraming) {
    SENSOR_REQUIRE_ROOT("the live sensor and rsyslogd");
    check_syslog_delivery({"syslog_output.host=127.0.0.1", "syslog_output.port=@PORT@",
                           "syslog_output.protocol=tcp", "syslog_output.format=json"},
                          "tcp");
}

TEST(LiveSyslog, UdpRfc5424) {
    SENSOR_REQUIRE_ROOT("the live sensor and rsyslogd");
    check_syslog_delivery({"syslog_output.host=127.0.0.1", "syslog_output.port=@UDPPORT@",
                           "syslog_output.protocol=udp", "syslog_output.format=rfc5424"},
                          "udp");
}
