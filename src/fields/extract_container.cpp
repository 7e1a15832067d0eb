// container.* and k8s.* fields: runtime metadata of the container the process runs in. On the
// host, container.id and container.name are "host" and the other fields are missing.
#include "extract_util.h"
#include "field_tables.h"
#include "sensor/state/container_mounts.h"

namespace sensor::fields::detail {
namespace {

// Container metadata, or nullptr on the host (no container info, or the host entry).
const ContainerInfo* in_container(const Event& ev) {
    const ContainerInfo* ci = ev.container_info();
    return ci && !ci->is_host() ? ci : nullptr;
}

bool label(const std::map<std::string, std::string>& labels, const std::string& key, Value& out) {
    auto it = labels.find(key);
    return it != labels.end() && put_str(out, it->second);
}

// "k:v, k:v" in key order. For container labels, Falco leaves out the annotations and the
// io.kubernetes.* labels, which have their own fields.
bool joined_labels(const std::map<std::string, std::string>& labels, bool skip_k8s, Value& out,
                   std::string& scratch) {
    scratch.clear();
    for (const auto& [k, v] : labels) {
        std::string_view key = k;
        if (skip_k8s && (key.starts_with("annotation.") || key.starts_with("io.kubernetes.")))
            continue;
        if (!scratch.empty()) scratch += ", ";
        scratch.append(k).append(":").append(v);
    }
    return !scratch.empty() && put_scratch(out, scratch);
}

// A string of the container's metadata: missing on the host or when unknown.
bool metadata(const Event& ev, std::string ContainerInfo::*member, Value& out) {
    const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->*member);
}

// Identity: "host" on the host.

bool container_id(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ContainerInfo* ci = in_container(ev);
    return ci ? put_nonempty(out, ci->id) : put_str(out, "host");
}

bool container_full_id(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ContainerInfo* ci = in_container(ev);
    return ci ? put_nonempty(out, ci->full_id) : put_str(out, "host");
}

bool container_name(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ContainerInfo* ci = in_container(ev);
    return ci ? put_nonempty(out, ci->name) : put_str(out, "host");
}

// Plain string metadata.

bool container_type(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::type, out);
}

bool container_image(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::image, out);
}

bool container_image_repository(const Event& ev, const FieldArg&, uint32_t, Value& out,
                                std::string&) {
    return metadata(ev, &ContainerInfo::image_repository, out);
}

bool container_image_tag(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::image_tag, out);
}

bool container_image_digest(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::image_digest, out);
}

bool container_image_id(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::image_id, out);
}

bool container_mounts(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::mounts, out);
}

bool container_labels(const Event& ev, const FieldArg&, uint32_t, Value& out,
                      std::string& scratch) {
    const ContainerInfo* ci = in_container(ev);
    return ci && joined_labels(ci->labels, true, out, scratch);
}

bool k8s_pod_name(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::k8s_pod_name, out);
}

bool k8s_ns_name(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::k8s_ns_name, out);
}

// Also k8s.pod.id, its legacy name.
bool k8s_pod_uid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::k8s_pod_uid, out);
}

bool k8s_pod_sandbox_id(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, std::string_view(ci->k8s_pod_sandbox_id).substr(0, 12));
}

bool k8s_pod_full_sandbox_id(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::k8s_pod_sandbox_id, out);
}

bool k8s_pod_labels(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    const ContainerInfo* ci = in_container(ev);
    return ci && joined_labels(ci->k8s_pod_labels, false, out, scratch);
}

// Keyed labels.

bool container_label(const Event& ev, const FieldArg& arg, uint32_t, Value& out, std::string&) {
    const ContainerInfo* ci = in_container(ev);
    return ci && label(ci->labels, arg.key, out);
}

bool k8s_pod_label(const Event& ev, const FieldArg& arg, uint32_t, Value& out, std::string&) {
    const ContainerInfo* ci = in_container(ev);
    return ci && label(ci->k8s_pod_labels, arg.key, out);
}

// Other values.

bool container_privileged(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ContainerInfo* ci = in_container(ev);
    return ci && ci->privileged >= 0 && put_bool(out, ci->privileged == 1);
}

bool container_start_ts(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ContainerInfo* ci = in_container(ev);
    return ci && ci->start_ts && put_u64(out, ci->start_ts);
}

bool container_duration(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const ContainerInfo* ci = in_container(ev);
    return ci && ci->start_ts && ev.ts >= ci->start_ts && put_u64(out, ev.ts - ci->start_ts);
}

// Mounts: container.mount*[N] picks by index, container.mount*[PATTERN] the first mount whose
// source (container.mount.source: destination) the pattern is found in, as the plugin does.

const state::ContainerMount* mount_for(const Event& ev, const FieldArg& arg, bool by_dest) {
    const ContainerInfo* ci = in_container(ev);
    if (!ci) return nullptr;
    if (arg.index >= 0)
        return static_cast<size_t>(arg.index) < ci->mount_list.size()
                   ? &ci->mount_list[static_cast<size_t>(arg.index)]
                   : nullptr;
    return state::find_mount(*ci, arg.key, by_dest);
}

