// Pod specs: ka.req.pod.* (the plugin's: the spec of a Pod request) and ka.req.podspec.* (the
// sensor's: the pod spec of a Pod or of a workload's template, so a privileged Deployment,
// DaemonSet, StatefulSet, ReplicaSet, Job or CronJob is seen when it is created). Both
// families are generated from one table of pod-level and per-container attributes.
#include <utility>

#include "field_util.h"

namespace sensor::k8saudit::detail {
namespace {

enum Family { kPod, kPodSpec };
constexpr std::string_view kFamilyPrefix[] = {"ka.req.pod.", "ka.req.podspec."};
constexpr std::string_view kFamilyWhat[] = {"of a pod request",
                                            "of a pod or workload template request"};

// Where the pod spec of the request object is, by target resource.
bool workload_template_spec(element ro, std::string_view resource, element& spec) {
    if (resource == "pods") return json::member(ro, "spec", spec);
    if (resource == "cronjobs")
        return json::walk(ro, {"spec", "jobTemplate", "spec", "template", "spec"}, spec);
    if (resource == "podtemplates") return json::walk(ro, {"template", "spec"}, spec);
    if (resource == "deployments" || resource == "daemonsets" || resource == "statefulsets" ||
        resource == "replicasets" || resource == "jobs" || resource == "replicationcontrollers")
        return json::walk(ro, {"spec", "template", "spec"}, spec);
    return false;
}

// The pod spec a family reads: the plugin reads requestObject.spec whatever the resource.
bool pod_spec(const fields::Event& ev, Family fam, element& spec) {
    const AuditEvent* a = ka_event(ev);
    element ro, ref, res;
    if (!a || !a->get(Top::kRequestObject, ro)) return false;
    if (fam == kPod) return json::member(ro, "spec", spec);
    std::string_view resource;
    if (!a->get(Top::kObjectRef, ref) || !json::member(ref, "resource", res) ||
        res.get_string().get(resource))
        return false;
    return workload_template_spec(ro, resource, spec);
}

// --- pod-level attributes

struct PodAttr {
    std::string_view suffix;
    std::array<std::string_view, 2> keys;
    uint8_t depth;
    bool list;
    std::string_view desc;
};
constexpr PodAttr kPodAttrs[] = {
    {"host_network", {"hostNetwork"}, 1, false, "hostNetwork (true/false)"},
    {"host_pid", {"hostPID"}, 1, false, "hostPID (true/false)"},
    {"host_ipc", {"hostIPC"}, 1, false, "hostIPC (true/false)"},
    {"run_as_user", {"securityContext", "runAsUser"}, 2, false, "pod securityContext.runAsUser"},
    {"run_as_group", {"securityContext", "runAsGroup"}, 2, false, "pod securityContext.runAsGroup"},
    {"fs_group", {"securityContext", "fsGroup"}, 2, false, "pod securityContext.fsGroup"},
    {"supplemental_groups",
     {"securityContext", "supplementalGroups"},
     2,
     true,
     "pod securityContext.supplementalGroups"},
};

template <int Fam, size_t I>
bool pod_attr(const fields::Event& ev, const FieldArg&, uint32_t n, Value& out,
              std::string& scratch) {
    const PodAttr& p = kPodAttrs[I];
    element e;
    if (!pod_spec(ev, Family(Fam), e)) return false;
    for (uint8_t i = 0; i < p.depth; ++i)
        if (!json::member(e, p.keys[i], e)) return false;
    if (!p.list) return json::put_text(e, out, scratch);
    Emitter em{n, out, scratch};
    for_selected(e, FieldArg{}, [&](element v) { return em.offer(v); });
    return em.done;
}

// --- volumes

enum VolumeAttr { kHostPath, kFlexDriver, kVolumeType };

template <int Fam, int A>
bool volume_attr(const fields::Event& ev, const FieldArg& arg, uint32_t n, Value& out,
                 std::string& scratch) {
    element vols;
    if (!pod_spec(ev, Family(Fam), vols) || !json::member(vols, "volumes", vols)) return false;
    Emitter em{n, out, scratch};
    for_selected(vols, arg, [&](element v) {
        element x;
        if (A == kHostPath) return json::walk(v, {"hostPath", "path"}, x) && em.offer(x);
        if (A == kFlexDriver) return json::walk(v, {"flexVolume", "driver"}, x) && em.offer(x);
        simdjson::dom::object obj;
        if (v.get_object().get(obj)) return false;
        for (auto f : obj)
            if (f.key != "name" && em.offer_view(f.key)) return true;
        return false;
    });
    return em.done;
}

// --- containers

enum ContainerList { kContainers, kInit, kEphemeral };
constexpr std::string_view kListKey[] = {"containers", "initContainers", "ephemeralContainers"};

enum ContainerAttr {
    kName,
    kImage,
    kImageRepository,
    kCommand,
    kArgs,
    kPrivileged,
    kAllowPrivilegeEscalation,
    kReadOnlyFs,
    kRunAsUser,
    kRunAsGroup,
    kProcMount,
    kAddCapabilities,
    kEffRunAsUser,
    kEffRunAsGroup,
    kHostPort,
    kAttrCount
};
struct AttrInfo {
    std::string_view suffix;
    std::string_view key;  // securityContext member for the security attributes
    std::string_view desc;
};
constexpr AttrInfo kAttrs[kAttrCount] = {
    {"name", "", "names"},
    {"image", "", "images"},
    {"image.repository", "", "image repositories (the image without tag or digest)"},
    {"command", "", "commands, each joined with spaces"},
    {"args", "", "arguments, each joined with spaces"},
    {"privileged", "privileged", "securityContext.privileged of those that set it"},
    {"allow_privilege_escalation", "allowPrivilegeEscalation",
     "securityContext.allowPrivilegeEscalation of those that set it"},
    {"read_only_fs", "readOnlyRootFilesystem",
     "securityContext.readOnlyRootFilesystem of those that set it"},
    {"run_as_user", "runAsUser", "securityContext.runAsUser of those that set it"},
    {"run_as_group", "runAsGroup", "securityContext.runAsGroup of those that set it"},
    {"proc_mount", "procMount", "securityContext.procMount of those that set it"},
    {"add_capabilities", "", "capabilities added (securityContext.capabilities.add), flattened"},
    {"eff_run_as_user", "runAsUser",
     "effective user of each: the container's runAsUser, else the pod's, else 0"},
    {"eff_run_as_group", "runAsGroup",
     "effective group of each: the container's runAsGroup, else the pod's, else 0"},
    {"host_port", "", "host ports (hostPort, else containerPort) of every port"},
};

// The repository of an image reference: without `@digest`, and without the `:tag` after the
// last `/` (a registry port such as `reg:5000/app:1` stays: `reg:5000/app`).
std::string_view image_repository(std::string_view image) {
    image = image.substr(0, image.find('@'));
    size_t slash = image.rfind('/');
    size_t colon = image.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
        image = image.substr(0, colon);
    return image;
}

bool offer_joined(element arr, Emitter& em) {
    simdjson::dom::array a;
    if (arr.get_array().get(a)) return em.offer(arr);
    return em.offer_built([&](std::string& b) {
        for (element s : a) {
            std::string_view v;
            if (!b.empty()) b += ' ';
            if (!s.get_string().get(v)) b.append(v);
        }
    });
}

bool offer_effective(element c, element spec, std::string_view key, Emitter& em) {
    element v;
    if (json::walk(c, {"securityContext", key}, v) || json::walk(spec, {"securityContext", key}, v))
        return em.offer(v);
    return em.offer_view("0");
}

bool offer_container_attr(element c, element spec, ContainerAttr a, Emitter& em) {
    element v;
    switch (a) {
        case kName:
        case kImage:
            return json::member(c, a == kName ? "name" : "image", v) && em.offer(v);
        case kImageRepository: {
            std::string_view image;
            return json::member(c, "image", v) && !v.get_string().get(image) &&
                   em.offer_view(image_repository(image));
        }
        case kCommand:
        case kArgs:
            return json::member(c, a == kCommand ? "command" : "args", v) && offer_joined(v, em);
        case kAddCapabilities: {
            simdjson::dom::array caps;
            if (!json::walk(c, {"securityContext", "capabilities", "add"}, v) ||
                v.get_array().get(caps))
                return false;
            for (element cap : caps)
                if (em.offer(cap)) return true;
            return false;
        }
        case kEffRunAsUser:
        case kEffRunAsGroup:
            return offer_effective(c, spec, kAttrs[a].key, em);
        case kHostPort: {
            simdjson::dom::array ports;
            if (!json::member(c, "ports", v) || v.get_array().get(ports)) return false;
            for (element p : ports)
                if ((json::member(p, "hostPort", v) || json::member(p, "containerPort", v)) &&
                    em.offer(v))
                    return true;
            return false;
        }
        default:
            return json::walk(c, {"securityContext", kAttrs[a].key}, v) && em.offer(v);
    }
}

template <int Fam, int List, int Attr>
bool container_attr(const fields::Event& ev, const FieldArg& arg, uint32_t n, Value& out,
                    std::string& scratch) {
    element spec, list;
    if (!pod_spec(ev, Family(Fam), spec) || !json::member(spec, kListKey[List], list)) return false;
    Emitter em{n, out, scratch};
    for_selected(list, arg,
                 [&](element c) { return offer_container_attr(c, spec, ContainerAttr(Attr), em); });
    return em.done;
}

// --- the plugin's deprecated single-container fields (ka.req.pod family only)

bool first_container_image(const fields::Event& ev, const FieldArg& arg, uint32_t, Value& out,
                           std::string& scratch) {
    return container_attr<kPod, kContainers, kImage>(ev, arg, 0, out, scratch);
}
bool first_container_repository(const fields::Event& ev, const FieldArg& arg, uint32_t, Value& out,
                                std::string& scratch) {
    return container_attr<kPod, kContainers, kImageRepository>(ev, arg, 0, out, scratch);
}
// "true" when any container is privileged, else "false" (absent without containers).
bool any_container_privileged(const fields::Event& ev, const FieldArg&, uint32_t, Value& out,
                              std::string& scratch) {
    element spec, list;
    if (!pod_spec(ev, kPod, spec) || !json::member(spec, "containers", list)) return false;
    bool any = false;
    for_selected(list, FieldArg{}, [&](element c) {
        bool p = false;
        element v;
        any = json::walk(c, {"securityContext", "privileged"}, v) && !v.get_bool().get(p) && p;
        return any;
    });
    (void)scratch;
    out.str = any ? "true" : "false";
    return true;
}
// ka.req.volume.hostpath[PATH]: "true" when a hostPath volume is PATH (or under PATH*).
bool volume_hostpath_is(const fields::Event& ev, const FieldArg& arg, uint32_t, Value& out,
                        std::string&) {
    element vols;
    if (!pod_spec(ev, kPod, vols) || !json::member(vols, "volumes", vols)) return false;
    std::string_view want = arg.key;
    bool prefix = !want.empty() && want.back() == '*';
    if (prefix) want.remove_suffix(1);
    bool hit = false;
    for_selected(vols, FieldArg{}, [&](element v) {
        std::string_view path;
        element x;
        if (!json::walk(v, {"hostPath", "path"}, x) || x.get_string().get(path)) return false;
        hit = prefix ? path.substr(0, want.size()) == want : path == want;
        return hit;
    });
    out.str = hit ? "true" : "false";
    return true;
}

// --- registration

template <int Fam, size_t... I>
void add_pod_attrs(std::vector<FieldDef>& f, std::index_sequence<I...>) {
    auto add = [&](const PodAttr& p, fields::ExtractFn fn) {
        std::string_view name =
            stored_name(std::string(kFamilyPrefix[Fam]) + std::string(p.suffix));
        std::string_view desc =
            stored_name(std::string(p.desc) + " " + std::string(kFamilyWhat[Fam]));
        f.push_back(p.list ? list_field(name, ArgKind::None, desc, fn)
                           : FieldDef{name, FieldType::String, ArgKind::None, desc, fn});
    };
    (add(kPodAttrs[I], pod_attr<Fam, I>), ...);
}

template <int Fam>
void add_volume_attrs(std::vector<FieldDef>& f) {
    auto add = [&](std::string_view suffix, std::string_view what, fields::ExtractFn fn) {
        f.push_back(list_field(
            stored_name(std::string(kFamilyPrefix[Fam]) + "volumes." + std::string(suffix)),
            ArgKind::IndexOpt,
            stored_name(std::string(what) + " of the volumes " + std::string(kFamilyWhat[Fam]) +
                        "; [i] picks volume i"),
            fn));
    };
    add("hostpath", "hostPath paths", volume_attr<Fam, kHostPath>);
    add("flexvolume_driver", "flexVolume drivers", volume_attr<Fam, kFlexDriver>);
    add("volume_type", "volume types (the keys other than name)", volume_attr<Fam, kVolumeType>);
}

template <int Fam, int List, size_t... A>
void add_container_attrs(std::vector<FieldDef>& f, std::index_sequence<A...>) {
    auto add = [&](size_t a, fields::ExtractFn fn) {
        if (List == kEphemeral && a == kHostPort) return;  // the plugin has none for them
        f.push_back(list_field(
            stored_name(std::string(kFamilyPrefix[Fam]) + std::string(kListKey[List]) + "." +
                        std::string(kAttrs[a].suffix)),
            ArgKind::IndexOpt,
            stored_name("the " + std::string(kListKey[List]) + "' " + std::string(kAttrs[a].desc) +
                        " " + std::string(kFamilyWhat[Fam]) + "; [i] picks container i"),
            fn));
    };
    (add(A, container_attr<Fam, List, static_cast<int>(A)>), ...);
}

template <int Fam>
void add_family(std::vector<FieldDef>& f) {
    add_pod_attrs<Fam>(f, std::make_index_sequence<std::size(kPodAttrs)>());
    add_volume_attrs<Fam>(f);
    add_container_attrs<Fam, kContainers>(f, std::make_index_sequence<kAttrCount>());
    add_container_attrs<Fam, kInit>(f, std::make_index_sequence<kAttrCount>());
    add_container_attrs<Fam, kEphemeral>(f, std::make_index_sequence<kAttrCount>());
}

}  // namespace

void add_pod_fields(std::vector<FieldDef>& f) {
    add_family<kPod>(f);
    using FT = FieldType;
    using AK = ArgKind;
    f.push_back(deprecated({"ka.req.container.image", FT::String, AK::None,
                            "deprecated: image of the first container of a pod request",
                            first_container_image}));
    f.push_back(deprecated({"ka.req.container.image.repository", FT::String, AK::None,
                            "deprecated: image repository of the first container of a pod request",
                            first_container_repository}));
    f.push_back(deprecated({"ka.req.container.host_network", FT::String, AK::None,
                            "deprecated: ka.req.pod.host_network", pod_attr<kPod, 0>}));
    f.push_back(deprecated({"ka.req.container.privileged", FT::String, AK::None,
                            "deprecated: true when any container of a pod request is privileged",
                            any_container_privileged}));
    f.push_back(deprecated({"ka.req.volume.hostpath", FT::String, AK::Key,
                            "deprecated: true when a hostPath volume is the path (or under it, "
                            "with a trailing *)",
                            volume_hostpath_is}));
    add_family<kPodSpec>(f);
}

}  // namespace sensor::k8saudit::detail
