#pragma once
// The operations endpoint (falco.yaml's `webserver`): GET on the health path
// (k8s_healthz_endpoint, /healthz) and, when asked, GET /metrics, over HTTP or HTTPS
// (ssl_enabled: one PEM with key and certificate), on one thread of its own whatever
// `threadiness` says. Each request gets a complete answer and the connection is closed; a slow
// client costs the server thread at most a second, never the event loop.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "sensor/ops/tls_context.h"

namespace sensor::ops {

class HealthServer {
  public:
    // Both run on the server thread. healthy: false with the reason for a 503.
    using Metrics = std::function<std::string()>;
    using Healthy = std::function<bool(std::string& why)>;

    struct Options {
        std::string address = "127.0.0.1";
        uint16_t port = 0;  // 0: any free port
        std::string healthz_path = "/healthz";
        bool metrics = true;          // serve /metrics (else 404)
        std::string tls_certificate;  // one PEM with certificate and key; empty: plain HTTP
    };

    ~HealthServer();
    // Binds address:port; false with error (address, port, certificate).
    bool start(const Options& options, Metrics metrics, Healthy healthy, std::string& error);
    void stop();
    uint16_t port() const { return port_; }

  private:
    void run();
    void serve(int fd);

    bool bind_listen(const std::string& address, uint16_t port, std::string& error);
    std::string answer(const std::string& request);

    int listen_fd_ = -1;
    uint16_t port_ = 0;
    Options options_;
    SslCtxPtr tls_;
    Metrics metrics_;
    Healthy healthy_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

// Prometheus text format helpers: a label value escaped ("\\", "\"", "\n").
std::string prometheus_label(std::string_view value);

}  // namespace sensor::ops
