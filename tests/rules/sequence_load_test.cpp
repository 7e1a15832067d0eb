// Loading `sequence` items: their diagnostics name file, line, column and the sequence, like
// rules'; a step naming a rule not loaded here is a warning; Falco's counts are unaffected.
#include <gtest/gtest.h>

#include "sensor/rules/loader.h"
#include "support/rules_harness.h"

using namespace sensor;
using namespace sensor::rules_test;

namespace {

std::string seq(const std::string& within, const std::string& step2_by,
                const std::string& condition = "evt.type = execve and proc.name = sh",
                const std::string& output = "%proc.name then %proc.pid") {
    return "- rule: R\n  desc: d\n  condition: evt.type = open and proc.name = cat\n"
           "  output: o %proc.name\n  priority: WARNING\n"
           "- sequence: S\n  desc: d\n  within: " +
           within +
           "\n  steps:\n    - rule: R\n      by: [proc.pid]\n"
           "    - source: syscall\n      condition: " +
           condition + "\n      by: " + step2_by + "\n  output: '" + output +
           "'\n  priority: CRITICAL\n  tags: [correlation]\n";
}

TEST(SequenceLoad, AValidSequenceCompilesBesideTheRules) {
    auto r = load(seq("90s", "[proc.ppid]"));
    ASSERT_TRUE(r.ok) << (first_error(r) ? first_error(r)->message : "");
    EXPECT_EQ(r.rule_count, 1u);
    ASSERT_EQ(r.ruleset->sequences.size(), 1u);
    const auto& s = r.ruleset->sequences[0];
    EXPECT_EQ(s.within_ns, 90ull * 1000000000ull);
    ASSERT_EQ(s.steps.size(), 2u);
    EXPECT_TRUE(s.steps[0].is_rule && s.steps[0].rule_loaded);
    EXPECT_FALSE(s.steps[1].is_rule);
    EXPECT_EQ(r.ruleset->step_rules.size(), 1u);
    EXPECT_EQ(s.output_fields, (std::vector<std::string>{"proc.name", "proc.pid"}));
}

TEST(SequenceLoad, DiagnosticsNameThePlace) {
    auto bad_within = load(seq("soon", "[proc.ppid]"));
    ASSERT_FALSE(bad_within.ok);
    EXPECT_NE(first_error(bad_within)->message.find("'within' must be a duration"),
              std::string::npos);
    EXPECT_EQ(first_error(bad_within)->item_kind, "sequence");
    EXPECT_EQ(first_error(bad_within)->item_name, "S");

    auto count = load(seq("1m", "[proc.ppid, proc.name]"));
    ASSERT_FALSE(count.ok);
    EXPECT_NE(first_error(count)->message.find("has 2 'by' fields, step 1 has 1"),
              std::string::npos);

    auto field = load(seq("1m", "[proc.ppid]", "evt.type = execve and proc.nme = sh"));
    ASSERT_FALSE(field.ok);
    const auto* d = first_error(field);
    EXPECT_EQ(d->code, "LOAD_ERR_COMPILE_CONDITION");
    EXPECT_NE(d->message.find("proc.nme"), std::string::npos);
    EXPECT_EQ(d->line, 13u);  // the condition's line in the file

    auto by = load(seq("1m", "[proc.nope]"));
    ASSERT_FALSE(by.ok);
    EXPECT_NE(first_error(by)->message.find("'by' field proc.nope"), std::string::npos);

    auto out = load(seq("1m", "[proc.ppid]", "evt.type = execve", "%ka.verb"));
    ASSERT_FALSE(out.ok);
    EXPECT_NE(first_error(out)->message.find("Output field ka.verb is a field of no step"),
              std::string::npos);
}

TEST(SequenceLoad, ARuleStepNotLoadedHereIsAWarning) {
    auto r = load(
        "- sequence: S\n  within: 5m\n  steps:\n    - rule: Shell on another node\n"
        "      by: [k8s.pod.uid]\n    - source: syscall\n      condition: evt.type = execve\n"
        "      by: [k8s.pod.uid]\n  output: '%proc.cmdline %container.id'\n  priority: ERROR\n");
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(has_warning(r, "LOAD_UNKNOWN_SEQUENCE_RULE", "S"));
    // An output field no condition step has comes from the remote alert's output_fields.
    EXPECT_EQ(r.ruleset->sequences[0].steps[1].captures.size(), 2u);
}

TEST(SequenceLoad, StepsNeedARuleOrASourceAndCondition) {
    auto r = load(
        "- sequence: S\n  within: 5m\n  steps:\n    - source: syscall\n      by: [a]\n"
        "    - rule: R\n      by: [a]\n  output: o\n  priority: ERROR\n");
    ASSERT_FALSE(r.ok);
    EXPECT_NE(first_error(r)->message.find("either 'rule' or both 'source' and 'condition'"),
              std::string::npos);
}

}  // namespace
