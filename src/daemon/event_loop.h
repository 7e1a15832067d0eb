#pragma once
// The event loop of `sensor run`: reads the probe's rings, decodes records into events,
// evaluates the rules and hands matches to the alert pipeline; between polls it applies rule
// reloads, container metadata answers, dedup expiry, the once-a-second work (drop checks,
// /metrics, user table refresh) and the ten-second sweeps (fd tables, containers).
#include <cstdint>
#include <memory>
#include <string>

#include "alert_intake.h"
#include "alert_pipeline.h"
#include "audit_runner.h"
#include "capture_recorder.h"
#include "metrics_reporter.h"
#include "rules_reloader.h"
#include "run_config.h"
#include "run_metrics.h"
#include "sensor/capture/bpf_probe.h"
#include "sensor/capture/record_decoder.h"
#include "sensor/container/enricher.h"
#include "sensor/container/metadata_service.h"
#include "sensor/ops/drop_monitor.h"
#include "sensor/ops/health_server.h"
#include "sensor/state/container_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/process_table.h"
#include "sensor/state/user_table.h"

namespace sensor::daemon {

// Logs a successful load's warnings, one line each, as Falco logs them when it starts.
void log_load_warnings(const rules::LoadResult& res);

// What the loop works on; run() owns all of it and outlives the loop.
struct LoopParts {
    const RunConfig& cfg;
    capture::BpfProbe& probe;
    capture::RecordDecoder& decoder;
    state::ProcessTable& procs;
    state::FdTable& fds;
    state::UserTable& users;
    state::ContainerTable& containers;
    container::ContainerEnricher& enricher;
    const container::ContainerMetadataService* metadata;  // null when disabled
    AlertPipeline& alerts;
    RulesReloader& reloader;
    AuditRunner* audit;        // the k8s_audit source; null when it is off
    bool syscall_enabled;      // false: no probe (a control-plane sensor)
    AlertIntake* intake;       // alerts from other sensors; null when off
    CaptureRecorder* capture;  // capture files; null when off
};

class EventLoop {
  public:
    EventLoop(LoopParts parts, std::shared_ptr<const engine::Ruleset> rules);

    // /healthz and /metrics (webserver.*); false with error when it cannot listen.
    bool start_webserver(std::string& error);
    // metrics.* snapshots; false with error when metrics.output_file cannot be opened.
    bool start_metrics(std::string& error);
    // Until SIGINT/SIGTERM, or a syscall_event_drops `exit` action; then drains what the
    // kernel already wrote. Returns the exit code.
    int run();
    void stop_webserver() { web_.stop(); }
    void log_stop_report() const;

  private:
    void on_record(const void* record, size_t size);
    // Waits for the next batch of work: the probe's rings, or the audit input alone.
    bool wait_for_events();
    void pump_audit();
    void pump_intake();
    void evaluate(const fields::Event& ev);
    void evaluate_audit(const fields::Event& ev);  // evaluate(), counted as an audit event
    void apply_reload(rules::LoadResult& res);
    void check_drops(uint64_t now, bool final = false);
    void on_poll(int records);
    void fill_sample(MetricsSample& m);
    void publish_metrics();
    bool serves_metrics() const;

    LoopParts p_;
    std::shared_ptr<const engine::Ruleset> rules_owner_;  // swapped whole on reload
    const engine::Ruleset* rules_;
    engine::EvalCtx ctx_;
    LoopCounters counters_;  // rule evaluation is timed on one event in 128
    uint64_t audit_events_ = 0;
    uint64_t reloads_ = 0;
    ops::DropMonitor drop_monitor_;
    ops::TimeoutMonitor timeouts_;  // syscall_event_timeouts
    uint64_t last_event_wall_ = 0;  // for the timeouts notification
    uint64_t start_wall_ = 0, reload_wall_ = 0;
    MetricsReporter metrics_reporter_;
    correlate::SequenceMatcher matcher_;  // sequences: fed by events, local and received alerts
    int exit_code_ = 0;
    PublishedMetrics published_;
    ops::HealthServer web_;
    capture::BpfProbe::Handler handler_;
};

}  // namespace sensor::daemon
