#include "run_metrics.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "sensor/events/event_types.h"
#include "sensor/ops/health_server.h"

namespace sensor::daemon {
namespace {

std::string number(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace

void PromText::family(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void PromText::value(const char* name, double v) {
    out_ += name;
    out_ += ' ';
    out_ += number(v);
    out_ += '\n';
}

void PromText::value(const char* name, const char* label, std::string_view label_value, double v) {
    out_ += name;
    out_ += '{';
    out_ += label;
    out_ += "=\"";
    out_ += ops::prometheus_label(label_value);
    out_ += "\"} ";
    out_ += number(v);
    out_ += '\n';
}

void PromText::raw_value(const char* name, std::string_view labels, double v) {
    out_ += name;
    out_ += '{';
    out_ += labels;
    out_ += "} ";
    out_ += number(v);
    out_ += '\n';
}

void self_usage(double& cpu_seconds, uint64_t& rss_bytes) {
    cpu_seconds = 0;
    rss_bytes = 0;
    std::ifstream stat("/proc/self/stat");
    std::string s((std::istreambuf_iterator<char>(stat)), {});
    size_t rp = s.rfind(')');
    if (rp != std::string::npos) {
        std::istringstream in(s.substr(rp + 2));
        std::string field;
        double utime = 0, stime = 0;
        for (int i = 3; in >> field; ++i) {  // field 3 is the state
            if (i == 14) utime = std::stod(field);
            if (i == 15) {
                stime = std::stod(field);
                break;
            }
        }
        cpu_seconds = (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
    std::ifstream statm("/proc/self/statm");
    uint64_t size = 0, resident = 0;
    if (statm >> size >> resident) rss_bytes = resident * static_cast<uint64_t>(getpagesize());
}

// The k8s_audit source: input requests by outcome, payloads, events and decode problems.
static void render_audit_metrics(PromText& t, const AuditRunner& a, uint64_t evaluated) {
    const auto& c = a.input_counters();
    const auto& d = a.decode_counters();
    t.single("sensor_audit_requests_total", "counter", "Webhook requests received.",
             static_cast<double>(c.requests.load()));
    t.single("sensor_audit_accepted_total", "counter",
             "Payloads (POST bodies, log lines) queued for decoding.",
             static_cast<double>(c.accepted.load() + c.lines.load()));
    t.family("sensor_audit_rejected_total", "counter", "Webhook requests refused, by reason.");
    const std::pair<const char*, uint64_t> rejected[] = {
        {"method", c.rejected_method.load()},
        {"content_type", c.rejected_content_type.load()},
        {"too_large", c.rejected_too_large.load()},
        {"bad_request", c.rejected_bad_request.load()},
        {"path", c.rejected_path.load()},
        {"auth", c.rejected_auth.load()},
        {"tls", c.rejected_tls.load()},
        {"rate_limited", c.rate_limited.load()},
        {"queue_full", c.rejected_queue_full.load()},
        {"length_required", c.rejected_length_required.load()},
        {"timeout", c.timeouts.load()},
        {"connection_limit", c.connections_refused.load()}};
    for (const auto& [reason, n] : rejected)
        t.value("sensor_audit_rejected_total", "reason", reason, static_cast<double>(n));
    t.single("sensor_audit_events_total", "counter", "Audit events decoded and evaluated.",
             static_cast<double>(evaluated));
    t.family("sensor_audit_problems_total", "counter",
             "Audit payloads or events skipped (malformed) or dropped (over maxEventSize), by "
             "cause.");
    for (size_t i = 0; i < d.problems.size(); ++i)
        t.value("sensor_audit_problems_total", "cause",
                k8saudit::problem_name(static_cast<k8saudit::DecodeProblem>(i)),
                static_cast<double>(d.problems[i]));
    t.single("sensor_audit_log_rotations_total", "counter", "Audit log rotations followed.",
             static_cast<double>(c.rotations.load()));
    t.single("sensor_audit_lines_too_long_total", "counter",
             "Audit log lines over the limit, skipped.",
             static_cast<double>(c.lines_too_long.load()));
}

// Sequences: occurrences, matches, and everything lost (late, evicted, expired); the intake.
static void render_sequence_metrics(PromText& t, const correlate::Counters& c,
                                    const AlertIntake* intake) {
    t.single("sensor_sequence_occurrences_total", "counter", "Sequence step occurrences stored.",
             static_cast<double>(c.occurrences));
    t.single("sensor_sequence_matches_total", "counter", "Correlation alerts (sequences fired).",
             static_cast<double>(c.matches));
    t.single("sensor_sequence_late_total", "counter",
             "Step occurrences older than the watermark on arrival (still matched).",
             static_cast<double>(c.late));
    t.single("sensor_sequence_evicted_total", "counter",
             "Step occurrences dropped by the bounds before their window ended.",
             static_cast<double>(c.evicted));
    t.single("sensor_sequence_expired_total", "counter",
             "Step occurrences dropped after their window passed the watermark.",
             static_cast<double>(c.expired));
    t.single("sensor_sequence_partial", "gauge", "Step occurrences held now.",
             static_cast<double>(c.kept));
    if (!intake) return;
    t.single("sensor_alert_intake_received_total", "counter", "Alerts received from other sensors.",
             static_cast<double>(intake->received()));
    t.single("sensor_alert_intake_malformed_total", "counter",
             "Intake bodies or lines that were not alerts.",
             static_cast<double>(intake->malformed()));
    t.single("sensor_alert_intake_requests_total", "counter", "Intake HTTP requests.",
             static_cast<double>(intake->input_counters().requests.load()));
}

std::string render_metrics(const MetricsSample& m) {
    PromText t;
    const LoopCounters& c = *m.loop;
    t.family("sensor_events_total", "counter", "Events decoded from the kernel, by event type.");
    for (size_t i = 0; i < c.events_by_type.size(); ++i)
        if (c.events_by_type[i] > 0)
            t.value("sensor_events_total", "type",
                    events::event_type_name(static_cast<events::EventTypeId>(i)),
                    static_cast<double>(c.events_by_type[i]));
    t.single("sensor_records_total", "counter", "Records read from the kernel rings.",
             static_cast<double>(m.records));
    t.single("sensor_malformed_records_total", "counter", "Records that failed to decode.",
             static_cast<double>(m.malformed));
    t.single("sensor_kernel_drops_total", "counter",
             "Records the kernel dropped because a CPU ring was full.",
             static_cast<double>(m.kernel_drops));
    t.single("sensor_kernel_filtered_opens_total", "counter",
             "Opens the probe kept in the kernel because no loaded rule could match their path.",
             static_cast<double>(m.filtered_opens));
    t.single("sensor_kernel_filtered_calls_total", "counter",
             "Calls the probe kept in the kernel because no loaded rule or state table needs "
             "their argument's value (fcntl commands).",
             static_cast<double>(m.filtered_calls));
    t.single("sensor_kernel_quiet_closes_total", "counter",
             "Closes the probe kept in the kernel with their filtered open (user space never "
             "learned the fd).",
             static_cast<double>(m.quiet_closes));
    t.single("sensor_kernel_uring_untracked_total", "counter",
             "io_uring requests of traced ops the probe could not record (its in-flight table "
             "was full).",
             static_cast<double>(m.uring_untracked));
    t.family("sensor_ring_buffer_fill_ratio", "gauge", "How full each CPU ring is (0 to 1).");
    for (size_t i = 0; i < m.ring_fill.size(); ++i)
        t.value("sensor_ring_buffer_fill_ratio", "cpu", std::to_string(i), m.ring_fill[i]);
    t.single("sensor_rules_reloads_total", "counter", "Rule sets swapped in by a hot reload.",
             static_cast<double>(m.rule_reloads));
    t.single("sensor_alerts_total", "counter", "Rule matches (before de-duplication).",
             static_cast<double>(m.alerts));
    t.family("sensor_rule_matches_total", "counter", "Matches by rule.");
    t.family("sensor_rule_evaluation_seconds_total", "counter",
             "Time spent evaluating each rule, estimated from a 1-in-128 sample of events.");
    double scale = c.sampled_events
                       ? static_cast<double>(c.events) / static_cast<double>(c.sampled_events)
                       : 0;
    for (size_t i = 0; i < m.ruleset->rules.size(); ++i) {
        const std::string& name = m.ruleset->rules[i].name;
        if (i < c.rule_matches.size() && c.rule_matches[i] > 0)
            t.value("sensor_rule_matches_total", "rule", name,
                    static_cast<double>(c.rule_matches[i]));
        if (i < c.rule_eval_ns.size() && c.rule_eval_ns[i] > 0)
            t.value("sensor_rule_evaluation_seconds_total", "rule", name,
                    static_cast<double>(c.rule_eval_ns[i]) * scale / 1e9);
    }
    // One family per per-sink number.
    struct SinkFamily {
        const char* name;
        const char* type;
        const char* help;
        uint64_t SinkSample::*value;
    };
    static constexpr SinkFamily kSinkFamilies[] = {
        {"sensor_output_delivered_total", "counter", "Alerts a sink delivered.",
         &SinkSample::delivered},
        {"sensor_output_failed_total", "counter", "Alerts a sink lost to a failed write.",
         &SinkSample::failed},
        {"sensor_output_dropped_total", "counter", "Alerts dropped because a sink queue was full.",
         &SinkSample::dropped},
        {"sensor_output_outages_total", "counter", "Times a sink became unavailable.",
         &SinkSample::outages},
        {"sensor_output_queue_depth", "gauge", "Alerts waiting in a sink queue.",
         &SinkSample::queued},
    };
    for (const SinkFamily& f : kSinkFamilies) {
        t.family(f.name, f.type, f.help);
        for (const auto& s : m.sinks)
            t.value(f.name, "sink", s.name, static_cast<double>(s.*f.value));
    }
    t.single("sensor_processes", "gauge", "Threads in the process table.",
             static_cast<double>(m.processes));
    t.single("sensor_processes_exited_kept", "gauge",
             "Exited processes kept because descendants still run (lineage).",
             static_cast<double>(m.kept_exited));
    t.single("sensor_processes_exited_evicted_total", "counter",
             "Kept exited processes dropped past state.max_exited_processes.",
             static_cast<double>(m.kept_evictions));
    t.single("sensor_containers", "gauge", "Containers known, the host included.",
             static_cast<double>(m.containers));
    t.single("sensor_alert_dedup_suppressed_total", "counter", "Alerts held back by alert_dedup.",
             static_cast<double>(m.dedup_suppressed));
    t.single("sensor_drop_actions_total", "counter", "syscall_event_drops actions taken.",
             static_cast<double>(m.drop_actions));
    t.single("sensor_container_metadata_lookups_total", "counter", "CRI lookups made.",
             static_cast<double>(m.metadata_lookups));
    t.single("sensor_container_metadata_failures_total", "counter",
             "CRI lookups that found no runtime.", static_cast<double>(m.metadata_failures));
    t.family("sensor_bpf_program_run_seconds_total", "counter",
             "Kernel time in each eBPF program (0 unless sysctl kernel.bpf_stats_enabled=1).");
    for (const auto& p : m.programs)
        t.value("sensor_bpf_program_run_seconds_total", "program", p.name,
                static_cast<double>(p.run_time_ns) / 1e9);
    t.family("sensor_bpf_program_runs_total", "counter",
             "Runs of each eBPF program (0 unless sysctl kernel.bpf_stats_enabled=1).");
    for (const auto& p : m.programs)
        t.value("sensor_bpf_program_runs_total", "program", p.name,
                static_cast<double>(p.run_count));
    if (m.audit) render_audit_metrics(t, *m.audit, m.audit_events);
    if (m.sequences) render_sequence_metrics(t, *m.sequences, m.intake);
    double cpu = 0;
    uint64_t rss = 0;
    self_usage(cpu, rss);
    t.single("process_cpu_seconds_total", "counter", "User and system CPU time of the sensor.",
             cpu);
    t.single("process_resident_memory_bytes", "gauge", "Resident memory of the sensor.",
             static_cast<double>(rss));
    return t.take();
}

}  // namespace sensor::daemon
