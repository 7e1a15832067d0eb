// The probe's syscall filter computed from the loaded rules plus state needs, as falco.yaml's
// base_syscalls (custom_set, repair, all) shapes it.
#include "sensor/policy/probe_policy.h"

#include <sys/syscall.h>

#include <gtest/gtest.h>

#include <algorithm>

#include "sensor/events/syscalls.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

bool has(const std::vector<uint32_t>& v, long nr) {
    return std::binary_search(v.begin(), v.end(), static_cast<uint32_t>(nr));
}

}  // namespace

TEST(SyscallSelection, StableRulesPlusStateNeeds) {
    auto r = rules::load_rules_files({std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml"});
    ASSERT_TRUE(r.ok);
    auto nrs = policy::traced_syscalls(*r.ruleset);
    ASSERT_TRUE(std::is_sorted(nrs.begin(), nrs.end()));
    // From the rules (SPEC 5: the 19 evt.type values of the stable file).
    for (long nr :
         {SYS_execve, SYS_execveat, SYS_open, SYS_openat, SYS_openat2, SYS_connect, SYS_ptrace,
          SYS_symlink, SYS_symlinkat, SYS_link, SYS_linkat, SYS_socket, SYS_dup, SYS_dup2, SYS_dup3,
          SYS_init_module, SYS_finit_module, SYS_sendto, SYS_sendmsg})
        EXPECT_TRUE(has(nrs, nr)) << events::syscall_name(static_cast<uint32_t>(nr));
    // From state tracking.
    for (long nr : {SYS_clone, SYS_clone3, SYS_close, SYS_fcntl, SYS_setuid, SYS_chdir})
        EXPECT_TRUE(has(nrs, nr)) << events::syscall_name(static_cast<uint32_t>(nr));
    // Neither rules nor state need these.
    for (long nr : {SYS_read, SYS_write, SYS_mmap, SYS_futex, SYS_getpid})
        EXPECT_FALSE(has(nrs, nr)) << events::syscall_name(static_cast<uint32_t>(nr));
}

TEST(SyscallSelection, RuleWithoutEventTypeTracesEverything) {
    auto r = rules::load_rules_contents(
        {{"t.yaml",
          "- rule: R\n  desc: d\n  condition: proc.name = cat\n  output: o\n  priority: INFO\n"}});
    ASSERT_TRUE(r.ok);
    auto nrs = policy::traced_syscalls(*r.ruleset);
    EXPECT_TRUE(has(nrs, SYS_read));
    EXPECT_TRUE(has(nrs, SYS_futex));
    EXPECT_GT(nrs.size(), 300u);
}

TEST(SyscallSelection, DisabledRulesDoNotWidenTheFilter) {
    auto r = rules::load_rules_contents(
        {{"t.yaml",
          "- rule: R\n  desc: d\n  condition: evt.type = mkdirat\n  output: o\n  priority: INFO\n"
          "  enabled: false\n"}});
    ASSERT_TRUE(r.ok);
    EXPECT_FALSE(has(policy::traced_syscalls(*r.ruleset), SYS_mkdirat));
}

// falco.yaml's base_syscalls (custom_set, repair, all) shaping the set.
namespace {

std::shared_ptr<engine::Ruleset> rules_of(const std::string& condition) {
    auto r =
        rules::load_rules_contents({{"t.yaml", "- rule: r\n  desc: d\n  condition: " + condition +
                                                   "\n  output: o\n  priority: INFO\n"}});
    EXPECT_TRUE(r.ok);
    return r.ruleset;
}

bool traces(const std::vector<uint32_t>& set, const char* name) {
    auto nr = events::syscall_number(name);
    EXPECT_TRUE(nr.has_value()) << name;
    return nr && std::binary_search(set.begin(), set.end(), *nr);
}

std::vector<uint32_t> data_of(const std::string& condition, const std::string& output = "o") {
    auto r = rules::load_rules_contents(
        {{"t.yaml", "- rule: R\n  desc: d\n  condition: " + condition + "\n  output: " + output +
                        "\n  priority: INFO\n"}});
    EXPECT_TRUE(r.ok);
    if (!r.ok) return {};
    return policy::data_syscalls(*r.ruleset);
}

}  // namespace

TEST(BaseSyscalls, DefaultIsTheRulesPlusTheStateSet) {
    auto rs = rules_of("evt.type = ptrace");
    auto set = policy::traced_syscalls(*rs);
    EXPECT_TRUE(traces(set, "ptrace"));
    EXPECT_TRUE(traces(set, "openat"));  // the fd table's
    EXPECT_TRUE(traces(set, "dup2"));
    EXPECT_TRUE(traces(set, "execve"));
    EXPECT_FALSE(traces(set, "mprotect"));
}

TEST(BaseSyscalls, CustomSetReplacesTheStateSetAndAddsItsNames) {
    auto rs = rules_of("evt.type = ptrace");
    policy::BaseSyscalls base;
    base.custom_set = {"mprotect", "clone"};
    auto set = policy::traced_syscalls(*rs, base);
    EXPECT_TRUE(traces(set, "ptrace"));
    EXPECT_TRUE(traces(set, "mprotect"));
    EXPECT_TRUE(traces(set, "clone"));
    EXPECT_FALSE(traces(set, "openat"));
    EXPECT_FALSE(traces(set, "dup2"));
}

TEST(BaseSyscalls, NegativeNamesRemoveEvenTheRulesSyscalls) {
    auto rs = rules_of("evt.type in (ptrace, mount)");
    policy::BaseSyscalls base;
    base.custom_set = {"!ptrace", "!openat"};
    auto set = policy::traced_syscalls(*rs, base);
    EXPECT_FALSE(traces(set, "ptrace"));
    EXPECT_FALSE(traces(set, "openat"));
    // Negatives alone leave the default state set otherwise in place (Falco's fall-back).
    EXPECT_TRUE(traces(set, "mount"));
    EXPECT_TRUE(traces(set, "dup2"));
}

TEST(BaseSyscalls, RepairTracesOnlyWhatTheRulesSyscallsNeed) {
    policy::BaseSyscalls base;
    base.repair = true;
    auto proc = policy::traced_syscalls(*rules_of("evt.type = ptrace"), base);
    EXPECT_TRUE(traces(proc, "ptrace"));
    EXPECT_TRUE(traces(proc, "execve"));
    EXPECT_TRUE(traces(proc, "clone"));
    EXPECT_TRUE(traces(proc, "setuid"));
    EXPECT_TRUE(traces(proc, "chdir"));
    EXPECT_FALSE(traces(proc, "socket"));
    EXPECT_FALSE(traces(proc, "close"));
    EXPECT_FALSE(traces(proc, "dup2"));
    EXPECT_LT(proc.size(), policy::traced_syscalls(*rules_of("evt.type = ptrace")).size());

    auto server = policy::traced_syscalls(*rules_of("evt.type = accept4"), base);
    EXPECT_TRUE(traces(server, "socket"));
    EXPECT_TRUE(traces(server, "bind"));
    EXPECT_TRUE(traces(server, "connect"));
    EXPECT_TRUE(traces(server, "close"));
    auto client = policy::traced_syscalls(*rules_of("evt.type = connect"), base);
    EXPECT_TRUE(traces(client, "socket"));
    EXPECT_FALSE(traces(client, "bind"));
    auto files = policy::traced_syscalls(*rules_of("evt.type = openat"), base);
    EXPECT_TRUE(traces(files, "close"));
    EXPECT_FALSE(traces(files, "socket"));
}

TEST(BaseSyscalls, RepairWithACustomSetAddsToIt) {
    policy::BaseSyscalls base;
    base.custom_set = {"mprotect"};
    base.repair = true;
    auto set = policy::traced_syscalls(*rules_of("evt.type = ptrace"), base);
    EXPECT_TRUE(traces(set, "mprotect"));
    EXPECT_TRUE(traces(set, "execve"));
    EXPECT_FALSE(traces(set, "dup2"));
}

TEST(BaseSyscalls, AllTracesEverySyscallButTheRemovedOnes) {
    policy::BaseSyscalls base;
    base.all = true;
    base.custom_set = {"!write"};
    auto set = policy::traced_syscalls(*rules_of("evt.type = ptrace"), base);
    EXPECT_TRUE(traces(set, "mprotect"));
    EXPECT_TRUE(traces(set, "read"));
    EXPECT_FALSE(traces(set, "write"));
    EXPECT_GT(set.size(), 300u);
}

TEST(BaseSyscalls, UnknownNamesAreReported) {
    EXPECT_TRUE(policy::unknown_syscall_names({"openat", "!mprotect"}).empty());
    auto bad = policy::unknown_syscall_names({"openat", "!nosuchcall", "container"});
    ASSERT_EQ(bad.size(), 2u);
    EXPECT_EQ(bad[0], "!nosuchcall");
    EXPECT_EQ(bad[1], "container");  // an event type, not a syscall
}

// I/O data is copied only for the calls of rules that read it.
TEST(DataSelection, OnlyRulesReadingTheBufferAskForData) {
    auto nrs = data_of("evt.type = write and evt.buffer contains SECRET");
    EXPECT_EQ(nrs, std::vector<uint32_t>{SYS_write});
    nrs = data_of("evt.type in (read, recvfrom) and evt.buffer bcontains 414243");
    EXPECT_EQ(nrs, (std::vector<uint32_t>{SYS_read, SYS_recvfrom}));
    // Through a macro, and in the output only.
    nrs = data_of("evt.type = sendmsg and proc.name = curl", "sent %evt.buffer");
    EXPECT_EQ(nrs, std::vector<uint32_t>{SYS_sendmsg});
    nrs = data_of("evt.type = writev and evt.arg.data contains x");
    EXPECT_EQ(nrs, std::vector<uint32_t>{SYS_writev});
    // Rules on the same calls that do not read the data cost no copy.
    EXPECT_TRUE(data_of("evt.type = write and fd.name = /etc/passwd").empty());
    EXPECT_TRUE(data_of("evt.type = write and evt.buflen > 100").empty());
    EXPECT_TRUE(data_of("evt.type = write and evt.arg.fd = 3").empty());
    // Calls without data never copy, whatever the rule reads.
    EXPECT_TRUE(data_of("evt.type = openat and evt.buffer contains x").empty());
}

TEST(DataSelection, RuleOnEveryEventAsksForAllDataCalls) {
    auto nrs = data_of("proc.name = cat and evt.buffer contains x");
    for (long nr : {SYS_read, SYS_write, SYS_pread64, SYS_pwrite64, SYS_readv, SYS_writev,
                    SYS_preadv, SYS_pwritev, SYS_preadv2, SYS_pwritev2, SYS_sendto, SYS_recvfrom,
                    SYS_sendmsg, SYS_recvmsg})
        EXPECT_TRUE(has(nrs, nr)) << events::syscall_name(static_cast<uint32_t>(nr));
    EXPECT_EQ(nrs.size(), 14u);
}

// Neither the upstream stable rules nor the project's default rules read I/O data, and
// read and write stay untraced with them.
TEST(DataSelection, DefaultRulesCopyNoData) {
    for (const std::string& path : {std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml",
                                    std::string(SENSOR_SOURCE_DIR) + "/rules"}) {
        auto r = rules::load_rules_files({path});
        ASSERT_TRUE(r.ok) << path;
        EXPECT_TRUE(policy::data_syscalls(*r.ruleset).empty()) << path;
        auto traced = policy::traced_syscalls(*r.ruleset);
        EXPECT_FALSE(has(traced, SYS_read)) << path;
        EXPECT_FALSE(has(traced, SYS_write)) << path;
    }
}
