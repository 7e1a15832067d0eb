// Operator semantics on every field type (SPEC 1.7), modifiers, missing-field semantics, type
// compatibility errors and compile warnings.
#include <gtest/gtest.h>
#include <unistd.h>

#include "support/condition_harness.h"

using cond_test::compile_error;
using cond_test::compiles;
using cond_test::has_warning;
using cond_test::warnings_of;
using cond_test::World;

namespace {

bool error_contains(const std::string& cond, const std::string& needle) {
    std::string e = compile_error(cond);
    return !e.empty() && e.find(needle) != std::string::npos;
}

}  // namespace

TEST(OperatorsStrings, EqualityAndOrdering) {
    World w;
    EXPECT_MATCH("proc.name = cat", w.ev);
    EXPECT_MATCH("proc.name == cat", w.ev);
    EXPECT_MATCH("proc.name = \"cat\"", w.ev);
    EXPECT_NO_MATCH("proc.name = Cat", w.ev);
    EXPECT_NO_MATCH("proc.name = ca", w.ev);
    EXPECT_MATCH("proc.name != dog", w.ev);
    EXPECT_NO_MATCH("proc.name != cat", w.ev);
    // Ordering operators take a number (or a transformer / val()) on the right; on a string
    // field the comparison is lexicographic.
    EXPECT_FALSE(cond_test::parses("proc.name < dog"));
    EXPECT_MATCH("proc.name > val(proc.pname)", w.ev);  // "cat" > "bash"
    EXPECT_NO_MATCH("proc.name < val(proc.pname)", w.ev);
    EXPECT_MATCH("proc.name <= val(proc.exe)", w.ev);
    EXPECT_MATCH("proc.name >= val(proc.exe)", w.ev);
    World n;
    n.cat.name = "10";
    EXPECT_MATCH("proc.name < 9", n.ev);  // lexicographic, not numeric
    EXPECT_NO_MATCH("proc.name > 9", n.ev);
    EXPECT_MATCH("proc.name <= 10", n.ev);
    EXPECT_NO_MATCH("proc.name < 10", n.ev);
    EXPECT_MATCH("proc.name >= 10", n.ev);
    EXPECT_MATCH("proc.name > 1", n.ev);
    EXPECT_MATCH("proc.pname = bash", w.ev);
    EXPECT_MATCH("proc.name = 'cat' and proc.pname = \"bash\"", w.ev);
}

TEST(OperatorsStrings, SubstringOperators) {
    World w;
    EXPECT_MATCH("fd.name contains shad", w.ev);
    EXPECT_NO_MATCH("fd.name contains SHAD", w.ev);
    EXPECT_MATCH("fd.name icontains SHAD", w.ev);
    EXPECT_MATCH("fd.name icontains /EtC/", w.ev);
    EXPECT_NO_MATCH("fd.name icontains passwd", w.ev);
    EXPECT_MATCH("fd.name startswith /etc/", w.ev);
    EXPECT_NO_MATCH("fd.name startswith /ETC", w.ev);
    EXPECT_NO_MATCH("fd.name startswith /etc/shadow-", w.ev);
    EXPECT_MATCH("fd.name endswith shadow", w.ev);
    EXPECT_MATCH("fd.name endswith /etc/shadow", w.ev);
    EXPECT_NO_MATCH("fd.name endswith x/etc/shadow", w.ev);
    EXPECT_NO_MATCH("fd.name endswith Shadow", w.ev);
    EXPECT_MATCH("proc.cmdline contains \"cat /etc\"", w.ev);
}

TEST(OperatorsStrings, GlobAndIglob) {
    World w;
    EXPECT_MATCH("fd.name glob /etc/*", w.ev);
    EXPECT_MATCH("fd.name glob \"*shad?w\"", w.ev);
    EXPECT_MATCH("fd.name glob /etc/[rs]hadow", w.ev);
    EXPECT_NO_MATCH("fd.name glob /ETC/*", w.ev);
    EXPECT_MATCH("fd.name iglob /ETC/*", w.ev);
    EXPECT_MATCH("fd.name iglob \"*SHADOW\"", w.ev);
    EXPECT_NO_MATCH("fd.name glob /etc", w.ev);
    EXPECT_NO_MATCH("fd.name iglob /usr/*", w.ev);
    EXPECT_MATCH("proc.name glob c*", w.ev);
}

