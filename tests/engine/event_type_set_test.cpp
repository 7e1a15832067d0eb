// Event-type sets of compiled conditions (SPEC 2.6, tricky case 7).
#include <gtest/gtest.h>

#include "support/condition_harness.h"

using cond_test::compile_error;
using cond_test::type_count_of;
using cond_test::types_of;
using Set = std::set<std::string>;

namespace {

size_t all_count() {
    return sensor::events::event_type_count();
}

}  // namespace

TEST(EventTypesLeaves, EqualityAndLists) {
    EXPECT_EQ(types_of("evt.type = open"), Set({"open"}));
    EXPECT_EQ(types_of("evt.type == open"), Set({"open"}));
    EXPECT_EQ(types_of("evt.type in (open, openat, openat2)"), Set({"open", "openat", "openat2"}));
    EXPECT_EQ(types_of("evt.type intersects (execve, execveat)"), Set({"execve", "execveat"}));
    EXPECT_EQ(types_of("evt.type in ()"), Set());
}

TEST(EventTypesLeaves, NotEqualIsTheComplement) {
    Set ne = types_of("evt.type != open");
    EXPECT_EQ(ne.size(), all_count() - 1);
    EXPECT_EQ(ne.count("open"), 0u);
    EXPECT_EQ(ne.count("openat"), 1u);
    Set nin = types_of("not evt.type in (open, openat)");
    EXPECT_EQ(nin.size(), all_count() - 2);
    EXPECT_EQ(nin.count("openat"), 0u);
    EXPECT_EQ(types_of("not evt.type != open"), Set({"open"}));
}

TEST(EventTypesLeaves, ExistsAndNeutralChecks) {
    EXPECT_EQ(type_count_of("evt.type exists"), all_count());
    EXPECT_EQ(type_count_of("not evt.type exists"), 0u);
    EXPECT_EQ(type_count_of("proc.name = cat"), all_count());
    EXPECT_EQ(type_count_of("not proc.name = cat"), all_count());
    EXPECT_EQ(type_count_of("proc.name exists"), all_count());
    EXPECT_EQ(type_count_of("not proc.name exists"), all_count());
    EXPECT_EQ(type_count_of("evt.num > 0"), all_count());
    EXPECT_EQ(type_count_of("fd.name startswith /etc"), all_count());
}

TEST(EventTypesAlgebra, AndIntersectsOrUnites) {
    EXPECT_EQ(types_of("evt.type in (open, openat) and evt.type in (openat, execve)"),
              Set({"openat"}));
    EXPECT_EQ(types_of("evt.type = open or evt.type = execve"), Set({"open", "execve"}));
    EXPECT_EQ(types_of("evt.type = open and proc.name = cat"), Set({"open"}));
    EXPECT_EQ(type_count_of("evt.type = open or proc.name = cat"), all_count());
    EXPECT_EQ(types_of("evt.type = open and evt.type = close"), Set());
    EXPECT_EQ(types_of("(evt.type = open or evt.type = close) and evt.type != close"),
              Set({"open"}));
    EXPECT_EQ(types_of("evt.type in (open, close, read) and not evt.type in (read, write)"),
              Set({"open", "close"}));
}

TEST(EventTypesAlgebra, DeMorgan) {
    // not (A or B) = not A and not B
    Set a = types_of("not (evt.type = open or evt.type = close)");
    EXPECT_EQ(a.size(), all_count() - 2);
    EXPECT_EQ(a.count("open") + a.count("close"), 0u);
    EXPECT_EQ(a, types_of("not evt.type = open and not evt.type = close"));
    // not (A and B) = not A or not B
    EXPECT_EQ(type_count_of("not (evt.type = open and evt.type = close)"), all_count());
    EXPECT_EQ(types_of("not (evt.type in (open, close) and evt.type in (close, read))"),
              types_of("evt.type != close"));
    EXPECT_EQ(types_of("not not evt.type = open"), Set({"open"}));
    EXPECT_EQ(types_of("not (not evt.type = open or not evt.type = close)"), Set());
    EXPECT_EQ(types_of("not (not evt.type in (open, close) or not evt.type in (close, read))"),
              Set({"close"}));
}

