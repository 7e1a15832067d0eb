#pragma once
// Alerts from rule matches to the output workers, on the event loop: Falco formatting, flood
// control (alert_dedup), the internal alerts (dedup summaries, syscall drop alerts) and the
// stop report. Pushing never waits: a sink whose queue is full drops the alert and counts it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "run_config.h"
#include "run_metrics.h"
#include "sensor/correlate/sequence_matcher.h"
#include "sensor/engine/ruleset.h"
#include "sensor/fields/event.h"
#include "sensor/output/alert_dedup.h"
#include "sensor/output/alert_format.h"
#include "sensor/output/output_worker.h"

namespace sensor::daemon {

class AlertPipeline {
  public:
    // One worker per sink, started at once; they log when a destination goes down or up.
    AlertPipeline(const RunConfig& cfg, std::vector<std::unique_ptr<output::Sink>> sinks,
                  const engine::Ruleset* rules);

    // A reload: open dedup windows (which name rules of the old set) are reported first.
    void set_rules(const engine::Ruleset* rules);

    void on_match(const engine::CompiledRule& rule, const fields::Event& ev);
    // A completed sequence (source "correlation").
    void on_correlation(const correlate::Match& m);
    // An alert received from another sensor, written as it came.
    void forward(const std::string& json, engine::Priority priority, uint64_t ts);
    // Falco's "syscall event drop" internal alert, for a drop episode.
    void drop_alert(const ops::DropReport& report);
    // Falco's other internal alerts (source "internal"): metrics snapshots, timeouts.
    void internal_alert(std::string_view rule, engine::Priority priority, std::string_view message,
                        std::string_view output_fields_json);
    // Closes the dedup windows that ended by now (monotonic ns).
    void expire(uint64_t now);

    // For SIGUSR1/SIGHUP (log rotation): every worker reopens its destination.
    std::vector<std::unique_ptr<output::OutputWorker>>& workers() { return workers_; }

    // Reports held-back counts, then gives the workers a bounded time to deliver.
    void stop();
    void log_stop_report() const;

    uint64_t alerts() const { return alerts_; }
    uint64_t dedup_suppressed() const { return dedup_ ? dedup_->suppressed_total() : 0; }
    void sink_samples(std::vector<SinkSample>& out) const;

  private:
    void summary(size_t rule, uint64_t suppressed, uint64_t window_ns);
    // AlertDedup's summary callback: this pipeline's summary().
    auto summarizer() {
        return [this](size_t rule, uint64_t suppressed, uint64_t window_ns) {
            summary(rule, suppressed, window_ns);
        };
    }
    void push(engine::Priority priority, uint64_t ts);

    const engine::Ruleset* rules_;
    output::AlertFormat format_;
    uint64_t dedup_window_ns_;
    std::optional<output::AlertDedup> dedup_;
    std::vector<std::unique_ptr<output::OutputWorker>> workers_;
    std::string line_;  // reused: formatting allocates nothing once it has grown
    uint64_t alerts_ = 0;
};

}  // namespace sensor::daemon