TEST(OperatorsStrings, RegexIsAFullMatch) {
    World w;
    EXPECT_MATCH("proc.name regex c.t", w.ev);
    EXPECT_MATCH("proc.name regex \"[a-c]+t\"", w.ev);
    EXPECT_NO_MATCH("proc.name regex c", w.ev);
    EXPECT_NO_MATCH("proc.name regex a", w.ev);
    EXPECT_NO_MATCH("proc.name regex at", w.ev);
    EXPECT_MATCH("proc.name regex \".*a.*\"", w.ev);
    EXPECT_MATCH("fd.name regex \"/etc/(shadow|passwd)\"", w.ev);
    EXPECT_NO_MATCH("fd.name regex \"/etc/(passwd|group)\"", w.ev);
    EXPECT_TRUE(error_contains("proc.name regex \"(\"", "invalid regex pattern"));
    EXPECT_TRUE(error_contains("proc.name regex \"a[\"", "invalid regex pattern"));
    EXPECT_FALSE(compile_error("proc.name regex val(proc.pname)").empty());
}

TEST(OperatorsStrings, InAndIntersects) {
    World w;
    EXPECT_MATCH("proc.name in (dog, cat)", w.ev);
    EXPECT_MATCH("proc.name in (cat)", w.ev);
    EXPECT_NO_MATCH("proc.name in (dog, ca, cats)", w.ev);
    EXPECT_NO_MATCH("proc.name in ()", w.ev);
    EXPECT_MATCH("proc.name in (\"cat\", 'x y')", w.ev);
    // With a single-valued field, intersects is in.
    EXPECT_MATCH("proc.name intersects (dog, cat)", w.ev);
    EXPECT_NO_MATCH("proc.name intersects (dog)", w.ev);
    // A bare word where a list is expected is a one-element list (libs' value_expr); real lists
    // are substituted textually before parsing.
    EXPECT_MATCH("proc.name in cat", w.ev);
    EXPECT_NO_MATCH("proc.name in undefined_list", w.ev);
}

TEST(OperatorsStrings, Exists) {
    World w;
    EXPECT_MATCH("proc.name exists", w.ev);
    EXPECT_MATCH("fd.name exists", w.ev);
    EXPECT_NO_MATCH("fd.sip exists", w.ev);
    EXPECT_NO_MATCH("container.label[missing] exists", w.ev);
    EXPECT_MATCH("container.label[app] exists", w.ev);
    EXPECT_MATCH("container.label[\"a b\"] = spaced", w.ev);
    EXPECT_MATCH("container.label[app] = web", w.ev);
}

TEST(OperatorsPaths, PmatchIsComponentWise) {
    World w;
    EXPECT_MATCH("fd.name pmatch (/etc)", w.ev);
    EXPECT_MATCH("fd.name pmatch (/usr, /etc)", w.ev);
    EXPECT_MATCH("fd.name pmatch (/etc/shadow)", w.ev);
    EXPECT_MATCH("fd.name pmatch (/)", w.ev);
    EXPECT_NO_MATCH("fd.name pmatch (/et)", w.ev);
    EXPECT_NO_MATCH("fd.name pmatch (/etc/shad)", w.ev);
    EXPECT_NO_MATCH("fd.name pmatch (/etc/shadow/x)", w.ev);
    EXPECT_NO_MATCH("fd.name pmatch (/usr, /var)", w.ev);
    EXPECT_NO_MATCH("fd.name pmatch ()", w.ev);

    w.file.name = "/etcfoo";
    EXPECT_NO_MATCH("fd.name pmatch (/etc)", w.ev);
    EXPECT_MATCH("fd.name pmatch (/etcfoo)", w.ev);
    w.file.name = "/etc";
    EXPECT_MATCH("fd.name pmatch (/etc)", w.ev);
    w.file.name = "/etc/x";
    EXPECT_MATCH("fd.name pmatch (/etc)", w.ev);
    w.file.name = "/etc/x/y/z";
    EXPECT_MATCH("fd.name pmatch (/etc/x)", w.ev);
    EXPECT_NO_MATCH("fd.name pmatch (/etc/y)", w.ev);

    EXPECT_FALSE(compile_error("fd.name pmatch val(fd.directory)").empty());
    EXPECT_FALSE(compiles("proc.pid pmatch (1)"));
}

