#pragma once
// A CRI v1 client (the runtime's gRPC API on its unix socket) reduced to what the sensor needs:
// which runtime answers, and a container's metadata with its pod's. Calls block for at most
// the timeout; they run on the metadata thread, never on the event loop.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sensor/state/records.h"

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
    std::vector<state::ContainerMount> mounts;
    std::string pod_name, pod_namespace, pod_uid, pod_sandbox_id;
    std::map<std::string, std::string> pod_labels;
    // The pod's (PodSandboxStatus): primary IP, CNI result, host namespaces (-1 unknown).
    std::string ip, cni_json;
    int host_pid = -1, host_network = -1, host_ipc = -1;
};

enum class LookupResult { found, not_found, unavailable };

// A CRI v1 client. The implementation lives in the sensor-cri.so module (unary gRPC calls over
// HTTP/2 with nghttp2, messages with protobuf-lite), loaded only once a runtime socket exists;
// see sensor/ops/optional_module.h.
class CriClient {
  public:
    virtual ~CriClient() = default;

    // Asks the runtime its name and version; false with error when nothing answers.
    virtual bool connect(std::string& error) = 0;
    virtual const std::string& runtime_name() const = 0;
    virtual const std::string& runtime_version() const = 0;
    virtual const std::string& socket_path() const = 0;

    // ContainerStatus (verbose), the container's sandbox id, and PodSandboxStatus; for a
    // pod's sandbox container, the sandbox's status.
    virtual LookupResult container(const std::string& full_id, ContainerMetadata& out,
                                   std::string& error) = 0;
};

// A client for the runtime at socket_path, from the sensor-cri.so module; nullptr with error
// when the module cannot be loaded.
std::unique_ptr<CriClient> make_cri_client(const std::string& socket_path,
                                           std::chrono::milliseconds timeout, std::string& error);

}  // namespace sensor::container

// The module's factory (C linkage so dlsym finds it by name).
extern "C" __attribute__((visibility("default"))) sensor::container::CriClient*
sensor_cri_client_create(const char* socket_path, long timeout_ms);
