// The k8s_audit source in a live `sensor run`: the upstream samples POSTed to the webhook as
// the API server posts them give the README's detections (and the same alerts as `sensor
// replay --audit`); bad requests are answered as documented and the sensor keeps alerting;
// HTTPS accepts only client certificates of its CA; the log file input follows rotations
// without losing or repeating an event; and both sources run in one process.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "e2e/live_suite.h"
#include "e2e/require_root.h"
#include "sensor/k8saudit/rfc3339.h"
#include "support/audit_http_client.h"
#include "support/k8saudit_samples.h"
#include "support/test_certs.h"

using namespace sensor;
using namespace sensor::testing;
using namespace sensor::k8saudit_test;
using sensor::testing_support::AuditTestClient;
using sensor::testing_support::TestCerts;
namespace fs = std::filesystem;

namespace {

std::string temp_dir(const std::string& name) {
    std::string d =
        ::testing::TempDir() + "sensor-k8saudit-" + name + "-" + std::to_string(getpid());
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

// A config enabling the built-in k8saudit plugin as falco.yaml does.
std::string write_config(const std::string& dir, const std::string& open_params,
                         const std::string& init_config = "") {
    std::string path = dir + "/sensor.yaml";
    std::ofstream(path) << "load_plugins: [k8saudit, json]\n"
                           "plugins:\n"
                           "  - name: k8saudit\n"
                           "    library_path: libk8saudit.so\n"
                           "    init_config:\n"
                           "      maxEventSize: 262144\n"
                        << init_config << "    open_params: \"" << open_params
                        << "\"\n"
                           "  - name: json\n"
                           "    library_path: libjson.so\n"
                           "container_metadata:\n  enabled: false\n";
    return path;
}

std::vector<std::string> lines_of(const std::string& file) {
    std::vector<std::string> out;
    std::istringstream in(read_text(file));
    for (std::string l; std::getline(in, l);)
        if (l.find_first_not_of(" \r\t") != std::string::npos) out.push_back(l);
    return out;
}

// What the API server's webhook backend POSTs: the events of a batch in an EventList.
std::string event_list(const std::vector<std::string>& events) {
    std::string body =
        R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[)";
    for (size_t i = 0; i < events.size(); ++i) body += (i ? "," : "") + events[i];
    return body + "]}";
}

uint16_t webhook_port(LiveSensor& s) {
    std::smatch m;
    std::string err = s.stderr_text();
    static const std::regex port_re(R"(webhook https?://[^ ]*:([0-9]+)/)");
    return std::regex_search(err, m, port_re) ? static_cast<uint16_t>(std::stoi(m[1])) : 0;
}

bool start_audit_sensor(LiveSensor& s, const std::string& config,
                        const std::vector<std::string>& rules, std::string& error,
                        bool syscall = false) {
    std::vector<std::string> args = {"-c", config};
    for (const auto& r : rules) args.insert(args.end(), {"-r", r});
    if (!syscall) args.insert(args.end(), {"--disable-source", "syscall"});
    return s.start(args, error);
}

uint64_t event_time(const std::string& json_line) {
    std::smatch m;
    static const std::regex ts(R"re("stageTimestamp":"([^"]+)")re");
    if (!std::regex_search(json_line, m, ts)) return 0;
    return k8saudit::parse_rfc3339_ns(m[1].str()).value_or(0);
}

uint64_t alert_time(const Json& alert) {
    return k8saudit::parse_rfc3339_ns(alert.value("time", "")).value_or(0);
}

// The rules files of a README case: the upstream rules (unless alone) and its overrides.
std::vector<std::string> case_rules(const SampleCase& c, const std::string& dir) {
    std::vector<std::string> out;
    if (!c.alone) out.push_back(kUpstreamRules);
    for (size_t i = 0; i < c.overrides.size(); ++i) {
        std::string p = dir + "/override-" + std::to_string(i) + ".yaml";
        std::ofstream(p) << override_yaml(c.overrides[i]);
        out.push_back(p);
    }
    return out;
}

// Runs one sensor for a set of cases sharing their overrides (and no event time), POSTs each
// sample, stops it, and attributes the alerts to samples by event time.
void run_case_group(const std::vector<SampleCase>& group) {
    std::string dir = temp_dir("samples");
    LiveSensor s;
    std::string error;
    ASSERT_TRUE(start_audit_sensor(s, write_config(dir, "http://127.0.0.1:0/k8s-audit"),
                                   case_rules(group[0], dir), error))
        << error;
    const uint16_t port = webhook_port(s);
    ASSERT_NE(port, 0) << s.stderr_text();
    std::map<uint64_t, std::string> file_of_time;
    for (const auto& c : group) {
        auto lines = lines_of(kSamplesDir + "/" + c.file);
        AuditTestClient client;
        ASSERT_TRUE(client.connect_to(port));
        // The malformed sample goes as the body itself; the others as the API server sends them.
        std::string body = c.file == "fal_01_003.json" ? lines[0] : event_list(lines);
        EXPECT_EQ(client.post("/k8s-audit", body).status, 200) << c.file;
        for (const auto& l : lines) file_of_time[event_time(l)] = c.file;
    }
    EXPECT_EQ(s.stop(), 0);
    std::map<std::string, std::map<std::string, int>> fired;
    for (const auto& a : s.alerts()) {
        EXPECT_EQ(a.value("source", ""), "k8s_audit");
        auto it = file_of_time.find(alert_time(a));
        ASSERT_NE(it, file_of_time.end()) << a.dump();
        ++fired[it->second][rule_of(a)];
    }
    for (const auto& c : group) {
        SCOPED_TRACE(c.file);
        if (c.expect_nothing) {
            EXPECT_TRUE(fired[c.file].empty());
        } else {
            EXPECT_EQ(fired[c.file][c.rule], c.count) << c.rule;
        }
        if (c.file == "fal_01_003.json") {
            EXPECT_NE(s.stderr_text().find("data not recognized as a k8s audit event"),
                      std::string::npos);
        }
    }
    fs::remove_all(dir);
}

TEST(K8sAuditLive, SamplesGiveTheirExpectedDetectionsThroughTheWebhook) {
    // One sensor per override set; samples sharing an event time go to separate sensors.
    std::vector<std::vector<SampleCase>> groups;
    std::map<std::string, std::vector<size_t>> by_overrides;
    std::map<size_t, std::set<uint64_t>> times;
    for (const auto& c : sample_cases()) {
        std::string key;
        for (const auto& o : c.overrides) key += o + ";";
        std::set<uint64_t> mine;
        for (const auto& l : lines_of(kSamplesDir + "/" + c.file)) mine.insert(event_time(l));
        size_t target = SIZE_MAX;
        for (size_t g : by_overrides[key]) {
            bool clash = false;
            for (uint64_t t : mine) clash |= times[g].count(t) > 0;
            if (!clash) target = g;
        }
        if (target == SIZE_MAX) {
            target = groups.size();
            groups.emplace_back();
            by_overrides[key].push_back(target);
        }
        groups[target].push_back(c);
        times[target].insert(mine.begin(), mine.end());
    }
    ASSERT_GE(groups.size(), 8u);
    for (const auto& g : groups) run_case_group(g);
}

// `sensor replay --audit` and the live webhook give the same alerts for the same events.
TEST(K8sAuditLive, ReplayGivesTheSameAlertsAsTheWebhook) {
    std::string dir = temp_dir("replay");
    std::vector<std::string> all;
    for (const auto& e : fs::directory_iterator(kSamplesDir))
        if (e.path().extension() == ".json" && e.path().filename() != "fal_01_003.json")
            for (const auto& l : lines_of(e.path().string())) all.push_back(l);
    std::ofstream(dir + "/audit.log") << [&] {
        std::string t;
        for (const auto& l : all) t += l + "\n";
        return t;
    }();
    std::string out = dir + "/replay.out";
    std::string cmd = std::string(SENSOR_BINARY) + " replay --audit " + dir + "/audit.log -r " +
                      kUpstreamRules + " > " + out + " 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::multiset<std::string> replayed, live;
    for (const auto& l : lines_of(out)) {
        Json a = Json::parse(l);
        replayed.insert(rule_of(a) + "|" + a.value("time", "") + "|" + a.value("output", ""));
    }
    LiveSensor s;
    std::string error;
    ASSERT_TRUE(start_audit_sensor(s, write_config(dir, "http://127.0.0.1:0/k8s-audit"),
                                   {kUpstreamRules}, error))
        << error;
    AuditTestClient client;
    ASSERT_TRUE(client.connect_to(webhook_port(s)));
    EXPECT_EQ(client.post("/k8s-audit", event_list(all)).status, 200);
    EXPECT_EQ(s.stop(), 0);
    for (const auto& a : s.alerts())
        live.insert(rule_of(a) + "|" + a.value("time", "") + "|" + a.value("output", ""));
    EXPECT_GE(replayed.size(), 40u);
    EXPECT_EQ(live, replayed);
    fs::remove_all(dir);
}

bool has_exec_alert(LiveSensor& s, int n) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
        int got = 0;
        for (const auto& a : s.alerts()) got += rule_of(a) == "Attach/Exec Pod";
        if (got >= n) return got == n;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

TEST(K8sAuditLive, BadRequestsAreAnsweredAndTheSensorKeepsAlerting) {
    std::string dir = temp_dir("bad");
    LiveSensor s;
    std::string error;
    ASSERT_TRUE(start_audit_sensor(
        s, write_config(dir, "http://127.0.0.1:0/k8s-audit", "      webhookMaxBatchSize: 65536\n"),
        {kUpstreamRules}, error))
        << error;
    const uint16_t port = webhook_port(s);
    const std::string exec = event_list(lines_of(kSamplesDir + "/exec_pod.json"));
    auto fresh = [&] {
        auto c = std::make_unique<AuditTestClient>();
        EXPECT_TRUE(c->connect_to(port));
        return c;
    };
    EXPECT_EQ(fresh()->post("/k8s-audit", exec).status, 200);
    EXPECT_TRUE(has_exec_alert(s, 1));
    {
        auto c = fresh();
        ASSERT_TRUE(c->send("GET /k8s-audit HTTP/1.1\r\nHost: x\r\n\r\n"));
        EXPECT_EQ(c->read_answer().status, 405);
    }
    EXPECT_EQ(fresh()->post("/k8s-audit", exec, "", "text/plain").status, 400);
    EXPECT_EQ(fresh()->post("/k8s-audit", std::string(70000, ' ')).status, 400);
    EXPECT_EQ(fresh()->post("/k8s-audit", "this is not json").status, 200);  // parsed after
    EXPECT_EQ(fresh()->post("/k8s-audit", exec.substr(0, exec.size() / 2)).status, 200);
    {
        auto c = fresh();  // a body cut short by the client: no answer, no payload
        ASSERT_TRUE(
            c->send("POST /k8s-audit HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    "application/json\r\nContent-Length: 5000\r\n\r\n" +
                    exec.substr(0, 100)));
        c->shutdown_write();
        EXPECT_EQ(c->read_answer().status, -1);
    }
    // Still alerting.
    EXPECT_EQ(fresh()->post("/k8s-audit", exec).status, 200);
    EXPECT_TRUE(has_exec_alert(s, 2));
    EXPECT_EQ(s.stop(), 0);
    const std::string err = s.stderr_text();
    EXPECT_NE(err.find("payload is not JSON"), std::string::npos) << err;
    EXPECT_NE(err.find("not_json=2"), std::string::npos) << err;  // the garbage and the half list
    EXPECT_NE(err.find("rejected: method 1, content type 1, too large 1, bad request 1"),
              std::string::npos)
        << err;
    fs::remove_all(dir);
}

TEST(K8sAuditLive, HttpsAcceptsOnlyClientCertificatesOfItsCa) {
    std::string dir = temp_dir("tls");
    TestCerts certs;
    ASSERT_TRUE(certs.make(dir)) << "openssl could not make the test certificates";
    LiveSensor s;
    std::string error;
    ASSERT_TRUE(
        start_audit_sensor(s,
                           write_config(dir, "https://127.0.0.1:0/k8s-audit",
                                        "      sslCertificate: " + certs.path("server-bundle.pem") +
                                            "\n      sslClientCA: " + certs.path("ca.crt") + "\n"),
                           {kUpstreamRules}, error))
        << error;
    const uint16_t port = webhook_port(s);
    const std::string exec = event_list(lines_of(kSamplesDir + "/exec_pod.json"));
    auto post_as = [&](const std::string& cert) {
        SSL_CTX* ctx = certs.client_context(cert);
        AuditTestClient c;
        int status = c.connect_to(port, ctx) ? c.post("/k8s-audit", exec).status : -1;
        c.disconnect();
        SSL_CTX_free(ctx);
        return status;
    };
    EXPECT_EQ(post_as("client"), 200);
    EXPECT_TRUE(has_exec_alert(s, 1));
    EXPECT_EQ(post_as("intruder"), -1);
    EXPECT_EQ(post_as(""), -1);
    EXPECT_EQ(post_as("client"), 200);
    EXPECT_TRUE(has_exec_alert(s, 2));
    EXPECT_EQ(s.stop(), 0);
    EXPECT_NE(s.stderr_text().find("tls 2"), std::string::npos) << s.stderr_text();
    fs::remove_all(dir);
}

// An exec event with its own time (and auditID), so each alert names the line it came from.
std::string exec_line(int i) {
    std::string l = lines_of(kSamplesDir + "/exec_pod.json")[0];
    char ts[64];
    std::snprintf(ts, sizeof ts, "2026-01-01T00:00:%02d.%06dZ", i / 1000 % 60, i);
    l = std::regex_replace(l, std::regex(R"re("stageTimestamp":"[^"]+")re"),
                           std::string("\"stageTimestamp\":\"") + ts + "\"");
    return std::regex_replace(l, std::regex(R"re("auditID":"[^"]+")re"),
                              "\"auditID\":\"line-" + std::to_string(i) + "\"");
}

TEST(K8sAuditLive, FollowsTheAuditLogThroughRotationWithNothingLostOrRepeated) {
    std::string dir = temp_dir("follow");
    const std::string log = dir + "/audit.log";
    std::ofstream(log) << exec_line(0) << "\n";  // before start: skipped, as the plugin does
    LiveSensor s;
    std::string error;
    ASSERT_TRUE(start_audit_sensor(s, write_config(dir, "file://" + log), {kUpstreamRules}, error))
        << error;
    int next = 1;
    auto append = [&](int n) {
        std::ofstream out(log, std::ios::app);
        for (int i = 0; i < n; ++i) out << exec_line(next++) << "\n";
    };
    append(20);
    ASSERT_TRUE(has_exec_alert(s, 20));
    fs::rename(log, log + ".1");  // rename rotation: the rest of the old file, then the new one
    {
        std::ofstream out(log + ".1", std::ios::app);
        out << exec_line(next++) << "\n";
    }
    append(20);
    ASSERT_TRUE(has_exec_alert(s, 41));
    fs::copy_file(log, log + ".2");  // copytruncate
    std::ofstream(log, std::ios::trunc).close();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    append(20);
    EXPECT_TRUE(has_exec_alert(s, 61));
    EXPECT_EQ(s.stop(), 0);
    std::multiset<uint64_t> times;
    for (const auto& a : s.alerts()) times.insert(alert_time(a));
    std::set<uint64_t> unique(times.begin(), times.end());
    EXPECT_EQ(times.size(), 61u);
    EXPECT_EQ(unique.size(), 61u) << "an event was repeated";
    EXPECT_EQ(unique.count(k8saudit::parse_rfc3339_ns("2026-01-01T00:00:00.000000Z").value()), 0u)
        << "a line written before start was read";
    fs::remove_all(dir);
}

TEST(K8sAuditLive, BothSourcesRunInOneProcess) {
    SENSOR_REQUIRE_ROOT("the syscall source loads the eBPF probe");
    std::string dir = temp_dir("both");
    const std::string marker = dir + "/both-sources-marker";
    std::ofstream(dir + "/syscall.yaml")
        << "- rule: Marker opened\n  desc: d\n  condition: evt.type in (open, openat, openat2) and "
           "fd.name = "
        << marker << "\n  output: opened %fd.name by %proc.name\n  priority: WARNING\n";
    LiveSensor s;
    std::string error;
    ASSERT_TRUE(start_audit_sensor(s, write_config(dir, "http://127.0.0.1:0/k8s-audit"),
                                   {kUpstreamRules, dir + "/syscall.yaml"}, error, true))
        << error;
    AuditTestClient client;
    ASSERT_TRUE(client.connect_to(webhook_port(s)));
    EXPECT_EQ(
        client.post("/k8s-audit", event_list(lines_of(kSamplesDir + "/exec_pod.json"))).status,
        200);
    std::ofstream(marker) << "x";
    auto audit = s.wait_alert([](const Json& a) { return rule_of(a) == "Attach/Exec Pod"; });
    auto sys = s.wait_alert([](const Json& a) { return rule_of(a) == "Marker opened"; });
    ASSERT_TRUE(audit && sys);
    EXPECT_EQ(audit->value("source", ""), "k8s_audit");
    EXPECT_EQ(sys->value("source", ""), "syscall");
    EXPECT_EQ(s.stop(), 0);
    fs::remove_all(dir);
}

}  // namespace
