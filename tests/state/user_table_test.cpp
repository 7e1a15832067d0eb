// User and group tables from passwd/group files, and their reload on change.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sensor/state/user_table.h"

namespace fs = std::filesystem;
using sensor::state::UserTable;

namespace {

constexpr uint64_t kSec = 1'000'000'000;

class UsersTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/sensor_users_XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        fs::create_directories(root_ / "etc");
        write("etc/passwd",
              "# comment line\n"
              "root:x:0:0:root:/root:/bin/bash\n"
              "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
              "\n"
              "alice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh\r\n"
              "broken:x:notanumber:0::/:/bin/sh\n"
              "short:x\n"
              "+nisuser::::::\n"
              "toor:x:0:0:duplicate uid:/root2:/bin/sh\n"
              "nohome:x:1001:1001\n");
        write("etc/group",
              "root:x:0:\n"
              "adm:x:4:syslog,alice\n"
              "alice:x:1000:\n");
    }
    void TearDown() override { fs::remove_all(root_); }

    // Writes via rename, as passwd tools do: a new inode every time.
    void write(const std::string& rel, const std::string& text) {
        fs::path tmp = root_ / (rel + ".tmp");
        {
            std::ofstream out(tmp);
            out << text;
        }
        fs::rename(tmp, root_ / rel);
    }

    fs::path root_;
};

TEST_F(UsersTest, ParsesPasswdAndGroup) {
    UserTable t = UserTable::under_root(root_.string());
    const auto* root = t.user(0);
    ASSERT_NE(root, nullptr);
    EXPECT_EQ(root->name, "root");  // first line for uid 0 wins over "toor"
    EXPECT_EQ(root->homedir, "/root");
    EXPECT_EQ(root->shell, "/bin/bash");
    const auto* alice = t.user(1000);
    ASSERT_NE(alice, nullptr);
    EXPECT_EQ(alice->uid, 1000u);
    EXPECT_EQ(alice->name, "alice");
    EXPECT_EQ(alice->homedir, "/home/alice");
    EXPECT_EQ(alice->shell, "/bin/zsh");  // CRLF line ending stripped
    const auto* nohome = t.user(1001);
    ASSERT_NE(nohome, nullptr);
    EXPECT_EQ(nohome->homedir, "");
    EXPECT_EQ(nohome->shell, "");
    EXPECT_EQ(t.user(4242), nullptr);  // unknown uid: missing
    EXPECT_EQ(t.user(65534), nullptr);

    ASSERT_NE(t.group(4), nullptr);
    EXPECT_EQ(t.group(4)->name, "adm");
    EXPECT_EQ(t.group(1000)->name, "alice");
    EXPECT_EQ(t.group(0)->gid, 0u);
    EXPECT_EQ(t.group(1), nullptr);
    EXPECT_EQ(t.read_errors(), 0u);
}

TEST_F(UsersTest, RootPrefixWithTrailingSlash) {
    UserTable t = UserTable::under_root(root_.string() + "/");
    EXPECT_NE(t.user(1000), nullptr);
}

TEST_F(UsersTest, PicksUpChangesAtMostOncePerSecond) {
    UserTable t = UserTable::under_root(root_.string());
    const auto* alice = t.user(1000);
    ASSERT_NE(alice, nullptr);
    uint64_t now = 100 * kSec;
    EXPECT_FALSE(t.refresh(now));  // nothing changed
    uint64_t reloads = t.reloads();

    write("etc/passwd",
          "root:x:0:0:root:/root:/bin/bash\n"
          "alice:x:1000:1000::/home/alice2:/bin/bash\n"
          "bob:x:1002:1002::/home/bob:/bin/sh\n");
    write("etc/group", "root:x:0:\nbob:x:1002:\n");

    // Within the second after the last check, no file is even looked at.
    EXPECT_FALSE(t.refresh(now + kSec / 2));
    EXPECT_EQ(t.user(1002), nullptr);

    EXPECT_TRUE(t.refresh(now + kSec));
    EXPECT_EQ(t.reloads(), reloads + 1);
    ASSERT_NE(t.user(1002), nullptr);
    EXPECT_EQ(t.user(1002)->name, "bob");
    // Entries are updated in place: the old pointer is still valid and sees the change.
    EXPECT_EQ(t.user(1000), alice);
    EXPECT_EQ(alice->homedir, "/home/alice2");
    // Removed ids are gone from lookups.
    EXPECT_EQ(t.user(1), nullptr);
    EXPECT_EQ(t.user(1001), nullptr);
    EXPECT_EQ(t.group(4), nullptr);
    ASSERT_NE(t.group(1002), nullptr);
    EXPECT_EQ(t.group(1002)->name, "bob");

    EXPECT_FALSE(t.refresh(now + 3 * kSec));  // unchanged since
}

TEST_F(UsersTest, InPlaceRewriteWithNewSizeIsSeen) {
    UserTable t = UserTable::under_root(root_.string());
    {
        // Same inode, different size (an editor writing in place).
        std::ofstream out(root_ / "etc/passwd", std::ios::trunc);
        out << "carol:x:1003:1003::/home/carol:/bin/sh\n";
    }
    EXPECT_TRUE(t.refresh(5 * kSec));
    ASSERT_NE(t.user(1003), nullptr);
    EXPECT_EQ(t.user(1003)->name, "carol");
    EXPECT_EQ(t.user(0), nullptr);
}

TEST_F(UsersTest, MissingFileKeepsPreviousContents) {
    UserTable t = UserTable::under_root(root_.string());
    fs::remove(root_ / "etc/passwd");
    EXPECT_FALSE(t.refresh(10 * kSec));
    EXPECT_NE(t.user(1000), nullptr);
    EXPECT_EQ(t.read_errors(), 1u);
    write("etc/passwd", "dave:x:1004:1004::/:/bin/sh\n");
    EXPECT_TRUE(t.refresh(11 * kSec));
    EXPECT_NE(t.user(1004), nullptr);
    EXPECT_EQ(t.user(1000), nullptr);
}

TEST_F(UsersTest, NoFilesAtAll) {
    UserTable t(root_.string() + "/nope/passwd", root_.string() + "/nope/group");
    EXPECT_EQ(t.user(0), nullptr);
    EXPECT_EQ(t.group(0), nullptr);
    EXPECT_EQ(t.read_errors(), 2u);
}

TEST(UsersRealEtc, RootIsKnown) {
    UserTable t("/etc/passwd", "/etc/group");
    ASSERT_NE(t.user(0), nullptr);
    EXPECT_EQ(t.user(0)->name, "root");
    ASSERT_NE(t.group(0), nullptr);
    EXPECT_EQ(t.group(0)->name, "root");
}

}  // namespace
