// File identity from rules: the absolute paths rules compare fd.name or fd.fspath with,
// resolved to (dev, ino) under a root the test builds.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "record.h"
#include "sensor/policy/file_identity_policy.h"
#include "sensor/policy/open_path_policy.h"
#include "sensor/rules/loader.h"

using namespace sensor;
namespace fs = std::filesystem;

namespace {

std::string rule(const std::string& name, const std::string& condition, bool enabled = true) {
    return "- rule: " + name + "\n  desc: d\n  condition: " + condition +
           "\n  output: o\n  priority: INFO\n" + (enabled ? "" : "  enabled: false\n");
}

// A scratch root holding etc/shadow, etc/passwd and a hardlink of shadow at etc/shadow-link.
struct Root {
    std::string dir = fs::temp_directory_path() / ("sensor-identity-" + std::to_string(getpid()));
    Root() {
        fs::create_directories(dir + "/etc");
        std::ofstream(dir + "/etc/shadow") << "s";
        std::ofstream(dir + "/etc/passwd") << "p";
        fs::create_hard_link(dir + "/etc/shadow", dir + "/etc/shadow-link");
    }
    ~Root() { fs::remove_all(dir); }
    uint64_t ino(const std::string& path) const {
        struct stat st {};
        EXPECT_EQ(::stat((dir + path).c_str(), &st), 0);
        return st.st_ino;
    }
};

capture::IdentitySet identity_of(const std::string& yaml, const std::string& root) {
    auto r = rules::load_rules_contents({{"t.yaml", yaml}});
    EXPECT_TRUE(r.ok);
    if (!r.ok) return {};
    return policy::file_identity(*r.ruleset, root);
}

}  // namespace

TEST(FileIdentity, NamedPathsResolveToTheirInodes) {
    Root root;
    auto set =
        identity_of(rule("a", "evt.type = openat and fd.fspath in (/etc/shadow, /etc/missing)") +
                        rule("b", "evt.type = openat and fd.name = /etc/passwd") +
                        // Another name of a file already known is not a second entry.
                        rule("c", "evt.type = openat and fd.name = /etc/shadow-link"),
                    root.dir);
    EXPECT_TRUE(set.fspath);
    ASSERT_EQ(set.files.size(), 2u);
    EXPECT_EQ(set.not_found, 1u);
    EXPECT_EQ(set.over_limit, 0u);
    for (const auto& f : set.files) {
        ASSERT_TRUE(f.path == "/etc/shadow" || f.path == "/etc/passwd") << f.path;
        EXPECT_EQ(f.ino, root.ino(f.path));  // the rule's path, not the root's
    }
}

TEST(FileIdentity, OnlyPositiveEqualityOfAbsolutePathsOfEnabledSyscallRules) {
    Root root;
    auto set =
        identity_of(rule("negated", "evt.type = openat and not fd.name in (/etc/shadow)") +
                        rule("prefix", "evt.type = openat and fd.name startswith /etc/passwd") +
                        rule("relative", "evt.type = openat and fd.name = etc/passwd") +
                        rule("other field", "evt.type = openat and fd.directory = /etc/passwd") +
                        rule("disabled", "evt.type = openat and fd.name = /etc/passwd", false),
                    root.dir);
    EXPECT_TRUE(set.files.empty());
    EXPECT_EQ(set.not_found, 0u);
    EXPECT_FALSE(set.fspath);  // no rule names fd.fspath
}

TEST(FileIdentity, NegatedFsPathStillAsksTheFilterToJudgeIt) {
    Root root;
    auto set =
        identity_of(rule("n", "evt.type = openat and not fd.fspath startswith /x"), root.dir);
    EXPECT_TRUE(set.fspath);
    EXPECT_TRUE(set.files.empty());
}

TEST(FileIdentity, BoundedByTheProbeMap) {
    Root root;
    std::string list;
    for (int i = 0; i < SENSOR_IDENTITY_MAX + 3; ++i) {
        std::string p = "/etc/f" + std::to_string(i);
        std::ofstream(root.dir + p) << i;
        list += (i ? ", " : "") + p;
    }
    auto set =
        identity_of(rule("many", "evt.type = openat and fd.name in (" + list + ")"), root.dir);
    EXPECT_EQ(set.files.size(), size_t{SENSOR_IDENTITY_MAX});
    EXPECT_EQ(set.over_limit, 3u);
}

// fd.fspath checks narrow the open filter as fd.name checks do (the probe compares both).
TEST(FileIdentity, FsPathChecksAreOpenFilterPrefixes) {
    auto r = rules::load_rules_contents(
        {{"t.yaml", rule("a", "evt.type = openat and fd.fspath in (/etc/shadow)") +
                        rule("b", "evt.type = openat and fd.fspath endswith .pem") +
                        rule("c", "evt.type = openat and fd.fspath contains /.ssh/")}});
    ASSERT_TRUE(r.ok);
    auto f = policy::open_path_filter(*r.ruleset);
    ASSERT_FALSE(f.pass_all) << f.reason;
    EXPECT_TRUE(f.may_match("/etc/shadow", ""));
    EXPECT_TRUE(f.may_match("/srv/key.pem", ""));
    EXPECT_TRUE(f.may_match("/home/a/.ssh/id", ""));
    EXPECT_FALSE(f.may_match("/usr/lib/libc.so.6", ""));
}
