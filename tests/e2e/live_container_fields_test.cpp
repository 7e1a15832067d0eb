// End to end, as root: the container plugin's mount, network and host-namespace fields from a
// real containerd (Debian's, with runc and the CNI bridge plugin) started by the test. One pod
// has its own network on a CNI bridge and a container with a read-only bind mount; another
// uses the host's network and PID namespaces. Rules using container.mount.dest[...],
// container.mount.rdwr[...], container.host_network and container.ip fire for programs run
// in each, with the values CRI gave.
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

std::string field(const Json& alert, const std::string& key) {
    const Json& f = alert["output_fields"];
    if (!f.contains(key) || f[key].is_null()) return "<null>";
    return f[key].is_string() ? f[key].get<std::string>() : f[key].dump();
}

// The rules: cat run in a container (busybox runs its applets through /proc/self/exe, so it
// is told by its argument), with the fields under test in the condition and in the
// output.
std::string rules_text() {
    return "- rule: Read-only data mount\n"
           "  desc: a program in a container whose hostdata mount is read-only\n"
           "  condition: evt.type = execve and container.id != host and proc.args contains passwd "
           "and\n"
           "    container.mount.dest[hostdata$] = /mnt/ro and\n"
           "    container.mount.rdwr[hostdata$] = false and container.host_network = false and\n"
           "    container.ip exists\n"
           "  output: ro mount %container.mount.dest[hostdata$] %container.mount[0]\n"
           "    %container.mount.source[/mnt/ro] %container.mount.propagation[0]\n"
           "    %container.mounts %container.ip %k8s.pod.ip %container.cni.json\n"
           "    %container.host_network %container.host_pid %container.host_ipc\n"
           "  priority: WARNING\n"
           "- rule: Host namespaces\n"
           "  desc: a program in a container on the host's network and PID namespaces\n"
           "  condition: evt.type = execve and container.id != host and proc.args contains passwd "
           "and\n"
           "    container.host_network = true and container.host_pid = true\n"
           "  output: host ns %container.host_network %container.host_pid %container.ip\n"
           "    %container.mounts %container.mount[0] %k8s.deployment.name\n"
           "  priority: WARNING\n"
           // For failure messages: every program started in a container.
           "- rule: Exec in container\n"
           "  desc: diagnostics\n"
           "  condition: evt.type = execve and container.id != host\n"
           "  output: exec %proc.name %container.mounts ip=%container.ip\n"
           "    net=%container.host_network pid=%container.host_pid\n"
           "  priority: DEBUG\n";
}

class LiveContainerFields : public ::testing::Test {
  protected:
    void SetUp() override {
        SENSOR_REQUIRE_ROOT("the live sensor and containerd");
        dir_ = "/tmp/sensor-e2e-cfields-" + std::to_string(getpid());
        std::string err;
        ASSERT_TRUE(ctd_.start(dir_ + "/containerd", err, true)) << err;
        fs::create_directories(dir_ + "/hostdata");
        std::ofstream(dir_ + "/hostdata/file") << "data\n";
        rules_ = dir_ + "/rules.yaml";
        std::ofstream(rules_) << rules_text();
        ASSERT_TRUE(sensor_.start(
            {"-r", rules_, "-o", "container_metadata.cri_sockets=" + ctd_.socket()}, err))
            << err;
    }
    void TearDown() override {
        ctd_.stop();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    // Runs cat in the container until the rule fires (the first runs may precede the
    // runtime's answer, when the container fields are still missing).
    std::optional<Json> cat_alert(const std::string& cid, const std::string& rule) {
        for (int attempt = 0; attempt < 10; ++attempt) {
            EXPECT_EQ(ctd_.exec(cid, "exec cat /etc/passwd >/dev/null", false), 0);
            auto a = sensor_.wait_alert(
                [&](const Json& j) {
                    return j.value("rule", "") == rule &&
                           field(j, "container.id") == cid.substr(0, 12);
                },
                std::chrono::seconds(2));
            if (a) return a;
        }
        return std::nullopt;
    }

    std::string seen() {
        std::string out = "alerts so far:\n";
        for (const auto& a : sensor_.alerts())
            out += "  " + a.value("rule", "") + " | " + a.value("output", "").substr(0, 400) + "\n";
        return out + sensor_.stderr_text();
    }

    std::string dir_, rules_;
    Containerd ctd_;
    LiveSensor sensor_;
};

}  // namespace

