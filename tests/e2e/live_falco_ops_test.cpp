// End to end, as root: falco.yaml's operations keys on a real `sensor run`. The webserver over
// HTTPS at a custom health path with Falco's Prometheus names; metrics snapshots as internal
// alerts and output_file lines; simulated drops raising the drop alert; the timeouts
// notification; base_syscalls changing the traced set.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "e2e/live_helpers.h"
#include "e2e/live_sensor.h"
#include "e2e/require_root.h"
#include "support/audit_http_client.h"
#include "support/test_certs.h"

namespace fs = std::filesystem;
using sensor::testing::LiveSensor;
using sensor::testing::metric;
using sensor::testing::webserver_port;
using sensor::testing_support::AuditTestClient;
using sensor::testing_support::HttpAnswer;
using sensor::testing_support::TestCerts;

namespace {

HttpAnswer get(uint16_t port, const std::string& path, SSL_CTX* tls) {
    AuditTestClient c;
    if (!c.connect_to(port, tls)) return {};
    if (!c.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) return {};
    return c.read_answer();
}

bool is_rule(const nlohmann::json& a, const std::string& rule) {
    return a.value("rule", "") == rule;
}

// "N syscalls traced" of the ready line.
int traced_count(const std::string& log) {
    std::smatch m;
    if (!std::regex_search(log, m, std::regex("ready: probe attached, (\\d+) syscalls traced")))
        return -1;
    return std::stoi(m[1]);
}

}  // namespace

TEST(LiveFalcoOps, HttpsHealthAtACustomPathAndFalcoPrometheusNames) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    std::string dir = sensor::testing::fresh_dir("falco-ops-web");
    TestCerts certs;
    ASSERT_TRUE(certs.make(dir)) << "openssl could not make the test certificates";
    std::string rules = sensor::testing::write_shadow_symlink_rule(dir);
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(
        s.start({"-r", rules, "-o", "webserver.enabled=true", "-o", "webserver.listen_port=0", "-o",
                 "webserver.k8s_healthz_endpoint=/live", "-o", "webserver.ssl_enabled=true", "-o",
                 "webserver.ssl_certificate=" + certs.path("server-bundle.pem"), "-o",
                 "webserver.prometheus_metrics_enabled=true", "-o", "metrics.enabled=true"},
                err))
        << err;
    uint16_t port = webserver_port(s.stderr_text());
    ASSERT_NE(port, 0) << s.stderr_text();
    EXPECT_NE(s.stderr_text().find("webserver: /live and /metrics on 127.0.0.1:"),
              std::string::npos);
    SSL_CTX* tls = certs.client_context("");
    HttpAnswer live = get(port, "/live", tls);
    EXPECT_EQ(live.status, 200);
    EXPECT_EQ(live.body, "{\"status\":\"ok\"}\n");
    EXPECT_EQ(get(port, "/healthz", tls).status, 404);
    EXPECT_EQ(get(port, "/live", nullptr).status, -1);  // plain HTTP gets no answer

    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(symlink("/etc/shadow", (dir + "/l" + std::to_string(i)).c_str()), 0);
    ASSERT_TRUE(s.wait_alert([](const auto& a) { return is_rule(a, "Symlink to shadow"); }));
    const std::string match_series =
        "falcosecurity_falco_rules_matches_total{priority=\"4\",rule_name=\"Symlink to "
        "shadow\",source=\"syscall\"}";
    std::string text;
    for (int i = 0; i < 40; ++i) {  // published once a second
        text = get(port, "/metrics", tls).body;
        if (metric(text, match_series) == 3) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(metric(text, match_series), 3) << text;
    EXPECT_GT(metric(text, "falcosecurity_scap_n_evts_total"), 0) << text;
    EXPECT_GE(metric(text, "falcosecurity_scap_n_drops_total"), 0);
    EXPECT_GT(metric(text, "falcosecurity_scap_n_threads_total"), 10);
    EXPECT_GT(metric(text, "falcosecurity_falco_memory_rss_bytes"), 1e6);
    EXPECT_GT(metric(text, "falcosecurity_falco_host_num_cpus_total"), 0);
    EXPECT_GT(metric(text, "falcosecurity_falco_start_timestamp_nanoseconds"), 1e18);
    EXPECT_NE(text.find("falcosecurity_falco_version_info{version=\""), std::string::npos);
    EXPECT_NE(text.find("# TYPE falcosecurity_scap_n_evts_total counter"), std::string::npos);
    EXPECT_GT(metric(text, "sensor_records_total"), 0);  // the sensor's own names stay
    SSL_CTX_free(tls);
    EXPECT_EQ(s.stop(), 0);
    fs::remove_all(dir);
}