TEST(OperatorsNumbers, SignedComparisons) {
    World w;  // proc.pid 300, proc.ppid 200
    EXPECT_MATCH("proc.pid = 300", w.ev);
    EXPECT_MATCH("proc.pid == 300", w.ev);
    EXPECT_NO_MATCH("proc.pid = 301", w.ev);
    EXPECT_MATCH("proc.pid != 301", w.ev);
    EXPECT_NO_MATCH("proc.pid != 300", w.ev);
    EXPECT_MATCH("proc.pid < 301", w.ev);
    EXPECT_NO_MATCH("proc.pid < 300", w.ev);
    EXPECT_MATCH("proc.pid <= 300", w.ev);
    EXPECT_MATCH("proc.pid > 299", w.ev);
    EXPECT_NO_MATCH("proc.pid > 300", w.ev);
    EXPECT_MATCH("proc.pid >= 300", w.ev);
    EXPECT_NO_MATCH("proc.pid >= 301", w.ev);
    EXPECT_MATCH("proc.pid > -1", w.ev);
    EXPECT_MATCH("proc.pid = 0x12C", w.ev);
    EXPECT_MATCH("proc.pid = 0x12c", w.ev);
    EXPECT_MATCH("proc.pid in (1, 300, 5)", w.ev);
    EXPECT_NO_MATCH("proc.pid in (1, 5)", w.ev);
    EXPECT_MATCH("proc.pid intersects (300)", w.ev);
    EXPECT_MATCH("proc.pid = \"300\"", w.ev);  // quoted RHS is parsed as the field's type
    EXPECT_MATCH("proc.pid > val(proc.ppid)", w.ev);
    EXPECT_NO_MATCH("proc.pid < val(proc.ppid)", w.ev);
    EXPECT_MATCH("proc.pid exists", w.ev);
}

TEST(OperatorsNumbers, UnsignedComparisons) {
    World w;  // evt.num 7, user.uid 0, fd.sport 443 on the socket
    EXPECT_MATCH("evt.num = 7", w.ev);
    EXPECT_MATCH("evt.num > 6", w.ev);
    EXPECT_MATCH("evt.num <= 7", w.ev);
    EXPECT_NO_MATCH("evt.num < 7", w.ev);
    EXPECT_MATCH("evt.num != 8", w.ev);
    EXPECT_MATCH("evt.num in (1, 7)", w.ev);
    EXPECT_MATCH("evt.num = 0x7", w.ev);
    EXPECT_MATCH("user.uid = 0", w.ev);
    EXPECT_MATCH("user.uid < 1000", w.ev);
    w.use_socket();
    EXPECT_MATCH("fd.sport = 443", w.ev);
    EXPECT_MATCH("fd.cport > 1024", w.ev);
    EXPECT_MATCH("fd.port = 443", w.ev);
    EXPECT_MATCH("fd.port = 40000", w.ev);
    EXPECT_NO_MATCH("fd.port = 80", w.ev);
    EXPECT_MATCH("fd.port in (80, 443)", w.ev);
}

TEST(OperatorsNumbers, InvalidNumericValuesAreCompileErrors) {
    EXPECT_FALSE(compiles("proc.pid = abc"));
    EXPECT_FALSE(compiles("proc.pid in (1, abc)"));
    EXPECT_FALSE(compiles("proc.pid = 1.5x"));
}

TEST(OperatorsBools, Comparisons) {
    World w;  // container.privileged = false
    EXPECT_MATCH("container.privileged = false", w.ev);
    EXPECT_NO_MATCH("container.privileged = true", w.ev);
    EXPECT_MATCH("container.privileged != true", w.ev);
    EXPECT_MATCH("container.privileged in (false)", w.ev);
    EXPECT_MATCH("container.privileged intersects (true, false)", w.ev);
    EXPECT_MATCH("container.privileged exists", w.ev);
    w.container.privileged = 1;
    EXPECT_MATCH("container.privileged = true", w.ev);
    w.container.privileged = -1;  // unknown: missing
    EXPECT_NO_MATCH("container.privileged exists", w.ev);
    EXPECT_NO_MATCH("container.privileged = true", w.ev);
    EXPECT_NO_MATCH("container.privileged != true", w.ev);
    EXPECT_FALSE(compiles("container.privileged = maybe"));
}

TEST(OperatorsBools, OnlyEqualityAndSets) {
    EXPECT_FALSE(compiles("container.privileged contains t"));
    EXPECT_FALSE(compiles("container.privileged > 0"));
    EXPECT_FALSE(compiles("container.privileged startswith t"));
    EXPECT_FALSE(compiles("container.privileged glob t*"));
    EXPECT_FALSE(compiles("container.privileged pmatch (/t)"));
    EXPECT_FALSE(compiles("container.privileged regex t.*"));
}

