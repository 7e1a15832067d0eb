// falco.yaml's operations keys (logging, metrics, webserver extras, timeouts, simulated drops,
// base_syscalls) through RunConfig: each value lands where `sensor run` reads it, and each
// bad value is an error naming its key.
#include <gtest/gtest.h>

#include "sensor/daemon/ops_keys.h"
#include "sensor/daemon/run_config.h"

using namespace sensor::daemon;

namespace {

std::string error_of(const std::string& key, const std::string& value) {
    RunConfig c;
    std::string err;
    EXPECT_FALSE(c.set(key, value, err)) << key << "=" << value;
    EXPECT_NE(err.find("'" + key + "'"), std::string::npos) << err;
    return err;
}

RunConfig with(std::initializer_list<std::pair<const char*, const char*>> kvs) {
    RunConfig c;
    for (const auto& [k, v] : kvs) {
        std::string err;
        EXPECT_TRUE(c.set(k, v, err)) << k << "=" << v << ": " << err;
    }
    return c;
}

}  // namespace

TEST(OpsKeys, LoggingTakesFalcosLevels) {
    for (const char* l :
         {"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"})
        EXPECT_EQ(with({{"log_level", l}}).ops.log.level, l);
    RunConfig c = with({{"log_stderr", "false"},
                        {"log_syslog", "true"},
                        {"libs_logger.enabled", "false"},
                        {"libs_logger.severity", "trace"}});
    EXPECT_FALSE(c.ops.log.to_stderr);
    EXPECT_TRUE(c.ops.log.to_syslog);
    EXPECT_FALSE(c.ops.log.libs_enabled);
    EXPECT_EQ(c.ops.log.libs_severity, "trace");
    EXPECT_NE(error_of("log_level", "verbose").find("emergency"), std::string::npos);
    error_of("libs_logger.severity", "emergency");  // not a libs severity
    error_of("log_syslog", "maybe");
    EXPECT_EQ(spdlog_level("notice"), spdlog::level::info);
    EXPECT_EQ(spdlog_level("emergency"), spdlog::level::critical);
    EXPECT_EQ(spdlog_level("warning"), spdlog::level::warn);
}

TEST(OpsKeys, FalcoIntervals) {
    uint64_t ns = 0;
    ASSERT_TRUE(parse_falco_interval("1h", ns));
    EXPECT_EQ(ns, 3600000000000ull);
    ASSERT_TRUE(parse_falco_interval("1h30m", ns));
    EXPECT_EQ(ns, 5400000000000ull);
    ASSERT_TRUE(parse_falco_interval("500ms", ns));
    EXPECT_EQ(ns, 500000000ull);
    ASSERT_TRUE(parse_falco_interval("1m500ms", ns));
    EXPECT_EQ(ns, 60500000000ull);
    ASSERT_TRUE(parse_falco_interval("2d", ns));
    EXPECT_EQ(ns, 172800000000000ull);
    ASSERT_TRUE(parse_falco_interval("5000", ns));  // a plain number: milliseconds
    EXPECT_EQ(ns, 5000000000ull);
    for (const char* bad : {"", "h", "10x", "30s1m", "1h1h", "-5s", "0s"})
        EXPECT_FALSE(parse_falco_interval(bad, ns)) << bad;
}