TEST(LiveFalcoOps, WithoutPrometheusMetricsOnlyTheHealthPathIsServed) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-o", "webserver.enabled=true", "-o", "webserver.listen_port=0", "-o",
                         "webserver.prometheus_metrics_enabled=false"},
                        err))
        << err;
    std::smatch m;
    std::string log = s.stderr_text();
    ASSERT_TRUE(
        std::regex_search(log, m, std::regex("webserver: /healthz on 127\\.0\\.0\\.1:(\\d+)")))
        << log;
    uint16_t port = static_cast<uint16_t>(std::stoi(m[1]));
    EXPECT_EQ(sensor::testing::http_get(port, "/healthz").substr(0, 3), "200");
    EXPECT_EQ(sensor::testing::http_get(port, "/metrics").substr(0, 3), "404");
    EXPECT_EQ(s.stop(), 0);
}

TEST(LiveFalcoOps, MetricsSnapshotsAsInternalAlertsAndFileLines) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    std::string dir = sensor::testing::fresh_dir("falco-ops-metrics");
    std::string rules = sensor::testing::write_shadow_symlink_rule(dir);
    std::string file = dir + "/metrics.jsonl";
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules, "-o", "metrics.enabled=true", "-o", "metrics.interval=1s",
                         "-o", "metrics.output_rule=true", "-o", "metrics.output_file=" + file},
                        err))
        << err;
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(symlink("/etc/shadow", (dir + "/l" + std::to_string(i)).c_str()), 0);
    auto match = s.wait_alert([](const auto& a) { return is_rule(a, "Symlink to shadow"); });
    ASSERT_TRUE(match);
    const uint64_t match_time = (*match)["output_fields"]["evt.time"].get<uint64_t>();
    // Two snapshots after the matches: the second's counts have moved from the first's.
    auto snapshot_after = [&](uint64_t time) {
        return s.wait_alert(
            [&](const auto& a) {
                return is_rule(a, "Falco internal: metrics snapshot") &&
                       a["output_fields"].value("evt.time", uint64_t{0}) > time;
            },
            std::chrono::seconds(15));
    };
    auto first = snapshot_after(match_time);
    ASSERT_TRUE(first);
    auto first_fields = (*first)["output_fields"];
    // Activity between the snapshots, so their event counts must differ on a quiet host too.
    ASSERT_EQ(symlink("/etc/shadow", (dir + "/l2").c_str()), 0);
    auto matches = [&] {
        size_t n = 0;
        for (const auto& a : s.alerts()) n += is_rule(a, "Symlink to shadow") ? 1 : 0;
        return n;
    };
    for (int i = 0; i < 200 && matches() < 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(matches(), 3u);
    auto second = snapshot_after(first_fields["evt.time"].get<uint64_t>());
    ASSERT_TRUE(second);
    const auto& f = (*second)["output_fields"];
    EXPECT_EQ((*second)["priority"], "Informational");
    EXPECT_EQ((*second)["source"], "internal");
    EXPECT_EQ(
        (*second)["output"].get<std::string>().find("Falco metrics snapshot") != std::string::npos,
        true);
    EXPECT_GT(f["scap.n_evts"].get<uint64_t>(), first_fields["scap.n_evts"].get<uint64_t>());
    EXPECT_EQ(f["scap.n_evts_prev"], first_fields["scap.n_evts"]);
    EXPECT_EQ(f["falco.num_evts_prev"], first_fields["falco.num_evts"]);
    EXPECT_GT(f["falco.memory_rss_mb"].get<double>(), 1);
    EXPECT_GT(f["falco.host_num_cpus"].get<uint64_t>(), 0u);
    EXPECT_GT(f["falco.n_threads"].get<uint64_t>(), 10u);
    EXPECT_EQ(f["falco.rules.Symlink_to_shadow"], 3);
    EXPECT_GE(f["falco.rules.matches_total"].get<uint64_t>(), 3u);
    EXPECT_EQ(f["scap.engine_name"], "modern_bpf");
    EXPECT_EQ(s.stop(), 0);

    std::ifstream in(file);
    std::vector<nlohmann::json> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(nlohmann::json::parse(l));
    ASSERT_GE(lines.size(), 2u);
    for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i]["sample"], i + 1);
    bool first_in_file = false;
    for (const auto& l : lines) first_in_file |= l["output_fields"] == first_fields;
    EXPECT_TRUE(first_in_file);  // the alert's output_fields are the file line's
    fs::remove_all(dir);
}

