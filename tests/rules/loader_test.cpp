// Loading rules: contents and files (directories in name order), required plugins.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/rules_harness.h"

using namespace sensor;
using namespace sensor::rules_test;

TEST(Loader, MinimalRuleLoadsAndFires) {
    auto r = load(kBaseRule);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.rule_count, 1u);
    Ev cat("open", "cat"), ls("open", "ls"), cat_exec("execve", "cat");
    EXPECT_EQ(fired(r, cat.ev), std::vector<std::string>{"R"});
    EXPECT_TRUE(fired(r, ls.ev).empty());
    EXPECT_TRUE(fired(r, cat_exec.ev).empty());
}

// Built-in plugins meet requirements with Falco's rule: same major version, not older.
TEST(Loader, RequiredPluginsAreMetByBuiltInsOfACompatibleVersion) {
    auto req = [](const std::string& name, const std::string& version,
                  const std::string& alternatives = "") {
        return load("- required_plugin_versions:\n  - name: " + name + "\n    version: " + version +
                    "\n" + alternatives);
    };
    EXPECT_TRUE(req("container", "0.4.0").ok);
    EXPECT_TRUE(req("container", "0.1.0").ok);
    EXPECT_FALSE(req("container", "0.5.0").ok) << "newer than the built-in";
    EXPECT_FALSE(req("container", "1.0.0").ok) << "another major version";
    EXPECT_FALSE(req("container", "zero").ok);
    auto r = req("cloudtrail", "0.1.0");
    ASSERT_FALSE(r.ok);
    EXPECT_NE(first_error(r)->message.find("Plugin requirement not satisfied, must load one of: "
                                           "cloudtrail 0.1.0"),
              std::string::npos)
        << first_error(r)->message;
    EXPECT_TRUE(req("cloudtrail", "0.1.0",
                    "    alternatives:\n      - name: container\n        version: 0.2.0\n")
                    .ok);
    EXPECT_FALSE(req("cloudtrail", "0.1.0",
                     "    alternatives:\n      - name: container\n        version: 0.9.0\n")
                     .ok);
}

TEST(Files, LaterFilesAppendToEarlierOnesAndDirectoriesSort) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / "sensor_loader_test_dir";
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "10-base.yaml") << kBaseRule;
    std::ofstream(dir / "20-extra.yml") << R"(
- rule: R
  condition: or proc.name = dog
  override:
    condition: append
)";
    std::ofstream(dir / "notes.txt") << "not rules";
    auto r = rules::load_rules_files({dir.string()});
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(r.files.size(), 2u);
    EXPECT_NE(r.files[0].path.find("10-base.yaml"), std::string::npos);
    Ev dog("open", "dog");
    EXPECT_EQ(fired(r, dog.ev).size(), 1u);
    auto missing = rules::load_rules_files({(dir / "nope.yaml").string()});
    ASSERT_FALSE(missing.ok);
    EXPECT_EQ(first_error(missing)->code, "LOAD_ERR_FILE_READ");
    fs::remove_all(dir);
}
