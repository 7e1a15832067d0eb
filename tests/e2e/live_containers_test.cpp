// End to end, as root: container and pod metadata from a real containerd (Debian's, with
// runc) started by the test. A pod and a container are created through CRI with a pod name
// and namespace; the sensor runs with the stable rules plus a `container` rule, and actions
// inside the container raise alerts that carry the container's id, name, image and pod.
// The same checks run with no runtime socket: id-only container fields, one warning.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "e2e/containerd_runtime.h"
#include "e2e/live_sensor.h"
#include "e2e/require_root.h"

namespace fs = std::filesystem;
using sensor::testing::Containerd;
using sensor::testing::LiveSensor;
using Json = nlohmann::json;

namespace {

const std::string kStable = std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml";

std::string field(const Json& alert, const std::string& key) {
    const Json& f = alert["output_fields"];
    if (!f.contains(key) || f[key].is_null()) return "<null>";
    return f[key].is_string() ? f[key].get<std::string>() : f[key].dump();
}

// A TCP listener on 127.0.0.1 for the container to connect to (host network).
int listen_tcp(uint16_t& port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 4) != 0) return -1;
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    return fd;
}

class LiveContainers : public ::testing::Test {
  protected:
    void SetUp() override {
        SENSOR_REQUIRE_ROOT("the live sensor and containerd");
        dir_ = "/tmp/sensor-e2e-ctd-" + std::to_string(getpid());
        std::string err;
        ASSERT_TRUE(ctd_.start(dir_ + "/containerd", err)) << err;
        rules_ = dir_ + "/container_rules.yaml";
        std::ofstream(rules_) << "- rule: New container\n"
                                 "  desc: a container's first process appeared\n"
                                 "  condition: evt.type = container and container.id != host\n"
                                 "  output: New container %container.id %container.name "
                                 "%container.image.repository %k8s.pod.name %k8s.ns.name "
                                 "privileged=%container.privileged uid=%k8s.pod.uid "
                                 "type=%container.type app=%k8s.pod.label[app] "
                                 "tier=%container.label[tier]\n"
                                 "  priority: NOTICE\n"
                                 // For failure messages: every program started in a container.
                                 "- rule: Exec in container\n"
                                 "  desc: diagnostics\n"
                                 "  condition: evt.type = execve and container.id != host\n"
                                 "  output: exec %proc.name tty=%proc.tty parent=%proc.pname "
                                 "ptid=%proc.ppid cmd=%proc.cmdline\n"
                                 "  priority: DEBUG\n";
        uid_ = "e2e-" + std::to_string(getpid());
    }
    void TearDown() override {
        ctd_.stop();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    // The sensor (stable rules + the container rule, CRI at cri_socket), a pod, a container.
    void start_all(const std::string& cri_socket) {
        std::string err;
        ASSERT_TRUE(sensor_.start({"-r", kStable, "-r", rules_, "-o", "rule_matching=all", "-o",
                                   "container_metadata.cri_sockets=" + cri_socket},
                                  err))
            << err;
        std::string pod = ctd_.run_pod("web-pod", "shop", uid_, err);
        ASSERT_FALSE(pod.empty()) << err;
        cid_ = ctd_.run_container(pod, "web", err);
        ASSERT_FALSE(cid_.empty()) << err;
    }

    std::optional<Json> alert_in_container(
        const std::string& rule, std::chrono::seconds timeout = std::chrono::seconds(20)) {
        std::string short_id = cid_.substr(0, 12);
        return sensor_.wait_alert(
            [&](const Json& a) {
                return a.value("rule", "") == rule && field(a, "container.id") == short_id;
            },
            timeout);
    }

    // An interactive shell on a terminal exec'd into the container, and its alert. A few
    // attempts: `ctr task exec` has runc exit right after starting the process, and on this
    // VM an orphan goes to pid 1 (not to containerd-shim), so a shell that execs after runc
    // is gone has parent pid 1 and Falco's container_entrypoint macro rightly rejects it.
    std::optional<Json> terminal_shell() {
        for (int attempt = 0; attempt < 5; ++attempt) {
            EXPECT_EQ(ctd_.exec(cid_, "exit 0", true), 0);
            if (auto a = alert_in_container("Terminal shell in container", std::chrono::seconds(3)))
                return a;
        }
        return std::nullopt;
    }

    // A shell in the container with stdin/stdout on a TCP connection (busybox nc -e), and
    // its alert.
    std::optional<Json> redirect_to_network() {
        uint16_t port = 0;
        int lsn = listen_tcp(port);
        EXPECT_GE(lsn, 0);
        if (lsn < 0) return std::nullopt;
        // busybox nc takes everything after -e as the program, so -e comes last.
        ctd_.exec(cid_, "nc 127.0.0.1 " + std::to_string(port) + " -e /bin/true", false);
        close(lsn);
        return alert_in_container("Redirect STDOUT/STDIN to Network Connection in Container");
    }

    // What the sensor said, for failure messages.
    std::string seen() {
        std::string out = "alerts so far:\n";
        for (const auto& a : sensor_.alerts())
            out += "  " + a.value("rule", "") + " | " + a.value("output", "").substr(0, 300) + "\n";
        return out + sensor_.stderr_text();
    }

    std::string dir_, rules_, uid_, cid_;
    Containerd ctd_;
    LiveSensor sensor_;
};

}  // namespace

