// The collector's define / append / override / redefinition semantics: what a later item does
// to an earlier one of the same name, and the errors and warnings of invalid combinations.
#include <gtest/gtest.h>

#include "support/rules_harness.h"

using namespace sensor;
using namespace sensor::rules_test;

TEST(Loader, MissingRequiredKeyIsValidateError) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    const auto* e = first_error(r);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->code, "LOAD_ERR_YAML_VALIDATE");
    EXPECT_EQ(e->message, "Item has no mapping for key 'output'");
    EXPECT_EQ(e->item_kind, "rule");
    EXPECT_EQ(e->item_name, "R");
    EXPECT_EQ(e->file, "test.yaml");
    EXPECT_EQ(e->line, 2u);
}

TEST(Loader, RedefinitionKeepsFirstPositionAndTakesNewContent) {
    auto r = load(R"(
- rule: A
  desc: d
  condition: evt.type = open and proc.name = a
  output: o
  priority: WARNING
- rule: B
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
- rule: A
  desc: d2
  condition: evt.type = open and proc.name = cat
  output: o
  priority: ERROR
)");
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(r.ruleset->rules.size(), 2u);
    EXPECT_EQ(r.ruleset->rules[0].name, "A");
    EXPECT_EQ(r.ruleset->rules[0].desc, "d2");
    EXPECT_EQ(r.ruleset->rules[0].priority, engine::Priority::Error);
    Ev cat("open", "cat");
    // rule_matching first: A comes first by position even though it was redefined last.
    EXPECT_EQ(fired(r, cat.ev), std::vector<std::string>{"A"});
    rules::LoadOptions all;
    all.match_all = true;
    auto r2 = rules::load_rules_contents({{"t.yaml", R"(
- rule: A
  desc: d
  condition: evt.type = open and proc.name = a
  output: o
  priority: WARNING
- rule: B
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
- rule: A
  desc: d2
  condition: evt.type = open and proc.name = cat
  output: o
  priority: ERROR
)"}},
                                         all);
    EXPECT_EQ(fired(r2, cat.ev), (std::vector<std::string>{"A", "B"}));
}

TEST(Loader, OverrideAppendAndReplace) {
    auto r = load(std::string(kBaseRule) + R"(
- rule: R
  condition: or proc.name = dog
  output: "extra=%proc.exe"
  tags: [t2]
  override:
    condition: append
    output: append
    tags: append
- rule: R
  priority: ERROR
  override:
    priority: replace
)");
    ASSERT_TRUE(r.ok) << (first_error(r) ? first_error(r)->message : "");
    const auto* cr = rule(r, "R");
    ASSERT_NE(cr, nullptr);
    EXPECT_EQ(cr->output_format, "name=%proc.name extra=%proc.exe");
    EXPECT_EQ(cr->priority, engine::Priority::Error);
    EXPECT_EQ(cr->tags, std::vector<std::string>{"t2"});
    // `evt.type = open and proc.name = cat or proc.name = dog`: precedence makes dog match on
    // every event type, exactly as Falco's textual append does.
    Ev dog("execve", "dog");
    EXPECT_EQ(fired(r, dog.ev), std::vector<std::string>{"R"});
}

TEST(Loader, AppendAndOverrideTogetherIsAnError) {
    auto r = load(std::string(kBaseRule) + R"(
- rule: R
  condition: and proc.pid > 0
  append: true
  override:
    condition: append
)");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(first_error(r)->message,
              "Keys 'override' and 'append: true' cannot be used together.");
}

TEST(Loader, OverrideOfMissingRuleIsAnError) {
    auto r = load(R"(
- rule: Nope
  condition: and proc.pid > 0
  override:
    condition: append
)");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(first_error(r)->code, "LOAD_ERR_VALIDATE");
    EXPECT_NE(first_error(r)->message.find("no rule by that name already exists"),
              std::string::npos);
}

