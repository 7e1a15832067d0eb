// Container mounts as Falco shows them, and pattern lookups that allocate only the first time.
#include "sensor/state/container_mounts.h"

#include <gtest/gtest.h>

#include "support/alloc_counter.h"

using namespace sensor::state;

TEST(ContainerMounts, RenderAndParseAreInverse) {
    std::vector<ContainerMount> m = {
        make_container_mount("/var/log", "/logs", "", false, "private"),
        make_container_mount("/data", "/data", "z", true, "rshared")};
    EXPECT_EQ(m[0].text, "/var/log:/logs::false:private");
    std::string text = render_mounts(m);
    EXPECT_EQ(text, "/var/log:/logs::false:private,/data:/data:z:true:rshared");
    auto back = parse_mounts(text);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[1].source, "/data");
    EXPECT_EQ(back[1].mode, "z");
    EXPECT_TRUE(back[1].rdwr);
    EXPECT_EQ(back[1].propagation, "rshared");
    EXPECT_EQ(back[1].text, m[1].text);
    EXPECT_TRUE(parse_mounts("").empty());
    EXPECT_EQ(render_mounts({}), "");
}

TEST(ContainerMounts, PatternsAreRegularExpressionsFoundInThePath) {
    ContainerInfo c;
    c.mount_list = {
        make_container_mount("/host/etc", "/etc/host", "", false, "private"),
        make_container_mount("/var/run/docker.sock", "/run/docker.sock", "", true, "private")};
    EXPECT_EQ(find_mount(c, "docker\\.sock$", false), &c.mount_list[1]);
    EXPECT_EQ(find_mount(c, "/etc", false), &c.mount_list[0]);  // found anywhere
    EXPECT_EQ(find_mount(c, "^/etc", false), nullptr);
    EXPECT_EQ(find_mount(c, "^/etc", true), &c.mount_list[0]);  // destinations
    std::string err;
    EXPECT_TRUE(valid_mount_pattern("/usr/local/*", err));
    EXPECT_FALSE(valid_mount_pattern("[a-", err));
    EXPECT_NE(err.find("not a regular expression"), std::string::npos);
}

TEST(ContainerMounts, RepeatedLookupsAllocateNothing) {
    ContainerInfo c;
    c.mount_list = {make_container_mount("/host/etc", "/etc/host", "", false, "private")};
    std::string pattern = "/host/.*";
    ASSERT_EQ(find_mount(c, pattern, false), &c.mount_list[0]);
    ASSERT_EQ(find_mount(c, "nope", false), nullptr);
    uint64_t before = sensor::testing_support::allocation_count();
    for (int i = 0; i < 1000; ++i) {
        ASSERT_EQ(find_mount(c, pattern, false), &c.mount_list[0]);
        ASSERT_EQ(find_mount(c, "nope", false), nullptr);
    }
    EXPECT_EQ(sensor::testing_support::allocation_count(), before);
}
