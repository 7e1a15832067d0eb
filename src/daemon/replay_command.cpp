#include <unistd.h>

#include <fstream>
#include <iostream>

#include "audit_replay.h"
#include "commands.h"
#include "output_settings.h"
#include "sensor/capture/fixture_events.h"
#include "sensor/fields/registry.h"
#include "sensor/output/alert_format.h"

namespace sensor::daemon {

int replay(const ReplayOptions& opts) {
    OutputSettings settings;
    std::string err;
    for (const auto& kv : opts.overrides) {
        if (!settings.apply(kv, err)) {
            std::cerr << "sensor: " << err << "\n";
            return 2;
        }
    }
    rules::LoadOptions lo = settings.load_options();
    fields::set_buffer_format_base64(settings.buffer_format_base64);
    auto res = rules::load_rules_files(opts.rules_files, lo);
    if (!res.ok) {
        print_load_report(res, ReportFormat::Text, false);
        return 1;
    }
    // Audit logs alone stream (a hunt over a large log); anything that sequences may join is
    // merged by event time in memory.
    if (!opts.capture_path.empty())
        return replay_capture(opts, *res.ruleset, settings.alert_format());
    const bool merged = !opts.alert_paths.empty() || !res.ruleset->sequences.empty();
    if (!opts.audit_paths.empty() && opts.events_path.empty() && !merged)
        return replay_audit(opts.audit_paths, *res.ruleset, settings.alert_format());
    capture::FixtureSet set;
    try {
        if (opts.events_path.empty()) {
        } else if (opts.events_path == "-") {
            set = capture::load_fixture_events(std::cin, "<stdin>");
        } else {
            std::ifstream in(opts.events_path);
            if (!in) {
                std::cerr << "sensor: cannot open events file " << opts.events_path << "\n";
                return 2;
            }
            set = capture::load_fixture_events(in, opts.events_path);
        }
    } catch (const std::exception& e) {
        std::cerr << "sensor: " << e.what() << "\n";
        return 2;
    }
    output::AlertFormat fmt = settings.alert_format();
    if (merged || !opts.audit_paths.empty()) return replay_merged(opts, res.ruleset, set, fmt);
    const engine::Ruleset& rs = *res.ruleset;
    auto ctx = rs.new_context();
    for (const auto& ev : set.events) {
        rs.evaluate(ev, ctx, [&](const engine::CompiledRule& r) {
            std::cout << output::format_alert(r, ev, fmt) << "\n";
        });
    }
    std::cout.flush();
    return 0;
}

}  // namespace sensor::daemon
