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

TEST(Loader, RequiredPluginsOnlyContainerIsProvided) {
    EXPECT_TRUE(load("- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n").ok);
    auto r = load("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n");
    ASSERT_FALSE(r.ok);
    EXPECT_NE(first_error(r)->message.find("k8saudit"), std::string::npos);
    EXPECT_TRUE(load("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n"
                     "    alternatives:\n      - name: container\n        version: 0.1.0\n")
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
