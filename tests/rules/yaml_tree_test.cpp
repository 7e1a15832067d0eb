// Malformed and pathological YAML (and conditions) fail cleanly instead of crashing or looping.
#include <gtest/gtest.h>

#include "support/rules_harness.h"

using namespace sensor;
using namespace sensor::rules_test;

TEST(Garbage, NeverCrashes) {
    std::string binary(
        "\x7f"
        "ELF\x02\x01\x01\0\0\0\0",
        12);
    EXPECT_FALSE(load(binary).ok);
    EXPECT_FALSE(load("{a: 1}").ok);
    EXPECT_FALSE(load("- 1\n- 2\n").ok);
    EXPECT_FALSE(load("- rule: [\n").ok);
    // yaml-cpp 0.7's LoadAll loops forever on these (found by fuzzing); we must fail instead.
    EXPECT_FALSE(load(",").ok);
    EXPECT_FALSE(load("- rule: X\n  condition: >\n    a\n,    and b\n").ok);
    EXPECT_TRUE(load("").ok);
    EXPECT_TRUE(load("# only a comment\n").ok);
    // Deep YAML nesting.
    EXPECT_FALSE(load(std::string(100000, '[')).ok);
    // Deeply nested condition.
    std::string deep = "- rule: R\n  desc: d\n  output: o\n  priority: INFO\n  condition: " +
                       std::string(5000, '(') + "evt.type = open" + std::string(5000, ')') + "\n";
    auto r = load(deep);
    ASSERT_FALSE(r.ok);
    EXPECT_NE(first_error(r)->message.find("max depth"), std::string::npos);
    // A 1 MB condition loads (or fails) quickly without crashing.
    std::string big =
        "- rule: R\n  desc: d\n  output: o\n  priority: INFO\n  condition: evt.type = "
        "open and proc.name in (";
    for (int i = 0; i < 110000; ++i) big += "name" + std::to_string(i) + ",";
    big += "last)\n";
    ASSERT_GT(big.size(), 1000000u);
    EXPECT_TRUE(load(big).ok);
}
