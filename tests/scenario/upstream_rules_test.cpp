// The upstream Falco rule files load unchanged, with the counts and event-type sets Falco has.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "sensor/events/event_types.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

const std::string kStable = std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml";
const std::string kIncubating =
    std::string(SENSOR_SHARED_DIR) + "/rules/falco-incubating_rules.yaml";

size_t errors(const rules::LoadResult& r) {
    size_t n = 0;
    for (const auto& f : r.files)
        for (const auto& d : f.diagnostics) n += d.error;
    return n;
}

std::string diag_text(const rules::LoadResult& r) {
    std::string out;
    for (const auto& f : r.files)
        for (const auto& d : f.diagnostics) out += rules::format_diagnostic(d);
    return out;
}

std::vector<std::string> types_of(const engine::CompiledRule& r) {
    std::vector<std::string> out;
    for (size_t i = 0; i < r.types.size(); ++i)
        if (r.types[i]) out.emplace_back(events::event_type_name(static_cast<uint16_t>(i)));
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST(Conformance, StableRulesLoadWithExactCounts) {
    auto r = rules::load_rules_files({kStable});
    ASSERT_TRUE(r.ok) << diag_text(r);
    EXPECT_EQ(errors(r), 0u);
    EXPECT_EQ(r.rule_count, 25u);
    EXPECT_EQ(r.macro_count, 87u);
    EXPECT_EQ(r.list_count, 49u);
    EXPECT_EQ(r.ruleset->enabled_count(), 25u);
    // Falco reports no unused macros or lists for this file.
    EXPECT_EQ(diag_text(r), "");
}

TEST(Conformance, IncubatingRulesLoadWithExactCounts) {
    auto r = rules::load_rules_files({kIncubating});
    ASSERT_TRUE(r.ok) << diag_text(r);
    EXPECT_EQ(r.rule_count, 31u);
    EXPECT_EQ(r.macro_count, 82u);
    EXPECT_EQ(r.list_count, 54u);
}

TEST(Conformance, BothFilesLoadTogether) {
    auto r = rules::load_rules_files({kStable, kIncubating});
    ASSERT_TRUE(r.ok) << diag_text(r);
    EXPECT_EQ(r.rule_count, 56u);
    // Shared names count once: 12 macros and 20 lists are in both files.
    EXPECT_EQ(r.macro_count, 87u + 82u - 12u);
    EXPECT_EQ(r.list_count, 49u + 54u - 20u);
}

TEST(Conformance, StableEventTypeSetsMatchFalco) {
    auto r = rules::load_rules_files({kStable});
    ASSERT_TRUE(r.ok);
    const std::vector<std::string> open = {"open", "openat", "openat2"};
    const std::vector<std::string> exec = {"execve", "execveat"};
    const std::map<std::string, std::vector<std::string>> expected = {
        {"Directory traversal monitored file read", open},
        {"Read sensitive file trusted after startup", open},
        {"Read sensitive file untrusted", open},
        {"Run shell untrusted", exec},
        {"System user interactive", exec},
        {"Terminal shell in container", exec},
        {"Contact K8S API Server From Container", {"connect"}},
        {"Netcat Remote Code Execution in Container", exec},
        {"Search Private Keys or Passwords", exec},
        {"Clear Log Activities", open},
        {"Remove Bulk Data from Disk", exec},
        {"Create Symlink Over Sensitive Files", {"symlink", "symlinkat"}},
        {"Create Hardlink Over Sensitive Files", {"link", "linkat"}},
        {"Packet socket created in container", {"socket"}},
        {"Redirect STDOUT/STDIN to Network Connection in Container", {"dup", "dup2", "dup3"}},
        {"Linux Kernel Module Injection Detected", {"finit_module", "init_module"}},
        {"Debugfs Launched in Privileged Container", exec},
        {"Detect release_agent File Container Escapes", open},
        {"PTRACE attached to process", {"ptrace"}},
        {"PTRACE anti-debug attempt", {"ptrace"}},
        {"Find AWS Credentials", exec},
        {"Execution from /dev/shm", exec},
        {"Drop and execute new binary in container", exec},
        {"Disallowed SSH Connection Non Standard Port", {"connect", "sendmsg", "sendto"}},
        {"Fileless execution via memfd_create", exec},
    };
    ASSERT_EQ(r.ruleset->rules.size(), expected.size());
    for (const auto& rule : r.ruleset->rules) {
        auto it = expected.find(rule.name);
        ASSERT_NE(it, expected.end()) << rule.name;
        EXPECT_EQ(types_of(rule), it->second) << rule.name;
    }
}

TEST(Conformance, StablePrioritiesMatchTheFile) {
    auto r = rules::load_rules_files({kStable});
    ASSERT_TRUE(r.ok);
    std::map<engine::Priority, int> counts;
    for (const auto& rule : r.ruleset->rules) counts[rule.priority]++;
    EXPECT_EQ(counts[engine::Priority::Warning], 14);
    EXPECT_EQ(counts[engine::Priority::Notice], 7);
    EXPECT_EQ(counts[engine::Priority::Critical], 3);
    EXPECT_EQ(counts[engine::Priority::Informational], 1);
}
