// Condition parser: what the grammar accepts and rejects (SPEC 1.2-1.5, tricky cases 1-6), and
// the shape of the trees it builds.
#include <gtest/gtest.h>

#include "support/condition_harness.h"

using cond_test::ast_of;
using cond_test::parse_error;
using cond_test::parses;
using sensor::condition::parse_condition;
namespace ast = sensor::condition::ast;

namespace {

void expect_accept(const std::vector<std::string>& conds) {
    for (const auto& c : conds) {
        EXPECT_TRUE(parses(c)) << "should accept: [" << c << "] " << parse_error(c);
    }
}
void expect_reject(const std::vector<std::string>& conds) {
    for (const auto& c : conds) EXPECT_FALSE(parses(c)) << "should reject: [" << c << "]";
}

// The single check node of a condition that must parse to one check.
ast::NodePtr check_of(const std::string& c) {
    auto n = parse_condition(c);
    EXPECT_TRUE(n->kind == ast::Node::Kind::Binary || n->kind == ast::Node::Kind::Unary) << c;
    return n;
}

}  // namespace

TEST(ParserKeywords, AndOrNeedBlankOrParen) {
    expect_accept({"a and b", "a or b", "a and(b)", "a or(b)", "(a)and(b)", "a\tand\nb", "a and\tb",
                   "a or\rb", "a.b exists and(c.d exists)"});
    // \b is a blank too; \f and \v are not (after and/or).
    expect_accept({"a and\bb", "a\bor\bb"});
    expect_reject({"a and\fb", "a or\vb"});
    expect_reject(
        {"a andb", "a orb", "a and", "a or", "and b", "or b", "a andnot b", "a and or b", "a b"});
}

TEST(ParserKeywords, GroupGluedToKeywordIsAWholeOperand) {
    // OrExpr ::= AndExpr ('or' (BLANK AndExpr | '(' Expr ')'))*: after `or(...)` only `or`.
    expect_accept({"a.b=1 or(c.d=2) or e", "a and(b) or c", "a and(b) and c", "a or (b) and c"});
    expect_reject({"a.b=1 or(c.d=2) and e"});
}

TEST(ParserKeywords, NotNeedsWhitespaceOrParen) {
    expect_accept({"not a", "not(a)", "not  a", "not\ta", "not not a", "not (a)", "a and not b",
                   "a and not(b)", "not\fa", "not\va"});
    expect_reject({"a notb", "anot b", "not ", "a not b", "not and b"});
    // `not` followed by \f or \v is still a keyword (not[[:space:]]+).
    EXPECT_EQ(ast_of("not\fa"), "not a");
}

TEST(ParserKeywords, KeywordPrefixesAreIdentifiers) {
    EXPECT_EQ(ast_of("notb"), "notb");
    EXPECT_EQ(ast_of("not_macro"), "not_macro");
    EXPECT_EQ(ast_of("macro and not_macro"), "(macro and not_macro)");
    EXPECT_EQ(ast_of("a and notb"), "(a and notb)");
    EXPECT_EQ(ast_of("macro and and_macro"), "(macro and and_macro)");
    EXPECT_EQ(ast_of("or_macro or ornot"), "(or_macro or ornot)");
    EXPECT_EQ(ast_of("andy"), "andy");
}

TEST(ParserKeywords, NotIsABareStringOnTheRight) {
    auto n = check_of("a.b = not");
    ASSERT_EQ(n->kind, ast::Node::Kind::Binary);
    EXPECT_EQ(n->rhs.kind, ast::Rhs::Kind::Value);
    EXPECT_EQ(n->rhs.value, "not");
    EXPECT_TRUE(parses("a.b = and"));
    EXPECT_TRUE(parses("a.b = or"));
}

TEST(ParserOperators, GluedToKeyword) {
    // exists needs no trailing blank, so `existsand` is `exists` followed by `and`.
    EXPECT_EQ(ast_of("test.op existsand macro"), "(test.op exists and macro)");
    EXPECT_TRUE(parses("test.op exists and macro"));
    EXPECT_FALSE(parses("test.op exists something"));
    EXPECT_FALSE(parses("test.op existssomething"));
    EXPECT_FALSE(parses("a andnot b"));
}

