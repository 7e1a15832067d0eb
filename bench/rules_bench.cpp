// Rule loading and engine throughput benchmarks. See docs/performance.md for how to run them
// and the recorded numbers.
#include <benchmark/benchmark.h>

#include "sensor/capture/fixture_events.h"
#include "sensor/rules/loader.h"
#include "support/alloc_counter.h"

using namespace sensor;

namespace {

const std::string kStable = std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml";
const std::string kIncubating =
    std::string(SENSOR_SHARED_DIR) + "/rules/falco-incubating_rules.yaml";
const std::string kMix = std::string(SENSOR_SOURCE_DIR) + "/bench/fixtures/event_mix.jsonl";

// Reading, collecting, compiling and indexing the stable file: what `sensor -r` does.
void BM_ValidateStableRules(benchmark::State& state) {
    for (auto _ : state) {
        auto r = rules::load_rules_files({kStable});
        if (!r.ok) state.SkipWithError("stable rules failed to load");
        benchmark::DoNotOptimize(r.ruleset);
    }
}
BENCHMARK(BM_ValidateStableRules)->Unit(benchmark::kMillisecond);

void BM_ValidateStableAndIncubatingRules(benchmark::State& state) {
    for (auto _ : state) {
        auto r = rules::load_rules_files({kStable, kIncubating});
        if (!r.ok) state.SkipWithError("rules failed to load");
        benchmark::DoNotOptimize(r.ruleset);
    }
}
BENCHMARK(BM_ValidateStableAndIncubatingRules)->Unit(benchmark::kMillisecond);

// Events per second through the stable rules (with Falco's default suggested output fields,
// which only matter when a rule matches) over a realistic filtered event mix.
void run_engine(benchmark::State& state, const std::vector<std::string>& files) {
    rules::LoadOptions opts;
    opts.match_all = false;
    auto r = rules::load_rules_files(files, opts);
    if (!r.ok) {
        state.SkipWithError("rules failed to load");
        return;
    }
    auto set = capture::load_fixture_file(kMix);
    const auto& rs = *r.ruleset;
    auto ctx = rs.new_context();
    size_t matches = 0;
    // Warm-up: scratch buffers reach their steady-state capacity.
    for (const auto& ev : set.events) rs.evaluate(ev, ctx, [](const auto&) {});
    uint64_t allocs_before = testing_support::allocation_count();
    size_t events = 0;
    for (auto _ : state) {
        for (const auto& ev : set.events) matches += rs.evaluate(ev, ctx, [](const auto&) {});
        events += set.events.size();
    }
    uint64_t allocs = testing_support::allocation_count() - allocs_before;
    state.SetItemsProcessed(static_cast<int64_t>(events));
    state.counters["allocs_per_event"] =
        benchmark::Counter(static_cast<double>(allocs) / static_cast<double>(events ? events : 1));
    state.counters["matches_per_event"] =
        static_cast<double>(matches) / static_cast<double>(events ? events : 1);
}

void BM_EngineStableRulesEventMix(benchmark::State& state) {
    run_engine(state, {kStable});
}
BENCHMARK(BM_EngineStableRulesEventMix);

void BM_EngineStableAndIncubatingEventMix(benchmark::State& state) {
    run_engine(state, {kStable, kIncubating});
}
BENCHMARK(BM_EngineStableAndIncubatingEventMix);

}  // namespace

BENCHMARK_MAIN();
