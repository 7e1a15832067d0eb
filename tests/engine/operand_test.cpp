// Transformers (SPEC 1.5): tolower toupper b64 basename len join concat, alone and nested, on
// either side of a check, on missing values, and their type errors.
#include <gtest/gtest.h>

#include "support/condition_harness.h"

using cond_test::compile_error;
using cond_test::compiles;
using cond_test::World;

TEST(TransformersCase, ToLowerToUpper) {
    World w;
    w.cat.name = "CaT-1";
    EXPECT_MATCH("tolower(proc.name) = cat-1", w.ev);
    EXPECT_NO_MATCH("tolower(proc.name) = CaT-1", w.ev);
    EXPECT_MATCH("toupper(proc.name) = CAT-1", w.ev);
    EXPECT_NO_MATCH("toupper(proc.name) = cat-1", w.ev);
    EXPECT_MATCH("proc.name = CaT-1", w.ev);  // the field itself is unchanged
    EXPECT_MATCH("tolower(proc.name) in (dog, cat-1)", w.ev);
    EXPECT_MATCH("toupper(proc.name) startswith CA", w.ev);
    EXPECT_MATCH("tolower(proc.name) contains at", w.ev);
    EXPECT_MATCH("tolower(proc.name) exists", w.ev);
    EXPECT_MATCH("tolower(proc.name) == oneof (cat-1, dog)", w.ev);
}

TEST(TransformersB64, Decodes) {
    World w;
    w.cat.name = "Y2F0";  // "cat"
    EXPECT_MATCH("b64(proc.name) = cat", w.ev);
    EXPECT_NO_MATCH("b64(proc.name) = Y2F0", w.ev);
    w.cat.name = "aGVsbG8gd29ybGQ=";  // "hello world"
    EXPECT_MATCH("b64(proc.name) = \"hello world\"", w.ev);
    EXPECT_MATCH("b64(proc.name) contains world", w.ev);
    w.cat.name = "aGk=";
    EXPECT_MATCH("b64(proc.name) = hi", w.ev);
    EXPECT_MATCH("toupper(b64(proc.name)) = HI", w.ev);
}

TEST(TransformersB64, InvalidInputIsMissing) {
    World w;
    w.cat.name = "not*base64!";
    EXPECT_NO_MATCH("b64(proc.name) exists", w.ev);
    EXPECT_NO_MATCH("b64(proc.name) != x", w.ev);
    EXPECT_MATCH("not b64(proc.name) = x", w.ev);
}

TEST(TransformersBasename, Paths) {
    World w;  // fd.name /etc/shadow, proc.exepath /usr/bin/cat
    EXPECT_MATCH("basename(fd.name) = shadow", w.ev);
    EXPECT_MATCH("basename(proc.exepath) = cat", w.ev);
    EXPECT_NO_MATCH("basename(fd.name) = /etc/shadow", w.ev);
    EXPECT_MATCH("basename(fd.name) in (passwd, shadow)", w.ev);
    w.cat.exepath = "plain";
    EXPECT_MATCH("basename(proc.exepath) = plain", w.ev);
    EXPECT_MATCH("toupper(basename(fd.name)) = SHADOW", w.ev);
    EXPECT_MATCH("basename(tolower(fd.name)) = shadow", w.ev);
}

TEST(TransformersLen, StringLengths) {
    World w;  // proc.name cat, fd.name /etc/shadow
    EXPECT_MATCH("len(proc.name) = 3", w.ev);
    EXPECT_MATCH("len(proc.name) > 2", w.ev);
    EXPECT_NO_MATCH("len(proc.name) > 3", w.ev);
    EXPECT_MATCH("len(proc.name) <= 3", w.ev);
    EXPECT_MATCH("len(fd.name) = 11", w.ev);
    EXPECT_MATCH("len(fd.name) in (10, 11)", w.ev);
    EXPECT_MATCH("len(basename(fd.name)) = 6", w.ev);
    EXPECT_MATCH("len(tolower(proc.name)) = 3", w.ev);
    EXPECT_MATCH("len(fd.name) > len(proc.name)", w.ev);
    EXPECT_MATCH("len((\"a\", \"b\", \"c\")) = 3", w.ev);
    // len yields a number: string operators and non-numeric values do not apply.
    EXPECT_FALSE(compiles("len(proc.name) contains 3"));
    EXPECT_FALSE(compiles("len(proc.name) = abc"));
    EXPECT_FALSE(compiles("len(proc.name) startswith 1"));
}