TEST(ParserOperators, SymbolicOperatorsNeedNoBlank) {
    expect_accept({"test.op =value", "test.op=value", "test.op==value", "test.op!=value",
                   "test.op<1", "test.op<=1", "test.op>1", "test.op>=1", "test.op in()",
                   "test.op in(a,b)", "test.op intersects(a)", "test.op pmatch(/a)",
                   "test.op exists", "test.op   exists"});
    auto n = check_of("test.op<=1");
    EXPECT_EQ(n->op, "<=");
    EXPECT_EQ(n->rhs.value, "1");
    EXPECT_EQ(check_of("test.op==value")->op, "==");
    EXPECT_EQ(check_of("test.op =value")->rhs.value, "value");
}

TEST(ParserOperators, WordOperatorsNeedBlank) {
    for (std::string op : {"contains", "icontains", "bcontains", "startswith", "bstartswith",
                           "endswith", "glob", "iglob", "regex"}) {
        EXPECT_TRUE(parses("test.op " + op + " value")) << op;
        EXPECT_TRUE(parses("test.op " + op + "\tvalue")) << op;
        EXPECT_FALSE(parses("test.op " + op + "value")) << op;
        EXPECT_FALSE(parses("test.op " + op + "\"value\"")) << op;
        EXPECT_EQ(check_of("test.op " + op + " value")->op, op);
    }
}

TEST(ParserOperators, CaseSensitive) {
    expect_reject({"test.op ExIsTs", "test.op EXISTS", "test.op CONTAINS x", "test.op In (a)",
                   "test.op IN (a)", "test.op Startswith x", "test.op PMATCH (/a)", "a AND b",
                   "a Or b", "NOT a.b exists"});
}

TEST(ParserOperators, MissingOrUnknownOperator) {
    EXPECT_NE(parse_error("test.op").find("expected a valid check operator"), std::string::npos);
    EXPECT_NE(parse_error("test.op like x").find("expected a valid check operator"),
              std::string::npos);
    expect_reject({"test.op =", "test.op in", "test.op contains", "test.op contains ",
                   "test.op = =", "= value"});
}

TEST(ParserValues, NumericOperatorsNeedNumbers) {
    expect_accept({"test.num >= 0", "test.num > -1", "test.num < +12", "test.num <= 1.5",
                   "test.num > 1e+10", "test.num > 1.2E-3", "test.num >= 0x1F", "test.num >= 0XaB",
                   "test.num < 12.", "test.num > len(proc.name)"});
    expect_reject({"test.num >= 0aaaaa", "test.num > !0.1222e+10", "test.num > abc",
                   "test.num > \"1\"", "test.num < 0x", "test.num >= 0xZZ", "test.num < (1)",
                   "test.num > 1e10x"});
    EXPECT_EQ(check_of("test.num >= 0x1F")->rhs.value, "0x1F");
    EXPECT_EQ(check_of("test.num > -1")->rhs.value, "-1");
}

TEST(ParserValues, SameLiteralIsAStringForStringOperators) {
    auto n = check_of("test.str = 0aaaaa");
    EXPECT_EQ(n->rhs.kind, ast::Rhs::Kind::Value);
    EXPECT_EQ(n->rhs.value, "0aaaaa");
    EXPECT_FALSE(n->rhs.quoted);
    EXPECT_EQ(check_of("test.str = 0xAAA.1")->rhs.value, "0xAAA.1");
    EXPECT_EQ(check_of("test.str = !0.1222e+10")->rhs.value, "!0.1222e+10");
}

TEST(ParserValues, BareStringsWithOddCharacters) {
    EXPECT_EQ(check_of("proc.name = runc:[0:PARENT]")->rhs.value, "runc:[0:PARENT]");
    EXPECT_EQ(check_of("proc.name = <NA>")->rhs.value, "<NA>");
    EXPECT_EQ(check_of("test.str = 0a!@#456:/\\.;!$%^&*[]{}|")->rhs.value,
              "0a!@#456:/\\.;!$%^&*[]{}|");
    auto l = check_of("test.list in (0a!@#456:/\\.;!$%^&*[]{}|, value)");
    ASSERT_EQ(l->rhs.items.size(), 2u);
    EXPECT_EQ(l->rhs.items[0], "0a!@#456:/\\.;!$%^&*[]{}|");
    EXPECT_EQ(l->rhs.items[1], "value");
    // A bare string ends at ')' , '=' , ',' , quotes or whitespace.
    EXPECT_FALSE(parses("fd.name=/var/lo);g/httpd.log"));
    EXPECT_FALSE(parses("fd.name=/var/lo=g"));
    EXPECT_FALSE(parses("fd.name=/var/lo\"g\""));
    EXPECT_TRUE(parses("fd.name=/var/log/httpd.log"));
    EXPECT_TRUE(parses("(fd.name=/var/log)"));
    EXPECT_EQ(check_of("fd.name=/var/log/httpd.log")->rhs.value, "/var/log/httpd.log");
}

