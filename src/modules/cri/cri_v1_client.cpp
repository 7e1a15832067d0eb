#include "cri_v1_client.h"

#include "cri_wire.pb.h"
#include "sensor/container/cri_metadata.h"
#include "sensor/state/container_mounts.h"

namespace sensor::container {

namespace wire = sensor::cri_wire;

namespace {

bool runtime_gone(const GrpcStatus& s) {
    return s.code == GrpcCode::unavailable || s.code == GrpcCode::deadline_exceeded ||
           s.code == GrpcCode::unimplemented;
}

}  // namespace

template <class Response, class Request>
GrpcStatus CriV1Client::unary(const char* method, const Request& request, Response& response) {
    std::string out, in;
    if (!request.SerializeToString(&out)) return {GrpcCode::internal, "cannot encode request"};
    GrpcStatus s =
        channel_.call(std::string("/runtime.v1.RuntimeService/") + method, out, in, timeout_);
    if (s.ok() && !response.ParseFromString(in))
        return {GrpcCode::internal, std::string("cannot decode the ") + method + " response"};
    return s;
}

CriV1Client::CriV1Client(std::string socket_path, std::chrono::milliseconds timeout)
    : channel_(std::move(socket_path)), timeout_(timeout) {}

bool CriV1Client::connect(std::string& error) {
    wire::VersionRequest req;
    req.set_version("v1");
    wire::VersionResponse resp;
    GrpcStatus s = unary("Version", req, resp);
    if (!s.ok()) {
        error = socket_path() + ": " + s.text();
        return false;
    }
    runtime_name_ = resp.runtime_name();
    runtime_version_ = resp.runtime_version();
    return true;
}

bool CriV1Client::pod_of(const std::string& sandbox_id, ContainerMetadata& out) {
    wire::PodSandboxStatusRequest req;
    req.set_pod_sandbox_id(sandbox_id);
    req.set_verbose(true);  // for the CNI result in info
    wire::PodSandboxStatusResponse resp;
    if (!unary("PodSandboxStatus", req, resp).ok()) return false;
    const auto& st = resp.status();
    const auto& md = st.metadata();
    out.pod_name = md.name();
    out.pod_namespace = md.namespace_();
    out.pod_uid = md.uid();
    for (const auto& [k, v] : st.labels()) out.pod_labels[k] = v;
    out.ip = st.network().ip();
    if (auto it = resp.info().find("info"); it != resp.info().end())
        out.cni_json = cni_json_from_sandbox_info(it->second);
    // Falco's host_* are the pod's namespace modes: NODE is the host's.
    if (st.has_linux() && st.linux().has_namespaces()) {
        const auto& ns = st.linux().namespaces().options();
        out.host_pid = ns.pid() == wire::NODE;
        out.host_network = ns.network() == wire::NODE;
        out.host_ipc = ns.ipc() == wire::NODE;
    }
    return true;
}

bool CriV1Client::sandbox(const std::string& full_id, ContainerMetadata& out) {
    if (!pod_of(full_id, out)) return false;
    out.name = out.pod_name;  // the sandbox stands for its pod
    out.pod_sandbox_id = full_id;
    return true;
}

LookupResult CriV1Client::container(const std::string& full_id, ContainerMetadata& out,
                                    std::string& error) {
    out = ContainerMetadata{};
    out.full_id = full_id;
    out.type = runtime_name_;
    wire::ContainerStatusResponse status;
    {
        wire::ContainerStatusRequest req;
        req.set_container_id(full_id);
        req.set_verbose(true);
        GrpcStatus s = unary("ContainerStatus", req, status);
        if (!s.ok()) {
            error = "ContainerStatus " + full_id + ": " + s.text();
            if (runtime_gone(s)) return LookupResult::unavailable;
            // A pod's sandbox (pause) container is no CRI container but a sandbox.
            return sandbox(full_id, out) ? LookupResult::found : LookupResult::not_found;
        }
    }
    const auto& st = status.status();
    out.name = st.metadata().name();
    // The image as the user named it; runtimes report a bare id when the name is unknown.
    out.image = st.image().image();
    if (out.image.rfind("sha256:", 0) == 0) {
        auto a = st.annotations().find("io.kubernetes.cri.image-name");
        if (a != st.annotations().end()) out.image = a->second;
    }
    ImageName n = parse_image_name(out.image);
    out.image_repository = n.repository;
    out.image_tag = n.tag;
    out.image_digest = n.digest;
    const std::string& ref = st.image_ref();
    if (size_t at = ref.find('@'); at != std::string::npos) out.image_digest = ref.substr(at + 1);
    out.image_id = short_image_id(st.image_id().empty() ? ref : st.image_id());
    if (out.image_id.empty()) out.image_id = short_image_id(st.image().image());
    out.start_ts = static_cast<uint64_t>(st.started_at() > 0 ? st.started_at() : st.created_at());
    for (const auto& [k, v] : st.labels()) out.labels[k] = v;
    for (const auto& m : st.mounts())
        out.mounts.push_back(
            state::make_container_mount(m.host_path(), m.container_path(), "", !m.readonly(),
                                        propagation_name(static_cast<int>(m.propagation()))));
    if (auto it = status.info().find("info"); it != status.info().end())
        out.privileged = privileged_from_info(it->second);

    // The sandbox the container belongs to: ListContainers knows it.
    {
        wire::ListContainersRequest req;
        req.mutable_filter()->set_id(full_id);
        wire::ListContainersResponse resp;
        GrpcStatus s = unary("ListContainers", req, resp);
        if (s.ok() && resp.containers_size() > 0)
            out.pod_sandbox_id = resp.containers(0).pod_sandbox_id();
    }
    if (out.pod_sandbox_id.empty()) {
        auto l = st.labels().find("io.kubernetes.sandbox.id");
        if (l != st.labels().end()) out.pod_sandbox_id = l->second;
    }
    if (!out.pod_sandbox_id.empty()) pod_of(out.pod_sandbox_id, out);
    // Without a sandbox answer, the kubelet's labels on the container still name the pod.
    auto label = [&](const char* key, std::string& into) {
        auto l = st.labels().find(key);
        if (into.empty() && l != st.labels().end()) into = l->second;
    };
    label("io.kubernetes.pod.name", out.pod_name);
    label("io.kubernetes.pod.namespace", out.pod_namespace);
    label("io.kubernetes.pod.uid", out.pod_uid);
    return LookupResult::found;
}

}  // namespace sensor::container
