#pragma once
// Configuration of `sensor run`: a YAML file (config/sensor.yaml, or Falco's falco.yaml as it
// is), the files of its `config_files`, then `-o key=value` overrides, merged as Falco merges
// them (config_tree.h). Every key is known: a key of ours or Falco's is applied (config_keys.h)
// or, when it does not apply to the sensor, logged with why (config_not_applicable.h);
// anything else is an error naming the key (and the file position when it comes from a file).
#include <cstdint>
#include <string>
#include <vector>

#include "alert_intake.h"
#include "capture_keys.h"
#include "config_tree.h"
#include "ops_keys.h"
#include "output_settings.h"
#include "plugin_config.h"
#include "sensor/container/metadata_service.h"
#include "sensor/ops/drop_monitor.h"
#include "sensor/rules/rule_selection.h"
#include "sensor/state/process_table.h"
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
    bool outputs_queue_unbounded_asked = false;  // Falco's capacity 0: kept bounded, logged
    uint32_t output_timeout_ms = 2000;           // a write slower than this is counted, logged
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
    OpsConfig ops;  // logging, metrics, webserver extras, timeouts, base_syscalls
    // capture
    uint32_t ring_buffer_bytes = 2u << 20;  // per CPU; a power of two
    int poll_interval_ms = 20;              // bound on alert latency when the host is quiet
    bool exact_timestamps = true;           // a clock reading per record (see ProbeOptions)
    bool open_path_filter = true;           // opens no rule can match stay in the kernel
    bool ring_buffer_bytes_set = false;     // capture.ring_buffer_bytes given: wins over presets
    uint32_t engine_buf_size_preset = 0;    // Falco's engine.modern_ebpf.buf_size_preset (0: none)
    uint32_t cpus_for_each_buffer = 2;      // Falco's: the preset's buffer is shared by this many
    uint32_t snaplen = 80;  // falco_libs.snaplen: bytes of I/O buffers captured (Falco's 80)
    CaptureFileConfig capture_file;  // capture files (capture_keys.h)
    // state
    std::string host_root = "/";  // where the host's /etc is (a DaemonSet mounts it at /host)
    std::string proc_root = "/proc";
    uint32_t max_processes = 262144;
    uint32_t max_fds_per_process = 4096;
    // exited processes kept while descendants run, for lineage fields (0: none)
    uint32_t max_exited_processes = static_cast<uint32_t>(state::kDefaultMaxKeptExited);
    // sources: Falco's plugin keys (the built-in k8s_audit source) and enabled sources
    std::vector<std::string> load_plugins;
    std::vector<PluginEntry> plugins;
    std::vector<std::string> disabled_sources;  // --disable-source
    std::vector<std::string> enabled_sources;   // --enable-source: only these
    // sequences and the alerts they take from other sensors
    AlertIntakeConfig alert_intake;
    correlate::Limits sequences;
    uint64_t max_duration_ns = 0;  // -M (command line only): 0 runs until signalled
    // The config as loaded: its files and config_files directories (watched when
    // watch_config_files), and info lines for the log (not-applicable keys, skipped paths).
    bool watch_config_files = true;
    std::vector<std::string> config_files_loaded;
    std::vector<std::string> config_directories;
    std::vector<std::string> notes;
    // The loaded keys that a reload cannot change (all but the rules settings), for telling
    // which changed keys need a restart.
    std::vector<std::pair<std::string, std::string>> restart_only_settings;

    // Applies one dotted key; false with error naming the key when unknown or invalid.
    bool set(const std::string& key, const std::string& value, std::string& error);
    // Applies "key=value" (Falco's -o syntax, config_tree.h).
    bool apply_override(const std::string& key_value, std::string& error);
    // Reads a config file; false with error "FILE:LINE:COL: ..." on a bad key or value.
    bool load_file(const std::string& path, std::string& error);
    // The main file ("" for none), its config_files, then the overrides, as Falco loads them.
    bool load(const std::string& path, const std::vector<std::string>& overrides,
              std::string& error);
    // Applies a merged tree's keys.
    bool apply_tree(const ConfigNode& root, std::string& error);
};

// The config file used when -c is not given: /etc/sensor/sensor.yaml when present, else the
// source tree's config/sensor.yaml (for a build run in place), else none.
std::string default_config_path();
// Whether a reload applies this key (rules files, selection and LoadOptions) without a restart.
bool reloadable_config_key(const std::string& flat_key);
// Rules used when neither the config nor -r name any: /etc/sensor/rules, else the source tree's
// rules/.
std::string default_rules_path();

}  // namespace sensor::daemon
