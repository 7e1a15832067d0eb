// libs 0.25's multivalue transformers: getopt (list and `[c]` selector forms), join over
// transformer lists of fields and transformers, concat's argument rules, and the argument
// errors with libs' messages.
#include <gtest/gtest.h>

#include "support/condition_harness.h"

using cond_test::compile_error;
using cond_test::World;

TEST(TransformerGetopt, ListFormYieldsOptionsAndArguments) {
    World w;  // proc.name cat
    // -n takes no argument, -t takes one (attached or the next word); -x is unknown.
    const std::string argv = "(\"-n\", \"-tvalue\", \"-x\", \"-t\", \"other\", \"file\", \"-n\")";
    const std::string g = "getopt(" + argv + ", \"nt:\")";
    EXPECT_MATCH("join(\",\", " + g + ") = \"n,t,value,?,t,other\"", w.ev);
    EXPECT_MATCH(g + " intersects (value)", w.ev);
    EXPECT_NO_MATCH(g + " intersects (file)", w.ev);  // scanning stops at the first operand
    EXPECT_MATCH("len(" + g + ") = 6", w.ev);
    // A cluster expands; an option taking an argument ends the cluster.
    EXPECT_MATCH("join(\",\", getopt((\"-ntv\"), \"nt:\")) = \"n,t,v\"", w.ev);
    // "--" ends the options; long options are skipped; a missing argument is "".
    EXPECT_MATCH("join(\",\", getopt((\"--exec\", \"-n\", \"--\", \"-t\", \"x\"), \"nt:\")) = n",
                 w.ev);
    EXPECT_MATCH("join(\",\", getopt((\"-n\", \"-t\"), \"nt:\")) = \"n,\"", w.ev);
    // A leading ':' in the optstring is accepted; ':' itself is never an option.
    EXPECT_MATCH("join(\",\", getopt((\"-:\", \"-n\"), \":n\")) = \"?,n\"", w.ev);
    // No options at all: an empty list.
    EXPECT_NO_MATCH("getopt((\"file\", \"-n\"), \"n\") intersects (n)", w.ev);
    EXPECT_MATCH("join(\",\", getopt((\"file\"), \"n\")) = \"\"", w.ev);
}

TEST(TransformerGetopt, SelectorFormIsTheLastValueOfOneOption) {
    World w;
    const std::string argv = "(\"-t\", \"first\", \"-n\", \"-tsecond\")";
    EXPECT_MATCH("getopt(" + argv + ", \"nt:\")[t] = second", w.ev);
    EXPECT_MATCH("getopt(" + argv + ", \"nt:\")[n] = n", w.ev);  // no argument: the option
    EXPECT_NO_MATCH("getopt(" + argv + ", \"nt:\")[x] exists", w.ev);
    EXPECT_NO_MATCH("getopt(" + argv + ", \"nt:\")[q] = q", w.ev);  // absent: missing
    EXPECT_MATCH("getopt((\"-t\"), \"t:\")[t] = \"\"", w.ev);       // missing argument
    EXPECT_MATCH("getopt((\"-t\", \"x\"), \"t:\")[\"t\"] in (x, y)", w.ev);
    EXPECT_MATCH("toupper(getopt((\"-tab\"), \"t:\")[t]) = AB", w.ev);
}

TEST(TransformerGetopt, ArgumentsFromFields) {
    World w;  // proc.name cat, proc.pname bash
    w.cat.name = "-tcat";
    EXPECT_MATCH("getopt((proc.name, \"-n\"), \"nt:\")[t] = cat", w.ev);
    EXPECT_MATCH("getopt((\"-t\", proc.pname), \"t:\")[t] = bash", w.ev);
    EXPECT_MATCH("getopt((\"-t\", toupper(proc.pname)), \"t:\")[t] = BASH", w.ev);
    // The optstring may be a field; it is decoded again only when it changes.
    w.cat.exe = "t:";
    EXPECT_MATCH("getopt((\"-tv\"), proc.exe)[t] = v", w.ev);
    w.cat.exe = "tv";
    EXPECT_MATCH("join(\",\", getopt((\"-tv\"), proc.exe)) = \"t,v\"", w.ev);
    // A missing list element makes the list, and so the result, missing.
    EXPECT_NO_MATCH("getopt((\"-t\", container.label[nope]), \"t:\")[t] exists", w.ev);
}

TEST(TransformerGetopt, ArgumentErrors) {
    EXPECT_EQ(compile_error("getopt((\"-t\"), \"t:\", \"x\") = x"),
              "getopt() requires exactly 2 arguments: args list and optstring");
    EXPECT_EQ(compile_error("getopt(proc.name, \"t:\") = x"),
              "getopt() first argument must be a list");
    EXPECT_EQ(compile_error("getopt((\"-t\"), (\"t:\")) = x"),
              "getopt() second argument (optstring) must be a single value");
    EXPECT_EQ(compile_error("getopt((\"-t\"), proc.pid) = x"),
              "getopt() arguments must be strings");
    EXPECT_EQ(compile_error("getopt((\"-t\"), \"t:\")[tt] = x"),
              "getopt() field argument must be a single option character");
    EXPECT_EQ(compile_error("getopt((\"-t\")) = x"), "unknown field transfomer 'getopt'");
}

TEST(TransformerJoin, OverFieldsAndTransformers) {
    World w;  // proc.name cat, proc.pname bash, proc.pid 300, fd.name /etc/shadow
    EXPECT_MATCH("join(\",\", (proc.name, proc.pname)) = \"cat,bash\"", w.ev);
    EXPECT_MATCH("join(\"/\", (toupper(proc.name), basename(fd.name), \"x\")) = \"CAT/shadow/x\"",
                 w.ev);
    EXPECT_MATCH("join(\"-\", (proc.pid, 7)) = \"300-7\"", w.ev);     // numbers as text
    EXPECT_MATCH("join(proc.pname, (\"a\", \"b\")) = abashb", w.ev);  // a field separator
    EXPECT_MATCH("join(\",\", ()) = \"\"", w.ev);
    EXPECT_MATCH("proc.cmdline contains join(\" \", (proc.name, \"/etc\"))", w.ev);
    // A missing element makes the join missing.
    EXPECT_NO_MATCH("join(\",\", (proc.name, container.label[nope])) exists", w.ev);
}

TEST(TransformerJoin, ArgumentErrors) {
    EXPECT_EQ(compile_error("join((\"a\", \"b\"), (\"c\")) = x"),
              "join() first argument (separator) must be a single value, not a list");
    EXPECT_EQ(compile_error("join(\",\", proc.name) = x"), "join() second argument must be a list");
    EXPECT_EQ(compile_error("join(\",\", (\"a\"), (\"b\")) = x"),
              "join() requires exactly 2 arguments: separator and list");
    EXPECT_EQ(compile_error("join((\"a\")) = x"), "unknown field transfomer 'join'");
    EXPECT_EQ(compile_error("join(\",\", (\"a\"))[x] = x"),
              "transformer 'join' does not support field arguments");
}

TEST(TransformerConcatAndSingle, ArgumentErrors) {
    EXPECT_EQ(compile_error("concat(proc.name, proc.pid) = x"),
              "concat() arguments must be strings");
    EXPECT_EQ(compile_error("concat(proc.name, (\"a\")) = x"),
              "concat() arguments must be strings");
    EXPECT_EQ(compile_error("tolower(proc.name, proc.pname) = x"),
              "unknown multivalue transformer");
    EXPECT_EQ(compile_error("tolower(proc.name)[1] = x"),
              "filter error: transformer 'tolower' does not support field arguments");
}
