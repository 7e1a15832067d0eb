// Alert output throughput: JSON alerts formatted and appended to a file by one thread, the
// way a sink's output thread does it (FileSink, buffered, flushed every 256 alerts). The
// alerts are the stable rules' real matches on the scenario fixtures. See docs/performance.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "sensor/capture/fixture_events.h"
#include "sensor/output/alert_format.h"
#include "sensor/output/fd_sink.h"
#include "sensor/rules/loader.h"
#include "support/alloc_counter.h"

using namespace sensor;

namespace {

const std::string kStable = std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml";
const std::string kFixtures =
    std::string(SENSOR_SOURCE_DIR) + "/tests/scenario/fixtures/stable_rules.jsonl";

void BM_JsonAlertsToFile(benchmark::State& state) {
    auto r = rules::load_rules_files({kStable});
    if (!r.ok) {
        state.SkipWithError("rules failed to load");
        return;
    }
    auto set = capture::load_fixture_file(kFixtures);
    const auto& rs = *r.ruleset;
    auto ctx = rs.new_context();
    std::vector<std::pair<const engine::CompiledRule*, const fields::Event*>> matches;
    for (const auto& ev : set.events)
        rs.evaluate(ev, ctx,
                    [&](const engine::CompiledRule& rule) { matches.emplace_back(&rule, &ev); });
    if (matches.empty()) {
        state.SkipWithError("no fixture event matched");
        return;
    }
    output::AlertFormat fmt;
    fmt.hostname = "bench-host";
    std::string path = std::filesystem::temp_directory_path() /
                       ("sensor-alerts-bench-" + std::to_string(getpid()) + ".log");
    output::FileSink sink(path, /*keep_alive=*/true, /*buffered=*/true);
    if (!sink.open()) {
        state.SkipWithError("cannot open the output file");
        return;
    }
    size_t n = 0, bytes = 0;
    output::Alert a;
    // Warm-up: the reused buffers reach their steady-state capacity.
    for (const auto& [rule, ev] : matches) output::format_alert_into(*rule, *ev, fmt, a.line);
    uint64_t allocs_before = testing_support::allocation_count();
    for (auto _ : state) {
        const auto& [rule, ev] = matches[n % matches.size()];
        output::format_alert_into(*rule, *ev, fmt, a.line);
        bytes += a.line.size() + 1;
        sink.write(a);
        if (++n % 256 == 0) sink.flush();
    }
    sink.flush();
    uint64_t allocs = testing_support::allocation_count() - allocs_before;
    state.counters["allocs_per_alert"] =
        static_cast<double>(allocs) / static_cast<double>(n ? n : 1);
    state.SetItemsProcessed(static_cast<int64_t>(n));
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
    state.counters["distinct_alerts"] = static_cast<double>(matches.size());
    std::filesystem::remove(path);
}
BENCHMARK(BM_JsonAlertsToFile);

}  // namespace
