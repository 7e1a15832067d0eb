#pragma once
// The CRI v1 client over gRPC (the runtime's unix socket), built into the sensor-cri.so
// module. Calls block for at most the timeout; they run on the metadata thread, never on the
// event loop.
#include <chrono>
#include <memory>
#include <string>

#include "sensor/container/cri_client.h"

namespace sensor::container {

class GrpcCriClient final : public CriClient {
  public:
    GrpcCriClient(std::string socket_path, std::chrono::milliseconds timeout);
    ~GrpcCriClient() override;
    GrpcCriClient(const GrpcCriClient&) = delete;
    GrpcCriClient& operator=(const GrpcCriClient&) = delete;

    bool connect(std::string& error) override;
    const std::string& runtime_name() const override { return runtime_name_; }
    const std::string& runtime_version() const override { return runtime_version_; }
    const std::string& socket_path() const override { return socket_path_; }
    LookupResult container(const std::string& full_id, ContainerMetadata& out,
                           std::string& error) override;

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
