// A fixed amount of work, for instruction counts under callgrind (exact and repeatable where
// wall-clock timings on a shared VM are not): loads the stable rules V more times, then evaluates
// the bench event mix N times. Per event: (Ir(N) - Ir(0)) / (N * events); per load likewise.
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null build/bench/sensor_instructions N V
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sensor/capture/fixture_events.h"
#include "sensor/rules/loader.h"

using namespace sensor;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: sensor_instructions EVALUATIONS [LOADS]\n");
        return 2;
    }
    int evaluations = std::atoi(argv[1]);
    int loads = argc > 2 ? std::atoi(argv[2]) : 0;
    const std::string stable = std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml";
    for (int i = 0; i < loads; ++i)
        if (!rules::load_rules_files({stable}).ok) return 1;
    auto r = rules::load_rules_files({stable});
    if (!r.ok) return 1;
    auto set = capture::load_fixture_file(std::string(SENSOR_SOURCE_DIR) +
                                          "/bench/fixtures/event_mix.jsonl");
    const engine::Ruleset& rs = *r.ruleset;
    auto ctx = rs.new_context();
    size_t matches = 0;
    for (int i = 0; i < evaluations; ++i)
        for (const auto& ev : set.events) matches += rs.evaluate(ev, ctx, [](const auto&) {});
    std::printf("%zu matches, %zu events per pass\n", matches, set.events.size());
    return 0;
}