TEST(OperatorsAddresses, IpFields) {
    World w;
    w.use_socket();  // 10.0.0.1:40000 -> 93.184.216.34:443
    EXPECT_MATCH("fd.cip = 10.0.0.1", w.ev);
    EXPECT_NO_MATCH("fd.cip = 10.0.0.2", w.ev);
    EXPECT_MATCH("fd.cip != 10.0.0.2", w.ev);
    EXPECT_MATCH("fd.sip = 93.184.216.34", w.ev);
    EXPECT_MATCH("fd.sip in (1.1.1.1, 93.184.216.34)", w.ev);
    EXPECT_NO_MATCH("fd.sip in (1.1.1.1, 8.8.8.8)", w.ev);
    // fd.ip is either end.
    EXPECT_MATCH("fd.ip = 10.0.0.1", w.ev);
    EXPECT_MATCH("fd.ip = 93.184.216.34", w.ev);
    EXPECT_NO_MATCH("fd.ip = 1.2.3.4", w.ev);
    EXPECT_MATCH("fd.ip in (1.2.3.4, 93.184.216.34)", w.ev);
    // A network on the right of an IP field is a containment test.
    EXPECT_MATCH("fd.cip = \"10.0.0.0/8\"", w.ev);
    EXPECT_NO_MATCH("fd.sip = \"10.0.0.0/8\"", w.ev);
    EXPECT_MATCH("fd.ip in (\"192.168.0.0/16\", \"93.184.0.0/16\")", w.ev);
    EXPECT_MATCH("fd.ip exists", w.ev);
    // `!=` on an either-end field holds only when neither end is equal.
    EXPECT_NO_MATCH("fd.ip != 10.0.0.1", w.ev);
    EXPECT_NO_MATCH("fd.ip != 93.184.216.34", w.ev);
    EXPECT_MATCH("fd.ip != 1.2.3.4", w.ev);
    EXPECT_MATCH("not fd.ip = 1.2.3.4", w.ev);
    EXPECT_NO_MATCH("fd.net != \"10.0.0.0/8\"", w.ev);
    EXPECT_MATCH("fd.net != \"192.168.0.0/16\"", w.ev);
    EXPECT_NO_MATCH("fd.port != 443", w.ev);
    EXPECT_MATCH("fd.port != 80", w.ev);
    // Not a socket: missing.
    World f;
    EXPECT_NO_MATCH("fd.ip exists", f.ev);
    EXPECT_NO_MATCH("fd.cip = 10.0.0.1", f.ev);
    EXPECT_NO_MATCH("fd.cip != 10.0.0.1", f.ev);
    EXPECT_NO_MATCH("fd.ip != 10.0.0.1", f.ev);
}

TEST(OperatorsAddresses, NetFields) {
    World w;
    w.use_socket();
    EXPECT_MATCH("fd.net = \"10.0.0.0/8\"", w.ev);
    EXPECT_MATCH("fd.net = \"93.184.216.0/24\"", w.ev);
    EXPECT_NO_MATCH("fd.net = \"192.168.0.0/16\"", w.ev);
    EXPECT_MATCH("fd.cnet = \"10.0.0.0/8\"", w.ev);
    EXPECT_NO_MATCH("fd.snet = \"10.0.0.0/8\"", w.ev);
    EXPECT_MATCH("fd.snet != \"10.0.0.0/8\"", w.ev);
    EXPECT_MATCH("fd.snet in (\"10.0.0.0/8\", \"172.16.0.0/12\", \"93.184.0.0/16\")", w.ev);
    EXPECT_NO_MATCH("fd.snet in (\"10.0.0.0/8\", \"172.16.0.0/12\", \"192.168.0.0/16\")", w.ev);
    EXPECT_MATCH("fd.snet intersects (\"93.0.0.0/8\")", w.ev);
    EXPECT_MATCH("fd.net = \"0.0.0.0/0\"", w.ev);
    EXPECT_NO_MATCH("fd.net = \"2001:db8::/32\"", w.ev);
    World f;
    EXPECT_NO_MATCH("fd.snet != \"10.0.0.0/8\"", f.ev);
    EXPECT_NO_MATCH("fd.net in (\"0.0.0.0/0\")", f.ev);
}

