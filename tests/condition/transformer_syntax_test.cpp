// Transformer syntax of libs 0.25's parser: getopt, the `[arg]` after a transformer call, and
// transformer lists whose elements are fields, transformers, strings or numbers.
#include <gtest/gtest.h>

#include "support/condition_harness.h"

using cond_test::ast_of;
using cond_test::parse_error;
using cond_test::parses;

TEST(TransformerSyntax, GetoptAndItsSelector) {
    EXPECT_EQ(ast_of("getopt((\"-t\", \"x\"), \"t:\")[t] = x"), "getopt((-t, x), t:)[t] = x");
    EXPECT_EQ(ast_of("getopt((\"-t\"), \"t:\")['t'] = x"), "getopt((-t), t:)[t] = x");
    EXPECT_TRUE(parses("getopt(proc.args, \"t:\") intersects (x)"));
    EXPECT_TRUE(parses("proc.name = getopt((\"-t\"), \"t:\")[t]"));
    EXPECT_NE(parse_error("getopt((\"-t\"), \"t:\")[] = x"), "");
}

TEST(TransformerSyntax, ListsTakeFieldsAndTransformers) {
    EXPECT_EQ(ast_of("join(\",\", (proc.name, tolower(proc.pname), \"x y\", 12)) = a"),
              "join(\",\", (proc.name, tolower(proc.pname), \"x y\", 12)) = a");
    EXPECT_EQ(ast_of("join(\",\", ( proc.aname[2] , \"b\" )) = a"),
              "join(\",\", (proc.aname[2], b)) = a");
    EXPECT_EQ(ast_of("join(\",\", ()) = a"), "join(\",\", ()) = a");
    const std::string e = parse_error("join(\",\", (proc.name, bare)) = a");
    EXPECT_NE(e.find("expected transformer list argument: field, transformer, quoted string, or "
                     "number"),
              std::string::npos)
        << e;
    EXPECT_NE(parse_error("join(\",\", (proc.name proc.pname)) = a").find("expected ')'"),
              std::string::npos);
}
