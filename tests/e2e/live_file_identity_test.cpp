// End to end, as root: file identity that survives aliases. The real sensor with the upstream
// stable rules and the project's default rules reads /etc/shadow's alerts through a hardlink,
// a bind mount, a chroot where /etc is mounted as /conf, and writes below /etc through a short
// symlink into a tree deeper than 32 components. Each of these went unseen before fd.fspath,
// the inode identity map and the bpf_loop path walk (issue 24); the comment of each test says
// why. (On main the suite does not even start: fd.fspath is no field there.) /etc/shadow's
// inode is resolved when the sensor loads its rules: a tool that replaces the file meanwhile
// (passwd, useradd) would need a reload first.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "e2e/live_suite.h"

namespace fs = std::filesystem;
using sensor::testing::field;
using sensor::testing::run_program;
using Json = nlohmann::json;

namespace {

// The suite's scratch directory, as LiveSuite names it (it exists when args() is called).
std::string suite_dir() {
    return "/tmp/sensor-e2e-" + std::to_string(getpid()) + "-identity";
}

// A rule that shows fd.fspath for the opens of programs named e2e-fspath of files whose
// fs-root path is below /etc: it proves the value, and that the open filter judges it.
std::string write_fspath_rule() {
    std::string path = suite_dir() + "/fspath-rule.yaml";
    std::ofstream(path) << "- rule: E2E fs-root path below etc\n"
                           "  desc: opens of files whose path from their filesystem root is "
                           "below /etc, by e2e-fspath\n"
                           "  condition: evt.type in (open, openat, openat2) and evt.dir = < "
                           "and fd.fspath startswith /etc/ and proc.name = e2e-fspath\n"
                           "  output: fspath=%fd.fspath name=%fd.name\n"
                           "  priority: WARNING\n";
    return path;
}

struct IdentityRules {
    static const char* name() { return "identity"; }
    static std::vector<std::string> args() {
        return {"-r", std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml",
                "-r", std::string(SENSOR_SOURCE_DIR) + "/rules",
                "-r", write_fspath_rule(),
                "-o", "rule_matching=all"};
    }
    static const char* symlink_rule() { return "Symlink to sensitive path created"; }
    static const char* linkpath_field() { return "evt.arg.linkpath"; }
};

using LiveFileIdentity = sensor::testing::LiveSuite<IdentityRules>;

constexpr const char* kCredentialRule = "Credential file read by untrusted program";
constexpr const char* kFspathRule = "E2E fs-root path below etc";

// A mount for the length of a test, on a directory of its own outside the suite's scratch
// directory: the suite removes that recursively, which must never reach a bind of /etc or
// /usr. Detached at the end and its directory removed only when empty.
struct MountDir {
    std::string path;
    bool ok = false;
    MountDir(const std::string& at, const char* source, const char* type, unsigned long flags)
        : path(at) {
        fs::create_directories(path);
        ok = mount(source, path.c_str(), type, flags, nullptr) == 0;
    }
    ~MountDir() {
        if (ok) umount2(path.c_str(), MNT_DETACH);
        std::error_code ec;
        fs::remove(path, ec);  // not recursive: a mount left in place stays untouched
    }
};

std::string mount_dir(const std::string& tag) {
    return "/tmp/sensor-e2e-" + tag + "-" + std::to_string(getpid());
}

// fd.fspath of an ordinary open (a file on the root filesystem, no alias) is fd.name.
TEST_F(LiveFileIdentity, OrdinaryOpenFsPathIsName) {
    std::string cat = copy_binary("/bin/cat", "e2e-fspath");
    ASSERT_EQ(run_program({cat, "/etc/hostname"}), 0);
    Json a = expect_alert(kFspathRule,
                          [](const Json& j) { return field(j, "fd.name") == "/etc/hostname"; });
    EXPECT_EQ(field(a, "fd.fspath"), "/etc/hostname");
}

// Before: the read through the link has fd.name = the link's path, which no rule names, and
// the probe's open filter left the open in the kernel; no field carried the file's identity.
// Now the probe knows /etc/shadow's inode, sends the open and fd.fspath shows /etc/shadow.
TEST_F(LiveFileIdentity, HardlinkRead) {
    std::string link = dir_ + "/innocent";
    int etc = open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(etc, 0);
    ASSERT_EQ(linkat(etc, "shadow", AT_FDCWD, link.c_str(), 0), 0) << strerror(errno);
    close(etc);
    std::string cat = copy_binary("/bin/cat", "e2e-hardcat");
    ASSERT_EQ(run_program({cat, link}), 0);
    fs::remove(link);
    Json a = expect_alert(kCredentialRule,
                          [](const Json& j) { return field(j, "proc.name") == "e2e-hardcat"; });
    EXPECT_EQ(field(a, "fd.name"), link);
    EXPECT_EQ(field(a, "fd.fspath"), "/etc/shadow");
}

// Before: fd.name is the path through the bind mount (/tmp/.../m/shadow), which no rule
// names. Now fd.fspath is measured from the filesystem's root: /etc/shadow. A file no rule
// names by path (hostname) shows it too, from the probe's walk alone.
TEST_F(LiveFileIdentity, BindMountRead) {
    MountDir m(mount_dir("bind-etc"), "/etc", nullptr, MS_BIND);
    ASSERT_TRUE(m.ok) << strerror(errno);
    std::string cat = copy_binary("/bin/cat", "e2e-bindcat");
    ASSERT_EQ(run_program({cat, m.path + "/shadow"}), 0);
    Json a = expect_alert(kCredentialRule,
                          [](const Json& j) { return field(j, "proc.name") == "e2e-bindcat"; });
    EXPECT_EQ(field(a, "fd.name"), m.path + "/shadow");
    EXPECT_EQ(field(a, "fd.fspath"), "/etc/shadow");

    std::string probe = copy_binary("/bin/cat", "e2e-fspath");
    ASSERT_EQ(run_program({probe, m.path + "/hostname"}), 0);
    Json b = expect_alert(
        kFspathRule, [&](const Json& j) { return field(j, "fd.name") == m.path + "/hostname"; });
    EXPECT_EQ(field(b, "fd.fspath"), "/etc/hostname");
}

// A file on a filesystem mounted below / (as a container's root filesystem is, read from the
// host through /proc/PID/root): fd.fspath is its path within that filesystem, a suffix of
// fd.name that the probe carries as an offset.
TEST_F(LiveFileIdentity, OwnFilesystemRoot) {
    MountDir root(mount_dir("fsroot"), "tmpfs", "tmpfs", 0);
    ASSERT_TRUE(root.ok) << strerror(errno);
    fs::create_directories(root.path + "/etc");
    std::ofstream(root.path + "/etc/app.conf") << "x";
    std::string cat = copy_binary("/bin/cat", "e2e-fspath");
    ASSERT_EQ(run_program({cat, root.path + "/etc/app.conf"}), 0);
    Json a = expect_alert(kFspathRule, [&](const Json& j) {
        return field(j, "fd.name") == root.path + "/etc/app.conf";
    });
    EXPECT_EQ(field(a, "fd.fspath"), "/etc/app.conf");
}

// A chroot jail: /usr bound in (merged /usr: bin, lib and lib64 link into it), /etc bound at
// /conf, and two copies of cat. Removed entry by entry, never recursively.
struct Jail {
    std::string dir = mount_dir("jail");
    std::unique_ptr<MountDir> usr, conf;
    static constexpr const char* kLinks[] = {"bin", "lib", "lib64"};
    static constexpr const char* kPrograms[] = {"e2e-jailcat", "e2e-fspath"};
    Jail() {
        fs::create_directories(dir);
        usr = std::make_unique<MountDir>(dir + "/usr", "/usr", nullptr, MS_BIND);
        conf = std::make_unique<MountDir>(dir + "/conf", "/etc", nullptr, MS_BIND);
        for (const char* l : kLinks) fs::create_symlink(std::string("usr/") + l, dir + "/" + l);
        for (const char* p : kPrograms) fs::copy_file("/bin/cat", dir + "/" + p);
    }
    ~Jail() {
        usr.reset();
        conf.reset();
        std::error_code ec;
        for (const char* l : kLinks) fs::remove(dir + "/" + l, ec);
        for (const char* p : kPrograms) fs::remove(dir + "/" + p, ec);
        fs::remove(dir, ec);
    }
};

// Before: inside the chroot the kernel path is /conf/shadow (the walk stops at the process's
// root), which no rule names. Now fd.fspath is /etc/shadow.
TEST_F(LiveFileIdentity, ChrootWithEtcAsConf) {
    Jail jail;
    ASSERT_TRUE(jail.usr->ok && jail.conf->ok) << strerror(errno);
    ASSERT_EQ(run_program({"/usr/sbin/chroot", jail.dir, "/e2e-jailcat", "/conf/shadow"}), 0);
    Json a = expect_alert(kCredentialRule,
                          [](const Json& j) { return field(j, "proc.name") == "e2e-jailcat"; });
    EXPECT_EQ(field(a, "fd.name"), "/conf/shadow");
    EXPECT_EQ(field(a, "fd.fspath"), "/etc/shadow");

    ASSERT_EQ(run_program({"/usr/sbin/chroot", jail.dir, "/e2e-fspath", "/conf/hostname"}), 0);
    Json b = expect_alert(kFspathRule,
                          [](const Json& j) { return field(j, "fd.name") == "/conf/hostname"; });
    EXPECT_EQ(field(b, "fd.fspath"), "/etc/hostname");
}

// Before: the probe walked 32 components; a deeper path was marked cut and fd.name was
// resolved in user space from the path the process gave, the short symlink (/tmp/.../s/x), so
// the write below /etc went unseen. Now the walk goes on with bpf_loop to the real path.
TEST_F(LiveFileIdentity, SymlinkIntoDeepTree) {
    std::string top = "/etc/sensor-e2e-deep-" + std::to_string(getpid());
    std::string deep = top;
    for (int i = 0; i < 40; ++i) deep += "/d";
    fs::create_directories(deep);
    std::string link = dir_ + "/s";
    fs::create_symlink(deep, link);
    std::string sh = copy_binary("/bin/sh", "e2e-deepwrite");
    ASSERT_EQ(run_program({sh, "-c", "echo x > " + link + "/x"}), 0);
    fs::remove_all(top);
    Json a = expect_alert("Configuration file written below /etc",
                          [](const Json& j) { return field(j, "proc.name") == "e2e-deepwrite"; });
    EXPECT_EQ(field(a, "fd.name"), deep + "/x");
}

}  // namespace
