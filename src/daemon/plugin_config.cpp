#include "plugin_config.h"

#include <nlohmann/json.hpp>

#include "sensor/fields/event_source.h"

namespace sensor::daemon {
namespace {

std::string where(const std::string& path, const YAML::Mark& m) {
    return path + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// init_config as a map of scalars, or (Falco allows it) a JSON object in a string.
bool read_init_config(const rules::YNode& v, const std::string& at, PluginEntry& e,
                      std::string& error) {
    if (v.IsNull()) return true;
    if (v.IsMap()) {
        for (const auto& [k, val] : v.pairs) {
            if (!val->IsScalar()) {
                error = at + ": plugins[" + e.name + "].init_config." + k->Scalar() +
                        " must be a scalar";
                return false;
            }
            e.init_config[k->Scalar()] = val->Scalar();
        }
        return true;
    }
    if (!v.IsScalar() || v.Scalar().empty()) return true;
    auto j = nlohmann::json::parse(v.Scalar(), nullptr, false);
    if (!j.is_object()) {
        error = at + ": plugins[" + e.name + "].init_config must be a map or a JSON object";
        return false;
    }
    for (const auto& [k, val] : j.items())
        e.init_config[k] = val.is_string() ? val.get<std::string>() : val.dump();
    return true;
}

bool read_entry(const rules::YNode& item, const std::string& path, PluginEntry& e,
                std::string& error) {
    const std::string at = where(path, item.Mark());
    if (!item.IsMap()) {
        error = at + ": each item of 'plugins' must be a mapping with a name";
        return false;
    }
    e.where = at;
    for (const auto& [k, v] : item.pairs)
        if (k->Scalar() == "name" && v->IsScalar()) e.name = v->Scalar();
    if (e.name.empty()) {
        error = at + ": an item of 'plugins' has no name";
        return false;
    }
    for (const auto& [k, v] : item.pairs) {
        const std::string& key = k->Scalar();
        if (key == "name") continue;
        if (key == "init_config") {
            if (!read_init_config(*v, at, e, error)) return false;
        } else if ((key == "library_path" || key == "open_params") &&
                   (v->IsScalar() || v->IsNull())) {
            (key == "library_path" ? e.library_path : e.open_params) = v->Scalar();
        } else {
            error = where(path, k->Mark()) + ": unknown or invalid config key 'plugins[" + e.name +
                    "]." + key + "'";
            return false;
        }
    }
    return true;
}

bool is_builtin(const std::string& name) {
    for (const auto& p : fields::builtin_plugins())
        if (p.name == name) return true;
    return false;
}

bool parse_number(const std::string& s, double& out) {
    try {
        size_t used = 0;
        out = std::stod(s, &used);
        return used == s.size() && out >= 0;
    } catch (const std::exception&) {
        return false;
    }
}

// One init_config key of the k8saudit plugin (Falco's names) or of the sensor's additions.
bool apply_init_key(const std::string& key, const std::string& value, AuditSourcePlan& plan,
                    std::string& error) {
    audit_ingest::InputConfig& in = plan.input;
    double n = 0;
    auto number = [&](const char* what) {
        if (parse_number(value, n) && n >= 1) return true;
        error =
            "plugins[" + plan.plugin + "].init_config." + key + ": '" + value + "' is not " + what;
        return false;
    };
    if (key == "sslCertificate") {
        in.ssl_certificate = value;
    } else if (key == "sslClientCA") {
        in.ssl_client_ca = value;
    } else if (key == "bearerTokenFile") {
        in.bearer_token_file = value;
    } else if (key == "useAsync") {
        return true;  // parsing always happens off the HTTP threads
    } else if (key == "maxEventSize") {
        if (!number("a size in bytes")) return false;
        in.max_event_size = static_cast<uint64_t>(n);
    } else if (key == "webhookMaxBatchSize") {
        if (!number("a size in bytes")) return false;
        in.webhook_max_batch_size = static_cast<uint64_t>(n);
    } else if (key == "maxLineSize") {
        if (!number("a size in bytes")) return false;
        in.max_line_size = static_cast<uint64_t>(n);
    } else if (key == "rateLimitRequestsPerSecond") {
        if (!number("a rate")) return false;
        in.rate_limit_rps = n;
    } else if (key == "rateLimitPerConnectionRequestsPerSecond") {
        if (!number("a rate")) return false;
        in.rate_limit_conn_rps = n;
    } else if (key == "queueSize" || key == "maxConnections") {
        if (!number("a count") || n < 1) return false;
        (key == "queueSize" ? in.queue_payloads : in.max_connections) = static_cast<size_t>(n);
    } else if (key == "headerTimeoutMs" || key == "bodyTimeoutMs" || key == "idleTimeoutMs") {
        if (!number("milliseconds") || n < 1) return false;
        uint32_t& ms = key == "headerTimeoutMs" ? in.header_timeout_ms
                       : key == "bodyTimeoutMs" ? in.body_timeout_ms
                                                : in.idle_timeout_ms;
        ms = static_cast<uint32_t>(n);
    } else {
        error = "unknown config key 'plugins[" + plan.plugin + "].init_config." + key + "'";
        return false;
    }
    return true;
}

}  // namespace

bool read_plugin_entries(const rules::YNode& seq, const std::string& path,
                         std::vector<PluginEntry>& out, std::string& error) {
    if (!seq.IsSequence()) {
        error = where(path, seq.Mark()) + ": config key 'plugins' expects a list of plugins";
        return false;
    }
    out.clear();
    for (const auto& item : seq.items) {
        PluginEntry e;
        if (!read_entry(*item, path, e, error)) return false;
        out.push_back(std::move(e));
    }
    return true;
}

bool plan_audit_source(const std::vector<std::string>& load_plugins,
                       const std::vector<PluginEntry>& plugins, AuditSourcePlan& plan,
                       std::string& error) {
    for (const std::string& name : load_plugins) {
        if (!is_builtin(name) || name == "container") {
            error = "load_plugins: plugin '" + name +
                    "' is not built into the sensor, which loads no plugin libraries (built in: "
                    "k8saudit, k8saudit-eks, k8saudit-gke, k8saudit-aks, k8saudit-ovh, json)";
            return false;
        }
        const PluginEntry* entry = nullptr;
        for (const auto& p : plugins)
            if (p.name == name) entry = &p;
        if (!entry) {
            error = "load_plugins names '" + name + "', which has no entry under 'plugins'";
            return false;
        }
        if (!entry->library_path.empty())
            plan.notes.push_back("plugin " + name + ": library_path " + entry->library_path +
                                 " ignored (built in)");
        if (name == "json") continue;
        if (plan.enabled) {
            error = "load_plugins: both '" + plan.plugin + "' and '" + name +
                    "' provide the k8s_audit source; load one";
            return false;
        }
        plan.enabled = true;
        plan.plugin = name;
        plan.input.open_params = entry->open_params;
        for (const auto& [k, v] : entry->init_config)
            if (!apply_init_key(k, v, plan, error)) return false;
        if (entry->open_params.empty()) {
            error = "plugins[" + name +
                    "].open_params is empty: give the webhook URL "
                    "(http://:9765/k8s-audit), file:///path to follow a log, or a path to read";
            return false;
        }
    }
    return true;
}

}  // namespace sensor::daemon