TEST(ParserValues, Lists) {
    auto empty = check_of("test.list in ()");
    EXPECT_EQ(empty->rhs.kind, ast::Rhs::Kind::List);
    EXPECT_TRUE(empty->rhs.items.empty());
    expect_accept({"test.list in ( )", "test.list in (a)", "test.list in (a, b)",
                   "test.list in ( a , b )", "test.list in (\"a b\", 'c')", "test.list in (a,\nb)",
                   "test.list intersects (a, b)", "test.list pmatch (/a, /b)",
                   "test.list in mylist"});
    expect_reject({"test.list in (value,)", "test.list in (,)", "test.list in (a,,b)",
                   "test.list in (,a)", "test.list in (a", "test.list in a b", "test.list in \"a\"",
                   "test.list in (a b)"});
    auto q = check_of("test.list in (\"a b\", 'c', d)");
    EXPECT_EQ(q->rhs.items, (std::vector<std::string>{"a b", "c", "d"}));
    auto ref = check_of("test.list in mylist");
    EXPECT_EQ(ref->rhs.kind, ast::Rhs::Kind::ListRef);
    EXPECT_EQ(ref->rhs.list_name, "mylist");
}

TEST(ParserValues, QuotedStringsAndEscapes) {
    EXPECT_EQ(check_of("test.str = 'hello \\'quoted\\''")->rhs.value, "hello 'quoted'");
    EXPECT_EQ(check_of("test.str = \"hello \\\"quoted\\\"\"")->rhs.value, "hello \"quoted\"");
    // The wrong quote's escape is an error.
    EXPECT_FALSE(parses("test.str = 'bad \\\"escape'"));
    EXPECT_FALSE(parses("test.str = \"bad \\'escape\""));
    // Backslash-space is a lone backslash (legacy).
    EXPECT_EQ(check_of("test.str = \"bad escape \\ \"")->rhs.value, "bad escape \\");
    EXPECT_EQ(check_of("test.str = \"a\\tb\\nc\\\\d\\/e\\bf\\fg\\rh\"")->rhs.value,
              "a\tb\nc\\d/e\bf\fg\rh");
    // Unknown escapes throw.
    EXPECT_FALSE(parses("test.str = \"bad \\q\""));
    EXPECT_NE(parse_error("test.str = \"bad \\q\"").find("unsupported string escape sequence"),
              std::string::npos);
    // \x escapes are HEAD-only; the released libs reject them.
    EXPECT_FALSE(parses("test.str = \"\\x41\""));
    EXPECT_FALSE(parses("test.str = \"unterminated"));
    EXPECT_FALSE(parses("test.str = 'unterminated"));
    // Quoted values keep what bare strings cannot hold.
    EXPECT_EQ(check_of("test.str = \"a (b), c=d\"")->rhs.value, "a (b), c=d");
    EXPECT_TRUE(check_of("test.str = \"x\"")->rhs.quoted);
    EXPECT_EQ(check_of("test.str = ''")->rhs.value, "");
}

TEST(ParserValues, UnescapeQuotedDirectly) {
    using sensor::condition::unescape_quoted;
    EXPECT_EQ(unescape_quoted("it\\'s", '\''), "it's");
    EXPECT_THROW(unescape_quoted("it\\'s", '"'), std::invalid_argument);
    EXPECT_THROW(unescape_quoted("say \\\"hi\\\"", '\''), std::invalid_argument);
    EXPECT_EQ(unescape_quoted("say \\\"hi\\\"", '"'), "say \"hi\"");
    EXPECT_THROW(unescape_quoted("\\z", '"'), std::invalid_argument);
    EXPECT_EQ(unescape_quoted("\\ x", '"'), "\\x");
}

