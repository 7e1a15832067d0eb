// `sensor replay --capture FILE -r RULES`: a capture file's records decoded on top of its state
// snapshot by the live decoder, and the rules evaluated on each event as `sensor run` does.
#include <iostream>

#include "commands.h"
#include "sensor/capfile/capture_replay.h"

namespace sensor::daemon {

int replay_capture(const ReplayOptions& opts, const engine::Ruleset& rules,
                   const output::AlertFormat& fmt) {
    capfile::CaptureReplay replay;
    std::string error;
    if (!replay.open(opts.capture_path, error)) {
        std::cerr << "sensor: " << error << "\n";
        return 2;
    }
    const capfile::CaptureFile& f = replay.file();
    if (!f.complete)
        std::cerr << "sensor: " << opts.capture_path
                  << ": no end block (the writer did not finish); replaying the "
                  << f.records.size() << " records it has\n";
    auto ctx = rules.new_context();
    uint64_t alerts = 0;
    std::string line;
    replay.run([&](const fields::Event& ev) {
        rules.evaluate(ev, ctx, [&](const engine::CompiledRule& r) {
            ++alerts;
            std::cout << output::format_alert(r, ev, fmt) << "\n";
        });
    });
    std::cout.flush();
    const auto& st = replay.stats();
    std::cerr << "sensor: replayed " << f.records.size() << " records of " << f.header.hostname
              << " (" << f.header.reason << (f.header.rule.empty() ? "" : ": " + f.header.rule)
              << "): " << st.events << " events, " << alerts << " alerts; " << st.malformed
              << " malformed records";
    if (f.complete)
        std::cerr << "; the writer dropped " << f.trailer.dropped << " and cut "
                  << f.trailer.cut_records << " records";
    std::cerr << "\n";
    return 0;
}

}  // namespace sensor::daemon
