#include "run_config.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

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

std::vector<std::string> split_list(const std::string& v) {
    std::vector<std::string> out;
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

std::string where(const std::string& path, const YAML::Mark& m) {
    return path + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

}  // namespace

namespace {

// One key=value being applied: its error message when the value does not fit.
struct Setting {
    const std::string& key;
    const std::string& value;
    std::string& error;
    KeyResult bad(const char* expect) const {
        error = "config key '" + key + "' expects " + expect + ", got '" + value + "'";
        return KeyResult::bad;
    }
    template <typename T>
    KeyResult uint_in(T& out, T lo, T hi, const char* expect) const {
        T n{};
        if (!parse_uint(value, n) || n < lo || n > hi) return bad(expect);
        out = n;
        return KeyResult::ok;
    }
    KeyResult text(std::string& out, const char* expect_nonempty = nullptr) const {
        if (expect_nonempty && value.empty()) return bad(expect_nonempty);
        out = value;
        return KeyResult::ok;
    }
};

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
    if (s.key == "rules_files" || s.key == "rules_file") {
        c.rules_files = split_list(s.value);
        return KeyResult::ok;
    }
    return KeyResult::not_mine;
}

KeyResult set_output_key(RunConfig& c, const Setting& s) {
    const std::string& v = s.value;
    if (s.key == "file_output.filename") return s.text(c.file_output_filename, "a file path");
    if (s.key == "outputs_queue.capacity")
        return s.uint_in(c.outputs_queue_capacity, 1u, 1u << 24, "1 to 16777216 alerts");
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

// log_level, capture.* and state.*.
KeyResult set_runtime_key(RunConfig& c, const Setting& s) {
    const std::string& v = s.value;
    if (s.key == "log_level")
        return v == "debug" || v == "info" || v == "warning" || v == "error"
                   ? s.text(c.log_level)
                   : s.bad("debug, info, warning or error");
    if (s.key == "capture.ring_buffer_bytes") {
        uint32_t n = 0;
        if (!parse_uint(v, n) || n < 65536 || (n & (n - 1)) != 0)
            return s.bad("a power of two of at least 65536");
        c.ring_buffer_bytes = n;
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

}  // namespace

bool RunConfig::set(const std::string& key, const std::string& value, std::string& error) {
    const Setting s{key, value, error};
    if (auto r = set_capture_file_key(capture_file, key, value, error); r != KeyResult::not_mine)
        return r == KeyResult::ok;
    for (auto section :
         {set_flag_key, set_rules_key, set_output_key, set_drops_key, set_service_key,
          set_runtime_key, set_plugins_key, set_intake_key, set_sequence_key}) {
        KeyResult r = section(*this, s);
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
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
        error = "option '" + kv + "' must be key=value";
        return false;
    }
    return set(kv.substr(0, eq), kv.substr(eq + 1), error);
}

bool RunConfig::load_file(const std::string& path, std::string& error) {
    std::ifstream in(path);
    if (!in) {
        error = "cannot read config file " + path;
        return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::vector<rules::YNodePtr> docs;
    try {
        docs = rules::parse_yaml_documents(ss.str());
    } catch (const rules::YamlError& e) {
        error = where(path, e.mark) + ": " + e.what();
        return false;
    }
    if (docs.empty() || docs[0]->IsNull()) return true;
    if (docs.size() > 1 || !docs[0]->IsMap()) {
        error = path + ": the config must be one YAML mapping";
        return false;
    }
    // Walks nested maps into dotted keys; sequences of scalars become comma lists.
    std::function<bool(const rules::YNode&, const std::string&)> walk =
        [&](const rules::YNode& map, const std::string& prefix) {
            for (const auto& [k, v] : map.pairs) {
                std::string key = prefix + k->Scalar();
                if (key == "rules" && v->IsSequence()) {
                    // [{disable: {rule: NAME}}, {enable: {tag: TAG}}, ...] in text form.
                    std::string steps;
                    for (const auto& item : v->items) {
                        bool ok = item->IsMap() && item->pairs.size() == 1 &&
                                  item->pairs[0].second->IsMap() &&
                                  item->pairs[0].second->pairs.size() == 1 &&
                                  item->pairs[0].second->pairs[0].second->IsScalar();
                        if (!ok) {
                            error = where(path, item->Mark()) +
                                    ": config key 'rules' expects items like "
                                    "{disable: {rule: NAME}} or {enable: {tag: TAG}}";
                            return false;
                        }
                        const auto& inner = item->pairs[0].second->pairs[0];
                        steps += item->pairs[0].first->Scalar() + " " + inner.first->Scalar() +
                                 "=" + inner.second->Scalar() + ";";
                    }
                    if (!set(key, steps, error)) {
                        error = where(path, k->Mark()) + ": " + error;
                        return false;
                    }
                    continue;
                }
                if (key == "plugins") {
                    if (!read_plugin_entries(*v, path, plugins, error)) return false;
                    continue;
                }
                if (v->IsMap()) {
                    if (!walk(*v, key + ".")) return false;
                    continue;
                }
                std::string value;
                if (v->IsSequence()) {
                    for (const auto& item : v->items) {
                        if (!item->IsScalar()) {
                            error = where(path, item->Mark()) + ": config key '" + key +
                                    "' expects a list of strings";
                            return false;
                        }
                        if (!value.empty()) value += ',';
                        value += item->Scalar();
                    }
                } else {
                    value = v->Scalar();
                }
                if (!set(key, value, error)) {
                    error = where(path, k->Mark()) + ": " + error;
                    return false;
                }
            }
            return true;
        };
    return walk(*docs[0], "");
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
