// Falco 0.44's load warnings with its codes, texts and messages: unknown keys per item type,
// deprecated fields (condition and output), unsafe <NA> comparisons, the condition compiler's
// warnings (regex, field- or transformer-like values), rules without event types, and the
// deprecated `append` key.
#include <gtest/gtest.h>

#include "sensor/k8saudit/audit_source.h"
#include "support/rules_harness.h"

using namespace sensor;
using namespace sensor::rules_test;

namespace {

// The k8s_audit source exists once registered (the daemon does it at start).
const fields::SourceId kAuditSource = k8saudit::k8s_audit_source();

std::vector<rules::Diagnostic> warnings_with(const rules::LoadResult& r, const std::string& code) {
    std::vector<rules::Diagnostic> out;
    for (const auto& d : all_diags(r))
        if (!d.error && d.code == code) out.push_back(d);
    return out;
}

std::string rule_with(const std::string& condition, const std::string& output = "o",
                      const std::string& source = "syscall") {
    return "- rule: R\n  desc: d\n  condition: " + condition + "\n  output: \"" + output +
           "\"\n  priority: WARNING\n  source: " + source + "\n";
}

}  // namespace

TEST(FalcoWarnings, UnknownKeysOfEveryCheckedItemType) {
    auto r = load(R"(- required_engine_version: 0.50.0
  colour: red
- required_plugin_versions:
    - name: container
      version: 0.1.0
  size: 3
- list: l
  items: [a]
  typo: 1
- macro: m
  condition: proc.name in (l)
  extra: 1
- rule: R
  desc: d
  condition: evt.type = open and m
  output: o
  priority: WARNING
  exceptions:
    - name: e
      fields: proc.name
      unexpected: 1
  colour: blue
)");
    ASSERT_TRUE(r.ok);
    auto w = warnings_with(r, "LOAD_UNKNOWN_KEY");
    ASSERT_EQ(w.size(), 5u);
    struct Want {
        std::string key, kind, name;
        uint32_t line, col;
    };
    std::vector<Want> want = {{"colour", "required_engine_version", "", 2, 3},
                              {"size", "required_plugin_versions", "", 6, 3},
                              {"typo", "list", "l", 9, 3},
                              {"extra", "macro", "m", 12, 3},
                              {"colour", "rule", "R", 22, 3}};
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(w[i].message, "Unknown key '" + want[i].key + "'. The key will be ignored.");
        EXPECT_EQ(w[i].item_kind, want[i].kind);
        EXPECT_EQ(w[i].item_name, want[i].name);
        EXPECT_EQ(w[i].line, want[i].line) << want[i].key;
        EXPECT_EQ(w[i].col, want[i].col) << want[i].key;
        EXPECT_NE(rules::format_diagnostic(w[i]).find(
                      "LOAD_UNKNOWN_KEY (Unknown key in item definition): Unknown key '"),
                  std::string::npos);
    }
    // Falco checks no keys of an exception: `unexpected` is not reported.
}

TEST(FalcoWarnings, DeprecatedFieldsInConditionAndOutput) {
    auto r = load(R"(- macro: exits
  condition: evt.dir = <
- rule: R
  desc: d
  condition: evt.type = execve and exits and evt.latency > 0 and evt.dir = <
  output: "lat=%evt.latency dir=%evt.dir"
  priority: WARNING
)");
    ASSERT_TRUE(r.ok);
    auto w = warnings_with(r, "LOAD_DEPRECATED_ITEM");
    // One per field in the condition (macros expanded, each field once), then the output's, in
    // the order of Falco's table.
    ASSERT_EQ(w.size(), 4u);
    EXPECT_EQ(w[0].deprecated_field, "evt.dir");
    EXPECT_EQ(w[0].message.rfind("due to the drop of enter events, 'evt.dir = <' always", 0), 0u);
    EXPECT_EQ(w[0].item_name, "R");
    EXPECT_EQ(w[0].line, 5u);
    EXPECT_EQ(w[0].col, 66u);  // the first evt.dir in the rule's own text
    EXPECT_EQ(w[1].deprecated_field, "evt.latency");
    EXPECT_EQ(w[1].message, "field is not available due to the drop of enter events.");
    EXPECT_EQ(w[2].deprecated_field, "evt.dir");
    EXPECT_EQ(w[2].message,
              "usage of deprecated field 'evt.dir' has been detected in the rule output");
    EXPECT_EQ(w[3].deprecated_field, "evt.latency");
    EXPECT_NE(rules::format_diagnostic(w[0]).find(
                  "LOAD_DEPRECATED_ITEM (Used deprecated item: field 'evt.dir'): due to"),
              std::string::npos);
    auto j = rules::diagnostic_json(w[0]);
    EXPECT_EQ(j["deprecated_field"], "evt.dir");
    EXPECT_EQ(j["codedesc"], "A deprecated item is employed by lists, macros, or rules.");
    // evt.reltime is not on Falco's list.
    EXPECT_FALSE(has_warning(load(rule_with("evt.type = open and evt.reltime > 0")),
                             "LOAD_DEPRECATED_ITEM"));
}