TEST(EventTypesAlgebra, NegatedNeutralStaysNeutral) {
    // SPEC tricky case 7.
    EXPECT_EQ(types_of("evt.type in (connect, execve, accept, mmap, container) and not "
                       "(proc.name=cat and evt.type=mmap)"),
              Set({"connect", "execve", "accept", "mmap", "container"}));
    EXPECT_EQ(types_of("evt.type=mmap and not evt.type=mmap"), Set());
    EXPECT_EQ(types_of("evt.type in (open, mmap) and not (proc.name=cat or evt.type=mmap)"),
              Set({"open"}));
    EXPECT_EQ(types_of("evt.type in (open, mmap) and (proc.name=cat or evt.type=mmap)"),
              Set({"open", "mmap"}));
}

TEST(EventTypesMacros, MacrosContributeTheirSets) {
    std::map<std::string, std::string> m = {
        {"open_read", "evt.type in (open, openat) and evt.is_open_read = true"},
        {"spawned_process", "evt.type = execve and evt.dir = <"},
        {"never_true", "evt.num = 0"},
        {"nested", "open_read or evt.type = close"},
    };
    EXPECT_EQ(types_of("open_read", m), Set({"open", "openat"}));
    EXPECT_EQ(types_of("open_read and proc.name = cat", m), Set({"open", "openat"}));
    EXPECT_EQ(types_of("open_read or spawned_process", m), Set({"open", "openat", "execve"}));
    EXPECT_EQ(types_of("open_read and spawned_process", m), Set());
    EXPECT_EQ(types_of("nested", m), Set({"open", "openat", "close"}));
    EXPECT_EQ(types_of("spawned_process and not never_true", m), Set({"execve"}));
    EXPECT_EQ(types_of("spawned_process and never_true", m), Set());
    // A negated macro whose body has a neutral check is neutral: not (A and N) = not A or ALL.
    EXPECT_EQ(types_of("not open_read", m).size(), all_count());
    EXPECT_EQ(types_of("evt.type = openat and not nested", m), Set({"openat"}));
    EXPECT_EQ(types_of("evt.type = openat and not (open_read or evt.type = openat)", m), Set());
}

TEST(EventTypesNever, EvtNumZeroIsEmpty) {
    EXPECT_EQ(types_of("evt.num = 0"), Set());
    EXPECT_EQ(types_of("evt.type = open and evt.num = 0"), Set());
    EXPECT_EQ(types_of("evt.type = open or evt.num = 0"), Set({"open"}));
    EXPECT_EQ(type_count_of("not evt.num = 0"), all_count());
    EXPECT_EQ(type_count_of("evt.num = 1"), all_count());
}

TEST(EventTypesErrors, UnknownType) {
    EXPECT_EQ(compile_error("evt.type = foo"), "unknown event type foo");
    EXPECT_EQ(compile_error("evt.type in (open, foo)"), "unknown event type foo");
    EXPECT_EQ(compile_error("evt.type != foo"), "unknown event type foo");
    EXPECT_EQ(compile_error("evt.type = open"), "");
}

// Under a transformer or against a field, evt.type is an ordinary string (libs): the check
// compiles, evaluates on the name, and does not restrict the rule's event types.
TEST(EventTypesTransformers, TransformedEvtTypeIsNotIndexed) {
    for (const char* c : {"tolower(evt.type) = open", "toupper(evt.type) in (OPEN)",
                          "concat(evt.type, proc.name) = x", "evt.type = val(proc.name)",
                          "evt.type = tolower(proc.name)", "len(evt.type) > 3"}) {
        EXPECT_EQ(compile_error(c), "") << c;
        EXPECT_EQ(type_count_of(c), all_count()) << c;
    }
    EXPECT_EQ(types_of("evt.type = openat and toupper(evt.type) = OPENAT"), Set({"openat"}));
    EXPECT_EQ(type_count_of("not toupper(evt.type) = OPENAT"), all_count());
    cond_test::World w;  // an openat event by cat
    EXPECT_MATCH("toupper(evt.type) = OPENAT", w.ev);
    EXPECT_NO_MATCH("toupper(evt.type) = OPEN", w.ev);
    EXPECT_MATCH("toupper(evt.type) startswith OPEN", w.ev);
    EXPECT_MATCH("concat(evt.type, \"/\", proc.name) = openat/cat", w.ev);
    EXPECT_MATCH("len(evt.type) = 6", w.ev);
    EXPECT_NO_MATCH("evt.type = val(proc.name)", w.ev);
    w.cat.name = "openat";
    EXPECT_MATCH("evt.type = val(proc.name)", w.ev);
}

