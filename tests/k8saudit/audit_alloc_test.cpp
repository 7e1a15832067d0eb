// The k8s_audit hot path allocates nothing in steady state: once the decoder's buffers and the
// extractors' scratch have grown for a payload, decoding it again and evaluating the upstream
// k8s audit rules on its events (every rule: rule_matching all) makes no heap allocation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/k8saudit/audit_source.h"
#include "sensor/rules/loader.h"
#include "support/alloc_counter.h"
#include "support/k8saudit_samples.h"

using namespace sensor;

namespace {

// Every sample line (the malformed one too), plus all of them as one EventList.
std::vector<std::pair<std::string, std::string>> payloads() {
    std::vector<std::pair<std::string, std::string>> out;
    std::string items;
    for (const auto& e : std::filesystem::directory_iterator(k8saudit_test::kSamplesDir)) {
        if (e.path().extension() != ".json") continue;
        std::ifstream in(e.path(), std::ios::binary);
        for (std::string line; std::getline(in, line);) {
            if (line.empty()) continue;
            out.emplace_back(e.path().filename().string(), line);
            if (line.find("\"kind\":\"Event\"") == std::string::npos) continue;
            if (!items.empty()) items += ',';
            items += line;
        }
    }
    out.emplace_back("EventList", R"({"kind":"EventList","items":[)" + items + "]}");
    return out;
}

}  // namespace

TEST(K8sAuditAllocations, DecodeAndEvaluateAllocateNothingInSteadyState) {
    k8saudit::k8s_audit_source();
    rules::LoadOptions opts;
    opts.match_all = true;
    auto r = rules::load_rules_files({k8saudit_test::kUpstreamRules}, opts);
    ASSERT_TRUE(r.ok);
    const engine::Ruleset& rs = *r.ruleset;
    auto ctx = rs.new_context();
    k8saudit::AuditDecoder decoder;
    const auto all = payloads();
    ASSERT_GT(all.size(), 40u);
    size_t events = 0, matches = 0;
    auto run = [&](const std::string& payload) {
        decoder.decode(payload, [&](const fields::Event& ev) {
            ++events;
            matches += rs.evaluate(ev, ctx, [](const engine::CompiledRule&) {});
        });
    };
    for (const auto& [name, payload] : all) {
        run(payload);  // warm-up
        run(payload);
        const uint64_t before = testing_support::allocation_count();
        run(payload);
        EXPECT_EQ(testing_support::allocation_count() - before, 0u) << name;
    }
    // The payloads taken in turn, each shorter than the EventList before it: still nothing.
    const uint64_t before = testing_support::allocation_count();
    for (const auto& [name, payload] : all) run(payload);
    EXPECT_EQ(testing_support::allocation_count() - before, 0u);
    EXPECT_GT(events, all.size());
    EXPECT_GT(matches, 0u);
}
