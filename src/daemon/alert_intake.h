#pragma once
// The alert intake of a cluster sensor (`alert_intake.*`): Falco JSON alerts POSTed by node
// sensors (their http_output) or by Falco itself, as they would be to falcosidekick. They are
// inputs to the `rule:` steps of sequences, and optionally forwarded to this sensor's outputs.
// The HTTP side is the audit webhook's server (TLS, client certificates, bearer token, size
// and rate limits); bodies are queued and parsed here, on the event loop.
#include <memory>
#include <string>
#include <vector>

#include "sensor/audit_ingest/audit_input.h"
#include "sensor/correlate/sequence_matcher.h"

namespace sensor::daemon {

struct AlertIntakeConfig {
    bool enabled = false;
    std::string listen_address = "127.0.0.1";
    uint16_t listen_port = 2801;
    std::string path = "/";
    bool ssl_enabled = false;
    std::string ssl_certificate;  // one PEM: certificate and key
    std::string ssl_client_ca;
    std::string bearer_token_file;
    uint64_t max_body_size = 4u << 20;
    double rate_limit_rps = 0;
    bool forward = false;  // also write received alerts to this sensor's outputs
};

class AlertIntake {
  public:
    // null with error when the endpoint cannot be set up.
    static std::unique_ptr<AlertIntake> start(const AlertIntakeConfig& cfg, std::string& error);

    // Parses up to a bounded number of queued bodies (one alert, JSON lines, or an array) and
    // calls each(const correlate::ReceivedAlert&, const std::string& json) per alert.
    template <typename F>
    size_t pump(F&& each) {
        batch_.clear();
        const size_t n = input_->drain(batch_, 64);
        for (const std::string& body : batch_) parse_body(body, each);
        return n;
    }

    std::string describe() const { return input_->describe(); }
    int wait_fd() const { return input_->wait_fd(); }
    uint16_t port() const { return input_->port(); }
    bool unauthenticated_remote() const { return input_->unauthenticated_remote(); }
    const audit_ingest::InputCounters& input_counters() const { return input_->counters(); }
    uint64_t received() const { return received_; }
    uint64_t malformed() const { return malformed_; }
    void stop() { input_->stop(); }

  private:
    template <typename F>
    void parse_body(const std::string& body, F& each) {
        for_each_alert(body, [&](const correlate::ReceivedAlert& a, const std::string& json) {
            ++received_;
            each(a, json);
        });
    }
    // Calls cb for every alert in a body; counts what is not one.
    void for_each_alert(
        const std::string& body,
        const std::function<void(const correlate::ReceivedAlert&, const std::string&)>& cb);

    std::unique_ptr<audit_ingest::AuditInput> input_;
    std::vector<std::string> batch_;
    uint64_t received_ = 0, malformed_ = 0;
};

// A Falco JSON alert as a sequence input; false when the value is not an alert (no rule or
// no RFC 3339 time). Its reference is its uuid, else `fallback_ref` when given, else its
// hostname and time.
bool parse_alert_json(const std::string& text, correlate::ReceivedAlert& out,
                      const std::string& fallback_ref = "");

}  // namespace sensor::daemon