TEST(Loader, OverrideKeyRules) {
    auto unexpected = load(std::string(kBaseRule) + R"(
- rule: R
  condition: and proc.pid > 0
  desc: other
  override:
    condition: append
)");
    ASSERT_FALSE(unexpected.ok);
    EXPECT_EQ(first_error(unexpected)->message,
              "Unexpected key 'desc': no corresponding entry under 'override' is defined.");
    auto cannot_append = load(std::string(kBaseRule) + R"(
- rule: R
  priority: ERROR
  override:
    priority: append
)");
    ASSERT_FALSE(cannot_append.ok);
    EXPECT_EQ(first_error(cannot_append)->message,
              "Key 'priority' cannot be appended to, use 'replace' instead");
    auto missing_key = load(std::string(kBaseRule) + R"(
- rule: R
  override:
    condition: append
)");
    ASSERT_FALSE(missing_key.ok);
    EXPECT_EQ(first_error(missing_key)->message,
              "An append override for 'condition' was specified but 'condition' is not defined");
}

TEST(Loader, StandaloneEnabledWorksWithDeprecationWarning) {
    auto r = load(std::string(kBaseRule) + R"(
- rule: R
  enabled: false
)");
    ASSERT_TRUE(r.ok);
    EXPECT_FALSE(rule(r, "R")->enabled);
    EXPECT_TRUE(has_warning(r, "LOAD_DEPRECATED_ITEM", "R"));
    Ev cat("open", "cat");
    EXPECT_TRUE(fired(r, cat.ev).empty());
}

TEST(Loader, EnabledOnAppendItemIsIgnored) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open and proc.name = cat
  output: o
  priority: WARNING
  enabled: false
- rule: R
  condition: and proc.pid >= 0
  enabled: true
  append: true
)");
    ASSERT_TRUE(r.ok);
    EXPECT_FALSE(rule(r, "R")->enabled);
}

TEST(Loader, RedefinitionWithDifferentSourceIsAnError) {
    auto r = load(std::string(kBaseRule) + R"(
- rule: R
  desc: d
  condition: ka.verb = get
  output: o
  priority: WARNING
  source: k8s_audit
)");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(first_error(r)->message, "Rule has been re-defined with a different source");
}

TEST(Macros, AppendedTextMaySeeMacrosDefinedSince) {
    auto r = load(R"(
- macro: a
  condition: proc.name = x
- macro: b
  condition: proc.name = y
- macro: a
  condition: or b
  override:
    condition: append
- rule: R
  desc: d
  condition: evt.type = open and a
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok) << first_error(r)->message;
    Ev y("open", "y");
    EXPECT_EQ(fired(r, y.ev).size(), 1u);
}

TEST(Lists, ReplaceOfMissingListOrMacroDefinesIt) {
    auto r = load(R"(
- list: my_list
  items: [cat]
  override:
    items: replace
- macro: my_macro
  condition: proc.name in (my_list)
  override:
    condition: replace
- rule: R
  desc: d
  condition: evt.type = open and my_macro
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok) << first_error(r)->message;
    Ev cat("open", "cat");
    EXPECT_EQ(fired(r, cat.ev).size(), 1u);
}

TEST(Loader, EmptyItemsAreSkippedAndLegacyAppendIgnoresOtherKeys) {
    auto r = load(std::string(kBaseRule) + R"(
-
- rule: R
  condition: or proc.name = dog
  priority: ERROR
  append: true
)");
    ASSERT_TRUE(r.ok) << first_error(r)->message;
    EXPECT_EQ(rule(r, "R")->priority, engine::Priority::Warning);
    EXPECT_TRUE(has_warning(r, "LOAD_UNKNOWN_KEY", "R"));
    Ev dog("execve", "dog");
    EXPECT_EQ(fired(r, dog.ev).size(), 1u);
}

TEST(Exceptions, AppendedExceptionWithoutValuesWarns) {
    auto r = load(std::string(kBaseRule) + R"(
- rule: R
  exceptions:
    - name: later
      fields: [proc.pname]
  override:
    exceptions: append
)");
    ASSERT_TRUE(r.ok) << first_error(r)->message;
    EXPECT_TRUE(has_warning(r, "LOAD_APPEND_NO_VALUES", "R"));
}
