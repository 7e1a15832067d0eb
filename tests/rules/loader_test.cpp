// Rules-file semantics: items, define/append/override/redefinition, exceptions, lists and
// macros, warnings and error diagnostics.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "sensor/events/event_types.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

rules::LoadResult load(const std::string& yaml, const rules::LoadOptions& o = {}) {
    return rules::load_rules_contents({{"test.yaml", yaml}}, o);
}

std::vector<rules::Diagnostic> all_diags(const rules::LoadResult& r) {
    std::vector<rules::Diagnostic> out;
    for (const auto& f : r.files) out.insert(out.end(), f.diagnostics.begin(), f.diagnostics.end());
    return out;
}

const rules::Diagnostic* first_error(const rules::LoadResult& r) {
    for (const auto& f : r.files)
        for (const auto& d : f.diagnostics)
            if (d.error) return &d;
    return nullptr;
}

bool has_warning(const rules::LoadResult& r, const std::string& code,
                 const std::string& name = "") {
    for (const auto& d : all_diags(r))
        if (!d.error && d.code == code && (name.empty() || d.item_name == name)) return true;
    return false;
}

const engine::CompiledRule* rule(const rules::LoadResult& r, const std::string& name) {
    if (!r.ruleset) return nullptr;
    for (const auto& x : r.ruleset->rules)
        if (x.name == name) return &x;
    return nullptr;
}

// A process/event pair for evaluating conditions.
struct Ev {
    state::ProcessInfo proc;
    state::FdInfo fd;
    fields::Event ev;
    Ev(const std::string& type, const std::string& name, const std::string& cmdline_args = "") {
        proc.name = name;
        proc.exe = name;
        if (!cmdline_args.empty()) proc.argv = {cmdline_args};
        proc.refresh_derived();
        ev.type = *events::event_type_id(type);
        ev.num = 1;
        ev.proc = &proc;
        ev.fd = &fd;
    }
};

std::vector<std::string> fired(const rules::LoadResult& r, const fields::Event& ev) {
    std::vector<std::string> names;
    auto ctx = r.ruleset->new_context();
    r.ruleset->evaluate(ev, ctx, [&](const engine::CompiledRule& cr) { names.push_back(cr.name); });
    return names;
}

const char* kBaseRule = R"(
- rule: R
  desc: d
  condition: evt.type = open and proc.name = cat
  output: "name=%proc.name"
  priority: WARNING
)";

}  // namespace

TEST(Loader, MinimalRuleLoadsAndFires) {
    auto r = load(kBaseRule);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.rule_count, 1u);
    Ev cat("open", "cat"), ls("open", "ls"), cat_exec("execve", "cat");
    EXPECT_EQ(fired(r, cat.ev), std::vector<std::string>{"R"});
    EXPECT_TRUE(fired(r, ls.ev).empty());
    EXPECT_TRUE(fired(r, cat_exec.ev).empty());
}

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

TEST(Loader, PriorityParsingIsCaseInsensitiveAndAcceptsInfo) {
    for (const char* p : {"info", "INFO", "Informational", "notice", "Critical"}) {
        std::string y = R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: )" + std::string(p) +
                        "\n";
        auto r = load(y);
        EXPECT_TRUE(r.ok) << p;
    }
    auto bad = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: SEVERE
)");
    ASSERT_FALSE(bad.ok);
    EXPECT_EQ(first_error(bad)->message, "Invalid priority");
    EXPECT_EQ(first_error(bad)->line, 6u);
}

TEST(Loader, InfoRulesRenderAsInformational) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: info
)");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(engine::priority_name(r.ruleset->rules[0].priority), "Informational");
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

TEST(Loader, UnknownKeysAndItemsWarn) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
  colour: blue
- something_else: 1
)");
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(has_warning(r, "LOAD_UNKNOWN_KEY", "R"));
    EXPECT_TRUE(has_warning(r, "LOAD_UNKNOWN_ITEM"));
}

TEST(Loader, EngineVersion) {
    EXPECT_TRUE(load("- required_engine_version: 0.57.0\n").ok);
    EXPECT_TRUE(load("- required_engine_version: 10\n").ok);
    auto too_new = load("- required_engine_version: 0.99.0\n");
    ASSERT_FALSE(too_new.ok);
    EXPECT_EQ(
        first_error(too_new)->message,
        "Rules require engine version 0.99.0, but engine version is " + rules::engine_version());
    EXPECT_FALSE(load("- required_engine_version: banana\n").ok);
}

