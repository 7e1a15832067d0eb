// Path text helpers: lexical normalization and whether a raw path leads to an opened file.
#include "sensor/state/paths.h"

#include <gtest/gtest.h>

using sensor::state::normalize_path;
using sensor::state::raw_path_leads_to;

namespace {

bool leads(const char* raw, const char* base, const char* opened) {
    std::string scratch;
    return raw_path_leads_to(raw, base, opened, scratch);
}

TEST(Paths, Normalize) {
    std::string p = "/tmp/../etc//./passwd";
    normalize_path(p);
    EXPECT_EQ(p, "/etc/passwd");
    p = "/../..";
    normalize_path(p);
    EXPECT_EQ(p, "/");
}

TEST(Paths, AbsoluteRawMustGiveTheOpenedPath) {
    EXPECT_TRUE(leads("/tmp/../etc/../etc/passwd", "", "/etc/passwd"));
    EXPECT_TRUE(leads("/etc/passwd", "/anywhere", "/etc/passwd"));
    EXPECT_FALSE(leads("/tmp/xxxxxxxxxxxxxxxxxxxx", "", "/etc/passwd"));
    EXPECT_FALSE(leads("/etc/localtime", "", "/usr/share/zoneinfo/Etc/UTC"));
    // A suffix is no excuse for an absolute path.
    EXPECT_FALSE(leads("/passwd", "", "/etc/passwd"));
}

TEST(Paths, RelativeRawFromTheBase) {
    EXPECT_TRUE(leads("passwd", "/etc/", "/etc/passwd"));
    EXPECT_TRUE(leads("../etc/passwd", "/tmp", "/etc/passwd"));
    EXPECT_TRUE(leads("./ssh/../passwd", "/etc", "/etc/passwd"));
    EXPECT_FALSE(leads("../etc/passwd", "/home/bob", "/etc/passwd"));
    // Base unknown or stale: a ".."-free path that ends the opened path at a component.
    EXPECT_TRUE(leads("etc/passwd", "", "/etc/passwd"));
    EXPECT_TRUE(leads("passwd", "/stale", "/etc/passwd"));
    EXPECT_FALSE(leads("asswd", "", "/etc/passwd"));
    EXPECT_FALSE(leads("../passwd", "", "/etc/passwd"));
    // No path given: nothing to compare.
    EXPECT_TRUE(leads("", "", "/etc/passwd"));
}

}  // namespace
