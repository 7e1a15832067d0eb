#pragma once
// Configuration of `sensor run`: a YAML file (config/sensor.yaml; falco.yaml key names where
// Falco has them) plus `-o key=value` overrides. Every key is known; anything else is an error
// naming the key (and the file position when it comes from the file).
#include <cstdint>
#include <string>
#include <vector>

#include "alert_intake.h"
#include "capture_keys.h"
#include "output_settings.h"
#include "plugin_config.h"
#include "sensor/container/metadata_service.h"
#include "sensor/ops/drop_monitor.h"
#include "sensor/rules/rule_selection.h"
#include "sink_keys.h"

namespace sensor::daemon {

struct RunConfig {
    OutputSettings output;
    std::vector<std::string> rules_files;
    std::vector<rules::RuleSelector> rule_selection;  // `rules:` enable/disable steps
    bool stdout_output = true;
    bool file_output = false;
    std::string file_output_filename = "./events.txt";  // Falco's default
    bool file_output_keep_alive = false;
    bool buffered_outputs = false;
    uint32_t outputs_queue_capacity = 16384;
    bool syslog_output = false;
    std::string syslog_host;  // empty: the local daemon's socket (syslog_path)
    uint16_t syslog_port = 514;
    std::string syslog_protocol = "udp";
    std::string syslog_format = "rfc3164";
    std::string syslog_path = "/dev/log";
    bool alert_dedup_enabled = false;
    uint32_t alert_dedup_window_s = 60;
    bool webserver_enabled = false;
    std::string webserver_address = "127.0.0.1";
    uint16_t webserver_port = 8765;  // Falco's
    container::MetadataOptions container_metadata;
    ops::DropPolicy syscall_event_drops;
    HttpOutputConfig http_output;
    ProgramOutputConfig program_output;
    std::string log_level = "info";  // debug, info, warning, error
    // capture
    uint32_t ring_buffer_bytes = 2u << 20;  // per CPU; a power of two
    int poll_interval_ms = 20;              // bound on alert latency when the host is quiet
    bool exact_timestamps = false;          // a clock reading per record (see ProbeOptions)
    bool open_path_filter = true;           // opens no rule can match stay in the kernel
    CaptureFileConfig capture_file;         // capture files (capture_keys.h)
    // state
    std::string host_root = "/";  // where the host's /etc is (a DaemonSet mounts it at /host)
    std::string proc_root = "/proc";
    uint32_t max_processes = 262144;
    uint32_t max_fds_per_process = 4096;
    // sources: Falco's plugin keys (the built-in k8s_audit source) and enabled sources
    std::vector<std::string> load_plugins;
    std::vector<PluginEntry> plugins;
    std::vector<std::string> disabled_sources;  // --disable-source
    std::vector<std::string> enabled_sources;   // --enable-source: only these
    // sequences and the alerts they take from other sensors
    AlertIntakeConfig alert_intake;
    correlate::Limits sequences;
    uint64_t max_duration_ns = 0;  // -M (command line only): 0 runs until signalled

    // Applies one dotted key; false with error naming the key when unknown or invalid.
    bool set(const std::string& key, const std::string& value, std::string& error);
    // Applies "key=value".
    bool apply_override(const std::string& key_value, std::string& error);
    // Reads a config file; false with error "FILE:LINE:COL: ..." on a bad key or value.
    bool load_file(const std::string& path, std::string& error);
};

// The config file used when -c is not given: /etc/sensor/sensor.yaml when present, else the
// source tree's config/sensor.yaml (for a build run in place), else none.
std::string default_config_path();
// Rules used when neither the config nor -r name any: /etc/sensor/rules, else the source tree's
// rules/.
std::string default_rules_path();

}  // namespace sensor::daemon
