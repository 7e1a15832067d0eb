// container.* and k8s.* fields: runtime metadata of the container the process runs in. On the
// host, container.id and container.name are "host" and the other fields are missing.
#include "extract_util.h"
#include "field_tables.h"

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

}  // namespace

void add_container_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    f.push_back({"container.id", FT::String, AK::None, "12-character container id, or host",
                 SENSOR_EXTRACTOR {
                     const ContainerInfo* ci = in_container(ev);
                     return ci ? put_nonempty(out, ci->id) : put_str(out, "host");
}
}  // namespace sensor::fields::detail
);
    f.push_back({"container.full_id", FT::String, AK::None, "full container id, or host",
                 SENSOR_EXTRACTOR {
                     const ContainerInfo* ci = in_container(ev);
                     return ci ? put_nonempty(out, ci->full_id) : put_str(out, "host");
    }
    });
    f.push_back({"container.name", FT::String, AK::None, "container name, or host",
                 SENSOR_EXTRACTOR {
                     const ContainerInfo* ci = in_container(ev);
                     return ci ? put_nonempty(out, ci->name) : put_str(out, "host");
    }
    });

    // Plain string metadata: missing on the host or when unknown.
    struct StrField {
        std::string_view name;
        std::string_view desc;
        ExtractFn fn;
    };
    const StrField strs[] = {{"container.type", "container runtime (docker, containerd, cri-o ...)",
                              SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->type);
    }
    }
    , {"container.image", "image name as the container was started with",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->image);
    }
    }
    , {"container.image.repository", "image repository",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->image_repository);
    }
    }
    , {"container.image.tag", "image tag",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->image_tag);
    }
    }
    , {"container.image.digest", "image digest",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->image_digest);
    }
    }
    , {"container.image.id", "image id",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->image_id);
    }
    }
    , {"container.mounts", "mounts as src:dst:mode:rdwr:propagation, comma separated",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->mounts);
    }
    }
    , {"container.labels", "container labels as k:v, comma separated",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && joined_labels(ci->labels, true, out, scratch);
    }
    }
    , {"k8s.pod.name", "Kubernetes pod name",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->k8s_pod_name);
    }
    }
    , {"k8s.ns.name", "Kubernetes namespace",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->k8s_ns_name);
    }
    }
    , {"k8s.pod.uid", "Kubernetes pod UID",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->k8s_pod_uid);
    }
    }
    , {"k8s.pod.id", "Kubernetes pod UID (legacy name of k8s.pod.uid)",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->k8s_pod_uid);
    }
    }
    , {"k8s.pod.sandbox_id", "pod sandbox id, first 12 characters",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, std::string_view(ci->k8s_pod_sandbox_id).substr(0, 12));
    }
    }
    , {"k8s.pod.full_sandbox_id", "pod sandbox id",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && put_nonempty(out, ci->k8s_pod_sandbox_id);
    }
    }
    , {"k8s.pod.labels", "pod labels as k:v, comma separated",
       SENSOR_EXTRACTOR{const ContainerInfo* ci = in_container(ev);
    return ci && joined_labels(ci->k8s_pod_labels, false, out, scratch);
    }
    }
    ,
    }
    ;
    for (const auto& s : strs) f.push_back({s.name, FT::String, AK::None, s.desc, s.fn});

    f.push_back({"container.label", FT::String, AK::Key, "one container label: container.label[KEY]",
                 SENSOR_EXTRACTOR {
                     const ContainerInfo* ci = in_container(ev);
                     return ci && label(ci->labels, arg.key, out);
    }
    });
    f.push_back({"k8s.pod.label", FT::String, AK::Key, "one pod label: k8s.pod.label[KEY]",
                 SENSOR_EXTRACTOR {
                     const ContainerInfo* ci = in_container(ev);
                     return ci && label(ci->k8s_pod_labels, arg.key, out);
    }
    });
    f.push_back({"container.privileged", FT::Bool, AK::None,
                 "true for a privileged container", SENSOR_EXTRACTOR {
                     const ContainerInfo* ci = in_container(ev);
                     return ci && ci->privileged >= 0 && put_bool(out, ci->privileged == 1);
    }
    });
    f.push_back({"container.start_ts", FT::AbsTime, AK::None,
                 "container start time, ns since epoch", SENSOR_EXTRACTOR {
                     const ContainerInfo* ci = in_container(ev);
                     return ci && ci->start_ts && put_u64(out, ci->start_ts);
    }
    });
    f.push_back({"container.duration", FT::RelTime, AK::None, "ns since the container started",
                 SENSOR_EXTRACTOR {
                     const ContainerInfo* ci = in_container(ev);
                     return ci && ci->start_ts && ev.ts >= ci->start_ts &&
                            put_u64(out, ev.ts - ci->start_ts);
    }
    });
    }

    }  // namespace sensor::fields::detail
