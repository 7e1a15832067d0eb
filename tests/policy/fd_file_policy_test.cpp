// Which calls the probe describes the fd's file for (ProbeConfig::file_syscalls), and which it
// sends only when they qualify (qualified_syscalls), from the loaded rules.
#include <sys/syscall.h>

#include <gtest/gtest.h>

#include <algorithm>

#include "sensor/policy/probe_policy.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

bool has(const std::vector<uint32_t>& v, long nr) {
    return std::binary_search(v.begin(), v.end(), static_cast<uint32_t>(nr));
}

std::shared_ptr<engine::Ruleset> load(const std::string& conditions) {
    std::string text;
    int i = 0;
    size_t start = 0;
    while (start < conditions.size()) {
        size_t end = conditions.find('\n', start);
        if (end == std::string::npos) end = conditions.size();
        text += "- rule: R" + std::to_string(i++) +
                "\n  desc: d\n  condition: " + conditions.substr(start, end - start) +
                "\n  output: o\n  priority: INFO\n";
        start = end + 1;
    }
    auto r = rules::load_rules_contents({{"t.yaml", text}});
    EXPECT_TRUE(r.ok);
    return r.ruleset;
}

}  // namespace

TEST(FdFilePolicy, StableRulesDescribeNoReads) {
    auto r = rules::load_rules_files({std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml"});
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(policy::file_syscalls(*r.ruleset).empty());
}

TEST(FdFilePolicy, OnlyCallsWhoseFdFieldsARuleReads) {
    auto rs = load(
        "evt.type = read and fd.name = /etc/shadow\n"
        "evt.type = write and evt.buffer contains x\n"
        "evt.type = sendfile and proc.name = cat\n"
        "evt.type = preadv2 and proc.name = cat\n"
        "evt.type = splice and proc.name = cat");
    auto nrs = policy::file_syscalls(*rs);
    EXPECT_TRUE(has(nrs, SYS_read));
    EXPECT_FALSE(has(nrs, SYS_write));     // data only
    EXPECT_FALSE(has(nrs, SYS_sendfile));  // no fd field
    EXPECT_FALSE(has(nrs, SYS_openat));    // opens always carry their file
    // An fd field in the output counts too.
    auto out = rules::load_rules_contents(
        {{"t.yaml",
          "- rule: R\n  desc: d\n  condition: evt.type = splice and proc.name = cat\n"
          "  output: \"%fd.name\"\n  priority: INFO\n"}});
    ASSERT_TRUE(out.ok);
    EXPECT_TRUE(has(policy::file_syscalls(*out.ruleset), SYS_splice));
}

TEST(FdFilePolicy, ExecMappingsAndReceivedFilesQualify) {
    auto rs = load(
        "evt.type = mmap and evt.is_exec_mapping = true and fd.name startswith /tmp/\n"
        "evt.type = recvmsg and fd.received intersects (/etc/shadow)");
    EXPECT_TRUE(has(policy::file_syscalls(*rs), SYS_mmap));
    EXPECT_TRUE(has(policy::file_syscalls(*rs), SYS_recvmsg));
    auto q = policy::qualified_syscalls(*rs);
    EXPECT_TRUE(has(q, SYS_mmap));
    EXPECT_TRUE(has(q, SYS_recvmsg));

    // A rule that can match any mmap, or any recvmsg, keeps them all.
    auto wide = load(
        "evt.type = mmap and evt.is_exec_mapping = true and fd.name startswith /tmp/\n"
        "evt.type = mmap and (evt.is_exec_mapping = true or proc.name = x)\n"
        "evt.type = recvmsg and not fd.received intersects (/etc/shadow)");
    q = policy::qualified_syscalls(*wide);
    EXPECT_FALSE(has(q, SYS_mmap));
    EXPECT_FALSE(has(q, SYS_recvmsg));
    EXPECT_TRUE(has(policy::file_syscalls(*wide), SYS_mmap));
}

TEST(FdFilePolicy, DefaultRulesFilterMmapAndRecvmsgInTheKernel) {
    auto r = rules::load_rules_files({std::string(SENSOR_SOURCE_DIR) + "/rules"});
    ASSERT_TRUE(r.ok);
    auto q = policy::qualified_syscalls(*r.ruleset);
    EXPECT_TRUE(has(q, SYS_mmap));
    EXPECT_TRUE(has(q, SYS_recvmsg));
    EXPECT_FALSE(has(policy::file_syscalls(*r.ruleset), SYS_read));
}