TEST(EventTypesEval, MaskAgreesWithEvaluation) {
    // Every event type outside the computed set must make the condition false.
    cond_test::World w;
    for (std::string c : {"evt.type in (open, openat) and proc.name = cat",
                          "not evt.type in (open, openat) or proc.name = dog",
                          "evt.type != openat and evt.type != open"}) {
        auto comp = cond_test::compile(c);
        ASSERT_TRUE(comp);
        auto mask = sensor::engine::event_types_of(*comp->root);
        for (const char* t : {"open", "openat", "execve", "close"}) {
            w.ev.type = cond_test::type_id(t);
            if (!mask[w.ev.type]) {
                EXPECT_FALSE(comp->eval(w.ev)) << c << " on " << t;
            }
        }
    }
}

#include "sensor/rules/loader.h"

namespace {

// Loads one rule (plus optional extra YAML items before it) and returns its compiled rule.
const sensor::engine::CompiledRule* load_one(const std::string& extra, const std::string& cond,
                                             sensor::rules::LoadResult& keep) {
    std::string yaml = extra + "- rule: r\n  desc: d\n  condition: " + cond +
                       "\n  output: o\n  priority: WARNING\n";
    keep = sensor::rules::load_rules_contents({{"test.yaml", yaml}});
    if (!keep.ok || !keep.ruleset || keep.ruleset->rules.empty()) {
        std::string why;
        for (const auto& f : keep.files)
            for (const auto& d : f.diagnostics) why += d.code + ": " + d.message + "\n";
        ADD_FAILURE() << "load failed for [" << cond << "]\n" << why;
        return nullptr;
    }
    return &keep.ruleset->rules[0];
}

std::set<std::string> names(const sensor::engine::EventTypeMask& m) {
    std::set<std::string> out;
    for (size_t i = 0; i < m.size(); ++i)
        if (m[i])
            out.insert(std::string(sensor::events::event_type_name(static_cast<uint16_t>(i))));
    return out;
}

}  // namespace

TEST(EventTypesLoader, RulesFromYamlGetTheSameSets) {
    sensor::rules::LoadResult res;
    auto* r = load_one("",
                       "evt.type in (connect, execve, accept, mmap, container) and not "
                       "(proc.name=cat and evt.type=mmap)",
                       res);
    ASSERT_TRUE(r);
    EXPECT_EQ(names(r->types), Set({"connect", "execve", "accept", "mmap", "container"}));

    sensor::rules::LoadResult res2;
    auto* m = load_one(
        "- macro: spawned\n  condition: evt.type in (execve, execveat)\n"
        "- list: shells\n  items: [bash, sh]\n",
        "spawned and proc.name in (shells)", res2);
    ASSERT_TRUE(m);
    EXPECT_EQ(names(m->types), Set({"execve", "execveat"}));

    auto bad =
        sensor::rules::load_rules_contents({{"bad.yaml",
                                             "- rule: r\n  desc: d\n  condition: evt.type = foo\n"
                                             "  output: o\n  priority: WARNING\n"}});
    EXPECT_FALSE(bad.ok);
    bool found = false;
    for (const auto& f : bad.files)
        for (const auto& d : f.diagnostics)
            found |= d.error && d.code == "LOAD_ERR_COMPILE_CONDITION" &&
                     d.message.find("unknown event type foo") != std::string::npos;
    EXPECT_TRUE(found);
}
