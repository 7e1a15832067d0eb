// Event sources: a second, test-only source registered here ("test_b", one field) next to the
// syscall source. Rules are indexed by (source, event type), so a rule of one source is never
// evaluated for an event of another; each source's rules may use only its own fields.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "sensor/events/event_types.h"
#include "sensor/fields/event_source.h"
#include "sensor/output/alert_format.h"
#include "sensor/policy/open_path_policy.h"
#include "sensor/policy/probe_policy.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

bool b_num(const fields::Event& ev, const fields::FieldArg&, uint32_t, fields::Value& out,
           std::string&) {
    out.u64 = ev.num;
    return true;
}

// Registered once per process (sources are never removed).
const fields::EventSource& source_b() {
    static const fields::EventSource& s = fields::register_source(
        "test_b",
        {{"b.num", fields::FieldType::Uint64, fields::ArgKind::None, "the event number", b_num}},
        {"b_first", "b_second"});
    return s;
}

rules::LoadResult load(const std::string& yaml) {
    source_b();
    return rules::load_rules_contents({{"test.yaml", yaml}}, rules::LoadOptions{});
}

const rules::Diagnostic* first_error(const rules::LoadResult& r) {
    for (const auto& f : r.files)
        for (const auto& d : f.diagnostics)
            if (d.error) return &d;
    return nullptr;
}

const rules::Diagnostic* warning(const rules::LoadResult& r, const std::string& code) {
    for (const auto& f : r.files)
        for (const auto& d : f.diagnostics)
            if (!d.error && d.code == code) return &d;
    return nullptr;
}

// Both rules hold for any event with a number: only the index keeps them apart.
constexpr const char* kTwoSources = R"(
- rule: Syscall rule
  desc: d
  condition: evt.num > 0
  output: syscall %evt.num
  priority: WARNING
  warn_evttypes: false
- rule: B rule
  desc: d
  condition: b.num > 0
  output: b %b.num
  priority: WARNING
  source: test_b
)";

std::vector<std::string> matches(const engine::Ruleset& rs, const fields::Event& ev) {
    std::vector<std::string> names;
    auto ctx = rs.new_context();
    rs.evaluate(ev, ctx, [&](const engine::CompiledRule& r) { names.push_back(r.name); });
    return names;
}

}  // namespace

TEST(EventSources, SyscallSourceIsFirstAndOwnsTheFieldTables) {
    const fields::EventSource& b = source_b();
    const auto& all = fields::sources();
    ASSERT_GE(all.size(), 2u);
    EXPECT_EQ(all[0]->id(), fields::kSyscallSource);
    EXPECT_EQ(all[0]->name(), "syscall");
    EXPECT_EQ(&fields::source(fields::kSyscallSource), all[0]);
    EXPECT_EQ(fields::find_source("syscall"), all[0]);
    EXPECT_EQ(&all[0]->fields(), &fields::all_fields());
    EXPECT_EQ(all[0]->find_field("proc.name"), fields::find_field("proc.name"));
    EXPECT_EQ(all[0]->event_type_count(), events::event_type_count());
    EXPECT_EQ(all[0]->event_type_id("openat"), events::event_type_id("openat"));

    EXPECT_EQ(fields::find_source("test_b"), &b);
    EXPECT_EQ(&fields::source(b.id()), &b);
    EXPECT_NE(b.id(), fields::kSyscallSource);
    EXPECT_EQ(b.fields().size(), 1u);
    EXPECT_EQ(b.find_field("proc.name"), nullptr);
    EXPECT_EQ(b.event_type_id("b_second"), 1);
    EXPECT_EQ(b.event_type_id("openat"), std::nullopt);
    EXPECT_EQ(b.event_type_name(0), "b_first");
    EXPECT_EQ(fields::find_source("no_such_source"), nullptr);
}

TEST(EventSources, RegistrationRefusesDuplicates) {
    source_b();
    EXPECT_THROW(fields::register_source("test_b", {}, {}), std::invalid_argument);
    EXPECT_THROW(fields::register_source("syscall", {}, {}), std::invalid_argument);
    EXPECT_EQ(fields::find_source("test_dup"), nullptr);
    fields::FieldDef d{"dup.f", fields::FieldType::Uint64, fields::ArgKind::None, "", b_num};
    EXPECT_THROW(fields::register_source("test_dup", {d, d}, {}), std::invalid_argument);
    EXPECT_THROW(fields::register_source("test_dup", {}, {"t", "t"}), std::invalid_argument);
    EXPECT_EQ(fields::find_source("test_dup"), nullptr);
}

TEST(EventSources, RulesAreIndexedBySourceAndType) {
    auto r = load(kTwoSources);
    ASSERT_TRUE(r.ok) << (first_error(r) ? first_error(r)->message : "");
    const engine::Ruleset& rs = *r.ruleset;
    ASSERT_EQ(rs.rules.size(), 2u);
    const fields::SourceId b = source_b().id();
    EXPECT_EQ(rs.rules[0].source, fields::kSyscallSource);
    EXPECT_EQ(rs.rules[0].source_name(), "syscall");
    EXPECT_EQ(rs.rules[1].source, b);
    EXPECT_EQ(rs.rules[1].source_name(), "test_b");
    // A rule with no evt.type covers all types of its own source, and only those.
    EXPECT_EQ(rs.rules[1].types.size(), 2u);
    for (events::EventTypeId t : {0, 1}) {
        EXPECT_EQ(rs.rules_for(b, t), std::vector<uint32_t>{1});
        EXPECT_EQ(rs.rules_for(fields::kSyscallSource, t), std::vector<uint32_t>{0});
    }
    auto openat = *events::event_type_id("openat");
    EXPECT_EQ(rs.rules_for(fields::kSyscallSource, openat), std::vector<uint32_t>{0});
    EXPECT_TRUE(rs.rules_for(b, openat).empty());  // not a type of source b
}

