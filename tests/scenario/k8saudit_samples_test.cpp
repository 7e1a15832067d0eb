// Every upstream k8s audit sample gives exactly the detections Falco's own tests expect
// (../shared/k8saudit-samples/README.md), with the upstream k8s_audit_rules.yaml unchanged,
// through the replay path (`sensor replay --audit`'s decoder and rules). The README's legacy
// `detect: False` rows, which Falco's tests no longer assert, are held too: nothing fires.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "sensor/fields/registry.h"
#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/k8saudit/audit_source.h"
#include "sensor/rules/loader.h"
#include "support/k8saudit_samples.h"

using namespace sensor;
using namespace sensor::k8saudit_test;

namespace {

// The source exists before any rules load (main() does the same in the sensor).
const fields::SourceId kAuditSource = k8saudit::k8s_audit_source();

std::map<std::string, int> replay_sample(const SampleCase& c, uint64_t& problems) {
    std::vector<rules::RulesInput> inputs;
    if (!c.alone) inputs.push_back({kUpstreamRules, read_text(kUpstreamRules)});
    for (size_t i = 0; i < c.overrides.size(); ++i)
        inputs.push_back({"override" + std::to_string(i) + ".yaml", override_yaml(c.overrides[i])});
    auto res = rules::load_rules_contents(inputs);
    EXPECT_TRUE(res.ok) << c.file;
    std::map<std::string, int> fired;
    if (!res.ok) return fired;
    auto ctx = res.ruleset->new_context();
    k8saudit::AuditDecoder decoder;
    std::istringstream in(read_text(kSamplesDir + "/" + c.file));
    for (std::string line; std::getline(in, line);) {
        if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
        decoder.decode(line, [&](const fields::Event& ev) {
            res.ruleset->evaluate(ev, ctx, [&](const engine::CompiledRule& r) { ++fired[r.name]; });
        });
    }
    problems = decoder.counters().problem_total();
    return fired;
}

TEST(K8sAuditSamples, EveryReadmeRowGivesItsExpectedDetections) {
    auto cases = sample_cases();
    ASSERT_GE(cases.size(), 55u) << "README table not parsed";
    size_t asserted = 0;
    for (const auto& c : cases) {
        uint64_t problems = 0;
        auto fired = replay_sample(c, problems);
        std::string got;
        for (const auto& [rule, n] : fired) got += rule + " x" + std::to_string(n) + "; ";
        SCOPED_TRACE(c.file + " overrides=" + std::to_string(c.overrides.size()) +
                     " fired: " + got);
        asserted += c.asserted;
        if (c.expect_nothing) {
            EXPECT_TRUE(fired.empty());
        } else {
            EXPECT_EQ(fired[c.rule], c.count) << "expected " << c.rule;
        }
        // Only the malformed sample has a problem, and it is counted, not fatal.
        EXPECT_EQ(problems, c.file == "fal_01_003.json" ? 1u : 0u);
    }
    EXPECT_GE(asserted, 45u);
}

TEST(K8sAuditSamples, UpstreamRulesLoadWithoutWarningsBesideTheStableRules) {
    auto res = rules::load_rules_files(
        {kUpstreamRules, std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml"});
    ASSERT_TRUE(res.ok);
    for (const auto& f : res.files) EXPECT_TRUE(f.diagnostics.empty()) << f.path;
    size_t audit_rules = 0;
    for (const auto& r : res.ruleset->rules) audit_rules += r.source_name() == "k8s_audit";
    EXPECT_EQ(audit_rules, 48u);
}

}  // namespace

namespace {

// Where the sensor computes a ka.* field differently from the plugin (docs/fields.md), no
// upstream rule's verdict on the samples changes: the rules do not read the corrected list
// fields, and the one they do read (image.repository) is equal on every sample, because the
// plugin's quirk (cut at the first ':') differs only for registries with a port.
TEST(K8sAuditSamples, CorrectedFieldsChangeNoUpstreamVerdict) {
    const std::string rules_text = read_text(kUpstreamRules);
    for (const char* field :
         {"ka.sourceips", "eff_run_as_user", "eff_run_as_group", "add_capabilities"})
        EXPECT_EQ(rules_text.find(field), std::string::npos) << field;
    auto plugin_repository = [](std::string image) {
        image = image.substr(0, image.find(':'));
        return image.substr(0, image.find('@'));
    };
    std::string err;
    auto images = fields::resolve_field("ka.req.pod.containers.image", nullptr, err, kAuditSource);
    auto repos =
        fields::resolve_field("ka.req.pod.containers.image.repository", nullptr, err, kAuditSource);
    ASSERT_TRUE(images && repos);
    size_t compared = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kSamplesDir)) {
        if (entry.path().extension() != ".json") continue;
        k8saudit::AuditDecoder decoder;
        std::istringstream in(read_text(entry.path().string()));
        for (std::string line; std::getline(in, line);) {
            decoder.decode(line, [&](const fields::Event& ev) {
                std::string s1, s2;
                fields::Value img, repo;
                for (uint32_t n = 0; images->def->extract(ev, images->arg, n, img, s1); ++n) {
                    ASSERT_TRUE(repos->def->extract(ev, repos->arg, n, repo, s2));
                    EXPECT_EQ(std::string(repo.str), plugin_repository(std::string(img.str)))
                        << entry.path();
                    ++compared;
                }
            });
        }
    }
    EXPECT_GE(compared, 10u);
}

}  // namespace
