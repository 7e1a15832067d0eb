// The open path filter derived from rules: which opens the probe may leave in the kernel.
#include <gtest/gtest.h>

#include <algorithm>

#include "sensor/capture/probe_config.h"
#include "sensor/policy/open_path_policy.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

capture::OpenPathFilter filter_of(const std::string& conditions_yaml) {
    auto r = rules::load_rules_contents({{"t.yaml", conditions_yaml}});
    EXPECT_TRUE(r.ok);
    if (!r.ok) return {};
    return policy::open_path_filter(*r.ruleset);
}

std::string rule(const std::string& name, const std::string& condition, bool enabled = true) {
    return "- rule: " + name + "\n  desc: d\n  condition: " + condition +
           "\n  output: o\n  priority: INFO\n" + (enabled ? "" : "  enabled: false\n");
}

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST(OpenPathFilter, StableRulesKeepSensitiveLogAndTraversalOpensOnly) {
    auto r = rules::load_rules_files({std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml"});
    ASSERT_TRUE(r.ok);
    auto f = policy::open_path_filter(*r.ruleset);
    ASSERT_FALSE(f.pass_all) << f.reason;
    // Directory traversal monitored file read asks for '../' in the given path and for
    // /etc/, an ssh directory or "id_rsa" in the name: the name side, judged on the kernel
    // path, is the cheaper, so no open needs the process's memory read.
    EXPECT_TRUE(f.raw_contains.empty());
    EXPECT_TRUE(has(f.name_contains, "id_r"));
    // What the stable rules alert on is sent...
    EXPECT_TRUE(f.may_match("/etc/shadow", "/etc/shadow"));
    EXPECT_TRUE(f.may_match("/etc/pam.d/common-auth", "common-auth"));
    EXPECT_TRUE(f.may_match("/var/log/syslog", "/var/log/syslog", true));  // opened to write
    // The release_agent rule asks for open_write: only an open that writes is sent.
    EXPECT_TRUE(f.may_match("/sys/fs/cgroup/x/release_agent", "release_agent", true));
    EXPECT_FALSE(f.may_match("/sys/fs/cgroup/x/release_agent", "release_agent", false));
    EXPECT_TRUE(f.may_match("/home/a/.ssh/id_rsa", "../../home/a/.ssh/id_rsa"));
    EXPECT_TRUE(f.may_match("/srv/keys/id_rsa.pub", "../../srv/keys/id_rsa.pub"));
    // ...what no stable rule can match is not.
    EXPECT_FALSE(f.may_match("/tmp/build/out.o", "out.o"));
    EXPECT_FALSE(f.may_match("/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/libc.so.6"));
    EXPECT_FALSE(f.may_match("/proc/self/status", "/proc/self/status"));
}

TEST(OpenPathFilter, ProjectDefaultRulesFilter) {
    auto r = rules::load_rules_files({std::string(SENSOR_SOURCE_DIR) + "/rules"});
    ASSERT_TRUE(r.ok);
    auto f = policy::open_path_filter(*r.ruleset);
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_TRUE(f.may_match("/etc/shadow", "/etc/shadow"));
    EXPECT_TRUE(f.may_match("/usr/bin/ls", "/usr/bin/ls", true));  // writing below a bin dir
    EXPECT_FALSE(f.may_match("/tmp/build/out.o", "out.o"));
}

TEST(OpenPathFilter, PathChecksBecomePrefixesSuffixesAndNeedles) {
    auto f = filter_of(
        rule("dir", "evt.type = openat and fd.directory in (/etc, /usr/bin)") +
        rule("file", "evt.type in (open, openat) and fd.filename = passwd") +
        rule("glob", "evt.type = openat and fd.name glob '/proc/*/environ'") +
        rule("raw", "evt.type = openat and (fd.name startswith /a or fd.nameraw contains '../x')") +
        rule("end", "evt.type = openat2 and fd.name endswith .pem") +
        rule("pmatch", "evt.type = open and fd.name pmatch (/srv/data)"));
    ASSERT_FALSE(f.pass_all) << f.reason;
    for (const char* p : {"/etc", "/usr/bin", "/proc/", "/a", "/srv/data"})
        EXPECT_TRUE(has(f.prefixes, p)) << p;
    EXPECT_TRUE(has(f.suffixes, "passwd"));
    // openat2's flags are not among its arguments: the probe judges it by the write filter.
    EXPECT_TRUE(has(f.write_suffixes, ".pem"));
    EXPECT_EQ(f.raw_contains, std::vector<std::string>{"../x"});
}

// pmatch compares components and takes wildcards: the prefix is the literal head without a
// trailing slash; a relative or doubled-slash pattern (it still matches absolute paths) keeps
// every open.
TEST(OpenPathFilter, PmatchWildcardsAndUnusualPatterns) {
    auto f = filter_of(rule("ssh", "evt.type = openat and fd.name pmatch (/home/*/.ssh, /etc/)"));
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_TRUE(has(f.prefixes, "/home"));
    EXPECT_TRUE(has(f.prefixes, "/etc"));
    EXPECT_FALSE(has(f.prefixes, "/home/*/.ssh"));
    EXPECT_TRUE(filter_of(rule("rel", "evt.type = openat and fd.name pmatch (etc)")).pass_all);
    EXPECT_TRUE(filter_of(rule("dbl", "evt.type = openat and fd.name pmatch (//etc)")).pass_all);
}

TEST(OpenPathFilter, AndKeepsTheCheaperSideAndIgnoresOtherEventTypes) {
    auto f = filter_of(rule("r",
                            "(evt.type = openat and fd.name startswith /etc and "
                            "fd.name in (/etc/a, /etc/b, /etc/c)) or "
                            "(evt.type = connect and fd.sip = 1.2.3.4)"));
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_EQ(f.prefixes, std::vector<std::string>{"/etc"});
    EXPECT_TRUE(f.suffixes.empty());
}

TEST(OpenPathFilter, RulesThatMayMatchAnyPathTurnItOff) {
    for (const char* cond : {
             "evt.type = openat and proc.name = cat",                   // no path constraint
             "evt.type = openat and not fd.name startswith /tmp",       // negated
             "evt.type = openat and fd.name icontains secret",          // case-blind
             "evt.type = openat and tolower(fd.name) startswith /etc",  // transformer
             "evt.type = openat and fd.name glob '*.key'",              // no literal head
             "evt.type = openat and fd.name != /etc/shadow",
         }) {
        auto f = filter_of(rule("wide", cond));
        EXPECT_TRUE(f.pass_all) << cond;
        EXPECT_NE(f.reason.find("'wide'"), std::string::npos) << f.reason;
        EXPECT_TRUE(f.may_match("/anything", "x"));
    }
}

TEST(OpenPathFilter, RulesOnOtherEventsNeverTrueAndDisabledRulesAddNothing) {
    auto f = filter_of(rule("exec", "evt.type = execve and proc.name = sh") +
                       rule("never", "evt.type = openat and evt.num = 0") +
                       rule("off", "evt.type = openat", false) +
                       rule("etc", "evt.type = openat and fd.name startswith /etc/"));
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_EQ(f.prefixes, std::vector<std::string>{"/etc/"});
    EXPECT_FALSE(f.may_match("/tmp/x", "/tmp/x"));
}

TEST(OpenPathFilter, LongStringsAreCutToWhatTheProbeCompares) {
    std::string deep = "/" + std::string(100, 'd');
    auto f = filter_of(rule("p", "evt.type = openat and fd.name startswith " + deep) +
                       rule("s", "evt.type = openat and fd.name endswith " + deep) +
                       rule("n", "evt.type = openat and fd.nameraw contains abcdefgh"));
    ASSERT_FALSE(f.pass_all);
    EXPECT_EQ(f.prefixes, std::vector<std::string>{deep.substr(0, 64)});
    EXPECT_EQ(f.suffixes, std::vector<std::string>{deep.substr(deep.size() - 64)});
    EXPECT_EQ(f.raw_contains, std::vector<std::string>{"abcd"});
    // A cut string only widens what is sent.
    EXPECT_TRUE(f.may_match(deep.substr(0, 64) + "zzz", ""));
}

TEST(OpenPathFilter, MorePathStartsThanTheProbeComparesTurnItOff) {
    std::string rules;
    for (int i = 0; i < 33; ++i)
        rules += rule("r" + std::to_string(i),
                      "evt.type = openat and fd.name startswith /srv/" + std::to_string(i) + "/");
    auto f = filter_of(rules);
    EXPECT_TRUE(f.pass_all);
    EXPECT_NE(f.reason.find("33 different starts"), std::string::npos) << f.reason;
    // Prefixes that agree on their first 16 bytes count once, and are all kept.
    std::string same;
    for (int i = 0; i < 40; ++i)
        same += rule("s" + std::to_string(i),
                     "evt.type = openat and fd.name startswith "
                     "/var/lib/sensor/app-" +
                         std::to_string(i));
    auto g = filter_of(same);
    ASSERT_FALSE(g.pass_all) << g.reason;
    EXPECT_EQ(g.prefixes.size(), 40u);
}

TEST(OpenPathFilter, TheProbeComparesTheFirstOrLast16Bytes) {
    EXPECT_EQ(capture::compared_bytes("/etc/", false), "/etc/");
    EXPECT_EQ(capture::compared_bytes("/var/lib/kubelet/pods", false), "/var/lib/kubelet");
    EXPECT_EQ(capture::compared_bytes("/.aws/credentials.json", true), "credentials.json");
    EXPECT_EQ(capture::compared_bytes(".pem", true), ".pem");
}

TEST(OpenPathFilter, MoreNeedlesThanTheProbeHoldsTurnItOff) {
    std::string rules;
    for (int i = 0; i < 9; ++i)
        rules += rule("n" + std::to_string(i),
                      "evt.type = openat and fd.nameraw contains n" + std::to_string(i));
    auto f = filter_of(rules);
    EXPECT_TRUE(f.pass_all);
    EXPECT_NE(f.reason.find("9 strings"), std::string::npos) << f.reason;
}

TEST(OpenPathFilter, ContainsOnTheNameIsANeedleInTheKernelPath) {
    auto f = filter_of(rule("n", "evt.type = openat and fd.name contains secret") +
                       rule("f", "evt.type = openat and fd.filename contains .kdbx") +
                       rule("d", "evt.type = openat and fd.directory contains /vault/"));
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_EQ(f.name_contains, (std::vector<std::string>{".kdb", "/vau", "secr"}))
        << "fd.filename and fd.directory are parts of fd.name; needles are cut to 4 bytes";
    EXPECT_TRUE(f.raw_contains.empty());
    EXPECT_TRUE(f.may_match("/home/a/my-secrets/x", "x"));
    EXPECT_TRUE(f.may_match("/srv/vault/db", "db"));
    EXPECT_FALSE(f.may_match("/home/a/notes.txt", "secret"));  // the given path is not searched
}

TEST(OpenPathFilter, AndPrefersTheKernelPathOverTheGivenPath) {
    // Both sides are needed; reading the given path costs the probe far more than comparing
    // prefixes and scanning the kernel path, so the name side is kept.
    auto f = filter_of(rule("t",
                            "evt.type = openat and fd.nameraw contains '../' and "
                            "(fd.name startswith /etc/ or fd.name contains id_rsa)"));
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_EQ(f.prefixes, std::vector<std::string>{"/etc/"});
    EXPECT_EQ(f.name_contains, std::vector<std::string>{"id_r"});
    EXPECT_TRUE(f.raw_contains.empty());
    // A given-path needle alone is still kept as one.
    auto g = filter_of(rule("r", "evt.type = openat and fd.nameraw contains '../'"));
    ASSERT_FALSE(g.pass_all) << g.reason;
    EXPECT_EQ(g.raw_contains, std::vector<std::string>{"../"});
    EXPECT_TRUE(g.name_contains.empty());
}

TEST(OpenPathFilter, MoreNameNeedlesThanTheProbeHoldsTurnItOff) {
    std::string rules;
    for (int i = 0; i < 9; ++i)
        rules += rule("n" + std::to_string(i),
                      "evt.type = openat and fd.name contains k" + std::to_string(i));
    auto f = filter_of(rules);
    EXPECT_TRUE(f.pass_all);
    EXPECT_NE(f.reason.find("fd.name for 9 strings"), std::string::npos) << f.reason;
}

TEST(OpenPathFilter, RulesOnCloseDupAndFcntlAreJudgedAsRulesOnTheOpen) {
    // Their fd fields come from the fd table, which has a name only for a sent open (at a
    // close the fd is gone from /proc too), so their path constraints keep opens; a rule on
    // them that constrains no path keeps every open.
    auto f = filter_of(rule("etc", "evt.type = openat and fd.name startswith /etc/") +
                       rule("closed", "evt.type = close and fd.name startswith /srv/watched") +
                       rule("dup", "evt.type in (dup, dup2) and fd.filename = key.pem") +
                       rule("fcntl", "evt.type = fcntl and fd.directory = /run/locks"));
    ASSERT_FALSE(f.pass_all) << f.reason;
    for (const char* p : {"/etc/", "/srv/watched", "/run/locks"}) EXPECT_TRUE(has(f.prefixes, p));
    EXPECT_TRUE(has(f.suffixes, "key.pem"));
    EXPECT_TRUE(f.may_match("/srv/watched/a", "a"));
    EXPECT_FALSE(f.may_match("/srv/other/a", "a"));

    for (const char* cond :
         {"evt.type = close and proc.name = cat", "evt.type = dup and fd.type = file",
          "evt.type = fcntl and fd.typechar in (f, p)"}) {
        auto wide = filter_of(rule("wide", cond));
        EXPECT_TRUE(wide.pass_all) << cond;
        EXPECT_NE(wide.reason.find("'wide'"), std::string::npos) << wide.reason;
    }
}

TEST(OpenPathFilter, AKindOfFdNoFilteredOpenHasAddsNothing) {
    // The probe filters opens of regular files and directories; a rule on dups of sockets
    // (Falco's "Redirect STDOUT/STDIN to Network Connection in Container") keeps none.
    auto f = filter_of(rule("redirect",
                            "evt.type in (dup, dup2, dup3) and fd.num in (0, 1, 2) and fd.type in "
                            "(ipv4, ipv6)") +
                       rule("pipes", "evt.type = fcntl and fd.typechar = p") +
                       rule("etc", "evt.type = openat and fd.name startswith /etc/"));
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_EQ(f.prefixes, std::vector<std::string>{"/etc/"});
    EXPECT_FALSE(f.may_match("/tmp/x", "/tmp/x"));
}

// Rules that match only opens whose flags write, create or truncate (open_write macros,
// evt.arg.flags contains O_CREAT, creat) put their paths in the write filter only: a read-only
// open of such a path stays in the kernel.
TEST(OpenPathFilter, RulesOnWritingOpensKeepOnlyWritingOpens) {
    auto f = filter_of(
        rule("create dev",
             "(evt.type = creat or (evt.type in (open, openat) and evt.arg.flags contains "
             "O_CREAT)) and fd.directory = /dev") +
        rule("write etc", "evt.type = openat and evt.is_open_write = true and fd.name = /etc/x") +
        rule("read etc", "evt.type = openat and fd.name startswith /etc/shadow"));
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_FALSE(f.write_pass_all);
    EXPECT_EQ(f.prefixes, std::vector<std::string>{"/etc/shadow"});
    EXPECT_TRUE(has(f.write_prefixes, "/dev"));
    EXPECT_TRUE(has(f.write_prefixes, "/etc/x"));
    EXPECT_FALSE(f.may_match("/dev/null", "/dev/null", false));
    EXPECT_TRUE(f.may_match("/dev/null", "/dev/null", true));
    EXPECT_FALSE(f.may_match("/etc/x", "/etc/x", false));
    EXPECT_TRUE(f.may_match("/etc/x", "/etc/x", true));
    EXPECT_TRUE(f.may_match("/etc/shadow", "/etc/shadow", false));
}

// When unsure, a rule's paths count for every open: a flags check that does not imply a
// write (O_RDONLY, negated, an equality on the whole text), or a rule also on closes.
TEST(OpenPathFilter, FlagsThatDoNotImplyAWriteKeepEveryOpen) {
    for (const char* cond : {
             "evt.type = openat and evt.arg.flags contains O_RDONLY and fd.name = /dev/x",
             "evt.type = openat and not evt.is_open_write = true and fd.name = /dev/x",
             "evt.type = openat and evt.arg.flags = O_WRONLY and fd.name = /dev/x",
             "evt.type = openat and (evt.is_open_write = true or proc.name = a) and "
             "fd.name = /dev/x",
             "evt.type in (openat, close) and fd.name = /dev/x",
         }) {
        auto f = filter_of(rule("r", cond));
        ASSERT_FALSE(f.pass_all) << cond;
        EXPECT_EQ(f.prefixes, std::vector<std::string>{"/dev/x"}) << cond;
        EXPECT_TRUE(f.write_prefixes.empty()) << cond;
    }
}

// A rule on writing opens of any path sends every writing open, and only those.
TEST(OpenPathFilter, AnyPathRuleOnWritingOpensSendsOnlyWritingOpens) {
    auto f = filter_of(rule("w", "evt.type = openat and evt.is_open_write = true") +
                       rule("etc", "evt.type = openat and fd.name startswith /etc/"));
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_TRUE(f.write_pass_all);
    EXPECT_NE(f.write_reason.find("'w'"), std::string::npos);
    EXPECT_FALSE(f.may_match("/tmp/a", "/tmp/a", false));
    EXPECT_TRUE(f.may_match("/tmp/a", "/tmp/a", true));
}

// The stable rules: Clear Log Activities asks for open_write on log files, so reading a log
// stays in the kernel while truncating one is sent.
TEST(OpenPathFilter, StableRulesSendLogOpensOnlyWhenTheyWrite) {
    auto r = rules::load_rules_files({std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml"});
    ASSERT_TRUE(r.ok);
    auto f = policy::open_path_filter(*r.ruleset);
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_FALSE(f.may_match("/var/log/syslog", "/var/log/syslog", false));
    EXPECT_TRUE(f.may_match("/var/log/syslog", "/var/log/syslog", true));
    EXPECT_FALSE(f.may_match("/dev/null", "/dev/null", false));
    EXPECT_TRUE(f.may_match("/etc/shadow", "/etc/shadow", false));
}