TEST(OperatorsAddresses, OnlyEqualityAndSetsAndValidValues) {
    for (std::string f : {"fd.ip", "fd.cip", "fd.net", "fd.snet"}) {
        EXPECT_FALSE(compiles(f + " contains 10")) << f;
        EXPECT_FALSE(compiles(f + " startswith 10")) << f;
        EXPECT_FALSE(compiles(f + " > 1")) << f;
        EXPECT_FALSE(compiles(f + " glob 10*")) << f;
        EXPECT_FALSE(compiles(f + " pmatch (10)")) << f;
        EXPECT_FALSE(compiles(f + " = notanip")) << f;
        EXPECT_FALSE(compiles(f + " in (10.0.0.1, bogus)")) << f;
        EXPECT_TRUE(compiles(f + " exists")) << f;
    }
    EXPECT_FALSE(compiles("fd.snet = \"10.0.0.0/33\""));
    EXPECT_FALSE(compiles("fd.cip = 300.1.1.1"));
}

TEST(OperatorsBytes, BcontainsNeedsABytesField) {
    // bcontains/bstartswith take hex strings, on the bytes-typed field (evt.buffer) only;
    // on string fields they are type errors whatever the value.
    EXPECT_TRUE(compiles("evt.buffer bcontains 636174"));
    EXPECT_TRUE(compiles("evt.buffer bstartswith DEADbeef"));
    EXPECT_FALSE(compiles("evt.buffer bcontains zz"));
    EXPECT_FALSE(compiles("evt.buffer bstartswith 123"));
    EXPECT_FALSE(compiles("evt.buffer icontains abc"));
    EXPECT_FALSE(compiles("proc.name bcontains 636174"));
    EXPECT_FALSE(compiles("proc.name bstartswith 6361"));
    EXPECT_FALSE(compiles("fd.name bcontains zz"));
    EXPECT_FALSE(compiles("proc.pid bcontains 00"));
}

TEST(OperatorsTypes, StringOnlyOperatorsOnNumbersAreErrors) {
    for (std::string op : {"contains", "icontains", "startswith", "endswith", "glob", "iglob",
                           "regex", "bcontains", "bstartswith"}) {
        EXPECT_FALSE(compiles("proc.pid " + op + " 3")) << op;
        EXPECT_FALSE(compiles("evt.num " + op + " 3")) << op;
    }
    EXPECT_FALSE(compiles("proc.pid pmatch (3)"));
    std::string e = compile_error("proc.pid contains 3");
    EXPECT_NE(e.find("contains"), std::string::npos) << e;
    // Comparing fields of different families.
    EXPECT_FALSE(compiles("proc.name = val(proc.pid)"));
    EXPECT_FALSE(compiles("proc.pid = val(proc.name)"));
    EXPECT_FALSE(compiles("fd.cip = val(proc.name)"));
    // Unknown fields use Falco's wording.
    EXPECT_TRUE(
        error_contains("proc.nme = x", "filter_check called with nonexistent field proc.nme"));
}

TEST(OperatorsModifiers, OneOfAnyOfAllOf) {
    World w;  // proc.name "cat"
    EXPECT_MATCH("proc.name == oneof (cat, dog)", w.ev);
    EXPECT_NO_MATCH("proc.name == oneof (dog, cow)", w.ev);
    EXPECT_MATCH("proc.name == anyof (dog, cat)", w.ev);
    EXPECT_NO_MATCH("proc.name == anyof (dog, cow)", w.ev);
    EXPECT_MATCH("proc.name == allof (cat, cat)", w.ev);
    EXPECT_NO_MATCH("proc.name == allof (cat, dog)", w.ev);

    EXPECT_MATCH("proc.name startswith oneof (c, x)", w.ev);
    EXPECT_NO_MATCH("proc.name startswith oneof (c, ca)", w.ev);  // two match
    EXPECT_MATCH("proc.name startswith anyof (c, ca)", w.ev);
    EXPECT_MATCH("proc.name startswith anyof (x, ca)", w.ev);
    EXPECT_NO_MATCH("proc.name startswith anyof (x, y)", w.ev);
    EXPECT_MATCH("proc.name startswith allof (c, ca, cat)", w.ev);
    EXPECT_NO_MATCH("proc.name startswith allof (c, x)", w.ev);

    EXPECT_MATCH("proc.name contains oneof (a, z)", w.ev);
    EXPECT_NO_MATCH("proc.name contains oneof (a, t)", w.ev);
    EXPECT_MATCH("proc.name contains allof (a, t)", w.ev);
    EXPECT_MATCH("proc.name icontains allof (A, T)", w.ev);
    EXPECT_MATCH("proc.name endswith anyof (x, at)", w.ev);
    EXPECT_MATCH("proc.name glob oneof (c*, d*)", w.ev);
    EXPECT_NO_MATCH("proc.name glob oneof (c*, *t)", w.ev);

    EXPECT_MATCH("proc.name != allof (dog, cow)", w.ev);
    EXPECT_NO_MATCH("proc.name != allof (cat, dog)", w.ev);
    EXPECT_MATCH("proc.name != anyof (cat, dog)", w.ev);
    EXPECT_NO_MATCH("proc.name != anyof (cat)", w.ev);
    EXPECT_MATCH("proc.name != oneof (cat, dog)", w.ev);
    EXPECT_NO_MATCH("proc.name != oneof (cow, dog)", w.ev);

    // "== anyof and x" compares against the word.
    World a;
    a.cat.name = "anyof";
    EXPECT_EQ(cond_test::compile("proc.name == anyof and x", {{"x", "proc.pid = 300"}})->eval(a.ev),
              true);
    EXPECT_EQ(cond_test::compile("proc.name == anyof and x", {{"x", "proc.pid = 300"}})->eval(w.ev),
              false);
}