TEST_F(LiveContainerFields, PodNetworkAndReadOnlyBindMountFromCri) {
    std::string err, uid = "cf-net-" + std::to_string(getpid());
    std::string pod = ctd_.run_pod("net-pod", "shop", uid, err, {.host_network = false});
    ASSERT_FALSE(pod.empty()) << err;
    std::string cid = ctd_.run_container(pod, "web", err, {{dir_ + "/hostdata", "/mnt/ro", true}});
    ASSERT_FALSE(cid.empty()) << err;

    auto a = cat_alert(cid, "Read-only data mount");
    ASSERT_TRUE(a) << seen();
    std::string src = dir_ + "/hostdata";
    EXPECT_EQ(field(*a, "container.mount.dest[hostdata$]"), "/mnt/ro");
    EXPECT_EQ(field(*a, "container.mount[0]"), src + ":/mnt/ro::false:private");
    EXPECT_EQ(field(*a, "container.mount.source[/mnt/ro]"), src);
    EXPECT_EQ(field(*a, "container.mount.propagation[0]"), "private");
    EXPECT_EQ(field(*a, "container.mounts"), src + ":/mnt/ro::false:private");
    // The pod's address from the bridge's range, the same for container.ip and k8s.pod.ip,
    // and in the CNI result of the pod's own interface.
    std::string ip = field(*a, "container.ip");
    EXPECT_EQ(ip.rfind(ctd_.cni_prefix(), 0), 0u) << ip;
    EXPECT_EQ(field(*a, "k8s.pod.ip"), ip);
    Json cni = Json::parse(field(*a, "container.cni.json"), nullptr, false);
    ASSERT_TRUE(cni.is_object()) << field(*a, "container.cni.json");
    ASSERT_TRUE(cni.contains("eth0")) << cni.dump();
    EXPECT_EQ(cni["eth0"]["IPConfigs"][0]["IP"], ip) << cni.dump();
    EXPECT_FALSE(cni.contains("lo"));
    EXPECT_FALSE(cni["eth0"].contains("Mac"));
    EXPECT_EQ(field(*a, "container.host_network"), "false");
    EXPECT_EQ(field(*a, "container.host_pid"), "false");
    EXPECT_EQ(field(*a, "container.host_ipc"), "false");
}

TEST_F(LiveContainerFields, HostNetworkAndPidNamespacesFromCri) {
    std::string err, uid = "cf-host-" + std::to_string(getpid());
    std::string pod =
        ctd_.run_pod("host-pod", "ops", uid, err, {.host_network = true, .host_pid = true});
    ASSERT_FALSE(pod.empty()) << err;
    std::string cid = ctd_.run_container(pod, "tool", err);
    ASSERT_FALSE(cid.empty()) << err;

    auto a = cat_alert(cid, "Host namespaces");
    ASSERT_TRUE(a) << seen();
    EXPECT_EQ(field(*a, "container.host_network"), "true");
    EXPECT_EQ(field(*a, "container.host_pid"), "true");
    // A host-network pod has no address of its own, and this container no mounts.
    EXPECT_EQ(field(*a, "container.ip"), "<null>");
    EXPECT_EQ(field(*a, "container.mounts"), "<null>");
    EXPECT_EQ(field(*a, "container.mount[0]"), "<null>");
    EXPECT_EQ(field(*a, "k8s.deployment.name"), "<null>");
    // The always-empty field was named once when the rules loaded.
    EXPECT_NE(sensor_.stderr_text().find("'k8s.deployment.name' is not filled live here"),
              std::string::npos)
        << sensor_.stderr_text();
}