TEST(Loader, RequiredPluginsOnlyContainerIsProvided) {
    EXPECT_TRUE(load("- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n").ok);
    auto r = load("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n");
    ASSERT_FALSE(r.ok);
    EXPECT_NE(first_error(r)->message.find("k8saudit"), std::string::npos);
    EXPECT_TRUE(load("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n"
                     "    alternatives:\n      - name: container\n        version: 0.1.0\n")
                    .ok);
}

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

TEST(Macros, MacroCanOnlySeeEarlierMacrosButRulesSeeAll) {
    auto later = load(R"(
- macro: m1
  condition: m2
- macro: m2
  condition: proc.name = cat
)");
    ASSERT_FALSE(later.ok);
    EXPECT_EQ(first_error(later)->message, "Undefined macro 'm2' used in filter.");
    EXPECT_EQ(first_error(later)->item_name, "m1");
    auto rule_sees_later = load(R"(
- rule: R
  desc: d
  condition: evt.type = open and m
  output: o
  priority: WARNING
- macro: m
  condition: proc.name = cat
)");
    EXPECT_TRUE(rule_sees_later.ok);
}

TEST(Macros, ReferenceLoopIsDetected) {
    auto r = load(R"(
- macro: m
  condition: proc.name = cat
- macro: m
  condition: m or proc.name = dog
)");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(first_error(r)->message, "reference loop in macro 'm'");
}

TEST(Macros, AppendJoinsConditionsAndUnusedWarns) {
    auto r = load(R"(
- macro: m
  condition: proc.name = cat
- macro: m
  condition: or proc.name = dog
  override:
    condition: append
- macro: unused_one
  condition: proc.name = x
- list: unused_list
  items: [a]
- rule: R
  desc: d
  condition: evt.type = open and m
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok);
    Ev dog("open", "dog");
    EXPECT_EQ(fired(r, dog.ev).size(), 1u);
    EXPECT_TRUE(has_warning(r, "LOAD_UNUSED_MACRO", "unused_one"));
    EXPECT_TRUE(has_warning(r, "LOAD_UNUSED_LIST", "unused_list"));
    EXPECT_FALSE(has_warning(r, "LOAD_UNUSED_MACRO", "m"));
}

TEST(Macros, ResultsAreSharedWithinOneEvent) {
    auto r = load(R"(
- macro: m
  condition: proc.name = cat
- rule: A
  desc: d
  condition: evt.type = open and m and proc.pid = 5
  output: o
  priority: WARNING
- rule: B
  desc: d
  condition: evt.type = open and m
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok);
    // One compiled body and one memo slot for the macro, whoever references it.
    EXPECT_EQ(r.ruleset->arena.memo_slots, 1u);
    Ev cat("open", "cat");
    EXPECT_EQ(fired(r, cat.ev), std::vector<std::string>{"B"});
    Ev cat2("open", "cat");
    cat2.proc.pid = 5;
    EXPECT_EQ(fired(r, cat2.ev), std::vector<std::string>{"A"});
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

TEST(Warnings, NoEvtTypeRestriction) {
    auto any = load(R"(
- rule: R
  desc: d
  condition: proc.name = cat
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(any.ok);
    EXPECT_TRUE(has_warning(any, "LOAD_NO_EVTTYPE", "R"));
    auto typed = load(R"(
- rule: R
  desc: d
  condition: evt.type = close
  output: o
  priority: WARNING
)");
    EXPECT_FALSE(has_warning(typed, "LOAD_NO_EVTTYPE"));
    auto suppressed = load(R"(
- rule: R
  desc: d
  condition: proc.name = cat
  output: o
  priority: WARNING
  warn_evttypes: false
)");
    EXPECT_FALSE(has_warning(suppressed, "LOAD_NO_EVTTYPE"));
    auto never = load(R"(
- rule: R
  desc: d
  condition: evt.num = 0
  output: o
  priority: WARNING
)");
    EXPECT_FALSE(has_warning(never, "LOAD_NO_EVTTYPE"));
}

TEST(Warnings, SkipIfUnknownFilterDropsTheRule) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open and proc.future_field = 1
  output: o
  priority: WARNING
  skip-if-unknown-filter: true
)");
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(has_warning(r, "LOAD_UNKNOWN_FILTER", "R"));
    EXPECT_EQ(rule(r, "R"), nullptr);
}

