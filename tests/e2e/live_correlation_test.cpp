// Sequences live: a node sensor (the real probe) sends its alerts over http_output to a
// cluster sensor's alert intake; the cluster sensor also takes audit events on its webhook and
// raises one correlation alert when an audit event joins the node alert by value, after it and
// within the window. Audit events of another key, before the alert, or outside the window
// give nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>

#include "e2e/live_suite.h"
#include "support/audit_http_client.h"

using namespace sensor;
using namespace sensor::testing;
using sensor::testing_support::AuditTestClient;
namespace fs = std::filesystem;

namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(us / 1000000);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::gmtime(&secs));
    char out[80];
    std::snprintf(out, sizeof out, "%s.%06lldZ", buf, static_cast<long long>(us % 1000000));
    return out;
}

std::string secret_read(const std::string& id, const std::string& pod_uid,
                        std::chrono::system_clock::time_point t) {
    const std::string ts = rfc3339(t);
    return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":")" + id +
           R"(","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/secrets/db","verb":"get",)"
           R"("user":{"username":"system:serviceaccount:shop:web","extra":{"authentication.kubernetes.io/pod-uid":[")" +
           pod_uid +
           R"("]}},"objectRef":{"resource":"secrets","namespace":"shop","name":"db","apiVersion":"v1"},)"
           R"("responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":")" +
           ts + R"(","stageTimestamp":")" + ts + R"("})";
}

uint16_t port_after(const std::string& text, const std::string& prefix) {
    std::smatch m;
    std::regex re(prefix + R"(: webhook http://127\.0\.0\.1:([0-9]+)/)");
    return std::regex_search(text, m, re) ? static_cast<uint16_t>(std::stoi(m[1])) : 0;
}

TEST(CorrelationLive, NodeAlertThenAuditEventOfTheSameKeyFiresOnce) {
    SENSOR_REQUIRE_ROOT("the node sensor loads the eBPF probe");
    const std::string dir = ::testing::TempDir() + "sensor-correlation-" + std::to_string(getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string marker = dir + "/token-marker";
    std::ofstream(dir + "/node.yaml")
        << "- rule: Marker token read\n  desc: d\n  condition: evt.type in (open, openat, "
           "openat2) and fd.name = "
        << marker << "\n  output: token read %fd.name by %proc.name\n  priority: WARNING\n";
    std::ofstream(dir + "/cluster.yaml")
        << "- sequence: Token read, then secrets read with it\n  within: 10m\n  steps:\n"
           "    - rule: Marker token read\n      by: [fd.name]\n"
           "    - source: k8s_audit\n      condition: ka.target.resource = secrets\n"
           "      by:\n        - ka.user.extra[authentication.kubernetes.io/pod-uid]\n"
           "  output: '%proc.name read %fd.name, then %ka.user.name read secret %ka.target.name'\n"
           "  priority: CRITICAL\n  tags: [correlation]\n";
    std::ofstream(dir + "/cluster-config.yaml")
        << "load_plugins: [k8saudit]\nplugins:\n  - name: k8saudit\n"
           "    open_params: http://127.0.0.1:0/k8s-audit\n"
           "alert_intake:\n  enabled: true\n  listen_port: 0\n"
           "container_metadata:\n  enabled: false\n";
    LiveSensor cluster;
    std::string error;
    ASSERT_TRUE(cluster.start({"-c", dir + "/cluster-config.yaml", "-r", dir + "/cluster.yaml",
                               "--disable-source", "syscall"},
                              error))
        << error;
    const uint16_t intake = port_after(cluster.stderr_text(), "alert_intake");
    const uint16_t webhook = port_after(cluster.stderr_text(), "k8s_audit");
    ASSERT_NE(intake, 0) << cluster.stderr_text();
    ASSERT_NE(webhook, 0) << cluster.stderr_text();

    LiveSensor node;
    ASSERT_TRUE(node.start({"-r", dir + "/node.yaml", "-o", "http_output.enabled=true", "-o",
                            "http_output.url=http://127.0.0.1:" + std::to_string(intake) + "/",
                            "-o", "container_metadata.enabled=false"},
                           error))
        << error;
    const auto before = std::chrono::system_clock::now() - std::chrono::seconds(5);
    std::ofstream(marker) << "x";
    auto local = node.wait_alert([](const Json& a) { return rule_of(a) == "Marker token read"; });
    ASSERT_TRUE(local);
    const auto after = std::chrono::system_clock::now() + std::chrono::seconds(1);
    // The API server's batch: out of order, other keys, outside the window, and the one.
    std::string body = R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[)" +
                       secret_read("too-late", marker, after + std::chrono::minutes(11)) + "," +
                       secret_read("other-key", marker + "-other", after) + "," +
                       secret_read("before", marker, before) + "," +
                       secret_read("the-one", marker, after) + "]}";
    // The node's alert may reach the intake after the audit batch: matching is by event time.
    AuditTestClient client;
    ASSERT_TRUE(client.connect_to(webhook));
    EXPECT_EQ(client.post("/k8s-audit", body).status, 200);
    auto corr =
        cluster.wait_alert([](const Json& a) { return a.value("source", "") == "correlation"; },
                           std::chrono::seconds(15));
    ASSERT_TRUE(corr) << cluster.stderr_text();
    EXPECT_EQ(corr->value("rule", ""), "Token read, then secrets read with it");
    EXPECT_EQ(field(*corr, "fd.name"), marker);
    EXPECT_EQ(field(*corr, "ka.user.name"), "system:serviceaccount:shop:web");
    EXPECT_NE(corr->dump().find("auditID the-one"), std::string::npos) << corr->dump();
    EXPECT_EQ(node.stop(), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(cluster.stop(), 0);
    int correlations = 0;
    for (const auto& a : cluster.alerts()) correlations += a.value("source", "") == "correlation";
    EXPECT_EQ(correlations, 1);
    EXPECT_NE(cluster.stderr_text().find("1 correlation alerts"), std::string::npos)
        << cluster.stderr_text();
    fs::remove_all(dir);
}

}  // namespace
