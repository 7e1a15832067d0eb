// End to end, as root: what operators watch. /healthz and /metrics scraped during a run with
// values that move, and the syscall_event_drops alert when the ring is tiny and the reader
// falls behind a syscall storm.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "e2e/live_helpers.h"
#include "e2e/live_sensor.h"
#include "e2e/require_root.h"

namespace fs = std::filesystem;
using sensor::testing::http_get;
using sensor::testing::LiveSensor;
using sensor::testing::metric;
using sensor::testing::webserver_port;

TEST(LiveOperations, HealthAndMetricsMoveDuringARun) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    std::string dir = sensor::testing::fresh_dir("ops");
    std::string rules = sensor::testing::write_shadow_symlink_rule(dir);
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start(
        {"-r", rules, "-o", "webserver.enabled=true", "-o", "webserver.listen_port=0"}, err))
        << err;
    uint16_t port = webserver_port(s.stderr_text());
    ASSERT_NE(port, 0) << s.stderr_text();
    EXPECT_EQ(http_get(port, "/healthz"), "200 {\"status\":\"ok\"}\n");
    EXPECT_EQ(http_get(port, "/nope").substr(0, 3), "404");
    std::string before = http_get(port, "/metrics");
    ASSERT_EQ(before.substr(0, 4), "200 ") << before;
    double records_before = metric(before, "sensor_records_total");
    ASSERT_GE(records_before, 0) << before;

    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(symlink("/etc/shadow", (dir + "/l" + std::to_string(i)).c_str()), 0);
    ASSERT_EQ(s.wait_alert([](const auto& a) {
                   return a.value("rule", "") == "Symlink to shadow";
               }).has_value(),
              true);
    std::string after;
    for (int i = 0; i < 40; ++i) {  // published once a second
        after = http_get(port, "/metrics");
        if (metric(after, "sensor_rule_matches_total{rule=\"Symlink to shadow\"}") == 5 &&
            metric(after, "sensor_output_delivered_total{sink=\"stdout\"}") == 5)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(metric(after, "sensor_rule_matches_total{rule=\"Symlink to shadow\"}"), 5) << after;
    EXPECT_GT(metric(after, "sensor_records_total"), records_before);
    EXPECT_GE(metric(after, "sensor_events_total{type=\"symlink\"}") +
                  metric(after, "sensor_events_total{type=\"symlinkat\"}"),
              4);  // one of the two is absent (-1)
    EXPECT_EQ(metric(after, "sensor_output_delivered_total{sink=\"stdout\"}"), 5);
    EXPECT_EQ(metric(after, "sensor_kernel_drops_total"), 0);
    EXPECT_GE(metric(after, "sensor_ring_buffer_fill_ratio{cpu=\"0\"}"), 0);
    EXPECT_GT(metric(after, "process_resident_memory_bytes"), 1e6);
    EXPECT_GT(metric(after, "sensor_processes"), 10);
    EXPECT_NE(after.find("sensor_bpf_program_runs_total{program=\"sensor_sys_exit\"}"),
              std::string::npos);
    EXPECT_NE(after.find("# TYPE sensor_events_total counter"), std::string::npos);
    EXPECT_EQ(s.stop(), 0);
    fs::remove_all(dir);
}

TEST(LiveOperations, DropAlertWhenTheReaderFallsBehindATinyRing) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(
        s.start({"-r", std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml", "-o",
                 "capture.ring_buffer_bytes=65536", "-o", "syscall_event_drops.actions=log,alert"},
                err))
        << err;
    // A storm of opens; the sensor is stopped for 300 ms in the middle, so its 64 KiB rings
    // overflow for certain.
    std::atomic<bool> stop{false};
    std::thread storm([&] {
        while (!stop) close(open("/etc/hostname", O_RDONLY));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(s.pid(), SIGSTOP);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(s.pid(), SIGCONT);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
    storm.join();
    auto drop = s.wait_alert(
        [](const auto& a) { return a.value("rule", "") == "Falco internal: syscall event drop"; },
        std::chrono::seconds(5));
    ASSERT_TRUE(drop.has_value()) << s.stderr_text();
    EXPECT_EQ((*drop)["priority"], "Critical");
    EXPECT_GT((*drop)["output_fields"].value("n_drops", 0), 0);
    EXPECT_GT((*drop)["output_fields"].value("n_evts", 0),
              (*drop)["output_fields"].value("n_drops", 0));
    EXPECT_EQ(s.stop(), 0);
    EXPECT_NE(s.stderr_text().find("critical: Falco internal: syscall event drop."),
              std::string::npos)
        << s.stderr_text();
}
