// k8s_audit throughput: payloads decoded (simdjson, AuditDecoder) and evaluated against the
// upstream k8s audit rules (all 48, rule_matching first), on one core. See docs/performance.md,
// "k8s_audit: parse + rules".
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/k8saudit/audit_source.h"
#include "sensor/rules/loader.h"
#include "support/alloc_counter.h"

using namespace sensor;

namespace {

const std::string kSamples = std::string(SENSOR_SHARED_DIR) + "/k8saudit-samples";
const std::string kRules = std::string(SENSOR_SHARED_DIR) + "/rules/k8s_audit_rules.yaml";
constexpr size_t kBatch =
    400;  // the API server's largest webhook batch (--audit-webhook-batch-max-size)

// The sample lines that decode to one event each (the malformed sample is left out), in file
// name order: realistic single-Event payloads (creates, deletes, execs, role changes, pods).
std::vector<std::string> sample_events() {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(kSamples))
        if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    k8saudit::AuditDecoder decoder;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        for (std::string line; std::getline(in, line);) {
            size_t n = 0;
            decoder.decode(line, [&](const fields::Event&) { ++n; });
            if (n == 1) out.push_back(line);
        }
    }
    return out;
}

// An EventList (as the webhook backend POSTs it) of `count` events, the samples cycled.
std::string event_list(const std::vector<std::string>& events, size_t count) {
    std::string body =
        R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[)";
    for (size_t i = 0; i < count; ++i) {
        if (i) body += ',';
        body += events[i % events.size()];
    }
    body += "]}";
    return body;
}

struct Setup {
    fields::SourceId source = k8saudit::k8s_audit_source();  // before the rules load
    rules::LoadResult rules = rules::load_rules_files({kRules});
    std::vector<std::string> events = sample_events();
};
const Setup& setup() {
    static const Setup s;
    return s;
}

// Decodes every payload (each pass) and evaluates the rules on each event; reports events/s,
// allocations and matches per event (after one warm-up pass).
void run(benchmark::State& state, const std::vector<std::string>& payloads, bool with_rules) {
    const Setup& s = setup();
    if (!s.rules.ok || s.events.empty()) {
        state.SkipWithError("k8s audit rules or samples failed to load");
        return;
    }
    const engine::Ruleset& rs = *s.rules.ruleset;
    auto ctx = rs.new_context();
    k8saudit::AuditDecoder decoder;
    size_t matches = 0, events = 0;
    auto pass = [&] {
        for (const std::string& p : payloads)
            decoder.decode(p, [&](const fields::Event& ev) {
                ++events;
                if (with_rules) matches += rs.evaluate(ev, ctx, [](const auto&) {});
            });
    };
    pass();  // warm-up: buffers reach their steady-state capacity
    events = matches = 0;
    const uint64_t allocs_before = testing_support::allocation_count();
    for (auto _ : state) pass();
    const uint64_t allocs = testing_support::allocation_count() - allocs_before;
    const double per = static_cast<double>(events ? events : 1);
    state.SetItemsProcessed(static_cast<int64_t>(events));
    state.counters["allocs_per_event"] = static_cast<double>(allocs) / per;
    state.counters["matches_per_event"] = static_cast<double>(matches) / per;
    state.counters["rules"] = static_cast<double>(rs.enabled_count());
}

// (a) The samples one payload per event, as the log follower or a one-event webhook sees them.
void BM_K8sAuditSingleEvents(benchmark::State& state) {
    run(state, setup().events, true);
}
BENCHMARK(BM_K8sAuditSingleEvents);

// (b) EventList batches of 400 events, as the API server's webhook backend sends them.
void BM_K8sAuditEventList400(benchmark::State& state) {
    run(state, {event_list(setup().events, kBatch)}, true);
}
BENCHMARK(BM_K8sAuditEventList400);

// The decoding alone (JSON parse, event split, timestamps, member index), for the split.
void BM_K8sAuditDecodeOnlySingleEvents(benchmark::State& state) {
    run(state, setup().events, false);
}
BENCHMARK(BM_K8sAuditDecodeOnlySingleEvents);

void BM_K8sAuditDecodeOnlyEventList400(benchmark::State& state) {
    run(state, {event_list(setup().events, kBatch)}, false);
}
BENCHMARK(BM_K8sAuditDecodeOnlyEventList400);

}  // namespace
