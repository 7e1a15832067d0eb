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

bool RunConfig::set(const std::string& key, const std::string& value, std::string& error) {
    auto bad = [&](const char* expect) {
        error = "config key '" + key + "' expects " + expect + ", got '" + value + "'";
        return false;
    };
    // The on/off keys.
    const std::pair<const char*, bool*> flags[] = {
        {"stdout_output.enabled", &stdout_output},
        {"file_output.enabled", &file_output},
        {"file_output.keep_alive", &file_output_keep_alive},
        {"buffered_outputs", &buffered_outputs},
        {"syslog_output.enabled", &syslog_output},
        {"webserver.enabled", &webserver_enabled},
        {"container_metadata.enabled", &container_metadata.enabled},
        {"alert_dedup.enabled", &alert_dedup_enabled},
        {"capture.exact_timestamps", &exact_timestamps},
        {"capture.open_path_filter", &open_path_filter},
    };
    for (const auto& [name, flag] : flags)
        if (key == name) return rules::parse_yaml_bool(value, *flag) || bad("true or false");
    if (key == "rules") {
        std::string why;
        if (!rules::parse_rule_selectors(value, rule_selection, why)) {
            error = "config key 'rules': " + why;
            return false;
        }
        return true;
    }
    if (key == "rules_files" || key == "rules_file") {
        rules_files = split_list(value);
        return true;
    }
    if (key == "file_output.filename") {
        if (value.empty()) return bad("a file path");
        file_output_filename = value;
        return true;
    }
    if (key == "outputs_queue.capacity") {
        if (!parse_uint(value, outputs_queue_capacity) || outputs_queue_capacity == 0 ||
            outputs_queue_capacity > (1u << 24))
            return bad("1 to 16777216 alerts");
        return true;
    }
    if (key == "syslog_output.host") {
        syslog_host = value;
        return true;
    }
    if (key == "syslog_output.port") {
        if (!parse_uint(value, syslog_port) || syslog_port == 0) return bad("a port number");
        return true;
    }
    if (key == "syslog_output.protocol") {
        if (value != "udp" && value != "tcp") return bad("udp or tcp");
        syslog_protocol = value;
        return true;
    }
    if (key == "syslog_output.format") {
        if (value != "rfc3164" && value != "rfc5424" && value != "json")
            return bad("rfc3164, rfc5424 or json");
        syslog_format = value;
        return true;
    }
    if (key == "syslog_output.path") {
        if (value.empty()) return bad("a socket path");
        syslog_path = value;
        return true;
    }
    for (KeyResult r : {set_http_output_key(http_output, key, value, error),
                        set_program_output_key(program_output, key, value, error)})
        if (r != KeyResult::not_mine) return r == KeyResult::ok;
    if (key.rfind("syscall_event_drops.", 0) == 0) {
        ops::DropPolicy& d = syscall_event_drops;
        if (key == "syscall_event_drops.actions") {
            std::string why;
            if (!d.set_actions(value, why)) return bad("a list of ignore, log, alert, exit");
            return true;
        }
        double v = 0;
        if (!parse_double(value, v)) return bad("a number");
        if (key == "syscall_event_drops.threshold") {
            if (v < 0 || v > 100) return bad("a percentage, 0 to 100");
            d.threshold_percent = v;
            return true;
        }
        if (key == "syscall_event_drops.rate") {
            if (v <= 0) return bad("a positive number of actions per second");
            d.rate = v;
            return true;
        }
        if (key == "syscall_event_drops.max_burst") {
            if (v < 1) return bad("a number of at least 1");
            d.max_burst = v;
            return true;
        }
    }
    if (key == "webserver.listen_address") {
        if (value.empty()) return bad("a numeric IPv4/IPv6 address");
        webserver_address = value;
        return true;
    }
    if (key == "webserver.listen_port") {
        if (!parse_uint(value, webserver_port)) return bad("a port number (0: any free port)");
        return true;
    }
    if (key == "container_metadata.cri_sockets") {
        container_metadata.sockets = split_list(value);
        if (container_metadata.sockets.empty()) return bad("a list of socket paths");
        return true;
    }
    if (key == "container_metadata.timeout_ms") {
        uint32_t n = 0;
        if (!parse_uint(value, n) || n < 10 || n > 60000) return bad("10 to 60000 (milliseconds)");
        container_metadata.timeout = std::chrono::milliseconds(n);
        return true;
    }
    if (key == "alert_dedup.window_seconds") {
        if (!parse_uint(value, alert_dedup_window_s) || alert_dedup_window_s == 0 ||
            alert_dedup_window_s > 86400)
            return bad("1 to 86400 (seconds)");
        return true;
    }
    if (key == "log_level") {
        if (value != "debug" && value != "info" && value != "warning" && value != "error")
            return bad("debug, info, warning or error");
        log_level = value;
        return true;
    }
    if (key == "capture.ring_buffer_bytes") {
        uint32_t n = 0;
        if (!parse_uint(value, n) || n < 65536 || (n & (n - 1)) != 0)
            return bad("a power of two of at least 65536");
        ring_buffer_bytes = n;
        return true;
    }
    if (key == "capture.poll_interval_ms") {
        uint32_t n = 0;
        if (!parse_uint(value, n) || n < 1 || n > 1000) return bad("1 to 1000 (milliseconds)");
        poll_interval_ms = static_cast<int>(n);
        return true;
    }
    if (key == "state.host_root") {
        host_root = value;
        return true;
    }
    if (key == "state.proc_root") {
        proc_root = value;
        return true;
    }
    if (key == "state.max_processes") {
        if (!parse_uint(value, max_processes) || max_processes == 0)
            return bad("a positive number");
        return true;
    }
    if (key == "state.max_fds_per_process") {
        if (!parse_uint(value, max_fds_per_process) || max_fds_per_process == 0)
            return bad("a positive number");
        return true;
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