bool container_mount(const Event& ev, const FieldArg& arg, uint32_t, Value& out, std::string&) {
    const state::ContainerMount* m = mount_for(ev, arg, false);
    return m && put_str(out, m->text);
}

bool container_mount_source(const Event& ev, const FieldArg& arg, uint32_t, Value& out,
                            std::string&) {
    const state::ContainerMount* m = mount_for(ev, arg, true);
    return m && put_str(out, m->source);
}

bool container_mount_dest(const Event& ev, const FieldArg& arg, uint32_t, Value& out,
                          std::string&) {
    const state::ContainerMount* m = mount_for(ev, arg, false);
    return m && put_str(out, m->dest);
}

bool container_mount_mode(const Event& ev, const FieldArg& arg, uint32_t, Value& out,
                          std::string&) {
    const state::ContainerMount* m = mount_for(ev, arg, false);
    return m && put_str(out, m->mode);
}

bool container_mount_rdwr(const Event& ev, const FieldArg& arg, uint32_t, Value& out,
                          std::string&) {
    const state::ContainerMount* m = mount_for(ev, arg, false);
    return m && put_str(out, m->rdwr ? "true" : "false");
}

bool container_mount_propagation(const Event& ev, const FieldArg& arg, uint32_t, Value& out,
                                 std::string&) {
    const state::ContainerMount* m = mount_for(ev, arg, false);
    return m && put_str(out, m->propagation);
}

bool check_mount_arg(const FieldArg& arg, std::string& error) {
    return arg.index >= 0 || state::valid_mount_pattern(arg.key, error);
}

FieldDef mount_field(FieldDef d) {
    d.check_arg = check_mount_arg;
    return d;
}

// The pod's network and namespaces (PodSandboxStatus).

bool container_ip(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::ip, out);
}

bool container_cni_json(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return metadata(ev, &ContainerInfo::cni_json, out);
}

bool flag(const Event& ev, int8_t ContainerInfo::*member, Value& out) {
    const ContainerInfo* ci = in_container(ev);
    return ci && ci->*member >= 0 && put_bool(out, ci->*member == 1);
}

bool container_host_pid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return flag(ev, &ContainerInfo::host_pid, out);
}

bool container_host_network(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return flag(ev, &ContainerInfo::host_network, out);
}

bool container_host_ipc(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return flag(ev, &ContainerInfo::host_ipc, out);
}

constexpr const char* kProbeFieldGone =
    "deprecated by Falco's container plugin 0.7, which no longer fills it";
constexpr const char* kNeedsApiServer = "needs the API server";

// k8s.<kind>.name/id/label[KEY]/labels: the plugin's deprecated controller, service and
// namespace fields, which only the Kubernetes API server could fill.
void add_api_server_fields(std::vector<FieldDef>& f) {
    static constexpr std::string_view kFields[][3] = {
        {"k8s.rc.name", "", "replication controller name"},
        {"k8s.rc.id", "", "replication controller uid"},
        {"k8s.rc.label", "k", "one replication controller label"},
        {"k8s.rc.labels", "", "replication controller labels"},
        {"k8s.svc.name", "", "service name"},
        {"k8s.svc.id", "", "service uid"},
        {"k8s.svc.label", "k", "one service label"},
        {"k8s.svc.labels", "", "service labels"},
        {"k8s.ns.id", "", "namespace uid"},
        {"k8s.ns.label", "k", "one namespace label"},
        {"k8s.ns.labels", "", "namespace labels"},
        {"k8s.rs.name", "", "replica set name"},
        {"k8s.rs.id", "", "replica set uid"},
        {"k8s.rs.label", "k", "one replica set label"},
        {"k8s.rs.labels", "", "replica set labels"},
        {"k8s.deployment.name", "", "deployment name"},
        {"k8s.deployment.id", "", "deployment uid"},
        {"k8s.deployment.label", "k", "one deployment label"},
        {"k8s.deployment.labels", "", "deployment labels"},
    };
    for (const auto& [name, arg, desc] : kFields)
        f.push_back(unavailable({name, FieldType::String,
                                 arg.empty() ? ArgKind::None : ArgKind::Key, desc, never_filled},
                                kNeedsApiServer));
}

}  // namespace

