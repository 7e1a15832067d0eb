#include "grpc_cri_client.h"

#include <grpcpp/grpcpp.h>

#include "cri_api.grpc.pb.h"
#include "sensor/container/cri_metadata.h"

namespace sensor::container {

struct GrpcCriClient::Impl {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<runtime::v1::RuntimeService::Stub> stub;
};

namespace {

std::string status_text(const grpc::Status& s) {
    return std::to_string(static_cast<int>(s.error_code())) + " " + s.error_message();
}

void set_deadline(grpc::ClientContext& ctx, std::chrono::milliseconds timeout) {
    ctx.set_deadline(std::chrono::system_clock::now() + timeout);
}

bool runtime_gone(const grpc::Status& s) {
    return s.error_code() == grpc::StatusCode::UNAVAILABLE ||
           s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
           s.error_code() == grpc::StatusCode::UNIMPLEMENTED;
}

}  // namespace

GrpcCriClient::GrpcCriClient(std::string socket_path, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()), socket_path_(std::move(socket_path)), timeout_(timeout) {
    impl_->channel =
        grpc::CreateChannel("unix://" + socket_path_, grpc::InsecureChannelCredentials());
    impl_->stub = runtime::v1::RuntimeService::NewStub(impl_->channel);
}

GrpcCriClient::~GrpcCriClient() = default;

bool GrpcCriClient::connect(std::string& error) {
    grpc::ClientContext ctx;
    set_deadline(ctx, timeout_);
    runtime::v1::VersionRequest req;
    req.set_version("v1");
    runtime::v1::VersionResponse resp;
    grpc::Status s = impl_->stub->Version(&ctx, req, &resp);
    if (!s.ok()) {
        error = socket_path_ + ": " + status_text(s);
        return false;
    }
    runtime_name_ = resp.runtime_name();
    runtime_version_ = resp.runtime_version();
    return true;
}

bool GrpcCriClient::pod_of(const std::string& sandbox_id, ContainerMetadata& out) {
    grpc::ClientContext ctx;
    set_deadline(ctx, timeout_);
    runtime::v1::PodSandboxStatusRequest req;
    req.set_pod_sandbox_id(sandbox_id);
    runtime::v1::PodSandboxStatusResponse resp;
    if (!impl_->stub->PodSandboxStatus(&ctx, req, &resp).ok()) return false;
    const auto& md = resp.status().metadata();
    out.pod_name = md.name();
    out.pod_namespace = md.namespace_();
    out.pod_uid = md.uid();
    for (const auto& [k, v] : resp.status().labels()) out.pod_labels[k] = v;
    return true;
}

bool GrpcCriClient::sandbox(const std::string& full_id, ContainerMetadata& out) {
    if (!pod_of(full_id, out)) return false;
    out.name = out.pod_name;  // the sandbox stands for its pod
    out.pod_sandbox_id = full_id;
    return true;
}

LookupResult GrpcCriClient::container(const std::string& full_id, ContainerMetadata& out,
                                      std::string& error) {
    out = ContainerMetadata{};
    out.full_id = full_id;
    out.type = runtime_name_;
    runtime::v1::ContainerStatusResponse status;
    {
        grpc::ClientContext ctx;
        set_deadline(ctx, timeout_);
        runtime::v1::ContainerStatusRequest req;
        req.set_container_id(full_id);
        req.set_verbose(true);
        grpc::Status s = impl_->stub->ContainerStatus(&ctx, req, &status);
        if (!s.ok()) {
            error = "ContainerStatus " + full_id + ": " + status_text(s);
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
    std::vector<MountSpec> mounts;
    for (const auto& m : st.mounts())
        mounts.push_back(
            {m.host_path(), m.container_path(), m.readonly(), static_cast<int>(m.propagation())});
    out.mounts = render_mounts(mounts);
    if (auto it = status.info().find("info"); it != status.info().end())
        out.privileged = privileged_from_info(it->second);

    // The sandbox the container belongs to: ListContainers knows it.
    {
        grpc::ClientContext ctx;
        set_deadline(ctx, timeout_);
        runtime::v1::ListContainersRequest req;
        req.mutable_filter()->set_id(full_id);
        runtime::v1::ListContainersResponse resp;
        grpc::Status s = impl_->stub->ListContainers(&ctx, req, &resp);
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
