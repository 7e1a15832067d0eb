// The condition tree's text form.
#include "sensor/condition/ast.h"

#include <gtest/gtest.h>

#include <string>

#include "support/condition_harness.h"

using cond_test::ast_of;

TEST(ParserAst, ToStringRoundTrips) {
    for (std::string c :
         {"(proc.name = bash and not fd.name startswith /etc)", "proc.name in (a, \"b c\")",
          "proc.name == oneof (a, b)", "evt.arg[0] exists", "tolower(proc.name) = val(proc.pname)",
          "(a or (b and c))", "proc.name = \"with space\""}) {
        std::string once = ast_of(c);
        EXPECT_EQ(ast_of(once), once) << c;
    }
    EXPECT_EQ(ast_of("proc.name = \"with space\""), "proc.name = \"with space\"");
    EXPECT_EQ(ast_of("proc.name == oneof (a, b)"), "proc.name == oneof (a, b)");
}
