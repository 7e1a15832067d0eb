#pragma once
// The operations keys of falco.yaml that `sensor run` takes as Falco 0.44 does: logging
// (log_stderr, log_syslog, log_level, libs_logger.*), metrics.*, the webserver keys beyond
// address/port (threadiness, k8s_healthz_endpoint, prometheus_metrics_enabled, ssl_*),
// syscall_event_timeouts.*, syscall_event_drops.simulate_drops and base_syscalls.*
// (docs/config.md). Parsed here, apart from the other keys, so each bad value names its key.
#include <cstdint>
#include <string>
#include <vector>

#include <spdlog/common.h>

#include "sensor/policy/probe_policy.h"
#include "sink_keys.h"

namespace sensor::daemon {

struct LogConfig {
    bool to_stderr = true;
    // Falco's default is true; ours is false: under systemd, stderr already reaches the
    // journal, and a second copy through syslog would double every line.
    bool to_syslog = false;
    std::string level = "info";  // Falco's eight levels, kept as given (see spdlog_level)
    bool libs_enabled = true;
    std::string libs_severity = "info";  // fatal critical error warning notice info debug trace
};

struct MetricsConfig {
    bool enabled = false;
    uint64_t interval_ns = 3600ull * 1000000000ull;  // falco.yaml's 1h
    bool output_rule = false;                        // Falco's default when the key is absent
    std::string output_file;                         // a JSON line per snapshot when set
    bool rules_counters = true;
    bool resource_utilization = true;
    bool state_counters = true;
    bool kernel_event_counters = true;
    bool kernel_event_counters_per_cpu = false;
    bool libbpf_stats = true;
    bool plugins_metrics = true;  // no plugins run in the sensor: accepted, adds nothing
    bool kernel_iter_event_counters = true;
    bool jemalloc_stats = false;  // the sensor does not use jemalloc: accepted, adds nothing
    bool convert_memory_to_mb = true;
    bool include_empty_values = false;
};

struct WebserverExtras {
    uint32_t threadiness = 0;  // accepted; one server thread serves every request
    std::string healthz_endpoint = "/healthz";
    bool prometheus_metrics_enabled = false;
    bool ssl_enabled = false;
    std::string ssl_certificate = "/etc/falco/falco.pem";  // key and certificate, one PEM
};

struct OpsConfig {
    LogConfig log;
    MetricsConfig metrics;
    WebserverExtras web;
    uint32_t timeouts_max_consecutives = 1000;  // syscall_event_timeouts.max_consecutives
    bool simulate_drops = false;                // syscall_event_drops.simulate_drops
    policy::BaseSyscalls base_syscalls;
};

// Applies key=value when the key is one of the above; bad with error naming the key.
KeyResult set_ops_key(OpsConfig& c, const std::string& key, const std::string& value,
                      std::string& error);

// Falco's duration syntax (Prometheus': 1y2w3d4h5m6s7ms, units in that order); a plain number
// is milliseconds, as Falco's older configs wrote it. False when not one.
bool parse_falco_interval(const std::string& text, uint64_t& ns);

// spdlog's level for a Falco log level or libs_logger severity (emergency, alert and fatal
// become critical; notice becomes info; trace stays trace).
spdlog::level::level_enum spdlog_level(const std::string& falco_level);

}  // namespace sensor::daemon
