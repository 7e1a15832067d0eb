// List operators as libs 0.25 evaluates them: empty lists under every operator and modifier
// (sinsp_filter_check::compare_rhs / compare_rhs_with_mod), pmatch with wildcard components
// (path_prefix_search), and no allocation when they are evaluated.
#include <gtest/gtest.h>

#include "sensor/engine/prefix_set.h"
#include "support/alloc_counter.h"
#include "support/condition_harness.h"

using cond_test::World;

// libs: `in`, `intersects` and `pmatch` over () match nothing; a modifier over () is false
// whatever the operator, so `!= allof ()` is false although "no element differs" is vacuous.
TEST(EmptyLists, EveryOperatorAndModifierIsFalse) {
    World w;  // proc.name cat, proc.pid 300, fd.sip missing on a file
    for (const char* c : {"proc.name in ()",
                          "proc.name intersects ()",
                          "fd.name pmatch ()",
                          "proc.pid in ()",
                          "proc.name = anyof ()",
                          "proc.name = oneof ()",
                          "proc.name = allof ()",
                          "proc.name != anyof ()",
                          "proc.name != oneof ()",
                          "proc.name != allof ()",
                          "proc.name contains allof ()",
                          "proc.name startswith anyof ()",
                          "proc.name startswith oneof ()",
                          "proc.name regex allof ()",
                          "proc.name glob allof ()",
                          "proc.name icontains allof ()",
                          "proc.name endswith allof ()",
                          "evt.type in ()",
                          "tolower(proc.name) in ()",
                          "proc.name in val(proc.name) and proc.name in ()"})
        EXPECT_NO_MATCH(c, w.ev);
    EXPECT_MATCH("not proc.name in ()", w.ev);
    EXPECT_MATCH("not proc.name != allof ()", w.ev);
    // The same checks with one element behave normally.
    EXPECT_MATCH("proc.name != allof (dog)", w.ev);
    EXPECT_MATCH("proc.name = anyof (cat)", w.ev);
}

TEST(PmatchWildcards, ComponentGlobs) {
    World w;
    w.file.name = "/home/alice/.ssh/id_rsa";
    EXPECT_MATCH("fd.name pmatch (/home/*/.ssh)", w.ev);
    EXPECT_MATCH("fd.name pmatch (/home/*/.ssh/id_*)", w.ev);
    EXPECT_MATCH("fd.name pmatch (/home/al?ce)", w.ev);
    EXPECT_MATCH("fd.name pmatch (/home/[a-c]lice/.ssh)", w.ev);
    EXPECT_MATCH("fd.name pmatch (/*)", w.ev);
    EXPECT_MATCH("fd.name pmatch (/usr, /home/*/.gnupg, /home/*/.ssh)", w.ev);
    // A wildcard stays within one component.
    World v;
    v.file.name = "/homeX/alice";
    EXPECT_NO_MATCH("fd.name pmatch (/home/*)", v.ev);
    EXPECT_NO_MATCH("fd.name pmatch (/*/.ssh)", w.ev);
    EXPECT_NO_MATCH("fd.name pmatch (/home/*/.ssh/id_rsa/x)", w.ev);
    EXPECT_NO_MATCH("fd.name pmatch (/home/b*)", w.ev);
    EXPECT_NO_MATCH("fd.name pmatch (/home/[!a]lice)", w.ev);
    // A plain component and a glob at the same level: either may lead to a match.
    EXPECT_MATCH("fd.name pmatch (/home/alice/x, /home/*/.ssh)", w.ev);
}

TEST(PmatchWildcards, ComponentsIgnoreRepeatedAndTrailingSlashes) {
    sensor::engine::PathPrefixSet s;
    s.add("/etc/");
    s.add("//var//lib");
    EXPECT_TRUE(s.matches("/etc"));
    EXPECT_TRUE(s.matches("/etc//passwd"));
    EXPECT_TRUE(s.matches("etc/passwd"));  // libs splits on '/' and skips empty components
    EXPECT_TRUE(s.matches("/var/lib/x"));
    EXPECT_FALSE(s.matches("/var"));
    EXPECT_FALSE(s.matches("/etcx"));
    EXPECT_FALSE(s.matches(""));
    sensor::engine::PathPrefixSet root;
    root.add("/");
    EXPECT_TRUE(root.matches("/anything"));
    EXPECT_TRUE(root.matches("relative"));
    EXPECT_TRUE(root.matches(""));
    sensor::engine::PathPrefixSet none;
    EXPECT_TRUE(none.empty());
    EXPECT_FALSE(none.matches("/"));
}

// Evaluating pmatch with wildcards, empty-list modifiers and getopt allocates nothing once the
// per-check buffers have grown.
TEST(ListOperatorsAllocation, SteadyStateEvaluationDoesNotAllocate) {
    World w;
    w.file.name = "/home/alice/.ssh/id_rsa";
    std::vector<std::unique_ptr<cond_test::Compiled>> compiled;
    for (const char* c :
         {"fd.name pmatch (/usr, /home/*/.gnupg, /home/*/.ssh)",
          "fd.name pmatch (/home/[a-c]lice/.ss?/id_*)", "proc.name != allof ()",
          "getopt((\"-t\", proc.name, \"-n\"), \"nt:\") intersects (cat)",
          "join(\",\", (proc.name, proc.pname)) = \"cat,bash\"", "toupper(evt.type) = OPENAT"}) {
        compiled.push_back(cond_test::compile(c));
        ASSERT_TRUE(compiled.back()) << c;
    }
    std::vector<bool> first;
    for (const auto& c : compiled) first.push_back(c->eval(w.ev));  // warm the buffers
    EXPECT_EQ(first, (std::vector<bool>{true, true, false, true, true, true}));
    const uint64_t before = sensor::testing_support::allocation_count();
    for (int i = 0; i < 100; ++i)
        for (const auto& c : compiled) c->eval(w.ev);
    EXPECT_EQ(sensor::testing_support::allocation_count() - before, 0u);
}
