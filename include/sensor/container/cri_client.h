#pragma once
// A CRI v1 client (gRPC over the runtime's unix socket) reduced to what the sensor needs:
// which runtime answers, and a container's metadata with its pod's. Calls block for at most
// the timeout; they run on the metadata thread, never on the event loop.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace sensor::container {

// What the runtime says about one container (Falco's container.* and k8s.* values).
struct ContainerMetadata {
    std::string full_id;
    std::string name;
    std::string type;  // the runtime: "containerd", "cri-o"
    std::string image, image_repository, image_tag, image_digest, image_id;
    int privileged = -1;  // -1 unknown
    uint64_t start_ts = 0;
    std::map<std::string, std::string> labels;
    std::string mounts;
    std::string pod_name, pod_namespace, pod_uid, pod_sandbox_id;
    std::map<std::string, std::string> pod_labels;
};

enum class LookupResult { found, not_found, unavailable };

class CriClient {
  public:
    CriClient(std::string socket_path, std::chrono::milliseconds timeout);
    ~CriClient();
    CriClient(const CriClient&) = delete;
    CriClient& operator=(const CriClient&) = delete;

    // Asks the runtime its name and version; false with error when nothing answers.
    bool connect(std::string& error);
    const std::string& runtime_name() const { return runtime_name_; }
    const std::string& runtime_version() const { return runtime_version_; }
    const std::string& socket_path() const { return socket_path_; }

    // ContainerStatus (verbose), the container's sandbox id, and PodSandboxStatus; for a
    // pod's sandbox container, the sandbox's status.
    LookupResult container(const std::string& full_id, ContainerMetadata& out, std::string& error);

  private:
    // PodSandboxStatus into the pod fields of out; false when the sandbox is unknown.
    bool pod_of(const std::string& sandbox_id, ContainerMetadata& out);
    // A sandbox (pause) container: named after its pod, with the pod's fields.
    bool sandbox(const std::string& full_id, ContainerMetadata& out);

    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string socket_path_;
    std::chrono::milliseconds timeout_;
    std::string runtime_name_, runtime_version_;
};

}  // namespace sensor::container