TEST(OperatorsModifiers, OnAddressesOnlyWithEquality) {
    World w;
    w.use_socket();
    EXPECT_MATCH("fd.sip = anyof (1.1.1.1, 93.184.216.34)", w.ev);
    EXPECT_NO_MATCH("fd.sip = anyof (1.1.1.1, 8.8.8.8)", w.ev);
    EXPECT_MATCH("fd.sip != allof (1.1.1.1, 8.8.8.8)", w.ev);
    EXPECT_MATCH("fd.snet = oneof (\"93.0.0.0/8\", \"10.0.0.0/8\")", w.ev);
    EXPECT_NO_MATCH("fd.snet = oneof (\"93.0.0.0/8\", \"93.184.0.0/16\")", w.ev);
}

TEST(OperatorsModifiers, NumericWithEqualityModifiers) {
    World w;
    EXPECT_MATCH("proc.pid = anyof (1, 300)", w.ev);
    EXPECT_NO_MATCH("proc.pid = allof (1, 300)", w.ev);
    EXPECT_MATCH("proc.pid != allof (1, 2)", w.ev);
}

TEST(OperatorsMissing, EveryComparisonIsFalse) {
    World w;
    w.ev.proc = nullptr;
    w.ev.fd = nullptr;
    for (std::string c : {"proc.name = x",
                          "proc.name != x",
                          "proc.name in (x)",
                          "proc.name intersects (x)",
                          "proc.name contains a",
                          "proc.name icontains a",
                          "proc.name startswith c",
                          "proc.name endswith t",
                          "proc.name glob *",
                          "proc.name iglob *",
                          "proc.name regex \".*\"",
                          "proc.name < 9",
                          "proc.name > 0",
                          "proc.name pmatch (/)",
                          "proc.name == anyof (a, b)",
                          "proc.name != allof (a, b)",
                          "proc.name != oneof (a, b)",
                          "proc.pid = 1",
                          "proc.pid != 1",
                          "proc.pid < 1",
                          "proc.pid >= 0",
                          "proc.pid in (1)",
                          "fd.name != /etc",
                          "fd.name pmatch (/)",
                          "fd.ip != 1.2.3.4",
                          "fd.net != \"0.0.0.0/0\"",
                          "proc.name exists",
                          "proc.aname = x",
                          "proc.aname != x",
                          "proc.aname[1] != x",
                          "proc.name = val(proc.exe)",
                          "proc.name != val(proc.exe)"}) {
        EXPECT_NO_MATCH(c, w.ev);
    }
}

TEST(OperatorsMissing, NegationIsTrueAndOnlyExistsTestsPresence) {
    World w;
    w.ev.proc = nullptr;
    EXPECT_MATCH("not proc.name = x", w.ev);
    EXPECT_MATCH("not proc.name != x", w.ev);
    EXPECT_MATCH("not proc.name in (x)", w.ev);
    EXPECT_MATCH("not proc.name exists", w.ev);
    EXPECT_MATCH("not proc.name in (\"<NA>\", \"N/A\")", w.ev);
    EXPECT_NO_MATCH("proc.name = \"<NA>\"", w.ev);
    EXPECT_MATCH("fd.name exists", w.ev);

    // A field whose own value is missing while the process exists.
    World k;
    EXPECT_NO_MATCH("container.label[nope] = x", k.ev);
    EXPECT_NO_MATCH("container.label[nope] != x", k.ev);
    EXPECT_MATCH("not container.label[nope] != x", k.ev);
    EXPECT_NO_MATCH("proc.aname[10] != x", k.ev);
    EXPECT_NO_MATCH("proc.name != val(proc.aname[10])", k.ev);
    EXPECT_NO_MATCH("proc.name = val(proc.aname[10])", k.ev);
}