TEST(EventSources, ARuleIsEvaluatedOnlyForEventsOfItsSource) {
    auto r = load(kTwoSources);
    ASSERT_TRUE(r.ok);
    const engine::Ruleset& rs = *r.ruleset;
    fields::Event ev;
    ev.num = 7;
    for (events::EventTypeId t : {0, 1}) {
        ev.type = t;
        ev.source = fields::kSyscallSource;
        EXPECT_EQ(matches(rs, ev), std::vector<std::string>{"Syscall rule"});
        ev.source = source_b().id();
        EXPECT_EQ(matches(rs, ev), std::vector<std::string>{"B rule"});
    }
    ev.type = 2;  // past source b's types
    EXPECT_TRUE(matches(rs, ev).empty());
    ev.source = static_cast<fields::SourceId>(fields::sources().size());  // no such source
    ev.type = 0;
    EXPECT_TRUE(matches(rs, ev).empty());
}

TEST(EventSources, AlertsNameTheRulesSource) {
    auto r = load(kTwoSources);
    ASSERT_TRUE(r.ok);
    fields::Event ev;
    ev.num = 7;
    ev.source = source_b().id();
    output::AlertFormat fmt;
    fmt.hostname = "h";
    auto j = nlohmann::json::parse(output::format_alert(r.ruleset->rules[1], ev, fmt));
    EXPECT_EQ(j["source"], "test_b");
    EXPECT_EQ(j["output_fields"]["b.num"], 7);
    EXPECT_EQ(j["rule"], "B rule");
}

TEST(EventSources, ARulesFieldsComeFromItsSource) {
    auto r = load(R"(
- rule: B rule
  desc: d
  condition: b.num > 0 and proc.name = cat
  output: o
  priority: WARNING
  source: test_b
)");
    ASSERT_FALSE(r.ok);
    ASSERT_TRUE(first_error(r));
    EXPECT_EQ(first_error(r)->code, "LOAD_ERR_COMPILE_CONDITION");
    EXPECT_EQ(first_error(r)->message,
              "filter_check called with nonexistent field proc.name: it is a field of source "
              "syscall, not of source test_b");

    r = load(R"(
- rule: Syscall rule
  desc: d
  condition: evt.type = open and b.num > 0
  output: o
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(first_error(r)->message,
              "filter_check called with nonexistent field b.num: it is a field of source test_b, "
              "not of source syscall");

    // Outputs too, and the dotted evt.arg form.
    r = load(R"(
- rule: B rule
  desc: d
  condition: b.num > 0
  output: o %evt.arg.flags
  priority: WARNING
  source: test_b
)");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(first_error(r)->code, "LOAD_ERR_COMPILE_OUTPUT");
    EXPECT_NE(first_error(r)->message.find("nonexistent field evt.arg.flags: it is a field of "
                                           "source syscall, not of source test_b"),
              std::string::npos)
        << first_error(r)->message;

    // A field no source has keeps Falco's message.
    r = load(R"(
- rule: B rule
  desc: d
  condition: b.nope > 0
  output: o
  priority: WARNING
  source: test_b
)");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(first_error(r)->message, "filter_check called with nonexistent field b.nope");
}

TEST(EventSources, AMacroIsCompiledWithTheSourceOfTheRuleUsingIt) {
    auto r = load(R"(
- macro: positive
  condition: b.num > 0
- rule: B rule
  desc: d
  condition: positive
  output: o
  priority: WARNING
  source: test_b
)");
    ASSERT_TRUE(r.ok) << (first_error(r) ? first_error(r)->message : "");

    r = load(R"(
- macro: positive
  condition: b.num > 0
- rule: B rule
  desc: d
  condition: positive
  output: o
  priority: WARNING
  source: test_b
- rule: Syscall rule
  desc: d
  condition: evt.type = open and positive
  output: o
  priority: WARNING
)");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(first_error(r)->item_kind, "macro");
    EXPECT_EQ(first_error(r)->message,
              "filter_check called with nonexistent field b.num: it is a field of source test_b, "
              "not of source syscall (macro used by rule 'Syscall rule')");
}

TEST(EventSources, UnknownSourcesAreSkippedAsBefore) {
    auto r = load(R"(
- rule: Audit rule
  desc: d
  condition: ct.name = get
  output: o
  priority: WARNING
  source: aws_cloudtrail
)");
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(r.ruleset->rules.empty());
    const rules::Diagnostic* w = warning(r, "LOAD_UNKNOWN_SOURCE");
    ASSERT_TRUE(w);
    EXPECT_EQ(w->message, "Unknown source aws_cloudtrail, skipping");
    EXPECT_EQ(w->item_name, "Audit rule");
}

// Only syscall rules shape what the probe traces: a rule of another source that holds for any
// of its events adds no syscall, and opens no path filter.
TEST(EventSources, RulesOfOtherSourcesAskTheProbeForNothing) {
    auto both = load(kTwoSources);
    ASSERT_TRUE(both.ok);
    auto syscall_only = load(R"(
- rule: Syscall rule
  desc: d
  condition: evt.num > 0
  output: syscall %evt.num
  priority: WARNING
  warn_evttypes: false
)");
    ASSERT_TRUE(syscall_only.ok);
    EXPECT_EQ(policy::traced_syscalls(*both.ruleset),
              policy::traced_syscalls(*syscall_only.ruleset));

    auto b_only = load(R"(
- rule: B rule
  desc: d
  condition: b.num > 0
  output: b %b.num
  priority: WARNING
  source: test_b
)");
    ASSERT_TRUE(b_only.ok);
    EXPECT_FALSE(policy::open_path_filter(*b_only.ruleset).pass_all);
}