TEST_F(LiveContainers, AlertsCarryContainerAndPodMetadataFromCri) {
    start_all(ctd_.socket());
    if (HasFatalFailure()) return;
    // An interactive shell on a terminal, exec'd into the container.
    auto shell = terminal_shell();
    ASSERT_TRUE(shell.has_value()) << seen();
    EXPECT_EQ(field(*shell, "container.id"), cid_.substr(0, 12));
    EXPECT_EQ(field(*shell, "container.name"), "web");
    EXPECT_EQ(field(*shell, "container.image.repository"), "docker.io/local/busybox");
    EXPECT_EQ(field(*shell, "container.image.tag"), "latest");
    EXPECT_EQ(field(*shell, "k8s.pod.name"), "web-pod");
    EXPECT_EQ(field(*shell, "k8s.ns.name"), "shop");

    // Reading /etc/shadow inside the container.
    EXPECT_EQ(ctd_.exec(cid_, "cat /etc/shadow", false), 0);
    auto shadow = alert_in_container("Read sensitive file untrusted");
    ASSERT_TRUE(shadow.has_value()) << seen();
    EXPECT_EQ(field(*shadow, "fd.name"), "/etc/shadow");
    EXPECT_EQ(field(*shadow, "container.name"), "web");
    EXPECT_EQ(field(*shadow, "k8s.pod.name"), "web-pod");

    // A shell's stdin/stdout redirected to a TCP connection.
    auto redirect = redirect_to_network();
    ASSERT_TRUE(redirect.has_value()) << seen();
    EXPECT_EQ(field(*redirect, "container.name"), "web");

    // The container rule: once for the container, with its metadata.
    auto created = alert_in_container("New container");
    ASSERT_TRUE(created.has_value()) << seen();
    EXPECT_NE(created->value("output", "").find(" web docker.io/local/busybox web-pod shop"),
              std::string::npos)
        << created->value("output", "");
    EXPECT_EQ(field(*created, "container.privileged"), "false");
    EXPECT_EQ(field(*created, "k8s.pod.uid"), uid_);
    EXPECT_EQ(field(*created, "container.type"), "containerd");
    EXPECT_EQ(field(*created, "k8s.pod.label[app]"), "web");
    EXPECT_EQ(field(*created, "container.label[tier]"), "frontend");
    EXPECT_EQ(sensor_.stop(), 0);
    size_t announcements = 0;
    for (const auto& a : sensor_.alerts())
        if (a.value("rule", "") == "New container" &&
            field(a, "container.id") == cid_.substr(0, 12))
            ++announcements;
    EXPECT_EQ(announcements, 1u);
    // The pod's sandbox container is announced too, named after its pod.
    bool sandbox_seen = false;
    for (const auto& a : sensor_.alerts())
        if (a.value("rule", "") == "New container" && field(a, "container.name") == "web-pod" &&
            field(a, "k8s.ns.name") == "shop")
            sandbox_seen = true;
    EXPECT_TRUE(sandbox_seen) << seen();
}

TEST_F(LiveContainers, WithoutARuntimeSocketAlertsHaveTheIdOnly) {
    start_all(dir_ + "/no-such-runtime.sock");
    if (HasFatalFailure()) return;
    const std::string id = cid_.substr(0, 12);
    // The same actions as with the runtime: each alert has the id, and null names.
    auto shell = terminal_shell();
    ASSERT_TRUE(shell.has_value()) << seen();
    EXPECT_EQ(field(*shell, "container.name"), "<null>");
    EXPECT_EQ(field(*shell, "k8s.pod.name"), "<null>");
    EXPECT_NE(shell->value("output", "").find("container_name=<NA>"), std::string::npos);
    EXPECT_EQ(ctd_.exec(cid_, "cat /etc/shadow", false), 0);
    auto shadow = alert_in_container("Read sensitive file untrusted");
    ASSERT_TRUE(shadow.has_value()) << seen();
    EXPECT_EQ(field(*shadow, "container.id"), id);
    EXPECT_EQ(field(*shadow, "container.name"), "<null>");
    auto redirect = redirect_to_network();
    ASSERT_TRUE(redirect.has_value()) << seen();
    auto created = alert_in_container("New container");
    ASSERT_TRUE(created.has_value()) << seen();
    EXPECT_EQ(field(*created, "container.name"), "<null>");
    EXPECT_EQ(sensor_.stop(), 0);
    std::string log = sensor_.stderr_text();
    size_t warnings = 0;
    for (size_t at = 0; (at = log.find(" warning: ", at)) != std::string::npos; ++at) ++warnings;
    EXPECT_NE(log.find("no CRI runtime answers"), std::string::npos) << log;
    EXPECT_LE(warnings, 2u) << "at most the /proc scan warning and the CRI one:\n" << log;
    EXPECT_EQ(log.find(" error: "), std::string::npos) << log;
}
