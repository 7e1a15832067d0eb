// Flood control: per-rule de-duplication windows and their summary alerts.
#include "sensor/output/alert_dedup.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sensor/output/alert_format.h"
#include "sensor/rules/loader.h"

using namespace sensor;
using output::AlertDedup;

namespace {

constexpr uint64_t kSec = 1000000000ull;

struct Summary {
    size_t rule;
    uint64_t suppressed, window_ns;
    bool operator==(const Summary&) const = default;
};

}  // namespace

TEST(AlertDedup, FirstAlertPassesRepeatsAreCountedAndSummarisedWhenTheWindowEnds) {
    AlertDedup d(3, 10 * kSec);
    std::vector<Summary> got;
    auto summary = [&](size_t r, uint64_t n, uint64_t w) { got.push_back({r, n, w}); };
    EXPECT_TRUE(d.admit(1, 100 * kSec, summary));
    for (int i = 1; i <= 5; ++i) EXPECT_FALSE(d.admit(1, 100 * kSec + i * kSec, summary));
    EXPECT_TRUE(d.admit(2, 101 * kSec, summary));  // another rule has its own window
    d.expire(109 * kSec, summary);
    EXPECT_TRUE(got.empty());
    d.expire(110 * kSec, summary);  // rule 1's window ends; rule 2's had no repeats
    EXPECT_EQ(got, (std::vector<Summary>{{1, 5, 10 * kSec}}));
    d.expire(111 * kSec, summary);
    EXPECT_EQ(got.size(), 1u);                     // rule 2's window closed without a summary
    EXPECT_TRUE(d.admit(1, 112 * kSec, summary));  // a new window
    EXPECT_EQ(d.suppressed_total(), 5u);
    EXPECT_EQ(d.summaries(), 1u);
}

TEST(AlertDedup, AnEndedWindowIsSummarisedBeforeTheNextAlertEvenWithoutExpire) {
    AlertDedup d(1, 2 * kSec);
    std::vector<Summary> got;
    auto summary = [&](size_t r, uint64_t n, uint64_t w) { got.push_back({r, n, w}); };
    EXPECT_TRUE(d.admit(0, 0, summary));
    EXPECT_FALSE(d.admit(0, kSec, summary));
    EXPECT_TRUE(d.admit(0, 3 * kSec, summary));
    EXPECT_EQ(got, (std::vector<Summary>{{0, 1, 2 * kSec}}));
}

TEST(AlertDedup, FlushAtStopReportsEveryOpenWindow) {
    AlertDedup d(4, 60 * kSec);
    std::vector<Summary> got;
    auto summary = [&](size_t r, uint64_t n, uint64_t w) { got.push_back({r, n, w}); };
    for (size_t r : {0u, 3u}) {
        d.admit(r, 0, summary);
        for (int i = 0; i < 7; ++i) d.admit(r, kSec, summary);
    }
    d.flush(summary);
    EXPECT_EQ(got, (std::vector<Summary>{{0, 7, 60 * kSec}, {3, 7, 60 * kSec}}));
    EXPECT_EQ(d.suppressed_total(), 14u);
}

TEST(AlertDedup, SummaryAlertIsFalcoShapedJson) {
    auto r = rules::load_rules_files({std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml"});
    ASSERT_TRUE(r.ok);
    const engine::CompiledRule& rule = r.ruleset->rules[0];
    output::AlertFormat fmt;
    fmt.hostname = "h";
    std::string line;
    uint64_t ts = 1718000000123456789ull;
    output::format_dedup_summary_into(rule, 41, 60, ts, fmt, line);
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j.dump(), line);  // canonical: sorted keys
    EXPECT_EQ(j["rule"], rule.name);
    EXPECT_EQ(j["priority"], engine::priority_name(rule.priority));
    EXPECT_EQ(j["tags"].get<std::vector<std::string>>(), rule.tags);
    EXPECT_EQ(j["output_fields"]["evt.time"], ts);
    EXPECT_EQ(j["output_fields"]["sensor.dedup.suppressed"], 41);
    EXPECT_EQ(j["output_fields"]["sensor.dedup.window_s"], 60);
    std::string out = j["output"];
    EXPECT_NE(out.find("Rule '" + rule.name + "': 41 more alerts in 60 s"), std::string::npos)
        << out;
}
