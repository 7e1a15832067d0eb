// Text-level condition steps: list substitution and nested lists, and rule exceptions turned
// into condition fragments.
#include <gtest/gtest.h>

#include "support/rules_harness.h"

using namespace sensor;
using namespace sensor::rules_test;

TEST(Lists, SubstitutedEverywhereRegardlessOfOrder) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open and proc.name in (shells)
  output: o
  priority: WARNING
- list: shells
  items: [bash, "my shell"]
)");
    ASSERT_TRUE(r.ok);
    EXPECT_NE(rule(r, "R")->condition.find("bash, \"my shell\""), std::string::npos);
    Ev sh("open", "my shell"), other("open", "zsh");
    EXPECT_EQ(fired(r, sh.ev).size(), 1u);
    EXPECT_TRUE(fired(r, other.ev).empty());
}

TEST(Lists, NameInsideQuotesIsNotReplacedAndAppendConcatenates) {
    auto r = load(R"(
- list: bins
  items: [cat]
- list: bins
  items: [dog]
  override:
    items: append
- rule: R
  desc: d
  condition: evt.type = open and proc.name in (bins) and not proc.cmdline = "bins"
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok);
    EXPECT_NE(rule(r, "R")->condition.find("cat, dog"), std::string::npos);
    EXPECT_NE(rule(r, "R")->condition.find("\"bins\""), std::string::npos);
}

TEST(Lists, EmptyListRemovesAComma) {
    auto r = load(R"(
- list: empty
  items: []
- rule: R
  desc: d
  condition: evt.type = open and proc.name in (cat, empty)
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok) << first_error(r)->message;
    Ev cat("open", "cat");
    EXPECT_EQ(fired(r, cat.ev).size(), 1u);
}

TEST(Lists, NestedListsExpandOneLevelFromEarlierLists) {
    auto r = load(R"(
- list: a
  items: [x1]
- list: b
  items: [a, x2]
- rule: R
  desc: d
  condition: evt.type = open and proc.name in (b)
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok);
    EXPECT_NE(rule(r, "R")->condition.find("x1, x2"), std::string::npos);
    EXPECT_FALSE(has_warning(r, "LOAD_UNUSED_LIST", "a"));
}

TEST(Exceptions, ListFieldsBuildAndNotClauses) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open and (proc.cmdline contains curl or proc.cmdline contains wget)
  output: o
  priority: WARNING
  exceptions:
    - name: local
      fields: [proc.cmdline]
      comps: [contains]
      values:
        - [curl 127.0.0.1]
)");
    ASSERT_TRUE(r.ok) << first_error(r)->message;
    EXPECT_NE(rule(r, "R")->condition.find("proc.cmdline contains \"curl 127.0.0.1\""),
              std::string::npos);
    Ev remote("open", "curl", "http://evil"), local("open", "curl", "127.0.0.1");
    EXPECT_EQ(fired(r, remote.ev).size(), 1u);
    EXPECT_TRUE(fired(r, local.ev).empty());
}

TEST(Exceptions, ScalarFieldUsesInAndAppendAddsValues) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
  exceptions:
    - name: names
      fields: proc.name
      values: [cat]
- rule: R
  exceptions:
    - name: names
      values: [dog]
  override:
    exceptions: append
)");
    ASSERT_TRUE(r.ok) << first_error(r)->message;
    Ev cat("open", "cat"), dog("open", "dog"), ls("open", "ls");
    EXPECT_TRUE(fired(r, cat.ev).empty());
    EXPECT_TRUE(fired(r, dog.ev).empty());
    EXPECT_EQ(fired(r, ls.ev).size(), 1u);
}

TEST(Exceptions, ValidationErrorsAndWarnings) {
    auto mismatch = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
  exceptions:
    - name: e
      fields: [proc.name, proc.pname]
      comps: [=]
      values: [[a, b]]
)");
    ASSERT_FALSE(mismatch.ok);
    EXPECT_EQ(first_error(mismatch)->code, "LOAD_ERR_VALIDATE");
    auto bad_comp = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
  exceptions:
    - name: e
      fields: [proc.name]
      comps: [resembles]
      values: [[a]]
)");
    ASSERT_FALSE(bad_comp.ok);
    auto dup = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
  exceptions:
    - name: e
      fields: proc.name
      values: [a]
    - name: e
      fields: proc.name
      values: [b]
)");
    ASSERT_TRUE(dup.ok);
    EXPECT_TRUE(has_warning(dup, "LOAD_EXCEPTION_NAME_NOT_UNIQUE", "R"));
}

TEST(Exceptions, ValueThatLooksLikeAFieldIsAStringWithWarning) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
  exceptions:
    - name: e
      fields: [proc.name]
      values: [[proc.pname]]
)");
    ASSERT_TRUE(r.ok);
    bool found = false;
    for (const auto& d : all_diags(r))
        found |= d.code == "LOAD_COMPILE_CONDITION" &&
                 d.message == "'proc.pname' may be a valid field misused as a const string value";
    EXPECT_TRUE(found);
    Ev p("open", "proc.pname");
    EXPECT_TRUE(fired(r, p.ev).empty());
}

TEST(Exceptions, TransformerValueIsRealAndSpacedValueIsQuoted) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
  exceptions:
    - name: upper
      fields: [proc.name]
      values: [[toupper(proc.pname)]]
    - name: spaced
      fields: [proc.name]
      values: [["proc.pname "]]
)");
    ASSERT_TRUE(r.ok) << first_error(r)->message;
    EXPECT_NE(rule(r, "R")->condition.find("proc.name = \"proc.pname \""), std::string::npos);
    Ev upper("open", "BASH");
    state::ProcessInfo parent;
    parent.name = "bash";
    upper.proc.parent = &parent;
    EXPECT_TRUE(fired(r, upper.ev).empty());  // BASH == toupper(bash): excepted
    Ev other("open", "ZSH");
    other.proc.parent = &parent;
    EXPECT_EQ(fired(r, other.ev).size(), 1u);
    Ev spaced("open", "proc.pname ");
    EXPECT_TRUE(fired(r, spaced.ev).empty());
}