TEST(FalcoWarnings, UnsafeNaComparisonsOnAuditFields) {
    auto na = load(rule_with("ka.user.name = <NA> or ka.verb in (get, <NA>)", "o", "k8s_audit"));
    ASSERT_TRUE(na.ok);
    auto w = warnings_with(na, "LOAD_UNSAFE_NA_CHECK");
    ASSERT_EQ(w.size(), 1u);  // one per rule, as Falco's warning set
    EXPECT_EQ(w[0].message, "");
    EXPECT_EQ(w[0].item_name, "R");
    EXPECT_NE(rules::format_diagnostic(w[0]).find(
                  "LOAD_UNSAFE_NA_CHECK (Unsafe <NA> comparison in condition): "),
              std::string::npos);
    EXPECT_TRUE(has_warning(load(rule_with("ka.verb != \"<NA>\"", "o", "k8s_audit")),
                            "LOAD_UNSAFE_NA_CHECK"));
    for (const char* c : {"ka.verb = get", "ka.verb contains <NA>", "ka.verb exists"})
        EXPECT_FALSE(has_warning(load(rule_with(c, "o", "k8s_audit")), "LOAD_UNSAFE_NA_CHECK"))
            << c;
    EXPECT_FALSE(has_warning(load(rule_with("evt.type = open and proc.name in (\"<NA>\")")),
                             "LOAD_UNSAFE_NA_CHECK"));
}

TEST(FalcoWarnings, ConditionCompilerWarningsUseLibsWording) {
    auto r = load(rule_with("evt.type = open and proc.name regex \"cat.*\""));
    auto w = warnings_with(r, "LOAD_COMPILE_CONDITION");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].message,
              "regex check with 'cat.*' may be optimized with simpler operators such as '=', "
              "'contains', 'startswith', 'endswith'");
    EXPECT_EQ(w[0].line, 3u);
    EXPECT_EQ(w[0].col, 50u);  // the quoted value
    EXPECT_NE(rules::format_diagnostic(w[0]).find(
                  "LOAD_COMPILE_CONDITION (Warning in rule condition): regex check"),
              std::string::npos);
    // Anchors and a leading/trailing .* .+ .? are allowed; any other special character is not.
    for (const char* v : {"^cat$", ".*cat", ".+cat.?", "cat"})
        EXPECT_TRUE(has_warning(load(rule_with(std::string("evt.type = open and proc.name regex "
                                                           "\"") +
                                               v + "\"")),
                                "LOAD_COMPILE_CONDITION"))
            << v;
    for (const char* v : {"c.t", "ca[t]", "a|b", "x.*y", "\\\\d"})
        EXPECT_FALSE(has_warning(load(rule_with(std::string("evt.type = open and proc.name regex "
                                                            "\"") +
                                                v + "\"")),
                                 "LOAD_COMPILE_CONDITION"))
            << v;
    auto t =
        warnings_with(load(rule_with("evt.type = open and proc.name = \"tolower( proc.pname )\"")),
                      "LOAD_COMPILE_CONDITION");
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].message,
              "'tolower( proc.pname )' may be a valid field transformer misused as a const string "
              "value");
    auto f = warnings_with(load(rule_with("evt.type = open and proc.name = \"proc. pname\"")),
                           "LOAD_COMPILE_CONDITION");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].message, "'proc. pname' may be a valid field misused as a const string value");
}

TEST(FalcoWarnings, NoEventTypeRestrictionOnSyscallRulesOnly) {
    auto none = load(rule_with("evt.type in () and proc.name = cat"));
    ASSERT_TRUE(none.ok);
    auto w = warnings_with(none, "LOAD_NO_EVTTYPE");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].message,
              "Rule matches too many evt.type values. This has a significant performance "
              "penalty.");
    EXPECT_TRUE(has_warning(load(rule_with("proc.name = cat")), "LOAD_NO_EVTTYPE"));
    EXPECT_FALSE(
        has_warning(load(rule_with("evt.type = open and proc.name = cat")), "LOAD_NO_EVTTYPE"));
    EXPECT_FALSE(
        has_warning(load(rule_with("ka.verb = get", "o", "k8s_audit")), "LOAD_NO_EVTTYPE"));
}

