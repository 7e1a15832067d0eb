// Reading rules-file items: priorities, unknown keys and items, required engine version.
#include <gtest/gtest.h>

#include "support/rules_harness.h"

using namespace sensor;
using namespace sensor::rules_test;

TEST(Loader, PriorityParsingIsCaseInsensitiveAndAcceptsInfo) {
    for (const char* p : {"info", "INFO", "Informational", "notice", "Critical"}) {
        std::string y = R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: )" + std::string(p) +
                        "\n";
        auto r = load(y);
        EXPECT_TRUE(r.ok) << p;
    }
    auto bad = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: SEVERE
)");
    ASSERT_FALSE(bad.ok);
    EXPECT_EQ(first_error(bad)->message, "Invalid priority");
    EXPECT_EQ(first_error(bad)->line, 6u);
}

TEST(Loader, InfoRulesRenderAsInformational) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: info
)");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(engine::priority_name(r.ruleset->rules[0].priority), "Informational");
}

TEST(Loader, UnknownKeysAndItemsWarn) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
  colour: blue
- something_else: 1
)");
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(has_warning(r, "LOAD_UNKNOWN_KEY", "R"));
    EXPECT_TRUE(has_warning(r, "LOAD_UNKNOWN_ITEM"));
}

TEST(Loader, EngineVersion) {
    EXPECT_TRUE(load("- required_engine_version: 0.57.0\n").ok);
    EXPECT_TRUE(load("- required_engine_version: 10\n").ok);
    auto too_new = load("- required_engine_version: 0.99.0\n");
    ASSERT_FALSE(too_new.ok);
    EXPECT_EQ(
        first_error(too_new)->message,
        "Rules require engine version 0.99.0, but engine version is " + rules::engine_version());
    EXPECT_FALSE(load("- required_engine_version: banana\n").ok);
}
