// The probe's syscall filter computed from the loaded rules plus state needs.
#include <sys/syscall.h>

#include <gtest/gtest.h>

#include <algorithm>

#include "sensor/events/syscalls.h"
#include "sensor/policy/probe_policy.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

bool has(const std::vector<uint32_t>& v, long nr) {
    return std::binary_search(v.begin(), v.end(), static_cast<uint32_t>(nr));
}

}  // namespace

TEST(Syscalls, NumbersMatchTheSystemHeaders) {
    EXPECT_EQ(events::syscall_number("openat"), static_cast<uint32_t>(SYS_openat));
    EXPECT_EQ(events::syscall_number("execve"), static_cast<uint32_t>(SYS_execve));
    EXPECT_EQ(events::syscall_number("ptrace"), static_cast<uint32_t>(SYS_ptrace));
    EXPECT_EQ(events::syscall_name(SYS_connect), "connect");
    EXPECT_FALSE(events::syscall_number("procexit"));
    EXPECT_EQ(events::syscall_name(100000), "");
}

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

// The arm64 table is the generic one as arm64 configures it; spot-check numbers from the
// kernel's arch/arm64 table, including the 32/64-bit aliases (fcntl, newfstatat).
TEST(SyscallNumbers, Arm64Table) {
    using sensor::events::syscall_number;
    using sensor::events::SyscallArch;
    struct {
        const char* name;
        uint32_t nr;
    } want[] = {{"openat", 56},  {"close", 57},      {"execve", 221},       {"execveat", 281},
                {"clone", 220},  {"clone3", 435},    {"connect", 203},      {"ptrace", 117},
                {"fcntl", 25},   {"newfstatat", 79}, {"memfd_create", 279}, {"openat2", 437},
                {"unshare", 97}, {"setns", 268},     {"symlinkat", 36},     {"renameat2", 276}};
    for (const auto& w : want) {
        auto nr = syscall_number(w.name, SyscallArch::Arm64);
        ASSERT_TRUE(nr.has_value()) << w.name;
        EXPECT_EQ(*nr, w.nr) << w.name;
        EXPECT_EQ(sensor::events::syscall_name(w.nr, SyscallArch::Arm64), w.name);
    }
    // Syscalls arm64 does not have.
    for (const char* absent : {"open", "creat", "symlink", "fork", "vfork", "dup2", "pipe"})
        EXPECT_FALSE(syscall_number(absent, SyscallArch::Arm64).has_value()) << absent;
    EXPECT_EQ(*syscall_number("open", SyscallArch::X86_64), 2u);
    EXPECT_EQ(*syscall_number("openat", SyscallArch::X86_64), 257u);
}
