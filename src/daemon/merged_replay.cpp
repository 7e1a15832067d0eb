// `sensor replay` over several recorded inputs at once (fixture events, audit logs, alerts the
// sensor or Falco wrote), merged by event time, so sequences join them as they would live:
// `sensor replay --alerts ALERTS.jsonl --audit AUDIT.log -r RULES`.
#include <algorithm>
#include <fstream>
#include <iostream>

#include "alert_intake.h"
#include "audit_replay.h"
#include "sensor/correlate/sequence_matcher.h"
#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/k8saudit/audit_event.h"

namespace sensor::daemon {
namespace {

// Alerts as JSON lines (Falco's or the sensor's); false with error on an unreadable file.
bool load_alerts(const std::vector<std::string>& paths, std::vector<correlate::ReceivedAlert>& out,
                 std::string& error) {
    for (const auto& path : paths) {
        std::ifstream in(path);
        if (!in) {
            error = "cannot open alerts file " + path;
            return false;
        }
        size_t line_no = 0, skipped = 0;
        for (std::string line; std::getline(in, line);) {
            ++line_no;
            correlate::ReceivedAlert a;
            if (parse_alert_json(line, a, path + ":" + std::to_string(line_no)))
                out.push_back(std::move(a));
            else
                skipped += line.find_first_not_of(" \t\r") != std::string::npos;
        }
        if (skipped)
            std::cerr << "sensor: " << path << ": " << skipped << " lines are not alerts\n";
    }
    return true;
}

struct Item {
    uint64_t ts;
    int kind;  // 0 fixture event, 1 audit event, 2 alert
    size_t index;
};

}  // namespace

int replay_merged(const ReplayOptions& opts, std::shared_ptr<const engine::Ruleset> rules,
                  const capture::FixtureSet& fixtures, const output::AlertFormat& fmt) {
    std::string error;
    std::vector<std::string> audit_texts;
    std::vector<uint64_t> audit_times;
    k8saudit::AuditDecoder reader;
    if (!for_each_audit_event(opts.audit_paths, reader, error, [&](const fields::Event& ev) {
            const auto* a = static_cast<const k8saudit::AuditEvent*>(ev.payload);
            audit_texts.push_back(simdjson::minify(a->root));
            audit_times.push_back(ev.ts);
        })) {
        std::cerr << "sensor: " << error << "\n";
        return 2;
    }
    std::vector<correlate::ReceivedAlert> alerts;
    if (!load_alerts(opts.alert_paths, alerts, error)) {
        std::cerr << "sensor: " << error << "\n";
        return 2;
    }
    std::vector<Item> items;
    for (size_t i = 0; i < fixtures.events.size(); ++i)
        items.push_back({fixtures.events[i].ts, 0, i});
    for (size_t i = 0; i < audit_times.size(); ++i) items.push_back({audit_times[i], 1, i});
    for (size_t i = 0; i < alerts.size(); ++i) items.push_back({alerts[i].ts, 2, i});
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return a.ts < b.ts; });

    std::string line;
    uint64_t rule_alerts = 0, correlations = 0;
    correlate::Limits limits;
    correlate::SequenceMatcher matcher(rules, limits, [&](const correlate::Match& m) {
        std::vector<output::CorrelationField> fields;
        for (const auto& name : m.seq->output_fields) fields.push_back({name, m.field(name)});
        std::vector<output::CorrelationStep> steps;
        for (const auto* o : m.chain) steps.push_back({o->what, o->ts, o->ref});
        output::format_correlation_into(*m.seq, m.ts, m.render_output(), fields, steps, fmt, line);
        std::cout << line << "\n";
        ++correlations;
    });
    auto ctx = rules->new_context();
    auto evaluate = [&](const fields::Event& ev) {
        rules->evaluate(ev, ctx, [&](const engine::CompiledRule& r) {
            ++rule_alerts;
            std::cout << output::format_alert(r, ev, fmt) << "\n";
            matcher.on_rule_match(r, ev);
        });
        matcher.on_event(ev, ctx);
    };
    k8saudit::AuditDecoder decoder;
    for (const Item& it : items) {
        if (it.kind == 0) evaluate(fixtures.events[it.index]);
        if (it.kind == 1) decoder.decode(audit_texts[it.index], evaluate);
        if (it.kind == 2) matcher.on_alert(alerts[it.index]);
    }
    std::cout.flush();
    const auto& c = matcher.counters();
    std::cerr << "sensor: replayed " << fixtures.events.size() << " fixture events, "
              << audit_times.size() << " audit events and " << alerts.size()
              << " alerts by event time: " << rule_alerts << " rule alerts, " << correlations
              << " correlation alerts (" << c.occurrences << " step occurrences, " << c.late
              << " late, " << c.evicted << " evicted)\n";
    return 0;
}

}  // namespace sensor::daemon
