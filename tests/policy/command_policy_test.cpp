// fcntl's in-kernel command predicate: the commands the state tables need, plus those the
// loaded rules name; every command when a rule on fcntl does not pin it.
#include "sensor/policy/command_policy.h"

#include <gtest/gtest.h>

#include "sensor/events/linux_abi.h"
#include "sensor/events/syscalls.h"
#include "sensor/policy/probe_policy.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

std::string rule(const std::string& name, const std::string& condition) {
    return "- rule: " + name + "\n  desc: d\n  condition: " + condition +
           "\n  output: o\n  priority: INFO\n";
}

// The fcntl predicate the probe gets for these rules (nullopt: none, every command sent).
std::optional<std::vector<int64_t>> fcntl_commands(const std::string& yaml,
                                                   const policy::BaseSyscalls& base = {}) {
    auto r = rules::load_rules_contents({{"t.yaml", yaml}});
    EXPECT_TRUE(r.ok);
    if (!r.ok) return std::nullopt;
    const capture::ProbeConfig c = policy::probe_config(*r.ruleset, true, base);
    const auto nr = events::syscall_number("fcntl");
    EXPECT_TRUE(nr.has_value());
    for (const auto& p : c.arg_predicates)
        if (p.syscall == *nr) {
            EXPECT_EQ(p.arg, 1);  // the command
            return p.allowed;
        }
    return std::nullopt;
}

const std::vector<int64_t> kStateOnly = {events::abi::kFDupFd, events::abi::kFDupFdCloExec};

}  // namespace

TEST(CommandPredicate, StableRulesSendOnlyTheDuplicatingCommands) {
    auto r = rules::load_rules_files({std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml"});
    ASSERT_TRUE(r.ok);
    const capture::ProbeConfig c = policy::probe_config(*r.ruleset, true);
    ASSERT_EQ(c.arg_predicates.size(), 1u);
    EXPECT_EQ(c.arg_predicates[0].syscall, *events::syscall_number("fcntl"));
    EXPECT_EQ(c.arg_predicates[0].allowed, kStateOnly);
}

TEST(CommandPredicate, RulesNamingCommandsAddThem) {
    auto cmds = fcntl_commands(
        rule("setfl", "evt.type = fcntl and evt.arg.cmd = F_SETFL") +
        rule("locks", "evt.type = fcntl and evt.arg.cmd in (F_SETLK, F_SETLKW) and proc.name = x") +
        rule("raw", "evt.type = fcntl and evt.rawarg.cmd = 1031") +
        rule("exec", "evt.type = execve and proc.name = sh"));
    ASSERT_TRUE(cmds.has_value());
    EXPECT_EQ(*cmds, (std::vector<int64_t>{0, 4, 6, 7, 1030, 1031}));
}

TEST(CommandPredicate, RulesThatDoNotPinTheCommandSendEveryCommand) {
    for (const char* cond : {
             "evt.type = fcntl and proc.name = x",                          // no command check
             "evt.type = fcntl and evt.arg.cmd != F_GETFL",                 // negated
             "evt.type = fcntl and evt.arg.cmd contains SET",               // not = or in
             "evt.type = fcntl and (evt.arg.cmd = F_SETFL or fd.num = 3)",  // one side open
             "evt.type = fcntl and evt.arg.cmd = NOT_A_COMMAND",            // unparsable
             "proc.name = x",                                               // every event type
         }) {
        EXPECT_FALSE(fcntl_commands(rule("r", cond)).has_value()) << cond;
    }
}

TEST(CommandPredicate, BaseSyscallsNamingFcntlOrAllSendEveryCommand) {
    const std::string rules = rule("exec", "evt.type = execve and proc.name = sh");
    EXPECT_EQ(fcntl_commands(rules), kStateOnly);
    policy::BaseSyscalls all;
    all.all = true;
    EXPECT_FALSE(fcntl_commands(rules, all).has_value());
    policy::BaseSyscalls named;
    named.custom_set = {"fcntl", "execve"};
    EXPECT_FALSE(fcntl_commands(rules, named).has_value());
}

TEST(CommandPredicate, UntracedFcntlHasNoPredicate) {
    policy::BaseSyscalls base;
    base.custom_set = {"!fcntl"};
    EXPECT_FALSE(fcntl_commands(rule("exec", "evt.type = execve"), base).has_value());
}
