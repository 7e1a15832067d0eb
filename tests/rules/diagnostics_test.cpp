// Load diagnostics: codes, messages, and the file, line, column and item they point at.
#include <gtest/gtest.h>

#include "support/rules_harness.h"

using namespace sensor;
using namespace sensor::rules_test;

TEST(Diagnostics, UnknownFieldNamesFileLineColumnAndRule) {
    auto r = load(R"(- rule: Bad
  desc: d
  condition: >
    evt.type = open and
    proc.nme = bash
  output: o
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    const auto* e = first_error(r);
    EXPECT_EQ(e->code, "LOAD_ERR_COMPILE_CONDITION");
    EXPECT_EQ(e->message, "filter_check called with nonexistent field proc.nme");
    EXPECT_EQ(e->line, 5u);
    EXPECT_EQ(e->col, 5u);
    EXPECT_EQ(e->item_name, "Bad");
    EXPECT_NE(e->snippet.find("proc.nme = bash"), std::string::npos);
}

TEST(Diagnostics, SyntaxErrorPointsAtTheProblem) {
    auto r = load(R"(- rule: Bad
  desc: d
  condition: evt.type = open and (proc.name = bash
  output: o
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    const auto* e = first_error(r);
    EXPECT_EQ(e->message, "expected a ')' token");
    EXPECT_EQ(e->line, 3u);
    EXPECT_EQ(e->col, 51u);
}

TEST(Diagnostics, BadOutputIsCompileOutputError) {
    auto r = load(R"(- rule: Bad
  desc: d
  condition: evt.type = open
  output: "file=%fd.nme by %proc.name"
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    const auto* e = first_error(r);
    EXPECT_EQ(e->code, "LOAD_ERR_COMPILE_OUTPUT");
    EXPECT_NE(e->message.find("invalid formatting token %fd.nme"), std::string::npos);
    EXPECT_EQ(e->line, 4u);
    EXPECT_EQ(e->col, 17u);  // the % of the bad token
}

TEST(Diagnostics, ErrorInsideMacroPointsIntoTheMacro) {
    auto r = load(R"(- macro: m
  condition: proc.nmae = x
- rule: R
  desc: d
  condition: evt.type = open and m
  output: o
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    const auto* e = first_error(r);
    EXPECT_EQ(e->item_kind, "macro");
    EXPECT_EQ(e->item_name, "m");
    EXPECT_EQ(e->line, 2u);
    EXPECT_EQ(e->col, 14u);
    EXPECT_NE(e->message.find("rule 'R'"), std::string::npos);
}
