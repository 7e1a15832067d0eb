#pragma once
// The CRI v1 client (unary gRPC calls on the runtime's unix socket, see grpc_unary_channel.h),
// built into the sensor-cri.so module. Calls block for at most the timeout; they run on the
// metadata thread, never on the event loop.
#include <chrono>
#include <memory>
#include <string>

#include "grpc_unary_channel.h"
#include "sensor/container/cri_client.h"

namespace sensor::container {

class CriV1Client final : public CriClient {
  public:
    CriV1Client(std::string socket_path, std::chrono::milliseconds timeout);
    CriV1Client(const CriV1Client&) = delete;
    CriV1Client& operator=(const CriV1Client&) = delete;

    bool connect(std::string& error) override;
    const std::string& runtime_name() const override { return runtime_name_; }
    const std::string& runtime_version() const override { return runtime_version_; }
    const std::string& socket_path() const override { return channel_.socket_path(); }
    LookupResult container(const std::string& full_id, ContainerMetadata& out,
                           std::string& error) override;

  private:
    // PodSandboxStatus into the pod fields of out; false when the sandbox is unknown.
    bool pod_of(const std::string& sandbox_id, ContainerMetadata& out);
    // A sandbox (pause) container: named after its pod, with the pod's fields.
    bool sandbox(const std::string& full_id, ContainerMetadata& out);

    // One RuntimeService call: request serialized, response parsed.
    template <class Response, class Request>
    GrpcStatus unary(const char* method, const Request& request, Response& response);

    GrpcUnaryChannel channel_;
    std::chrono::milliseconds timeout_;
    std::string runtime_name_, runtime_version_;
};

}  // namespace sensor::container