TEST(OperatorsAncestors, NoArgumentMatchesAnyAncestor) {
    World w;  // cat <- bash <- sshd <- systemd
    EXPECT_MATCH("proc.aname = bash", w.ev);
    EXPECT_MATCH("proc.aname = sshd", w.ev);
    EXPECT_MATCH("proc.aname = systemd", w.ev);
    EXPECT_NO_MATCH("proc.aname = cat", w.ev);  // the process itself is level 0, not an ancestor
    EXPECT_NO_MATCH("proc.aname = zsh", w.ev);
    EXPECT_MATCH("proc.aname in (zsh, sshd)", w.ev);
    EXPECT_MATCH("proc.aname startswith ss", w.ev);
    EXPECT_MATCH("proc.aname exists", w.ev);
    EXPECT_MATCH("proc.aname[0] = cat", w.ev);
    EXPECT_MATCH("proc.aname[1] = bash", w.ev);
    EXPECT_MATCH("proc.aname[2] = sshd", w.ev);
    EXPECT_MATCH("proc.aname[3] = systemd", w.ev);
    EXPECT_NO_MATCH("proc.aname[2] = bash", w.ev);
    EXPECT_NO_MATCH("proc.aname[4] exists", w.ev);
    EXPECT_MATCH("proc.apid = 100", w.ev);
    EXPECT_MATCH("proc.apid[2] = 100", w.ev);
    EXPECT_MATCH("proc.aexepath = /usr/sbin/sshd", w.ev);
    EXPECT_MATCH("not proc.aname = zsh", w.ev);

    World root;
    root.ev.proc = &root.init;  // no parent
    EXPECT_NO_MATCH("proc.aname exists", root.ev);
    EXPECT_NO_MATCH("proc.aname = systemd", root.ev);
    EXPECT_MATCH("proc.aname[0] = systemd", root.ev);
}

TEST(OperatorsWarnings, FieldLikeValue) {
    const std::string msg = "'proc.pname' may be a valid field misused as a const string value";
    EXPECT_TRUE(has_warning("proc.name = proc.pname", msg));
    EXPECT_TRUE(has_warning("proc.name = \"proc.pname\"", msg));
    EXPECT_FALSE(has_warning("proc.name = bash", "misused"));
    EXPECT_FALSE(has_warning("proc.name = val(proc.pname)", "misused"));
    EXPECT_FALSE(has_warning("proc.name = toupper(proc.pname)", "misused"));
    EXPECT_FALSE(has_warning("proc.name = proc.notafield", "misused"));
    // It compares against the text, not the field.
    World w;
    w.cat.name = "proc.pname";
    EXPECT_MATCH("proc.name = proc.pname", w.ev);
    World v;
    v.cat.name = "bash";  // same as the parent's
    EXPECT_NO_MATCH("proc.name = proc.pname", v.ev);
    EXPECT_MATCH("proc.name = val(proc.pname)", v.ev);
    // A transformer-looking value warns too.
    EXPECT_TRUE(has_warning("proc.name = \"toupper(proc.pname)\"", "transformer"));
}

TEST(OperatorsWarnings, RegexThatCouldBeSimpler) {
    EXPECT_TRUE(has_warning("proc.name regex \".*syscall.*\"", "contains"));
    EXPECT_TRUE(has_warning("proc.name regex \"syscall.*\"", "startswith"));
    EXPECT_TRUE(has_warning("proc.name regex \".*syscall\"", "endswith"));
    EXPECT_TRUE(has_warning("proc.name regex syscall", "regex"));
    EXPECT_TRUE(warnings_of("proc.name regex \"syscal[l]?\"").empty());
    EXPECT_TRUE(warnings_of("proc.name regex \"a|b\"").empty());
}

