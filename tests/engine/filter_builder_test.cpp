// Filter building as loaded rules see it: syscall.type, and a bare word after `in`.
#include <gtest/gtest.h>

#include "support/rules_harness.h"

using namespace sensor;
using namespace sensor::rules_test;

TEST(Fields, SyscallTypeIsEvtTypeForSyscallsOnly) {
    auto r = load(R"(
- rule: NotOpen
  desc: d
  condition: syscall.type != open
  output: o
  priority: WARNING
  warn_evttypes: false
- rule: Open
  desc: d
  condition: syscall.type = open
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok);
    Ev open("open", "cat"), exec("execve", "cat"), exitev("procexit", "cat");
    EXPECT_EQ(fired(r, open.ev), std::vector<std::string>{"Open"});
    EXPECT_EQ(fired(r, exec.ev), std::vector<std::string>{"NotOpen"});
    EXPECT_TRUE(fired(r, exitev.ev).empty());
}

TEST(Lists, BareWordAfterInIsAOneElementList) {
    auto r = load(R"(
- list: shells
  items: [bash]
- rule: R
  desc: d
  condition: evt.type = open and (proc.name in shells or proc.name in zsh)
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok) << first_error(r)->message;
    Ev bash("open", "bash"), zsh("open", "zsh"), sh("open", "sh");
    EXPECT_EQ(fired(r, bash.ev).size(), 1u);
    EXPECT_EQ(fired(r, zsh.ev).size(), 1u);
    EXPECT_TRUE(fired(r, sh.ev).empty());
}
