// `sensor run`: load rules, attach the probe, bootstrap state from /proc, then decode records,
// evaluate rules and write alerts until SIGINT/SIGTERM.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>

#include "commands.h"
#include "output_setup.h"
#include "rules_reloader.h"
#include "run_config.h"
#include "run_metrics.h"
#include "sd_notify.h"
#include "sensor/capture/bpf_probe.h"
#include "sensor/capture/record_decoder.h"
#include "sensor/capture/syscall_selection.h"
#include "sensor/container/enricher.h"
#include "sensor/events/event_types.h"
#include "sensor/ops/health_server.h"
#include "sensor/output/alert_dedup.h"
#include "sensor/output/alert_format.h"
#include "sensor/output/output_worker.h"
#include "sensor/state/container_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/proc_scan.h"
#include "sensor/state/process_table.h"
#include "sensor/state/user_table.h"

namespace sensor::daemon {
namespace {

volatile sig_atomic_t g_stop = 0;
std::atomic<std::vector<std::unique_ptr<output::OutputWorker>>*> g_outputs{nullptr};

void on_stop_signal(int) {
    g_stop = 1;
}

// logrotate renames the file, then signals: reopen (Falco uses SIGUSR1; SIGHUP too).
volatile sig_atomic_t g_reload = 0;

void on_reopen_signal(int sig) {
    if (auto* ws = g_outputs.load(std::memory_order_relaxed))
        for (auto& w : *ws) w->request_reopen();
    if (sig == SIGHUP) g_reload = 1;  // SIGHUP also reloads the rules (SIGUSR1 only reopens)
}

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: poll() returns so the loop sees the flag
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    struct sigaction ra {};
    ra.sa_handler = on_reopen_signal;
    sigemptyset(&ra.sa_mask);
    ra.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &ra, nullptr);
    sigaction(SIGHUP, &ra, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

uint64_t clock_ns(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}
uint64_t monotonic_ns() {
    return clock_ns(CLOCK_MONOTONIC);
}

// Effective capabilities of this process, from /proc/self/status.
uint64_t effective_caps() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("CapEff:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
    return 0;
}

// What keeps this process from loading the probe, or "" when nothing does.
std::string privilege_problem() {
    constexpr int kSysAdmin = 21, kPerfmon = 38, kBpf = 39;
    uint64_t caps = effective_caps();
    auto has = [&](int c) { return (caps >> c) & 1; };
    if (has(kSysAdmin) || (has(kBpf) && has(kPerfmon))) return {};
    std::string missing;
    if (!has(kBpf)) missing += "CAP_BPF";
    if (!has(kPerfmon)) missing += std::string(missing.empty() ? "" : " and ") + "CAP_PERFMON";
    return "sensor run needs root, or the capabilities CAP_BPF and CAP_PERFMON (missing: " +
           missing + ")";
}

uint64_t peak_rss_kb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<uint64_t>(ru.ru_maxrss);
}

void setup_logging(const std::string& level) {
    auto logger = spdlog::stderr_color_mt("sensor");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z sensor[%P] %l: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(level == "debug"     ? spdlog::level::debug
                      : level == "warning" ? spdlog::level::warn
                      : level == "error"   ? spdlog::level::err
                                           : spdlog::level::info);
    spdlog::flush_on(spdlog::level::info);
}

}  // namespace

