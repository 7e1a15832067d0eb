// LOAD_UNFILLABLE_FIELD: a rule reading the event's fd (fd.*) whose event types act on no fd
// (from the syscall table) loads with a warning naming the rule, the field and where it is.
#include <gtest/gtest.h>

#include "support/rules_harness.h"

using namespace sensor;
using namespace sensor::rules_test;

namespace {

std::string rule_with(const std::string& condition, const std::string& output = "o") {
    return "- rule: R\n  desc: d\n  condition: " + condition + "\n  output: \"" + output +
           "\"\n  priority: WARNING\n";
}

std::vector<rules::Diagnostic> unfillable(const rules::LoadResult& r) {
    std::vector<rules::Diagnostic> out;
    for (const auto& d : all_diags(r))
        if (!d.error && d.code == "LOAD_UNFILLABLE_FIELD") out.push_back(d);
    return out;
}

}  // namespace

TEST(UnfillableField, FdFieldOnCallsWithoutFd) {
    auto r = load(rule_with("evt.type in (execve, kill) and fd.name = /etc/shadow"));
    ASSERT_TRUE(r.ok);
    auto w = unfillable(r);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].item_name, "R");
    EXPECT_EQ(w[0].line, 3u);
    EXPECT_EQ(w[0].col, 45u);  // fd.name in the condition
    EXPECT_NE(w[0].message.find("'fd.name'"), std::string::npos) << w[0].message;
    EXPECT_NE(w[0].message.find("execve"), std::string::npos) << w[0].message;
    EXPECT_NE(rules::format_diagnostic(w[0]).find("LOAD_UNFILLABLE_FIELD"), std::string::npos);
}

// Outputs print <NA> (upstream's exec rules print fd.name); only conditions are warned about.
TEST(UnfillableField, ConditionsOnlyAndExecMapping) {
    EXPECT_TRUE(unfillable(load(rule_with("evt.type = execve and proc.name = x", "file %fd.name")))
                    .empty());
    EXPECT_EQ(
        unfillable(load(rule_with("evt.type = mprotect and evt.is_exec_mapping = true"))).size(),
        1u);
}

TEST(UnfillableField, NoWarningWhenSomeTypeActsOnAnFd) {
    for (const char* c :
         {"evt.type in (execve, openat) and fd.name = /x", "evt.type = read and fd.name = /x",
          "evt.type = open_by_handle_at and fd.name = /x", "evt.type = pidfd_getfd and fd.num > 0",
          "evt.type = mmap and evt.is_exec_mapping = true",
          "evt.type = recvmsg and fd.received exists", "evt.type = execve and proc.name = x",
          "fd.name = /x and proc.name = y"})
        EXPECT_TRUE(unfillable(load(rule_with(c))).empty()) << c;
}

TEST(UnfillableField, StableAndDefaultRulesHaveNone) {
    for (const std::string& path : {std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml",
                                    std::string(SENSOR_SOURCE_DIR) + "/rules"}) {
        auto r = rules::load_rules_files({path});
        ASSERT_TRUE(r.ok) << path;
        EXPECT_TRUE(unfillable(r).empty()) << path;
    }
}