void add_container_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    const FieldDef table[] = {
        // Identity.
        {"container.id", FT::String, AK::None, "12-character container id, or host", container_id},
        {"container.full_id", FT::String, AK::None, "full container id, or host",
         container_full_id},
        {"container.name", FT::String, AK::None, "container name, or host", container_name},

        // Plain string metadata: missing on the host or when unknown.
        {"container.type", FT::String, AK::None,
         "container runtime (docker, containerd, cri-o ...)", container_type},
        {"container.image", FT::String, AK::None, "image name as the container was started with",
         container_image},
        {"container.image.repository", FT::String, AK::None, "image repository",
         container_image_repository},
        {"container.image.tag", FT::String, AK::None, "image tag", container_image_tag},
        {"container.image.digest", FT::String, AK::None, "image digest", container_image_digest},
        {"container.image.id", FT::String, AK::None, "image id", container_image_id},
        {"container.mounts", FT::String, AK::None,
         "mounts as src:dst:mode:rdwr:propagation, comma separated", container_mounts},
        {"container.labels", FT::String, AK::None, "container labels as k:v, comma separated",
         container_labels},
        {"k8s.pod.name", FT::String, AK::None, "Kubernetes pod name", k8s_pod_name},
        {"k8s.ns.name", FT::String, AK::None, "Kubernetes namespace", k8s_ns_name},
        {"k8s.pod.uid", FT::String, AK::None, "Kubernetes pod UID", k8s_pod_uid},
        {"k8s.pod.id", FT::String, AK::None, "Kubernetes pod UID (legacy name of k8s.pod.uid)",
         k8s_pod_uid},
        {"k8s.pod.sandbox_id", FT::String, AK::None, "pod sandbox id, first 12 characters",
         k8s_pod_sandbox_id},
        {"k8s.pod.full_sandbox_id", FT::String, AK::None, "pod sandbox id",
         k8s_pod_full_sandbox_id},
        {"k8s.pod.labels", FT::String, AK::None, "pod labels as k:v, comma separated",
         k8s_pod_labels},

        // Keyed labels.
        {"container.label", FT::String, AK::Key, "one container label: container.label[KEY]",
         container_label},
        {"k8s.pod.label", FT::String, AK::Key, "one pod label: k8s.pod.label[KEY]", k8s_pod_label},

        // Other values.
        {"container.privileged", FT::Bool, AK::None, "true for a privileged container",
         container_privileged},
        {"container.start_ts", FT::AbsTime, AK::None, "container start time, ns since epoch",
         container_start_ts},
        {"container.duration", FT::RelTime, AK::None, "ns since the container started",
         container_duration},

        // Mounts, by index or by a pattern (a regular expression found in the path).
        mount_field({"container.mount", FT::String, AK::IndexOrKey,
                     "one mount as source:dest:mode:rdwr:propagation: container.mount[N] or "
                     "container.mount[SOURCE_PATTERN]",
                     container_mount}),
        mount_field({"container.mount.source", FT::String, AK::IndexOrKey,
                     "a mount's source: [N] or [DEST_PATTERN]", container_mount_source}),
        mount_field({"container.mount.dest", FT::String, AK::IndexOrKey,
                     "a mount's destination: [N] or [SOURCE_PATTERN]", container_mount_dest}),
        mount_field({"container.mount.mode", FT::String, AK::IndexOrKey,
                     "a mount's mode (empty from CRI): [N] or [SOURCE_PATTERN]",
                     container_mount_mode}),
        mount_field({"container.mount.rdwr", FT::String, AK::IndexOrKey,
                     "a mount's rdwr, true or false: [N] or [SOURCE_PATTERN]",
                     container_mount_rdwr}),
        mount_field({"container.mount.propagation", FT::String, AK::IndexOrKey,
                     "a mount's propagation (private, rslave, rshared): [N] or [SOURCE_PATTERN]",
                     container_mount_propagation}),

        // The pod's network and host namespaces.
        {"container.ip", FT::String, AK::None, "the pod's primary IP address", container_ip},
        {"container.cni.json", FT::String, AK::None,
         "the pod's CNI result (interfaces and their IPs) as JSON", container_cni_json},
        {"container.host_pid", FT::Bool, AK::None, "true in the host PID namespace",
         container_host_pid},
        {"container.host_network", FT::Bool, AK::None, "true in the host network namespace",
         container_host_network},
        {"container.host_ipc", FT::Bool, AK::None, "true in the host IPC namespace",
         container_host_ipc},
        {"k8s.pod.ip", FT::String, AK::None, "the pod's primary IP address (as container.ip)",
         container_ip},
        {"k8s.pod.cni.json", FT::String, AK::None, "the pod's CNI result (as container.cni.json)",
         container_cni_json},

        // Probes: deprecated and empty in plugin 0.7.
        unavailable(
            {"container.healthcheck", FT::String, AK::None, "health check command", never_filled},
            kProbeFieldGone),
        unavailable({"container.liveness_probe", FT::String, AK::None, "liveness probe command",
                     never_filled},
                    kProbeFieldGone),
        unavailable({"container.readiness_probe", FT::String, AK::None, "readiness probe command",
                     never_filled},
                    kProbeFieldGone),
        unavailable({"proc.is_container_healthcheck", FT::Bool, AK::None,
                     "true for the container's health check", never_filled},
                    kProbeFieldGone),
        unavailable({"proc.is_container_liveness_probe", FT::Bool, AK::None,
                     "true for the container's liveness probe", never_filled},
                    kProbeFieldGone),
        unavailable({"proc.is_container_readiness_probe", FT::Bool, AK::None,
                     "true for the container's readiness probe", never_filled},
                    kProbeFieldGone),
    };
    append_fields(f, table);
    add_api_server_fields(f);
}

}  // namespace sensor::fields::detail
