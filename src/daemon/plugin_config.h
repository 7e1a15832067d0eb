#pragma once
// falco.yaml's `load_plugins` and `plugins` keys. The sensor loads no plugin libraries: an entry
// names a built-in source (k8saudit and its variants: the k8s_audit source) or extractor (json),
// and its init_config/open_params configure it as they would configure the plugin.
#include <map>
#include <string>
#include <vector>

#include "sensor/audit_ingest/audit_input.h"
#include "sensor/rules/yaml_tree.h"

namespace sensor::daemon {

struct PluginEntry {
    std::string name;
    std::string library_path;  // accepted, ignored
    std::string open_params;
    std::map<std::string, std::string> init_config;  // scalar values as text
    std::string where;                               // FILE:LINE:COL of the entry
};

// Reads the `plugins:` sequence; false with error "FILE:LINE:COL: ..." naming the bad key.
bool read_plugin_entries(const rules::YNode& seq, const std::string& path,
                         std::vector<PluginEntry>& out, std::string& error);

// What the plugin configuration asks of the k8s_audit source.
struct AuditSourcePlan {
    bool enabled = false;  // a k8saudit* plugin is in load_plugins
    std::string plugin;    // which name configured it
    audit_ingest::InputConfig input;
    std::vector<std::string> notes;  // info lines for the log (ignored library_path ...)
};

// Checks load_plugins against the built-in plugins and turns the k8saudit entry's init_config
// and open_params into the input's configuration; false with error naming the bad name or key.
bool plan_audit_source(const std::vector<std::string>& load_plugins,
                       const std::vector<PluginEntry>& plugins, AuditSourcePlan& plan,
                       std::string& error);

}  // namespace sensor::daemon
