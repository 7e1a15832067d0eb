// The sensor's own k8s_audit rules (rules/50-k8s-audit.yaml): each fixture under
// fixtures/k8saudit/ fires exactly the rules its expected.txt lists (a count of 0 is a near
// miss: nothing fires), and every rule has a firing fixture and a near miss.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/k8saudit/audit_source.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

const fields::SourceId kAuditSource = k8saudit::k8s_audit_source();
const std::string kDir = std::string(SENSOR_SOURCE_DIR) + "/tests/scenario/fixtures/k8saudit";
const std::string kRules = std::string(SENSOR_SOURCE_DIR) + "/rules/50-k8s-audit.yaml";

struct Expectation {
    std::string file, rule;
    int count = 0;
};

std::vector<Expectation> expectations() {
    std::vector<Expectation> out;
    std::ifstream in(kDir + "/expected.txt");
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        size_t first = line.find(' '), last = line.rfind(' ');
        if (first == std::string::npos || first == last) continue;
        out.push_back({line.substr(0, first), line.substr(first + 1, last - first - 1),
                       std::stoi(line.substr(last + 1))});
    }
    return out;
}

std::map<std::string, int> fire(const engine::Ruleset& rs, const std::string& file) {
    std::map<std::string, int> fired;
    auto ctx = rs.new_context();
    k8saudit::AuditDecoder decoder;
    std::ifstream in(kDir + "/" + file);
    EXPECT_TRUE(in) << file;
    for (std::string line; std::getline(in, line);)
        decoder.decode(line, [&](const fields::Event& ev) {
            rs.evaluate(ev, ctx, [&](const engine::CompiledRule& r) { ++fired[r.name]; });
        });
    EXPECT_EQ(decoder.counters().problem_total(), 0u) << file;
    EXPECT_GE(decoder.counters().events, 1u) << file;
    return fired;
}

TEST(K8sAuditRules, EachFixtureFiresExactlyItsExpectedRules) {
    auto res = rules::load_rules_files({kRules});
    ASSERT_TRUE(res.ok);
    for (const auto& f : res.files) EXPECT_TRUE(f.diagnostics.empty()) << f.path;
    auto exp = expectations();
    ASSERT_GE(exp.size(), 20u);
    std::map<std::string, std::map<std::string, int>> want;
    for (const auto& e : exp)
        if (e.count > 0)
            want[e.file][e.rule] = e.count;
        else
            want[e.file];
    std::map<std::string, int> fires, misses;
    for (const auto& e : exp) (e.count > 0 ? fires : misses)[e.rule]++;
    for (const auto& [file, rules_fired] : want)
        EXPECT_EQ(fire(*res.ruleset, file), rules_fired) << file;
    for (const auto& r : res.ruleset->rules) {
        EXPECT_GE(fires[r.name], 1) << r.name << ": no firing fixture";
        EXPECT_GE(misses[r.name], 1) << r.name << ": no near miss";
    }
}

}  // namespace
