#pragma once
// The k8s_audit source in `sensor run`: its input (webhook or log file, on the input's own
// thread) and the decoder that turns queued payloads into events on the event loop's thread,
// where the rules run. Its counters feed /metrics and the stop line.
#include <memory>
#include <string>
#include <vector>

#include "sensor/audit_ingest/audit_input.h"
#include "sensor/k8saudit/audit_decoder.h"

namespace sensor::daemon {

class AuditRunner {
  public:
    AuditRunner(std::unique_ptr<audit_ingest::AuditInput> input, uint64_t max_event_size);
    bool start(std::string& error);
    void stop();

    // Decodes up to a bounded number of queued payloads (so a burst of audit events does not
    // starve the syscall rings) and calls evaluate(const fields::Event&) for every event.
    template <typename F>
    size_t pump(F&& evaluate) {
        batch_.clear();
        const size_t n = input_->drain(batch_, kPayloadsPerPump);
        for (const std::string& payload : batch_) decoder_.decode(payload, evaluate);
        if (n) log_new_problems();
        return n;
    }
    int wait_fd() const { return input_->wait_fd(); }
    // A read-once input has queued everything it will (pump until 0 after this is true).
    bool input_finished() const { return input_->finished(); }

    const k8saudit::DecodeCounters& decode_counters() const { return decoder_.counters(); }
    const audit_ingest::InputCounters& input_counters() const { return input_->counters(); }
    std::string describe() const { return input_->describe(); }
    uint16_t port() const { return input_->port(); }
    bool unauthenticated_remote() const { return input_->unauthenticated_remote(); }
    // The counters in one line, for the stop report.
    std::string summary() const;

  private:
    static constexpr size_t kPayloadsPerPump = 64;
    void log_new_problems();

    std::unique_ptr<audit_ingest::AuditInput> input_;
    k8saudit::AuditDecoder decoder_;
    std::vector<std::string> batch_;
};

}  // namespace sensor::daemon
