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
#include <set>

#include "e2e/containerd_runtime.h"
#include "e2e/live_suite.h"
#include "support/audit_http_client.h"

using namespace sensor;
using namespace sensor::testing;
using sensor::testing::Containerd;
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

// The shipped sequences with real parts: a containerd pod, a node sensor with the default
// rules and CRI metadata sending its alerts to a cluster sensor, an interactive shell exec'd
// into the pod, and audit events for that pod POSTed as the API server would: the exec
// session logged 2 s before the shell (arriving after it, as webhook batching delivers it),
// then secret reads with the pod's token. Each shipped sequence fires once, naming the pod,
// the shell's command line and the API user; another pod's token, a read before the shell
// and one past the window give nothing more.
TEST(CorrelationLive, ShellInAContainerdPodThenItsTokenReadsSecrets) {
    SENSOR_REQUIRE_ROOT("the node sensor loads the eBPF probe and containerd runs pods");
    const std::string dir = "/tmp/sensor-e2e-corr-" + std::to_string(getpid());
    Containerd ctd;
    std::string error;
    ASSERT_TRUE(ctd.start(dir + "/containerd", error)) << error;
    const std::string uid = "corr-" + std::to_string(getpid());
    std::ofstream(dir + "/cluster-config.yaml")
        << "load_plugins: [k8saudit]\nplugins:\n  - name: k8saudit\n"
           "    open_params: http://127.0.0.1:0/k8s-audit\n"
           "alert_intake:\n  enabled: true\n  listen_port: 0\n"
           "container_metadata:\n  enabled: false\n";
    LiveSensor cluster;
    ASSERT_TRUE(cluster.start({"-c", dir + "/cluster-config.yaml", "-r",
                               std::string(SENSOR_SOURCE_DIR) + "/rules/60-sequences.yaml",
                               "--disable-source", "syscall"},
                              error))
        << error;
    const uint16_t intake = port_after(cluster.stderr_text(), "alert_intake");
    const uint16_t webhook = port_after(cluster.stderr_text(), "k8s_audit");
    ASSERT_TRUE(intake && webhook) << cluster.stderr_text();
    LiveSensor node;
    ASSERT_TRUE(node.start(
        {"-r", std::string(SENSOR_SOURCE_DIR) + "/rules", "-o", "rule_matching=all", "-o",
         "container_metadata.cri_sockets=" + ctd.socket(), "-o", "http_output.enabled=true", "-o",
         "http_output.url=http://127.0.0.1:" + std::to_string(intake) + "/"},
        error))
        << error;
    std::string pod = ctd.run_pod("web-pod", "shop", uid, error);
    ASSERT_FALSE(pod.empty()) << error;
    std::string cid = ctd.run_container(pod, "web", error);
    ASSERT_FALSE(cid.empty()) << error;
    // A shell on a terminal (a few attempts: see LiveContainers.terminal_shell).
    std::optional<Json> shell;
    for (int attempt = 0; attempt < 5 && !shell; ++attempt) {
        EXPECT_EQ(ctd.exec(cid, "exit 0", true), 0);
        shell = node.wait_alert(
            [&](const Json& a) {
                return rule_of(a) == "Interactive terminal shell in container" &&
                       field(a, "k8s.pod.uid") == uid;
            },
            std::chrono::seconds(4));
    }
    ASSERT_TRUE(shell) << node.stderr_text();
    const auto shell_time = std::chrono::system_clock::time_point(std::chrono::nanoseconds(
        shell->value("output_fields", Json::object()).value("evt.time", uint64_t{0})));
    const std::string exec_ts = rfc3339(shell_time - std::chrono::seconds(2));
    const std::string exec_event =
        R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"exec-1","stage":"ResponseStarted",)"
        R"("verb":"create","requestURI":"/api/v1/namespaces/shop/pods/web-pod/exec?command=sh&tty=true",)"
        R"("user":{"username":"alice@example.com"},"sourceIPs":["203.0.113.9"],"userAgent":"kubectl/v1.30",)"
        R"("objectRef":{"resource":"pods","namespace":"shop","name":"web-pod","subresource":"exec"},)"
        R"("responseStatus":{"code":101},"requestReceivedTimestamp":")" +
        exec_ts + R"(","stageTimestamp":")" + exec_ts + R"("})";
    std::string body =
        R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[)" + exec_event + "," +
        secret_read("before", uid, shell_time - std::chrono::seconds(30)) + "," +
        secret_read("other-pod", uid + "-x", shell_time + std::chrono::seconds(5)) + "," +
        secret_read("the-one", uid, shell_time + std::chrono::seconds(5)) + "]}";
    // Past the window, in a later batch: it moves event time 31 minutes on, and would expire
    // the exec session before a node alert still on its way could join it.
    const std::string later = R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[)" +
                              secret_read("too-late", uid, shell_time + std::chrono::minutes(31)) +
                              "]}";
    AuditTestClient client;
    ASSERT_TRUE(client.connect_to(webhook));
    EXPECT_EQ(client.post("/k8s-audit", body).status, 200);
    auto is = [](const std::string& name) {
        return [name](const Json& a) {
            return a.value("source", "") == "correlation" && a.value("rule", "") == name;
        };
    };
    auto secrets = cluster.wait_alert(
        is("Shell in pod, then its token reads secrets or changes RBAC"), std::chrono::seconds(20));
    auto exec = cluster.wait_alert(is("Exec into pod, then a terminal shell in it"),
                                   std::chrono::seconds(20));
    ASSERT_TRUE(secrets) << cluster.stderr_text();
    ASSERT_TRUE(exec) << [&] {
        std::string out = "exec at " + exec_ts + "; node alerts:\n";
        for (const auto& a : node.alerts())
            out += "  " + rule_of(a) + " pod=" + field(a, "k8s.pod.name") +
                   " ns=" + field(a, "k8s.ns.name") + " time=" + a.value("time", "") + "\n";
        return out;
    }();
    EXPECT_EQ(field(*secrets, "k8s.pod.name"), "web-pod");
    EXPECT_EQ(field(*secrets, "ka.user.name"), "system:serviceaccount:shop:web");
    EXPECT_NE(field(*secrets, "proc.cmdline"), "<null>");
    EXPECT_NE(secrets->dump().find("auditID the-one"), std::string::npos) << secrets->dump();
    EXPECT_EQ(field(*exec, "ka.user.name"), "alice@example.com");
    EXPECT_EQ(field(*exec, "proc.cmdline"), field(*shell, "proc.cmdline"));
    EXPECT_EQ(client.post("/k8s-audit", later).status, 200);
    EXPECT_EQ(node.stop(), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(cluster.stop(), 0);
    SCOPED_TRACE(cluster.stderr_text());
    int by_name[2] = {0, 0};
    for (const auto& a : cluster.alerts()) {
        by_name[0] += is("Shell in pod, then its token reads secrets or changes RBAC")(a);
        by_name[1] += is("Exec into pod, then a terminal shell in it")(a);
    }
    // Once per first-step occurrence: every shell the node reported in the pod (the terminal
    // attempts may start more than one), completed by the one secret read.
    int shells = 0;
    for (const auto& a : node.alerts())
        shells += rule_of(a) == "Shell started in container" && field(a, "k8s.pod.uid") == uid;
    EXPECT_GE(shells, 1);
    EXPECT_EQ(by_name[0], shells);
    EXPECT_EQ(by_name[1], 1);  // one exec session
    // The same through `sensor replay` over what was recorded: the node's alerts (its JSON
    // lines) and the audit events (one per line, as the API server's log backend writes).
    {
        std::ofstream alerts(dir + "/node-alerts.jsonl");
        for (const auto& a : node.alerts()) alerts << a.dump() << "\n";
        std::ofstream log(dir + "/audit.log");
        for (const std::string* b : std::vector<const std::string*>{&body, &later}) {
            const Json batch = Json::parse(*b);
            for (const auto& e : batch["items"]) log << e.dump() << "\n";
        }
    }
    const std::string out = dir + "/replay.out";
    const std::string cmd = std::string(SENSOR_BINARY) + " replay --alerts " + dir +
                            "/node-alerts.jsonl --audit " + dir + "/audit.log -r " +
                            SENSOR_SOURCE_DIR + "/rules/60-sequences.yaml > " + out + " 2>" + out +
                            ".err";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::multiset<std::string> live, replayed;
    for (const auto& a : cluster.alerts())
        if (a.value("source", "") == "correlation")
            live.insert(a.value("rule", "") + "|" + a.value("output", ""));
    std::ifstream in(out);
    for (std::string l; std::getline(in, l);) {
        Json a = Json::parse(l);
        if (a.value("source", "") == "correlation")
            replayed.insert(a.value("rule", "") + "|" + a.value("output", ""));
    }
    EXPECT_EQ(replayed, live) << std::ifstream(out + ".err").rdbuf() << "\naudit log:\n"
                              << std::ifstream(dir + "/audit.log").rdbuf();
    ctd.stop();
    std::error_code ec;
    fs::remove_all(dir, ec);
}

}  // namespace
