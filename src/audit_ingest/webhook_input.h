#pragma once
// The webhook input: an HTTP/1.1 server (plain TCP or TLS) for the API server's audit webhook
// backend. One thread accepts; each connection gets a thread of its own, up to
// max_connections, because the API server keeps only a few connections alive and each may be
// slow (TLS handshakes, 10 MiB batches) without holding up the others.
#include "sensor/audit_ingest/audit_input.h"
#include "sensor/audit_ingest/open_params.h"
#include "sensor/audit_ingest/webhook_session.h"
#include "sensor/ops/tls_context.h"

#include <sys/socket.h>

#include <list>
#include <memory>
#include <thread>

namespace sensor::audit_ingest {

class WebhookInput : public AuditInput {
  public:
    WebhookInput(const InputConfig& cfg, const OpenParams& params);
    ~WebhookInput() override;

    bool start(std::string& error) override;
    void stop() override;
    size_t drain(std::vector<std::string>& out, size_t max) override;
    int wait_fd() const override { return sh_.queue.event_fd(); }
    bool finished() const override { return false; }
    const InputCounters& counters() const override { return sh_.counters; }
    std::string describe() const override;
    uint16_t port() const override { return port_; }
    bool unauthenticated_remote() const override;

  private:
    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };

    bool load_token(std::string& error);
    bool bind_listener(std::string& error);
    bool bind_any(std::string& error);
    bool bind_resolved(std::string& error);
    bool bind_address(const sockaddr* addr, socklen_t len, bool dual_stack);
    void accept_loop();
    void start_session(int fd);
    void reap_workers(bool all);

    OpenParams params_;
    WebhookShared sh_;
    ops::SslCtxPtr tls_;
    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::string bound_;  // numeric address:port, for describe()
    bool bound_loopback_ = false;
    bool started_ = false;
    std::thread acceptor_;
    std::list<Worker> workers_;  // accept thread only, until stop() joins it
};

}  // namespace sensor::audit_ingest
