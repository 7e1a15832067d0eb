// `rules:` enable/disable steps over a loaded set.
#include "sensor/rules/rule_selection.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "sensor/rules/loader.h"

using namespace sensor;
using rules::RuleSelector;

TEST(RuleSelection, WildcardsMatchAnyRun) {
    EXPECT_TRUE(rules::wildcard_match("*", "anything"));
    EXPECT_TRUE(rules::wildcard_match("Read sensitive*", "Read sensitive file untrusted"));
    EXPECT_TRUE(rules::wildcard_match("*shell*container", "Terminal shell in container"));
    EXPECT_FALSE(rules::wildcard_match("*shell", "Terminal shell in container"));
    EXPECT_TRUE(rules::wildcard_match("exact", "exact"));
    EXPECT_FALSE(rules::wildcard_match("exact", "exactly"));
}

TEST(RuleSelection, TextFormParsesAndBadStepsAreNamed) {
    std::vector<RuleSelector> s;
    std::string err;
    ASSERT_TRUE(rules::parse_rule_selectors("disable rule=*; enable tag=network;", s, err));
    ASSERT_EQ(s.size(), 2u);
    EXPECT_FALSE(s[0].enable);
    EXPECT_EQ(s[0].pattern, "*");
    EXPECT_TRUE(s[1].enable && s[1].by_tag);
    EXPECT_EQ(rules::to_text(s[1]), "enable tag=network");
    EXPECT_FALSE(rules::parse_rule_selectors("enable macro=x", s, err));
    EXPECT_NE(err.find("'enable macro=x'"), std::string::npos);
    EXPECT_FALSE(rules::parse_rule_selectors("remove rule=x", s, err));
}

TEST(RuleSelection, StepsApplyInOrderToTheStableRules) {
    auto r = rules::load_rules_files({std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml"});
    ASSERT_TRUE(r.ok);
    size_t tagged = 0;
    for (const auto& rule : r.ruleset->rules)
        tagged += std::count(rule.tags.begin(), rule.tags.end(), "network") > 0;
    ASSERT_GT(tagged, 0u);
    std::vector<RuleSelector> steps;
    std::string err;
    ASSERT_TRUE(rules::parse_rule_selectors(
        "disable rule=*; enable tag=network; enable rule=Read sensitive file untrusted; "
        "disable rule=No such rule*",
        steps, err));
    auto matched = rules::apply_rule_selectors(*r.ruleset, steps);
    EXPECT_EQ(matched, (std::vector<size_t>{r.ruleset->rules.size(), tagged, 1, 0}));
    EXPECT_EQ(r.ruleset->enabled_count(), tagged + 1);
    for (const auto& rule : r.ruleset->rules) {
        if (rule.name == "Read sensitive file untrusted") {
            EXPECT_TRUE(rule.enabled);
        }
    }
}
