#include "ops_keys.h"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <utility>

#include "config_keys.h"
#include "sensor/rules/yaml_tree.h"

namespace sensor::daemon {
namespace {

// One key=value of this file's keys, and its error message when the value does not fit.
struct OpsSetting {
    const std::string& key;
    const std::string& value;
    std::string& error;
    KeyResult bad(const std::string& expect) const {
        error = "config key '" + key + "' expects " + expect + ", got '" + value + "'";
        return KeyResult::bad;
    }
    KeyResult flag(bool& out) const {
        return rules::parse_yaml_bool(value, out) ? KeyResult::ok : bad("true or false");
    }
    KeyResult one_of(std::string& out, std::initializer_list<const char*> allowed) const {
        std::string list;
        for (const char* a : allowed) {
            if (value == a) {
                out = value;
                return KeyResult::ok;
            }
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        return bad("one of " + list);
    }
};

constexpr std::initializer_list<const char*> kLogLevels = {
    "emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"};
constexpr std::initializer_list<const char*> kLibsSeverities = {
    "fatal", "critical", "error", "warning", "notice", "info", "debug", "trace"};

KeyResult set_log_key(LogConfig& c, const OpsSetting& s) {
    if (s.key == "log_stderr") return s.flag(c.to_stderr);
    if (s.key == "log_syslog") return s.flag(c.to_syslog);
    if (s.key == "log_level") return s.one_of(c.level, kLogLevels);
    if (s.key == "libs_logger.enabled") return s.flag(c.libs_enabled);
    if (s.key == "libs_logger.severity") return s.one_of(c.libs_severity, kLibsSeverities);
    return KeyResult::not_mine;
}

KeyResult set_metrics_key(MetricsConfig& c, const OpsSetting& s) {
    if (s.key.rfind("metrics.", 0) != 0) return KeyResult::not_mine;
    const std::string name = s.key.substr(8);
    if (name == "interval") {
        uint64_t ns = 0;
        if (!parse_falco_interval(s.value, ns) || ns < 100000000ull)
            return s.bad("a duration of at least 100ms such as 1h, 15m, 30s or 500ms");
        c.interval_ns = ns;
        return KeyResult::ok;
    }
    if (name == "output_file") {
        c.output_file = s.value;
        return KeyResult::ok;
    }
    const std::pair<const char*, bool*> flags[] = {
        {"enabled", &c.enabled},
        {"output_rule", &c.output_rule},
        {"rules_counters_enabled", &c.rules_counters},
        {"resource_utilization_enabled", &c.resource_utilization},
        {"state_counters_enabled", &c.state_counters},
        {"kernel_event_counters_enabled", &c.kernel_event_counters},
        {"kernel_event_counters_per_cpu_enabled", &c.kernel_event_counters_per_cpu},
        {"libbpf_stats_enabled", &c.libbpf_stats},
        {"plugins_metrics_enabled", &c.plugins_metrics},
        {"kernel_iter_event_counters_enabled", &c.kernel_iter_event_counters},
        {"jemalloc_stats_enabled", &c.jemalloc_stats},
        {"convert_memory_to_mb", &c.convert_memory_to_mb},
        {"include_empty_values", &c.include_empty_values},
    };
    for (const auto& [flag_name, flag] : flags)
        if (name == flag_name) return s.flag(*flag);
    return KeyResult::not_mine;
}

KeyResult set_web_key(WebserverExtras& c, const OpsSetting& s) {
    if (s.key == "webserver.threadiness") {
        uint32_t n = 0;
        auto [p, ec] = std::from_chars(s.value.data(), s.value.data() + s.value.size(), n);
        if (ec != std::errc() || p != s.value.data() + s.value.size() || n > 1024)
            return s.bad("a number of threads, 0 (automatic) to 1024");
        c.threadiness = n;
        return KeyResult::ok;
    }
    if (s.key == "webserver.k8s_healthz_endpoint") {
        if (s.value.size() < 2 || s.value[0] != '/' ||
            s.value.find_first_of(" ?#") != std::string::npos)
            return s.bad("a path such as /healthz");
        c.healthz_endpoint = s.value;
        return KeyResult::ok;
    }
    if (s.key == "webserver.prometheus_metrics_enabled")
        return s.flag(c.prometheus_metrics_enabled);
    if (s.key == "webserver.ssl_enabled") return s.flag(c.ssl_enabled);
    if (s.key == "webserver.ssl_certificate") {
        if (s.value.empty()) return s.bad("the path of a PEM file with key and certificate");
        c.ssl_certificate = s.value;
        return KeyResult::ok;
    }
    return KeyResult::not_mine;
}

KeyResult set_base_syscalls_key(policy::BaseSyscalls& c, const OpsSetting& s) {
    if (s.key == "base_syscalls.custom_set") {
        std::vector<std::string> names = split_list(s.value);
        auto unknown = policy::unknown_syscall_names(names);
        if (!unknown.empty())
            return s.bad("a list of syscall names ('!name' removes one); '" + unknown[0] +
                         "' is not a syscall");
        c.custom_set = std::move(names);
        return KeyResult::ok;
    }
    if (s.key == "base_syscalls.repair") return s.flag(c.repair);
    if (s.key == "base_syscalls.all") return s.flag(c.all);
    return KeyResult::not_mine;
}

}  // namespace

KeyResult set_ops_key(OpsConfig& c, const std::string& key, const std::string& value,
                      std::string& error) {
    const OpsSetting s{key, value, error};
    if (key == "syscall_event_timeouts.max_consecutives") {
        uint32_t n = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || p != value.data() + value.size() || n == 0)
            return s.bad("a positive number of consecutive empty polls");
        c.timeouts_max_consecutives = n;
        return KeyResult::ok;
    }
    if (key == "syscall_event_drops.simulate_drops") return s.flag(c.simulate_drops);
    for (KeyResult r : {set_log_key(c.log, s), set_metrics_key(c.metrics, s), set_web_key(c.web, s),
                        set_base_syscalls_key(c.base_syscalls, s)})
        if (r != KeyResult::not_mine) return r;
    return KeyResult::not_mine;
}

bool parse_falco_interval(const std::string& text, uint64_t& ns) {
    struct Unit {
        std::string_view name;
        uint64_t ns;
    };
    constexpr uint64_t kMs = 1000000ull, kS = 1000 * kMs, kD = 86400 * kS;
    static constexpr Unit kUnits[] = {{"y", 365 * kD}, {"w", 7 * kD}, {"d", kD},  {"h", 3600 * kS},
                                      {"m", 60 * kS},  {"s", kS},     {"ms", kMs}};
    ns = 0;
    if (text.empty()) return false;
    uint64_t plain = 0;
    auto [pe, pec] = std::from_chars(text.data(), text.data() + text.size(), plain);
    if (pec == std::errc() && pe == text.data() + text.size()) {
        ns = plain * kMs;
        return plain > 0;
    }
    size_t i = 0, next_unit = 0;  // units must come in Prometheus' order, each once
    while (i < text.size()) {
        uint64_t n = 0;
        auto [p, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
        if (ec != std::errc() || n > 1000000) return false;
        i = static_cast<size_t>(p - text.data());
        size_t u = next_unit;
        // "ms" before "m": the longest unit that matches here.
        while (u < std::size(kUnits)) {
            std::string_view name = kUnits[u].name;
            bool longer_ms = name == "m" && text.compare(i, 2, "ms") == 0;
            if (!longer_ms && text.compare(i, name.size(), name) == 0) break;
            ++u;
        }
        if (u == std::size(kUnits)) return false;
        ns += n * kUnits[u].ns;
        i += kUnits[u].name.size();
        next_unit = u + 1;
    }
    return ns > 0;
}

spdlog::level::level_enum spdlog_level(const std::string& l) {
    if (l == "trace") return spdlog::level::trace;
    if (l == "debug") return spdlog::level::debug;
    if (l == "info" || l == "notice") return spdlog::level::info;
    if (l == "warning") return spdlog::level::warn;
    if (l == "error") return spdlog::level::err;
    return spdlog::level::critical;  // critical, alert, emergency, fatal
}

}  // namespace sensor::daemon