int run(const RunOptions& opts) {
    RunConfig cfg;
    std::string err;
    std::string config_path = opts.config_path.empty() ? default_config_path() : opts.config_path;
    if (!config_path.empty() && !cfg.load_file(config_path, err)) {
        std::fprintf(stderr, "sensor: %s\n", err.c_str());
        return 2;
    }
    for (const auto& kv : opts.overrides) {
        if (!cfg.apply_override(kv, err)) {
            std::fprintf(stderr, "sensor: %s\n", err.c_str());
            return 2;
        }
    }
    if (!opts.rules_files.empty()) cfg.rules_files = opts.rules_files;
    if (cfg.rules_files.empty()) cfg.rules_files.push_back(default_rules_path());
    setup_logging(cfg.log_level);
    if (!config_path.empty()) spdlog::info("config: {}", config_path);

    auto loaded = rules::load_rules_files(cfg.rules_files, cfg.output.load_options());
    if (!loaded.ok) {
        print_load_report(loaded, ReportFormat::Text, false);
        return 1;
    }
    // The running rule set; a reload swaps both between two events.
    std::shared_ptr<engine::Ruleset> rules_owner = loaded.ruleset;
    auto matched = rules::apply_rule_selectors(*rules_owner, cfg.rule_selection);
    for (size_t i = 0; i < matched.size(); ++i)
        if (matched[i] == 0)
            spdlog::warn("rules selection '{}' matches no rule",
                         rules::to_text(cfg.rule_selection[i]));
    const engine::Ruleset* rs = rules_owner.get();
    size_t enabled = 0;
    for (const auto& r : rs->rules) enabled += r.enabled;
    spdlog::info("rules: {} loaded from {} file(s), {} enabled", rs->rules.size(),
                 cfg.rules_files.size(), enabled);

    // Outputs: an unwritable file or a bad syslog address is a start-up error, before
    // anything is attached.
    std::vector<std::unique_ptr<output::Sink>> sinks;
    if (!make_sinks(cfg, sinks, err)) {
        spdlog::error("{}", err);
        return 2;
    }

    if (auto p = privilege_problem(); !p.empty()) {
        spdlog::error("{}", p);
        return 1;
    }
    if (auto p = capture::probe_prerequisites_problem(); !p.empty()) {
        spdlog::error("{}", p);
        return 1;
    }

    state::UserTable users = state::UserTable::under_root(cfg.host_root);
    state::ContainerTable containers;
    state::ProcessTable procs(containers, &users, cfg.max_processes);
    state::FdTable fds(cfg.proc_root, cfg.max_fds_per_process);
    capture::RecordDecoder decoder(procs, fds, cfg.proc_root);

    capture::BpfProbe probe;
    capture::ProbeOptions po;
    po.ring_bytes = cfg.ring_buffer_bytes;
    std::vector<uint32_t> syscalls = capture::traced_syscalls(*rs);
    if (!probe.load(po, err) || !probe.set_syscalls(syscalls, err) || !probe.attach(err)) {
        spdlog::error("{}", err);
        return 1;
    }
    // Attach first, then scan: records of processes that change meanwhile wait in the ring
    // buffer and are applied on top of the scan.
    state::ProcScanOptions so;
    so.proc_root = cfg.proc_root;
    auto scan = state::bootstrap_from_proc(procs, so);
    if (scan.errors)
        spdlog::warn("/proc scan: {} errors (first: {})", scan.errors, scan.first_error);
    install_signal_handlers();

    output::AlertFormat fmt = cfg.output.alert_format();
    auto ctx = rs->new_context();
    uint64_t alerts = 0, reloads = 0;
    std::string line;
    std::vector<std::unique_ptr<output::OutputWorker>> outputs;
    for (auto& sink : sinks) {
        outputs.push_back(
            std::make_unique<output::OutputWorker>(std::move(sink), cfg.outputs_queue_capacity));
        outputs.back()->set_state_listener(
            [](const std::string& name, bool up, const std::string& error) {
                if (up)
                    spdlog::info("output {}: delivering again", name);
                else
                    spdlog::warn(
                        "output {}: unavailable ({}); alerts wait in its queue and it is "
                        "retried with back-off",
                        name, error);
            });
        outputs.back()->start();
    }
    g_outputs.store(&outputs);

    // Flood control (off by default): a rule's repeats within the window become one summary.
    std::optional<output::AlertDedup> dedup;
    if (cfg.alert_dedup_enabled)
        dedup.emplace(rs->rules.size(), uint64_t{cfg.alert_dedup_window_s} * 1000000000ull);
    auto summary = [&](size_t rule, uint64_t suppressed, uint64_t window_ns) {
        const engine::CompiledRule& r = rs->rules[rule];
        uint64_t now = clock_ns(CLOCK_REALTIME);
        output::format_dedup_summary_into(r, suppressed, window_ns / 1000000000ull, now, fmt, line);
        for (auto& out : outputs) out->push(line, r.priority, now);
    };

    // Counters for /metrics; rule evaluation is timed on one event in 128.
    LoopCounters counters;
    counters.events_by_type.assign(events::event_type_count(), 0);
    counters.rule_matches.assign(rs->rules.size(), 0);
    counters.rule_eval_ns.assign(rs->rules.size(), 0);
    auto on_match = [&](const engine::CompiledRule& r, const fields::Event& ev) {
        ++alerts;
        size_t index = static_cast<size_t>(&r - rs->rules.data());
        ++counters.rule_matches[index];
        if (dedup && !dedup->admit(index, monotonic_ns(), summary)) return;
        output::format_alert_into(r, ev, fmt, line);
        // Never waits: a sink whose queue is full drops the alert and counts it.
        for (auto& out : outputs) out->push(line, r.priority, ev.ts);
    };
    auto evaluate = [&](const fields::Event& ev) {
        if (ev.type < counters.events_by_type.size()) ++counters.events_by_type[ev.type];
        auto match = [&](const engine::CompiledRule& r) { on_match(r, ev); };
        if ((++counters.events & 127) == 0) {
            ++counters.sampled_events;
            rs->evaluate_timed(ev, ctx, counters.rule_eval_ns, match);
        } else {
            rs->evaluate(ev, ctx, match);
        }
    };

    // Container metadata from the CRI runtime, looked up off the event loop.
    std::unique_ptr<container::ContainerMetadataService> metadata;
    if (cfg.container_metadata.enabled) {
        metadata = std::make_unique<container::ContainerMetadataService>(
            cfg.container_metadata, [](bool warning, const std::string& msg) {
                if (warning)
                    spdlog::warn("{}", msg);
                else
                    spdlog::info("{}", msg);
            });
        metadata->start();
    }
    container::ContainerEnricher enricher(containers, procs, metadata.get());

    auto on_record = [&](const void* rec, size_t size) {
        if (const fields::Event* ev = decoder.decode(rec, size)) {
            enricher.on_event(*ev);
            evaluate(*ev);
        }
        decoder.finish();
    };
    const capture::BpfProbe::Handler handler = on_record;

    // syscall_event_drops: checked once a second, as Falco does.
    ops::DropMonitor drop_monitor(cfg.syscall_event_drops);
    int exit_code = 0;
    auto check_drops = [&](uint64_t now) {
        ops::DropReport r;
        if (!drop_monitor.check(now, decoder.stats().records, probe.dropped(), r)) return;
        const ops::DropPolicy& p = drop_monitor.policy();
        if (p.log)
            spdlog::critical(
                "Falco internal: syscall event drop. {} system calls dropped in last second "
                "({:.2f}% of {} records)",
                r.drops, r.percent, r.drops + r.records);
        if (p.alert) {
            uint64_t wall = clock_ns(CLOCK_REALTIME);
            output::format_drop_alert_into(r.drops, r.records + r.drops, wall, fmt, line);
            for (auto& out : outputs) out->push(line, engine::Priority::Critical, wall);
        }
        if (p.exit) {
            spdlog::critical("exiting: syscall_event_drops.actions has exit");
            exit_code = 1;
            g_stop = 1;
        }
    };

    // The operations endpoint: /healthz and /metrics (webserver.*; off by default).
    PublishedMetrics published;
    ops::HealthServer web;
    auto publish_metrics = [&] {
        MetricsSample m;
        m.loop = &counters;
        m.ruleset = rs;
        m.rule_reloads = reloads;
        const auto& st = decoder.stats();
        m.records = st.records;
        m.malformed = st.malformed;
        m.kernel_drops = probe.dropped();
        m.alerts = alerts;
        m.processes = procs.size();
        m.containers = containers.container_count();
        m.dedup_suppressed = dedup ? dedup->suppressed_total() : 0;
        m.drop_actions = drop_monitor.actions_taken();
        m.metadata_lookups = metadata ? metadata->lookups() : 0;
        m.metadata_failures = metadata ? metadata->failures() : 0;
        for (const auto& out : outputs) {
            output::SinkCounts c = out->counts();
            uint64_t pushed = out->queue().pushed(), done = c.delivered + c.failed;
            m.sinks.push_back({c.name, c.delivered, c.failed, out->queue().dropped(), c.outages,
                               pushed > done ? pushed - done : 0});
        }
        m.ring_fill = probe.ring_fill();
        m.programs = probe.program_stats();
        published.publish(render_metrics(m));
    };
    if (cfg.webserver_enabled) {
        publish_metrics();
        published.heartbeat_ns = monotonic_ns();
        auto healthy = [&](std::string& why) {
            uint64_t age = monotonic_ns() - published.heartbeat_ns.load();
            if (age > 5000000000ull) {
                why = "event loop stalled for " + std::to_string(age / 1000000) + " ms";
                return false;
            }
            return true;  // the probe is attached for as long as the loop runs
        };
        if (!web.start(
                cfg.webserver_address, cfg.webserver_port, [&] { return published.text(); },
                healthy, err)) {
            spdlog::error("{}", err);
            return 2;
        }
        spdlog::info("webserver: /healthz and /metrics on {}:{}", cfg.webserver_address,
                     web.port());
    }

    // Hot reload: SIGHUP, or a change to a rules file or directory or the config (inotify).
    RulesReloader reloader({config_path, opts.overrides, opts.rules_files}, cfg.rules_files);
    if (!reloader.watch(err)) spdlog::warn("rules files are not watched for changes: {}", err);
    auto apply_reload = [&](rules::LoadResult& res) {
        if (!res.ok) {
            spdlog::error("rules reload failed; the running rules stay. Diagnostics:");
            for (const auto& f : res.files)
                for (const auto& d : f.diagnostics)
                    spdlog::error("  {}:{}:{}: {}{}{}: {}", d.file.empty() ? f.path : d.file,
                                  d.line, d.col, d.item_kind, d.item_name.empty() ? "" : " ",
                                  d.item_name, d.message);
            return;
        }
        std::vector<uint32_t> traced = capture::traced_syscalls(*res.ruleset);
        if (!probe.set_syscalls(traced, err)) {
            spdlog::error("rules reload failed; the running rules stay: {}", err);
            return;
        }
        if (dedup) dedup->flush(summary);  // its windows name rules of the old set
        rules_owner = res.ruleset;
        rs = rules_owner.get();
        ctx = rs->new_context();
        counters.rule_matches.assign(rs->rules.size(), 0);
        counters.rule_eval_ns.assign(rs->rules.size(), 0);
        if (dedup)
            dedup.emplace(rs->rules.size(), uint64_t{cfg.alert_dedup_window_s} * 1000000000ull);
        ++reloads;
        spdlog::info("rules reloaded: {} rules from {} file(s), {} syscalls traced",
                     rs->rules.size(), reloader.rules_files().size(), traced.size());
    };

    // Everything is up (probe, state, outputs, endpoint): tell whoever waits for us.
    spdlog::info("ready: probe attached, {} syscalls traced, {} processes and {} threads from {}",
                 syscalls.size(), scan.processes, scan.threads, cfg.proc_root);
    if (!sd_notify_state("READY=1\nSTATUS=capturing"))
        spdlog::warn("could not tell systemd we are ready (NOTIFY_SOCKET)");
    uint64_t next_refresh = 0, next_sweep = 0;
    while (!g_stop) {
        if (probe.poll(cfg.poll_interval_ms, handler) < 0) {
            spdlog::error("reading the ring buffer failed: {}", std::strerror(errno));
            break;
        }
        uint64_t now = monotonic_ns();
        published.heartbeat_ns.store(now, std::memory_order_relaxed);
        if (g_reload) {
            g_reload = 0;
            reloader.request();
        }
        if (auto res = reloader.poll(now)) apply_reload(*res);
        enricher.poll(clock_ns(CLOCK_REALTIME), evaluate);  // `container` events
        if (dedup) dedup->expire(now, summary);
        if (now >= next_refresh) {
            check_drops(now);
            if (cfg.webserver_enabled) publish_metrics();
            if (users.refresh(now)) procs.relink_users();
            next_refresh = now + 1000000000ull;
        }
        if (now >= next_sweep) {
            // Fd tables of processes the thread table no longer has (an exit lost to a full
            // ring, or evicted) would otherwise stay forever.
            fds.retain_processes([&](int64_t pid) { return procs.find(pid) != nullptr; });
            enricher.sweep();  // containers whose processes are all gone
            next_sweep = now + 10000000000ull;
        }
    }
    sd_notify_state("STOPPING=1");
    // Drain what the kernel already wrote, give the outputs a bounded time, then report.
    for (int i = 0; i < 64 && probe.poll(0, handler) > 0; ++i) {
    }
    web.stop();
    if (metadata) metadata->stop();
    if (dedup) dedup->flush(summary);  // held-back counts are never lost at stop
    for (auto& out : outputs) out->stop(std::chrono::seconds(2));
    g_outputs.store(nullptr);
    const auto& st = decoder.stats();
    uint64_t drops = probe.dropped();
    spdlog::info(
        "stopped: {} records, {} events, {} alerts; dropped in the kernel: {} (ring buffer "
        "full: {}); {} malformed records; {} processes tracked; peak RSS {} kB",
        st.records, st.events, alerts, drops, drops, st.malformed, procs.size(), peak_rss_kb());
    if (dedup)
        spdlog::info("alert_dedup: {} alerts held back, reported in {} summaries",
                     dedup->suppressed_total(), dedup->summaries());
    for (const auto& out : outputs) {
        output::SinkCounts c = out->counts();
        spdlog::info(
            "output {}: {} delivered, {} failed, {} dropped (queue full), {} undelivered "
            "at stop; {} outages{}{}",
            c.name, c.delivered, c.failed, out->queue().dropped(), out->undelivered_at_stop(),
            c.outages, c.last_error.empty() ? "" : "; last error: ", c.last_error);
    }
    if (drop_monitor.actions_taken() + drop_monitor.actions_suppressed() > 0)
        spdlog::info("syscall_event_drops: {} actions taken, {} rate-limited",
                     drop_monitor.actions_taken(), drop_monitor.actions_suppressed());
    return exit_code;
}

}  // namespace sensor::daemon