TEST(ParserValues, BareStringsAreNotUnescaped) {
    EXPECT_EQ(check_of("test.str = a\\nb")->rhs.value, "a\\nb");
    EXPECT_EQ(check_of("test.str = \\q")->rhs.value, "\\q");
}

TEST(ParserModifiers, WhitespaceRules) {
    auto n = check_of("proc.name == oneof (a,b)");
    EXPECT_EQ(n->modifier, "oneof");
    EXPECT_EQ(n->rhs.kind, ast::Rhs::Kind::List);
    EXPECT_EQ(n->rhs.items, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(check_of("proc.name = anyof (a)")->modifier, "anyof");
    EXPECT_EQ(check_of("proc.name != allof (a)")->modifier, "allof");
    EXPECT_EQ(check_of("proc.name startswith anyof (a, b)")->modifier, "anyof");
    EXPECT_EQ(check_of("proc.name contains allof ('x', \"y\")")->modifier, "allof");
    EXPECT_FALSE(parses("proc.name ==oneof (a,b)"));
    EXPECT_FALSE(parses("proc.name == oneof(a,b)"));
    EXPECT_FALSE(parses("proc.name == ONEOF (a,b)"));
    EXPECT_FALSE(parses("proc.name == Anyof (a,b)"));
}

TEST(ParserModifiers, ModifierWordAsPlainString) {
    auto n = parse_condition("proc.name == anyof and x");
    ASSERT_EQ(n->kind, ast::Node::Kind::And);
    const ast::Node& chk = *n->children[0];
    EXPECT_EQ(chk.modifier, "");
    EXPECT_EQ(chk.rhs.kind, ast::Rhs::Kind::Value);
    EXPECT_EQ(chk.rhs.value, "anyof");
    EXPECT_EQ(n->children[1]->name, "x");
    EXPECT_EQ(check_of("proc.name == oneof")->rhs.value, "oneof");
    EXPECT_EQ(ast_of("proc.name = allof or y"), "(proc.name = allof or y)");
    EXPECT_EQ(check_of("proc.name == oneof")->modifier, "");
    auto nt = parse_condition("proc.name == anyof and not x");
    EXPECT_EQ(nt->children[0]->rhs.value, "anyof");
}

TEST(ParserModifiers, ModifierFollowedByListIdentifier) {
    auto n = check_of("proc.name == oneof oneof");
    EXPECT_EQ(n->modifier, "oneof");
    EXPECT_EQ(n->rhs.kind, ast::Rhs::Kind::ListRef);
    EXPECT_EQ(n->rhs.list_name, "oneof");
    auto m = check_of("proc.name == anyof my_list");
    EXPECT_EQ(m->modifier, "anyof");
    EXPECT_EQ(m->rhs.list_name, "my_list");
}

TEST(ParserModifiers, NotOnNumericOrListOperators) {
    expect_reject({"test.num > oneof (1, 2)", "test.num <= anyof (1)", "test.list in oneof (a)",
                   "test.list intersects anyof (a)", "test.list pmatch allof (/a)"});
}

TEST(ParserFieldArgs, Forms) {
    auto a = check_of("proc.aname[2] = bash");
    EXPECT_EQ(a->lhs.name, "proc.aname");
    EXPECT_TRUE(a->lhs.has_arg);
    EXPECT_EQ(a->lhs.arg, "2");
    auto e = check_of("evt.arg[0] exists");
    EXPECT_EQ(e->lhs.name, "evt.arg");
    EXPECT_EQ(e->lhs.arg, "0");
    auto q = check_of("container.label[\"a b\"] = x");
    EXPECT_EQ(q->lhs.arg, "a b");
    EXPECT_TRUE(q->lhs.arg_quoted);
    auto s = check_of("container.label['x'] = y");
    EXPECT_EQ(s->lhs.arg, "x");
    auto k = check_of("k8s.pod.label[app.kubernetes.io/name] = web");
    EXPECT_EQ(k->lhs.arg, "app.kubernetes.io/name");
    auto dotted = check_of("evt.arg.flags contains O_RDONLY");
    EXPECT_EQ(dotted->lhs.name, "evt.arg.flags");
    EXPECT_FALSE(dotted->lhs.has_arg);
    EXPECT_EQ(ast::to_string(a->lhs), "proc.aname[2]");
    EXPECT_EQ(ast::to_string(q->lhs), "container.label[\"a b\"]");
    expect_reject({"proc.aname[] = bash", "proc.aname[2 = bash", "proc.aname[a b] = x",
                   "proc.aname [2] = bash", "proc.aname[2]x = bash"});
}

TEST(ParserFieldNames, DottedNamesAreFieldsPlainNamesAreMacros) {
    auto m = parse_condition("some_macro");
    EXPECT_EQ(m->kind, ast::Node::Kind::Macro);
    EXPECT_EQ(m->name, "some_macro");
    EXPECT_EQ(check_of("a.b exists")->lhs.name, "a.b");
    EXPECT_EQ(check_of("a.b.c_d1 exists")->lhs.name, "a.b.c_d1");
    expect_reject({"1a.b exists", "_a.b exists", "a. exists", "macro = x", "a.b.", ".a exists"});
}

TEST(ParserTransformers, LeftAndRightHandSides) {
    auto n = check_of("tolower(proc.name) = bash");
    EXPECT_EQ(n->lhs.kind, ast::Operand::Kind::Transformer);
    EXPECT_EQ(n->lhs.name, "tolower");
    ASSERT_EQ(n->lhs.args.size(), 1u);
    EXPECT_EQ(n->lhs.args[0].name, "proc.name");

    auto nested = check_of("toupper(b64(proc.name)) = X");
    EXPECT_EQ(ast::to_string(nested->lhs), "toupper(b64(proc.name))");

    auto rhs = check_of("proc.name = toupper(proc.pname)");
    EXPECT_EQ(rhs->rhs.kind, ast::Rhs::Kind::Operand);
    EXPECT_FALSE(rhs->rhs.is_val);
    EXPECT_EQ(ast::to_string(rhs->rhs.operand[0]), "toupper(proc.pname)");

    EXPECT_EQ(ast_of("basename(proc.exepath) in (a, b)"), "basename(proc.exepath) in (a, b)");
    EXPECT_EQ(ast_of("len(proc.name) > 3"), "len(proc.name) > 3");
    EXPECT_EQ(ast_of("join(\",\", (\"a\", \"b\")) = x"), "join(\",\", (a, b)) = x");
    EXPECT_TRUE(parses("concat(proc.name, \"-\", proc.pname) = x"));
    EXPECT_TRUE(parses("concat(proc.name, 1, 0x2, -3.5) = x"));
    EXPECT_TRUE(parses("tolower( proc.name ) exists"));
    EXPECT_TRUE(parses("len(proc.name) >= len(proc.pname)"));
    expect_reject({"tolower(proc.name = x", "tolower() = x", "tolower(,proc.name) = x",
                   "tolower(proc.name,) = x", "tolower (proc.name) = x", "unknownfn(proc.name) = x",
                   "TOLOWER(proc.name) = x"});
}

TEST(ParserTransformers, ValOnTheRight) {
    auto n = check_of("proc.name = val(proc.pname)");
    EXPECT_EQ(n->rhs.kind, ast::Rhs::Kind::Operand);
    EXPECT_TRUE(n->rhs.is_val);
    EXPECT_EQ(n->rhs.operand[0].name, "proc.pname");
    EXPECT_EQ(ast_of("proc.name = val(proc.pname)"), "proc.name = val(proc.pname)");
    EXPECT_EQ(check_of("proc.pid > val(proc.ppid)")->rhs.is_val, true);
    EXPECT_EQ(check_of("proc.name in val(proc.pname)")->rhs.is_val, true);
    EXPECT_EQ(check_of("proc.aname[1] = val(proc.aname[2])")->rhs.operand[0].arg, "2");
    expect_reject({"proc.name = val(proc.pname", "proc.name = val()", "proc.name = val(x)",
                   "val(proc.name) = x", "proc.name = val(tolower(proc.pname))"});
}

TEST(ParserPrecedence, NotAndOr) {
    EXPECT_EQ(ast_of("a or b and c"), "(a or (b and c))");
    EXPECT_EQ(ast_of("a and b or c"), "((a and b) or c)");
    EXPECT_EQ(ast_of("a and b and c"), "(a and b and c)");
    EXPECT_EQ(ast_of("a or b or c"), "(a or b or c)");
    EXPECT_EQ(ast_of("not a.b=1 and c"), "(not a.b = 1 and c)");
    EXPECT_EQ(ast_of("not (a or b) and c"), "(not (a or b) and c)");
    EXPECT_EQ(ast_of("(a or b) and c"), "((a or b) and c)");
    EXPECT_EQ(ast_of("not not a"), "not not a");
    auto n = parse_condition("not a.b=1 and c");
    ASSERT_EQ(n->kind, ast::Node::Kind::And);
    EXPECT_EQ(n->children[0]->kind, ast::Node::Kind::Not);
}

TEST(ParserPrecedence, ParenthesesAndWhitespace) {
    expect_accept(
        {"((a))", " a ", "\ta\n", "( a and b )", "(a)or(b)", "a and (b or c)", "not(a and b)"});
    expect_reject({"", "   ", "()", "(a", "a)", "((a)", "a and (b", "(a or b))"});
    EXPECT_NE(parse_error("(a").find("expected a ')' token"), std::string::npos);
    EXPECT_NE(parse_error("a b").find("unexpected token after 'a'"), std::string::npos);
}

TEST(ParserPrecedence, SurroundingWhitespaceVariants) {
    // Everything accepted stays accepted with spaces replaced by newlines or tabs and with
    // surrounding blanks.
    for (std::string c : {"a and not b", "proc.name = x or (fd.name in (a, b))",
                          "proc.name == oneof (a, b)", "tolower(proc.name) contains x"}) {
        for (char sep : {'\n', '\t'}) {
            std::string v = c;
            for (char& ch : v)
                if (ch == ' ') ch = sep;
            EXPECT_TRUE(parses(v)) << "[" << v << "]";
            EXPECT_TRUE(parses(" " + c + " ")) << c;
        }
    }
}

TEST(ParserDepth, DeepNestingIsAnErrorNotACrash) {
    std::string deep(5000, '(');
    deep += "a";
    deep += std::string(5000, ')');
    std::string err = parse_error(deep);
    EXPECT_FALSE(err.empty());
    EXPECT_NE(err.find("depth"), std::string::npos) << err;

    std::string nots;
    for (int i = 0; i < 5000; ++i) nots += "not ";
    nots += "a";
    EXPECT_FALSE(parse_error(nots).empty());

    std::string tf;
    for (int i = 0; i < 5000; ++i) tf += "tolower(";
    tf += "proc.name";
    tf += std::string(5000, ')');
    tf += " = x";
    EXPECT_FALSE(parse_error(tf).empty());

    // Long flat chains are not nesting.
    std::string chain = "a";
    for (int i = 0; i < 3000; ++i) chain += " and a";
    EXPECT_TRUE(parses(chain));
    // Moderate nesting is fine.
    std::string ok = std::string(50, '(') + "a" + std::string(50, ')');
    EXPECT_TRUE(parses(ok));
    // An explicit lower limit applies.
    EXPECT_FALSE(parse_error(ok, 20).empty());
}

TEST(ParserErrors, OffsetsPointAtTheProblem) {
    try {
        parse_condition("proc.name = x and )");
        FAIL() << "should not parse";
    } catch (const sensor::condition::ParseError& e) {
        EXPECT_GE(e.offset(), 18u);
    }
    try {
        parse_condition("proc.name = x y");
        FAIL() << "should not parse";
    } catch (const sensor::condition::ParseError& e) {
        EXPECT_NE(std::string(e.what()).find("expecting 'or', 'and'"), std::string::npos);
        EXPECT_EQ(e.offset(), 14u);
    }
}

TEST(ParserAst, OutputOperandPrefix) {
    ast::Operand op;
    EXPECT_EQ(sensor::condition::parse_output_operand("proc.name rest", op), 9u);
    EXPECT_EQ(op.name, "proc.name");
    ast::Operand t;
    EXPECT_EQ(sensor::condition::parse_output_operand("tolower(proc.name)!", t), 18u);
    EXPECT_EQ(t.kind, ast::Operand::Kind::Transformer);
    ast::Operand none;
    EXPECT_EQ(sensor::condition::parse_output_operand("plainword", none), 0u);
}
