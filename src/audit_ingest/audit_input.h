#pragma once
// Inputs of the k8s_audit source (the k8saudit plugin's `open_params`): the API server's
// webhook backend (http:// or https://), a followed log file (file://), or files read once (a
// plain path or directory). Inputs only move bytes: each delivers payloads (one POST body or
// one log line, JSON text as received) into a bounded queue; the event loop drains the queue
// and parses on its own thread (k8saudit::AuditDecoder), so a slow parse never holds an
// HTTP connection and a burst never blocks the API server. Everything lost is counted.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sensor::audit_ingest {

// The plugin's init_config keys (Falco's names and defaults) plus the sensor's additions.
struct InputConfig {
    std::string open_params;  // http(s)://HOST:PORT/PATH, file://PATH, PATH
    std::string ssl_certificate = "/etc/falco/falco.pem";  // sslCertificate: cert + key, PEM
    uint64_t max_event_size = 262144;                      // maxEventSize (checked by the decoder)
    uint64_t webhook_max_batch_size = 12582912;            // webhookMaxBatchSize: body limit
    // Sensor additions (init_config keys of the same names):
    std::string ssl_client_ca;       // sslClientCA: require client certs signed by it
    std::string bearer_token_file;   // bearerTokenFile: require `Authorization: Bearer`
    double rate_limit_rps = 0;       // rateLimitRequestsPerSecond: global, 0 = none
    double rate_limit_conn_rps = 0;  // rateLimitPerConnectionRequestsPerSecond, 0 = none
    size_t queue_payloads = 50;      // queueSize: payloads waiting for the loop
    // Webhook limits against slow or numerous clients (init_config keys of the same names):
    size_t max_connections = 64;         // maxConnections: more are closed at accept
    uint32_t header_timeout_ms = 10000;  // headerTimeoutMs: a request's head (and TLS handshake)
    uint32_t body_timeout_ms = 30000;    // bodyTimeoutMs: a request's whole body
    uint32_t idle_timeout_ms = 60000;    // idleTimeoutMs: a kept-alive connection between requests
    // File inputs: a line is one Event, so the decoder's limit applies; 0 = max_event_size.
    uint64_t max_line_size = 0;  // maxLineSize
};

// Monotonic counters, readable from any thread.
struct InputCounters {
    std::atomic<uint64_t> requests{0};                  // HTTP requests received
    std::atomic<uint64_t> accepted{0};                  // payloads queued (200 answered)
    std::atomic<uint64_t> rejected_method{0};           // 405
    std::atomic<uint64_t> rejected_content_type{0};     // 400
    std::atomic<uint64_t> rejected_too_large{0};        // 400
    std::atomic<uint64_t> rejected_bad_request{0};      // 400: malformed HTTP, truncated body
    std::atomic<uint64_t> rejected_path{0};             // 404
    std::atomic<uint64_t> rejected_auth{0};             // 401: missing/wrong bearer token
    std::atomic<uint64_t> rejected_tls{0};              // TLS handshakes refused (client cert)
    std::atomic<uint64_t> rate_limited{0};              // 429
    std::atomic<uint64_t> rejected_queue_full{0};       // 503: queue full (the API server retries)
    std::atomic<uint64_t> rejected_length_required{0};  // 411: POST without a length
    std::atomic<uint64_t> truncated_bodies{0};     // peer closed mid-body (also in bad_request)
    std::atomic<uint64_t> timeouts{0};             // connections closed: slow head/body/handshake
    std::atomic<uint64_t> connections{0};          // connections accepted
    std::atomic<uint64_t> connections_refused{0};  // closed at accept: max_connections reached
    std::atomic<uint64_t> dropped_queue_full{0};   // payloads lost to a full queue: none today
                                                   // (the webhook answers 503, files wait)
    std::atomic<uint64_t> lines{0};                // log lines read (file inputs)
    std::atomic<uint64_t> lines_too_long{0};       // log lines over the limit, skipped
    std::atomic<uint64_t> rotations{0};            // rotations followed (file://)
    std::atomic<uint64_t> truncations{0};          // copytruncate seen (file://), also a rotation
    std::atomic<uint64_t> read_errors{0};          // files that could not be opened or read
    std::atomic<uint64_t> bytes{0};                // payload bytes delivered
};

class AuditInput {
  public:
    virtual ~AuditInput() = default;
    // Starts listening/reading on the input's own thread; false with error (bad URL, port in
    // use, unreadable certificate or file).
    virtual bool start(std::string& error) = 0;
    virtual void stop() = 0;
    // Moves up to `max` queued payloads into `out` (appends); never blocks.
    virtual size_t drain(std::vector<std::string>& out, size_t max) = 0;
    // An fd (eventfd) that polls readable while payloads are queued, for a loop with nothing
    // else to wait on.
    virtual int wait_fd() const = 0;
    // True once a read-once input has delivered everything (its queue may still hold payloads).
    virtual bool finished() const = 0;
    virtual const InputCounters& counters() const = 0;
    // What it listens on / reads, for the start-up log line (e.g. "webhook
    // https://0.0.0.0:9765/k8s-audit").
    virtual std::string describe() const = 0;
    // The bound port of a webhook (useful with port 0 in tests); 0 for file inputs.
    virtual uint16_t port() const { return 0; }
    // True for a webhook listening beyond loopback with neither a client CA nor a bearer
    // token: anyone who can reach the port can forge audit events (the daemon warns).
    virtual bool unauthenticated_remote() const { return false; }
};

// The input open_params names; null with error for a malformed value.
std::unique_ptr<AuditInput> make_input(const InputConfig& cfg, std::string& error);

}  // namespace sensor::audit_ingest