TEST(LiveFalcoOps, SimulatedDropsRaiseTheDropAlert) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-o", "syscall_event_drops.simulate_drops=true", "-o",
                         "syscall_event_drops.actions=log,alert"},
                        err))
        << err;
    auto alert =
        s.wait_alert([](const auto& a) { return is_rule(a, "Falco internal: syscall event drop"); },
                     std::chrono::seconds(15));
    ASSERT_TRUE(alert) << s.stderr_text();
    EXPECT_GE((*alert)["output_fields"]["n_drops"].get<uint64_t>(), 1u);
    EXPECT_EQ((*alert)["priority"], "Critical");
    EXPECT_EQ(s.stop(), 0);
    EXPECT_NE(s.stderr_text().find("Simulating syscall event drop"), std::string::npos);
}

TEST(LiveFalcoOps, TimeoutsNotificationAfterConsecutiveEmptyPolls) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    std::string dir = sensor::testing::fresh_dir("falco-ops-timeouts");
    std::string rules = sensor::testing::write_shadow_symlink_rule(dir);
    LiveSensor s;
    std::string err;
    // Only the rule's symlinks traced (the custom set replaces the state set) and 1 ms polls:
    // two polls in a row without a record come soon even on a busy host.
    ASSERT_TRUE(
        s.start({"-r", rules, "-o", "base_syscalls.custom_set=symlinkat", "-o",
                 "capture.poll_interval_ms=1", "-o", "syscall_event_timeouts.max_consecutives=1"},
                err))
        << err;
    auto alert = s.wait_alert(
        [](const auto& a) { return is_rule(a, "Falco internal: timeouts notification"); },
        std::chrono::seconds(30));
    ASSERT_TRUE(alert) << s.stderr_text();
    EXPECT_EQ((*alert)["priority"], "Debug");
    EXPECT_EQ((*alert)["source"], "internal");
    EXPECT_TRUE((*alert)["output_fields"].contains("last_event_time"));
    EXPECT_NE((*alert)["output"].get<std::string>().find("1 consecutive timeouts without event."),
              std::string::npos);
    EXPECT_EQ(s.stop(), 0);
    fs::remove_all(dir);
}

TEST(LiveFalcoOps, BaseSyscallsShapeTheTracedSet) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    std::string dir = sensor::testing::fresh_dir("falco-ops-base");
    std::string rules = sensor::testing::write_shadow_symlink_rule(dir);
    auto traced = [&](std::vector<std::string> extra) {
        LiveSensor s;
        std::string err;
        std::vector<std::string> args = {"-r", rules};
        args.insert(args.end(), extra.begin(), extra.end());
        EXPECT_TRUE(s.start(args, err)) << err;
        int n = traced_count(s.stderr_text());
        EXPECT_EQ(s.stop(), 0);
        return n;
    };
    int normal = traced({});
    int repaired = traced({"-o", "base_syscalls.repair=true"});
    int all = traced({"-o", "base_syscalls.all=true", "-o", "base_syscalls.custom_set=!write"});
    EXPECT_GT(normal, 20);
    EXPECT_LT(repaired, normal);
    EXPECT_GT(all, normal);
    EXPECT_GT(all, 250);
    fs::remove_all(dir);
}

TEST(LiveFalcoOps, LogSyslogSendsTheLogLinesToTheLocalSyslog) {
    SENSOR_REQUIRE_ROOT("the test listens on /dev/log");
    // syslog(3) writes to /dev/log. Without a syslog daemon the test binds it; with one, the
    // sensor runs in a private mount namespace where the test's socket is bound over it.
    const bool host_has_syslog = fs::exists("/dev/log");
    const std::string path =
        host_has_syslog
            ? (fs::temp_directory_path() / ("sensor-devlog-" + std::to_string(getpid()))).string()
            : "/dev/log";
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    unlink(path.c_str());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string run =
        std::string(SENSOR_BINARY) + " run --dry-run -o log_syslog=true -o log_stderr=false";
    std::string cmd = host_has_syslog ? "unshare -m --propagation private sh -c 'mount --bind " +
                                            path + " /dev/log && exec " + run + "' 2>&1"
                                      : run + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0);
    EXPECT_EQ(out, "");  // log_stderr=false: nothing on stderr
    std::string lines;
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0;)
        lines.append(buf, static_cast<size_t>(n)).append("\n");
    close(fd);
    unlink(path.c_str());
    EXPECT_NE(lines.find("sensor["), std::string::npos) << lines;  // ident and pid
    EXPECT_NE(lines.find("dry run: the configuration, rules and"), std::string::npos) << lines;
}