TEST(OperatorsEvtType, ChecksOnTheEventType) {
    World w;  // openat
    EXPECT_MATCH("evt.type = openat", w.ev);
    EXPECT_MATCH("evt.type == openat", w.ev);
    EXPECT_NO_MATCH("evt.type = open", w.ev);
    EXPECT_MATCH("evt.type != open", w.ev);
    EXPECT_NO_MATCH("evt.type != openat", w.ev);
    EXPECT_MATCH("evt.type in (open, openat)", w.ev);
    EXPECT_NO_MATCH("evt.type in (open, execve)", w.ev);
    EXPECT_MATCH("evt.type exists", w.ev);
    EXPECT_MATCH("evt.type startswith open", w.ev);
    EXPECT_MATCH("evt.type = anyof (execve, openat)", w.ev);
    EXPECT_TRUE(error_contains("evt.type = foo", "unknown event type foo"));
    EXPECT_TRUE(error_contains("evt.type in (open, foo)", "unknown event type foo"));
}

TEST(OperatorsModifiers, RegexAndCaseInsensitiveLists) {
    World w;  // proc.name "cat"
    EXPECT_MATCH("proc.name regex anyof (\"d.*\", \"c.t\")", w.ev);
    EXPECT_NO_MATCH("proc.name regex anyof (\"d.*\", \"c\")", w.ev);
    EXPECT_MATCH("proc.name regex oneof (\"c.*\", \"d.*\")", w.ev);
    EXPECT_NO_MATCH("proc.name regex oneof (\"c.*\", \".*t\")", w.ev);
    EXPECT_MATCH("proc.name icontains anyof (X, AT)", w.ev);
    EXPECT_MATCH("proc.name iglob oneof (C*, D*)", w.ev);
    EXPECT_FALSE(compiles("proc.name regex anyof (\"(\", \"c\")"));
}

TEST(OperatorsStrings, ValOnTheRightWithEveryStringOperator) {
    World w;
    w.cat.exe = "CA";
    EXPECT_MATCH("proc.name icontains val(proc.exe)", w.ev);
    EXPECT_NO_MATCH("proc.name contains val(proc.exe)", w.ev);
    EXPECT_FALSE(compiles("proc.name startswith val(tolower(proc.exe))"));  // val() takes a field
    EXPECT_MATCH("proc.name startswith tolower(proc.exe)", w.ev);
    w.cat.exe = "ca";
    EXPECT_MATCH("proc.name startswith val(proc.exe)", w.ev);
    EXPECT_NO_MATCH("proc.name endswith val(proc.exe)", w.ev);
    EXPECT_MATCH("proc.cmdline contains val(proc.name)", w.ev);
    EXPECT_MATCH("proc.aname[0] = val(proc.name)", w.ev);
    EXPECT_MATCH("proc.pname = val(proc.aname[1])", w.ev);
    w.cat.exe = "c*";
    EXPECT_MATCH("proc.name glob val(proc.exe)", w.ev);
}

// Falco's deprecated-field warnings are the rules loader's (tests/rules/falco_warnings_test.cpp):
// compiling a condition gives none.
TEST(OperatorsWarnings, DeprecatedFieldsAreNotCompileWarnings) {
    auto c = cond_test::compile("evt.latency > 0 and evt.dir = < and proc.name = cat");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->warnings.empty());
}

// Falco's DOUBLE fields (proc.fdusage) compare numerically, with decimals on either side.
TEST(OperatorsDouble, ComparesNumerically) {
    World w;
    w.cat.pid = w.cat.tid = getpid();  // proc.fdusage reads this process's /proc/PID/fd
    w.ev.proc_root = "/proc";
    w.cat.fdlimit = 1000000000;  // a few open fds of a huge limit: a tiny percentage
    EXPECT_MATCH("proc.fdusage < 0.5", w.ev);
    EXPECT_MATCH("proc.fdusage >= 0", w.ev);
    EXPECT_NO_MATCH("proc.fdusage > 1.5", w.ev);
    w.cat.fdlimit = 1;  // more open than the limit: libs caps it at 100
    EXPECT_MATCH("proc.fdusage = 100", w.ev);
    EXPECT_MATCH("proc.fdusage in (50, 100.0)", w.ev);
    EXPECT_NO_MATCH("proc.fdusage != 100", w.ev);
    EXPECT_TRUE(error_contains("proc.fdusage = abc", "numeric"));
    w.ev.proc_root = nullptr;  // nothing to read: missing, so no comparison holds
    EXPECT_NO_MATCH("proc.fdusage >= 0", w.ev);
}