TEST(Diagnostics, UnknownFieldNamesFileLineColumnAndRule) {
    auto r = load(R"(- rule: Bad
  desc: d
  condition: >
    evt.type = open and
    proc.nme = bash
  output: o
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    const auto* e = first_error(r);
    EXPECT_EQ(e->code, "LOAD_ERR_COMPILE_CONDITION");
    EXPECT_EQ(e->message, "filter_check called with nonexistent field proc.nme");
    EXPECT_EQ(e->line, 5u);
    EXPECT_EQ(e->col, 5u);
    EXPECT_EQ(e->item_name, "Bad");
    EXPECT_NE(e->snippet.find("proc.nme = bash"), std::string::npos);
}

TEST(Diagnostics, SyntaxErrorPointsAtTheProblem) {
    auto r = load(R"(- rule: Bad
  desc: d
  condition: evt.type = open and (proc.name = bash
  output: o
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    const auto* e = first_error(r);
    EXPECT_EQ(e->message, "expected a ')' token");
    EXPECT_EQ(e->line, 3u);
    EXPECT_EQ(e->col, 51u);
}

TEST(Diagnostics, BadOutputIsCompileOutputError) {
    auto r = load(R"(- rule: Bad
  desc: d
  condition: evt.type = open
  output: "file=%fd.nme by %proc.name"
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    const auto* e = first_error(r);
    EXPECT_EQ(e->code, "LOAD_ERR_COMPILE_OUTPUT");
    EXPECT_NE(e->message.find("invalid formatting token %fd.nme"), std::string::npos);
    EXPECT_EQ(e->line, 4u);
    EXPECT_EQ(e->col, 17u);  // the % of the bad token
}

TEST(Diagnostics, ErrorInsideMacroPointsIntoTheMacro) {
    auto r = load(R"(- macro: m
  condition: proc.nmae = x
- rule: R
  desc: d
  condition: evt.type = open and m
  output: o
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    const auto* e = first_error(r);
    EXPECT_EQ(e->item_kind, "macro");
    EXPECT_EQ(e->item_name, "m");
    EXPECT_EQ(e->line, 2u);
    EXPECT_EQ(e->col, 14u);
    EXPECT_NE(e->message.find("rule 'R'"), std::string::npos);
}

TEST(Garbage, NeverCrashes) {
    std::string binary(
        "\x7f"
        "ELF\x02\x01\x01\0\0\0\0",
        12);
    EXPECT_FALSE(load(binary).ok);
    EXPECT_FALSE(load("{a: 1}").ok);
    EXPECT_FALSE(load("- 1\n- 2\n").ok);
    EXPECT_FALSE(load("- rule: [\n").ok);
    // yaml-cpp 0.7's LoadAll loops forever on these (found by fuzzing); we must fail instead.
    EXPECT_FALSE(load(",").ok);
    EXPECT_FALSE(load("- rule: X\n  condition: >\n    a\n,    and b\n").ok);
    EXPECT_TRUE(load("").ok);
    EXPECT_TRUE(load("# only a comment\n").ok);
    // Deep YAML nesting.
    EXPECT_FALSE(load(std::string(100000, '[')).ok);
    // Deeply nested condition.
    std::string deep = "- rule: R\n  desc: d\n  output: o\n  priority: INFO\n  condition: " +
                       std::string(5000, '(') + "evt.type = open" + std::string(5000, ')') + "\n";
    auto r = load(deep);
    ASSERT_FALSE(r.ok);
    EXPECT_NE(first_error(r)->message.find("max depth"), std::string::npos);
    // A 1 MB condition loads (or fails) quickly without crashing.
    std::string big =
        "- rule: R\n  desc: d\n  output: o\n  priority: INFO\n  condition: evt.type = "
        "open and proc.name in (";
    for (int i = 0; i < 110000; ++i) big += "name" + std::to_string(i) + ",";
    big += "last)\n";
    ASSERT_GT(big.size(), 1000000u);
    EXPECT_TRUE(load(big).ok);
}

TEST(Files, LaterFilesAppendToEarlierOnesAndDirectoriesSort) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / "sensor_loader_test_dir";
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "10-base.yaml") << kBaseRule;
    std::ofstream(dir / "20-extra.yml") << R"(
- rule: R
  condition: or proc.name = dog
  override:
    condition: append
)";
    std::ofstream(dir / "notes.txt") << "not rules";
    auto r = rules::load_rules_files({dir.string()});
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(r.files.size(), 2u);
    EXPECT_NE(r.files[0].path.find("10-base.yaml"), std::string::npos);
    Ev dog("open", "dog");
    EXPECT_EQ(fired(r, dog.ev).size(), 1u);
    auto missing = rules::load_rules_files({(dir / "nope.yaml").string()});
    ASSERT_FALSE(missing.ok);
    EXPECT_EQ(first_error(missing)->code, "LOAD_ERR_FILE_READ");
    fs::remove_all(dir);
}

TEST(Options, MinimumPriorityDisablesLessSevereRules) {
    rules::LoadOptions o;
    o.min_priority = engine::Priority::Error;
    auto r = load(std::string(kBaseRule) + R"(
- rule: Crit
  desc: d
  condition: evt.type = open and proc.name = cat
  output: o
  priority: CRITICAL
)",
                  o);
    ASSERT_TRUE(r.ok);
    EXPECT_FALSE(rule(r, "R")->enabled);
    Ev cat("open", "cat");
    EXPECT_EQ(fired(r, cat.ev), std::vector<std::string>{"Crit"});
}

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

TEST(Warnings, EvtDirIsDeprecated) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = execve and evt.dir = <
  output: o
  priority: WARNING
)");
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(has_warning(r, "LOAD_DEPRECATED_ITEM", "R"));
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

