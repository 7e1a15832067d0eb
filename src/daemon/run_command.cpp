// `sensor run`: config, rules and outputs first (errors before anything is attached), then
// the probe, state from /proc, metadata, reload watching; then the event loop
// (event_loop.cpp) until SIGINT/SIGTERM; then a bounded drain and the counts.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "alert_pipeline.h"
#include "audit_runner.h"
#include "capture_recorder.h"
#include "commands.h"
#include "event_loop.h"
#include "output_setup.h"
#include "rules_reloader.h"
#include "run_clock.h"
#include "run_config.h"
#include "run_environment.h"
#include "run_signals.h"
#include "sd_notify.h"
#include "sensor/capture/bpf_probe.h"
#include "sensor/capture/hook_support.h"
#include "sensor/capture/record_decoder.h"
#include "sensor/container/enricher.h"
#include "sensor/container/metadata_service.h"
#include "sensor/fields/registry.h"
#include "sensor/k8saudit/audit_source.h"
#include "sensor/ops/tls_context.h"
#include "sensor/policy/probe_policy.h"
#include "sensor/rules/rule_selection.h"
#include "sensor/state/container_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/proc_scan.h"
#include "sensor/state/process_table.h"
#include "sensor/state/user_table.h"

namespace sensor::daemon {
namespace {

// The config file, then -o overrides, then -r files; false (after printing why) on error.
bool resolve_config(const RunOptions& opts, RunConfig& cfg, std::string& config_path) {
    std::string err;
    config_path = opts.config_path.empty() ? default_config_path() : opts.config_path;
    if (!cfg.load(config_path, opts.overrides, err)) {
        std::fprintf(stderr, "sensor: %s\n", err.c_str());
        return false;
    }
    if (opts.unbuffered) cfg.buffered_outputs = false;
    if (!opts.rules_files.empty()) cfg.rules_files = opts.rules_files;
    cfg.enabled_sources = opts.enable_sources;
    cfg.max_duration_ns = opts.duration_s * 1000000000ull;
    cfg.capture_file.record_all_path = opts.capture_path;
    cfg.capture_file.record_all_ms = opts.capture_duration_ms;
    // Added to what the config asked (engine.kind nodriver turns the syscall source off).
    cfg.disabled_sources.insert(cfg.disabled_sources.end(), opts.disable_sources.begin(),
                                opts.disable_sources.end());
    if (cfg.rules_files.empty()) cfg.rules_files.push_back(default_rules_path());
    return true;
}

// The rules with the config's enable/disable steps applied; null after reporting errors.
std::shared_ptr<engine::Ruleset> load_rules(const RunConfig& cfg) {
    auto loaded = rules::load_rules_files(cfg.rules_files, cfg.output.load_options());
    if (!loaded.ok) {
        print_load_report(loaded, ReportFormat::Text, false);
        return nullptr;
    }
    log_load_warnings(loaded);
    auto matched = rules::apply_rule_selectors(*loaded.ruleset, cfg.rule_selection);
    for (size_t i = 0; i < matched.size(); ++i)
        if (matched[i] == 0)
            spdlog::warn("rules selection '{}' matches no rule",
                         rules::to_text(cfg.rule_selection[i]));
    size_t enabled = 0;
    for (const auto& r : loaded.ruleset->rules) enabled += r.enabled;
    spdlog::info("rules: {} loaded from {} file(s), {} enabled", loaded.ruleset->rules.size(),
                 cfg.rules_files.size(), enabled);
    return loaded.ruleset;
}

// What the config asked for that the sensor does differently, one info line each.
void log_config_notes(const RunConfig& cfg) {
    for (size_t i = 1; i < cfg.config_files_loaded.size(); ++i)
        spdlog::info("config: merged {}", cfg.config_files_loaded[i]);
    for (const auto& note : cfg.notes) spdlog::info("{}", note);
    if (cfg.outputs_queue_unbounded_asked)
        spdlog::info(
            "outputs_queue.capacity 0 (unbounded) asked for: each output's queue is bounded at "
            "{} alerts, and alerts beyond it are dropped and counted",
            cfg.outputs_queue_capacity);
}

// Which sources run: --enable-source/--disable-source (Falco's flags) over what is configured
// (the syscall source always is; k8s_audit when load_plugins has a k8saudit plugin).
struct SourcesPlan {
    bool syscall = true;
    AuditSourcePlan audit;
};

bool plan_sources(const RunConfig& cfg, SourcesPlan& plan) {
    std::string err;
    if (!plan_audit_source(cfg.load_plugins, cfg.plugins, plan.audit, err)) {
        spdlog::error("{}", err);
        return false;
    }
    for (const auto& list : {cfg.enabled_sources, cfg.disabled_sources})
        for (const auto& name : list)
            if (name != "syscall" && name != k8saudit::kSourceName) {
                spdlog::error("unknown event source '{}' (sources: syscall, k8s_audit)", name);
                return false;
            }
    auto on = [&](std::string_view name) {
        auto has = [&](const std::vector<std::string>& l) {
            return std::find(l.begin(), l.end(), name) != l.end();
        };
        return !has(cfg.disabled_sources) &&
               (cfg.enabled_sources.empty() || has(cfg.enabled_sources));
    };
    const bool audit_asked = std::find(cfg.enabled_sources.begin(), cfg.enabled_sources.end(),
                                       k8saudit::kSourceName) != cfg.enabled_sources.end();
    if (audit_asked && !plan.audit.enabled) {
        spdlog::error(
            "--enable-source k8s_audit: no k8saudit plugin is configured "
            "(load_plugins and plugins, docs/kubernetes-audit.md)");
        return false;
    }
    plan.syscall = on("syscall");
    plan.audit.enabled = plan.audit.enabled && on(k8saudit::kSourceName);
    if (!plan.syscall && !plan.audit.enabled && !cfg.alert_intake.enabled) {
        spdlog::error("no event source is enabled (and no alert intake)");
        return false;
    }
    for (const auto& note : plan.audit.notes) spdlog::info("{}", note);
    return true;
}

// The webserver's certificate, when HTTPS is on, loads (as it will at start).
bool check_webserver_tls(const RunConfig& cfg, std::string& err) {
    const WebserverExtras& w = cfg.ops.web;
    return !cfg.webserver_enabled || !w.ssl_enabled ||
           ops::make_tls_server_context(w.ssl_certificate, "", err, "webserver.ssl_certificate");
}

// --dry-run: the config and rules loaded above; the outputs are made (an unwritable file or
// a bad syslog address is reported as at start) and closed; nothing is attached.
int dry_run(const RunConfig& cfg) {
    std::vector<std::unique_ptr<output::Sink>> sinks;
    std::string err;
    if (!make_sinks(cfg, sinks, err) || !check_webserver_tls(cfg, err)) {
        spdlog::error("{}", err);
        return 2;
    }
    spdlog::info("dry run: the configuration, rules and {} output(s) are valid; not capturing",
                 sinks.size());
    return 0;
}

// The k8s_audit input, started; null after logging why it cannot start.
std::unique_ptr<AuditRunner> start_audit(const AuditSourcePlan& plan) {
    std::string err;
    auto input = audit_ingest::make_input(plan.input, err);
    if (!input) {
        spdlog::error("k8s_audit ({}): {}", plan.plugin, err);
        return nullptr;
    }
    auto runner = std::make_unique<AuditRunner>(std::move(input), plan.input.max_event_size);
    if (!runner->start(err)) {
        spdlog::error("k8s_audit ({}): {}", plan.plugin, err);
        return nullptr;
    }
    spdlog::info("k8s_audit: {}", runner->describe());
    if (runner->unauthenticated_remote())
        spdlog::warn(
            "k8s_audit: the webhook listens beyond loopback with neither client "
            "certificates (sslClientCA) nor a bearer token (bearerTokenFile): anyone "
            "who can reach the port can forge audit events");
    return runner;
}

// The alert intake (alerts of other sensors for sequences); null after logging why not.
std::unique_ptr<AlertIntake> start_intake(const AlertIntakeConfig& cfg) {
    std::string err;
    auto intake = AlertIntake::start(cfg, err);
    if (!intake) {
        spdlog::error("alert_intake: {}", err);
        return nullptr;
    }
    spdlog::info("alert_intake: {}", intake->describe());
    if (intake->unauthenticated_remote())
        spdlog::warn(
            "alert_intake listens beyond loopback with neither client certificates "
            "nor a bearer token: anyone who can reach it can forge alerts and so "
            "trigger or steer correlation alerts");
    return intake;
}

// --capture FILE: created (or emptied) now, so a bad path is a start-up error.
bool check_capture_path(const std::string& path) {
    if (path.empty()) return true;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
        spdlog::error("--capture {}: {}", path, std::strerror(errno));
        return false;
    }
    std::fclose(f);
    return true;
}

void log_metadata(bool warning, const std::string& message) {
    if (warning)
        spdlog::warn("{}", message);
    else
        spdlog::info("{}", message);
}

}  // namespace