TEST(OpsKeys, Metrics) {
    RunConfig c = with({{"metrics.enabled", "true"},
                        {"metrics.interval", "15m"},
                        {"metrics.output_rule", "true"},
                        {"metrics.output_file", "/tmp/m.json"},
                        {"metrics.rules_counters_enabled", "false"},
                        {"metrics.kernel_event_counters_per_cpu_enabled", "true"},
                        {"metrics.jemalloc_stats_enabled", "true"},
                        {"metrics.convert_memory_to_mb", "false"},
                        {"metrics.include_empty_values", "true"}});
    const MetricsConfig& m = c.ops.metrics;
    EXPECT_TRUE(m.enabled);
    EXPECT_EQ(m.interval_ns, 900000000000ull);
    EXPECT_TRUE(m.output_rule);
    EXPECT_EQ(m.output_file, "/tmp/m.json");
    EXPECT_FALSE(m.rules_counters);
    EXPECT_TRUE(m.kernel_event_counters_per_cpu);
    EXPECT_FALSE(m.convert_memory_to_mb);
    EXPECT_TRUE(m.include_empty_values);
    EXPECT_NE(error_of("metrics.interval", "50ms").find("at least 100ms"), std::string::npos);
    error_of("metrics.interval", "soon");
    error_of("metrics.state_counters_enabled", "yes please");
    RunConfig d;
    std::string err;
    EXPECT_FALSE(d.set("metrics.nonsense", "1", err));
    EXPECT_NE(err.find("unknown config key 'metrics.nonsense'"), std::string::npos) << err;
}

TEST(OpsKeys, Webserver) {
    RunConfig c = with({{"webserver.threadiness", "4"},
                        {"webserver.k8s_healthz_endpoint", "/live"},
                        {"webserver.prometheus_metrics_enabled", "true"},
                        {"webserver.ssl_enabled", "true"},
                        {"webserver.ssl_certificate", "/etc/sensor/s.pem"}});
    EXPECT_EQ(c.ops.web.threadiness, 4u);
    EXPECT_EQ(c.ops.web.healthz_endpoint, "/live");
    EXPECT_TRUE(c.ops.web.prometheus_metrics_enabled);
    EXPECT_TRUE(c.ops.web.ssl_enabled);
    EXPECT_EQ(c.ops.web.ssl_certificate, "/etc/sensor/s.pem");
    error_of("webserver.k8s_healthz_endpoint", "healthz");
    error_of("webserver.k8s_healthz_endpoint", "/");
    error_of("webserver.threadiness", "-1");
    error_of("webserver.ssl_certificate", "");
}

TEST(OpsKeys, TimeoutsAndSimulatedDrops) {
    RunConfig c = with({{"syscall_event_timeouts.max_consecutives", "250"},
                        {"syscall_event_drops.simulate_drops", "true"},
                        {"syscall_event_drops.threshold", "5"}});
    EXPECT_EQ(c.ops.timeouts_max_consecutives, 250u);
    EXPECT_TRUE(c.ops.simulate_drops);
    EXPECT_EQ(c.syscall_event_drops.threshold_percent, 5);
    error_of("syscall_event_timeouts.max_consecutives", "0");
    error_of("syscall_event_timeouts.max_consecutives", "many");
    error_of("syscall_event_drops.simulate_drops", "2");
}

TEST(OpsKeys, BaseSyscalls) {
    RunConfig c = with({{"base_syscalls.custom_set", "clone,!mprotect"},
                        {"base_syscalls.repair", "true"},
                        {"base_syscalls.all", "false"}});
    EXPECT_EQ(c.ops.base_syscalls.custom_set, (std::vector<std::string>{"clone", "!mprotect"}));
    EXPECT_TRUE(c.ops.base_syscalls.repair);
    EXPECT_NE(error_of("base_syscalls.custom_set", "clone,frobnicate").find("'frobnicate'"),
              std::string::npos);
    EXPECT_TRUE(with({{"base_syscalls.custom_set", ""}}).ops.base_syscalls.custom_set.empty());
}

TEST(OpsKeys, ConfigFileErrorsNameTheLine) {
    std::string path = ::testing::TempDir() + "/ops_keys.yaml";
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("metrics:\n  enabled: true\n  interval: 1x\n", f);
    std::fclose(f);
    RunConfig c;
    std::string err;
    EXPECT_FALSE(c.load_file(path, err));
    EXPECT_NE(err.find(path + ":3:"), std::string::npos) << err;
    EXPECT_NE(err.find("metrics.interval"), std::string::npos) << err;
}
