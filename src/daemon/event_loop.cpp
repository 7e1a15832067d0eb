#include "event_loop.h"

#include <spdlog/spdlog.h>

#include <poll.h>

#include <cerrno>
#include <cstring>

#include "run_clock.h"
#include "run_signals.h"
#include "sd_notify.h"
#include "sensor/events/event_types.h"
#include "sensor/output/alert_format.h"
#include "sensor/policy/probe_policy.h"

namespace sensor::daemon {
namespace {

ops::DropPolicy drop_policy(const RunConfig& cfg) {
    ops::DropPolicy p = cfg.syscall_event_drops;
    p.simulate = cfg.ops.simulate_drops;
    return p;
}

}  // namespace

EventLoop::EventLoop(LoopParts parts, std::shared_ptr<const engine::Ruleset> rules)
    : p_(parts),
      rules_owner_(std::move(rules)),
      rules_(rules_owner_.get()),
      ctx_(rules_->new_context()),
      drop_monitor_(drop_policy(p_.cfg)),
      timeouts_(p_.cfg.ops.timeouts_max_consecutives),
      start_wall_(realtime_ns()),
      reload_wall_(start_wall_),
      metrics_reporter_(p_.cfg.ops.metrics),
      matcher_(rules_owner_, p_.cfg.sequences,
               [this](const correlate::Match& m) { p_.alerts.on_correlation(m); }) {
    counters_.events_by_type.assign(events::event_type_count(), 0);
    counters_.rule_matches.assign(rules_->rules.size(), 0);
    counters_.rule_eval_ns.assign(rules_->rules.size(), 0);
    handler_ = [this](const void* record, size_t size) { on_record(record, size); };
}

void EventLoop::on_record(const void* record, size_t size) {
    if (p_.capture) p_.capture->on_record(record, size);
    if (const fields::Event* ev = p_.decoder.decode(record, size)) {
        p_.enricher.on_event(*ev);
        evaluate(*ev);
    }
    p_.decoder.finish();
}

void EventLoop::evaluate(const fields::Event& ev) {
    if (ev.source == fields::kSyscallSource && ev.type < counters_.events_by_type.size())
        ++counters_.events_by_type[ev.type];
    auto match = [&](const engine::CompiledRule& r) {
        ++counters_.rule_matches[static_cast<size_t>(&r - rules_->rules.data())];
        p_.alerts.on_match(r, ev);
        if (p_.capture) p_.capture->on_match(r, ev);
        if (matcher_.active()) matcher_.on_rule_match(r, ev);
    };
    if ((++counters_.events & 127) == 0) {
        ++counters_.sampled_events;
        rules_->evaluate_timed(ev, ctx_, counters_.rule_eval_ns, match);
    } else {
        rules_->evaluate(ev, ctx_, match);
    }
    if (matcher_.active()) matcher_.on_event(ev, ctx_);
}

void EventLoop::evaluate_audit(const fields::Event& ev) {
    ++audit_events_;
    evaluate(ev);
}

void log_load_warnings(const rules::LoadResult& res) {
    for (const auto& f : res.files)
        for (const auto& d : f.diagnostics)
            if (!d.error)
                spdlog::warn("rules: {}:{}:{}: {} {}{}{}: {}", d.file.empty() ? f.path : d.file,
                             d.line, d.col, d.code, d.item_kind, d.item_name.empty() ? "" : " ",
                             d.item_name, d.message);
}

void EventLoop::apply_reload(rules::LoadResult& res) {
    if (!res.ok) {
        spdlog::error("rules reload failed; the running rules stay. Diagnostics:");
        for (const auto& f : res.files)
            for (const auto& d : f.diagnostics)
                spdlog::error("  {}:{}:{}: {}{}{}: {}", d.file.empty() ? f.path : d.file, d.line,
                              d.col, d.item_kind, d.item_name.empty() ? "" : " ", d.item_name,
                              d.message);
        return;
    }
    log_load_warnings(res);
    const capture::ProbeConfig probe_config =
        policy::probe_config(*res.ruleset, p_.cfg.open_path_filter, p_.cfg.ops.base_syscalls);
    std::string err;
    if (p_.syscall_enabled && !p_.probe.apply(probe_config, err)) {
        spdlog::error("rules reload failed; the running rules stay: {}", err);
        return;
    }
    p_.decoder.set_file_identities(probe_config.identity.files);
    p_.alerts.set_rules(res.ruleset.get());
    matcher_.set_rules(res.ruleset);
    rules_owner_ = res.ruleset;
    rules_ = rules_owner_.get();
    ctx_ = rules_->new_context();
    counters_.rule_matches.assign(rules_->rules.size(), 0);
    counters_.rule_eval_ns.assign(rules_->rules.size(), 0);
    ++reloads_;
    reload_wall_ = realtime_ns();
    spdlog::info("rules reloaded: {} rules from {} file(s), {} syscalls traced",
                 rules_->rules.size(), p_.reloader.rules_files().size(),
                 probe_config.syscalls.size());
    if (p_.syscall_enabled && p_.cfg.open_path_filter)
        spdlog::info("{}", capture::describe(probe_config.open_filter));
    if (p_.syscall_enabled) spdlog::info("{}", capture::describe(probe_config.identity));
}

// syscall_event_drops: checked once a second, as Falco does; acted on per drop episode. At
// stop (final) the open episode and any held back are reported.
void EventLoop::check_drops(uint64_t now, bool final) {
    ops::DropReport r;
    const ops::DropPolicy& policy = drop_monitor_.policy();
    if (policy.simulate && !final) spdlog::info("Simulating syscall event drop");
    bool due =
        drop_monitor_.check(now, p_.decoder.stats().records, p_.probe.dropped_by_reason(), r);
    if (!due && final) due = drop_monitor_.finish(r);
    if (!due) return;
    if (policy.log)
        spdlog::critical(
            "Falco internal: syscall event drop. {} system calls dropped in {} ms ({:.2f}% of {} "
            "records; {} drop episode(s))",
            r.drops, (r.end_ns - r.start_ns) / 1000000, r.percent, r.drops + r.records, r.episodes);
    if (policy.alert) p_.alerts.drop_alert(r);
    if (policy.exit && !final) {
        spdlog::critical("exiting: syscall_event_drops.actions has exit");
        exit_code_ = 1;
        request_stop();
    }
}

// syscall_event_timeouts: Falco's notification after max_consecutives empty polls.
void EventLoop::on_poll(int records) {
    if (records > 0) last_event_wall_ = realtime_ns();
    if (!timeouts_.on_poll(static_cast<uint64_t>(records))) return;
    const uint32_t n = timeouts_.max_consecutive();
    std::string last =
        last_event_wall_ ? output::format_local_time(last_event_wall_) : std::string("none");
    const std::string rule = "Falco internal: timeouts notification";
    std::string message = rule + ". " + std::to_string(n) + " consecutive timeouts without event.";
    spdlog::debug("{} Last event time: {}", message, last);
    nlohmann::json fields = {{"last_event_time", last}};
    p_.alerts.internal_alert(rule, engine::Priority::Debug, message, fields.dump());
}

bool EventLoop::serves_metrics() const {
    return p_.cfg.ops.web.prometheus_metrics_enabled && p_.cfg.ops.metrics.enabled;
}

void EventLoop::publish_metrics() {
    MetricsSample m;
    fill_sample(m);
    std::string text = render_metrics(m);
    if (p_.cfg.ops.web.prometheus_metrics_enabled) {
        PromText falco;
        render_falco_prometheus(m, p_.cfg.ops.metrics, falco);
        text += falco.take();
    }
    published_.publish(std::move(text));
}

void EventLoop::fill_sample(MetricsSample& m) {
    m.loop = &counters_;
    m.ruleset = rules_;
    m.rule_reloads = reloads_;
    const auto& st = p_.decoder.stats();
    m.records = st.records;
    m.malformed = st.malformed;
    m.kernel_drops = p_.probe.dropped();
    m.filtered_opens = p_.probe.filtered_opens();
    m.quiet_closes = p_.probe.quiet_closes();
    m.uring_untracked = p_.probe.uring_untracked();
    m.filtered_calls = p_.probe.filtered_calls();
    m.alerts = p_.alerts.alerts();
    m.processes = p_.procs.size();
    m.kept_exited = p_.procs.kept_size();
    m.kept_evictions = p_.procs.stats().kept_evictions;
    m.containers = p_.containers.container_count();
    m.dedup_suppressed = p_.alerts.dedup_suppressed();
    m.drop_actions = drop_monitor_.actions_taken();
    m.metadata_lookups = p_.metadata ? p_.metadata->lookups() : 0;
    m.metadata_failures = p_.metadata ? p_.metadata->failures() : 0;
    p_.alerts.sink_samples(m.sinks);
    m.ring_fill = p_.probe.ring_fill();
    m.programs = p_.probe.program_stats();
    m.audit = p_.audit;
    m.audit_events = audit_events_;
    m.sequences = &matcher_.counters();
    m.intake = p_.intake;
    const auto& ps = p_.procs.stats();
    m.threads_added = ps.inserts;
    m.threads_removed = ps.exits + ps.evictions;
    m.threadtable_drops = ps.evictions;
    m.fds = p_.fds.fd_count();
    m.fd_lookups = p_.fds.stats().lazy_lookups;
    m.fd_lookup_failures = p_.fds.stats().lazy_misses;
    m.start_ts = start_wall_;
    m.reload_ts = reload_wall_;
    m.now_ts = realtime_ns();
    for (const SinkSample& s : m.sinks) m.sink_drops += s.dropped;
}

bool EventLoop::start_metrics(std::string& error) {
    return metrics_reporter_.open(monotonic_ns(), error);
}

bool EventLoop::start_webserver(std::string& error) {
    publish_metrics();
    published_.heartbeat_ns = monotonic_ns();
    auto healthy = [this](std::string& why) {
        uint64_t age = monotonic_ns() - published_.heartbeat_ns.load();
        if (age > 5000000000ull) {
            why = "event loop stalled for " + std::to_string(age / 1000000) + " ms";
            return false;
        }
        return true;  // the probe is attached for as long as the loop runs
    };
    ops::HealthServer::Options o;
    o.address = p_.cfg.webserver_address;
    o.port = p_.cfg.webserver_port;
    o.healthz_path = p_.cfg.ops.web.healthz_endpoint;
    o.metrics = serves_metrics();
    if (p_.cfg.ops.web.ssl_enabled) o.tls_certificate = p_.cfg.ops.web.ssl_certificate;
    if (!web_.start(
            o, [this] { return published_.text(); }, healthy, error))
        return false;
    spdlog::info("webserver: {}{} on {}:{}{}", o.healthz_path, o.metrics ? " and /metrics" : "",
                 o.address, web_.port(), o.tls_certificate.empty() ? "" : " (HTTPS)");
    return true;
}

bool EventLoop::wait_for_events() {
    if (p_.syscall_enabled) {
        int n = p_.probe.poll(p_.cfg.poll_interval_ms, handler_);
        if (n >= 0) {
            on_poll(n);
            return true;
        }
        spdlog::error("reading the ring buffer failed: {}", std::strerror(errno));
        return false;
    }
    pollfd pfd[2] = {{p_.audit ? p_.audit->wait_fd() : -1, POLLIN, 0},
                     {p_.intake ? p_.intake->wait_fd() : -1, POLLIN, 0}};
    ::poll(pfd, 2, p_.cfg.poll_interval_ms);
    return true;
}

// Audit events are decoded and evaluated here, on the loop's thread (the rules' evaluation
// context is not shared); a read-once input that has ended ends a sensor without syscalls.
void EventLoop::pump_audit() {
    if (!p_.audit) return;
    auto eval = [this](const fields::Event& ev) { evaluate_audit(ev); };
    const bool ended = p_.audit->input_finished();
    while (p_.audit->pump(eval) > 0 && ended) {
    }
    if (ended && !p_.syscall_enabled) {
        spdlog::info("k8s_audit: the input has ended ({})", p_.audit->describe());
        request_stop();
    }
}

// Alerts from other sensors: inputs of sequences' rule steps, and forwarded when asked.
void EventLoop::pump_intake() {
    if (!p_.intake) return;
    p_.intake->pump([this](const correlate::ReceivedAlert& a, const std::string& json) {
        matcher_.on_alert(a);
        if (p_.cfg.alert_intake.forward)
            p_.alerts.forward(
                json, engine::parse_priority(a.priority).value_or(engine::Priority::Informational),
                a.ts);
    });
}

int EventLoop::run() {
    uint64_t next_refresh = 0, next_sweep = 0;
    const uint64_t deadline = p_.cfg.max_duration_ns ? monotonic_ns() + p_.cfg.max_duration_ns : 0;
    auto announce = [this](const fields::Event& ev) { evaluate(ev); };  // `container` events
    while (!stop_requested()) {
        if (!wait_for_events()) break;
        pump_audit();
        pump_intake();
        uint64_t now = monotonic_ns();
        if (deadline && now >= deadline) {
            spdlog::info("stopping: -M {} s elapsed", p_.cfg.max_duration_ns / 1000000000ull);
            request_stop();
        }
        published_.heartbeat_ns.store(now, std::memory_order_relaxed);
        if (take_reload_request()) p_.reloader.request();
        if (auto res = p_.reloader.poll(now)) apply_reload(*res);
        p_.enricher.poll(realtime_ns(), announce);
        p_.alerts.expire(now);
        if (now >= next_refresh) {
            check_drops(now);
            if (p_.capture) p_.capture->tick(realtime_ns());
            if (p_.cfg.webserver_enabled && serves_metrics()) publish_metrics();
            if (metrics_reporter_.due(now)) {
                MetricsSample m;
                fill_sample(m);
                metrics_reporter_.report(m, now, m.now_ts, p_.alerts);
            }
            if (p_.users.refresh(now)) p_.procs.relink_users();
            next_refresh = now + 1000000000ull;
        }
        if (now >= next_sweep) {
            // Fd tables of processes the thread table no longer has (an exit lost to a full
            // ring, or evicted) would otherwise stay forever.
            p_.fds.retain_processes([&](int64_t pid) { return p_.procs.find(pid) != nullptr; });
            p_.enricher.sweep();  // containers whose processes are all gone
            next_sweep = now + 10000000000ull;
        }
    }
    sd_notify_state("STOPPING=1");
    // Drain what the kernel already wrote (bounded).
    for (int i = 0; p_.syscall_enabled && i < 64 && p_.probe.poll(0, handler_) > 0; ++i) {
    }
    if (p_.syscall_enabled && !p_.cfg.ops.simulate_drops) check_drops(monotonic_ns(), true);
    if (p_.capture) p_.capture->stop();  // after the drain: its records belong in the file
    // Audit payloads already answered 200 are evaluated before the sensor stops.
    if (p_.audit)
        while (p_.audit->pump([this](const fields::Event& ev) { evaluate_audit(ev); }) > 0) {
        }
    return exit_code_;
}

void EventLoop::log_stop_report() const {
    if (matcher_.active() || p_.intake) {
        const auto& c = matcher_.counters();
        spdlog::info(
            "sequences: {} step occurrences, {} correlation alerts, {} late, {} evicted by the "
            "bounds, {} expired, {} kept at stop (lost with the process){}",
            c.occurrences, c.matches, c.late, c.evicted, c.expired, c.kept,
            p_.intake ? fmt::format("; alert intake: {} alerts received, {} not alerts",
                                    p_.intake->received(), p_.intake->malformed())
                      : std::string());
    }
    if (drop_monitor_.episodes() > 0)
        spdlog::info(
            "syscall_event_drops: {} drop episodes ({} at or below the threshold); {} reports, "
            "{} episodes reported late by the rate limit",
            drop_monitor_.episodes(), drop_monitor_.below_threshold(),
            drop_monitor_.actions_taken(), drop_monitor_.actions_suppressed());
}

}  // namespace sensor::daemon
