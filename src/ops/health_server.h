#pragma once
// The operations endpoint (falco.yaml's `webserver`): GET /healthz and GET /metrics over
// plain HTTP on its own thread. Each request gets a complete answer and the connection is
// closed; a slow client costs the server thread at most a second, never the event loop.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace sensor::ops {

class HealthServer {
  public:
    // Both run on the server thread. healthy: false with the reason for a 503.
    using Metrics = std::function<std::string()>;
    using Healthy = std::function<bool(std::string& why)>;

    ~HealthServer();
    // Binds address:port (port 0: any free port); false with error.
    bool start(const std::string& address, uint16_t port, Metrics metrics, Healthy healthy,
               std::string& error);
    void stop();
    uint16_t port() const { return port_; }

  private:
    void run();
    void serve(int fd);

    int listen_fd_ = -1;
    uint16_t port_ = 0;
    Metrics metrics_;
    Healthy healthy_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

// Prometheus text format helpers: a label value escaped ("\\", "\"", "\n").
std::string prometheus_label(std::string_view value);

}  // namespace sensor::ops
