#include "alert_pipeline.h"

#include <spdlog/spdlog.h>

#include "run_clock.h"

namespace sensor::daemon {

AlertPipeline::AlertPipeline(const RunConfig& cfg, std::vector<std::unique_ptr<output::Sink>> sinks,
                             const engine::Ruleset* rules)
    : rules_(rules),
      format_(cfg.output.alert_format()),
      dedup_window_ns_(uint64_t{cfg.alert_dedup_window_s} * 1000000000ull) {
    // Flood control (off by default): a rule's repeats within the window become one summary.
    if (cfg.alert_dedup_enabled) dedup_.emplace(rules_->rules.size(), dedup_window_ns_);
    for (auto& sink : sinks) {
        workers_.push_back(
            std::make_unique<output::OutputWorker>(std::move(sink), cfg.outputs_queue_capacity));
        workers_.back()->set_state_listener(
            [](const std::string& name, bool up, const std::string& error) {
                if (up)
                    spdlog::info("output {}: delivering again", name);
                else
                    spdlog::warn(
                        "output {}: unavailable ({}); alerts wait in its queue and it is "
                        "retried with back-off",
                        name, error);
            });
        // Falco's output_timeout: we never block capture, so a slow write only delays its own
        // output; it is counted and logged (first, then at each doubling).
        workers_.back()->set_slow_write(
            std::chrono::milliseconds(cfg.output_timeout_ms),
            [](const std::string& name, std::chrono::milliseconds took, uint64_t n) {
                if ((n & (n - 1)) == 0)
                    spdlog::warn(
                        "output {}: a write took {} ms, over output_timeout ({} slow writes so "
                        "far); alerts wait in its queue meanwhile",
                        name, took.count(), n);
            });
        workers_.back()->start();
    }
}

void AlertPipeline::push(engine::Priority priority, uint64_t ts) {
    for (auto& w : workers_) w->push(line_, priority, ts);
}

void AlertPipeline::summary(size_t rule, uint64_t suppressed, uint64_t window_ns) {
    const engine::CompiledRule& r = rules_->rules[rule];
    uint64_t now = realtime_ns();
    output::format_dedup_summary_into(r, suppressed, window_ns / 1000000000ull, now, format_,
                                      line_);
    push(r.priority, now);
}

void AlertPipeline::set_rules(const engine::Ruleset* rules) {
    if (dedup_) {
        dedup_->flush(summarizer());
        dedup_.emplace(rules->rules.size(), dedup_window_ns_);
    }
    rules_ = rules;
}

void AlertPipeline::on_match(const engine::CompiledRule& rule, const fields::Event& ev) {
    ++alerts_;
    if (dedup_) {
        size_t index = static_cast<size_t>(&rule - rules_->rules.data());
        if (!dedup_->admit(index, monotonic_ns(), summarizer())) return;
    }
    output::format_alert_into(rule, ev, format_, line_);
    push(rule.priority, ev.ts);
}

void AlertPipeline::on_correlation(const correlate::Match& m) {
    std::vector<output::CorrelationField> fields;
    for (const auto& name : m.seq->output_fields) fields.push_back({name, m.field(name)});
    std::vector<output::CorrelationStep> steps;
    for (const auto* o : m.chain) steps.push_back({o->what, o->ts, o->ref});
    output::format_correlation_into(*m.seq, m.ts, m.render_output(), fields, steps, format_, line_);
    ++alerts_;
    push(m.seq->priority, m.ts);
}

void AlertPipeline::forward(const std::string& json, engine::Priority priority, uint64_t ts) {
    line_ = json;
    push(priority, ts);
}

void AlertPipeline::drop_alert(const ops::DropReport& report) {
    uint64_t wall = realtime_ns();
    output::format_drop_alert_into(report, wall, format_, line_);
    push(engine::Priority::Critical, wall);
}

void AlertPipeline::internal_alert(std::string_view rule, engine::Priority priority,
                                   std::string_view message, std::string_view output_fields_json) {
    uint64_t wall = realtime_ns();
    output::format_internal_alert_into(rule, priority, message, output_fields_json, wall, format_,
                                       line_);
    push(priority, wall);
}

void AlertPipeline::expire(uint64_t now) {
    if (dedup_) dedup_->expire(now, summarizer());
}

void AlertPipeline::stop() {
    // Held-back counts are never lost at stop.
    if (dedup_) dedup_->flush(summarizer());
    for (auto& w : workers_) w->stop(std::chrono::seconds(2));
}

void AlertPipeline::log_stop_report() const {
    if (dedup_)
        spdlog::info("alert_dedup: {} alerts held back, reported in {} summaries",
                     dedup_->suppressed_total(), dedup_->summaries());
    for (const auto& w : workers_) {
        output::SinkCounts c = w->counts();
        spdlog::info(
            "output {}: {} delivered, {} failed, {} dropped (queue full), {} undelivered "
            "at stop; {} outages, {} slow writes{}{}",
            c.name, c.delivered, c.failed, w->queue().dropped(), w->undelivered_at_stop(),
            c.outages, c.slow_writes, c.last_error.empty() ? "" : "; last error: ", c.last_error);
    }
}

void AlertPipeline::sink_samples(std::vector<SinkSample>& out) const {
    for (const auto& w : workers_) {
        output::SinkCounts c = w->counts();
        uint64_t pushed = w->queue().pushed(), done = c.delivered + c.failed;
        out.push_back({c.name, c.delivered, c.failed, w->queue().dropped(), c.outages,
                       pushed > done ? pushed - done : 0});
    }
}

}  // namespace sensor::daemon