TEST(FalcoWarnings, AppendKeyAndCodeTexts) {
    auto r = load(std::string(kBaseRule) + R"(- rule: R
  condition: or proc.name = dog
  append: true
)");
    ASSERT_TRUE(r.ok);
    auto w = warnings_with(r, "LOAD_DEPRECATED_ITEM");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].message,
              "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under "
              "'override' instead.");
    EXPECT_EQ(rules::code_description("LOAD_UNKNOWN_SOURCE"), "Unknown event source");
    EXPECT_EQ(rules::code_description("LOAD_APPEND_NO_VALUES"),
              "Overriding/appending with no values");
    EXPECT_EQ(rules::code_description("LOAD_ERR_COMPILE_CONDITION"), "Error compiling condition");
    EXPECT_EQ(
        rules::warning_explanation("LOAD_UNUSED_MACRO"),
        "A macro is defined in the rules content but is not used by any other macro or rule.");
}

// Falco's own rule files and the shipped rules load as before: same counts, no warning.
TEST(FalcoWarnings, UpstreamAndShippedRulesLoadWithoutWarnings) {
    const std::string shared = std::string(SENSOR_SHARED_DIR) + "/rules/";
    struct Case {
        std::vector<std::string> files;
        size_t rules, macros, lists;
    };
    for (const Case& c : std::vector<Case>{
             {{shared + "falco_rules.yaml"}, 25, 87, 49},
             {{shared + "falco-incubating_rules.yaml"}, 31, 82, 54},
             {{shared + "k8s_audit_rules.yaml"}, 48, 45, 18},
             {{shared + "falco_rules.yaml", shared + "falco-incubating_rules.yaml"}, 56, 157, 83},
             {{std::string(SENSOR_SOURCE_DIR) + "/rules"}, 41, 65, 54}}) {
        auto r = rules::load_rules_files(c.files);
        ASSERT_TRUE(r.ok) << c.files[0];
        EXPECT_EQ(r.rule_count, c.rules) << c.files[0];
        EXPECT_EQ(r.macro_count, c.macros) << c.files[0];
        EXPECT_EQ(r.list_count, c.lists) << c.files[0];
        for (const auto& d : all_diags(r))
            ADD_FAILURE() << c.files[0] << ": " << rules::format_diagnostic(d);
    }
}

// A transformer argument error is a load error naming the file, line, column and rule.
TEST(FalcoWarnings, TransformerArgumentErrorsArePositionedLoadErrors) {
    auto r = load(R"(- rule: R
  desc: d
  condition: >
    evt.type = open and
    join(("a", "b"), (proc.name)) = x
  output: o
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    const rules::Diagnostic* e = first_error(r);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "LOAD_ERR_COMPILE_CONDITION");
    EXPECT_EQ(e->message, "join() first argument (separator) must be a single value, not a list");
    EXPECT_EQ(e->item_kind, "rule");
    EXPECT_EQ(e->item_name, "R");
    EXPECT_EQ(e->file, "test.yaml");
    EXPECT_EQ(e->line, 5u);
    EXPECT_EQ(e->col, 5u);
    auto g = load(rule_with("evt.type = open and getopt(proc.name, \"t:\")[t] = x"));
    ASSERT_FALSE(g.ok);
    EXPECT_EQ(first_error(g)->message, "getopt() first argument must be a list");
    EXPECT_EQ(first_error(g)->line, 3u);
    EXPECT_EQ(first_error(g)->col, 34u);
}

// LOAD_APPEND_NO_VALUES is about exceptions only, with Falco's message.
TEST(FalcoWarnings, AppendNoValuesIsForExceptionsOnly) {
    auto r = load(std::string(kBaseRule) + R"(- rule: R
  exceptions:
    - name: later
      fields: [proc.pname]
  override:
    exceptions: append
- list: l
  items: [a]
- list: l
  items: []
  override:
    items: append
- rule: S
  desc: d
  condition: evt.type = open and proc.name in (l)
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok);
    auto w = warnings_with(r, "LOAD_APPEND_NO_VALUES");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].message, "Overriding/appending exception with no values");
    EXPECT_EQ(w[0].item_name, "R");
}
