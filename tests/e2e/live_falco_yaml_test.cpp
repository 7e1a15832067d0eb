// Falco 0.44.1's own falco.yaml (tests/data/falco-0.44.1.yaml) runs the live sensor: it gets
// to ready, a rule we trigger alerts on stdout and on the syslog output the file enables, and
// stderr has no warning or error, only info lines (those for keys that do not apply name keys
// that docs/config.md lists as such).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e/live_sensor.h"
#include "e2e/require_root.h"

using sensor::testing::LiveSensor;
namespace fs = std::filesystem;

namespace {

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A datagram socket standing in for the local syslog daemon.
struct SyslogListener {
    int fd = -1;
    std::string path;
    explicit SyslogListener(const std::string& p) : path(p) {
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
        unlink(path.c_str());
        if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) fd = -1;
    }
    ~SyslogListener() {
        if (fd >= 0) close(fd);
        unlink(path.c_str());
    }
    // Messages received within about 5 s that contain needle.
    bool received(const std::string& needle) {
        timeval tv{0, 200000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[65536];
        for (int i = 0; i < 25; ++i) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n > 0 && std::string(buf, static_cast<size_t>(n)).find(needle) != std::string::npos)
                return true;
        }
        return false;
    }
};

}  // namespace

TEST(LiveFalcoYaml, FalcosOwnConfigRunsAndAlerts) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    fs::path dir = fs::temp_directory_path() / ("sensor-falco-yaml-" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "marker.yaml")
        << "- rule: Falco yaml marker\n  desc: d\n"
           "  condition: evt.type in (execve, execveat) and proc.args contains "
           "falco-yaml-e2e-marker\n"
           "  output: marker seen (cmd=%proc.cmdline)\n  priority: WARNING\n";
    SyslogListener syslog((dir / "log.sock").string());
    ASSERT_GE(syslog.fd, 0);
    std::vector<std::string> args = {
        "-c", std::string(SENSOR_SOURCE_DIR) + "/tests/data/falco-0.44.1.yaml", "-r",
        (dir / "marker.yaml").string(),
        // The harness reads JSON alerts; a free port instead of 8765; the syslog daemon's
        // socket is ours (falco.yaml enables syslog_output, which writes to the local one).
        "-o", "json_output=true", "-o", "webserver.listen_port=0", "-o",
        "syslog_output.path=" + syslog.path};
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start(args, err)) << err;
    sensor::testing::run_program({"/bin/echo", "falco-yaml-e2e-marker"});
    auto alert = s.wait_alert([](const LiveSensor::Json& a) {
        return a.is_object() && a.value("rule", "") == "Falco yaml marker";
    });
    ASSERT_TRUE(alert.has_value()) << s.stderr_text();
    // falco.yaml's append_output: [{suggested_output: true}] appends the container fields.
    EXPECT_NE((*alert)["output"].get<std::string>().find("container_id="), std::string::npos)
        << alert->dump();
    EXPECT_TRUE(syslog.received("Falco yaml marker"));
    EXPECT_EQ(s.stop(), 0);
    fs::remove_all(dir);

    const std::string doc = read_all(std::string(SENSOR_SOURCE_DIR) + "/docs/config.md");
    std::istringstream lines(s.stderr_text());
    std::string line;
    size_t not_applicable = 0;
    while (std::getline(lines, line)) {
        // What this host is like, not what the config says: no CRI runtime here, and /proc
        // entries a sandbox hides.
        if (line.find(" warning: no CRI runtime answers") != std::string::npos ||
            line.find(" warning: /proc scan: ") != std::string::npos)
            continue;
        EXPECT_EQ(line.find(" warning: "), std::string::npos) << line;
        EXPECT_EQ(line.find(" error: "), std::string::npos) << line;
        auto at = line.find("config key '");
        if (at == std::string::npos || line.find("does not apply") == std::string::npos) continue;
        ++not_applicable;
        std::string key = line.substr(at + 12, line.find('\'', at + 12) - at - 12);
        EXPECT_NE(doc.find("| `" + key + "` |"), std::string::npos)
            << key << " is logged as not applying but docs/config.md does not list it";
    }
    EXPECT_GE(not_applicable, 5u) << s.stderr_text();
    EXPECT_NE(s.stderr_text().find("outputs_queue.capacity 0 (unbounded) asked for"),
              std::string::npos);
}