int run(const RunOptions& opts) {
    RunConfig cfg;
    std::string config_path, err;
    if (!resolve_config(opts, cfg, config_path)) return 2;
    setup_logging(cfg.ops.log);
    if (!config_path.empty()) spdlog::info("config: {}", config_path);
    log_config_notes(cfg);

    SourcesPlan sources;
    if (!plan_sources(cfg, sources)) return 2;
    std::shared_ptr<engine::Ruleset> rules = load_rules(cfg);
    if (!rules) return 1;
    if (!check_capture_path(cfg.capture_file.record_all_path)) return 2;
    if (opts.dry_run) return dry_run(cfg);
    if (sources.syscall) {
        for (const std::string& problem :
             {privilege_problem(), capture::probe_prerequisites_problem()}) {
            if (problem.empty()) continue;
            spdlog::error("{}", problem);
            return 1;
        }
    }

    state::UserTable users = state::UserTable::under_root(cfg.host_root);
    state::ContainerTable containers;
    state::ProcessTable procs(containers, &users, cfg.max_processes, cfg.max_exited_processes);
    state::FdTable fds(cfg.proc_root, cfg.max_fds_per_process);
    capture::RecordDecoder decoder(procs, fds, cfg.proc_root);

    capture::BpfProbe probe;
    capture::ProbeOptions po;
    po.ring_bytes = cfg.ring_buffer_bytes;
    po.exact_timestamps = cfg.exact_timestamps;
    po.snaplen = cfg.snaplen;
    // evt.arg.data is rendered by the decoder, so the format is process-wide (as in Falco).
    fields::set_buffer_format_base64(cfg.output.buffer_format_base64);
    const capture::ProbeConfig probe_config =
        policy::probe_config(*rules, cfg.open_path_filter, cfg.ops.base_syscalls);
    if (sources.syscall && cfg.open_path_filter)
        spdlog::info("{}", capture::describe(probe_config.open_filter));
    if (sources.syscall) spdlog::info("{}", capture::describe(probe_config.identity));
    decoder.set_file_identities(probe_config.identity.files);
    // Loaded before the outputs are made: libbpf holds two copies of the kernel's BTF (about
    // 11 MB here) while it relocates the probe, and the HTTP module's libraries would
    // otherwise add to that peak (docs/performance.md, RSS).
    if (sources.syscall && !probe.load(po, err)) {
        spdlog::error("{}", err);
        return 1;
    }
    // What the node offers beyond the tracepoints the probe uses (docs/architecture.md, Hooks).
    if (sources.syscall)
        spdlog::info("{}", capture::describe(capture::probe_hook_support(), probe.io_uring()));
    // Outputs: an unwritable file or a bad syslog address is a start-up error, before
    // anything is attached.
    std::vector<std::unique_ptr<output::Sink>> sinks;
    if (!make_sinks(cfg, sinks, err)) {
        spdlog::error("{}", err);
        return 2;
    }
    if (sources.syscall && (!probe.apply(probe_config, err) || !probe.attach(err))) {
        spdlog::error("{}", err);
        return 1;
    }
    // Attach first, then scan: records of processes that change meanwhile wait in the ring
    // buffer and are applied on top of the scan.
    state::ProcScanOptions so;
    so.proc_root = cfg.proc_root;
    state::ProcScanStats scan;
    if (sources.syscall) scan = state::bootstrap_from_proc(procs, so);
    if (scan.errors)
        spdlog::warn("/proc scan: {} errors (first: {})", scan.errors, scan.first_error);
    std::unique_ptr<AuditRunner> audit;
    if (sources.audit.enabled && !(audit = start_audit(sources.audit))) return 2;
    std::unique_ptr<AlertIntake> intake;
    if (cfg.alert_intake.enabled && !(intake = start_intake(cfg.alert_intake))) return 2;

    AlertPipeline alerts(cfg, std::move(sinks), rules.get());
    install_run_signals(&alerts.workers());

    // Container metadata from the CRI runtime, looked up off the event loop.
    std::unique_ptr<container::ContainerMetadataService> metadata;
    if (cfg.container_metadata.enabled && sources.syscall) {
        metadata = std::make_unique<container::ContainerMetadataService>(cfg.container_metadata,
                                                                         log_metadata);
        metadata->start();
    }
    container::ContainerEnricher enricher(containers, procs, metadata.get());

    // Hot reload: SIGHUP, or a change to a rules file or directory or the config (inotify).
    RulesReloader reloader(
        {config_path, opts.overrides, opts.rules_files,
         cfg.watch_config_files ? cfg.config_files_loaded : std::vector<std::string>{},
         cfg.watch_config_files ? cfg.config_directories : std::vector<std::string>{},
         cfg.restart_only_settings},
        cfg.rules_files);
    if (!reloader.watch(err)) spdlog::warn("rules files are not watched for changes: {}", err);

    // Capture files: --capture starts its file now, on the state just scanned.
    std::unique_ptr<CaptureRecorder> capture;
    if (sources.syscall)
        capture = CaptureRecorder::make(
            {cfg.capture_file, cfg.proc_root, cfg.host_root, procs, fds, decoder});
    if (capture) capture->start_recording_all(realtime_ns());
    EventLoop loop({cfg, probe, decoder, procs, fds, users, containers, enricher, metadata.get(),
                    alerts, reloader, audit.get(), sources.syscall, intake.get(), capture.get()},
                   rules);
    if ((cfg.webserver_enabled && !loop.start_webserver(err)) || !loop.start_metrics(err)) {
        spdlog::error("{}", err);
        return 2;
    }

    // Everything is up (probe, state, outputs, endpoint): tell whoever waits for us.
    if (sources.syscall)
        spdlog::info(
            "ready: probe attached, {} syscalls traced, {} processes and {} threads from {}{}",
            probe_config.syscalls.size(), scan.processes, scan.threads, cfg.proc_root,
            audit ? "; k8s_audit: " + audit->describe() : std::string());
    else
        spdlog::info("ready: syscall source off; k8s_audit: {}; alert intake: {}",
                     audit ? audit->describe() : "off", intake ? intake->describe() : "off");
    if (!sd_notify_state("READY=1\nSTATUS=capturing"))
        spdlog::warn("could not tell systemd we are ready (NOTIFY_SOCKET)");
    int exit_code = loop.run();

    loop.stop_webserver();
    if (audit) audit->stop();
    if (intake) intake->stop();
    if (metadata) metadata->stop();
    alerts.stop();
    clear_reopen_targets();
    const auto& st = decoder.stats();
    uint64_t drops = probe.dropped();
    spdlog::info(
        "stopped: {} records, {} events, {} alerts; dropped in the kernel: {} (ring buffer "
        "full: {}); {} opens no rule could match left in the kernel, and {} of their closes; {} "
        "calls with arguments no rule or state needs left in the kernel; {} "
        "malformed records; execs with argv cut: {}, with the environment cut: {}; {} "
        "processes tracked; peak RSS {} kB",
        st.records, st.events, alerts.alerts(), drops, drops, probe.filtered_opens(),
        probe.quiet_closes(), probe.filtered_calls(), st.malformed, st.argv_cut, st.env_cut,
        procs.size(), peak_rss_kb());
    if (uint64_t lost = probe.uring_untracked())
        spdlog::warn("{} io_uring requests not recorded: the probe's in-flight table was full",
                     lost);
    if (st.fds_received_cut)  // counted, not silent: their fds had no entry from the probe
        spdlog::warn("fds received past the {} the probe describes per recvmsg: {}",
                     SENSOR_RECV_FDS, st.fds_received_cut);
    if (audit) spdlog::info("{}", audit->summary());
    alerts.log_stop_report();
    loop.log_stop_report();
    if (capture) capture->log_stop_report();
    return exit_code;
}

}  // namespace sensor::daemon
