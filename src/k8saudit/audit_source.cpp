#include "sensor/k8saudit/audit_source.h"

#include "field_util.h"

namespace sensor::k8saudit {
namespace {

// The evt.* fields Falco offers on plugin events that mean the same here: they read only the
// event's number and time, so the syscall source's definitions serve as they are.
void add_common_evt_fields(std::vector<fields::FieldDef>& out) {
    static constexpr std::string_view kShared[] = {
        "evt.num",        "evt.time",    "evt.time.s",    "evt.time.iso8601", "evt.datetime",
        "evt.datetime.s", "evt.rawtime", "evt.rawtime.s", "evt.rawtime.ns",   "evt.hostname"};
    const fields::EventSource& sys = fields::source(fields::kSyscallSource);
    for (std::string_view name : kShared)
        if (const fields::FieldDef* d = sys.find_field(name)) out.push_back(*d);
}

bool evt_source(const fields::Event&, const fields::FieldArg&, uint32_t, fields::Value& out,
                std::string&) {
    out.str = kSourceName;
    return true;
}

bool evt_pluginname(const fields::Event&, const fields::FieldArg&, uint32_t, fields::Value& out,
                    std::string&) {
    out.str = "k8saudit";
    return true;
}

fields::SourceId register_now() {
    std::vector<fields::FieldDef> defs;
    add_common_evt_fields(defs);
    defs.push_back({"evt.source", fields::FieldType::String, fields::ArgKind::None,
                    "event source: k8s_audit", evt_source});
    defs.push_back({"evt.pluginname", fields::FieldType::String, fields::ArgKind::None,
                    "the plugin this source stands in for: k8saudit", evt_pluginname});
    detail::add_event_fields(defs);
    detail::add_pod_fields(defs);
    detail::add_json_fields(defs);
    const fields::EventSource& src =
        fields::register_source(kSourceName, std::move(defs), {"pluginevent"});
    // The versions whose fields and behaviour we match (K8SAUDIT.md: plugins 0b3cbd8d84).
    fields::register_builtin_plugin({"k8saudit", "0.18.0", "the k8s_audit source, ka.* fields"});
    fields::register_builtin_plugin({"k8saudit-eks", "0.12.0", "k8s_audit (EKS variant)"});
    fields::register_builtin_plugin({"k8saudit-gke", "0.9.0", "k8s_audit (GKE variant)"});
    fields::register_builtin_plugin({"k8saudit-aks", "0.6.0", "k8s_audit (AKS variant)"});
    fields::register_builtin_plugin({"k8saudit-ovh", "0.6.0", "k8s_audit (OVH variant)"});
    fields::register_builtin_plugin({"json", "0.7.3", "json.*/jevt.* fields"});
    return src.id();
}

}  // namespace

fields::SourceId k8s_audit_source() {
    static const fields::SourceId id = register_now();
    return id;
}

}  // namespace sensor::k8saudit
