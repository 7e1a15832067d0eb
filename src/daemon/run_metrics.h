#pragma once
// The numbers `sensor run` exposes on /metrics, and the liveness /healthz checks. The event
// loop owns the counters and renders the Prometheus text once a second; the web server
// thread only copies that text under a lock, so it never touches live state.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "alert_intake.h"
#include "audit_runner.h"
#include "sensor/capture/bpf_probe.h"
#include "sensor/engine/ruleset.h"

namespace sensor::daemon {

// Counters kept by the event loop (plain integers: one thread writes and reads them).
struct LoopCounters {
    std::vector<uint64_t> events_by_type;  // by event type id
    std::vector<uint64_t> rule_matches;    // by rule index
    std::vector<uint64_t> rule_eval_ns;    // sampled evaluation time, by rule index
    uint64_t sampled_events = 0, events = 0;
};

class PublishedMetrics {
  public:
    void publish(std::string text) {
        std::lock_guard lock(mu_);
        text_ = std::move(text);
    }
    std::string text() {
        std::lock_guard lock(mu_);
        return text_;
    }
    // Liveness: the event loop's last iteration (monotonic ns).
    std::atomic<uint64_t> heartbeat_ns{0};

  private:
    std::mutex mu_;
    std::string text_;
};

// Prometheus text format writer.
class PromText {
  public:
    // "# HELP" and "# TYPE" lines for a family.
    void family(const char* name, const char* type, const char* help);
    void value(const char* name, double v);
    void value(const char* name, const char* label, std::string_view label_value, double v);
    // A sample with labels already written and escaped ("a=\"x\",b=\"y\"").
    void raw_value(const char* name, std::string_view labels, double v);
    // A family with one unlabelled value.
    void single(const char* name, const char* type, const char* help, double v) {
        family(name, type, help);
        value(name, v);
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

struct SinkSample {
    std::string name;
    uint64_t delivered = 0, failed = 0, dropped = 0, outages = 0, queued = 0;
};

// Everything /metrics shows, gathered by the event loop.
struct MetricsSample {
    const LoopCounters* loop = nullptr;
    const engine::Ruleset* ruleset = nullptr;
    uint64_t records = 0, malformed = 0, kernel_drops = 0, alerts = 0;
    uint64_t filtered_opens = 0;
    uint64_t quiet_closes = 0;
    uint64_t uring_untracked = 0;
    uint64_t filtered_calls = 0;  // left in the kernel by an argument predicate (fcntl)
    uint64_t processes = 0, containers = 0;
    uint64_t kept_exited = 0, kept_evictions = 0;  // exited processes kept for descendants
    uint64_t dedup_suppressed = 0, drop_actions = 0;
    uint64_t metadata_lookups = 0, metadata_failures = 0;
    uint64_t rule_reloads = 0;
    std::vector<SinkSample> sinks;
    std::vector<double> ring_fill;
    std::vector<capture::BpfProbe::ProgramStats> programs;
    const AuditRunner* audit = nullptr;  // the k8s_audit source, when on
    uint64_t audit_events = 0;           // audit events evaluated
    const correlate::Counters* sequences = nullptr;
    const AlertIntake* intake = nullptr;  // when on
    // For Falco's metric names (falco_metrics.h).
    uint64_t threads_added = 0, threads_removed = 0, threadtable_drops = 0;
    uint64_t fds = 0, fd_lookups = 0, fd_lookup_failures = 0;
    uint64_t start_ts = 0, reload_ts = 0, now_ts = 0;  // wall clock, ns
    uint64_t sink_drops = 0;  // alerts dropped by full output queues, all sinks
};

std::string render_metrics(const MetricsSample& m);

// /proc/self: CPU seconds (user + system) and resident bytes.
void self_usage(double& cpu_seconds, uint64_t& rss_bytes);

}  // namespace sensor::daemon