TEST(TransformersJoinConcat, Join) {
    World w;
    EXPECT_MATCH("join(\",\", (\"a\", \"b\", \"c\")) = \"a,b,c\"", w.ev);
    EXPECT_MATCH("join(\"\", (\"a\", \"b\")) = ab", w.ev);
    EXPECT_MATCH("join(\"-\", (\"x\")) = x", w.ev);
    EXPECT_NO_MATCH("join(\",\", (\"a\", \"b\")) = \"a, b\"", w.ev);
    EXPECT_MATCH("toupper(join(\"/\", (\"a\", \"b\"))) = A/B", w.ev);
    // join needs a list as its second argument.
    EXPECT_FALSE(compiles("join(\",\", proc.name) = x"));
    EXPECT_FALSE(compiles("join(\",\") = x"));
}

TEST(TransformersJoinConcat, Concat) {
    World w;  // cat, parent bash
    EXPECT_MATCH("concat(proc.name, proc.pname) = catbash", w.ev);
    EXPECT_MATCH("concat(proc.name, \"-\", proc.pname) = cat-bash", w.ev);
    EXPECT_MATCH("concat(proc.name, ' ', \"x\") = \"cat x\"", w.ev);
    EXPECT_MATCH("toupper(concat(proc.name, proc.pname)) = CATBASH", w.ev);
    EXPECT_MATCH("concat(toupper(proc.name), basename(fd.name)) = CATshadow", w.ev);
    EXPECT_MATCH("len(concat(proc.name, proc.pname)) = 7", w.ev);
    EXPECT_FALSE(compiles("concat(proc.name) = x"));
    // A missing part makes the whole value missing.
    EXPECT_NO_MATCH("concat(proc.name, container.label[nope]) exists", w.ev);
    EXPECT_NO_MATCH("concat(proc.name, container.label[nope]) != x", w.ev);
}

TEST(TransformersRhs, OnTheRightHandSide) {
    World w;
    w.cat.exe = "CAT";
    EXPECT_MATCH("proc.name = tolower(proc.exe)", w.ev);
    EXPECT_NO_MATCH("proc.name = proc.exe", w.ev);
    EXPECT_MATCH("toupper(proc.name) = toupper(proc.exe)", w.ev);
    EXPECT_MATCH("proc.name != toupper(proc.name)", w.ev);
    EXPECT_MATCH("fd.filename = basename(fd.name)", w.ev);
    EXPECT_MATCH("proc.name = basename(proc.exepath)", w.ev);
    EXPECT_MATCH("proc.pid > len(proc.name)", w.ev);
    EXPECT_MATCH("proc.cmdline startswith concat(proc.name, \" /etc\")", w.ev);
    EXPECT_MATCH("fd.name endswith concat(\"/\", basename(fd.name))", w.ev);
    EXPECT_MATCH("proc.name in tolower(proc.exe)", w.ev);
    EXPECT_MATCH("proc.name = val(proc.name)", w.ev);
    // Types must agree across the two sides.
    EXPECT_FALSE(compiles("proc.name = len(proc.exe)"));
    EXPECT_FALSE(compiles("proc.pid = tolower(proc.exe)"));
}

TEST(TransformersMissing, MissingInputIsMissingOutput) {
    World w;
    w.ev.proc = nullptr;
    for (std::string c :
         {"tolower(proc.name) = x", "tolower(proc.name) != x", "toupper(proc.name) exists",
          "b64(proc.name) exists", "basename(proc.exepath) != x", "len(proc.name) = 0",
          "len(proc.name) >= 0", "concat(proc.name, \"x\") = x", "fd.name != tolower(proc.name)",
          "fd.name = tolower(proc.name)"}) {
        EXPECT_NO_MATCH(c, w.ev);
    }
    EXPECT_MATCH("not tolower(proc.name) = x", w.ev);
    EXPECT_MATCH("not len(proc.name) exists", w.ev);
}

TEST(TransformersTypes, ArgumentErrors) {
    for (std::string t : {"tolower", "toupper", "b64", "basename", "len"}) {
        EXPECT_FALSE(compiles(t + "(proc.pid) exists")) << t;
        EXPECT_FALSE(compiles(t + "(container.privileged) exists")) << t;
        EXPECT_FALSE(compiles(t + "(fd.cip) exists")) << t;
        EXPECT_FALSE(compiles(t + "(proc.name, proc.exe) exists")) << t;
        EXPECT_FALSE(compiles(t + "(proc.nope) exists")) << t;
        EXPECT_TRUE(compiles(t + "(proc.name) exists")) << t;
    }
    EXPECT_FALSE(compiles("tolower(len(proc.name)) = x"));
    EXPECT_NE(compile_error("tolower(proc.nme) = x").find("nonexistent field proc.nme"),
              std::string::npos);
}
