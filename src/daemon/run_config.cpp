#include "run_config.h"

#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "config_keys.h"
#include "sensor/rules/yaml_tree.h"

namespace sensor::daemon {
namespace {

template <typename T>
bool parse_uint(const std::string& v, T& out) {
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n > std::numeric_limits<T>::max())
        return false;
    out = static_cast<T>(n);
    return true;
}

bool parse_double(const std::string& v, double& out) {
    try {
        size_t used = 0;
        out = std::stod(v, &used);
        return used == v.size();
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

std::vector<std::string> split_list(const std::string& v) {
    std::vector<std::string> out;
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

KeyResult Setting::flag(bool& out) const {
    return rules::parse_yaml_bool(value, out) ? KeyResult::ok : bad("true or false");
}

KeyResult Setting::number(uint64_t& out, uint64_t lo, uint64_t hi, const char* expect) const {
    if (!parse_uint(value, out) || out < lo || out > hi) return bad(expect);
    return KeyResult::ok;
}

namespace {

KeyResult set_flag_key(RunConfig& c, const Setting& s) {
    const std::pair<const char*, bool*> flags[] = {
        {"stdout_output.enabled", &c.stdout_output},
        {"file_output.enabled", &c.file_output},
        {"file_output.keep_alive", &c.file_output_keep_alive},
        {"buffered_outputs", &c.buffered_outputs},
        {"syslog_output.enabled", &c.syslog_output},
        {"webserver.enabled", &c.webserver_enabled},
        {"container_metadata.enabled", &c.container_metadata.enabled},
        {"alert_dedup.enabled", &c.alert_dedup_enabled},
        {"capture.exact_timestamps", &c.exact_timestamps},
        {"capture.open_path_filter", &c.open_path_filter},
        {"watch_config_files", &c.watch_config_files},
    };
    for (const auto& [name, flag] : flags)
        if (s.key == name)
            return rules::parse_yaml_bool(s.value, *flag) ? KeyResult::ok : s.bad("true or false");
    return KeyResult::not_mine;
}

KeyResult set_rules_key(RunConfig& c, const Setting& s) {
    if (s.key == "rules") {
        std::string why;
        if (rules::parse_rule_selectors(s.value, c.rule_selection, why)) return KeyResult::ok;
        s.error = "config key 'rules': " + why;
        return KeyResult::bad;
    }
    if (s.key == "rules_files" || s.key == "rules_file" || s.key == "rule_files") {
        c.rules_files = split_list(s.value);
        return KeyResult::ok;
    }
    return KeyResult::not_mine;
}

KeyResult set_output_key(RunConfig& c, const Setting& s) {
    const std::string& v = s.value;
    if (s.key == "file_output.filename") return s.text(c.file_output_filename, "a file path");
    if (s.key == "syslog_output.host") return s.text(c.syslog_host);
    if (s.key == "syslog_output.port")
        return s.uint_in(c.syslog_port, uint16_t{1}, uint16_t{65535}, "a port number");
    if (s.key == "syslog_output.protocol")
        return v == "udp" || v == "tcp" ? s.text(c.syslog_protocol) : s.bad("udp or tcp");
    if (s.key == "syslog_output.format")
        return v == "rfc3164" || v == "rfc5424" || v == "json" ? s.text(c.syslog_format)
                                                               : s.bad("rfc3164, rfc5424 or json");
    if (s.key == "syslog_output.path") return s.text(c.syslog_path, "a socket path");
    for (KeyResult r : {set_http_output_key(c.http_output, s.key, v, s.error),
                        set_program_output_key(c.program_output, s.key, v, s.error)})
        if (r != KeyResult::not_mine) return r;
    return KeyResult::not_mine;
}

KeyResult set_drops_key(RunConfig& c, const Setting& s) {
    if (s.key.rfind("syscall_event_drops.", 0) != 0) return KeyResult::not_mine;
    ops::DropPolicy& d = c.syscall_event_drops;
    if (s.key == "syscall_event_drops.actions") {
        std::string why;
        return d.set_actions(s.value, why) ? KeyResult::ok
                                           : s.bad("a list of ignore, log, alert, exit");
    }
    double v = 0;
    bool number = parse_double(s.value, v);
    if (s.key == "syscall_event_drops.threshold") {
        if (!number || v < 0 || v > 100) return s.bad("a percentage, 0 to 100");
        d.threshold_percent = v;
        return KeyResult::ok;
    }
    if (s.key == "syscall_event_drops.rate") {
        if (!number || v <= 0) return s.bad("a positive number of actions per second");
        d.rate = v;
        return KeyResult::ok;
    }
    if (s.key == "syscall_event_drops.max_burst") {
        if (!number || v < 1) return s.bad("a number of at least 1");
        d.max_burst = v;
        return KeyResult::ok;
    }
    return KeyResult::not_mine;
}

// The web server, container metadata and alert dedup keys.
KeyResult set_service_key(RunConfig& c, const Setting& s) {
    if (s.key == "webserver.listen_address")
        return s.text(c.webserver_address, "a numeric IPv4/IPv6 address");
    if (s.key == "webserver.listen_port")
        return s.uint_in(c.webserver_port, uint16_t{0}, uint16_t{65535},
                         "a port number (0: any free port)");
    if (s.key == "container_metadata.cri_sockets") {
        c.container_metadata.sockets = split_list(s.value);
        return c.container_metadata.sockets.empty() ? s.bad("a list of socket paths")
                                                    : KeyResult::ok;
    }
    if (s.key == "container_metadata.timeout_ms") {
        uint32_t n = 0;
        KeyResult r = s.uint_in(n, 10u, 60000u, "10 to 60000 (milliseconds)");
        if (r == KeyResult::ok) c.container_metadata.timeout = std::chrono::milliseconds(n);
        return r;
    }
    if (s.key == "alert_dedup.window_seconds")
        return s.uint_in(c.alert_dedup_window_s, decltype(c.alert_dedup_window_s){1},
                         decltype(c.alert_dedup_window_s){86400}, "1 to 86400 (seconds)");
    return KeyResult::not_mine;
}

// capture.* and state.*.
KeyResult set_runtime_key(RunConfig& c, const Setting& s) {
    const std::string& v = s.value;
    if (s.key == "capture.ring_buffer_bytes") {
        uint32_t n = 0;
        if (!parse_uint(v, n) || n < 65536 || (n & (n - 1)) != 0)
            return s.bad("a power of two of at least 65536");
        c.ring_buffer_bytes = n;
        c.ring_buffer_bytes_set = true;
        return KeyResult::ok;
    }
    if (s.key == "capture.poll_interval_ms") {
        uint32_t n = 0;
        KeyResult r = s.uint_in(n, 1u, 1000u, "1 to 1000 (milliseconds)");
        if (r == KeyResult::ok) c.poll_interval_ms = static_cast<int>(n);
        return r;
    }
    if (s.key == "state.host_root") return s.text(c.host_root);
    if (s.key == "state.proc_root") return s.text(c.proc_root);
    if (s.key == "state.max_processes")
        return s.uint_in(c.max_processes, decltype(c.max_processes){1},
                         std::numeric_limits<decltype(c.max_processes)>::max(),
                         "a positive number");
    if (s.key == "state.max_exited_processes")
        return s.uint_in(c.max_exited_processes, decltype(c.max_exited_processes){0},
                         std::numeric_limits<decltype(c.max_exited_processes)>::max(),
                         "a number (0: exited ancestors are not kept)");
    if (s.key == "state.max_fds_per_process")
        return s.uint_in(c.max_fds_per_process, decltype(c.max_fds_per_process){1},
                         std::numeric_limits<decltype(c.max_fds_per_process)>::max(),
                         "a positive number");
    return KeyResult::not_mine;
}

KeyResult set_intake_key(RunConfig& c, const Setting& s) {
    AlertIntakeConfig& a = c.alert_intake;
    const std::pair<const char*, bool*> flags[] = {{"alert_intake.enabled", &a.enabled},
                                                   {"alert_intake.ssl_enabled", &a.ssl_enabled},
                                                   {"alert_intake.forward", &a.forward}};
    for (const auto& [key, flag] : flags)
        if (s.key == key)
            return rules::parse_yaml_bool(s.value, *flag) ? KeyResult::ok : s.bad("true or false");
    const std::pair<const char*, std::string*> texts[] = {
        {"alert_intake.listen_address", &a.listen_address},
        {"alert_intake.ssl_certificate", &a.ssl_certificate},
        {"alert_intake.ssl_client_ca", &a.ssl_client_ca},
        {"alert_intake.bearer_token_file", &a.bearer_token_file}};
    for (const auto& [key, text] : texts)
        if (s.key == key) return s.text(*text);
    if (s.key == "alert_intake.path")
        return s.value.empty() || s.value[0] != '/' ? s.bad("a path starting with /")
                                                    : s.text(a.path);
    if (s.key == "alert_intake.listen_port")
        return s.uint_in(a.listen_port, uint16_t{0}, uint16_t{65535}, "a port (0 to 65535)");
    if (s.key == "alert_intake.max_body_size")
        return s.uint_in(a.max_body_size, uint64_t{1024}, uint64_t{1} << 30,
                         "a size in bytes (1024 to 1 GiB)");
    if (s.key == "alert_intake.rate_limit_rps") {
        uint32_t n = 0;
        KeyResult r = s.uint_in(n, 0u, 1000000u, "requests per second (0: none)");
        a.rate_limit_rps = n;
        return r;
    }
    return KeyResult::not_mine;
}

KeyResult set_sequence_key(RunConfig& c, const Setting& s) {
    if (s.key == "sequences.allowed_lateness")
        return engine::parse_duration(s.value, c.sequences.allowed_lateness_ns)
                   ? KeyResult::ok
                   : s.bad("a duration such as 5m or 90s");
    if (s.key == "sequences.max_partial_per_key")
        return s.uint_in(c.sequences.max_per_key_step, size_t{1}, size_t{1} << 20,
                         "a positive number");
    if (s.key == "sequences.max_partial_total")
        return s.uint_in(c.sequences.max_total, size_t{1}, size_t{1} << 32, "a positive number");
    return KeyResult::not_mine;
}

KeyResult set_plugins_key(RunConfig& c, const Setting& s) {
    if (s.key == "load_plugins") {
        c.load_plugins = split_list(s.value);
        return KeyResult::ok;
    }
    if (s.key == "plugins") return s.bad("a list of plugin entries (in the config file)");
    return KeyResult::not_mine;
}

constexpr KeyHandler kKeyHandlers[] = {
    set_flag_key,     set_rules_key,   set_output_key,       set_drops_key,
    set_service_key,  set_runtime_key, set_plugins_key,      set_intake_key,
    set_sequence_key, set_engine_key,  set_falco_output_key, set_not_applicable_key,
};

}  // namespace

bool RunConfig::set(const std::string& key, const std::string& value, std::string& error) {
    const Setting s{key, value, error};
    if (auto r = set_capture_file_key(capture_file, key, value, error); r != KeyResult::not_mine)
        return r == KeyResult::ok;
    if (KeyResult r = set_ops_key(ops, key, value, error); r != KeyResult::not_mine)
        return r == KeyResult::ok;
    for (KeyHandler handler : kKeyHandlers) {
        KeyResult r = handler(*this, s);
        if (r != KeyResult::not_mine) return r == KeyResult::ok;
    }
    // The output keys share OutputSettings' parser (and its messages).
    std::string out_error;
    if (output.apply(key + "=" + value, out_error)) return true;
    error =
        out_error.rfind("unknown option", 0) == 0 ? "unknown config key '" + key + "'" : out_error;
    return false;
}

bool RunConfig::apply_override(const std::string& kv, std::string& error) {
    ConfigNode root;
    root.kind = ConfigNode::Kind::Map;
    return apply_config_override(root, kv, error) && apply_tree(root, error);
}

bool RunConfig::load_file(const std::string& path, std::string& error) {
    return load(path, {}, error);
}

bool RunConfig::load(const std::string& path, const std::vector<std::string>& overrides,
                     std::string& error) {
    LoadedConfig loaded;
    if (!load_config(path, overrides, loaded, error)) return false;
    config_files_loaded = loaded.files;
    config_directories = loaded.directories;
    notes.insert(notes.end(), loaded.notes.begin(), loaded.notes.end());
    if (!apply_tree(*loaded.root, error)) return false;
    finish_engine_keys(*this);
    restart_only_settings.clear();
    for (auto& kv : flatten_config(*loaded.root))
        if (!reloadable_config_key(kv.first)) restart_only_settings.push_back(std::move(kv));
    return true;
}

bool RunConfig::apply_tree(const ConfigNode& root, std::string& error) {
    return walk_config(*this, root, "", error);
}

bool reloadable_config_key(const std::string& flat_key) {
    for (const char* k : {"rules_files", "rules_file", "rule_files", "rules", "priority",
                          "rule_matching", "append_output", "static_fields", "buffer_format_base64",
                          "config_files", "watch_config_files"}) {
        size_t n = std::strlen(k);
        if (flat_key.compare(0, n, k) == 0 &&
            (flat_key.size() == n || flat_key[n] == '.' || flat_key[n] == '['))
            return true;
    }
    return false;
}

std::string default_config_path() {
    namespace fs = std::filesystem;
    if (fs::exists("/etc/sensor/sensor.yaml")) return "/etc/sensor/sensor.yaml";
    std::string src = std::string(SENSOR_SOURCE_ROOT) + "/config/sensor.yaml";
    if (fs::exists(src)) return src;
    return {};
}

std::string default_rules_path() {
    namespace fs = std::filesystem;
    if (fs::exists("/etc/sensor/rules")) return "/etc/sensor/rules";
    return std::string(SENSOR_SOURCE_ROOT) + "/rules";
}

}  // namespace sensor::daemon