TEST(Garbage, LongMacroChainsAreRejectedNotOverflowed) {
    std::string y = "- macro: m0\n  condition: proc.name = x\n";
    for (int i = 1; i < 30000; ++i)
        y += "- macro: m" + std::to_string(i) + "\n  condition: m" + std::to_string(i - 1) +
             " or proc.name = y\n";
    y += "- rule: R\n  desc: d\n  condition: evt.type = open and m29999\n  output: o\n  "
         "priority: INFO\n";
    auto r = load(y);
    ASSERT_FALSE(r.ok);
    EXPECT_NE(first_error(r)->message.find("levels deep"), std::string::npos);
    // A moderate chain is fine.
    std::string ok = "- macro: m0\n  condition: proc.name = x\n";
    for (int i = 1; i < 200; ++i)
        ok += "- macro: m" + std::to_string(i) + "\n  condition: m" + std::to_string(i - 1) +
              " or proc.name = y" + std::to_string(i) + "\n";
    ok +=
        "- rule: R\n  desc: d\n  condition: evt.type = open and m199\n  output: o\n  "
        "priority: INFO\n";
    auto r2 = load(ok);
    ASSERT_TRUE(r2.ok);
    Ev e("open", "y150");
    EXPECT_EQ(fired(r2, e.ev).size(), 1u);
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

TEST(Warnings, SkippedRuleLeavesSharedMacrosUsable) {
    // Rule A is skipped because macro b has an unknown field; rule B uses the same macro chain
    // and must get an error, not a half-compiled macro.
    auto r = load(R"(
- macro: b
  condition: proc.nme = x
- macro: a
  condition: b
- rule: A
  desc: d
  condition: evt.type = open and a
  output: o
  priority: WARNING
  skip-if-unknown-filter: true
- rule: B
  desc: d
  condition: evt.type = open and a
  output: o
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(first_error(r)->item_name, "b");
    EXPECT_TRUE(has_warning(r, "LOAD_UNKNOWN_FILTER", "A"));
}

TEST(Warnings, TooManyEventTypesCountsEnterAndExitCodes) {
    std::string many;
    const char* names[] = {
        "open",       "openat",     "close",   "read",   "write",       "pread64",     "pwrite64",
        "readv",      "writev",     "mmap",    "munmap", "brk",         "ioctl",       "access",
        "pipe",       "select",     "dup",     "dup2",   "pause",       "nanosleep",   "getpid",
        "sendfile",   "socket",     "connect", "accept", "sendto",      "recvfrom",    "sendmsg",
        "recvmsg",    "shutdown",   "bind",    "listen", "getsockname", "getpeername", "socketpair",
        "setsockopt", "getsockopt", "clone",   "fork",   "vfork",       "execve",      "exit",
        "wait4",      "kill",       "uname",   "fcntl",  "flock",       "fsync",       "fdatasync",
        "truncate",   "ftruncate"};
    for (const char* n : names) many += std::string(many.empty() ? "" : ", ") + n;
    auto r = load("- rule: R\n  desc: d\n  condition: evt.type in (" + many +
                  ")\n  output: o\n  priority: INFO\n");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(rule(r, "R")->type_count, 51u);
    EXPECT_TRUE(has_warning(r, "LOAD_NO_EVTTYPE", "R"));
}

TEST(Warnings, DeprecatedFieldInOutput) {
    auto r = load(R"(
- rule: R
  desc: d
  condition: evt.type = open
  output: "dir=%evt.dir"
  priority: WARNING
)");
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(has_warning(r, "LOAD_DEPRECATED_ITEM", "R"));
}
